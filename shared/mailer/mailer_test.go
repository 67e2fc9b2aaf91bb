package mailer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	stack  *localstack.Stack
	db     *dynamodb.Client
	tables dynamo.Tables
	clock  *clock.Fixed
	inbox  string
	start  time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := localstack.ForTest(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &env{t: t, stack: s, db: s.DB(t), tables: s.Tables(t), clock: clock.NewFixed(t0),
		inbox: "inbox-" + hex.EncodeToString(b) + "@example.gov.uk", start: time.Now().Add(-time.Second)}
}

func (e *env) ses(endpoint string) email.SES {
	cfg, err := dynamo.LoadConfig(context.Background(), endpoint)
	if err != nil {
		e.t.Fatal(err)
	}
	c := sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
	return email.SES{Client: c, From: "mappa@example.gov.uk"}
}

func (e *env) dispatcher() *outbox.Dispatcher {
	return &outbox.Dispatcher{DB: e.db, Table: e.tables.Outbox, Sender: e.ses(e.stack.SESEndpoint), Clock: e.clock,
		Backoff: outbox.Backoff{Base: 30 * time.Second, Max: time.Hour}}
}

// enqueue queues the "new referral" email for referral id, in a
// transaction with the referral it is about.
func (e *env) enqueue(id string) outbox.Message {
	e.t.Helper()
	m, err := outbox.NewReferralEmail(outbox.ReferralNotice{To: e.inbox, ReferralID: id, CaseRef: "MC-1",
		Category: 1, SuggestedLevel: 2, AppURL: "http://localhost:8080"})
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(e.tables.Referrals), Item: map[string]types.AttributeValue{
			"pk": dynamo.S("REFERRAL#" + id), "sk": dynamo.S("REFERRAL"), "type": dynamo.S("test-cause")},
			ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		outbox.Enqueue(e.tables.Outbox, m, e.clock.Now()),
	}})
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) wantDelivered(n int) {
	e.t.Helper()
	all, err := e.stack.SESStore(context.Background(), e.start)
	if err != nil {
		e.t.Fatal(err)
	}
	got := 0
	for _, m := range all {
		if strings.Contains(strings.Join(m.Destination.To, ","), e.inbox) {
			got++
		}
	}
	if got != n {
		e.t.Fatalf("local SES holds %d emails for this test, want %d", got, n)
	}
}

func (e *env) status(id string) outbox.Status {
	e.t.Helper()
	r, err := outbox.Get(context.Background(), e.db, e.tables.Outbox, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Status
}

// record builds the stream record Lambda would deliver for the item's
// current state, from the real item in DynamoDB Local.
func (e *env) record(eventName, id, seq string) events.DynamoDBEventRecord {
	e.t.Helper()
	out, err := e.db.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(e.tables.Outbox), Key: outbox.Key(id).Attrs()})
	if err != nil || len(out.Item) == 0 {
		e.t.Fatalf("get %s: %v", id, err)
	}
	return streamRecord(eventName, seq, out.Item)
}

