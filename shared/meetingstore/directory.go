package meetingstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// Rota table keys.
func staffKey(id string) dynamo.Key { return dynamo.Key{PK: dynamo.PK("STAFF#" + id), SK: "PROFILE"} }
func subjectKey(sub string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("SUB#" + sub), SK: "IDENTITY"}
}
func rotaKey(role staff.Role, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("ROTA#" + string(role)), SK: dynamo.SK(id)}
}
func leaveKey(staffID string, from civil.Date, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("STAFF#" + staffID), SK: dynamo.SK("LEAVE#" + from.String() + "#" + id)}
}

// ContinuityKey is the key of an individual's continuity person for a role.
func ContinuityKey(caseID string, role staff.Role) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CONTINUITY#" + caseID), SK: dynamo.SK(string(role))}
}

// PanelDaysKey holds an area's panel days.
var PanelDaysKey = dynamo.Key{PK: "CONFIG#panel-days", SK: "CONFIG"}

func strSet(it item, name string) []string {
	if v, ok := it[name].(*types.AttributeValueMemberSS); ok {
		return v.Value
	}
	return nil
}

func date(it item, name string) civil.Date {
	d, _ := civil.Parse(str(it, name))
	return d
}

// PersonItem is the profile item of p (the shape the seed also writes).
func PersonItem(p staff.Person) item {
	roles := []string{}
	for _, r := range append([]staff.Role{p.Role}, p.Roles...) {
		if r != "" && !slices.Contains(roles, string(r)) {
			roles = append(roles, string(r))
		}
	}
	it := withKey(staffKey(p.ID), item{
		"type": dynamo.S("staff"), "id": dynamo.S(p.ID), "name": dynamo.S(p.Name), "email": dynamo.S(p.Email),
		"roles":  &types.AttributeValueMemberSS{Value: roles},
		"active": &types.AttributeValueMemberBOOL{Value: p.Active}, "version": dynamo.N(int64(p.Version)),
		"gsi1pk": dynamo.S("STAFF"), "gsi1sk": dynamo.S(strings.ToLower(p.Name) + "#" + p.ID),
	})
	for name, v := range map[string]string{"team": p.Team, "lineManagerId": p.LineManager, "subject": p.Subject} {
		if v != "" {
			it[name] = dynamo.S(v)
		}
	}
	if !p.DBSCheckedOn.IsZero() {
		it["dbsCheckedOn"] = dynamo.S(p.DBSCheckedOn.String())
	}
	if !p.DBSNextDue.IsZero() {
		it["dbsNextDue"] = dynamo.S(p.DBSNextDue.String())
	}
	return it
}

func personFrom(it item) staff.Person {
	p := staff.Person{
		ID: str(it, "id"), Name: str(it, "name"), Email: str(it, "email"), Team: str(it, "team"),
		LineManager: str(it, "lineManagerId"), Subject: str(it, "subject"), Active: boolean(it, "active"),
		DBSCheckedOn: date(it, "dbsCheckedOn"), DBSNextDue: date(it, "dbsNextDue"), Version: num(it, "version"),
	}
	roles := strSet(it, "roles")
	slices.Sort(roles)
	for _, r := range roles {
		p.Roles = append(p.Roles, staff.Role(r))
	}
	// The main role: the most senior council role held.
	for _, r := range []staff.Role{staff.RoleHeadOfService, staff.RoleServiceMgr, staff.RoleTeamManager, staff.RoleSocialWorker, staff.RoleBSO, staff.RoleAD, staff.RoleAdmin} {
		if slices.Contains(p.Roles, r) {
			p.Role = r
			break
		}
	}
	return p
}

// GetPerson reads a profile.
func (s *Store) GetPerson(ctx context.Context, id string) (staff.Person, error) {
	it, err := s.get(ctx, s.t.Rota, staffKey(id))
	if err != nil {
		return staff.Person{}, err
	}
	return personFrom(it), nil
}

