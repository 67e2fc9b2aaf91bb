package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/lazyre"
)

// Sender sends one email and returns the provider's message id. The SES
// adapter (shared/email) implements it. A failure should be a *SendError so
// the outbox can record its code and tell a permanent refusal from a
// passing fault; any other error is recorded as "SendFailed" and retried.
type Sender interface {
	Send(ctx context.Context, m Message) (messageID string, err error)
}

// SendError is a failed send as the Sender classifies it.
type SendError struct {
	// Code is the provider's error code (e.g. SES "TooManyRequestsException")
	// or NetworkError / Timeout. It is stored in the item's lastError, so it
	// must never contain message content or addresses.
	Code string
	// Permanent is true when retrying cannot help (the message was
	// rejected as malformed): the email is given up on at once.
	Permanent bool
	Err       error
}

func (e *SendError) Error() string {
	if e.Permanent {
		return "send email: " + e.Code + " (permanent): " + e.Err.Error()
	}
	return "send email: " + e.Code + ": " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// DB is the part of DynamoDB the Dispatcher uses; *dynamodb.Client
// satisfies it.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Backoff is the retry policy: after the n-th failed send the email is due
// again after Base*2^(n-1), capped at Max, less up to a fifth taken off by
// Jitter so that emails that failed together do not retry together.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
	// Jitter returns a duration in [0, max); nil means no jitter.
	Jitter func(max time.Duration) time.Duration
}

// DefaultBackoff retries after 30s, 1m, 2m, 4m, ... up to 1h, with random
// jitter.
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: time.Hour, Jitter: RandomJitter}

// RandomJitter is a uniformly random duration in [0, max).
func RandomJitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max) //nolint:gosec // jitter spreads retries; it needs no unpredictability
}

// Delay returns how long to wait after the attempt-th failed send (1-based).
func (b Backoff) Delay(attempt int) time.Duration {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if attempt < 1 {
		attempt = 1
	}
	d := b.Max
	if attempt-1 < 40 {
		if e := b.Base << (attempt - 1); e > 0 && e < b.Max {
			d = e
		}
	}
	if b.Jitter != nil {
		if j := b.Jitter(d / 5); j > 0 && j < d/5 {
			d -= j
		}
	}
	return d
}

// Defaults of the Dispatcher's tunables.
const (
	DefaultMaxAttempts = 12
	DefaultLease       = 2 * time.Minute
	DefaultSendTimeout = 10 * time.Second
)

// Dispatcher sends queued emails: at most one sender holds an email at a
// time (a conditional "claim" with a lease), a sent email is never sent
// again by the outbox, and a failed send is retried with backoff until
// MaxAttempts, then given up on.
//
// Delivery is at-least-once in one narrow window: if the process dies (or
// DynamoDB fails) after SES accepted the email but before the item is
// marked sent, the lease expires and a later sweep sends it again. Every
// other replay (stream redelivery, concurrent sweeps, a second Dispatch)
// sends nothing.
type Dispatcher struct {
	DB     DB
	Table  string
	Sender Sender
	Clock  clock.Clock
	// Backoff is the retry policy; the zero value means DefaultBackoff.
	Backoff Backoff
	// MaxAttempts is how many failed sends give up an email (default 12).
	MaxAttempts int
	// Lease is how long a claim lasts before another sender may take the
	// email over (default 2m, well over the Lambda timeout).
	Lease time.Duration
	// SendTimeout bounds one call to the Sender (default 10s).
	SendTimeout time.Duration
	// Logger defaults to slog.Default(). Only ids, kinds, counts and error
	// codes are logged: never addresses or content.
	Logger *slog.Logger
}

// Outcome is what Dispatch did with an email.
type Outcome string

