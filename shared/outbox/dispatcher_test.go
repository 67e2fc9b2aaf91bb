package outbox_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// env is one test's world: fresh tables, a fixed clock, and senders
// pointing at the real local SES server or at a closed port.
type env struct {
	t      *testing.T
	stack  *localstack.Stack
	db     *dynamodb.Client
	tables dynamo.Tables
	clock  *clock.Fixed
	inbox  string // a recipient unique to this test
	start  time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := localstack.ForTest(t)
	return &env{
		t: t, stack: s, db: s.DB(t), tables: s.Tables(t), clock: clock.NewFixed(t0),
		inbox: "inbox-" + randHex() + "@example.gov.uk", start: time.Now().Add(-time.Second),
	}
}

func randHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sesClient(ctx context.Context, t *testing.T, endpoint string) *sesv2.Client {
	t.Helper()
	cfg, err := dynamo.LoadConfig(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
}

// realSES sends to the local SES server.
func (e *env) realSES() outbox.Sender {
	return email.SES{Client: sesClient(context.Background(), e.t, e.stack.SESEndpoint), From: "mappa@example.gov.uk"}
}

// brokenSES sends to a port nothing listens on: a real "connection refused".
func (e *env) brokenSES() outbox.Sender {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return email.SES{Client: sesClient(context.Background(), e.t, "http://"+addr), From: "mappa@example.gov.uk"}
}

func (e *env) dispatcher(s outbox.Sender) *outbox.Dispatcher {
	return &outbox.Dispatcher{
		DB: e.db, Table: e.tables.Outbox, Sender: s, Clock: e.clock,
		Backoff: outbox.Backoff{Base: 30 * time.Second, Max: time.Hour}, // no jitter: predictable times
	}
}

func (e *env) message(id string) outbox.Message {
	n := validNotice()
	n.To = e.inbox
	n.ReferralID = id
	m, err := outbox.NewReferralEmail(n)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// referralPut is the "cause" written in the same transaction as the email:
// a referral item that must not exist yet.
func (e *env) referralPut(id string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(e.tables.Referrals),
		Item: map[string]types.AttributeValue{
			"pk": dynamo.S("REFERRAL#" + id), "sk": dynamo.S("REFERRAL"), "type": dynamo.S("test-cause"),
		},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

func (e *env) transact(items ...types.TransactWriteItem) error {
	_, err := e.db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

func (e *env) enqueue(id string) outbox.Message {
	e.t.Helper()
	m := e.message(id)
	if err := e.transact(e.referralPut(id), outbox.Enqueue(e.tables.Outbox, m, e.clock.Now())); err != nil {
		e.t.Fatalf("enqueue: %v", err)
	}
	return m
}

func (e *env) record(id string) outbox.Record {
	e.t.Helper()
	r, err := outbox.Get(context.Background(), e.db, e.tables.Outbox, id)
	if err != nil {
		e.t.Fatalf("get %s: %v", id, err)
	}
	return r
}

// delivered returns the emails the local SES server holds for this test.
func (e *env) delivered() []localstack.Email {
	e.t.Helper()
	all, err := e.stack.SESStore(context.Background(), e.start)
	if err != nil {
		e.t.Fatal(err)
	}
	var mine []localstack.Email
	for _, m := range all {
		// (the local SES server keeps a raw email's To header as one string)
		if slices.Contains(m.Destination.To, e.inbox) || strings.Contains(strings.Join(m.Destination.To, ","), e.inbox) {
			mine = append(mine, m)
		}
	}
	return mine
}

func (e *env) wantDelivered(n int) []localstack.Email {
	e.t.Helper()
	got := e.delivered()
	if len(got) != n {
		e.t.Fatalf("local SES holds %d emails for this test, want %d", len(got), n)
	}
	return got
}

func (e *env) dispatch(d *outbox.Dispatcher, id string, want outbox.Outcome) {
	e.t.Helper()
	got, err := d.Dispatch(context.Background(), id)
	if err != nil {
		e.t.Fatalf("dispatch %s: %v", id, err)
	}
	if got != want {
		e.t.Fatalf("dispatch %s: outcome %q, want %q", id, got, want)
	}
}

func (e *env) sweep(d *outbox.Dispatcher, want outbox.SweepResult) {
	e.t.Helper()
	got, err := d.Sweep(context.Background(), 10)
	if err != nil {
		e.t.Fatalf("sweep: %v", err)
	}
	if got != want {
		e.t.Fatalf("sweep = %+v, want %+v", got, want)
	}
}

func (e *env) failedIDs() []string {
	e.t.Helper()
	out, err := e.db.Query(context.Background(), &dynamodb.QueryInput{
		TableName: aws.String(e.tables.Outbox), IndexName: aws.String(dynamo.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("OUTBOX#FAILED")},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, it := range out.Items {
		ids = append(ids, it["id"].(*types.AttributeValueMemberS).Value)
	}
	return ids
}

func TestEnqueueWithCauseThenDispatchSendsOnce(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r1")

	r := e.record(m.ID)
	if r.Status != outbox.StatusPending || r.Attempts != 0 || !r.NextAttemptAt.Equal(t0) || !r.CreatedAt.Equal(t0) || r.Version != 1 {
		t.Fatalf("queued record = %+v", r)
	}
	if r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML || r.CaseRef != m.CaseRef || !slices.Equal(r.To, m.To) {
		t.Fatalf("stored message differs: %+v", r.Message)
	}

	d := e.dispatcher(e.realSES())
	e.dispatch(d, m.ID, outbox.OutcomeSent)

	got := e.wantDelivered(1)[0]
	if got.Subject != m.Subject || got.Body.Text != m.Text || got.Body.HTML != m.HTML || got.From != "mappa@example.gov.uk" {
		t.Errorf("delivered email = %+v", got)
	}
	r = e.record(m.ID)
	if r.Status != outbox.StatusSent || r.SESMessageID == "" || r.SESMessageID != got.MessageID || !r.SentAt.Equal(t0) {
		t.Errorf("record after send = status %q sesMessageId %q (SES said %q) sentAt %v", r.Status, r.SESMessageID, got.MessageID, r.SentAt)
	}

	// A second dispatch, a replayed stream record and a sweep later send nothing more.
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.clock.Advance(24 * time.Hour)
	e.sweep(d, outbox.SweepResult{})
	e.wantDelivered(1)
	if r2 := e.record(m.ID); r2.Version != r.Version || r2.SESMessageID != r.SESMessageID {
		t.Errorf("record changed by replays: %+v", r2)
	}
}

func TestEnqueueWithAttachmentRoundTrips(t *testing.T) {
	e := newEnv(t)
	m := e.message("r-ics")
	ics := []byte("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
	m.Attachments = []outbox.Attachment{{Filename: "meeting.ics", ContentType: outbox.ContentTypeCalendarRequest, Data: ics}}
	if err := e.transact(outbox.Enqueue(e.tables.Outbox, m, t0)); err != nil {
		t.Fatal(err)
	}
	r := e.record(m.ID)
	if len(r.Attachments) != 1 || r.Attachments[0].Filename != "meeting.ics" || string(r.Attachments[0].Data) != string(ics) {
		t.Fatalf("stored attachments = %+v", r.Attachments)
	}
	e.dispatch(e.dispatcher(e.realSES()), m.ID, outbox.OutcomeSent)
	got := e.wantDelivered(1)[0]
	if len(got.Attachments) != 1 || got.Attachments[0].Filename != "meeting.ics" || !strings.HasPrefix(got.Attachments[0].ContentType, "text/calendar") {
		t.Errorf("delivered attachments = %+v", got.Attachments)
	}
}

func TestReplayedCauseQueuesNoSecondEmail(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r2")
	// The cause is replayed with the same deterministic email id: the whole
	// transaction is cancelled and the outbox put is among the failures.
	err := e.transact(e.referralPut("r2"), outbox.Enqueue(e.tables.Outbox, m, t0.Add(time.Minute)))
	failed, ok := dynamo.CancelledBy(err)
	if !ok || !slices.Contains(failed, 1) {
		t.Fatalf("replay: err %v, failed indexes %v; want the outbox put (index 1) refused", err, failed)
	}
	// Even a replay whose cause write is itself not conditional cannot queue twice.
	other := types.TransactWriteItem{Put: &types.Put{TableName: aws.String(e.tables.Referrals), Item: map[string]types.AttributeValue{
		"pk": dynamo.S("OTHER#x"), "sk": dynamo.S("x")}}}
	err = e.transact(other, outbox.Enqueue(e.tables.Outbox, m, t0.Add(time.Minute)))
	if failed, ok := dynamo.CancelledBy(err); !ok || !slices.Equal(failed, []int{1}) {
		t.Fatalf("replay without cause condition: err %v, failed %v", err, failed)
	}
	if r := e.record(m.ID); !r.NextAttemptAt.Equal(t0) || r.Version != 1 {
		t.Errorf("the queued email was overwritten: %+v", r)
	}
	e.sweep(e.dispatcher(e.realSES()), outbox.SweepResult{Due: 1, Sent: 1})
	e.wantDelivered(1)
}

func TestFailedCauseQueuesNoEmail(t *testing.T) {
	e := newEnv(t)
	if err := e.transact(e.referralPut("r3")); err != nil {
		t.Fatal(err)
	}
	m := e.message("r3-again")
	err := e.transact(e.referralPut("r3"), outbox.Enqueue(e.tables.Outbox, m, t0))
	if failed, ok := dynamo.CancelledBy(err); !ok || !slices.Equal(failed, []int{0}) {
		t.Fatalf("err %v, failed %v: want the cause's condition (index 0) to cancel the transaction", err, failed)
	}
	if _, err := outbox.Get(context.Background(), e.db, e.tables.Outbox, m.ID); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("get after cancelled transaction: %v, want ErrNotFound", err)
	}
	d := e.dispatcher(e.realSES())
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.sweep(d, outbox.SweepResult{})
	e.wantDelivered(0)
}

func TestSESFailingForAWhileSendsLaterOnce(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r4")
	d := e.dispatcher(e.brokenSES())

	e.dispatch(d, m.ID, outbox.OutcomeRetry)
	r := e.record(m.ID)
	if r.Status != outbox.StatusPending || r.Attempts != 1 || r.LastError != "NetworkError" ||
		!r.NextAttemptAt.Equal(t0.Add(30*time.Second)) || !r.LeaseUntil.IsZero() {
		t.Fatalf("after a failed send: %+v", r)
	}
	// Not due yet: neither the stream replay nor a sweep tries again.
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.clock.Advance(29 * time.Second)
	e.sweep(d, outbox.SweepResult{})

	// Still failing at the next attempt: backoff doubles.
	e.clock.Advance(time.Second)
	e.sweep(d, outbox.SweepResult{Due: 1, Retried: 1})
	if r := e.record(m.ID); r.Attempts != 2 || !r.NextAttemptAt.Equal(t0.Add(30*time.Second+time.Minute)) {
		t.Fatalf("after the second failure: attempts %d next %v", r.Attempts, r.NextAttemptAt)
	}
	e.wantDelivered(0)

	// SES is back; the clock moves on; the sweep sends it, once.
	d.Sender = e.realSES()
	e.clock.Advance(time.Minute)
	e.sweep(d, outbox.SweepResult{Due: 1, Sent: 1})
	e.sweep(d, outbox.SweepResult{})
	got := e.wantDelivered(1)
	if r := e.record(m.ID); r.Status != outbox.StatusSent || r.SESMessageID != got[0].MessageID || r.Attempts != 2 {
		t.Fatalf("after recovery: %+v", r)
	}
}

// crashingSender dies mid-send, like a Lambda killed after claiming.
type crashingSender struct{}

func (crashingSender) Send(context.Context, outbox.Message) (string, error) { panic("crash") }

func TestCrashedClaimIsPickedUpAfterLease(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r5")
	crashing := e.dispatcher(crashingSender{})
	func() {
		defer func() { _ = recover() }()
		_, _ = crashing.Dispatch(context.Background(), m.ID)
		t.Fatal("the sender did not crash")
	}()
	r := e.record(m.ID)
	if r.Status != outbox.StatusSending || !r.LeaseUntil.Equal(t0.Add(outbox.DefaultLease)) {
		t.Fatalf("after the crash: %+v", r)
	}

	d := e.dispatcher(e.realSES())
	// While the lease holds, nobody else sends it.
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.clock.Advance(outbox.DefaultLease - time.Second)
	e.sweep(d, outbox.SweepResult{})
	e.wantDelivered(0)

	// Once it expires, the sweep takes the email over and sends it once.
	e.clock.Advance(2 * time.Second)
	e.sweep(d, outbox.SweepResult{Due: 1, Sent: 1})
	e.sweep(d, outbox.SweepResult{})
	e.wantDelivered(1)
	if r := e.record(m.ID); r.Status != outbox.StatusSent || r.Attempts != 0 {
		t.Fatalf("after takeover: %+v", r)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r6")
	d := e.dispatcher(e.brokenSES())
	d.MaxAttempts = 3

	e.dispatch(d, m.ID, outbox.OutcomeRetry)
	e.clock.Advance(time.Hour)
	e.sweep(d, outbox.SweepResult{Due: 1, Retried: 1})
	e.clock.Advance(time.Hour)
	e.sweep(d, outbox.SweepResult{Due: 1, Failed: 1})

	r := e.record(m.ID)
	if r.Status != outbox.StatusFailed || r.Attempts != 3 || r.LastError != "NetworkError" || !r.NextAttemptAt.IsZero() {
		t.Fatalf("after giving up: %+v", r)
	}
	if ids := e.failedIDs(); !slices.Equal(ids, []string{m.ID}) {
		t.Fatalf("failed index holds %v", ids)
	}
	// Given up means given up: SES recovering does not send it.
	d.Sender = e.realSES()
	e.clock.Advance(24 * time.Hour)
	e.sweep(d, outbox.SweepResult{})
	e.dispatch(d, m.ID, outbox.OutcomeSkipped)
	e.wantDelivered(0)
}

type refusingSender struct{ calls atomic.Int32 }

func (s *refusingSender) Send(context.Context, outbox.Message) (string, error) {
	s.calls.Add(1)
	return "", &outbox.SendError{Code: "MessageRejected", Permanent: true, Err: errors.New("rejected")}
}

func TestPermanentRefusalGivesUpAtOnce(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r7")
	s := &refusingSender{}
	e.dispatch(e.dispatcher(s), m.ID, outbox.OutcomeFailed)
	if r := e.record(m.ID); r.Status != outbox.StatusFailed || r.Attempts != 1 || r.LastError != "MessageRejected" {
		t.Fatalf("record = %+v", r)
	}
	if s.calls.Load() != 1 {
		t.Fatalf("sender called %d times", s.calls.Load())
	}
}

func TestInvalidQueuedMessageIsGivenUpWithoutSending(t *testing.T) {
	e := newEnv(t)
	m := e.message("r8")
	m.To = []string{"not an address"}
	if err := e.transact(outbox.Enqueue(e.tables.Outbox, m, t0)); err != nil {
		t.Fatal(err)
	}
	s := &refusingSender{}
	e.dispatch(e.dispatcher(s), m.ID, outbox.OutcomeFailed)
	if r := e.record(m.ID); r.Status != outbox.StatusFailed || r.LastError != "InvalidMessage" {
		t.Fatalf("record = %+v", r)
	}
	if s.calls.Load() != 0 {
		t.Fatal("an invalid message reached the sender")
	}
}

// slowSender lets another dispatcher take the email over mid-send (the
// lease ran out), to show the documented at-least-once window.
type slowSender struct {
	during func()
	inner  outbox.Sender
}

func (s slowSender) Send(ctx context.Context, m outbox.Message) (string, error) {
	if s.during != nil {
		s.during()
	}
	return s.inner.Send(ctx, m)
}

func TestLeaseLostDuringSend(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r9")
	other := e.dispatcher(e.realSES())
	slow := e.dispatcher(slowSender{inner: e.realSES(), during: func() {
		e.clock.Advance(outbox.DefaultLease + time.Second)
		e.dispatch(other, m.ID, outbox.OutcomeSent)
	}})
	e.dispatch(slow, m.ID, outbox.OutcomeSent)
	// Both sent (the residual window); the record keeps the takeover's send.
	got := e.wantDelivered(2)
	if r := e.record(m.ID); r.Status != outbox.StatusSent || r.SESMessageID != got[0].MessageID {
		t.Fatalf("record = %+v, delivered %s then %s", r, got[0].MessageID, got[1].MessageID)
	}
}

func TestLeaseLostBeforeRecordingFailure(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r10")
	other := e.dispatcher(e.realSES())
	slow := e.dispatcher(slowSender{inner: e.brokenSES(), during: func() {
		e.clock.Advance(outbox.DefaultLease + time.Second)
		e.dispatch(other, m.ID, outbox.OutcomeSent)
	}})
	e.dispatch(slow, m.ID, outbox.OutcomeSkipped)
	e.wantDelivered(1)
	if r := e.record(m.ID); r.Status != outbox.StatusSent || r.Attempts != 0 || r.LastError != "" {
		t.Fatalf("the stale failure overwrote the sent record: %+v", r)
	}
}

func TestSweepOldestFirstWithinLimit(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		e.clock.Set(t0.Add(time.Duration(4-i) * time.Second)) // queued newest first
		ids = append(ids, e.enqueue("order"+string(rune('a'+i))).ID)
	}
	e.clock.Set(t0.Add(time.Minute))
	d := e.dispatcher(e.realSES())
	res, err := d.Sweep(context.Background(), 2)
	if err != nil || res != (outbox.SweepResult{Due: 2, Sent: 2}) {
		t.Fatalf("sweep limit 2 = %+v, %v", res, err)
	}
	// The two oldest (queued last) went first.
	for i, id := range ids {
		wantSent := i >= 3
		if got := e.record(id).Status == outbox.StatusSent; got != wantSent {
			t.Errorf("%s sent=%v, want %v", id, got, wantSent)
		}
	}
	e.sweep(d, outbox.SweepResult{Due: 3, Sent: 3})
	e.wantDelivered(5)
}

func TestInfrastructureErrorsAreReturned(t *testing.T) {
	e := newEnv(t)
	d := e.dispatcher(e.realSES())
	d.Table = "no-such-table-" + randHex()
	if _, err := d.Dispatch(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "claim email x") {
		t.Fatalf("dispatch on a missing table: %v", err)
	}
	if res, err := d.Sweep(context.Background(), 10); err == nil || res.Errors != 1 {
		t.Fatalf("sweep on a missing table: %+v %v", res, err)
	}
	if _, err := outbox.Get(context.Background(), e.db, d.Table, "x"); err == nil || errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("get on a missing table: %v", err)
	}
}

func TestSweepStopsNearTheDeadline(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r11")
	d := e.dispatcher(e.realSES())

	short, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if res, err := d.Sweep(short, 10); err != nil || res != (outbox.SweepResult{}) {
		t.Fatalf("sweep with 1s left = %+v, %v; want nothing claimed", res, err)
	}
	if r := e.record(m.ID); r.Status != outbox.StatusPending || r.Version != 1 {
		t.Fatalf("record touched: %+v", r)
	}
	e.wantDelivered(0)

	long, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if res, err := d.Sweep(long, 10); err != nil || res != (outbox.SweepResult{Due: 1, Sent: 1}) {
		t.Fatalf("sweep with time left = %+v, %v", res, err)
	}
	e.wantDelivered(1)
}

func TestNewEmailIsDueDespiteClockSkew(t *testing.T) {
	e := newEnv(t)
	m := e.enqueue("r12") // queued by a producer whose clock reads t0
	d := e.dispatcher(e.realSES())
	e.clock.Set(t0.Add(-300 * time.Millisecond)) // the mailer's clock is a little behind
	e.dispatch(d, m.ID, outbox.OutcomeSent)
	e.wantDelivered(1)
}
