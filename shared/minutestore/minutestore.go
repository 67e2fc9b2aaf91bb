// Package minutestore keeps the records about MAPPA minutes (shared/minutes)
// in the meetings table, one aggregate per meeting, with shared/aggregate's
// read-modify-write: every change is one transaction conditional on the
// version read, with its audit entries.
//
// The child-relevant extract is kept apart from the record and from every
// child and case item: its own item (MINUTES#<meetingId> / EXTRACT) with no
// index keys, written in the record's transaction and read only by
// GetExtract, which the API calls only for those who may see the child's
// record. Keys: docs/data-model.md.
package minutestore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/minutes"
)

// Errors callers test with errors.Is.
var (
	ErrNotFound = errors.New("minutestore: no record of minutes for that meeting")
	ErrExists   = errors.New("minutestore: the minutes of that meeting are already recorded as received")
	ErrConflict = errors.New("minutestore: the record kept changing; try again")
)

// Item types.
const (
	TypeRecord  = "minutes"
	TypeExtract = "minutes-extract"
)

// Record is the stored record: the domain record and its version.
type Record struct {
	aggregate.Versioned
	minutes.Record
}

// Key is the record's key.
func Key(meetingID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("MINUTES#" + meetingID), SK: "RECORD"}
}

// ExtractKey is the extract's key (same partition, its own item).
func ExtractKey(meetingID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("MINUTES#" + meetingID), SK: "EXTRACT"}
}

// Store keeps the records.
type Store struct {
	db    dynamo.Client
	table string
	tb    *aggregate.Table[Record, *Record]
}

// New returns a Store over the meetings table.
func New(db dynamo.Client, meetingsTable, auditTable, outboxTable string, clk clock.Clock) *Store {
	return &Store{db: db, table: meetingsTable, tb: &aggregate.Table[Record, *Record]{
		DB: db, Name: meetingsTable, Key: Key,
		// A case's minutes records: Query gsi1 gsi1pk = CASE#<caseId>,
		// begins_with(gsi1sk, MINUTES#) (retention finds them so).
		Derive: func(r *Record, it dynamo.Item) {
			it["type"] = dynamo.S(TypeRecord)
			it["gsi1pk"] = dynamo.S("CASE#" + r.CaseID)
			it["gsi1sk"] = dynamo.S("MINUTES#" + r.MeetingID)
		},
		AuditTable: auditTable, OutboxTable: outboxTable, Clock: clk,
	}}
}

// Get returns the record of a meeting's minutes, or ErrNotFound.
func (s *Store) Get(ctx context.Context, meetingID string) (Record, error) {
	r, err := s.tb.Get(ctx, meetingID)
	if errors.Is(err, aggregate.ErrNotFound) {
		return Record{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return r, err
}

// Receive creates the record (the minutes arrived) with its audit entries:
// ErrExists if it exists already.
func (s *Store) Receive(ctx context.Context, r minutes.Record, entries []audit.Entry) (Record, error) {
	rec := Record{Record: r}
	err := s.tb.Create(ctx, r.MeetingID, &rec, aggregate.Effects{Audit: entries})
	if errors.Is(err, aggregate.ErrExists) {
		return Record{}, fmt.Errorf("%w: %w", ErrExists, err)
	}
	return rec, err
}

// Change is what a change to the record causes besides its new state.
type Change struct {
	Audit []audit.Entry
	// Extract, when set, replaces the extract (its own item, same
	// transaction).
	Extract *minutes.Extract
}

// Update is the record's read-modify-write. fn may run more than once;
// its error is returned as is with nothing written.
func (s *Store) Update(ctx context.Context, meetingID string, fn func(*minutes.Record) (Change, error)) (Record, error) {
	r, err := s.tb.Update(ctx, meetingID, func(r *Record) (aggregate.Effects, error) {
		ch, err := fn(&r.Record)
		if err != nil {
			return aggregate.Effects{}, err
		}
		eff := aggregate.Effects{Audit: ch.Audit}
		if x := ch.Extract; x != nil {
			it, err := attributevalue.MarshalMapWithOptions(x, func(o *attributevalue.EncoderOptions) { o.UseEncodingMarshalers = true })
			if err != nil {
				return aggregate.Effects{}, fmt.Errorf("minutestore: encode extract: %w", err)
			}
			it["type"] = dynamo.S(TypeExtract)
			eff.Also = append(eff.Also, types.TransactWriteItem{Put: &types.Put{
				TableName: aws.String(s.table), Item: ExtractKey(meetingID).With(it),
			}})
		}
		return eff, nil
	})
	switch {
	case errors.Is(err, aggregate.ErrNotFound):
		return Record{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, aggregate.ErrConflict), errors.Is(err, aggregate.ErrEffect):
		return Record{}, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return r, err
}

// GetExtract reads the extract (consistent); ok is false when none was made.
// Call it only for a caller who may see the child's record.
func (s *Store) GetExtract(ctx context.Context, meetingID string) (x minutes.Extract, ok bool, err error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: ExtractKey(meetingID).Attrs(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return x, false, fmt.Errorf("minutestore: get extract of %s: %w", meetingID, err)
	}
	if len(out.Item) == 0 {
		return x, false, nil
	}
	if err := attributevalue.UnmarshalMapWithOptions(out.Item, &x, func(o *attributevalue.DecoderOptions) { o.UseEncodingUnmarshalers = true }); err != nil {
		return x, false, fmt.Errorf("minutestore: decode extract of %s: %w", meetingID, err)
	}
	return x, true, nil
}