// Outcomes.
const (
	// OutcomeSent: sent now and marked sent.
	OutcomeSent Outcome = "sent"
	// OutcomeRetry: the send failed; the email is pending again, due later.
	OutcomeRetry Outcome = "retry"
	// OutcomeFailed: the send failed for the last time (or permanently);
	// the email is failed and will not be sent.
	OutcomeFailed Outcome = "failed"
	// OutcomeSkipped: nothing to do: no such email, already sent or
	// failed, not yet due, or another sender holds it.
	OutcomeSkipped Outcome = "skipped"
)

func (d *Dispatcher) log() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

func (d *Dispatcher) now() time.Time {
	if d.Clock == nil {
		return clock.System{}.Now()
	}
	return d.Clock.Now()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Dispatch sends the email with the given id if it is due (pending and
// nextAttemptAt <= now; a never-tried email is always due, so a producer's
// clock running slightly ahead of the mailer's cannot delay it to the next
// sweep) or its sender's claim has expired (sending and leaseUntil < now). A send failure is not an error: it is recorded on the
// item (OutcomeRetry or OutcomeFailed). The error is for the
// infrastructure: DynamoDB could not be read or written, and the caller
// should retry later.
func (d *Dispatcher) Dispatch(ctx context.Context, id string) (Outcome, error) {
	now := d.now()
	leaseUntil := now.Add(orDefault(d.Lease, DefaultLease))
	claim, err := d.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(d.Table),
		Key:       Key(id).Attrs(),
		ConditionExpression: aws.String("#type = :email AND " +
			"((#status = :pending AND (nextAttemptAt <= :now OR attempts = :zero)) OR " +
			"(#status = :sending AND leaseUntil < :now))"),
		UpdateExpression: aws.String("SET #status = :sending, leaseUntil = :lease, gsi1pk = :gpk, gsi1sk = :gsk, " +
			"version = version + :one"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":email":   dynamo.S(itemType),
			":pending": dynamo.S(string(StatusPending)),
			":sending": dynamo.S(string(StatusSending)),
			":now":     dynamo.S(ts(now)),
			":lease":   dynamo.S(ts(leaseUntil)),
			":gpk":     dynamo.S(gsiPending),
			":gsk":     dynamo.S(ts(leaseUntil) + "#" + id),
			":one":     dynamo.N(1),
			":zero":    dynamo.N(0),
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err != nil {
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			d.log().Debug("outbox: email not claimed", "emailId", id, "reason", skipReason(ccf.Item))
			return OutcomeSkipped, nil
		}
		return "", fmt.Errorf("outbox: claim email %s: %w", id, err)
	}
	version, attempts := num(claim.Attributes, "version"), int(num(claim.Attributes, "attempts"))
	rec, err := decodeRecord(claim.Attributes)
	if err == nil {
		err = rec.Validate()
	}
	// Bookkeeping after the claim must happen even if ctx is cancelled
	// (e.g. the Lambda deadline), or the email would wait for its lease.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err != nil {
		d.log().Error("outbox: email cannot be sent, giving up", "emailId", id, "error", err)
		return d.recordFailure(bctx, id, version, attempts, &SendError{Code: "InvalidMessage", Permanent: true, Err: err})
	}

	sctx, scancel := context.WithTimeout(ctx, orDefault(d.SendTimeout, DefaultSendTimeout))
	messageID, sendErr := d.Sender.Send(sctx, rec.Message)
	scancel()
	if sendErr != nil {
		return d.recordFailure(bctx, id, version, attempts, sendErr)
	}

	sentAt := d.now()
	_, err = d.DB.UpdateItem(bctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(d.Table),
		Key:                 Key(id).Attrs(),
		ConditionExpression: aws.String("#status = :sending AND version = :v"),
		UpdateExpression: aws.String("SET #status = :sent, sesMessageId = :mid, sentAt = :at, expiresAt = :exp, " +
			"version = version + :one REMOVE leaseUntil, nextAttemptAt, gsi1pk, gsi1sk"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sending": dynamo.S(string(StatusSending)),
			":v":       dynamo.N(version),
			":sent":    dynamo.S(string(StatusSent)),
			":mid":     dynamo.S(messageID),
			":at":      dynamo.S(ts(sentAt)),
			":exp":     dynamo.N(sentAt.Add(RetainSent).Unix()),
			":one":     dynamo.N(1),
		},
	})
	if err != nil {
		if dynamo.IsConditionFailed(err) {
			// Our lease expired during the send and another sender took the
			// email over: it may be sent twice (the documented window).
			d.log().Warn("outbox: lease lost while sending; email may be sent twice", "emailId", id, "kind", rec.Kind)
			return OutcomeSent, nil
		}
		return OutcomeSent, fmt.Errorf("outbox: mark email %s sent: %w", id, err)
	}
	d.log().Info("outbox: email sent", "emailId", id, "kind", rec.Kind, "attempt", attempts+1)
	return OutcomeSent, nil
}

