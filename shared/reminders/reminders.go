// Package reminders is the reminders function's daily sweep (EventBridge
// Scheduler, 07:00 Europe/London). For each day from the last completed
// sweep's day (read again for work written to it later) up to today (so a
// missed day is caught up on the next run) it reads only that day's due items (shared/due: one Query on
// DUE#<day>, never a Scan), asks the handler for the item's kind what it
// causes, and commits the item's move to done together with those effects
// (emails through the outbox, follow-up items) in one transaction. An item
// already moved by an earlier or concurrent run cancels its transaction
// and sends nothing, and every email id is deterministic, so running the
// sweep twice sends nothing twice. An item may carry an idempotency key
// (due.Item.Once): the work it names is done once, whichever item carrying
// the key comes first. On the first working day of a month it
// also queues the monthly digest to managers (once: a deterministic id).
package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Handler says what a due item causes now.
type Handler interface {
	Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)

// Effects calls f.
func (f HandlerFunc) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	return f(ctx, it, now)
}

// DB is the DynamoDB the sweep needs.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// MaxCatchUpDays bounds how far back a run looks (a sweep that has not run
// for longer than this starts again from this many days ago).
const MaxCatchUpDays = 31

// Sweeper runs the sweep.
type Sweeper struct {
	DB       DB
	Table    string // the cases table (due items, the cursor)
	Outbox   string
	Clock    clock.Clock
	Calendar *workdays.Calendar
	// Handlers by kind; kinds without one go to Default.
	Handlers map[due.Kind]Handler
	Default  Handler
	// DigestTo are the managers who get the monthly digest; AppURL the
	// origin it links to.
	DigestTo []string
	AppURL   string
	Log      *slog.Logger
}

