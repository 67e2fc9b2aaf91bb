// Package rotastream is the rota function's handler. It consumes two
// DynamoDB streams (template.yaml, RotaFunction):
//
//   - the meetings table: a meeting created, moved, cancelled, reassigned
//     or changed in level has its attendees chosen again by the rota rules
//     (shared/rota) for its date; a child added or changed re-checks the
//     upcoming meetings of every case the child belongs to;
//   - the cases table: a change of level sets its consequences in motion
//     (1 to 2: a task and an email to the service manager; 2 to 3: a
//     handover task from the service manager to a head of service; a rise
//     in the risk of serious harm, or in the traffic light: the head of
//     service is told) and moves
//     the case's upcoming meetings to the new level, which chooses their
//     attendees again.
//
// # Replays and failures
//
// Each assignment is stored with a fingerprint of everything it was chosen
// from (the meeting's level, date, status and overrides; the rota, leave,
// continuity and children's workers); a record whose fingerprint matches
// the stored one changes nothing. Tasks and emails have ids derived from
// their cause (case id and version), and are written only if absent. A
// record that fails is reported in BatchItemFailures by its sequence
// number while the others are still handled; Lambda bisects and retries,
// then sends it to the on-failure destination.
//
// Logs carry ids only.
package rotastream

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/register"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Actor is the audit actor of every rota change.
const Actor = "system:rota"

// Audit actions of the rota.
const (
	ActionAssign      audit.Action = "meeting.assign"
	ActionConsequence audit.Action = "case.level-consequence"
)

// Store is what the handler needs (*meetingstore.Store satisfies it).
type Store interface {
	GetMeeting(ctx context.Context, id string) (meeting.Meeting, error)
	UpdateMeeting(ctx context.Context, id string, fn func(*meeting.Meeting) (meetingstore.Effects, error)) (meeting.Meeting, error)
	Upcoming(ctx context.Context, caseID string, now time.Time) ([]meeting.Meeting, error)
	Children(ctx context.Context, caseID string) ([]meeting.Child, error)
	CasesOfChild(ctx context.Context, childID string) ([]string, error)
	GetPerson(ctx context.Context, id string) (staff.Person, error)
	LeaveOf(ctx context.Context, staffID string) ([]staff.Leave, error)
	Rota(ctx context.Context, role staff.Role) ([]staff.RotaEntry, error)
	GetContinuity(ctx context.Context, caseID string, role staff.Role) (string, error)
	Load(ctx context.Context, role staff.Role, staffID string) (int, error)
	GetTask(ctx context.Context, caseID, id string) (meeting.Task, error)
	CreateTask(ctx context.Context, t meeting.Task, e meetingstore.Effects) (meeting.Task, error)
	WriteEffects(ctx context.Context, e meetingstore.Effects) error
	CaseMeetings(ctx context.Context, caseID string) ([]meeting.Meeting, error)
}

// Reviews keeps the dates the risk register needs on the case item
// (*store.Store satisfies it): the next booked meeting and the last held.
type Reviews interface {
	SetReview(ctx context.Context, caseID string, r register.Review, entry audit.Entry) (bool, error)
}

var _ Store = (*meetingstore.Store)(nil)

// Options are the handler's collaborators.
type Options struct {
	Store      Store
	Clock      clock.Clock
	IDs        ids.Generator
	MappaInbox string
	AppOrigin  string
	Logger     *slog.Logger
	// Reviews, if set, is told the case's meeting dates after every
	// meeting record (the risk register's next review).
	Reviews Reviews
}

// Handler handles batches of the meetings and cases streams.
type Handler struct{ o Options }

