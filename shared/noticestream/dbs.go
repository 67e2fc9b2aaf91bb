package noticestream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// DBSWarningDays: a DBS re-check is reminded this many days before it is
// due (product policy: time to apply), and again on the day.
const DBSWarningDays = 28

// scheduleDBS writes the DBS re-check reminders of a member of staff when
// the directory records when their next check is due (rota table stream).
func (h *Handler) scheduleDBS(ctx context.Context, rec events.DynamoDBEventRecord) error {
	if h.Work == nil || h.Work.DB == nil {
		return nil
	}
	img := rec.Change.NewImage
	id := strings.TrimPrefix(attr(rec.Change.Keys, "pk"), "STAFF#")
	next, err := civil.Parse(attr(img, "dbsNextDue"))
	if err != nil || id == "" || attr(rec.Change.Keys, "sk") != "PROFILE" {
		return nil //nolint:nilerr // no next check recorded: nothing to remind
	}
	to := []string{}
	if e := attr(img, "email"); e != "" {
		to = append(to, e)
	}
	if lm := attr(img, "lineManagerId"); lm != "" {
		if p, err := h.Store.GetPerson(ctx, lm); err == nil && p.Email != "" {
			to = append(to, p.Email)
		} else if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
			return err
		}
	}
	if len(to) == 0 {
		to = []string{h.Work.MappaInbox}
	}
	today := civil.Today(h.Work.Clock.Now())
	var writes []types.TransactWriteItem
	for _, day := range []civil.Date{next.AddDays(-DBSWarningDays), next} {
		onTheDay := day == next
		if day.Before(today) {
			if onTheDay {
				day = today
			} else {
				continue
			}
		}
		// The staff API schedules the warning too (meetingapi): the shared
		// key sends it once.
		w, err := due.Put(h.Work.CasesTable, due.Item{Day: day, Kind: due.KindDBS, Ref: "dbs." + id + "." + next.String(),
			To: to, Path: "/staff/" + id, DueOn: next.String(), Once: due.DBSOnce(id, next, onTheDay)})
		if err != nil {
			return err
		}
		writes = append(writes, w)
	}
	if len(writes) == 0 {
		return nil
	}
	if _, err := h.Work.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes}); err != nil {
		return fmt.Errorf("noticestream: schedule DBS re-check of %s: %w", id, err)
	}
	return nil
}

// DBSCheck is the sweep's handler for DBS re-check reminders: it sends
// only while the directory still says that check is due (a new check
// recorded since moves the date and its own reminders).
type DBSCheck struct {
	People interface {
		GetPerson(ctx context.Context, id string) (staff.Person, error)
	}
	Send interface {
		Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
	}
}

// Effects sends the reminder if the check is still due on that date.
func (d DBSCheck) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	parts := strings.SplitN(it.Ref, ".", 3)
	if len(parts) == 3 && parts[0] == "dbs" {
		p, err := d.People.GetPerson(ctx, parts[1])
		if errors.Is(err, meetingstore.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("noticestream: DBS of %s: %w", parts[1], err)
		}
		if p.DBSNextDue.String() != it.DueOn || !p.Active {
			return nil, nil
		}
	}
	return d.Send.Effects(ctx, it, now)
}