var codePattern = lazyre.New(`[^A-Za-z0-9._-]`)

// ErrorCode returns the short code recorded for a failed send.
func ErrorCode(err error) string {
	code := "SendFailed"
	var se *SendError
	var coded interface{ ErrorCode() string }
	switch {
	case errors.As(err, &se) && se.Code != "":
		code = se.Code
	case errors.As(err, &coded) && coded.ErrorCode() != "":
		code = coded.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		code = "Timeout"
	case errors.Is(err, context.Canceled):
		code = "Canceled"
	}
	code = codePattern.ReplaceAllString(code, "")
	if len(code) > 64 {
		code = code[:64]
	}
	if code == "" {
		code = "SendFailed"
	}
	return code
}

func isPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// recordFailure puts a claimed email back to pending with backoff, or gives
// it up after MaxAttempts (or a permanent failure).
func (d *Dispatcher) recordFailure(ctx context.Context, id string, version int64, attempts int, sendErr error) (Outcome, error) {
	now := d.now()
	attempts++
	code := ErrorCode(sendErr)
	values := map[string]types.AttributeValue{
		":sending":  dynamo.S(string(StatusSending)),
		":v":        dynamo.N(version),
		":attempts": dynamo.N(int64(attempts)),
		":err":      dynamo.S(code),
		":one":      dynamo.N(1),
	}
	var update string
	outcome := OutcomeRetry
	var next time.Time
	if isPermanent(sendErr) || attempts >= orDefault(d.MaxAttempts, DefaultMaxAttempts) {
		outcome = OutcomeFailed
		update = "SET #status = :failed, attempts = :attempts, lastError = :err, gsi1pk = :gpk, gsi1sk = :gsk, " +
			"version = version + :one REMOVE leaseUntil, nextAttemptAt"
		values[":failed"] = dynamo.S(string(StatusFailed))
		values[":gpk"] = dynamo.S(gsiFailed)
		values[":gsk"] = dynamo.S(ts(now) + "#" + id)
	} else {
		next = now.Add(d.Backoff.Delay(attempts))
		update = "SET #status = :pending, attempts = :attempts, lastError = :err, nextAttemptAt = :next, " +
			"gsi1pk = :gpk, gsi1sk = :gsk, version = version + :one REMOVE leaseUntil"
		values[":pending"] = dynamo.S(string(StatusPending))
		values[":next"] = dynamo.S(ts(next))
		values[":gpk"] = dynamo.S(gsiPending)
		values[":gsk"] = dynamo.S(ts(next) + "#" + id)
	}
	_, err := d.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(d.Table),
		Key:                       Key(id).Attrs(),
		ConditionExpression:       aws.String("#status = :sending AND version = :v"),
		UpdateExpression:          aws.String(update),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: values,
	})
	if err != nil {
		if dynamo.IsConditionFailed(err) {
			d.log().Warn("outbox: lease lost before recording a failed send", "emailId", id, "errorCode", code)
			return OutcomeSkipped, nil
		}
		return "", fmt.Errorf("outbox: record failed send of email %s: %w", id, err)
	}
	if outcome == OutcomeFailed {
		d.log().Error("outbox: giving up on email", "emailId", id, "attempts", attempts, "errorCode", code,
			"permanent", isPermanent(sendErr))
	} else {
		d.log().Warn("outbox: send failed, will retry", "emailId", id, "attempts", attempts, "errorCode", code,
			"nextAttemptAt", ts(next))
	}
	return outcome, nil
}