// Report says what a run did.
type Report struct {
	// Days are the days acted on, oldest first.
	Days []string `json:"days"`
	// Read is how many due items DynamoDB read (the due items of those
	// days, nothing else).
	Read int `json:"read"`
	// Done is how many items this run moved to done; Skipped how many had
	// already been moved by another run.
	Done    int `json:"done"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	// Repeats is how many of the items done had work already done under
	// their idempotency key (due.Item.Once): moved to done, nothing sent.
	Repeats int `json:"repeats"`
	// Emails is how many emails this run queued.
	Emails int  `json:"emails"`
	Digest bool `json:"digest"`
}

var cursorKey = dynamo.Key{PK: "SWEEP#reminders", SK: "CURSOR"}

// Days returns the days a run at now acts on: from the last completed day
// (read again for work written to it after it was swept; today, the first
// time) to today, at most MaxCatchUpDays.
func (s *Sweeper) Days(ctx context.Context, now time.Time) ([]civil.Date, error) {
	today := civil.Today(now)
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: cursorKey.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("reminders: cursor: %w", err)
	}
	from := today
	if v, ok := out.Item["lastDay"].(*types.AttributeValueMemberS); ok {
		last, err := civil.Parse(v.Value)
		if err != nil {
			return nil, fmt.Errorf("reminders: cursor: %w", err)
		}
		// The last day swept is read again: work scheduled for it after
		// it was swept (a reminder clamped to "today" by a writer after
		// the 07:00 run) is done on the next run, not lost.
		from = last
		if last.Compare(today) > 0 {
			from = today
		}
	}
	if earliest := today.AddDays(-MaxCatchUpDays); from.Before(earliest) {
		from = earliest
	}
	var days []civil.Date
	for d := from; !d.After(today); d = d.AddDays(1) {
		days = append(days, d)
	}
	return days, nil
}

// Run sweeps every day Days returns.
func (s *Sweeper) Run(ctx context.Context) (Report, error) {
	now := s.Clock.Now()
	days, err := s.Days(ctx, now)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, day := range days {
		rep.Days = append(rep.Days, day.String())
		failed, err := s.sweepDay(ctx, day, now, &rep)
		if err != nil {
			return rep, err
		}
		if s.Calendar.IsWorkingDay(day) && s.Calendar.OnOrAfter(civil.New(day.Year, day.Month, 1)) == day {
			if ok, err := s.digest(ctx, day, now); err != nil {
				return rep, err
			} else if ok {
				rep.Digest = true
				rep.Emails++
			}
		}
		if failed > 0 {
			// Leave the cursor before this day: the next run retries it.
			s.log().Warn("reminders: items failed; the day will be swept again", slog.String("day", day.String()), slog.Int("failed", failed))
			break
		}
		if err := s.advance(ctx, day); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (s *Sweeper) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Sweeper) sweepDay(ctx context.Context, day civil.Date, now time.Time, rep *Report) (failed int, err error) {
	items, read, err := due.List(ctx, s.DB, s.Table, day)
	rep.Read += read
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		o, err := s.act(ctx, it, now)
		switch {
		case err != nil:
			failed++
			rep.Failed++
			s.log().Error("reminders: item failed", slog.String("day", day.String()), slog.String("kind", string(it.Kind)),
				slog.String("ref", it.Ref), slog.String("error", err.Error()))
		case o.done:
			rep.Done++
			rep.Emails += o.emails
			if o.repeat {
				rep.Repeats++
			}
		default:
			rep.Skipped++
		}
	}
	return failed, nil
}

// outcome is what act did with one item.
type outcome struct {
	emails int
	// done: this run moved the item; repeat: its work had already been
	// done under its idempotency key, so it was moved without sending.
	done, repeat bool
}

// act commits one item's pop and effects. done is false when another run
// had already moved the item.
func (s *Sweeper) act(ctx context.Context, it due.Item, now time.Time) (outcome, error) {
	h := s.Handlers[it.Kind]
	if h == nil {
		h = s.Default
	}
	if h == nil {
		return outcome{}, fmt.Errorf("no handler for %q", it.Kind)
	}
	effects, err := h.Effects(ctx, it, now)
	if err != nil {
		return outcome{}, err
	}
	pop, err := due.Pop(s.Table, it, now)
	if err != nil {
		return outcome{}, err
	}
	var claim []types.TransactWriteItem
	if it.Once != "" && len(effects) > 0 {
		claim = []types.TransactWriteItem{due.Claim(s.Table, it, now)}
	}
	repeat := false
	for attempt := 0; attempt < 3; attempt++ {
		writes := append(append(slices.Clone(pop), claim...), effects...)
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
		if err == nil {
			return outcome{emails: countEmails(effects, s.Outbox), done: true, repeat: repeat}, nil
		}
		failed, ok := dynamo.CancelledBy(err)
		if !ok {
			return outcome{}, fmt.Errorf("pop: %w", err)
		}
		if slices.Contains(failed, 0) {
			return outcome{}, nil // already done by another run
		}
		if len(failed) == 0 { // a conflict with a concurrent writer: try again
			continue
		}
		if len(claim) > 0 && slices.Contains(failed, len(pop)) {
			// The work this key names was done before (by another item
			// carrying the key): move the item to done, send nothing.
			claim, effects, repeat = nil, nil, true
			continue
		}
		// An email this item causes is already queued (an earlier run
		// queued it and failed before popping): keep the rest. Any other
		// failed condition (a record changed meanwhile) fails the item,
		// which the next run tries again.
		base := len(pop) + len(claim)
		var keep []types.TransactWriteItem
		for i, e := range effects {
			if !slices.Contains(failed, i+base) {
				keep = append(keep, e)
				continue
			}
			if e.Put == nil || aws.ToString(e.Put.TableName) != s.Outbox {
				return outcome{}, fmt.Errorf("pop: a record changed meanwhile: %w", err)
			}
		}
		effects = keep
	}
	return outcome{}, fmt.Errorf("pop: %w", err)
}

func countEmails(effects []types.TransactWriteItem, outboxTable string) int {
	n := 0
	for _, e := range effects {
		if e.Put != nil && aws.ToString(e.Put.TableName) == outboxTable {
			n++
		}
	}
	return n
}

func (s *Sweeper) advance(ctx context.Context, day civil.Date) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       cursorKey.Attrs(),
		UpdateExpression:          aws.String("SET lastDay = :d, #t = :t"),
		ConditionExpression:       aws.String("attribute_not_exists(lastDay) OR lastDay < :d"),
		ExpressionAttributeNames:  map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": dynamo.S(day.String()), ":t": dynamo.S("sweep-cursor")},
	})
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("reminders: cursor: %w", err)
	}
	return nil
}

// digest queues the month's digest: counts of the work done in the month
// before, from that month's DONE# items (Select COUNT per day: the done
// items of those days only).
func (s *Sweeper) digest(ctx context.Context, day civil.Date, now time.Time) (bool, error) {
	if len(s.DigestTo) == 0 {
		return false, nil
	}
	first := civil.New(day.Year, day.Month, 1).AddMonths(-1)
	counts := map[string]int{}
	for d := first; d.Before(civil.New(day.Year, day.Month, 1)); d = d.AddDays(1) {
		var start map[string]types.AttributeValue
		for {
			out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
				TableName:                 aws.String(s.Table),
				KeyConditionExpression:    aws.String("pk = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("DONE#" + d.String())},
				ProjectionExpression:      aws.String("kind"),
				ExclusiveStartKey:         start,
			})
			if err != nil {
				return false, fmt.Errorf("reminders: digest: %w", err)
			}
			for _, it := range out.Items {
				if k, ok := it["kind"].(*types.AttributeValueMemberS); ok {
					counts[k.Value]++
				}
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	month := first.String()[:7]
	var lines []outbox.DigestCount
	for _, l := range digestLines {
		lines = append(lines, outbox.DigestCount{Label: l.label, N: counts[string(l.kind)]})
	}
	msg, err := outbox.NewDigestEmail(outbox.Digest{ID: "digest-" + month, To: s.DigestTo, Month: month, Counts: lines, AppURL: s.AppURL})
	if err != nil {
		return false, err
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{outbox.Enqueue(s.Outbox, msg, now)}})
	if err != nil {
		if _, ok := dynamo.CancelledBy(err); ok {
			return false, nil // already queued
		}
		return false, fmt.Errorf("reminders: digest: %w", err)
	}
	return true, nil
}

var digestLines = []struct {
	kind  due.Kind
	label string
}{
	{due.KindRemind7, "Meeting reminders (7 days)"},
	{due.KindChase, "Invitations chased"},
	{due.KindReport, "Written reports chased"},
	{due.KindAttendance, "Meetings needing attendance recorded"},
	{due.KindEscalate, "Non-attendance escalations"},
	{due.KindReviewDue, "Reviews due with no meeting booked"},
	{due.KindReviewOverdue, "Reviews overdue"},
	{due.KindActionOverdue, "Actions and tasks overdue"},
	{due.KindSupervision, "Supervisions due"},
	{due.KindRiskMeeting, "Internal risk meetings due"},
	{due.KindEmergencyRisk, "Emergency internal risk meetings chased"},
	{due.KindDBS, "DBS re-checks due"},
}

// DueWork is the handler for due work that is not about a meeting
// (reviews, actions and tasks, supervision, internal risk meetings, DBS
// re-checks): one reminder to the item's recipients.
type DueWork struct {
	Outbox string
	AppURL string
}

// Effects queues the reminder.
func (d DueWork) Effects(_ context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	if len(it.To) == 0 {
		return nil, errors.New("reminders: due work item has no recipients")
	}
	msg, err := outbox.NewDueWorkEmail(outbox.DueWork{ID: "due-" + string(it.Kind) + "-" + it.Ref + "-" + it.Day.String(),
		To: it.To, CaseRef: it.CaseRef, What: string(it.Kind), DueOn: it.DueOn, AppURL: d.AppURL, Path: it.Path,
		Urgent: it.Kind == due.KindEmergencyRisk || it.Kind == due.KindReviewOverdue || it.Kind == due.KindInvite})
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{outbox.Enqueue(d.Outbox, msg, now)}, nil
}
