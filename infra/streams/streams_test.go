package streams_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestMain(m *testing.M) { localstack.Main(m) }

type env struct {
	db       *dynamodb.Client
	api      streams.API
	tables   dynamo.Tables
	tmpl     *template.Template
	classify template.StreamEvent
	mailer   template.StreamEvent
}

func setup(t *testing.T) env {
	t.Helper()
	st := localstack.ForTest(t)
	tmpl, err := st.Template()
	if err != nil {
		t.Fatal(err)
	}
	api, err := streams.NewClient(context.Background(), st.DynamoEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	e := env{db: st.DB(t), api: api, tables: st.Tables(t), tmpl: tmpl}
	find := func(fn string) template.StreamEvent {
		f, ok := tmpl.Function(fn)
		if !ok {
			t.Fatalf("no %s in the template", fn)
		}
		for _, ev := range f.Events {
			if ev.Stream != nil {
				return *ev.Stream
			}
		}
		t.Fatalf("%s has no stream event", fn)
		return template.StreamEvent{}
	}
	e.classify, e.mailer = find("ClassifyFunction"), find("MailerFunction")
	return e
}

func put(t *testing.T, db *dynamodb.Client, table, pk, typ string, version ...int64) {
	t.Helper()
	_, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
		"pk": dynamo.S(pk), "sk": dynamo.S("META"), "type": dynamo.S(typ), "n": dynamo.N(7), "version": dynamo.N(append(version, 1)[0]),
		"tags":   &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"nested": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"ok": &types.AttributeValueMemberBOOL{Value: true}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// log records what a handler saw.
type log struct {
	mu        sync.Mutex
	calls     [][]string // pk of each record, per call
	succeeded []string   // pks handled successfully
	parked    []streams.Parked
}

func (l *log) call(ev events.DynamoDBEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var pks []string
	for _, r := range ev.Records {
		pks = append(pks, r.Change.Keys["pk"].String())
	}
	l.calls = append(l.calls, pks)
}

func (l *log) ok(pk string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.succeeded = append(l.succeeded, pk)
}

func (l *log) seen(pk string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.calls {
		for _, p := range c {
			if p == pk {
				n++
			}
		}
	}
	return n
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func TestRecordsReachTheHandlerAsLambdaEventsAndFiltersApply(t *testing.T) {
	e := setup(t)
	var got []events.DynamoDBEventRecord
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		got = append(got, ev.Records...)
		return events.DynamoDBEventResponse{}, nil
	}
	c, err := streams.FromTemplate("ClassifyFunction", e.classify, e.tables.Referrals, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	put(t, e.db, e.tables.Referrals, "REFERRAL#1", "referral")
	put(t, e.db, e.tables.Referrals, "IDEMPOTENCY#1", "idempotency") // filtered out: wrong type
	put(t, e.db, e.tables.Referrals, "REFERRAL#1", "referral", 2)    // MODIFY: filtered out
	put(t, e.db, e.tables.Referrals, "REFERRAL#2", "referral")
	if _, err := e.db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(e.tables.Referrals),
		Key: dynamo.Key{PK: "REFERRAL#2", SK: "META"}.Attrs()}); err != nil { // REMOVE: filtered out
		t.Fatal(err)
	}
	n, err := c.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("read %d records, want 5", n)
	}
	if len(got) != 2 || got[0].Change.Keys["pk"].String() != "REFERRAL#1" || got[1].Change.Keys["pk"].String() != "REFERRAL#2" {
		t.Fatalf("delivered %d records: %+v", len(got), got)
	}
	r := got[0]
	if r.EventName != "INSERT" || r.EventSource != "aws:dynamodb" || r.EventID == "" || r.AWSRegion == "" ||
		!strings.Contains(r.EventSourceArn, e.tables.Referrals) || r.Change.SequenceNumber == "" ||
		r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || r.Change.ApproximateCreationDateTime.IsZero() {
		t.Fatalf("record %+v", r)
	}
	img := r.Change.NewImage
	if img["type"].String() != "referral" || img["n"].Number() != "7" || !slices.Equal(img["tags"].StringSet(), []string{"x", "y"}) ||
		!img["nested"].Map()["ok"].Boolean() || r.Change.Keys["sk"].String() != "META" || r.Change.OldImage != nil {
		t.Fatalf("image %+v", img)
	}
	if n, err := c.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("second run read %d (%v), want nothing new", n, err)
	}
	put(t, e.db, e.tables.Referrals, "REFERRAL#3", "referral")
	if _, err := c.RunOnce(context.Background()); err != nil || len(got) != 3 {
		t.Fatalf("new record not delivered: %d (%v)", len(got), err)
	}
}

