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
// records in the same second with and without a fraction: RFC 3339 with a
// trimmed fraction sorted "10:00:00Z" after "10:00:00.1Z"; the fixed-width
// stamp does not. (Nothing was ever deployed with the earlier layout, so
// there is nothing to migrate.)
func TestSortKeysSortInTimeOrder(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	table := stack.Tables(t).Audit
	ctx := context.Background()
	w := audit.Writer{DB: db, Table: table}
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	// The whole second is written after its fraction.
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
		t.Errorf("records in order %v, want a b c", got)
	}
}

// TestSortKeyIsFixedWidth: every audit sort key starts with a stamp of
// dynamo.StampWidth bytes, so 10:00:00Z sorts before 10:00:00.1Z as a
// string, and the actor index's sort key too.
func TestSortKeyIsFixedWidth(t *testing.T) {
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	var keys []string
	for _, at := range []time.Time{base, base.Add(100 * time.Millisecond), base.Add(time.Nanosecond), base.Add(time.Second),
		base.In(time.FixedZone("BST", 3600))} {
		e := audit.Entry{ID: "x", At: at, Actor: "staff-1", Subject: "referral:r"}
		sk, gsk := string(e.Key().SK), string(e.ActorIndexKey().SK)
		for _, k := range []string{sk, gsk} {
			if !dynamo.IsStamp(k[:min(len(k), dynamo.StampWidth)]) || k[dynamo.StampWidth] != '#' {
				t.Fatalf("sort key %q does not start with a fixed-width stamp", k)
			}
		}
		keys = append(keys, sk)
	}
	if keys[0] >= keys[1] || keys[0] >= keys[2] || keys[2] >= keys[1] || keys[1] >= keys[3] {
		t.Errorf("sort keys out of time order: %q", keys)
	}
	if keys[4] != keys[0] {
		t.Errorf("the same instant in another zone has another key: %q, %q", keys[4], keys[0])
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
