// Package classify is the classify function's handler: it consumes the
// referrals table's DynamoDB stream (template.yaml, ClassifyFunction: INSERT
// of items of type "referral"), runs the eligibility engine on each new
// referral's facts, and in ONE transaction (store.UpdateReferral) stores
// the explained result and the suggested level on the referral and its case,
// queues the "new referral" email to the council's MAPPA inbox through the
// outbox, and writes the audit entry.
//
// # Replays and failures
//
// A stream record may be delivered more than once. A referral that is no
// longer "received" is left alone (checked on the one read inside the
// store's read-modify-write, and guarded by the version condition), so a
// replay changes nothing and queues no second email. A record that cannot be handled (a storage
// error, a malformed image, a referral whose stored body cannot be read) is
// reported in the response's BatchItemFailures by its sequence number while
// the other records of the batch are still handled; Lambda then retries from
// that record (bisecting the batch), and after MaximumRetryAttempts the
// record goes to the dead-letter queue.
//
// # What gets stored
//
// The classification is referral.Classification (referral.Classify): the
// engine's Result, its level suggestion, the notice check (the one rule,
// cadence.CheckNotice, from the day of receipt), asOf and classifiedAt. A
// cannot-decide outcome is stored too, with the missing facts, so that a
// business support officer can ask the agency for them.
//
// Logs carry ids, sequence numbers and outcomes only, never anything about
// the person.
package classify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Actor is the audit actor of every classification.
const Actor = "system:classify"

// Store is what classify needs from storage; *store.Store satisfies it.
type Store interface {
	UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error)
}

var _ Store = (*store.Store)(nil)

// ErrMalformedRecord is returned for a stream record of a referral item
// whose keys do not name a referral.
var ErrMalformedRecord = errors.New("classify: malformed stream record")

// Options are the handler's collaborators and settings. New fills them in
// from the function's dependencies.
type Options struct {
	Store Store
	Clock clock.Clock
	IDs   ids.Generator
	// MappaInbox is the council's MAPPA inbox (MAPPA_INBOX).
	MappaInbox string
	// AppOrigin is the app's origin for the email's link (APP_ORIGIN).
	AppOrigin string
	// OutboxTable and AuditTable are the physical table names.
	OutboxTable string
	AuditTable  string
	// MeetingsTable is where tasks live: a referral whose person is not a
	// MAPPA offender but may pose a risk to children gets a task for the
	// front door there, in the classification's transaction. Empty: the
	// follow-up is only on the stored classification (followUps).
	MeetingsTable string
	// ReportTable holds the Board's counters (the referrals table; see
	// shared/reportstore). New sets it; empty counts nothing (unit tests).
	ReportTable string
	// Logger (default slog.Default()).
	Logger *slog.Logger
	// MaxConflictRetries is how many times a referral that changed between
	// the read and the write is read and classified again before the record
	// is reported as failed (default 3).
	MaxConflictRetries int
	// Concurrency is how many cases' records are classified at once within
	// a batch (default 8); one case's records always go in stream order.
	Concurrency int
}

// Handler handles batches of the referrals table's stream.
type Handler struct {
	o Options
}

