package aggregate_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func TestMain(m *testing.M) { localstack.Main(m) }

// note is a minimal aggregate: what a new aggregate declares.
type note struct {
	aggregate.Versioned
	ID      string    `dynamodbav:"id"`
	Text    string    `dynamodbav:"text"`
	Count   int       `dynamodbav:"count"`
	Created time.Time `dynamodbav:"createdAt"`
}

func noteKey(id string) dynamo.Key { return dynamo.Key{PK: dynamo.PK("NOTE#" + id), SK: "NOTE"} }

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func notes(t *testing.T) (*aggregate.Table[note, *note], dynamo.Tables, *dynamodb.Client) {
	t.Helper()
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	tables := stack.Tables(t)
	return &aggregate.Table[note, *note]{
		DB: db, Name: tables.Cases, Key: noteKey,
		Derive:     func(n *note, it dynamo.Item) { it["type"] = dynamo.S("note") },
		AuditTable: tables.Audit, OutboxTable: tables.Outbox, Clock: clock.NewFixed(now),
	}, tables, db
}

func entry(id string) audit.Entry {
	return audit.Entry{ID: id, At: now, Actor: "staff-1", Action: audit.ActionCaseLevel, Subject: "note:n1"}
}

func exists(t *testing.T, db *dynamodb.Client, table string, k dynamo.Key) bool {
	t.Helper()
	out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: k.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item != nil
}

func TestCreateGetUpdate(t *testing.T) {
	t.Parallel()
	tb, tables, db := notes(t)
	ctx := context.Background()
	if err := tb.Create(ctx, "n1", &note{ID: "n1", Text: "first", Created: now}, aggregate.Effects{Audit: []audit.Entry{entry("a0")}}); err != nil {
		t.Fatal(err)
	}
	if err := tb.Create(ctx, "n1", &note{ID: "n1"}, aggregate.Effects{}); !errors.Is(err, aggregate.ErrExists) {
		t.Errorf("second create: %v, want ErrExists", err)
	}
	got, err := tb.Get(ctx, "n1")
	if err != nil || got.Text != "first" || got.Version != 1 || !got.Created.Equal(now) {
		t.Fatalf("get %+v %v", got, err)
	}
	if _, err := tb.Get(ctx, "nope"); !errors.Is(err, aggregate.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}

	msg := outbox.Message{ID: "note-n1-changed", Kind: "note.changed", To: []string{"inbox@example.gov.uk"}, Subject: "Changed", Text: "n1"}
	up, err := tb.Update(ctx, "n1", func(n *note) (aggregate.Effects, error) {
		n.Text = "second"
		return aggregate.Effects{Audit: []audit.Entry{entry("a1")}, Outbox: []outbox.Message{msg}}, nil
	})
	if err != nil || up.Text != "second" || up.Version != 2 {
		t.Fatalf("update %+v %v", up, err)
	}
	if !exists(t, db, tables.Outbox, outbox.Key(msg.ID)) || !exists(t, db, tables.Audit, entry("a1").Key()) {
		t.Error("effects not written with the change")
	}

	// A closure's error writes nothing.
	refuse := errors.New("not allowed")
	_, err = tb.Update(ctx, "n1", func(n *note) (aggregate.Effects, error) {
		n.Text = "third"
		return aggregate.Effects{Audit: []audit.Entry{entry("a2")}}, refuse
	})
	if !errors.Is(err, refuse) {
		t.Errorf("closure error %v", err)
	}
	if exists(t, db, tables.Audit, entry("a2").Key()) {
		t.Error("audit of a refused change written")
	}

	// An effect whose condition fails (the same email queued again)
	// cancels the whole change.
	_, err = tb.Update(ctx, "n1", func(n *note) (aggregate.Effects, error) {
		n.Text = "fourth"
		return aggregate.Effects{Outbox: []outbox.Message{msg}}, nil
	})
	if !errors.Is(err, aggregate.ErrEffect) {
		t.Errorf("replayed email: %v, want ErrEffect", err)
	}
	if got, _ := tb.Get(ctx, "n1"); got.Text != "second" || got.Version != 2 {
		t.Errorf("record changed by a cancelled transaction: %+v", got)
	}
	if _, err := tb.Update(ctx, "nope", func(*note) (aggregate.Effects, error) { return aggregate.Effects{}, nil }); !errors.Is(err, aggregate.ErrNotFound) {
		t.Errorf("update of a missing record: %v", err)
	}
}

// Concurrent writers never lose an update: every lost race is read again
// and rerun.
func TestConcurrentUpdatesAreNotLost(t *testing.T) {
	t.Parallel()
	tb, _, _ := notes(t)
	tb.Retry = dynamo.Backoff{Attempts: 50, Base: time.Millisecond, Max: 20 * time.Millisecond}
	ctx := context.Background()
	if err := tb.Create(ctx, "n1", &note{ID: "n1"}, aggregate.Effects{}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := tb.Update(ctx, "n1", func(n *note) (aggregate.Effects, error) {
					n.Count++
					return aggregate.Effects{Audit: []audit.Entry{entry(fmt.Sprintf("w%d-%d-v%d", w, i, n.Version))}}, nil
				})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := tb.Get(ctx, "n1")
	if err != nil || got.Count != writers*each || got.Version != writers*each+1 {
		t.Errorf("count %d version %d (%v), want %d and %d", got.Count, got.Version, err, writers*each, writers*each+1)
	}
}

func TestUpdateGivesUpWithTheContext(t *testing.T) {
	t.Parallel()
	tb, _, _ := notes(t)
	ctx := context.Background()
	if err := tb.Create(ctx, "n1", &note{ID: "n1"}, aggregate.Effects{}); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := tb.Update(cctx, "n1", func(n *note) (aggregate.Effects, error) { n.Count++; return aggregate.Effects{}, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
