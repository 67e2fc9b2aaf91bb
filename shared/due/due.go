// Package due keeps the system's scheduled work as items keyed by the day
// they fall due (cases table), so the daily reminders sweep reads only what
// is due that day, never the whole table:
//
//	pk "DUE#<yyyy-mm-dd>"  sk "<kind>#<ref>"   waiting to be acted on
//	pk "DONE#<yyyy-mm-dd>" sk "<kind>#<ref>"   acted on (kept as the record)
//
// Whoever creates work that will fall due (a meeting booked, an attendee
// absent, a review date set, a DBS check recorded) includes Put in its own
// transaction. The sweep pops each item to done (Pop) in the same
// transaction as the email it causes, so an item is acted on once.
//
// Items carry ids, a case reference and recipient work addresses only:
// never names, dates of birth, addresses or offences.
package due

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Kind is what is due.
type Kind string

// Kinds of due work (reminders function).
const (
	KindInvite        Kind = "invite"         // an invitation not yet sent
	KindRemind7       Kind = "remind-7d"      // meeting in 7 days
	KindRemind1       Kind = "remind-1d"      // meeting tomorrow
	KindChase         Kind = "chase"          // invitation still unanswered
	KindReport        Kind = "report"         // written report due before the meeting
	KindAttendance    Kind = "attendance"     // the day after: record attendance
	KindEscalate      Kind = "escalate"       // unexplained absence still unexplained
	KindReviewDue     Kind = "review-due"     // review due within 14 days, no meeting booked
	KindReviewOverdue Kind = "review-overdue" // review overdue: service manager / head of service
	KindActionDue     Kind = "action-due"     // an action or task coming due
	KindActionOverdue Kind = "action-overdue" // an action or task overdue
	KindSupervision   Kind = "supervision"    // supervision of a new case at 4 weeks
	KindRiskMeeting   Kind = "risk-meeting"   // monthly internal risk meeting (high / very high)
	KindDBS           Kind = "dbs"            // staff DBS re-check due
	KindEmergencyRisk Kind = "risk-emergency" // emergency internal risk meeting (risk rose)
	KindMonthlyDigest Kind = "digest"         // reserved: the digest is not a due item
)

// Item is one piece of due work.
type Item struct {
	Day  civil.Date `dynamodbav:"-"`
	Kind Kind       `dynamodbav:"kind"`
	// Ref identifies the work within its kind and day (e.g.
	// "<meetingId>.<invitationId>"): the same work is never due twice on a
	// day.
	Ref          string   `dynamodbav:"ref"`
	MeetingID    string   `dynamodbav:"meetingId,omitempty"`
	InvitationID string   `dynamodbav:"invitationId,omitempty"`
	CaseID       string   `dynamodbav:"caseId,omitempty"`
	CaseRef      string   `dynamodbav:"caseRef,omitempty"`
	To           []string `dynamodbav:"to,omitempty"`
	// Path is the app path the email links to (e.g. /cases/<id>).
	Path string `dynamodbav:"path,omitempty"`
	// DueOn is the date the work itself is due (a review, an action),
	// when it differs from the day the reminder goes.
	DueOn string `dynamodbav:"dueOn,omitempty"`
	// Step counts repeats (escalation rung, chaser number).
	Step int `dynamodbav:"step,omitempty"`
	// Once, when set, is the item's idempotency key: the work it names is
	// acted on once, however many items carry it (a held meeting edited
	// schedules its review reminder again, on another day). The sweep
	// claims OnceKey(Once) in the transaction that sends; an item whose key
	// is already claimed is moved to done without sending.
	Once string `dynamodbav:"once,omitempty"`
}

var refPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,150}$`)

// Validate checks the item's key parts.
func (it Item) Validate() error {
	if it.Day.IsZero() {
		return errors.New("due: day is required")
	}
	if it.Kind == "" || !refPattern.MatchString(string(it.Kind)) {
		return errors.New("due: kind is required")
	}
	if !refPattern.MatchString(it.Ref) {
		return errors.New("due: ref must be 1-151 characters of A-Z a-z 0-9 . _ : -")
	}
	if it.Once != "" && !refPattern.MatchString(it.Once) {
		return errors.New("due: once must be 1-151 characters of A-Z a-z 0-9 . _ : -")
	}
	return nil
}

// Key is where the item waits.
func Key(day civil.Date, kind Kind, ref string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("DUE#" + day.String()), SK: dynamo.SK(string(kind) + "#" + ref)}
}

// DoneKey is where the item goes once acted on.
func DoneKey(day civil.Date, kind Kind, ref string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("DONE#" + day.String()), SK: dynamo.SK(string(kind) + "#" + ref)}
}

const itemType = "due"

func attrs(it Item, k dynamo.Key) (map[string]types.AttributeValue, error) {
	m, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, fmt.Errorf("due: marshal: %w", err)
	}
	for name, v := range k.Attrs() {
		m[name] = v
	}
	m["type"] = dynamo.S(itemType)
	m["day"] = dynamo.S(it.Day.String())
	return m, nil
}

// DBSOnce is the idempotency key of a DBS re-check reminder of staffID
// for the check due on next: the warning, or (onTheDay) the reminder on
// the day. Every writer of these reminders uses it, so each goes once.
func DBSOnce(staffID string, next civil.Date, onTheDay bool) string {
	k := "dbs:" + staffID + ":" + next.String()
	if onTheDay {
		return k + ":due"
	}
	return k + ":warn"
}

// OnceKey is where the claim of an idempotency key (Item.Once) is kept
// (cases table): written once, with attribute_not_exists, in the
// transaction that acts on the first item carrying the key.
func OnceKey(once string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("ONCE#" + once), SK: "ONCE"}
}

// Claim returns the write that claims it.Once (the item's key must be set),
// failing its condition if the key was claimed before.
func Claim(table string, it Item, at time.Time) types.TransactWriteItem {
	m := OnceKey(it.Once).Attrs()
	m["type"] = dynamo.S("due-once")
	m["kind"] = dynamo.S(string(it.Kind))
	m["ref"] = dynamo.S(it.Ref)
	m["day"] = dynamo.S(it.Day.String())
	m["at"] = dynamo.S(dynamo.Stamp(at))
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: m,
		ConditionExpression: aws.String("attribute_not_exists(pk)")}}
}

// Put returns the write that schedules it, for the caller's transaction.
// Scheduling the same kind and ref on the same day again overwrites it.
func Put(table string, it Item) (types.TransactWriteItem, error) {
	if err := it.Validate(); err != nil {
		return types.TransactWriteItem{}, err
	}
	m, err := attrs(it, Key(it.Day, it.Kind, it.Ref))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: m}}, nil
}

// Pop returns the two writes that move it from due to done: a delete
// conditional on the item still being due (so two sweeps cannot both act
// on it) and a put of the done record with at when it was acted on. They
// go in the same transaction as the item's effects.
func Pop(table string, it Item, at time.Time) ([]types.TransactWriteItem, error) {
	m, err := attrs(it, DoneKey(it.Day, it.Kind, it.Ref))
	if err != nil {
		return nil, err
	}
	m["doneAt"] = dynamo.S(dynamo.Stamp(at))
	return []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String(table), Key: Key(it.Day, it.Kind, it.Ref).Attrs(),
			ConditionExpression: aws.String("attribute_exists(pk)")}},
		{Put: &types.Put{TableName: aws.String(table), Item: m}},
	}, nil
}

// Querier is the DynamoDB call List needs.
type Querier interface {
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// List returns the items due on day, and how many items DynamoDB read to
// find them (always len(items): the query reads that day's partition and
// nothing else).
func List(ctx context.Context, db Querier, table string, day civil.Date) ([]Item, int, error) {
	var items []Item
	read := 0
	var start map[string]types.AttributeValue
	for {
		out, err := db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(table),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("DUE#" + day.String())},
			ExclusiveStartKey:         start,
			ConsistentRead:            aws.Bool(true),
		})
		if err != nil {
			return nil, read, fmt.Errorf("due: list %s: %w", day, err)
		}
		read += int(out.ScannedCount)
		for _, m := range out.Items {
			var it Item
			if err := attributevalue.UnmarshalMap(m, &it); err != nil {
				return nil, read, fmt.Errorf("due: decode: %w", err)
			}
			it.Day = day
			items = append(items, it)
		}
		if len(out.LastEvaluatedKey) == 0 {
			return items, read, nil
		}
		start = out.LastEvaluatedKey
	}
}