// NewHandler checks o and returns the handler. The inbox and the app origin
// are checked by building a sample email, so a misconfigured function fails
// at start-up rather than on every record.
func NewHandler(o Options) (*Handler, error) {
	var missing []string
	if o.Store == nil {
		missing = append(missing, "store")
	}
	if o.Clock == nil {
		missing = append(missing, "clock")
	}
	if o.IDs == nil {
		missing = append(missing, "id generator")
	}
	if o.OutboxTable == "" {
		missing = append(missing, "OUTBOX_TABLE")
	}
	if o.AuditTable == "" {
		missing = append(missing, "AUDIT_TABLE")
	}
	if o.MappaInbox == "" {
		missing = append(missing, "MAPPA_INBOX")
	}
	if o.AppOrigin == "" {
		missing = append(missing, "APP_ORIGIN")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("classify: missing %s", strings.Join(missing, ", "))
	}
	if _, err := outbox.NewReferralEmail(outbox.ReferralNotice{To: o.MappaInbox, ReferralID: "check", CaseRef: "check", AppURL: o.AppOrigin}); err != nil {
		return nil, fmt.Errorf("classify: MAPPA_INBOX or APP_ORIGIN: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxConflictRetries <= 0 {
		o.MaxConflictRetries = 3
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	return &Handler{o: o}, nil
}

// Handle is the Lambda entry point (lambda.Start(h.Handle)). Every record
// is handled; the ones that failed are listed in BatchItemFailures by
// sequence number. It never returns an error: a failure is always a
// record's, so the others are not retried for it.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	// Records of different cases are classified concurrently (at most
	// Concurrency at once); one case's records in stream order, and once
	// one of them fails the case's later records are left for the retry
	// too, so a case never sees its referrals out of order.
	failed := make([]bool, len(ev.Records))
	sem := make(chan struct{}, h.o.Concurrency)
	var wg sync.WaitGroup
	for _, idx := range groupByCase(ev.Records) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for n, i := range idx {
				if ctx.Err() != nil {
					// Out of time: leave the rest for the retry.
					for _, j := range idx[n:] {
						failed[j] = true
					}
					return
				}
				rec := ev.Records[i]
				outcome, id, err := h.handleRecord(ctx, rec)
				if err != nil {
					h.o.Logger.ErrorContext(ctx, "classify: record failed; it will be retried",
						slog.String("referralId", id), slog.String("eventId", rec.EventID),
						slog.String("sequenceNumber", rec.Change.SequenceNumber), slog.String("error", err.Error()))
					for _, j := range idx[n:] {
						failed[j] = true
					}
					return
				}
				if outcome != "" {
					h.o.Logger.InfoContext(ctx, "classify: record done",
						slog.String("referralId", id), slog.String("sequenceNumber", rec.Change.SequenceNumber), slog.String("outcome", outcome))
				}
			}
		}()
	}
	wg.Wait()
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	for i, f := range failed {
		if f {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: ev.Records[i].Change.SequenceNumber})
		}
	}
	return resp, nil
}

