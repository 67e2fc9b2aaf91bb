// Package scale loads a synthetic caseload into the local tables, fast, for
// the scale benchmarks of `make bench` (docs/benchmarks.md, "Scale"): n
// cases, each with its referral, its row in the risk register (a traffic
// light and the next review), its next MAPPA meeting, two attendees
// (the service manager by the rota and the child's social worker), the
// meeting's invitations and reminders (due items), the service manager's
// assignment and continuity, and the Board's counters for the last 24
// months. Every name is synthetic ("Sample Person-000042"); every address
// is @example.gov.uk. It never runs on AWS.
//
// The items are those docs/data-model.md lists, with the same keys and
// attributes the stores write (the test reads them back through the real
// stores and runs the reminders sweep over them). They are written with
// BatchWriteItem (25 a request) by parallel workers, without the stores'
// transactions and conditions: a bulk load of a table nobody else is
// writing, not the system's write path.
package scale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/register"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Spread is how many days the meetings are spread over (one review every
// 16 weeks at level 2: every case has its next meeting within it).
const Spread = 112

// Lead is how many days after Today the first meeting falls (so every
// meeting's 7-day reminder is still to come).
const Lead = 8

// CasesPerManager is how many individuals one service manager holds.
const CasesPerManager = 150

// Options say what to load.
type Options struct {
	Cases  int
	Tables dynamo.Tables
	// Today is the day the load is for: meetings fall from Today+Lead for
	// Spread days, on working days.
	Today civil.Date
	// From is the index of the first case (loads into the same tables
	// must not overlap).
	From int
	// MeetingsOn, if set, puts every meeting on that day (the overhead
	// benchmark records attendance, which needs a meeting that has
	// happened) instead of spreading them.
	MeetingsOn civil.Date
	// Workers write in parallel (default 8).
	Workers int
	// Progress receives a progress bar (nil: none).
	Progress io.Writer
}

// Result says what was loaded.
type Result struct {
	Cases int
	Items int
	// Due counts the due items on each day.
	Due map[civil.Date]int
	// CaseIDs are the first few cases (for reads).
	CaseIDs []string
	// Managers are the service managers' staff ids.
	Managers []string
	Took     time.Duration
}