// New checks o and returns the handler.
func New(o Options) (*Handler, error) {
	if o.Store == nil || o.Clock == nil || o.IDs == nil || o.MappaInbox == "" || o.AppOrigin == "" {
		return nil, errors.New("rotastream: store, clock, ids, MAPPA_INBOX and APP_ORIGIN are required")
	}
	if _, err := notice("check", "check", o.MappaInbox, o.AppOrigin, "/meetings/check", "check"); err != nil {
		return nil, fmt.Errorf("rotastream: MAPPA_INBOX or APP_ORIGIN: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Handler{o: o}, nil
}

// Handle is the Lambda entry point: every record is handled, and the ones
// that failed are reported by sequence number.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	for _, rec := range ev.Records {
		seq := rec.Change.SequenceNumber
		if ctx.Err() != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			continue
		}
		what, err := h.record(ctx, rec)
		if err != nil {
			h.o.Logger.ErrorContext(ctx, "rota: record failed; it will be retried", slog.String("eventId", rec.EventID),
				slog.String("sequenceNumber", seq), slog.String("key", keyOf(rec)), slog.String("error", err.Error()))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			continue
		}
		if what != "" {
			h.o.Logger.InfoContext(ctx, "rota: record done", slog.String("key", keyOf(rec)), slog.String("sequenceNumber", seq), slog.String("outcome", what))
		}
	}
	return resp, nil
}

func keyOf(rec events.DynamoDBEventRecord) string {
	return attr(rec.Change.Keys, "pk") + "/" + attr(rec.Change.Keys, "sk")
}

func attr(m map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := m[name]
	if !ok {
		return ""
	}
	switch v.DataType() {
	case events.DataTypeString:
		return v.String()
	case events.DataTypeNumber:
		return v.Number()
	}
	return ""
}

func image(rec events.DynamoDBEventRecord) map[string]events.DynamoDBAttributeValue {
	if len(rec.Change.NewImage) > 0 {
		return rec.Change.NewImage
	}
	return rec.Change.OldImage
}

func (h *Handler) record(ctx context.Context, rec events.DynamoDBEventRecord) (what string, err error) {
	defer func() {
		if p := recover(); p != nil {
			what, err = "", fmt.Errorf("rotastream: panic: %v", p)
		}
	}()
	img := image(rec)
	switch attr(img, "type") {
	case "meeting":
		if rec.EventName == string(events.DynamoDBOperationTypeRemove) {
			return "", nil
		}
		id, ok := strings.CutPrefix(attr(rec.Change.Keys, "pk"), "MEETING#")
		if !ok || id == "" {
			return "", errors.New("rotastream: meeting record without a meeting key")
		}
		what, err := h.Assign(ctx, id, 0)
		if err != nil {
			return "", err
		}
		rev, err := h.review(ctx, attr(img, "caseId"))
		if err != nil {
			return "", err
		}
		return what + rev, nil
	case "child-link":
		return h.recheckCase(ctx, attr(img, "caseId"), 0)
	case "child":
		id, _ := strings.CutPrefix(attr(rec.Change.Keys, "pk"), "CHILD#")
		cases, err := h.o.Store.CasesOfChild(ctx, id)
		if err != nil {
			return "", err
		}
		var outs []string
		for _, c := range cases {
			o, err := h.recheckCase(ctx, c, 0)
			if err != nil {
				return "", err
			}
			outs = append(outs, o)
		}
		return strings.Join(outs, ";"), nil
	case "case":
		return h.caseChanged(ctx, rec)
	}
	return "", nil
}

// review recomputes the case's meeting dates for the risk register from
// all its meetings (read consistently) and stores them if they changed; a
// replayed record finds them unchanged and writes nothing.
func (h *Handler) review(ctx context.Context, caseID string) (string, error) {
	if h.o.Reviews == nil || caseID == "" {
		return "", nil
	}
	ms, err := h.o.Store.CaseMeetings(ctx, caseID)
	if err != nil {
		return "", err
	}
	changed, err := h.o.Reviews.SetReview(ctx, caseID, register.FromMeetings(ms), audit.Entry{
		ID: h.o.IDs.New(), At: h.o.Clock.Now(), Actor: Actor, Action: audit.ActionCaseReview,
		Subject: "case:" + caseID, CaseID: caseID, Reason: "meetings changed",
	})
	if err != nil {
		return "", err
	}
	if changed {
		return ";review", nil
	}
	return "", nil
}

func (h *Handler) recheckCase(ctx context.Context, caseID string, level int) (string, error) {
	if caseID == "" {
		return "", nil
	}
	ms, err := h.o.Store.Upcoming(ctx, caseID, h.o.Clock.Now())
	if err != nil {
		return "", err
	}
	var outs []string
	for _, m := range ms {
		o, err := h.Assign(ctx, m.ID, level)
		if err != nil {
			return "", err
		}
		outs = append(outs, m.ID+":"+o)
	}
	return strings.Join(outs, ","), nil
}