// groupByCase splits a batch into the records of each case (the referral's
// caseId; its key if it has none), each group in stream order, groups in
// order of their first record.
func groupByCase(recs []events.DynamoDBEventRecord) [][]int {
	var order []string
	groups := map[string][]int{}
	for i, rec := range recs {
		k := attrString(rec.Change.NewImage, "caseId")
		if k == "" {
			k = "key:" + attrString(rec.Change.Keys, "pk")
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	out := make([][]int, len(order))
	for n, k := range order {
		out[n] = groups[k]
	}
	return out
}

// Outcomes of one record, for logs.
const (
	outcomeIgnored           = ""
	outcomeAlreadyClassified = "already-classified"
)

// handleRecord classifies the referral of one record. It returns what
// happened (for the log) and the referral id.
func (h *Handler) handleRecord(ctx context.Context, rec events.DynamoDBEventRecord) (outcome, id string, err error) {
	defer func() {
		// A record that crashes the engine fails alone, not its batch.
		if p := recover(); p != nil {
			outcome, err = "", fmt.Errorf("classify: panic: %v", p)
		}
	}()
	if !isReferralInsert(rec) {
		// Not for us (the event source filter keeps these away on AWS).
		return outcomeIgnored, "", nil
	}
	if id, err = referralID(rec); err != nil {
		return "", "", err
	}
	for attempt := 1; ; attempt++ {
		outcome, err = h.classify(ctx, id)
		if errors.Is(err, store.ErrVersionConflict) && attempt < h.o.MaxConflictRetries {
			continue
		}
		return outcome, id, err
	}
}

func isReferralInsert(rec events.DynamoDBEventRecord) bool {
	return rec.EventName == string(events.DynamoDBOperationTypeInsert) && attrString(rec.Change.NewImage, "type") == "referral"
}

// referralID reads the id from the record's keys (pk "REFERRAL#<id>", sk
// "REFERRAL"), cross-checked with the new image's id when it has one.
func referralID(rec events.DynamoDBEventRecord) (string, error) {
	keys := rec.Change.Keys
	if len(keys) == 0 {
		keys = rec.Change.NewImage
	}
	id, ok := strings.CutPrefix(attrString(keys, "pk"), "REFERRAL#")
	if !ok || id == "" || attrString(keys, "sk") != "REFERRAL" {
		return "", fmt.Errorf("%w: keys do not name a referral", ErrMalformedRecord)
	}
	if img := attrString(rec.Change.NewImage, "id"); img != "" && img != id {
		return "", fmt.Errorf("%w: key and image ids differ", ErrMalformedRecord)
	}
	return id, nil
}

func attrString(m map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

// classify reads the referral once, classifies it and saves the
// classification, the email and the audit entry in one transaction
// (store.UpdateReferral). A referral that is no longer received is left
// alone, so a replayed record changes nothing and queues no second email.
func (h *Handler) classify(ctx context.Context, id string) (string, error) {
	var outcome eligibility.Outcome
	_, err := h.o.Store.UpdateReferral(ctx, id, func(r *store.Referral) (store.ReferralEffects, error) {
		if r.Status != referral.StatusReceived {
			return store.ReferralEffects{}, errAlreadyClassified
		}
		now := h.o.Clock.Now()
		c := referral.Classify(r.Body, r.CreatedAt, now)
		days := 0
		if c.Notice != nil {
			days = c.Notice.Days
		}
		msg, err := outbox.NewReferralEmail(outbox.ReferralNotice{
			To:             h.o.MappaInbox,
			ReferralID:     r.ID,
			CaseRef:        r.CaseID,
			Category:       int(c.Result.PrimaryCategory),
			SuggestedLevel: c.SuggestedLevel(),
			ShortNotice:    c.ShortNotice(),
			MeetingInDays:  days,
			AppURL:         h.o.AppOrigin,
		})
		if err != nil {
			return store.ReferralEffects{}, fmt.Errorf("classify: referral %s: email: %w", id, err)
		}
		r.Status = referral.StatusClassified
		r.Classification = &c
		outcome = c.Result.Outcome
		var also []types.TransactWriteItem
		for _, f := range c.Result.FollowUps {
			if f.Kind == eligibility.ConsiderChildProtection && h.o.MeetingsTable != "" {
				also = append(also, meetingstore.TaskPut(h.o.MeetingsTable, meeting.ChildProtectionTask(r.ID, r.CaseID, f.Why, now, Actor)))
			}
		}
		if h.o.ReportTable != "" {
			// The Board's figures, counted once with the classification (a
			// replayed record finds the referral classified and writes nothing).
			also = append(also, reportstore.Increments(h.o.ReportTable, report.ForClassification(
				r.CreatedAt, string(c.Result.Outcome), int(c.Result.PrimaryCategory), c.ShortNotice()))...)
		}
		return store.ReferralEffects{Effects: aggregate.Effects{
			Also: also,
			Audit: []audit.Entry{{
				ID:        h.o.IDs.New(),
				At:        now,
				Actor:     Actor,
				Action:    audit.ActionReferralClassify,
				Subject:   "referral:" + r.ID,
				CaseID:    r.CaseID,
				Reason:    "eligibility:" + string(c.Result.Outcome),
				RequestID: requestID(ctx),
			}},
			Outbox: []outbox.Message{msg},
		}}, nil
	})
	switch {
	case errors.Is(err, errAlreadyClassified):
		return outcomeAlreadyClassified, nil
	case err != nil:
		return "", fmt.Errorf("classify: referral %s: %w", id, err)
	}
	return "classified:" + string(outcome), nil
}

// errAlreadyClassified: the referral is no longer received.
var errAlreadyClassified = errors.New("classify: referral already classified")

// requestID is the Lambda request id of the invocation, if any.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