// BatchWriter is the DynamoDB call the loader needs.
type BatchWriter interface {
	BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

type put struct {
	table string
	item  map[string]types.AttributeValue
}

// CaseID is the id of the i-th synthetic case (26 characters, like the
// system's ids; sortable by i).
func CaseID(i int) string { return fmt.Sprintf("01SCALECASE%015d", i) }

// ReferralID is the id of the i-th case's referral.
func ReferralID(i int) string { return fmt.Sprintf("01SCALEREFR%015d", i) }

// MeetingID is the id of the i-th case's next meeting.
func MeetingID(i int) string { return fmt.Sprintf("01SCALEMEET%015d", i) }

// ManagerID is the staff id of the k-th service manager.
func ManagerID(k int) string { return fmt.Sprintf("scale-sm-%04d", k) }

// WorkerID is the staff id of the k-th social worker.
func WorkerID(k int) string { return fmt.Sprintf("scale-sw-%04d", k) }

// MeetingDays are the working days meetings fall on: from Today+Lead for
// Spread days.
func MeetingDays(cal *workdays.Calendar, today civil.Date) []civil.Date {
	var out []civil.Date
	for d := today.AddDays(Lead); d.Before(today.AddDays(Lead + Spread)); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

// meetingDay is the day of the i-th case's meeting: spread evenly over
// days (7919 is prime, so i*7919 visits every day equally often).
func meetingDay(days []civil.Date, i int) civil.Date { return days[(i*7919)%len(days)] }

var givenNames = []string{"Alex", "Sam", "Jo", "Chris", "Robin", "Kit", "Jamie", "Charlie", "Morgan", "Ash"}

// Load writes the caseload.
func Load(ctx context.Context, db BatchWriter, o Options) (Result, error) {
	if o.Cases <= 0 {
		return Result{}, errors.New("scale: nothing to load")
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	start := time.Now()
	cal := workdays.EnglandAndWales()
	days := MeetingDays(cal, o.Today)
	managers := max(2, o.Cases/CasesPerManager)
	res := Result{Cases: o.Cases, Due: map[civil.Date]int{}}
	for k := range managers {
		res.Managers = append(res.Managers, ManagerID(k))
	}

	// The items of each case go to a channel as they are made; the workers
	// batch them by table (25 a request).
	puts := make(chan put, 4096)
	var written atomic.Int64
	expected := int64(o.Cases)*itemsPerCase + int64(managers*2*2) + countersItems
	var wg sync.WaitGroup
	errc := make(chan error, o.Workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range o.Workers {
		wg.Go(func() {
			if err := worker(ctx, db, puts, &written); err != nil {
				errc <- err
				cancel()
			}
		})
	}
	done := make(chan struct{})
	// stopped is closed when the progress bar has written its last line,
	// so the summary below never writes to o.Progress at the same time.
	stopped := make(chan struct{})
	if o.Progress != nil {
		go func() {
			defer close(stopped)
			progress(o.Progress, o.Cases, expected, &written, start, done)
		}()
	} else {
		close(stopped)
	}

	var genErr error
	emit := func(table string, item map[string]types.AttributeValue) bool {
		select {
		case puts <- put{table, item}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	gen := func() error {
		now := o.Today.In(civil.London).Add(7 * time.Hour)
		for k := range managers {
			for _, it := range staffItems(k) {
				if !emit(o.Tables.Rota, it) {
					return ctx.Err()
				}
			}
		}
		for _, it := range counterItems(o.Cases, o.Today) {
			if !emit(o.Tables.Referrals, it) {
				return ctx.Err()
			}
		}
		for i := o.From; i < o.From+o.Cases; i++ {
			c, err := caseItems(o, cal, days, now, i, managers)
			if err != nil {
				return err
			}
			for _, p := range c.puts {
				if !emit(p.table, p.item) {
					return ctx.Err()
				}
			}
			for _, d := range c.due {
				res.Due[d]++
			}
			if len(res.CaseIDs) < 100 {
				res.CaseIDs = append(res.CaseIDs, CaseID(i))
			}
		}
		return nil
	}
	genErr = gen()
	close(puts)
	wg.Wait()
	close(done)
	<-stopped
	close(errc)
	if err := <-errc; err != nil {
		return res, err
	}
	if genErr != nil {
		return res, genErr
	}
	res.Items = int(written.Load())
	res.Took = time.Since(start)
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "\rloaded %d cases (%d items) in %s, %.0f items/s%s\n", o.Cases, res.Items,
			res.Took.Round(100*time.Millisecond), float64(res.Items)/res.Took.Seconds(), spaces(20))
	}
	return res, nil
}

// itemsPerCase is how many items one case is (progress only): referral,
// case, case-referral link, assignment, continuity, meeting, two
// attendances, notice, two invitations, four due items.
const itemsPerCase = 15

// countersItems is the counter items (progress only): 24 months, 8
// metrics, 4 shards.
const countersItems = 24 * 8 * reportstore.Shards

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

func progress(w io.Writer, cases int, expected int64, written *atomic.Int64, start time.Time, done <-chan struct{}) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		n := written.Load()
		f := min(1, float64(n)/float64(expected))
		const width = 30
		bar := make([]byte, width)
		for i := range bar {
			switch {
			case i < int(f*width):
				bar[i] = '='
			case i == int(f*width):
				bar[i] = '>'
			default:
				bar[i] = ' '
			}
		}
		el := time.Since(start)
		rate := float64(n) / el.Seconds()
		eta := "?"
		if rate > 0 {
			eta = (time.Duration(float64(expected-n)/rate) * time.Second).Round(time.Second).String()
		}
		fmt.Fprintf(w, "\rseeding %d cases [%s] %3.0f%% %d/%d items %.0f/s eta %s   ", cases, bar, f*100, n, expected, rate, eta)
	}
}

func worker(ctx context.Context, db BatchWriter, puts <-chan put, written *atomic.Int64) error {
	batch := map[string][]types.WriteRequest{}
	flush := func(table string) error {
		reqs := batch[table]
		if len(reqs) == 0 {
			return nil
		}
		batch[table] = nil
		pending := map[string][]types.WriteRequest{table: reqs}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt > 0 {
				time.Sleep(time.Duration(min(attempt, 10)) * 20 * time.Millisecond)
			}
			out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("scale: batch write %s: %w", table, err)
			}
			n := 0
			for _, r := range pending {
				n += len(r)
			}
			left := 0
			for _, r := range out.UnprocessedItems {
				left += len(r)
			}
			written.Add(int64(n - left))
			pending = out.UnprocessedItems
		}
		return nil
	}
	for p := range puts {
		batch[p.table] = append(batch[p.table], types.WriteRequest{PutRequest: &types.PutRequest{Item: p.item}})
		if len(batch[p.table]) == 25 {
			if err := flush(p.table); err != nil {
				return err
			}
		}
	}
	for table := range batch {
		if err := flush(table); err != nil {
			return err
		}
	}
	return nil
}