// Assign chooses the attendees of meeting id again (after moving it to
// level, if level is not 0). A meeting that is not upcoming, or whose
// inputs have not changed since the last assignment, is left alone.
func (h *Handler) Assign(ctx context.Context, id string, level int) (string, error) {
	outcome := "unchanged"
	_, err := h.o.Store.UpdateMeeting(ctx, id, func(m *meeting.Meeting) (meetingstore.Effects, error) {
		now := h.o.Clock.Now()
		if !m.Upcoming(now) {
			return meetingstore.Effects{}, meetingstore.ErrUnchanged
		}
		var eff meetingstore.Effects
		if level != 0 && m.SetLevel(level, now, Actor, "the case's level changed") {
			outcome = "level"
		}
		in, err := h.input(ctx, *m)
		if err != nil {
			return eff, err
		}
		out := rota.Assign(in)
		fp := fingerprint(*m, in, out)
		if fp == m.AssignedFor && outcome != "level" {
			return eff, meetingstore.ErrUnchanged
		}
		if m.ApplyRota(out, fp, now, Actor) {
			outcome = "assigned"
		} else if outcome != "level" {
			outcome = "rechecked"
		}
		role := rota.SeniorRole(m.Level)
		if out.ContinuityChanged && role != "" {
			eff.Continuity = append(eff.Continuity, meetingstore.Continuity{CaseID: m.CaseID, Role: role, StaffID: out.Continuity, Since: now})
			sub, err := h.subject(ctx, out.Continuity)
			if err != nil {
				return eff, err
			}
			eff.Assign = append(eff.Assign, meetingstore.Assignment{CaseID: m.CaseID, Subject: sub, Kind: assignstore.KindManager})
		}
		// Invitees may read the case (shared/access row rules).
		for _, a := range out.Attendees {
			sub, err := h.subject(ctx, a.StaffID)
			if err != nil {
				return eff, err
			}
			eff.Assign = append(eff.Assign, meetingstore.Assignment{CaseID: m.CaseID, Subject: sub, Kind: assignstore.KindMeeting})
		}
		for _, g := range out.Gaps {
			t, msg, err := h.coverTask(*m, g, now)
			if err != nil {
				return eff, err
			}
			eff.Tasks = append(eff.Tasks, t)
			eff.Emails = append(eff.Emails, msg)
		}
		eff.Audit = append(eff.Audit, audit.Entry{ID: h.o.IDs.New(), At: now, Actor: Actor, Action: ActionAssign,
			Subject: "meeting:" + m.ID, CaseID: m.CaseID, Reason: fmt.Sprintf("attendees=%d gaps=%d", len(out.Attendees), len(out.Gaps))})
		return eff, nil
	})
	if errors.Is(err, meetingstore.ErrNotFound) {
		return "gone", nil
	}
	return outcome, err
}

func (h *Handler) coverTask(m meeting.Meeting, g rota.Gap, now time.Time) (meeting.Task, outbox.Message, error) {
	id := "cover-" + m.ID + "-" + strings.ReplaceAll(string(g.Slot), ":", "-") + "-" + m.Date.String()
	t := meeting.Task{ID: id, CaseID: m.CaseID, MeetingID: m.ID, Kind: meeting.TaskCover,
		Title: "Arrange cover: nobody is available for a place at a meeting", Detail: g.Reason, OwnerRole: string(staff.RoleBSO),
		Due: civil.Today(now).AddDays(1), Status: meeting.Open, CreatedAt: now.UTC(), CreatedBy: Actor}
	if d := m.Date.AddDays(-1); d.Before(t.Due) {
		t.Due = civil.Today(now)
	}
	msg, err := notice(id, m.CaseID, h.o.MappaInbox, h.o.AppOrigin, "/meetings/"+m.ID, "Nobody is available for a place at a MAPPA meeting")
	return t, msg, err
}

