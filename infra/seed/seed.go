// Package seed puts synthetic demo data into the local tables on the dev
// server's first run: the demo staff (one or more per role, every name
// obviously fictional), their profiles and the attendance rotas, and, through
// the real intake path, a few demo referrals. Nothing here is real data and
// nothing here runs on AWS.
//
// Seeding is idempotent: every item is a conditional put that leaves an
// existing item alone, and a marker item (pk "SEED#v1", sk "SEED" in the
// rota table) written last says the seed is complete, so later runs skip it.
//
// # Items (rota table)
//
//	Staff profile   pk "STAFF#<staffId>"  sk "PROFILE"
//	                type "staff", id, name, email, roles (string set of role group names), active (bool),
//	                team, lineManagerId, dbsCheckedOn, dbsNextDue, subject (the sign-in identity)
//	                gsi1pk "STAFF"  gsi1sk "<name>#<staffId>"     list every member of staff by name
//	Rota membership pk "ROTA#<role>"      sk "<staffId>"
//	                type "rota", role, staffId, position (number: order on the rota),
//	                active (bool: on the rota now), backup (bool: covers others, not allocated first),
//	                backupFor (staffId this person covers, optional)
//	                gsi1pk "ROTA_OF#<staffId>"  gsi1sk "<role>"   the rotas one person is on
//	Seed marker     pk "SEED#v1"          sk "SEED"   type "seed", at (RFC 3339)
//
// Query pk "ROTA#service-manager" to get the service-manager rota in staff
// id order (sort by position for rota order); Get pk "STAFF#<id>" sk
// "PROFILE" for a profile.
package seed

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Marker is the key of the item that says the seed is complete.
var Marker = dynamo.Key{PK: "SEED#v1", SK: "SEED"}

// Staff is a demo member of staff.
type Staff struct {
	ID    string
	Name  string
	Email string
	Roles []auth.Role
}

// Demo staff ids, for tests that sign in as a given role.
const (
	BSO1           = "staff-bso-1"
	BSO2           = "staff-bso-2"
	SocialWorker1  = "staff-sw-1"
	SocialWorker2  = "staff-sw-2"
	SocialWorker3  = "staff-sw-3"
	TeamManager1   = "staff-tm-1"
	TeamManager2   = "staff-tm-2"
	ServiceMgr1    = "staff-sm-1"
	ServiceMgr2    = "staff-sm-2"
	ServiceMgr3    = "staff-sm-3"
	HeadOfService1 = "staff-hos-1"
	HeadOfService2 = "staff-hos-2"
	AD1            = "staff-ad-1"
	Admin1         = "staff-admin-1"
)

// DemoStaff returns the demo staff, in the order the sign-in page lists
// them (by role).
func DemoStaff() []Staff {
	s := func(id, name, email string, roles ...auth.Role) Staff {
		return Staff{ID: id, Name: name, Email: email + "@example.gov.uk", Roles: roles}
	}
	return []Staff{
		s(BSO1, "Ada Example", "ada.example", auth.RoleBSO),
		s(BSO2, "Ben Placeholder", "ben.placeholder", auth.RoleBSO),
		s(SocialWorker1, "Cara Testperson", "cara.testperson", auth.RoleSocialWorker),
		s(SocialWorker2, "Dev Sample", "dev.sample", auth.RoleSocialWorker),
		s(SocialWorker3, "Eli Fictional", "eli.fictional", auth.RoleSocialWorker),
		s(TeamManager1, "Fay Demo", "fay.demo", auth.RoleTeamManager),
		s(TeamManager2, "Gus Mockley", "gus.mockley", auth.RoleTeamManager),
		s(ServiceMgr1, "Hana Dummy", "hana.dummy", auth.RoleServiceMgr),
		s(ServiceMgr2, "Ivo Notreal", "ivo.notreal", auth.RoleServiceMgr),
		s(ServiceMgr3, "Jo Specimen", "jo.specimen", auth.RoleServiceMgr),
		s(HeadOfService1, "Kit Madeup", "kit.madeup", auth.RoleHeadOfService),
		s(HeadOfService2, "Lou Pretend", "lou.pretend", auth.RoleHeadOfService),
		s(AD1, "Mo Invented", "mo.invented", auth.RoleAD),
		s(Admin1, "Nia Imaginary", "nia.imaginary", auth.RoleAdmin),
	}
}

// RotaEntry is one person's place on a role's rota.
type RotaEntry struct {
	Role      auth.Role
	StaffID   string
	Position  int
	Active    bool
	Backup    bool
	BackupFor string
}

// DemoRota returns the attendance rotas: service managers attend level 2
// meetings and heads of service level 3 (docs/rota.md: who attends).
func DemoRota() []RotaEntry {
	return []RotaEntry{
		{Role: auth.RoleServiceMgr, StaffID: ServiceMgr1, Position: 1, Active: true},
		{Role: auth.RoleServiceMgr, StaffID: ServiceMgr2, Position: 2, Active: true},
		{Role: auth.RoleServiceMgr, StaffID: ServiceMgr3, Position: 3, Active: true, Backup: true, BackupFor: ServiceMgr1},
		{Role: auth.RoleHeadOfService, StaffID: HeadOfService1, Position: 1, Active: true},
		{Role: auth.RoleHeadOfService, StaffID: HeadOfService2, Position: 2, Active: true, Backup: true, BackupFor: HeadOfService1},
	}
}