type oneCase struct {
	puts []put
	due  []civil.Date
}

func stamp(t time.Time) string { return dynamo.Stamp(t) }

// listShard is the store's list shard of a referral: FNV-1a of its id
// modulo store.ListShards.
func listShard(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % store.ListShards)
}

func staffItems(k int) []map[string]types.AttributeValue {
	sm := seed.Staff{ID: ManagerID(k), Name: fmt.Sprintf("Sample Manager-%04d", k), Email: ManagerID(k) + "@example.gov.uk",
		Roles: []auth.Role{auth.RoleServiceMgr}}
	sw := seed.Staff{ID: WorkerID(k), Name: fmt.Sprintf("Sample Worker-%04d", k), Email: WorkerID(k) + "@example.gov.uk",
		Roles: []auth.Role{auth.RoleSocialWorker}}
	return []map[string]types.AttributeValue{
		seed.StaffItem(sm), seed.RotaItem(seed.RotaEntry{Role: auth.RoleServiceMgr, StaffID: sm.ID, Position: k + 1, Active: true}),
		seed.StaffItem(sw), seed.RotaItem(seed.RotaEntry{Role: auth.RoleSocialWorker, StaffID: sw.ID, Position: k + 1, Active: true}),
	}
}

// counterItems are the Board's counters for the 24 months to today, as if
// the caseload's referrals had arrived evenly over them.
func counterItems(cases int, today civil.Date) []map[string]types.AttributeValue {
	per := max(1, cases/24)
	metrics := map[report.Metric]int{report.Received: per, report.ShortNotice: per / 10, report.Category1: per / 2,
		report.Category2: per / 3, report.Accepted: per * 9 / 10, report.Declined: per / 20, report.Level1: per / 2, report.Level2: per / 3}
	var out []map[string]types.AttributeValue
	first := civil.New(today.Year, today.Month, 1)
	for m := range 24 {
		month := first.AddMonths(-m).String()[:7]
		for metric, n := range metrics {
			for shard := range reportstore.Shards {
				v := n / reportstore.Shards
				if shard < n%reportstore.Shards {
					v++
				}
				out = append(out, reportstore.Key(reportstore.Area, month, metric, shard).With(map[string]types.AttributeValue{
					"type": dynamo.S("counter"), "area": dynamo.S(reportstore.Area), "month": dynamo.S(month),
					"metric": dynamo.S(string(metric)), "n": dynamo.N(int64(v)),
				}))
			}
		}
	}
	return out
}