// stopAtFirstFailure is the usual stream handler: process in order; on the
// first failure, report it and leave the rest for the retry.
func stopAtFirstFailure(l *log, bad string) streams.Handler {
	return func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		l.call(ev)
		for _, r := range ev.Records {
			pk := r.Change.Keys["pk"].String()
			if pk == bad {
				return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.Change.SequenceNumber}}}, nil
			}
			l.ok(pk)
		}
		return events.DynamoDBEventResponse{}, nil
	}
}

func TestAFailingRecordIsRetriedThenParkedAndTheOthersGoThroughOnce(t *testing.T) {
	e := setup(t)
	for _, tc := range []struct {
		name string
		fn   string
		ev   template.StreamEvent
	}{{"classify", "ClassifyFunction", e.classify}, {"mailer", "MailerFunction", e.mailer}} {
		t.Run(tc.name, func(t *testing.T) {
			table := e.tables.Referrals
			if tc.fn == "MailerFunction" {
				table = e.tables.Outbox
			}
			l := &log{}
			c, err := streams.FromTemplate(tc.fn, tc.ev, table, e.api, stopAtFirstFailure(l, "REFERRAL#bad"))
			if err != nil {
				t.Fatal(err)
			}
			c.RetryDelay = -1
			c.OnFailure = func(_ context.Context, p streams.Parked) { l.parked = append(l.parked, p) }
			for _, pk := range []string{"REFERRAL#a", "REFERRAL#b", "REFERRAL#bad", "REFERRAL#c", "REFERRAL#d"} {
				put(t, e.db, table, pk, "referral")
			}
			if _, err := c.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got, want := l.seen("REFERRAL#bad"), 1+tc.ev.MaximumRetryAttempts; got != want {
				t.Fatalf("the failing record was delivered %d times, want %d (1 + MaximumRetryAttempts): calls %v", got, want, l.calls)
			}
			for _, pk := range []string{"REFERRAL#a", "REFERRAL#b", "REFERRAL#c", "REFERRAL#d"} {
				if n := count(l.succeeded, pk); n != 1 {
					t.Fatalf("%s handled %d times, want once: calls %v", pk, n, l.calls)
				}
			}
			if n := count(l.succeeded, "REFERRAL#bad"); n != 0 {
				t.Fatal("bad record succeeded")
			}
			if len(l.parked) != 1 || len(l.parked[0].EventIDs) != 1 || l.parked[0].Attempts != 1+tc.ev.MaximumRetryAttempts ||
				l.parked[0].Function != tc.fn || l.parked[0].FirstSequence == "" {
				t.Fatalf("parked %+v", l.parked)
			}
			// Parked records are not delivered again.
			before := len(l.calls)
			if _, err := c.RunOnce(context.Background()); err != nil || len(l.calls) != before {
				t.Fatalf("stream replayed after parking: %v", err)
			}
		})
	}
}

func TestFunctionErrorsBisectUntilTheBadRecordIsAlone(t *testing.T) {
	e := setup(t)
	l := &log{}
	// An all-or-nothing handler: any bad record fails the whole batch.
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		l.call(ev)
		for _, r := range ev.Records {
			if r.Change.Keys["pk"].String() == "REFERRAL#bad" {
				return events.DynamoDBEventResponse{}, errors.New("cannot classify record " + r.EventID)
			}
		}
		for _, r := range ev.Records {
			l.ok(r.Change.Keys["pk"].String())
		}
		return events.DynamoDBEventResponse{}, nil
	}
	c, err := streams.FromTemplate("ClassifyFunction", e.classify, e.tables.Referrals, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	c.RetryDelay = -1
	c.OnFailure = func(_ context.Context, p streams.Parked) { l.parked = append(l.parked, p) }
	pks := []string{"REFERRAL#1", "REFERRAL#2", "REFERRAL#bad", "REFERRAL#3", "REFERRAL#4", "REFERRAL#5"}
	for _, pk := range pks {
		put(t, e.db, e.tables.Referrals, pk, "referral")
	}
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, pk := range pks {
		want := 1
		if pk == "REFERRAL#bad" {
			want = 0
		}
		if n := count(l.succeeded, pk); n != want {
			t.Fatalf("%s succeeded %d times, want %d: calls %v", pk, n, want, l.calls)
		}
	}
	if len(l.parked) != 1 || len(l.parked[0].EventIDs) != 1 || l.parked[0].Reason != "function error" {
		t.Fatalf("parked %+v (calls %v)", l.parked, l.calls)
	}
	if last := l.calls[len(l.calls)-1]; len(last) > 1 && slices.Contains(last, "REFERRAL#bad") {
		t.Fatalf("bad record never isolated: %v", l.calls)
	}
}

