// Package aggregate is the read-modify-write pattern every versioned
// record (referral, case, meeting, rota assignment, task) is stored with.
//
// The store owns the read-modify-write; the domain owns the rule:
//
//	m, err := meetings.Update(ctx, id, func(m *meeting.Meeting) (aggregate.Effects, error) {
//		if err := m.Reschedule(at); err != nil { // the domain's rule
//			return aggregate.Effects{}, err // nothing is written
//		}
//		return aggregate.Effects{Audit: []audit.Entry{entry}, Outbox: []outbox.Message{invite}}, nil
//	})
//
// Update reads the record once (consistent), runs the closure on it and
// commits ONE conditional transaction: the record's new item, conditional
// on the version it read (optimistic locking; the version is then +1),
// with the closure's audit entries and outbox messages (each create-only)
// and any further writes the aggregate's own store adds (Effects.Also:
// history items, links; built by the store from domain-typed effects,
// never by handlers). If another writer won the race (the version moved)
// or DynamoDB reports a transaction conflict, it reads again and reruns
// the closure, with the one retry policy (dynamo.Backoff: bounded,
// jittered, context-aware). A closure's error aborts with nothing written.
//
// A record type embeds Versioned and carries dynamodbav tags; its items
// are mapped by attributevalue (no hand-written mapping). How to add an
// aggregate is in docs/architecture.md.
package aggregate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// Errors Get, Create and Update return; test them with errors.Is.
var (
	ErrNotFound = errors.New("aggregate: not found")
	// ErrExists: Create of an id that is taken.
	ErrExists = errors.New("aggregate: already exists")
	// ErrConflict: the record kept changing under Update (every retry lost
	// the race) or concurrent transactions kept colliding.
	ErrConflict = errors.New("aggregate: conflicting changes, try again")
	// ErrEffect: a condition of one of the effects failed (an outbox
	// message or audit id already written, a condition in Also).
	ErrEffect = errors.New("aggregate: an effect's condition failed")
)

// Versioned is embedded in every record type: the optimistic-locking
// counter, 1 on create and +1 on every Update.
type Versioned struct {
	Version int `dynamodbav:"version" json:"version"`
}

func (v *Versioned) versionRef() *int { return &v.Version }

// Record is a pointer to a record type that embeds Versioned.
type Record[R any] interface {
	*R
	versionRef() *int
}

// Effects are what a change causes besides the record's new state.
type Effects struct {
	// Audit entries, written create-only in the change's transaction.
	Audit []audit.Entry
	// Outbox messages (email), queued create-only in the transaction: a
	// replayed cause with a deterministic message id writes nothing.
	Outbox []outbox.Message
	// Also are further writes of the transaction, built by the
	// aggregate's own store from its domain-typed effects (history items,
	// links, other records). Handlers never build these.
	Also []types.TransactWriteItem
}

// Table stores the records of one aggregate type R, one item each.
type Table[R any, P Record[R]] struct {
	DB dynamo.Client
	// Name is the physical table name.
	Name string
	// Key is the primary key of the record with the given id.
	Key func(id string) dynamo.Key
	// Derive sets the item's derived attributes (type, index keys) from
	// the record; nil adds none.
	Derive func(r *R, it dynamo.Item)
	// AuditTable and OutboxTable receive the effects.
	AuditTable  string
	OutboxTable string
	Clock       clock.Clock
	// Retry is the policy for lost races and conflicts; zero means
	// dynamo.DefaultBackoff.
	Retry dynamo.Backoff
}

func (t *Table[R, P]) retry() dynamo.Backoff {
	if t.Retry.Attempts == 0 {
		return dynamo.DefaultBackoff
	}
	return t.Retry
}

func (t *Table[R, P]) now() time.Time {
	if t.Clock == nil {
		return time.Now()
	}
	return t.Clock.Now()
}

// Item returns r's item: attributevalue's mapping, the key and the
// derived attributes.
func (t *Table[R, P]) Item(id string, r *R) (dynamo.Item, error) {
	it, err := attributevalue.MarshalMapWithOptions(r, textMarshalers)
	if err != nil {
		return nil, fmt.Errorf("aggregate: encode %s: %w", id, err)
	}
	if t.Derive != nil {
		t.Derive(r, it)
	}
	return t.Key(id).With(it), nil
}

// Records are mapped with their types' own text forms where they have one
// (civil.Date as "2027-03-25", time.Time as RFC 3339).
func textMarshalers(o *attributevalue.EncoderOptions)   { o.UseEncodingMarshalers = true }
func textUnmarshalers(o *attributevalue.DecoderOptions) { o.UseEncodingUnmarshalers = true }

// Decode reads a record from its item.
func Decode[R any](it dynamo.Item) (R, error) {
	var r R
	if err := attributevalue.UnmarshalMapWithOptions(it, &r, textUnmarshalers); err != nil {
		return r, fmt.Errorf("aggregate: decode: %w", err)
	}
	return r, nil
}

// Get reads the record (consistent read), or ErrNotFound.
func (t *Table[R, P]) Get(ctx context.Context, id string) (R, error) {
	out, err := t.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(t.Name), Key: t.Key(id).Attrs(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		var zero R
		return zero, fmt.Errorf("aggregate: get %s: %w", id, err)
	}
	if len(out.Item) == 0 {
		var zero R
		return zero, fmt.Errorf("aggregate: %s: %w", id, ErrNotFound)
	}
	return Decode[R](out.Item)
}

