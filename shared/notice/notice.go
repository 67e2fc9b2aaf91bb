// Package notice tells the council's people about MAPPA meetings and
// follows up: invitations with a calendar attachment (shared/ical) through
// the email outbox, signed one-click replies (shared/replylink), attendance
// per attendee after the meeting, the written report when nobody can
// attend, and the escalation ladder for unexplained non-attendance
// (shared/attendance). The daily reminders sweep (shared/reminders) calls
// Handle for the due items this package schedules (shared/due).
//
// Items (cases table; docs/data-model.md):
//
//	NOTICE#<meetingId> / MEETING            the meeting as invited (sequence, times, status)
//	NOTICE#<meetingId> / INVITE#<inviteId>  one invited person: reply, attendance, escalation step
//	REPLYUSED#<sha256(token)> / USED        a reply link that has been used (never reused)
//	ABSENT#<staffId> / <date>#<meetingId>   an unexplained non-attendance (repeats -> the Board)
//
// Every change is one conditional transaction with its emails, its due
// items and its audit entry. Emails carry a case reference and links only.
package notice

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Status of a meeting.
const (
	StatusScheduled = "scheduled"
	StatusCancelled = "cancelled"
)

// Meeting is a meeting as its invitations describe it.
type Meeting struct {
	ID         string    `dynamodbav:"meetingId" json:"id"`
	CaseID     string    `dynamodbav:"caseId,omitempty" json:"caseId,omitempty"`
	CaseRef    string    `dynamodbav:"caseRef" json:"caseRef"`
	Level      int       `dynamodbav:"level" json:"level"`
	Start      time.Time `dynamodbav:"start" json:"start"`
	End        time.Time `dynamodbav:"end" json:"end"`
	ChairEmail string    `dynamodbav:"chairEmail,omitempty" json:"chairEmail,omitempty"`
	// Location is generic words ("Police HQ, room 2" or "Video call"),
	// never an address linked to a person.
	Location       string `dynamodbav:"location,omitempty" json:"location,omitempty"`
	Status         string `dynamodbav:"status" json:"status"`
	Sequence       int    `dynamodbav:"sequence" json:"sequence"`
	ShortNotice    bool   `dynamodbav:"shortNotice" json:"shortNotice"`
	ReportReceived bool   `dynamodbav:"reportReceived" json:"reportReceived"`
	Version        int64  `dynamodbav:"version" json:"-"`
}

// Invitation is one invited member of staff.
type Invitation struct {
	ID               string `dynamodbav:"inviteId" json:"id"`
	MeetingID        string `dynamodbav:"meetingId" json:"meetingId"`
	StaffID          string `dynamodbav:"staffId" json:"staffId"`
	Email            string `dynamodbav:"email" json:"email"`
	Role             string `dynamodbav:"role,omitempty" json:"role,omitempty"`
	LineManagerEmail string `dynamodbav:"lineManagerEmail,omitempty" json:"-"`
	// Removed is set when the person is no longer invited.
	Removed      bool               `dynamodbav:"removed,omitempty" json:"removed,omitempty"`
	SentSequence int                `dynamodbav:"sentSequence" json:"sentSequence"`
	Reply        attendance.Reply   `dynamodbav:"reply" json:"reply"`
	Instead      attendance.Instead `dynamodbav:"instead,omitempty" json:"instead,omitempty"`
	Deputy       string             `dynamodbav:"deputy,omitempty" json:"deputy,omitempty"`
	RepliedAt    string             `dynamodbav:"repliedAt,omitempty" json:"repliedAt,omitempty"`
	Outcome      attendance.Outcome `dynamodbav:"outcome,omitempty" json:"outcome,omitempty"`
	// OutcomeDeputy is who went instead (OutcomeDeputy).
	OutcomeDeputy string          `dynamodbav:"outcomeDeputy,omitempty" json:"outcomeDeputy,omitempty"`
	RecordedBy    string          `dynamodbav:"recordedBy,omitempty" json:"recordedBy,omitempty"`
	RecordedAt    string          `dynamodbav:"recordedAt,omitempty" json:"recordedAt,omitempty"`
	Step          attendance.Step `dynamodbav:"step" json:"step"`
	Version       int64           `dynamodbav:"version" json:"-"`
}

// Invitee is someone to invite (from the rota and the directory).
type Invitee struct {
	StaffID          string
	Email            string
	Role             string
	LineManagerEmail string
}

// Errors.
var (
	ErrNotFound  = errors.New("notice: not found")
	ErrConflict  = errors.New("notice: changed by someone else; try again")
	ErrUsed      = errors.New("notice: this link has already been used")
	ErrCancelled = errors.New("notice: the meeting has been cancelled")
	ErrInvalid   = errors.New("notice: invalid")
)

// Settings are the addresses and origin emails use.
type Settings struct {
	AppURL     string
	MailFrom   string
	MappaInbox string
	// SPOC is the single point of contact told of short-notice meetings
	// ("" uses MappaInbox).
	SPOC string
	// Coordinator is the MAPPA co-ordinator's address (the Board's route;
	// "" uses MappaInbox).
	Coordinator string
	// UIDDomain ends every calendar UID (default: the AppURL's host).
	UIDDomain string
}

