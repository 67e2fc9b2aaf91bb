package noticestream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
)

// ComingDueDays: an open action or task is reminded this many days before
// it is due (product policy); the day after it is due it is overdue.
const ComingDueDays = 2

// Work is what the handler needs to schedule reminders of actions and
// tasks: where due items go and who to tell when an owner has no address.
type Work struct {
	DB interface {
		TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	}
	CasesTable string
	MappaInbox string
	Clock      interface{ Now() time.Time }
}

// workRef is the due items' ref of an action or task.
func workRef(kind, caseID, id string) string { return kind + "." + caseID + "." + id }

// ParseWorkRef reads a ref written by workRef.
func ParseWorkRef(ref string) (kind, caseID, id string, ok bool) {
	parts := strings.SplitN(ref, ".", 3)
	if len(parts) != 3 || (parts[0] != "action" && parts[0] != "task") {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// schedule writes the coming-due and overdue reminders of an open action
// or task (replays overwrite the same items).
func (h *Handler) schedule(ctx context.Context, rec events.DynamoDBEventRecord) error {
	if h.Work == nil || h.Work.DB == nil {
		return nil
	}
	img := rec.Change.NewImage
	if attr(img, "status") != string(meeting.Open) {
		return nil
	}
	kind := attr(img, "type")
	var caseID, id, owner, role string
	var dueOn civil.Date
	ownReminder := false
	switch kind {
	case "action":
		var a meeting.Action
		if err := json.Unmarshal([]byte(attr(img, "body")), &a); err != nil {
			return fmt.Errorf("noticestream: action body: %w", err)
		}
		caseID, id, owner, dueOn = a.CaseID, a.ID, a.OwnerID, a.Due
	case "task":
		var t meeting.Task
		if err := json.Unmarshal([]byte(attr(img, "body")), &t); err != nil {
			return fmt.Errorf("noticestream: task body: %w", err)
		}
		caseID, id, owner, role, dueOn = t.CaseID, t.ID, t.OwnerID, t.OwnerRole, t.Due
		ownReminder = t.Kind.OwnReminder()
	default:
		return nil
	}
	if dueOn.IsZero() || caseID == "" || id == "" {
		return nil
	}
	to := h.Work.MappaInbox
	if owner != "" {
		p, err := h.Store.GetPerson(ctx, owner)
		if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
			return fmt.Errorf("noticestream: owner %s: %w", owner, err)
		}
		if p.Email != "" {
			to = p.Email
		}
	}
	_ = role // tasks for a role (business support, front door) go to the MAPPA inbox
	today := civil.Today(h.Work.Clock.Now())
	ref := workRef(kind, caseID, id)
	var writes []types.TransactWriteItem
	add := func(day civil.Date, k due.Kind, recipients []string) error {
		if day.Before(today) {
			day = today
		}
		w, err := due.Put(h.Work.CasesTable, due.Item{Day: day, Kind: k, Ref: ref, CaseID: caseID, CaseRef: caseID,
			To: recipients, Path: "/cases/" + caseID + "/meetings", DueOn: dueOn.String()})
		if err != nil {
			return err
		}
		writes = append(writes, w)
		return nil
	}
	// Supervision and internal risk meetings have their own reminder
	// (written with the task); they are still chased when overdue.
	if soon := dueOn.AddDays(-ComingDueDays); !soon.Before(today) && !ownReminder {
		if err := add(soon, due.KindActionDue, []string{to}); err != nil {
			return err
		}
	}
	over := []string{to}
	if to != h.Work.MappaInbox && h.Work.MappaInbox != "" {
		over = append(over, h.Work.MappaInbox)
	}
	if err := add(dueOn.AddDays(1), due.KindActionOverdue, over); err != nil {
		return err
	}
	_, err := h.Work.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	if err != nil {
		return fmt.Errorf("noticestream: schedule %s: %w", ref, err)
	}
	return nil
}

// OpenWork is the sweep's handler for action and task reminders: it sends
// only while the action or task is still open (one GetItem of it).
type OpenWork struct {
	DB interface {
		GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	}
	MeetingsTable string
	Send          interface {
		Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
	}
}

// Effects sends the reminder if the work is still open.
func (o OpenWork) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	kind, caseID, id, ok := ParseWorkRef(it.Ref)
	if !ok {
		return o.Send.Effects(ctx, it, now) // written by another feature: no state to check
	}
	key := meetingstore.ActionKey(caseID, id)
	if kind == "task" {
		key = meetingstore.TaskKey(caseID, id)
	}
	out, err := o.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(o.MeetingsTable), Key: key.Attrs(),
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("#s"), ExpressionAttributeNames: map[string]string{"#s": "status"}})
	if err != nil {
		return nil, fmt.Errorf("noticestream: %s %s: %w", kind, id, err)
	}
	if s, ok := out.Item["status"].(*types.AttributeValueMemberS); !ok || s.Value != string(meeting.Open) {
		return nil, nil // closed (or gone): nothing to remind
	}
	return o.Send.Effects(ctx, it, now)
}
