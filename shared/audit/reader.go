package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// ActionAuditRead: an administrator read the audit (itself audited).
const ActionAuditRead Action = "audit.read"

// Querier is the DynamoDB call the reader needs.
type Querier interface {
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Reader reads the audit for administrators: one subject's records, or
// one person's over a range of days. Queries only, no scan.
type Reader struct {
	DB    Querier
	Table string
}

// MaxRead is the most records one read returns (newest first).
const MaxRead = 500

// BySubject returns the records of subject ("case:<id>", "referral:<id>"),
// newest first, at most MaxRead.
func (r Reader) BySubject(ctx context.Context, subject string) ([]Entry, error) {
	return r.query(ctx, nil, "pk", "AUDIT#"+subject, MaxRead)
}

// ByActor returns what actor did on the days from..to (UTC dates,
// inclusive, at most 31 days), newest first, at most MaxRead.
func (r Reader) ByActor(ctx context.Context, actor string, from, to time.Time) ([]Entry, error) {
	var out []Entry
	for d := to.UTC().Truncate(24 * time.Hour); !d.Before(from.UTC().Truncate(24 * time.Hour)); d = d.AddDate(0, 0, -1) {
		var day []Entry
		for b := range ActorBuckets {
			pk := fmt.Sprintf("ACTOR#%s#%s#%d", actor, d.Format("2006-01-02"), b)
			es, err := r.query(ctx, aws.String("gsi1"), "gsi1pk", pk, MaxRead)
			if err != nil {
				return nil, err
			}
			day = append(day, es...)
		}
		slices.SortFunc(day, func(a, b Entry) int { return b.At.Compare(a.At) })
		out = append(out, day...)
		if len(out) >= MaxRead {
			return out[:MaxRead], nil
		}
	}
	return out, nil
}

func (r Reader) query(ctx context.Context, index *string, keyName, key string, limit int) ([]Entry, error) {
	var out []Entry
	var start map[string]types.AttributeValue
	for {
		res, err := r.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(r.Table), IndexName: index,
			KeyConditionExpression:    aws.String("#k = :k"),
			ExpressionAttributeNames:  map[string]string{"#k": keyName},
			ExpressionAttributeValues: map[string]types.AttributeValue{":k": dynamo.S(key)},
			ScanIndexForward:          aws.Bool(false),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, fmt.Errorf("audit: read %s: %w", key, err)
		}
		for _, it := range res.Items {
			out = append(out, entryFrom(it))
			if len(out) >= limit {
				return out, nil
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

func entryFrom(it map[string]types.AttributeValue) Entry {
	s := func(n string) string {
		if v, ok := it[n].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	at, _ := dynamo.ParseStamp(s("at"))
	e := Entry{ID: s("id"), At: at, Actor: s("actor"), Action: Action(s("action")), Subject: s("subject"),
		CaseID: s("caseId"), Reason: s("reason"), RequestID: s("requestId")}
	if l, ok := it["subjects"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if sv, ok := v.(*types.AttributeValueMemberS); ok && strings.TrimSpace(sv.Value) != "" {
				e.Subjects = append(e.Subjects, sv.Value)
			}
		}
	}
	return e
}