// input gathers what the rules need for m.
func (h *Handler) input(ctx context.Context, m meeting.Meeting) (rota.Input, error) {
	in := rota.Input{CaseID: m.CaseID, Level: m.Level, Date: m.Date, Overrides: m.Overrides}
	if role := rota.SeniorRole(m.Level); role != "" {
		entries, err := h.o.Store.Rota(ctx, role)
		if err != nil {
			return in, err
		}
		for _, e := range entries {
			mem := rota.Member{StaffID: e.StaffID, Position: e.Position, Active: e.Active, Backup: e.Backup, BackupFor: e.BackupFor}
			p, err := h.o.Store.GetPerson(ctx, e.StaffID)
			if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
				return in, err
			}
			mem.Name = p.Name
			mem.Active = mem.Active && (err == nil && p.Active)
			if mem.Leave, err = h.o.Store.LeaveOf(ctx, e.StaffID); err != nil {
				return in, err
			}
			if mem.Load, err = h.o.Store.Load(ctx, role, e.StaffID); err != nil {
				return in, err
			}
			in.Senior = append(in.Senior, mem)
		}
		c, err := h.o.Store.GetContinuity(ctx, m.CaseID, role)
		if err != nil {
			return in, err
		}
		in.Continuity = c
	}
	children, err := h.o.Store.Children(ctx, m.CaseID)
	if err != nil {
		return in, err
	}
	for i, c := range children {
		rc := rota.Child{ID: c.ID, Label: fmt.Sprintf("child %d (%s)", i+1, c.GivenNames), OpenToCSC: c.OpenToCSC}
		if rc.SocialWorker, err = h.worker(ctx, c.SocialWorkerID); err != nil {
			return in, err
		}
		if rc.Supervisor, err = h.worker(ctx, c.SupervisorID); err != nil {
			return in, err
		}
		in.Children = append(in.Children, rc)
	}
	return in, nil
}