func skipReason(old map[string]types.AttributeValue) string {
	if len(old) == 0 {
		return "not found"
	}
	switch Status(str(old, "status")) {
	case StatusSent:
		return "already sent"
	case StatusFailed:
		return "given up"
	case StatusPending:
		return "not yet due"
	case StatusSending:
		return "held by another sender"
	}
	return "not an email"
}

// SweepResult counts what a sweep did.
type SweepResult struct {
	Due     int // emails found due (or with expired claims)
	Sent    int
	Retried int // failed again, rescheduled
	Failed  int // given up
	Skipped int // taken by another sender meanwhile, or no longer due
	Errors  int // infrastructure errors (see the returned error)
}

// sweepReserve is the time a sweep leaves before its context's deadline
// (the Lambda timeout) instead of claiming another email: a send cut off
// mid-way waits out its lease and risks a duplicate.
const sweepReserve = 3 * time.Second

// timeLeft reports whether ctx leaves time for another send. The deadline
// is real (wall-clock) time, so it is compared with the real clock.
func timeLeft(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > sweepReserve
}

// DefaultSweepLimit is how many emails one sweep handles at most.
const DefaultSweepLimit = 50

// Sweep dispatches up to limit emails that are due now, oldest first,
// including emails whose sender's claim has expired. It reads the pending
// index (a Query, never a Scan). It stops early, without error, when ctx is
// done or its deadline is less than a few seconds away. Dispatch errors do not stop the sweep; they are joined and returned
// with the counts.
func (d *Dispatcher) Sweep(ctx context.Context, limit int) (SweepResult, error) {
	limit = orDefault(limit, DefaultSweepLimit)
	var res SweepResult
	var errs []error
	// "<now>$" sorts after every "<now>#<id>" and before any later time.
	bound := ts(d.now()) + "$"
	var start map[string]types.AttributeValue
	for res.Due < limit {
		out, err := d.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(d.Table),
			IndexName:              aws.String(dynamo.GSI1),
			KeyConditionExpression: aws.String("gsi1pk = :pk AND gsi1sk < :bound"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":    dynamo.S(gsiPending),
				":bound": dynamo.S(bound),
			},
			ProjectionExpression: aws.String("id"),
			ScanIndexForward:     aws.Bool(true),
			Limit:                aws.Int32(int32(limit - res.Due)),
			ExclusiveStartKey:    start,
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("outbox: query due emails: %w", err))
			res.Errors++
			break
		}
		for _, item := range out.Items {
			if !timeLeft(ctx) {
				break
			}
			id := str(item, "id")
			if id == "" {
				continue
			}
			res.Due++
			outcome, err := d.Dispatch(ctx, id)
			if err != nil {
				errs = append(errs, err)
				res.Errors++
			}
			switch outcome {
			case OutcomeSent:
				res.Sent++
			case OutcomeRetry:
				res.Retried++
			case OutcomeFailed:
				res.Failed++
			case OutcomeSkipped:
				res.Skipped++
			}
		}
		start = out.LastEvaluatedKey
		if len(start) == 0 || !timeLeft(ctx) {
			break
		}
	}
	if res.Due > 0 || len(errs) > 0 {
		d.log().Info("outbox: sweep", "due", res.Due, "sent", res.Sent, "retried", res.Retried,
			"failed", res.Failed, "skipped", res.Skipped, "errors", res.Errors)
	}
	return res, errors.Join(errs...)
}