func streamRecord(eventName, seq string, item map[string]types.AttributeValue) events.DynamoDBEventRecord {
	img := map[string]events.DynamoDBAttributeValue{}
	for k, v := range item {
		img[k] = toEvents(v)
	}
	r := events.DynamoDBEventRecord{
		EventID: "ev-" + seq, EventName: eventName, EventSource: "aws:dynamodb", EventVersion: "1.1", AWSRegion: "eu-west-2",
		EventSourceArn: "arn:aws:dynamodb:eu-west-2:111111111111:table/outbox/stream/2026-11-23T00:00:00.000",
		Change: events.DynamoDBStreamRecord{
			Keys:           map[string]events.DynamoDBAttributeValue{"pk": img["pk"], "sk": img["sk"]},
			SequenceNumber: seq, SizeBytes: 100, StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
	if eventName == "REMOVE" {
		r.Change.OldImage = img
	} else {
		r.Change.NewImage = img
	}
	return r
}

func toEvents(av types.AttributeValue) events.DynamoDBAttributeValue {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, x := range v.Value {
			l[i] = toEvents(x)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		m := map[string]events.DynamoDBAttributeValue{}
		for k, x := range v.Value {
			m[k] = toEvents(x)
		}
		return events.NewMapAttribute(m)
	default:
		return events.NewNullAttribute()
	}
}

// payload is the JSON Lambda hands the function.
func payload(t *testing.T, recs ...events.DynamoDBEventRecord) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func handleStream(t *testing.T, h mailer.Handler, p json.RawMessage) events.DynamoDBEventResponse {
	t.Helper()
	out, err := h.Handle(context.Background(), p)
	if err != nil {
		t.Fatalf("handle stream: %v", err)
	}
	resp, ok := out.(events.DynamoDBEventResponse)
	if !ok {
		t.Fatalf("handle stream returned %T", out)
	}
	return resp
}

func TestStreamPayloadSendsOnceAcrossReplays(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r1")
	insert := payload(t, e.record("INSERT", m.ID, "100"))
	h := mailer.Handler{Dispatcher: e.dispatcher()}

	if resp := handleStream(t, h, insert); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	e.wantDelivered(1)
	if s := e.status(m.ID); s != outbox.StatusSent {
		t.Fatalf("status %q", s)
	}
	// Lambda redelivers the same record, and the MODIFY that marked it sent arrives.
	handleStream(t, h, insert)
	handleStream(t, h, payload(t, e.record("MODIFY", m.ID, "101")))
	e.wantDelivered(1)

	// The response serialises as Lambda expects.
	b, _ := json.Marshal(handleStream(t, h, insert))
	if string(b) != `{"batchItemFailures":[]}` {
		t.Fatalf("response JSON %s", b)
	}
}

func TestRealStreamFromDynamoDBLocal(t *testing.T) {
	e := newEnv(t)
	h := mailer.Handler{Dispatcher: e.dispatcher()}
	ids := []string{e.enqueue("s1").ID, e.enqueue("s2").ID}
	api, err := streams.NewClient(context.Background(), e.stack.DynamoEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	consume := func() {
		c := &streams.Consumer{Function: "mailer", Streams: api, Table: e.tables.Outbox, Handler: h.HandleStream,
			ReportBatchItemFailures: true, MaximumRetryAttempts: 1}
		if _, err := c.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	consume()
	e.wantDelivered(2)
	for _, id := range ids {
		if s := e.status(id); s != outbox.StatusSent {
			t.Fatalf("%s: status %q", id, s)
		}
	}
	// A second consumer replays the whole stream from the start (the
	// INSERTs and the MODIFYs that marked them sent): nothing more is sent.
	consume()
	e.wantDelivered(2)
}

func TestSweepPayload(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r2")
	d := e.dispatcher()
	real := d.Sender
	d.Sender = e.ses("http://127.0.0.1:1") // nothing listens there
	h := mailer.Handler{Dispatcher: d}

	handleStream(t, h, payload(t, e.record("INSERT", m.ID, "1")))
	e.wantDelivered(0)
	if s := e.status(m.ID); s != outbox.StatusPending {
		t.Fatalf("after failed send: %q", s)
	}

	d.Sender = real
	e.clock.Advance(time.Minute)
	out, err := h.Handle(context.Background(), json.RawMessage(`{"sweep":"outbox"}`))
	if err != nil || out != nil {
		t.Fatalf("sweep = %v, %v", out, err)
	}
	e.wantDelivered(1)
	if err := h.HandleSweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.wantDelivered(1)
}

func TestInfrastructureFailuresAreReported(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r3")
	rec := e.record("INSERT", m.ID, "300")
	d := e.dispatcher()
	d.Table = "no-such-table"
	h := mailer.Handler{Dispatcher: d}

	resp := handleStream(t, h, payload(t, rec))
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "300" {
		t.Fatalf("failures %+v, want sequence number 300", resp.BatchItemFailures)
	}
	if err := h.HandleSweep(context.Background()); err == nil {
		t.Fatal("sweep on a missing table succeeded")
	}
	if _, err := h.Handle(context.Background(), json.RawMessage(`{"sweep":"outbox"}`)); err == nil {
		t.Fatal("sweep payload on a missing table succeeded")
	}
	e.wantDelivered(0)
}

// fakeDispatcher records ids and fails the ones it is told to.
type fakeDispatcher struct {
	mu     sync.Mutex
	ids    []string
	fail   map[string]bool
	sweeps int
}

func (f *fakeDispatcher) Dispatch(_ context.Context, id string) (outbox.Outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, id)
	if f.fail[id] {
		return "", errors.New("dynamodb unavailable")
	}
	return outbox.OutcomeSent, nil
}

func (f *fakeDispatcher) Sweep(context.Context, int) (outbox.SweepResult, error) {
	f.sweeps++
	return outbox.SweepResult{}, nil
}

func emailItem(id, status string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": dynamo.S("EMAIL#" + id), "sk": dynamo.S("EMAIL"), "type": dynamo.S("email"),
		"id": dynamo.S(id), "status": dynamo.S(status), "attempts": dynamo.N(0),
	}
}

func TestStreamRecordSelection(t *testing.T) {
	noID := emailItem("x", "pending")
	delete(noID, "id")
	numericType := emailItem("n", "pending")
	numericType["type"] = dynamo.N(1)
	tests := []struct {
		name   string
		record events.DynamoDBEventRecord
		want   []string
	}{
		{"insert pending", streamRecord("INSERT", "1", emailItem("a", "pending")), []string{"a"}},
		{"modify back to pending", streamRecord("MODIFY", "1", emailItem("b", "pending")), []string{"b"}},
		{"id from the key", streamRecord("INSERT", "1", noID), []string{"x"}},
		{"marked sent", streamRecord("MODIFY", "1", emailItem("c", "sent")), nil},
		{"claimed", streamRecord("MODIFY", "1", emailItem("d", "sending")), nil},
		{"given up", streamRecord("MODIFY", "1", emailItem("e", "failed")), nil},
		{"removed", streamRecord("REMOVE", "1", emailItem("f", "pending")), nil},
		{"not an email", streamRecord("INSERT", "1", map[string]types.AttributeValue{
			"pk": dynamo.S("OTHER#1"), "sk": dynamo.S("x"), "type": dynamo.S("other"), "status": dynamo.S("pending")}), nil},
		{"type not a string", streamRecord("INSERT", "1", numericType), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeDispatcher{}
			h := mailer.Handler{Dispatcher: f}
			resp := handleStream(t, h, payload(t, tt.record))
			if !slices.Equal(f.ids, tt.want) || len(resp.BatchItemFailures) != 0 {
				t.Fatalf("dispatched %v (failures %v), want %v", f.ids, resp.BatchItemFailures, tt.want)
			}
		})
	}
}

func TestPartialBatchFailure(t *testing.T) {
	f := &fakeDispatcher{fail: map[string]bool{"b": true, "d": true}}
	h := mailer.Handler{Dispatcher: f}
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		streamRecord("INSERT", "11", emailItem("a", "pending")),
		streamRecord("INSERT", "12", emailItem("b", "pending")),
		streamRecord("MODIFY", "13", emailItem("c", "sent")),
		streamRecord("INSERT", "14", emailItem("d", "pending")),
		streamRecord("INSERT", "15", emailItem("e", "pending")),
	}}
	resp, err := h.HandleStream(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []string
	for _, f := range resp.BatchItemFailures {
		seqs = append(seqs, f.ItemIdentifier)
	}
	// Emails go concurrently: every pending one is dispatched, in any order;
	// failures are reported in stream order.
	if !slices.Equal(seqs, []string{"12", "14"}) || !slices.Equal(slices.Sorted(slices.Values(f.ids)), []string{"a", "b", "d", "e"}) {
		t.Fatalf("failures %v, dispatched %v", seqs, f.ids)
	}
}

