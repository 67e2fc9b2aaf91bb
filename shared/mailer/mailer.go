// Package mailer is the mailer function's handler. One Lambda entry point
// takes both of the function's events (template.yaml, MailerFunction):
//
//   - the outbox table's DynamoDB stream: each new email item (type
//     "email", status pending) is dispatched at once by id;
//   - the one-minute EventBridge schedule with input {"sweep":"outbox"}:
//     emails that are due again after a failed send, or whose sender
//     crashed, are swept up and dispatched.
//
// A failed send is not a failed invocation: the outbox records it on the
// item and retries with backoff. Only infrastructure errors (DynamoDB) are
// reported, as stream batch item failures or a failed sweep, so Lambda
// retries them.
package mailer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/lambdaevent"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// Dispatcher is what the handler needs from the outbox;
// *outbox.Dispatcher satisfies it.
type Dispatcher interface {
	Dispatch(ctx context.Context, id string) (outbox.Outcome, error)
	Sweep(ctx context.Context, limit int) (outbox.SweepResult, error)
}

var _ Dispatcher = (*outbox.Dispatcher)(nil)

// Handler handles the mailer function's events.
type Handler struct {
	Dispatcher Dispatcher
	// SweepLimit is how many emails one sweep sends at most (0: the
	// outbox default).
	SweepLimit int
	// Concurrency is how many emails of a stream batch are sent at once
	// (0: DefaultConcurrency).
	Concurrency int
}

// Config is what the production handler is built from.
type Config struct {
	DB    outbox.DB
	SES   email.Client
	Clock clock.Clock
	// Table is the outbox table (OUTBOX_TABLE).
	Table string
	// From is MAIL_FROM; ConfigurationSet is SES_CONFIGURATION_SET.
	From             string
	ConfigurationSet string
	// SendRate is the most sends a second (default DefaultSendRate).
	SendRate float64
}

// New builds the production handler: the outbox dispatcher over c.Table
// sending through SES.
func New(c Config) (Handler, error) {
	if c.From == "" {
		return Handler{}, errors.New("mailer: MAIL_FROM must be set")
	}
	if c.Table == "" {
		return Handler{}, errors.New("mailer: OUTBOX_TABLE must be set")
	}
	return Handler{Dispatcher: &outbox.Dispatcher{
		DB:    c.DB,
		Table: c.Table,
		Sender: &Paced{Rate: orRate(c.SendRate), Sender: email.SES{
			Client:           c.SES,
			From:             c.From,
			ConfigurationSet: c.ConfigurationSet,
		}},
		Clock:   c.Clock,
		Backoff: outbox.DefaultBackoff,
	}}, nil
}

func orRate(r float64) float64 {
	if r <= 0 {
		return DefaultSendRate
	}
	return r
}

// SweepInput is the schedule's input, {"sweep":"outbox"}.
type SweepInput struct {
	Sweep string `json:"sweep"`
}

// ErrUnknownPayload is returned for an event that is neither a stream
// batch nor the sweep schedule's input.
var ErrUnknownPayload = errors.New("mailer: unknown event: want a DynamoDB stream batch or {\"sweep\":\"outbox\"}")

// Handle is the Lambda entry point (lambda.Start(h.Handle)). It returns an
// events.DynamoDBEventResponse for a stream batch and nil for a sweep.
func (h Handler) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	ev, err := lambdaevent.Decode(payload)
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	switch {
	case ev.Stream != nil:
		return h.HandleStream(ctx, *ev.Stream)
	case ev.Sweep == "outbox":
		return nil, h.HandleSweep(ctx)
	default:
		return nil, ErrUnknownPayload
	}
}

// HandleStream dispatches each new pending email in a stream batch. A
// record whose dispatch hit an infrastructure error is reported in
// BatchItemFailures (by sequence number) for Lambda to retry; records that
// are not pending email items are ignored.
func (h Handler) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	// Emails are independent: up to Concurrency are sent at once (the
	// Sender paces them to SES's rate).
	conc := h.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	failed := make([]bool, len(ev.Records))
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, r := range ev.Records {
		id, ok := pendingEmailID(r)
		if !ok {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outcome, err := h.Dispatcher.Dispatch(ctx, id)
			if err != nil {
				slog.ErrorContext(ctx, "mailer: dispatch failed; record will be retried", "emailId", id,
					"sequenceNumber", r.Change.SequenceNumber, "error", err)
				failed[i] = true
				return
			}
			slog.DebugContext(ctx, "mailer: dispatched", "emailId", id, "outcome", string(outcome))
		}()
	}
	wg.Wait()
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	for i, f := range failed {
		if f {
			resp.BatchItemFailures = append(resp.BatchItemFailures,
				events.DynamoDBBatchItemFailure{ItemIdentifier: ev.Records[i].Change.SequenceNumber})
		}
	}
	return resp, nil
}

// pendingEmailID returns the id of a stream record's new image if it is an
// email item waiting to be sent.
func pendingEmailID(r events.DynamoDBEventRecord) (string, bool) {
	if r.EventName != string(events.DynamoDBOperationTypeInsert) && r.EventName != string(events.DynamoDBOperationTypeModify) {
		return "", false
	}
	img := r.Change.NewImage
	if attrString(img, "type") != "email" || attrString(img, "status") != string(outbox.StatusPending) {
		return "", false
	}
	if id := attrString(img, "id"); id != "" {
		return id, true
	}
	if id, ok := strings.CutPrefix(attrString(img, "pk"), "EMAIL#"); ok && id != "" {
		return id, true
	}
	return "", false
}

func attrString(img map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := img[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

// HandleSweep sends the emails that are due (retries and crashed sends).
// It fails only on infrastructure errors, so the schedule retries.
func (h Handler) HandleSweep(ctx context.Context) error {
	res, err := h.Dispatcher.Sweep(ctx, h.SweepLimit)
	if err != nil {
		return fmt.Errorf("mailer: sweep (%d due, %d sent, %d errors): %w", res.Due, res.Sent, res.Errors, err)
	}
	return nil
}
