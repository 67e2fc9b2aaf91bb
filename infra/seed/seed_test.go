package seed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestMain(m *testing.M) { localstack.Main(m) }

func TestDemoStaffCoverEveryRole(t *testing.T) {
	want := map[auth.Role]int{auth.RoleBSO: 2, auth.RoleSocialWorker: 3, auth.RoleTeamManager: 2, auth.RoleServiceMgr: 3,
		auth.RoleHeadOfService: 2, auth.RoleAD: 1, auth.RoleAdmin: 1}
	got := map[auth.Role]int{}
	ids := map[string]bool{}
	for _, s := range seed.DemoStaff() {
		if ids[s.ID] {
			t.Fatalf("duplicate id %s", s.ID)
		}
		ids[s.ID] = true
		if !strings.HasSuffix(s.Email, "@example.gov.uk") || s.Name == "" {
			t.Fatalf("staff %+v", s)
		}
		for _, r := range s.Roles {
			got[r]++
		}
	}
	for _, r := range auth.Roles {
		if got[r] != want[r] {
			t.Errorf("%s: %d demo staff, want %d", r, got[r], want[r])
		}
	}
	for _, e := range seed.DemoRota() {
		if !ids[e.StaffID] || (e.BackupFor != "" && !ids[e.BackupFor]) {
			t.Errorf("rota entry for unknown staff %+v", e)
		}
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	st := localstack.ForTest(t)
	db := st.DB(t)
	tables := st.Tables(t)
	ctx := context.Background()

	wrote, err := seed.Seed(ctx, db, tables, time.Now())
	if err != nil || !wrote {
		t.Fatalf("first seed: wrote %v, %v", wrote, err)
	}
	out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(tables.Rota),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("ROTA#service-manager")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 3 {
		t.Fatalf("service-manager rota has %d members", len(out.Items))
	}
	byName, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(tables.Rota), IndexName: aws.String(dynamo.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("STAFF")}})
	if err != nil || len(byName.Items) != len(seed.DemoStaff()) {
		t.Fatalf("staff by name: %d items, %v", len(byName.Items), err)
	}

	// A change made after the seed survives a second run.
	key := dynamo.Key{PK: "STAFF#" + seed.BSO1, SK: "PROFILE"}
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(tables.Rota), Key: key.Attrs(),
		UpdateExpression:          aws.String("SET active = :f"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":f": &types.AttributeValueMemberBOOL{Value: false}}}); err != nil {
		t.Fatal(err)
	}
	if wrote, err := seed.Seed(ctx, db, tables, time.Now()); err != nil || wrote {
		t.Fatalf("second seed: wrote %v, %v", wrote, err)
	}
	// Even without the marker (an interrupted first run), existing items are kept.
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(tables.Rota), Key: seed.Marker.Attrs()}); err != nil {
		t.Fatal(err)
	}
	if wrote, err := seed.Seed(ctx, db, tables, time.Now()); err != nil || !wrote {
		t.Fatalf("re-seed: wrote %v, %v", wrote, err)
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Rota), Key: key.Attrs()})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := got.Item["active"].(*types.AttributeValueMemberBOOL); a == nil || a.Value {
		t.Fatalf("seed overwrote a changed profile: %v", got.Item["active"])
	}
}

func TestSeedReferralsPostsEachThroughTheHook(t *testing.T) {
	orig := seed.DemoReferrals
	t.Cleanup(func() { seed.DemoReferrals = orig })
	seed.DemoReferrals = func(time.Time) []seed.ReferralSeed {
		return []seed.ReferralSeed{{ClientID: "dev-agency-police", IdempotencyKey: "seed-1", Body: []byte(`{}`)}}
	}
	var posted []string
	err := seed.SeedReferrals(context.Background(), func(_ context.Context, client, key string, _ []byte) error {
		posted = append(posted, client+"/"+key)
		return nil
	}, time.Now())
	if err != nil || len(posted) != 1 || posted[0] != "dev-agency-police/seed-1" {
		t.Fatalf("posted %v, %v", posted, err)
	}
}
