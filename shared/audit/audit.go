// Package audit records who did what to which case, when and why, in the
// append-only audit table. A write's audit record goes into the same
// DynamoDB transaction as the write (Entry.TransactItem), so there is never
// a change without its record; a read's record is written before the data
// is returned (Writer.Record), and if it cannot be written the read fails.
//
// Audit records carry ids and action names only, never personal data.
// The functions' IAM roles may only PutItem on the audit table.
package audit

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Action names what was done.
type Action string

// Actions recorded today; later features add their own.
const (
	ActionReferralCreate   Action = "referral.create"
	ActionReferralRead     Action = "referral.read"
	ActionReferralList     Action = "referral.list"
	ActionReferralClassify Action = "referral.classify"
	ActionReferralDecide   Action = "referral.decide"
	ActionReferralMatch    Action = "referral.match"
	ActionCaseCreate       Action = "case.create"
	// ActionCaseReopen: a new referral for the person reopened a closed
	// case (its records no longer expire).
	ActionCaseReopen Action = "case.reopen"
	ActionCaseRead   Action = "case.read"
	ActionCaseLevel  Action = "case.level"
	ActionCaseRAG    Action = "case.rag"
	// ActionRegisterRead: a page or the CSV of the risk register (one
	// record naming every case it showed).
	ActionRegisterRead Action = "register.read"
	// ActionCaseReview: the case's next and last meeting dates changed
	// (the rota stream, as meetings are booked, moved, held, cancelled).
	ActionCaseReview Action = "case.review"
)

// Entry is one audit record.
type Entry struct {
	ID      string    // unique id of the record
	At      time.Time // when
	Actor   string    // identity subject (staff sub or agency client id) or "system:<function>"
	Action  Action
	Subject string // what was touched: "case:<id>", "referral:<id>"
	// CaseID groups records by case (may be empty before a case exists).
	CaseID string
	// Reason is why: the route or a short coded reason. No free text about people.
	Reason    string
	RequestID string
	// Subjects lists everything a list read showed ("referral:<id>", ...):
	// one record per list read, not one per row.
	Subjects []string
}

// ActorBuckets is how many gsi1 partitions one actor's records of one day
// are spread over, so a busy system actor (system:classify) never puts a
// day's traffic on one partition.
const ActorBuckets = 4

// Key is the record's primary key: pk "AUDIT#<subject>", sk
// "<stamp>#<id>" (dynamo.StampLayout: fixed width, so the subject's
// records sort in time order).
func (e Entry) Key() dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("AUDIT#" + e.Subject), SK: dynamo.SK(dynamo.Stamp(e.At) + "#" + e.ID)}
}

// ActorIndexKey is the record's gsi1 key: everything one actor did on one
// day (London-independent UTC date), spread over ActorBuckets partitions
// by record id: gsi1pk "ACTOR#<actor>#<yyyy-mm-dd>#<bucket>", gsi1sk
// "<stamp>#<id>".
func (e Entry) ActorIndexKey() dynamo.IndexKey {
	h := fnv.New32a()
	_, _ = h.Write([]byte(e.ID))
	day := e.At.UTC().Format("2006-01-02")
	return dynamo.IndexKey{
		PK: dynamo.PK(fmt.Sprintf("ACTOR#%s#%s#%d", e.Actor, day, h.Sum32()%ActorBuckets)),
		SK: dynamo.SK(dynamo.Stamp(e.At) + "#" + e.ID),
	}
}

func (e Entry) item() map[string]types.AttributeValue {
	at := dynamo.Stamp(e.At)
	g := e.ActorIndexKey()
	item := e.Key().With(dynamo.Item{
		"gsi1pk":  dynamo.S(string(g.PK)),
		"gsi1sk":  dynamo.S(string(g.SK)),
		"type":    dynamo.S("audit"),
		"id":      dynamo.S(e.ID),
		"at":      dynamo.S(at),
		"actor":   dynamo.S(e.Actor),
		"action":  dynamo.S(string(e.Action)),
		"subject": dynamo.S(e.Subject),
	})
	if e.CaseID != "" {
		item["caseId"] = dynamo.S(e.CaseID)
	}
	if e.Reason != "" {
		item["reason"] = dynamo.S(e.Reason)
	}
	if e.RequestID != "" {
		item["requestId"] = dynamo.S(e.RequestID)
	}
	if len(e.Subjects) > 0 {
		l := make([]types.AttributeValue, len(e.Subjects))
		for i, v := range e.Subjects {
			l[i] = dynamo.S(v)
		}
		item["subjects"] = &types.AttributeValueMemberL{Value: l}
	}
	return item
}

// TransactItem returns the Put that records e inside a write transaction.
// The condition makes the record append-only: an id is never overwritten.
func (e Entry) TransactItem(table string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(table),
		Item:                e.item(),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

// Putter is the one DynamoDB call the audit writer needs.
type Putter interface {
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Writer records audit entries that stand alone (reads).
type Writer struct {
	DB    Putter
	Table string
}

// Record writes e. Callers must not return case data if it fails.
func (w Writer) Record(ctx context.Context, e Entry) error {
	_, err := w.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(w.Table),
		Item:                e.item(),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err != nil {
		return fmt.Errorf("audit: record %s on %s: %w", e.Action, e.Subject, err)
	}
	return nil
}