func TestBatchesAreAtMostBatchSize(t *testing.T) {
	e := setup(t)
	l := &log{}
	c, err := streams.FromTemplate("ClassifyFunction", e.classify, e.tables.Referrals, e.api, stopAtFirstFailure(l, ""))
	if err != nil {
		t.Fatal(err)
	}
	c.BatchSize = 3
	for i := range 7 {
		put(t, e.db, e.tables.Referrals, fmt.Sprintf("REFERRAL#%d", i), "referral")
	}
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range l.calls {
		sizes = append(sizes, len(c))
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || len(l.succeeded) != 7 {
		t.Fatalf("batch sizes %v", sizes)
	}
}

func TestLatestSkipsWhatWasThereAndCheckpointsSurviveARestart(t *testing.T) {
	e := setup(t)
	put(t, e.db, e.tables.Referrals, "REFERRAL#old", "referral")
	l := &log{}
	cp := &streams.FileCheckpoints{Path: filepath.Join(t.TempDir(), "checkpoints.json")}
	newConsumer := func(start string) *streams.Consumer {
		ev := e.classify
		ev.StartingPosition = start
		c, err := streams.FromTemplate("ClassifyFunction", ev, e.tables.Referrals, e.api, stopAtFirstFailure(l, ""))
		if err != nil {
			t.Fatal(err)
		}
		c.Checkpoints = cp
		return c
	}
	c := newConsumer("LATEST")
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	put(t, e.db, e.tables.Referrals, "REFERRAL#new", "referral")
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.succeeded, []string{"REFERRAL#new"}) {
		t.Fatalf("LATEST delivered %v", l.succeeded)
	}
	// A new consumer (a restarted dev server) at TRIM_HORIZON resumes
	// from the checkpoint rather than replaying.
	put(t, e.db, e.tables.Referrals, "REFERRAL#after-restart", "referral")
	restarted := newConsumer("TRIM_HORIZON")
	if _, err := restarted.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.succeeded, []string{"REFERRAL#new", "REFERRAL#after-restart"}) {
		t.Fatalf("after restart delivered %v", l.succeeded)
	}
}

func TestPollRunsUntilCancelled(t *testing.T) {
	e := setup(t)
	got := make(chan string, 10)
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		for _, r := range ev.Records {
			got <- r.Change.Keys["pk"].String()
		}
		return events.DynamoDBEventResponse{}, nil
	}
	c, err := streams.FromTemplate("MailerFunction", e.mailer, e.tables.Outbox, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	c.PollInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Poll(ctx) }()
	put(t, e.db, e.tables.Outbox, "EMAIL#1", "email")
	select {
	case pk := <-got:
		if pk != "EMAIL#1" {
			t.Fatalf("got %s", pk)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("record not delivered by Poll")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll returned %v", err)
	}
}

func TestAHandlerPanicIsAFunctionError(t *testing.T) {
	e := setup(t)
	var parked []streams.Parked
	calls := 0
	h := func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		calls++
		panic("boom")
	}
	ev := e.classify
	ev.MaximumRetryAttempts = 1
	c, err := streams.FromTemplate("ClassifyFunction", ev, e.tables.Referrals, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	c.RetryDelay = -1
	c.OnFailure = func(_ context.Context, p streams.Parked) { parked = append(parked, p) }
	put(t, e.db, e.tables.Referrals, "REFERRAL#p", "referral")
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || len(parked) != 1 {
		t.Fatalf("calls %d parked %v", calls, parked)
	}
}