func caseItems(o Options, cal *workdays.Calendar, days []civil.Date, now time.Time, i, managers int) (oneCase, error) {
	var c oneCase
	add := func(table string, it map[string]types.AttributeValue) { c.puts = append(c.puts, put{table, it}) }
	caseID, refID, meetingID := CaseID(i), ReferralID(i), MeetingID(i)
	sm, sw := ManagerID(i%managers), WorkerID(i%managers)
	received := now.Add(-time.Duration(i%(730*24)) * time.Hour) // over the last two years
	given, family := givenNames[i%len(givenNames)], fmt.Sprintf("Person-%06d", i)
	level := 1 + i%3
	if level == 1 {
		level = 2 // level 1 is managed by the agencies alone; the council's caseload is mostly level 2
	}

	// Referral (state item only: the work list reads the index; its body
	// and classification are not read at scale).
	status := referral.StatusAccepted
	switch i % 20 {
	case 0:
		status = referral.StatusClassified
	case 1:
		status = referral.StatusMoreInformation
	}
	rs := stamp(received)
	urgency := store.UrgencyKey(status, "", "", received, refID)
	agency, err := attributevalue.Marshal(referral.Agency{Type: referral.AgencyPolice, Name: "Sample Constabulary"})
	if err != nil {
		return c, err
	}
	add(o.Tables.Referrals, map[string]types.AttributeValue{
		"pk": dynamo.S("REFERRAL#" + refID), "sk": dynamo.S("REFERRAL"), "type": dynamo.S("referral"), "id": dynamo.S(refID),
		"agency": dynamo.S("police"), "source": dynamo.S("agency"), "createdBy": dynamo.S("dev-agency-police"),
		"status": dynamo.S(string(status)), "version": dynamo.N(2), "caseId": dynamo.S(caseID),
		"createdAt": dynamo.S(rs), "updatedAt": dynamo.S(rs),
		"givenNames": dynamo.S(given), "familyName": dynamo.S(family), "referringAgency": agency,
		"agencyReference": dynamo.S("SCALE-" + strconv.Itoa(i)), "levelRequested": dynamo.N(int64(level)),
		"outcome": dynamo.S("eligible"), "primaryCategory": dynamo.N(int64(1 + i%2)), "suggestedLevel": dynamo.N(int64(level)),
		// The queue's list indexes, sharded by id and sorted by urgency
		// (store.UrgencyKey; the shard is FNV-1a of the id, as the store's).
		"gsi1pk": dynamo.S(fmt.Sprintf("REFERRALS#%d", listShard(refID))), "gsi1sk": dynamo.S(urgency),
		"gsi2pk": dynamo.S(fmt.Sprintf("STATUS#%s#%d", status, listShard(refID))), "gsi2sk": dynamo.S(urgency),
	})

	// Case, its referral link, the service manager's assignment and
	// continuity.
	day := meetingDay(days, i)
	if !o.MeetingsOn.IsZero() {
		day = o.MeetingsOn
	}
	light := []referral.RAG{referral.RAGRed, referral.RAGAmber, referral.RAGGreen, referral.RAGAmber, referral.RAGGreen}[i%5]
	person, err := json.Marshal(referral.Person{GivenNames: given, FamilyName: family,
		DateOfBirth: civil.New(1960+i%40, time.Month(1+i%12), 1+i%28), Gender: "male"})
	if err != nil {
		return c, err
	}
	add(o.Tables.Cases, map[string]types.AttributeValue{
		"pk": dynamo.S("CASE#" + caseID), "sk": dynamo.S("CASE"), "type": dynamo.S("case"), "id": dynamo.S(caseID),
		"status": dynamo.S("open"), "person": dynamo.S(string(person)), "level": dynamo.N(int64(level)), "version": dynamo.N(2),
		"createdAt": dynamo.S(rs), "updatedAt": dynamo.S(rs), "risk": dynamo.S(string(risk.High)),
		"crns":   &types.AttributeValueMemberSS{Value: []string{fmt.Sprintf("S%06d", i)}},
		"gsi1pk": dynamo.S("CASES"), "gsi1sk": dynamo.S(rs + "#" + caseID),
		// The risk register's row (its sparse gsi2, as store.caseItem
		// derives it): the traffic light, and the booked meeting as the
		// next review.
		"rag": dynamo.S(string(light)), "category": dynamo.N(int64(1 + i%2)), "nextMeeting": dynamo.S(day.String()),
		"nextReview": dynamo.S(day.String()), "reviewBasis": dynamo.S(string(register.BasisBooked)),
		"givenNames": dynamo.S(given), "familyName": dynamo.S(family),
		"gsi2pk": dynamo.S(store.RegisterPK(register.Light(string(light)))), "gsi2sk": dynamo.S(register.Key(day, caseID)),
	})
	add(o.Tables.Cases, map[string]types.AttributeValue{
		"pk": dynamo.S("CASE#" + caseID), "sk": dynamo.S("REFERRAL#" + rs + "#" + refID), "type": dynamo.S("case-referral"),
		"caseId": dynamo.S(caseID), "referralId": dynamo.S(refID), "receivedAt": dynamo.S(rs), "agency": dynamo.S("police"),
	})
	add(o.Tables.Cases, assignstore.AssignmentItem(caseID, sm, assignstore.KindMeeting, received))
	add(o.Tables.Rota, map[string]types.AttributeValue{
		"pk": dynamo.S("CONTINUITY#" + caseID), "sk": dynamo.S(string(staff.RoleServiceMgr)), "type": dynamo.S("continuity"),
		"caseId": dynamo.S(caseID), "role": dynamo.S(string(staff.RoleServiceMgr)), "staffId": dynamo.S(sm), "since": dynamo.S(rs),
		"gsi1pk": dynamo.S("LOAD#" + string(staff.RoleServiceMgr) + "#" + sm), "gsi1sk": dynamo.S(caseID),
	})

	// The next meeting and its attendees (meetings table).
	startAt := day.In(civil.London).Add(time.Duration(10+i%6) * time.Hour)
	m := meeting.Meeting{ID: meetingID, CaseID: caseID, Level: level, Kind: meeting.KindReview, Origin: meeting.OriginCadence,
		Status: meeting.StatusScheduled, Start: startAt, Date: day, Time: startAt.In(civil.London).Format("15:04"),
		DurationMinutes: 60, Place: "Police station, meeting room 2", Chair: "Police chair", LeadAgency: "police",
		InvitationReceived: o.Today, Notice: cadence.Notice{Days: int(startAt.Sub(now).Hours() / 24)}, KnownToCouncil: true,
		Attendees: []meeting.Attendee{
			{Attendee: rota.Attendee{Slot: rota.SlotSenior, StaffID: sm, Role: staff.RoleServiceMgr, Rule: rota.RuleContinuity, Reason: "The same service manager as before"}},
			{Attendee: rota.Attendee{Slot: rota.ChildSlot("child-" + caseID), StaffID: sw, Role: staff.RoleSocialWorker, Rule: rota.RuleChildSocialWorker, Reason: "The child's social worker"}},
		},
		Gaps: []rota.Gap{}, Overrides: []rota.Override{}, History: []meeting.Change{},
		CreatedAt: received, CreatedBy: "system:scale", UpdatedAt: received, Version: 1}
	body, err := json.Marshal(m)
	if err != nil {
		return c, err
	}
	st := stamp(startAt)
	add(o.Tables.Meetings, map[string]types.AttributeValue{
		"pk": dynamo.S("MEETING#" + meetingID), "sk": dynamo.S("MEETING"), "type": dynamo.S("meeting"), "id": dynamo.S(meetingID),
		"caseId": dynamo.S(caseID), "status": dynamo.S(string(m.Status)), "level": dynamo.N(int64(level)), "start": dynamo.S(st),
		"version": dynamo.N(1), "body": dynamo.S(string(body)), "assignedFor": dynamo.S(""),
		"gsi1pk": dynamo.S("CASE#" + caseID), "gsi1sk": dynamo.S("MEETING#" + st + "#" + meetingID),
		"gsi2pk": dynamo.S("MONTH#" + st[:7]), "gsi2sk": dynamo.S(st + "#" + meetingID),
	})
	for _, a := range m.Attendees {
		add(o.Tables.Meetings, map[string]types.AttributeValue{
			"pk": dynamo.S("MEETING#" + meetingID), "sk": dynamo.S("ATTENDEE#" + a.StaffID), "type": dynamo.S("attendance"),
			"meetingId": dynamo.S(meetingID), "caseId": dynamo.S(caseID), "staffId": dynamo.S(a.StaffID),
			"status": dynamo.S(string(m.Status)), "rule": dynamo.S(string(a.Rule)),
			"gsi1pk": dynamo.S("STAFF#" + a.StaffID), "gsi1sk": dynamo.S("MEETING#" + st + "#" + meetingID),
		})
	}

	// The meeting as invited (cases table): notice, invitations, and its
	// reminders, as shared/notice schedules them.
	caseRef := "CASE-" + strconv.Itoa(i)
	nm := notice.Meeting{ID: meetingID, CaseID: caseID, CaseRef: caseRef, Level: level, Start: startAt, End: startAt.Add(time.Hour),
		Location: "Police station, meeting room 2", Status: notice.StatusScheduled, Sequence: 0, Version: 1}
	item, err := attributevalue.MarshalMap(nm)
	if err != nil {
		return c, err
	}
	item["pk"], item["sk"] = dynamo.S("NOTICE#"+meetingID), dynamo.S("MEETING")
	item["type"], item["gsi1pk"], item["gsi1sk"] = dynamo.S("meeting-notice"), dynamo.S("NOTICES"), dynamo.S(st+"#"+meetingID)
	add(o.Tables.Cases, item)
	for _, a := range m.Attendees {
		inv := notice.Invitation{ID: a.StaffID, MeetingID: meetingID, StaffID: a.StaffID, Email: a.StaffID + "@example.gov.uk",
			Role: string(a.Role), SentSequence: 0, Reply: attendance.ReplyAwaiting, Version: 1}
		it, err := attributevalue.MarshalMap(inv)
		if err != nil {
			return c, err
		}
		it["pk"], it["sk"], it["type"] = dynamo.S("NOTICE#"+meetingID), dynamo.S("INVITE#"+a.StaffID), dynamo.S("meeting-invitation")
		add(o.Tables.Cases, it)
	}
	base := due.Item{Ref: meetingID, MeetingID: meetingID, CaseID: caseID, CaseRef: caseRef, Path: notice.MeetingPath(meetingID), DueOn: day.String()}
	for _, d := range []struct {
		day  civil.Date
		kind due.Kind
	}{
		{day.AddDays(-7), due.KindRemind7}, {day.AddDays(-1), due.KindRemind1},
		{day.AddDays(-notice.ReportChaseDays), due.KindReport}, {cal.NextWorkingDay(day), due.KindAttendance},
	} {
		it := base
		it.Day, it.Kind = d.day, d.kind
		w, err := due.Put(o.Tables.Cases, it)
		if err != nil {
			return c, err
		}
		add(o.Tables.Cases, w.Put.Item)
		c.due = append(c.due, d.day)
	}
	return c, nil
}

// SetCursor writes the reminders sweep's cursor on day: a run with its
// clock on day then sweeps that day only (the sweep reads the cursor's day
// again, and every day after it up to today).
func SetCursor(ctx context.Context, db interface {
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}, table string, day civil.Date) error {
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
		"pk": dynamo.S("SWEEP#reminders"), "sk": dynamo.S("CURSOR"), "type": dynamo.S("sweep-cursor"), "lastDay": dynamo.S(day.String()),
	}})
	if err != nil {
		return fmt.Errorf("scale: sweep cursor: %w", err)
	}
	return nil
}