// People lists the directory by name (Query gsi1 STAFF).
func (s *Store) People(ctx context.Context) ([]staff.Person, error) {
	items, err := s.queryIndexAll(ctx, s.t.Rota, "STAFF", "")
	if err != nil {
		return nil, err
	}
	out := make([]staff.Person, 0, len(items))
	for _, it := range items {
		out = append(out, personFrom(it))
	}
	return out, nil
}

// Names returns a name for every person in the directory, keyed by staff
// id and by linked sign-in subject, for showing history with names.
func (s *Store) Names(ctx context.Context) (staff.Names, error) {
	ps, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	n := staff.Names{}
	for _, p := range ps {
		n[p.ID] = p.Name
		if p.Subject != "" {
			n[p.Subject] = p.Name
		}
	}
	return n, nil
}

// SavePerson writes a profile, conditional on the version read (0: new),
// and links its sign-in subject (one subject, one person).
func (s *Store) SavePerson(ctx context.Context, p staff.Person, expected int, e Effects) (staff.Person, error) {
	old := staff.Person{}
	if expected != 0 {
		var err error
		if old, err = s.GetPerson(ctx, p.ID); err != nil {
			return staff.Person{}, err
		}
	}
	p.Version = expected + 1
	items := []types.TransactWriteItem{versioned(s.t.Rota, PersonItem(p), expected)}
	if p.Subject != old.Subject {
		if old.Subject != "" {
			items = append(items, del(s.t.Rota, subjectKey(old.Subject)))
		}
		if p.Subject != "" {
			items = append(items, put(s.t.Rota, withKey(subjectKey(p.Subject), item{"type": dynamo.S("identity"), "staffId": dynamo.S(p.ID)}),
				"attribute_not_exists(pk) OR staffId = :id", item{":id": dynamo.S(p.ID)}))
		}
	}
	eff, opt := s.effectItems(e, s.clock.Now(), len(items))
	if err := s.transact(ctx, append(items, eff...), opt); err != nil {
		var cf conditionFailed
		if errors.As(err, &cf) {
			if slices.Contains(cf.indexes, 0) {
				if expected == 0 {
					return staff.Person{}, ErrExists
				}
				return staff.Person{}, ErrVersionConflict
			}
			return staff.Person{}, ErrSubjectTaken
		}
		return staff.Person{}, err
	}
	return p, nil
}

// ErrSubjectTaken: the sign-in identity is linked to someone else.
var ErrSubjectTaken = errors.New("meetingstore: sign-in identity linked to another person")

// StaffIDFor returns the directory id of a sign-in subject: the linked
// identity (SUB#<sub>), or the subject itself if a profile has that id.
func (s *Store) StaffIDFor(ctx context.Context, sub string) (string, error) {
	it, err := s.get(ctx, s.t.Rota, subjectKey(sub))
	if err == nil {
		return str(it, "staffId"), nil
	}
	if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if _, err := s.GetPerson(ctx, sub); err != nil {
		return "", err
	}
	return sub, nil
}

// ---------------------------------------------------------------- leave

func leaveItem(l staff.Leave) item {
	return withKey(leaveKey(l.StaffID, l.From, l.ID), item{
		"type": dynamo.S("leave"), "id": dynamo.S(l.ID), "staffId": dynamo.S(l.StaffID),
		"from": dynamo.S(l.From.String()), "to": dynamo.S(l.To.String()), "kind": dynamo.S(string(l.Kind)),
		"gsi1pk": dynamo.S("LEAVE"), "gsi1sk": dynamo.S(l.To.String() + "#" + l.StaffID + "#" + l.ID),
	})
}

func leaveFrom(it item) staff.Leave {
	return staff.Leave{ID: str(it, "id"), StaffID: str(it, "staffId"), From: date(it, "from"), To: date(it, "to"), Kind: staff.LeaveKind(str(it, "kind"))}
}

