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
	ActionCaseRead         Action = "case.read"
	ActionCaseLevel        Action = "case.level"
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
}

// Keys: pk "AUDIT#<subject>", sk "<RFC3339Nano at>#<id>"; gsi1 by actor:
// gsi1pk "ACTOR#<actor>", gsi1sk "<at>#<id>".
func (e Entry) item() map[string]types.AttributeValue {
	at := e.At.UTC().Format(time.RFC3339Nano)
	item := map[string]types.AttributeValue{
		"pk":      dynamo.S("AUDIT#" + e.Subject),
		"sk":      dynamo.S(at + "#" + e.ID),
		"gsi1pk":  dynamo.S("ACTOR#" + e.Actor),
		"gsi1sk":  dynamo.S(at + "#" + e.ID),
		"type":    dynamo.S("audit"),
		"id":      dynamo.S(e.ID),
		"at":      dynamo.S(at),
		"actor":   dynamo.S(e.Actor),
		"action":  dynamo.S(string(e.Action)),
		"subject": dynamo.S(e.Subject),
	}
	if e.CaseID != "" {
		item["caseId"] = dynamo.S(e.CaseID)
	}
	if e.Reason != "" {
		item["reason"] = dynamo.S(e.Reason)
	}
	if e.RequestID != "" {
		item["requestId"] = dynamo.S(e.RequestID)
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