func TestUnknownPayloads(t *testing.T) {
	for _, p := range []string{`{}`, `{"sweep":"rota"}`, `{"Records":null}`, `[1,2]`, `"sweep"`, `not json`, `{"Records":"x"}`} {
		f := &fakeDispatcher{}
		h := mailer.Handler{Dispatcher: f}
		if out, err := h.Handle(context.Background(), json.RawMessage(p)); err == nil {
			t.Errorf("%s: handled as %v", p, out)
		}
		if len(f.ids) != 0 || f.sweeps != 0 {
			t.Errorf("%s: dispatched %v, swept %d", p, f.ids, f.sweeps)
		}
	}
	_, err := mailer.Handler{Dispatcher: &fakeDispatcher{}}.Handle(context.Background(), json.RawMessage(`{"detail":{}}`))
	if !errors.Is(err, mailer.ErrUnknownPayload) {
		t.Errorf("err = %v, want ErrUnknownPayload", err)
	}
}

func TestNew(t *testing.T) {
	ok := mailer.Config{From: "mappa@example.gov.uk", Table: "outbox"}
	if h, err := mailer.New(ok); err != nil {
		t.Fatal(err)
	} else if d, isOutbox := h.Dispatcher.(*outbox.Dispatcher); !isOutbox || d.Table != "outbox" {
		t.Fatalf("dispatcher %#v", h.Dispatcher)
	}
	noFrom := ok
	noFrom.From = ""
	if _, err := mailer.New(noFrom); err == nil || !strings.Contains(err.Error(), "MAIL_FROM") {
		t.Errorf("no MAIL_FROM: %v", err)
	}
	noTable := ok
	noTable.Table = ""
	if _, err := mailer.New(noTable); err == nil || !strings.Contains(err.Error(), "OUTBOX_TABLE") {
		t.Errorf("no OUTBOX_TABLE: %v", err)
	}
}
