package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// The email item (outbox table), for docs/data-model.md:
//
//	pk            "EMAIL#<id>"
//	sk            "EMAIL"
//	type          "email"
//	id            the message id (deterministic from the cause, e.g. "referral-new-<referralId>")
//	kind          e.g. "referral.new"
//	caseRef       case reference the email is about (may be absent)
//	to            list of recipient addresses (staff and agency mailboxes only)
//	subject, text, html     the content built by a template (no personal data)
//	attachments   list of {filename, contentType, data (B)}
//	createdAt     stamp (dynamo.StampLayout: fixed-width UTC, nanoseconds)
//	status        pending | sending | sent | failed
//	attempts      number of failed sends so far
//	nextAttemptAt when a pending email is due (stamp); absent once sent or failed
//	leaseUntil    while sending: when the sender's claim expires (a crashed sender's
//	              email is picked up again after this); absent otherwise
//	sesMessageId  SES's message id, once sent
//	sentAt        stamp, once sent
//	expiresAt     epoch seconds, once sent: TTL housekeeping (RetainSent after sentAt)
//	lastError     SES error code (or NetworkError/Timeout/...) of the last failed send; never text
//	version       optimistic-locking counter, +1 on every change
//	gsi1pk/gsi1sk "OUTBOX#PENDING" / "<nextAttemptAt>#<id>" while pending,
//	              "OUTBOX#PENDING" / "<leaseUntil>#<id>" while sending,
//	              "OUTBOX#FAILED"  / "<failedAt>#<id>" once given up,
//	              absent once sent.
//
// Access patterns: Get by id (pk/sk); "emails due now, oldest first,
// including expired sending claims": Query gsi1 gsi1pk = "OUTBOX#PENDING"
// AND gsi1sk < "<now>$" (the sweep); "emails given up on": Query gsi1
// gsi1pk = "OUTBOX#FAILED".
const (
	itemType   = "email"
	skEmail    = "EMAIL"
	gsiPending = "OUTBOX#PENDING"
	gsiFailed  = "OUTBOX#FAILED"
)

// Status is where an email is in its life.
type Status string

// Statuses.
const (
	StatusPending Status = "pending"
	StatusSending Status = "sending"
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"
)

// RetainSent is how long a sent email's item is kept (TTL housekeeping).
const RetainSent = 90 * 24 * time.Hour

// ts is the one fixed-width stamp (dynamo.StampLayout), so timestamps in
// sort keys and conditions compare correctly as strings. Items written
// with the earlier millisecond layout still parse, and compare correctly
// with new stamps except within the same millisecond.
func ts(t time.Time) string { return dynamo.Stamp(t) }

// Key returns the primary key of the email with the given id.
func Key(id string) dynamo.Key { return dynamo.Key{PK: dynamo.PK("EMAIL#" + id), SK: skEmail} }

// Enqueue returns the Put that queues m, to be included in the SAME
// TransactWriteItems call as the change that causes the email. The Put is
// conditional on the id being new, so a replayed cause (which reuses its
// deterministic id) cancels the transaction instead of queueing twice:
// callers see a cancelled transaction with this item's index among
// dynamo.CancelledBy's failed indexes. The email is due at now.
//
// m should come from a template (which validates it); an invalid message
// is still queued and then given up on by the Dispatcher without sending.
func Enqueue(table string, m Message, now time.Time) types.TransactWriteItem {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	item := messageAttrs(m)
	due := ts(now)
	item["status"] = dynamo.S(string(StatusPending))
	item["attempts"] = dynamo.N(0)
	item["nextAttemptAt"] = dynamo.S(due)
	item["version"] = dynamo.N(1)
	item["gsi1pk"] = dynamo.S(gsiPending)
	item["gsi1sk"] = dynamo.S(due + "#" + m.ID)
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(table),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

func messageAttrs(m Message) map[string]types.AttributeValue {
	k := Key(m.ID)
	item := map[string]types.AttributeValue{
		"pk":        dynamo.S(string(k.PK)),
		"sk":        dynamo.S(string(k.SK)),
		"type":      dynamo.S(itemType),
		"id":        dynamo.S(m.ID),
		"kind":      dynamo.S(string(m.Kind)),
		"subject":   dynamo.S(m.Subject),
		"text":      dynamo.S(m.Text),
		"createdAt": dynamo.S(ts(m.CreatedAt)),
	}
	to := make([]types.AttributeValue, 0, len(m.To))
	for _, a := range m.To {
		to = append(to, dynamo.S(a))
	}
	item["to"] = &types.AttributeValueMemberL{Value: to}
	if m.HTML != "" {
		item["html"] = dynamo.S(m.HTML)
	}
	if m.CaseRef != "" {
		item["caseRef"] = dynamo.S(m.CaseRef)
	}
	if len(m.Attachments) > 0 {
		atts := make([]types.AttributeValue, 0, len(m.Attachments))
		for _, a := range m.Attachments {
			data := a.Data
			if data == nil {
				data = []byte{}
			}
			atts = append(atts, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"filename":    dynamo.S(a.Filename),
				"contentType": dynamo.S(a.ContentType),
				"data":        &types.AttributeValueMemberB{Value: data},
			}})
		}
		item["attachments"] = &types.AttributeValueMemberL{Value: atts}
	}
	return item
}