func (h *Handler) worker(ctx context.Context, id string) (*rota.Worker, error) {
	if id == "" {
		return nil, nil
	}
	p, err := h.o.Store.GetPerson(ctx, id)
	if errors.Is(err, meetingstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !p.Active {
		return nil, nil
	}
	l, err := h.o.Store.LeaveOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return &rota.Worker{StaffID: p.ID, Name: p.Name, Leave: l}, nil
}

// subject is the sign-in identity of a member of staff (their linked
// subject, else their id, which is the subject of the dev sign-in).
func (h *Handler) subject(ctx context.Context, staffID string) (string, error) {
	p, err := h.o.Store.GetPerson(ctx, staffID)
	if errors.Is(err, meetingstore.ErrNotFound) {
		return staffID, nil
	}
	if err != nil {
		return "", err
	}
	return cmp.Or(p.Subject, p.ID), nil
}

// fingerprint hashes everything an assignment depends on, as it stands
// once the assignment is stored: the continuity person after it (so the
// record of the rota's own write finds nothing new), and not the loads,
// which only choose a new continuity person and are read from an index.
func fingerprint(m meeting.Meeting, in rota.Input, out rota.Outcome) string {
	type leave struct{ F, T string }
	type mem struct {
		ID, Name string
		P, L     int
		A, B     bool
		BF       string
		Away     []leave
	}
	v := struct {
		Level        int
		Date, Status string
		Overrides    []rota.Override
		Continuity   string
		Senior       []mem
		Children     []rota.Child
	}{Level: m.Level, Date: m.Date.String(), Status: string(m.Status), Overrides: m.Overrides, Continuity: out.Continuity, Children: in.Children}
	for _, s := range in.Senior {
		x := mem{ID: s.StaffID, Name: s.Name, P: s.Position, A: s.Active, B: s.Backup, BF: s.BackupFor}
		for _, l := range s.Leave {
			if l.Covers(m.Date) {
				x.Away = append(x.Away, leave{l.From.String(), l.To.String()})
			}
		}
		v.Senior = append(v.Senior, x)
	}
	slices.SortFunc(v.Senior, func(a, b mem) int { return strings.Compare(a.ID, b.ID) })
	// Only leave on the day matters for children's workers.
	for i := range v.Children {
		for _, w := range []*rota.Worker{v.Children[i].SocialWorker, v.Children[i].Supervisor} {
			if w != nil {
				w.Leave = slices.DeleteFunc(slices.Clone(w.Leave), func(l staff.Leave) bool { return !l.Covers(m.Date) })
			}
		}
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// ---------------------------------------------------------------- cases

func (h *Handler) caseChanged(ctx context.Context, rec events.DynamoDBEventRecord) (string, error) {
	if rec.EventName != string(events.DynamoDBOperationTypeModify) && rec.EventName != string(events.DynamoDBOperationTypeInsert) {
		return "", nil
	}
	caseID := attr(rec.Change.NewImage, "id")
	if caseID == "" {
		caseID, _ = strings.CutPrefix(attr(rec.Change.Keys, "pk"), "CASE#")
	}
	oldLevel, _ := strconv.Atoi(cmp.Or(attr(rec.Change.OldImage, "level"), "0"))
	newLevel, _ := strconv.Atoi(cmp.Or(attr(rec.Change.NewImage, "level"), "0"))
	version := attr(rec.Change.NewImage, "version")
	oldRisk, newRisk := attr(rec.Change.OldImage, "risk"), attr(rec.Change.NewImage, "risk")
	oldRAG, newRAG := attr(rec.Change.OldImage, "rag"), attr(rec.Change.NewImage, "rag")
	var cons []rota.Consequence
	if newLevel != oldLevel {
		cons = append(cons, rota.LevelChanged(oldLevel, newLevel)...)
	}
	cons = append(cons, rota.RiskChanged(oldRisk, newRisk)...)
	cons = append(cons, rota.RAGChanged(oldRAG, newRAG)...)
	// The council's own work on a case it has accepted (S0): supervision
	// once accepted, an emergency internal risk meeting when the risk
	// rises, the monthly one while it is high.
	accepted := attr(rec.Change.NewImage, "acceptedAt")
	wasAccepted := attr(rec.Change.OldImage, "acceptedAt") != ""
	acceptedOn := civil.Today(h.o.Clock.Now())
	if t, err := time.Parse(time.RFC3339Nano, accepted); err == nil {
		acceptedOn = civil.Today(t)
	}
	switch {
	case accepted != "" && !wasAccepted:
		cons = append(cons, rota.CaseAccepted(newLevel, cadence.Default().Policy().SupervisionWeeks)...)
	case accepted != "":
		cons = append(cons, rota.RiskRose(newLevel, oldRisk, newRisk, oldRAG, newRAG)...)
	}
	var outs []string
	for _, c := range cons {
		o, err := h.consequence(ctx, caseID, version, c, acceptedOn)
		if err != nil {
			return "", err
		}
		outs = append(outs, o)
	}
	if accepted != "" && rota.HighRisk(newRisk, newRAG) && (!wasAccepted || !rota.HighRisk(oldRisk, oldRAG)) {
		o, err := h.startRiskMeetings(ctx, caseID, rota.IRAMMRisk(newRisk, newRAG))
		if err != nil {
			return "", err
		}
		outs = append(outs, o)
	}
	if newLevel != oldLevel && newLevel >= 1 {
		o, err := h.recheckCase(ctx, caseID, newLevel)
		if err != nil {
			return "", err
		}
		outs = append(outs, o)
	}
	return strings.Join(outs, ";"), nil
}

// consequence creates the task (and email) for one consequence, once.
// accepted is the day the case was first accepted (supervision counts
// from it).
func (h *Handler) consequence(ctx context.Context, caseID, version string, c rota.Consequence, accepted civil.Date) (string, error) {
	id := string(c.Kind) + "-" + caseID + "-v" + version
	if c.Kind == rota.SuperviseNewCase {
		id = "supervision-" + caseID // once per case
	}
	if _, err := h.o.Store.GetTask(ctx, caseID, id); err == nil {
		return "already:" + id, nil
	} else if !errors.Is(err, meetingstore.ErrNotFound) {
		return "", err
	}
	now := h.o.Clock.Now()
	owner, ownerPerson, fresh, err := h.seniorFor(ctx, caseID, c.Role, now)
	if err != nil {
		return "", err
	}
	t := meeting.Task{ID: id, CaseID: caseID, Kind: meeting.TaskNotify, Detail: c.Reason, OwnerID: owner,
		Due: civil.Today(now).AddDays(5), Status: meeting.Open, CreatedAt: now.UTC(), CreatedBy: Actor}
	var eff meetingstore.Effects
	switch c.Kind {
	case rota.NotifyServiceManager:
		t.Title = "The case has moved to level 2: you are its service manager"
	case rota.NotifyHeadOfService:
		t.Title = "Tell the head of service: " + strings.SplitN(c.Reason, ":", 2)[0]
	case rota.HandoverToHeadOfService:
		t.Kind = meeting.TaskHandover
		t.Title = "Handover from the service manager to the head of service (level 2 to 3)"
		if t.FromID, err = h.o.Store.GetContinuity(ctx, caseID, staff.RoleServiceMgr); err != nil {
			return "", err
		}
	case rota.SuperviseNewCase:
		// Due 4 weeks after acceptance, on the working day before if that
		// is a weekend or bank holiday (never later than the rule allows).
		t.Kind = meeting.TaskSupervision
		t.Title = "Supervise this new case (within 4 weeks of its acceptance)"
		d := cadence.Default().SupervisionDue(accepted) // the one rule (S0)
		t.Due = d.Date
		for _, r := range d.Reasons {
			t.Detail += " " + r.Sentence
		}
		if today := civil.Today(now); t.Due.Before(today) {
			t.Due = today
		}
	case rota.EmergencyRiskMeeting:
		t.Kind = meeting.TaskRiskEmergency
		t.Title = "URGENT: call an emergency internal risk meeting (the risk rose)"
		t.Due = h.calendar().NextWorkingDay(civil.Today(now))
	}
	if owner == "" {
		t.OwnerRole = string(staff.RoleBSO)
		t.Title += " (nobody on the rota is available: a business support officer must choose someone)"
	} else {
		if fresh {
			eff.Continuity = append(eff.Continuity, meetingstore.Continuity{CaseID: caseID, Role: c.Role, StaffID: owner, Since: now})
		}
		eff.Assign = append(eff.Assign, meetingstore.Assignment{CaseID: caseID, Subject: cmp.Or(ownerPerson.Subject, owner), Kind: assignstore.KindManager})
	}
	to := h.o.MappaInbox
	if ownerPerson.Email != "" {
		to = ownerPerson.Email
	}
	msg, err := notice(id, caseID, to, h.o.AppOrigin, "/cases/"+caseID+"/meetings", t.Title)
	if err != nil {
		return "", err
	}
	eff.Emails = append(eff.Emails, msg)
	// The sweep's reminder, once (due.Item.Once), while the task is open
	// (its ref names the task: noticestream.OpenWork checks it).
	remind := due.Item{Ref: "task." + caseID + "." + id, CaseID: caseID, CaseRef: caseID, To: []string{to},
		Path: "/cases/" + caseID + "/meetings", DueOn: t.Due.String()}
	switch c.Kind {
	case rota.SuperviseNewCase:
		remind.Kind, remind.Day, remind.Once = due.KindSupervision, t.Due.AddDays(-SupervisionWarningDays), "supervision:"+caseID
	case rota.EmergencyRiskMeeting:
		remind.Kind, remind.Day, remind.Once = due.KindEmergencyRisk, t.Due, "risk-emergency:"+caseID+":v"+version
	}
	if remind.Kind != "" {
		if today := civil.Today(now); remind.Day.Before(today) {
			remind.Day = today
		}
		eff.Due = append(eff.Due, remind)
	}
	eff.Audit = append(eff.Audit, audit.Entry{ID: h.o.IDs.New(), At: now, Actor: Actor, Action: ActionConsequence,
		Subject: "case:" + caseID, CaseID: caseID, Reason: string(c.Kind)})
	if _, err := h.o.Store.CreateTask(ctx, t, eff); err != nil {
		return "", err
	}
	return "task:" + id, nil
}

// SupervisionWarningDays: the case's manager is reminded of a new case's
// supervision this many days before it is due (product policy).
const SupervisionWarningDays = 7

// RiskMeetingWarningDays: the month's internal risk meeting is asked for
// this many days before it is due (product policy).
const RiskMeetingWarningDays = 7

func (h *Handler) calendar() *workdays.Calendar { return workdays.EnglandAndWales() }

// RiskMeetingRef is the ref of the due item that asks for the internal
// risk meeting of case id for the month of base (the series' day of the
// month, before any move to a working day).
func RiskMeetingRef(caseID string, base civil.Date) string {
	return "iramm." + caseID + "." + base.String()
}

// ParseRiskMeetingRef reads a ref written by RiskMeetingRef.
func ParseRiskMeetingRef(ref string) (caseID string, base civil.Date, ok bool) {
	rest, ok := strings.CutPrefix(ref, "iramm.")
	if !ok {
		return "", civil.Date{}, false
	}
	i := strings.LastIndex(rest, ".")
	if i <= 0 {
		return "", civil.Date{}, false
	}
	d, err := civil.Parse(rest[i+1:])
	if err != nil {
		return "", civil.Date{}, false
	}
	return rest[:i], d, true
}

// RiskMeetingItem is the due item that asks for case id's internal risk
// meeting after the one (or the start of the series) on last, at risk r:
// due when cadence.NextIRAMM says (a month on, or the working day before),
// asked for RiskMeetingWarningDays before, once per case and month. ok is
// false when r needs no monthly meeting. The ref keeps the series' anchor
// (last a month on, before any move to a working day), so months do not
// drift.
func RiskMeetingItem(caseID string, r risk.Level, last civil.Date) (it due.Item, ok bool) {
	d, ok := cadence.Default().NextIRAMM(r, last) // the one rule (S0)
	if !ok {
		return due.Item{}, false
	}
	base := last.AddMonths(1)
	return due.Item{Day: d.Date.AddDays(-RiskMeetingWarningDays), Kind: due.KindRiskMeeting, Ref: RiskMeetingRef(caseID, base),
		CaseID: caseID, CaseRef: caseID, Path: "/cases/" + caseID + "/meetings", DueOn: d.Date.String(),
		Once: "risk-meeting:" + caseID + ":" + base.String()[:7]}, true
}

// startRiskMeetings starts the monthly internal risk meetings of a case
// whose risk became high (or that was accepted at high risk): the first is
// due a month from today; the sweep asks for each and schedules the next
// while the risk stays high (noticestream.RiskMeetings).
func (h *Handler) startRiskMeetings(ctx context.Context, caseID string, r risk.Level) (string, error) {
	it, ok := RiskMeetingItem(caseID, r, civil.Today(h.o.Clock.Now()))
	if !ok {
		return "", nil
	}
	if err := h.o.Store.WriteEffects(ctx, meetingstore.Effects{Due: []due.Item{it}}); err != nil {
		return "", err
	}
	return "risk-meetings:" + it.DueOn, nil
}

// seniorFor returns the case's continuity person for role, or chooses one
// by the rota rules for today (fresh true).
func (h *Handler) seniorFor(ctx context.Context, caseID string, role staff.Role, now time.Time) (string, staff.Person, bool, error) {
	cur, err := h.o.Store.GetContinuity(ctx, caseID, role)
	if err != nil {
		return "", staff.Person{}, false, err
	}
	level := 2
	if role == staff.RoleHeadOfService {
		level = 3
	}
	probe := meeting.Meeting{CaseID: caseID, Level: level, Date: civil.Today(now)}
	in, err := h.input(ctx, probe)
	if err != nil {
		return "", staff.Person{}, false, err
	}
	in.Children = nil
	in.Continuity = cur
	out := rota.Assign(in)
	chosen := ""
	for _, a := range out.Attendees {
		if a.Slot == rota.SlotSenior {
			chosen = a.StaffID
		}
	}
	if chosen == "" {
		return "", staff.Person{}, false, nil
	}
	p, err := h.o.Store.GetPerson(ctx, chosen)
	if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
		return "", staff.Person{}, false, err
	}
	return chosen, p, out.ContinuityChanged, nil
}

// notice is the email telling someone of rota work: a case reference and
// a link, nothing about the person.
func notice(id, caseRef, to, origin, path, what string) (outbox.Message, error) {
	link := strings.TrimRight(origin, "/") + path
	m := outbox.Message{
		ID: "rota-" + id, Kind: "rota.notice", To: []string{to}, CaseRef: caseRef,
		Subject: "MAPPA: " + what,
		Text: what + "\n\nCase reference: " + caseRef + "\nOpen it in MAPPA Coordinator: " + link +
			"\n\nThis email holds no personal information. Sign in to see the details.\n",
	}
	if len(m.ID) > 200 {
		m.ID = m.ID[:200]
	}
	return m, m.Validate()
}