// AddLeave records a period of leave.
func (s *Store) AddLeave(ctx context.Context, l staff.Leave, e Effects) error {
	items := []types.TransactWriteItem{put(s.t.Rota, leaveItem(l), "attribute_not_exists(pk)", nil)}
	eff, opt := s.effectItems(e, s.clock.Now(), 1)
	return s.transact(ctx, append(items, eff...), opt)
}

// RemoveLeave deletes a period of leave.
func (s *Store) RemoveLeave(ctx context.Context, staffID string, from civil.Date, id string, e Effects) error {
	items := []types.TransactWriteItem{{Delete: &types.Delete{TableName: aws.String(s.t.Rota), Key: leaveKey(staffID, from, id).Attrs(),
		ConditionExpression: aws.String("attribute_exists(pk)")}}}
	eff, opt := s.effectItems(e, s.clock.Now(), 1)
	if err := s.transact(ctx, append(items, eff...), opt); err != nil {
		if isConditionFailed(err) {
			return ErrNotFound
		}
		return err
	}
	return nil
}

// LeaveOf lists one person's leave (Query STAFF#<id>, sk LEAVE#).
func (s *Store) LeaveOf(ctx context.Context, staffID string) ([]staff.Leave, error) {
	items, err := s.queryAll(ctx, s.t.Rota, "STAFF#"+staffID, "LEAVE#")
	if err != nil {
		return nil, err
	}
	out := make([]staff.Leave, 0, len(items))
	for _, it := range items {
		out = append(out, leaveFrom(it))
	}
	return out, nil
}

// CurrentLeave lists everyone's leave that ends on or after from (Query
// gsi1 LEAVE, sort key <to>#...).
func (s *Store) CurrentLeave(ctx context.Context, from civil.Date) ([]staff.Leave, error) {
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.t.Rota), IndexName: aws.String(dynamo.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :pk AND gsi1sk >= :from"),
		ExpressionAttributeValues: item{":pk": dynamo.S("LEAVE"), ":from": dynamo.S(from.String())},
	}
	var out []staff.Leave
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("meetingstore: leave: %w", err)
		}
		for _, it := range page.Items {
			out = append(out, leaveFrom(it))
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// ---------------------------------------------------------------- rota

// RotaItem is the rota membership item of e (the shape the seed writes).
func RotaItem(e staff.RotaEntry) item {
	it := withKey(rotaKey(e.Role, e.StaffID), item{
		"type": dynamo.S("rota"), "role": dynamo.S(string(e.Role)), "staffId": dynamo.S(e.StaffID),
		"position": dynamo.N(int64(e.Position)), "active": &types.AttributeValueMemberBOOL{Value: e.Active},
		"backup": &types.AttributeValueMemberBOOL{Value: e.Backup}, "version": dynamo.N(1),
		"gsi1pk": dynamo.S("ROTA_OF#" + e.StaffID), "gsi1sk": dynamo.S(string(e.Role)),
	})
	if e.BackupFor != "" {
		it["backupFor"] = dynamo.S(e.BackupFor)
	}
	return it
}

// Rota lists a role's rota in rota order (Query ROTA#<role>).
func (s *Store) Rota(ctx context.Context, role staff.Role) ([]staff.RotaEntry, error) {
	items, err := s.queryAll(ctx, s.t.Rota, "ROTA#"+string(role), "")
	if err != nil {
		return nil, err
	}
	out := make([]staff.RotaEntry, 0, len(items))
	for _, it := range items {
		out = append(out, staff.RotaEntry{Role: role, StaffID: str(it, "staffId"), Position: num(it, "position"),
			Active: boolean(it, "active"), Backup: boolean(it, "backup"), BackupFor: str(it, "backupFor")})
	}
	slices.SortFunc(out, func(a, b staff.RotaEntry) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.StaffID, b.StaffID)
	})
	return out, nil
}