// DB is the DynamoDB calls the seed needs.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// StaffItem is the profile item of s.
func StaffItem(s Staff) map[string]types.AttributeValue {
	roles := make([]string, len(s.Roles))
	for i, r := range s.Roles {
		roles[i] = string(r)
	}
	return map[string]types.AttributeValue{
		"pk": dynamo.S("STAFF#" + s.ID), "sk": dynamo.S("PROFILE"),
		"gsi1pk": dynamo.S("STAFF"), "gsi1sk": dynamo.S(s.Name + "#" + s.ID),
		"type": dynamo.S("staff"), "id": dynamo.S(s.ID), "name": dynamo.S(s.Name), "email": dynamo.S(s.Email),
		"roles":   &types.AttributeValueMemberSS{Value: roles},
		"active":  &types.AttributeValueMemberBOOL{Value: true},
		"version": dynamo.N(1),
	}
}

// RotaItem is the rota membership item of e.
func RotaItem(e RotaEntry) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		"pk": dynamo.S("ROTA#" + string(e.Role)), "sk": dynamo.S(e.StaffID),
		"gsi1pk": dynamo.S("ROTA_OF#" + e.StaffID), "gsi1sk": dynamo.S(string(e.Role)),
		"type": dynamo.S("rota"), "role": dynamo.S(string(e.Role)), "staffId": dynamo.S(e.StaffID),
		"position": &types.AttributeValueMemberN{Value: strconv.Itoa(e.Position)},
		"active":   &types.AttributeValueMemberBOOL{Value: e.Active},
		"backup":   &types.AttributeValueMemberBOOL{Value: e.Backup},
		"version":  dynamo.N(1),
	}
	if e.BackupFor != "" {
		item["backupFor"] = dynamo.S(e.BackupFor)
	}
	return item
}

// Done reports whether the seed marker is present.
func Done(ctx context.Context, db DB, tables dynamo.Tables) (bool, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Rota), Key: Marker.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("seed: read marker: %w", err)
	}
	return out.Item != nil, nil
}

// Seed writes the demo staff and rotas unless the marker says it was done.
// It reports whether it wrote anything.
func Seed(ctx context.Context, db DB, tables dynamo.Tables, now time.Time) (bool, error) {
	done, err := Done(ctx, db, tables)
	if err != nil || done {
		return false, err
	}
	var items []map[string]types.AttributeValue
	details := StaffDetails(now)
	for _, s := range DemoStaff() {
		it := StaffItem(s)
		d := details[s.ID]
		it["team"] = dynamo.S(d.Team)
		if d.LineManager != "" {
			it["lineManagerId"] = dynamo.S(d.LineManager)
		}
		it["dbsCheckedOn"], it["dbsNextDue"] = dynamo.S(d.DBSCheckedOn.String()), dynamo.S(d.DBSNextDue.String())
		it["subject"] = dynamo.S(s.ID) // the dev sign-in's token subject is the staff id
		items = append(items, it)
	}
	for _, e := range DemoRota() {
		items = append(items, RotaItem(e))
	}
	for _, item := range items {
		if err := putNew(ctx, db, tables.Rota, item); err != nil {
			return false, err
		}
	}
	// Line management: a manager sees the cases of their team
	// (shared/access row rules; dev sign-in subjects are the staff ids).
	for _, s := range DemoStaff() {
		if m := details[s.ID].LineManager; m != "" {
			if err := putNew(ctx, db, tables.Cases, assignstore.TeamItem(m, s.ID)); err != nil {
				return false, err
			}
		}
	}
	marker := Marker.Attrs()
	marker["type"] = dynamo.S("seed")
	marker["at"] = dynamo.S(now.UTC().Format(time.RFC3339))
	if err := putNew(ctx, db, tables.Rota, marker); err != nil {
		return false, err
	}
	return true, nil
}

// putNew writes item unless an item with its key exists.
func putNew(ctx context.Context, db DB, table string, item map[string]types.AttributeValue) error {
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(table), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err != nil && !dynamo.IsConditionFailed(err) {
		pk, _ := item["pk"].(*types.AttributeValueMemberS)
		key := ""
		if pk != nil {
			key = pk.Value
		}
		return fmt.Errorf("seed: put %s: %w", key, err)
	}
	return nil
}

// ReferralSeed is one demo referral: which demo agency client posts it, a
// fixed Idempotency-Key (so posting it again returns the first answer and
// creates nothing), and the JSON body.
type ReferralSeed struct {
	ClientID       string
	IdempotencyKey string
	Body           []byte
}

// PostReferral posts one referral body through the real agency API (the
// gateway and the intake function) as clientID, with an Idempotency-Key.
type PostReferral func(ctx context.Context, clientID, idempotencyKey string, body []byte) error

// ErrNoReferrals is returned by SeedReferrals when there is nothing to post.
var ErrNoReferrals = errors.New("seed: no demo referrals defined")

// SeedReferrals posts every demo referral through post. Idempotency keys
// make it safe to run again.
func SeedReferrals(ctx context.Context, post PostReferral, today time.Time) error {
	refs := DemoReferrals(today)
	if len(refs) == 0 {
		return ErrNoReferrals
	}
	for _, r := range refs {
		if err := post(ctx, r.ClientID, r.IdempotencyKey, r.Body); err != nil {
			return fmt.Errorf("seed: referral %s: %w", r.IdempotencyKey, err)
		}
	}
	return nil
}
