package minutestore_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/minutes"
	"github.com/mappa-coordinator/mappa/shared/minutestore"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var now = time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)

// The record and its extract on DynamoDB Local: receipt is create-only; a
// change is one transaction with its audit entry; the extract is its own
// item with no index keys, and the record's item never holds its text;
// concurrent changes are each applied once (version read, retried).
func TestRecordExtractApartAndConcurrentChanges(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	db, tables := stack.DB(t), stack.Tables(t)
	s := minutestore.New(db, tables.Meetings, tables.Audit, tables.Outbox, clock.NewFixed(now))
	ctx := context.Background()
	entry := func(id string) []audit.Entry {
		return []audit.Entry{{ID: id, At: now, Actor: "staff-1", Action: "minutes.write", Subject: "minutes:m1", CaseID: "c1"}}
	}
	r := minutes.New("m1", "c1", civil.New(2027, 3, 25), civil.Date{})
	if err := r.Receive(civil.New(2027, 3, 28), "MAPPA co-ordinator", "staff-1", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Receive(ctx, r, entry("a1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Receive(ctx, r, entry("a2")); !errors.Is(err, minutestore.ErrExists) {
		t.Errorf("second receipt: %v", err)
	}
	const text = "what concerns the child"
	got, err := s.Update(ctx, "m1", func(r *minutes.Record) (minutestore.Change, error) {
		x, err := r.SetExtract(text, "staff-2", now)
		return minutestore.Change{Audit: entry("a3"), Extract: &x}, err
	})
	if err != nil || got.Version != 2 || got.Extract == nil || got.Extract.Chars != len(text) {
		t.Fatalf("extract: %+v %v", got, err)
	}
	rec, _ := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Meetings), Key: minutestore.Key("m1").Attrs()})
	var plain map[string]any
	if err := attributevalue.UnmarshalMap(rec.Item, &plain); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(plain); !strings.Contains(string(b), `"chars"`) || strings.Contains(string(b), text) {
		t.Errorf("the record's item holds the extract's text (or not its metadata): %s", b)
	}
	if _, ok := rec.Item["gsi1pk"]; !ok {
		t.Error("the record is not indexed by case")
	}
	ex, _ := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Meetings), Key: minutestore.ExtractKey("m1").Attrs()})
	if _, indexed := ex.Item["gsi1pk"]; indexed || ex.Item["type"] == nil {
		t.Errorf("the extract item is indexed or untyped: %v", ex.Item)
	}
	x, ok, err := s.GetExtract(ctx, "m1")
	if err != nil || !ok || x.Text != text || x.By != "staff-2" {
		t.Errorf("extract read: %+v %v %v", x, ok, err)
	}
	// A failing rule writes nothing.
	if _, err := s.Update(ctx, "m1", func(r *minutes.Record) (minutestore.Change, error) {
		return minutestore.Change{Audit: entry("a4")}, r.File(civil.New(2027, 3, 29), "x", "staff-2", now)
	}); !errors.Is(err, minutes.ErrNotChildOffender) {
		t.Errorf("filing for an adult: %v", err)
	}
	// Five sharings at once: all five kept, each once.
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			_, err := s.Update(ctx, "m1", func(r *minutes.Record) (minutestore.Change, error) {
				return minutestore.Change{Audit: entry("share-" + string(rune('a'+i)))}, r.AddShare("agency "+string(rune('A'+i)), civil.New(2027, 3, 29), "Chair", "staff-1", now)
			})
			if err != nil {
				t.Errorf("share %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	final, err := s.Get(ctx, "m1")
	if err != nil || len(final.Shared) != 5 || final.Version != 7 {
		t.Errorf("after five sharings: %d shared, version %d, %v", len(final.Shared), final.Version, err)
	}
	es, _ := audit.Reader{DB: db, Table: tables.Audit}.BySubject(ctx, "minutes:m1")
	if len(es) != 7 { // receipt, extract, five sharings; not the refused filing
		t.Errorf("%d audit entries, want 7", len(es))
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, minutestore.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}
