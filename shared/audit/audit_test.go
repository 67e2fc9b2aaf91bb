package audit_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestMain(m *testing.M) { localstack.Main(m) }

func subjectOrder(t *testing.T, db *dynamodb.Client, table, subject string) []string {
	t.Helper()
	out, err := db.Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S("AUDIT#" + subject)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range out.Items {
		ids = append(ids, it["id"].(*types.AttributeValueMemberS).Value)
	}
	return ids
}

// Records of one subject come back from a Query in time order, including
// records in the same second with and without a fraction (the ordering the
// earlier RFC 3339 sort key got wrong), and records written in that earlier
// layout are moved to the fixed-width key by MigrateSortKeys, after which
// they sort correctly among new ones.
func TestSortKeysSortInTimeOrderAndOldOnesAreMigrated(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	table := stack.Tables(t).Audit
	ctx := context.Background()
	w := audit.Writer{DB: db, Table: table}
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	// New records: the whole second is written after its fraction.
	for _, e := range []audit.Entry{
		{ID: "b", At: base.Add(100 * time.Millisecond)},
		{ID: "a", At: base},
		{ID: "c", At: base.Add(time.Second)},
	} {
		e.Actor, e.Action, e.Subject = "staff-1", audit.ActionReferralRead, "referral:new"
		if err := w.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if got := subjectOrder(t, db, table, "referral:new"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("new records in order %v, want a b c", got)
	}

	// Records in the earlier layout (time.RFC3339Nano, as written before).
	for _, o := range []struct {
		id string
		at time.Time
	}{{"a", base}, {"b", base.Add(100 * time.Millisecond)}, {"c", base.Add(time.Second)}} {
		at := o.at.Format(time.RFC3339Nano)
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: dynamo.Item{
			"pk": dynamo.S("AUDIT#referral:old"), "sk": dynamo.S(at + "#" + o.id),
			"gsi1pk": dynamo.S("ACTOR#staff-1"), "gsi1sk": dynamo.S(at + "#" + o.id),
			"type": dynamo.S("audit"), "id": dynamo.S(o.id), "at": dynamo.S(at), "actor": dynamo.S("staff-1"),
			"action": dynamo.S(string(audit.ActionReferralRead)), "subject": dynamo.S("referral:old"),
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := subjectOrder(t, db, table, "referral:old"); slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("old layout sorted correctly (%v): the test no longer shows the bug it migrates", got)
	}
	moved, err := audit.MigrateSortKeys(ctx, db, table)
	if err != nil {
		t.Fatal(err)
	}
	if moved != 3 {
		t.Errorf("moved %d records, want 3 (the new ones stay)", moved)
	}
	if got := subjectOrder(t, db, table, "referral:old"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("migrated records in order %v, want a b c", got)
	}
	if again, err := audit.MigrateSortKeys(ctx, db, table); err != nil || again != 0 {
		t.Errorf("second run moved %d (%v), want 0", again, err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: (audit.Entry{ID: "b", At: base.Add(100 * time.Millisecond), Subject: "referral:old"}).Key().Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		t.Fatalf("migrated record not at its new key: %v", err)
	}
	if g := out.Item["gsi1pk"].(*types.AttributeValueMemberS).Value; !strings.HasPrefix(g, "ACTOR#staff-1#2026-11-23#") {
		t.Errorf("migrated actor index key %q", g)
	}
	if a := out.Item["action"].(*types.AttributeValueMemberS).Value; a != string(audit.ActionReferralRead) {
		t.Errorf("migrated record lost its attributes: action %q", a)
	}
}

func TestActorIndexSpreadsOneDayOverBuckets(t *testing.T) {
	seen := map[dynamo.PK]bool{}
	at := time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC)
	for i := range 64 {
		e := audit.Entry{ID: "id-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), At: at, Actor: "system:classify"}
		k := e.ActorIndexKey()
		if !strings.HasPrefix(string(k.PK), "ACTOR#system:classify#2026-11-23#") {
			t.Fatalf("gsi1pk %q", k.PK)
		}
		seen[k.PK] = true
	}
	if len(seen) != audit.ActorBuckets {
		t.Errorf("64 records used %d partitions, want %d", len(seen), audit.ActorBuckets)
	}
}