// SaveRotaEntry adds or changes a place on a rota.
func (s *Store) SaveRotaEntry(ctx context.Context, r staff.RotaEntry, e Effects) error {
	items := []types.TransactWriteItem{put(s.t.Rota, RotaItem(r), "", nil)}
	eff, opt := s.effectItems(e, s.clock.Now(), 1)
	return s.transact(ctx, append(items, eff...), opt)
}

// ---------------------------------------------------------------- continuity

// Continuity is an individual's continuity person for a role.
type Continuity struct {
	CaseID  string     `json:"caseId"`
	Role    staff.Role `json:"role"`
	StaffID string     `json:"staffId"`
	Since   time.Time  `json:"since"`
}

func continuityItem(c Continuity) item {
	return withKey(ContinuityKey(c.CaseID, c.Role), item{
		"type": dynamo.S("continuity"), "caseId": dynamo.S(c.CaseID), "role": dynamo.S(string(c.Role)),
		"staffId": dynamo.S(c.StaffID), "since": dynamo.S(Stamp(c.Since)),
		"gsi1pk": dynamo.S("LOAD#" + string(c.Role) + "#" + c.StaffID), "gsi1sk": dynamo.S(c.CaseID),
	})
}

// GetContinuity returns a case's continuity person for role ("" if none).
func (s *Store) GetContinuity(ctx context.Context, caseID string, role staff.Role) (string, error) {
	it, err := s.get(ctx, s.t.Rota, ContinuityKey(caseID, role))
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return str(it, "staffId"), nil
}

// Load counts the individuals a person is the continuity person for at a
// role (Query gsi1 LOAD#<role>#<id>, Select COUNT).
func (s *Store) Load(ctx context.Context, role staff.Role, staffID string) (int, error) {
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.t.Rota), IndexName: aws.String(dynamo.GSI1), Select: types.SelectCount,
		KeyConditionExpression:    aws.String("gsi1pk = :pk"),
		ExpressionAttributeValues: item{":pk": dynamo.S("LOAD#" + string(role) + "#" + staffID)},
	}
	n := 0
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("meetingstore: load: %w", err)
		}
		n += int(page.Count)
		if len(page.LastEvaluatedKey) == 0 {
			return n, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// ContinuityOf lists the individuals (case ids) a person is the continuity
// person for at a role.
func (s *Store) ContinuityOf(ctx context.Context, role staff.Role, staffID string) ([]string, error) {
	items, err := s.queryIndexAll(ctx, s.t.Rota, "LOAD#"+string(role)+"#"+staffID, "")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, str(it, "caseId"))
	}
	return out, nil
}

// ---------------------------------------------------------------- panel days

// PanelDays returns the area's fixed panel days.
func (s *Store) PanelDays(ctx context.Context) ([]civil.Date, error) {
	it, err := s.get(ctx, s.t.Rota, PanelDaysKey)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []civil.Date
	for _, d := range strSet(it, "days") {
		if p, err := civil.Parse(d); err == nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b civil.Date) int { return a.Compare(b) })
	return out, nil
}

// SetPanelDays replaces the area's panel days.
func (s *Store) SetPanelDays(ctx context.Context, days []civil.Date, e Effects) error {
	it := withKey(PanelDaysKey, item{"type": dynamo.S("panel-days"), "updatedAt": dynamo.S(Stamp(s.clock.Now()))})
	var ds []string
	for _, d := range days {
		if !slices.Contains(ds, d.String()) {
			ds = append(ds, d.String())
		}
	}
	if len(ds) > 0 {
		it["days"] = &types.AttributeValueMemberSS{Value: ds}
	}
	it["count"] = dynamo.S(strconv.Itoa(len(ds)))
	items := []types.TransactWriteItem{put(s.t.Rota, it, "", nil)}
	eff, opt := s.effectItems(e, s.clock.Now(), 1)
	return s.transact(ctx, append(items, eff...), opt)
}