// DB is the DynamoDB the service needs; *dynamodb.Client satisfies it.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Service is the notice service.
type Service struct {
	DB       DB
	Tables   dynamo.Tables
	Clock    clock.Clock
	IDs      ids.Generator
	Keys     replylink.Keys
	Settings Settings
	Calendar *workdays.Calendar
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

func meetingKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("NOTICE#" + id), SK: "MEETING"}
}
func inviteKey(m, i string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("NOTICE#" + m), SK: dynamo.SK("INVITE#" + i)}
}

func ts(t time.Time) string { return dynamo.Stamp(t) }

// Get returns a meeting and its invitations (one Query).
func (s *Service) Get(ctx context.Context, meetingID string) (Meeting, []Invitation, error) {
	if !idPattern.MatchString(meetingID) {
		return Meeting{}, nil, ErrNotFound
	}
	var m Meeting
	var invs []Invitation
	found := false
	var start map[string]types.AttributeValue
	for {
		out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.Tables.Cases),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("NOTICE#" + meetingID)},
			ConsistentRead:            aws.Bool(true),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return Meeting{}, nil, fmt.Errorf("notice: get %s: %w", meetingID, err)
		}
		for _, item := range out.Items {
			sk, _ := item["sk"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case sk.Value == "MEETING":
				if err := attributevalue.UnmarshalMap(item, &m); err != nil {
					return Meeting{}, nil, fmt.Errorf("notice: decode meeting: %w", err)
				}
				found = true
			default:
				var inv Invitation
				if err := attributevalue.UnmarshalMap(item, &inv); err != nil {
					return Meeting{}, nil, fmt.Errorf("notice: decode invitation: %w", err)
				}
				invs = append(invs, inv)
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		start = out.LastEvaluatedKey
	}
	if !found {
		return Meeting{}, nil, ErrNotFound
	}
	return m, invs, nil
}

// List returns the meetings starting from from (inclusive), soonest first,
// at most limit.
func (s *Service) List(ctx context.Context, from time.Time, limit int32) ([]Meeting, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Tables.Cases),
		IndexName:              aws.String(dynamo.GSI1),
		KeyConditionExpression: aws.String("gsi1pk = :p AND gsi1sk >= :from"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": dynamo.S("NOTICES"), ":from": dynamo.S(ts(from)),
		},
		Limit: aws.Int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("notice: list: %w", err)
	}
	ms := make([]Meeting, 0, len(out.Items))
	for _, item := range out.Items {
		var m Meeting
		if err := attributevalue.UnmarshalMap(item, &m); err != nil {
			return nil, fmt.Errorf("notice: decode meeting: %w", err)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

func (s *Service) meetingPut(m Meeting, prevVersion int64) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMap(m)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	k := meetingKey(m.ID)
	k.With(item)
	item["type"] = dynamo.S("meeting-notice")
	item["gsi1pk"] = dynamo.S("NOTICES")
	item["gsi1sk"] = dynamo.S(ts(m.Start) + "#" + m.ID)
	p := &types.Put{TableName: aws.String(s.Tables.Cases), Item: item}
	conditional(p, prevVersion)
	return types.TransactWriteItem{Put: p}, nil
}

func (s *Service) invitePut(inv Invitation, prevVersion int64) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMap(inv)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	k := inviteKey(inv.MeetingID, inv.ID)
	k.With(item)
	item["type"] = dynamo.S("meeting-invitation")
	p := &types.Put{TableName: aws.String(s.Tables.Cases), Item: item}
	conditional(p, prevVersion)
	return types.TransactWriteItem{Put: p}, nil
}

// conditional makes a put depend on the version read (0: must be new).
func conditional(p *types.Put, prev int64) {
	if prev == 0 {
		p.ConditionExpression = aws.String("attribute_not_exists(pk)")
		return
	}
	p.ConditionExpression = aws.String("version = :v")
	p.ExpressionAttributeValues = map[string]types.AttributeValue{":v": dynamo.N(prev)}
}

func (s *Service) audit(actor string, action audit.Action, m Meeting, reason string) types.TransactWriteItem {
	return audit.Entry{ID: s.IDs.New(), At: s.Clock.Now(), Actor: actor, Action: action,
		Subject: "meeting:" + m.ID, CaseID: m.CaseID, Reason: reason}.TransactItem(s.Tables.Audit)
}

// commit runs one transaction and maps a lost race to ErrConflict.
func (s *Service) commit(ctx context.Context, items []types.TransactWriteItem) error {
	if len(items) > 100 {
		return fmt.Errorf("notice: %d writes in one transaction (max 100)", len(items))
	}
	_, err := s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	if _, ok := dynamo.CancelledBy(err); ok {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return fmt.Errorf("notice: write: %w", err)
}

func itoa(n int) string { return strconv.Itoa(n) }

type (
	getInput = dynamodb.GetItemInput
	txInput  = dynamodb.TransactWriteItemsInput
)