// Create writes a new record (version 1) with its effects in one
// transaction: ErrExists if the id is taken.
func (t *Table[R, P]) Create(ctx context.Context, id string, r *R, eff Effects) error {
	*P(r).versionRef() = 1
	it, err := t.Item(id, r)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Put: &types.Put{
		TableName: aws.String(t.Name), Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}}, eff.Items(t.AuditTable, t.OutboxTable, t.now())...)
	err = Commit(ctx, t.DB, items)
	if errors.Is(err, ErrLostRace) {
		return fmt.Errorf("aggregate: %s: %w", id, ErrExists)
	}
	return err
}

// Update is the read-modify-write: read once, run fn, commit one
// conditional transaction, retry on a lost race. It returns the record
// as written. fn may run more than once (once per attempt) and must have
// no side effects of its own; its error is returned as is, nothing written.
func (t *Table[R, P]) Update(ctx context.Context, id string, fn func(*R) (Effects, error)) (R, error) {
	var out R
	err := Loop(ctx, t.retry(), func(ctx context.Context) error {
		r, err := t.Get(ctx, id)
		if err != nil {
			return err
		}
		read := *P(&r).versionRef()
		eff, err := fn(&r)
		if err != nil {
			return Abort(err)
		}
		*P(&r).versionRef() = read + 1
		it, err := t.Item(id, &r)
		if err != nil {
			return err
		}
		items := append([]types.TransactWriteItem{{Put: &types.Put{
			TableName: aws.String(t.Name), Item: it,
			ConditionExpression:       aws.String("version = :read"),
			ExpressionAttributeValues: dynamo.Item{":read": dynamo.N(int64(read))},
		}}}, eff.Items(t.AuditTable, t.OutboxTable, t.now())...)
		if err := Commit(ctx, t.DB, items); err != nil {
			return err
		}
		out = r
		return nil
	})
	if errors.Is(err, ErrConflict) {
		err = fmt.Errorf("aggregate: %s: %w", id, err)
	}
	return out, err
}

// Loop runs attempt (one read-modify-write) under b: again after a lost
// race (ErrLostRace) or a transaction conflict, never after any other
// error. An error wrapped by Abort is returned unwrapped; running out of
// attempts is ErrConflict. Stores with records of more than one item use
// it directly; Table.Update is built on it.
func Loop(ctx context.Context, b dynamo.Backoff, attempt func(ctx context.Context) error) error {
	err := b.Retry(ctx, retryable, func(ctx context.Context, _ int) error { return attempt(ctx) })
	var ce *closureError
	switch {
	case errors.As(err, &ce):
		return ce.err
	case errors.Is(err, dynamo.ErrExhausted):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// Abort marks the closure's own error: Loop returns it as is, not retried.
func Abort(err error) error { return &closureError{err} }

// closureError carries the closure's own error through the retry loop.
type closureError struct{ err error }

func (e *closureError) Error() string { return e.err.Error() }
func (e *closureError) Unwrap() error { return e.err }

// ErrLostRace is Commit's answer when the record's own condition (item 0:
// the version it read) failed: another writer changed it first.
var ErrLostRace = errors.New("aggregate: the record changed since it was read")

func retryable(err error) bool {
	var ce *closureError
	if errors.As(err, &ce) {
		return false
	}
	return errors.Is(err, ErrLostRace) || dynamo.IsTransactionConflict(err)
}

// Items returns the effects' writes: each audit entry and outbox message
// create-only, then Also.
func (eff Effects) Items(auditTable, outboxTable string, now time.Time) []types.TransactWriteItem {
	var items []types.TransactWriteItem
	for _, e := range eff.Audit {
		items = append(items, e.TransactItem(auditTable))
	}
	for _, m := range eff.Outbox {
		items = append(items, outbox.Enqueue(outboxTable, m, now))
	}
	return append(items, eff.Also...)
}

// Commit writes items in one transaction. The record is item 0: its
// failed condition is ErrLostRace; any other failed condition is
// ErrEffect (with the failed indexes). A transaction conflict is returned
// as is (Loop retries it).
func Commit(ctx context.Context, db dynamo.Client, items []types.TransactWriteItem) error {
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	failed, cancelled := dynamo.CancelledBy(err)
	switch {
	case slices.Contains(failed, 0):
		return ErrLostRace
	case len(failed) > 0:
		return &EffectError{Failed: failed, Err: err}
	case cancelled && dynamo.IsTransactionConflict(err):
		return err
	}
	return fmt.Errorf("aggregate: transaction: %w", err)
}

// EffectError is a transaction cancelled by the condition of an item
// other than the record (indexes into the transaction's items).
type EffectError struct {
	Failed []int
	Err    error
}

func (e *EffectError) Error() string {
	return fmt.Sprintf("%s (items %v): %v", ErrEffect, e.Failed, e.Err)
}

// Is makes errors.Is(err, ErrEffect) true.
func (e *EffectError) Is(target error) bool { return target == ErrEffect }

func (e *EffectError) Unwrap() error { return e.Err }