// Record is an email item: the message and where it is in its life.
type Record struct {
	Message
	Status        Status
	Attempts      int
	NextAttemptAt time.Time // zero once sent or failed
	LeaseUntil    time.Time // zero unless sending
	SESMessageID  string
	SentAt        time.Time
	LastError     string
	Version       int64
}

// ErrNotFound is returned by Get for an id with no email.
var ErrNotFound = errors.New("outbox: email not found")

// Getter is the DynamoDB call Get needs.
type Getter interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// Get reads the email with the given id (strongly consistent).
func Get(ctx context.Context, db Getter, table, id string) (Record, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            Key(id).Attrs(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Record{}, fmt.Errorf("outbox: get email %s: %w", id, err)
	}
	if len(out.Item) == 0 {
		return Record{}, fmt.Errorf("outbox: get email %s: %w", id, ErrNotFound)
	}
	return decodeRecord(out.Item)
}

func decodeRecord(item map[string]types.AttributeValue) (Record, error) {
	r := Record{}
	r.ID = str(item, "id")
	if r.ID == "" || str(item, "type") != itemType {
		return Record{}, errors.New("outbox: not an email item")
	}
	r.Kind = Kind(str(item, "kind"))
	r.Subject = str(item, "subject")
	r.Text = str(item, "text")
	r.HTML = str(item, "html")
	r.CaseRef = str(item, "caseRef")
	if l, ok := item["to"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				r.To = append(r.To, s.Value)
			}
		}
	}
	if l, ok := item["attachments"].(*types.AttributeValueMemberL); ok {
		for i, v := range l.Value {
			m, ok := v.(*types.AttributeValueMemberM)
			if !ok {
				return Record{}, fmt.Errorf("outbox: email %s: attachment %d is not a map", r.ID, i)
			}
			a := Attachment{Filename: str(m.Value, "filename"), ContentType: str(m.Value, "contentType")}
			if b, ok := m.Value["data"].(*types.AttributeValueMemberB); ok {
				a.Data = b.Value
			}
			r.Attachments = append(r.Attachments, a)
		}
	}
	var err error
	parseT := func(name string) time.Time {
		s := str(item, name)
		if s == "" || err != nil {
			return time.Time{}
		}
		t, perr := dynamo.ParseStamp(s)
		if perr != nil {
			err = fmt.Errorf("outbox: email %s: %s: %w", r.ID, name, perr)
		}
		return t
	}
	r.CreatedAt = parseT("createdAt")
	r.NextAttemptAt = parseT("nextAttemptAt")
	r.LeaseUntil = parseT("leaseUntil")
	r.SentAt = parseT("sentAt")
	r.Status = Status(str(item, "status"))
	r.SESMessageID = str(item, "sesMessageId")
	r.LastError = str(item, "lastError")
	r.Attempts = int(num(item, "attempts"))
	r.Version = num(item, "version")
	return r, err
}

func str(item map[string]types.AttributeValue, name string) string {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func num(item map[string]types.AttributeValue, name string) int64 {
	if n, ok := item[name].(*types.AttributeValueMemberN); ok {
		v, _ := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
		return v
	}
	return 0
}
