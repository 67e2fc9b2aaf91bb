package meetingapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Route patterns.
const (
	RouteCaseMeetings     = "GET /v1/staff/cases/{id}/meetings"
	RouteCaseMeetingNew   = "POST /v1/staff/cases/{id}/meetings"
	RouteCaseChildren     = "GET /v1/staff/cases/{id}/children"
	RouteCaseChildNew     = "POST /v1/staff/cases/{id}/children"
	RouteCaseChildEdit    = "PUT /v1/staff/cases/{id}/children/{childId}"
	RouteCaseWork         = "GET /v1/staff/cases/{id}/work"
	RouteCaseMarker       = "POST /v1/staff/cases/{id}/marker-requests"
	RouteActionClose      = "POST /v1/staff/cases/{id}/actions/{actionId}/close"
	RouteTaskClose        = "POST /v1/staff/cases/{id}/tasks/{taskId}/close"
	RouteMeetings         = "GET /v1/staff/meetings"
	RouteMeetingGet       = "GET /v1/staff/meetings/{id}"
	RouteMeetingMove      = "POST /v1/staff/meetings/{id}/move"
	RouteMeetingCancel    = "POST /v1/staff/meetings/{id}/cancel"
	RouteMeetingReassign  = "POST /v1/staff/meetings/{id}/reassign"
	RouteMeetingChecklist = "POST /v1/staff/meetings/{id}/checklist"
	RouteMeetingExcuse    = "POST /v1/staff/meetings/{id}/excusals"
	RouteMeetingAction    = "POST /v1/staff/meetings/{id}/actions"
	RouteMeetingHeld      = "POST /v1/staff/meetings/{id}/held"
	RouteMyMeetings       = "GET /v1/staff/my/meetings"
	RouteMyWork           = "GET /v1/staff/my/work"
	RoutePeople           = "GET /v1/staff/people"
	RoutePersonNew        = "POST /v1/staff/people"
	RoutePersonGet        = "GET /v1/staff/people/{id}"
	RoutePersonEdit       = "PUT /v1/staff/people/{id}"
	RouteLeaveNew         = "POST /v1/staff/people/{id}/leave"
	RouteLeaveDelete      = "DELETE /v1/staff/people/{id}/leave/{leaveId}"
	RouteRota             = "GET /v1/staff/rota"
	RouteRotaEdit         = "PUT /v1/staff/rota/{role}/{staffId}"
	RoutePanelDays        = "GET /v1/staff/panel-days"
	RoutePanelDaysEdit    = "PUT /v1/staff/panel-days"
)

// Who may do what is in the access matrix (access.go); these name the
// groups for reading Register.
var (
	Everyone         = allStaff
	Keepers          = bso
	DirectoryKeepers = keepers
	ChildEditors     = caseWorkers
	WorkEditors      = caseWorkers
)

// Register adds the routes to rt, each behind its access.Policy.
func Register(rt *auth.Router, s *Service) {
	h := func(pattern string, _ []auth.Role, f func(http.ResponseWriter, *http.Request, actor)) {
		rt.HandleFunc(pattern, access.Policy(pattern), func(w http.ResponseWriter, r *http.Request) {
			id, _ := auth.From(r.Context())
			f(w, r, actor{Identity: id, RequestID: httpapi.RequestID(r.Context()), Route: pattern})
		})
	}
	h(RouteCaseMeetings, Everyone, s.caseMeetings)
	h(RouteCaseMeetingNew, Keepers, s.createMeeting)
	h(RouteCaseChildren, Everyone, s.caseChildren)
	h(RouteCaseChildNew, ChildEditors, s.saveChild)
	h(RouteCaseChildEdit, ChildEditors, s.saveChild)
	h(RouteCaseWork, Everyone, s.caseWork)
	h(RouteCaseMarker, Keepers, s.markerRequest)
	h(RouteActionClose, WorkEditors, s.closeAction)
	h(RouteTaskClose, WorkEditors, s.closeTask)
	h(RouteMeetings, caseWorkers, s.meetingsByDate)
	h(RouteMeetingGet, Everyone, s.getMeeting)
	h(RouteMeetingMove, Keepers, s.moveMeeting)
	h(RouteMeetingCancel, Keepers, s.cancelMeeting)
	h(RouteMeetingReassign, Keepers, s.reassign)
	h(RouteMeetingChecklist, WorkEditors, s.tick)
	h(RouteMeetingExcuse, Keepers, s.excuse)
	h(RouteMeetingAction, WorkEditors, s.addAction)
	h(RouteMeetingHeld, Keepers, s.held)
	h(RouteMyMeetings, Everyone, s.myMeetings)
	h(RouteMyWork, Everyone, s.myWork)
	h(RoutePeople, Everyone, s.people)
	h(RoutePersonNew, DirectoryKeepers, s.savePerson)
	h(RoutePersonGet, Everyone, s.person)
	h(RoutePersonEdit, DirectoryKeepers, s.savePerson)
	h(RouteLeaveNew, DirectoryKeepers, s.addLeave)
	h(RouteLeaveDelete, DirectoryKeepers, s.removeLeave)
	h(RouteRota, Everyone, s.rotaView)
	h(RouteRotaEdit, DirectoryKeepers, s.saveRota)
	h(RoutePanelDays, Everyone, s.panelDays)
	h(RoutePanelDaysEdit, DirectoryKeepers, s.savePanelDays)
}

type actor struct {
	Identity  auth.Identity
	RequestID string
	Route     string
}

func (s *Service) entry(a actor, action audit.Action, subject, caseID string) audit.Entry {
	return audit.Entry{ID: s.ids.New(), At: s.clock.Now(), Actor: a.Identity.Subject, Action: action, Subject: subject,
		CaseID: caseID, Reason: a.Route, RequestID: a.RequestID}
}

func (s *Service) effects(a actor, action audit.Action, subject, caseID string) meetingstore.Effects {
	return meetingstore.Effects{Audit: []audit.Entry{s.entry(a, action, subject, caseID)}}
}

var errForbidden = errors.New("forbidden")

func fail(w http.ResponseWriter, r *http.Request, err error) {
	var verrs validation.Errors
	switch {
	case errors.As(err, &verrs):
		httpapi.Invalid(w, r, verrs)
	case errors.Is(err, meetingstore.ErrNotFound), errors.Is(err, store.ErrNotFound):
		httpapi.NotFound(w, r)
	case errors.Is(err, errForbidden):
		httpapi.Forbidden(w, r, "You can see only the cases you are assigned to.")
	case errors.Is(err, meetingstore.ErrVersionConflict), errors.Is(err, meetingstore.ErrExists):
		httpapi.Conflict(w, r, "Someone changed this since you loaded it. Reload it and try again.")
	case errors.Is(err, meetingstore.ErrCouncilNumberTaken):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/councilNumber", Detail: "belongs to another child already recorded"}})
	case errors.Is(err, meetingstore.ErrSubjectTaken):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/subject", Detail: "is linked to another person in the directory"}})
	case errors.Is(err, meetingstore.ErrBadCursor):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/cursor", Detail: "is not a cursor from this list (query parameter)"}})
	case errors.Is(err, meeting.ErrCancelled), errors.Is(err, meeting.ErrHeld):
		httpapi.Conflict(w, r, strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
	case httpapi.Unavailable(err):
		httpapi.ServiceUnavailable(w, r)
	default:
		httpapi.Internal(w, r, err)
	}
}

// canSee checks CaseAccess and audits the read of the case's data.
func (s *Service) canSee(ctx context.Context, a actor, caseID string, action audit.Action, subject string) error {
	ok, err := s.access.CanSeeCase(ctx, a.Identity, caseID)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return s.audit.Record(ctx, s.entry(a, action, subject, caseID))
}

func (s *Service) names(ctx context.Context) staff.Names {
	n, err := s.ms.Names(ctx)
	if err != nil {
		return staff.Names{}
	}
	return n
}

func limit(r *http.Request) int32 {
	n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	return int32(min(max(n, 0), 100))
}

// ---------------------------------------------------------------- bodies

// MeetingBody is a meeting with what the page shows beside it.
type MeetingBody struct {
	Meeting meeting.Meeting `json:"meeting"`
	// Assigning: the rota has not yet chosen attendees for the current
	// details (they appear within seconds).
	Assigning bool `json:"assigning"`
	// Compulsory: attendance cannot be excused (first meeting, nobody
	// known to the council).
	Compulsory  bool             `json:"compulsory"`
	OpenActions []meeting.Action `json:"openActions"`
	Names       staff.Names      `json:"names"`
	// Proposal is the next review the cadence proposes (levels 2 and 3).
	Proposal *meeting.Proposal `json:"proposal,omitempty"`
	// NextReview is what recording the meeting as held booked.
	NextReview *NextReview `json:"nextReview,omitempty"`
}

// NextReview is the review booked (or flagged) when a meeting is held.
type NextReview struct {
	MeetingID string     `json:"meetingId,omitempty"`
	Date      civil.Date `json:"date"`
	Basis     string     `json:"basis"`
	// Flagged: it could not be booked; the BSOs have a task.
	Flagged bool `json:"flagged"`
}

// MeetingsPage is a page of meetings.
type MeetingsPage struct {
	Meetings []meeting.Meeting `json:"meetings"`
	Cursor   string            `json:"cursor,omitempty"`
	Names    staff.Names       `json:"names"`
}

// ChildrenBody lists a case's children.
type ChildrenBody struct {
	Children []meeting.Child `json:"children"`
	Names    staff.Names     `json:"names"`
}

// ChildSaved answers a saved child; Matched says an existing child with
// that council number was linked.
type ChildSaved struct {
	Child   meeting.Child `json:"child"`
	Matched bool          `json:"matched"`
}

// WorkBody is a case's (or a person's) actions and tasks.
type WorkBody struct {
	Actions []meeting.Action `json:"actions"`
	Tasks   []meeting.Task   `json:"tasks"`
	Names   staff.Names      `json:"names"`
}

// PeopleBody is the directory.
type PeopleBody struct {
	People []staff.Person `json:"people"`
	Leave  []staff.Leave  `json:"leave"`
}

// PersonBody is one person with their leave, rota places and continuity.
type PersonBody struct {
	Person     staff.Person        `json:"person"`
	Leave      []staff.Leave       `json:"leave"`
	Rota       []staff.RotaEntry   `json:"rota"`
	Continuity map[string][]string `json:"continuity"`
	Names      staff.Names         `json:"names"`
}

// RotaBody lists the rotas with loads and leave.
type RotaBody struct {
	Rotas map[staff.Role][]RotaPlace `json:"rotas"`
	Names staff.Names                `json:"names"`
}

// RotaPlace is one place on a rota with the person's load and leave.
type RotaPlace struct {
	staff.RotaEntry
	Load  int           `json:"load"`
	Cases []string      `json:"cases"`
	Leave []staff.Leave `json:"leave"`
}

// PanelDaysBody is the area's panel days.
type PanelDaysBody struct {
	Days []civil.Date `json:"days"`
}

// ---------------------------------------------------------------- requests

// MoveRequest moves a meeting.
type MoveRequest struct {
	Date   civil.Date `json:"date"`
	Time   string     `json:"time"`
	Place  string     `json:"place,omitempty"`
	Link   string     `json:"link,omitempty"`
	Reason string     `json:"reason"`
}

// ReasonRequest carries a reason.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// ReassignRequest reassigns a place at a meeting.
type ReassignRequest struct {
	Slot    rota.Slot `json:"slot"`
	StaffID string    `json:"staffId"`
	Reason  string    `json:"reason"`
}

// TickRequest ticks a checklist item.
type TickRequest struct {
	StaffID string                `json:"staffId"`
	Item    meeting.ChecklistItem `json:"item"`
	Done    bool                  `json:"done"`
}

// ExcuseRequest excuses an attendee.
type ExcuseRequest struct {
	StaffID    string           `json:"staffId"`
	AgreedBy   meeting.AgreedBy `json:"agreedBy"`
	AgreedName string           `json:"agreedName"`
	Reason     string           `json:"reason"`
}

// CloseRequest closes an action or task.
type CloseRequest struct {
	Reason meeting.CloseReason `json:"reason"`
	Note   string              `json:"note,omitempty"`
}

// LeaveRequest records leave.
type LeaveRequest struct {
	From civil.Date      `json:"from"`
	To   civil.Date      `json:"to"`
	Kind staff.LeaveKind `json:"kind"`
}

// RotaRequest sets a place on a rota.
type RotaRequest struct {
	Position  int    `json:"position"`
	Active    bool   `json:"active"`
	Backup    bool   `json:"backup"`
	BackupFor string `json:"backupFor,omitempty"`
}

// PersonRequest adds or changes a person.
type PersonRequest struct {
	staff.Input
	Version int `json:"version,omitempty"`
}

// ---------------------------------------------------------------- cases

func (s *Service) caseMeetings(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	if err := s.canSee(r.Context(), a, caseID, ActionMeetingRead, "case:"+caseID); err != nil {
		fail(w, r, err)
		return
	}
	p, err := s.ms.ListByCase(r.Context(), caseID, r.URL.Query().Get("cursor"), limit(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, MeetingsPage{Meetings: p.Meetings, Cursor: p.Cursor, Names: s.names(r.Context())})
}

func (s *Service) createMeeting(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	var in meeting.Input
	if !httpapi.Decode(w, r, 16<<10, &in) {
		return
	}
	c, err := s.cases.GetCase(r.Context(), caseID)
	if err != nil {
		fail(w, r, err)
		return
	}
	id, origin := s.ids.New(), meeting.OriginStaff
	if r.URL.Query().Get("origin") == string(meeting.OriginCadence) {
		origin = meeting.OriginCadence
	}
	if refID := r.URL.Query().Get("fromReferral"); refID != "" {
		// The invitation that came with a referral: its details fill what
		// the request leaves out, notice counts from when it arrived, and
		// the meeting's id comes from the referral, so it is recorded once.
		ref, err := s.cases.GetReferral(r.Context(), refID)
		if err != nil || ref.CaseID != c.ID {
			httpapi.Invalid(w, r, validation.Errors{{Pointer: "/fromReferral", Detail: "is not a referral of this case (query parameter)"}})
			return
		}
		inv := ref.Body.MeetingInvitation
		if inv == nil {
			httpapi.Invalid(w, r, validation.Errors{{Pointer: "/fromReferral", Detail: "the referral came with no meeting invitation"}})
			return
		}
		id, origin = "ref-"+ref.ID, meeting.OriginReferral
		in = fromInvitation(in, *inv, ref)
	}
	if in.Level == 0 {
		in.Level = c.Level
	}
	m, errs := meeting.New(id, c.ID, origin, in, s.planner, s.clock.Now(), a.Identity.Subject)
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	if origin == meeting.OriginCadence {
		if last := s.lastHeld(r.Context(), c.ID); !last.Date.IsZero() {
			if err := meeting.CheckReviewDate(m.Level, last.Date, m.Date); err != nil {
				httpapi.Invalid(w, r, validation.Errors{{Pointer: "/date", Detail: err.Error()}})
				return
			}
		}
	}
	m, err = s.ms.CreateMeeting(r.Context(), m, s.effects(a, ActionMeetingCreate, "meeting:"+m.ID, c.ID))
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("meeting created", "meetingId", m.ID, "caseId", c.ID, "level", m.Level)
	w.Header().Set("Location", "/v1/staff/meetings/"+m.ID)
	httpapi.JSON(w, http.StatusCreated, MeetingBody{Meeting: m, Assigning: true, Compulsory: m.AttendanceCompulsory(), OpenActions: []meeting.Action{}, Names: s.names(r.Context())})
}

// fromInvitation fills in from a referral's meeting invitation.
func fromInvitation(in meeting.Input, inv referral.MeetingInvitation, ref store.Referral) meeting.Input {
	if in.Date.IsZero() {
		in.Date, in.Time = inv.Date, inv.Time
	}
	in.Place = cmp.Or(in.Place, inv.Place)
	in.Link = cmp.Or(in.Link, inv.Link)
	in.Chair = cmp.Or(in.Chair, inv.Chair)
	in.LeadAgency = cmp.Or(in.LeadAgency, ref.Body.LeadAgency.Name)
	if in.Kind == "" {
		in.Kind = meeting.KindReview
		if inv.MeetingType == referral.MeetingInitial {
			in.Kind = meeting.KindInitial
		}
	}
	if in.Level == 0 {
		in.Level = ref.Body.LevelRequested
	}
	if in.InvitationReceived.IsZero() {
		in.InvitationReceived = civil.Today(ref.CreatedAt)
	}
	return in
}

func (s *Service) lastHeld(ctx context.Context, caseID string) meeting.Meeting {
	var last meeting.Meeting
	for cursor := ""; ; {
		p, err := s.ms.ListByCase(ctx, caseID, cursor, 100)
		if err != nil {
			return last
		}
		for _, m := range p.Meetings {
			if m.Status == meeting.StatusHeld && m.Date.After(last.Date) {
				last = m
			}
		}
		if cursor = p.Cursor; cursor == "" {
			return last
		}
	}
}

func (s *Service) caseChildren(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	if err := s.canSee(r.Context(), a, caseID, ActionChildRead, "case:"+caseID); err != nil {
		fail(w, r, err)
		return
	}
	kids, err := s.ms.Children(r.Context(), caseID)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, ChildrenBody{Children: kids, Names: s.names(r.Context())})
}

func (s *Service) saveChild(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	var in meeting.ChildInput
	if !httpapi.Decode(w, r, 16<<10, &in) {
		return
	}
	if ok, err := s.access.CanSeeCase(r.Context(), a.Identity, caseID); err != nil || !ok {
		fail(w, r, cmp.Or(err, errForbidden))
		return
	}
	if _, err := s.cases.GetCase(r.Context(), caseID); err != nil {
		fail(w, r, err)
		return
	}
	var verrs validation.Errors
	for ptr, id := range map[string]string{"/socialWorkerId": in.SocialWorkerID, "/supervisorId": in.SupervisorID} {
		if id == "" {
			continue
		}
		if p, err := s.ms.GetPerson(r.Context(), id); err != nil || !p.Active {
			verrs.Add(ptr, "must be someone in the staff directory")
		}
	}
	if !verrs.OK() {
		httpapi.Invalid(w, r, verrs)
		return
	}
	now := s.clock.Now()
	childID := r.PathValue("childId")
	isNew := childID == ""
	if isNew {
		childID = s.ids.New()
	}
	c, errs := in.Apply(meeting.Child{ID: childID}, civil.Today(now), now, a.Identity.Subject)
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	eff := s.effects(a, ActionChildWrite, "case:"+caseID, caseID)
	for _, id := range []string{c.SocialWorkerID, c.SupervisorID} {
		if p, err := s.ms.GetPerson(r.Context(), id); err == nil {
			eff.Assign = append(eff.Assign, meetingstore.Assignment{CaseID: caseID, Subject: subjectOf(p), Kind: assignstore.KindChildWorker})
		}
	}
	saved, matched, err := s.ms.SaveChild(r.Context(), meetingstore.ChildChange{CaseID: caseID, Child: c, New: isNew, ExpectedVersion: in.Version, Effects: eff})
	if err != nil {
		fail(w, r, err)
		return
	}
	status := http.StatusOK
	if isNew {
		status = http.StatusCreated
	}
	httpapi.JSON(w, status, ChildSaved{Child: saved, Matched: matched})
}

func (s *Service) caseWork(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	if err := s.canSee(r.Context(), a, caseID, ActionWorkRead, "case:"+caseID); err != nil {
		fail(w, r, err)
		return
	}
	as, ts, err := s.ms.CaseWork(r.Context(), caseID)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, WorkBody{Actions: as, Tasks: ts, Names: s.names(r.Context())})
}

func (s *Service) markerRequest(w http.ResponseWriter, r *http.Request, a actor) {
	caseID := r.PathValue("id")
	var in meeting.MarkerInput
	if !httpapi.Decode(w, r, 8<<10, &in) {
		return
	}
	if _, err := s.cases.GetCase(r.Context(), caseID); err != nil {
		fail(w, r, err)
		return
	}
	t, errs := meeting.NewMarkerTask(s.ids.New(), caseID, in, s.clock.Now(), a.Identity.Subject)
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	t, err := s.ms.CreateTask(r.Context(), t, s.effects(a, ActionWorkWrite, "case:"+caseID, caseID))
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusCreated, t)
}

func (s *Service) closeAction(w http.ResponseWriter, r *http.Request, a actor) {
	// Closing an open action moves the Board's figures in the same
	// transaction: completed (and late), and one fewer open on its due date.
	closeWork(s, w, r, a, "actionId", func(ctx context.Context, caseID, id string, fn func(*meeting.Action) (meetingstore.Effects, error)) (meeting.Action, error) {
		return s.ms.UpdateAction(ctx, caseID, id, func(act *meeting.Action) (meetingstore.Effects, error) {
			wasOpen := act.Status == meeting.Open
			e, err := fn(act)
			if err != nil || !wasOpen || act.Status != meeting.Closed {
				return e, err
			}
			e.Counts = append(e.Counts, report.ForActionClosed(act.CloseReason == meeting.ClosedDone, act.Due, s.clock.Now())...)
			e.OpenActions = append(e.OpenActions, report.OpenAction{Due: act.Due, Delta: -1})
			return e, nil
		})
	})
}

func (s *Service) closeTask(w http.ResponseWriter, r *http.Request, a actor) {
	closeWork(s, w, r, a, "taskId", s.ms.UpdateTask)
}

// closable is a case's action or task: both close the same way.
type closable[T any] interface {
	*T
	Close(r meeting.CloseReason, note string, now time.Time, actor string) error
}

// closeWork closes the action or task named by the path's idParam on the
// path's case, for an actor who may see the case, and answers it.
func closeWork[T any, P closable[T]](s *Service, w http.ResponseWriter, r *http.Request, a actor, idParam string,
	update func(ctx context.Context, caseID, id string, fn func(P) (meetingstore.Effects, error)) (T, error)) {
	var q CloseRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	caseID := r.PathValue("id")
	if ok, err := s.access.CanSeeCase(r.Context(), a.Identity, caseID); err != nil || !ok {
		fail(w, r, cmp.Or(err, errForbidden))
		return
	}
	closed, err := update(r.Context(), caseID, r.PathValue(idParam), func(x P) (meetingstore.Effects, error) {
		return s.effects(a, ActionWorkWrite, "case:"+caseID, caseID), x.Close(q.Reason, q.Note, s.clock.Now(), a.Identity.Subject)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, closed)
}

// ---------------------------------------------------------------- meetings

func parseDay(v string, def civil.Date, ptr string, errs *validation.Errors) civil.Date {
	if v == "" {
		return def
	}
	d, err := civil.Parse(v)
	if err != nil {
		errs.Add(ptr, "must be a date like 2027-03-25 (query parameter)")
	}
	return d
}

func (s *Service) meetingsByDate(w http.ResponseWriter, r *http.Request, a actor) {
	today := civil.Today(s.clock.Now())
	var errs validation.Errors
	from := parseDay(r.URL.Query().Get("from"), today, "/from", &errs)
	to := parseDay(r.URL.Query().Get("to"), today.AddDays(56), "/to", &errs)
	if errs.OK() && (to.Before(from) || from.DaysUntil(to) > 366) {
		errs.Add("/to", "must be on or after from, and at most a year later")
	}
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	p, err := s.ms.ListByDates(r.Context(), from, to, r.URL.Query().Get("cursor"), limit(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	seen := []meeting.Meeting{}
	for _, m := range p.Meetings {
		if ok, err := s.access.CanSeeCase(r.Context(), a.Identity, m.CaseID); err != nil || !ok {
			continue
		}
		if err := s.audit.Record(r.Context(), s.entry(a, ActionMeetingRead, "meeting:"+m.ID, m.CaseID)); err != nil {
			fail(w, r, err)
			return
		}
		seen = append(seen, m)
	}
	httpapi.JSON(w, http.StatusOK, MeetingsPage{Meetings: seen, Cursor: p.Cursor, Names: s.names(r.Context())})
}

func (s *Service) body(ctx context.Context, m meeting.Meeting) MeetingBody {
	b := MeetingBody{Meeting: m, Compulsory: m.AttendanceCompulsory(), OpenActions: []meeting.Action{}, Names: s.names(ctx)}
	b.Assigning = m.Status == meeting.StatusScheduled && m.AssignedFor == ""
	if as, _, err := s.ms.CaseWork(ctx, m.CaseID); err == nil {
		b.OpenActions = append(b.OpenActions, meeting.OpenBefore(as)...)
	}
	if m.Level >= 2 {
		panel, _ := s.ms.PanelDays(ctx)
		if p, err := meeting.ProposeNextReview(m, s.planner, panel); err == nil {
			b.Proposal = &p
		}
	}
	return b
}

func (s *Service) getMeeting(w http.ResponseWriter, r *http.Request, a actor) {
	m, err := s.ms.GetMeeting(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := s.canSee(r.Context(), a, m.CaseID, ActionMeetingRead, "meeting:"+m.ID); err != nil {
		fail(w, r, err)
		return
	}
	etag(w, m.Version)
	httpapi.JSON(w, http.StatusOK, s.body(r.Context(), m))
}

func etag(w http.ResponseWriter, v int) { w.Header().Set("ETag", `"`+strconv.Itoa(v)+`"`) }

// change runs fn on the meeting (after checking access), audited.
func (s *Service) change(w http.ResponseWriter, r *http.Request, a actor, fn func(*meeting.Meeting) error) {
	id := r.PathValue("id")
	m, err := s.ms.GetMeeting(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	if ok, err := s.access.CanSeeCase(r.Context(), a.Identity, m.CaseID); err != nil || !ok {
		fail(w, r, cmp.Or(err, errForbidden))
		return
	}
	m, err = s.ms.UpdateMeeting(r.Context(), id, func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return s.effects(a, ActionMeetingChange, "meeting:"+m.ID, m.CaseID), fn(m)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("meeting changed", "meetingId", m.ID, "caseId", m.CaseID, "route", a.Route)
	etag(w, m.Version)
	httpapi.JSON(w, http.StatusOK, s.body(r.Context(), m))
}

func (s *Service) moveMeeting(w http.ResponseWriter, r *http.Request, a actor) {
	var q MoveRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	s.change(w, r, a, func(m *meeting.Meeting) error {
		return m.Move(q.Date, q.Time, q.Place, q.Link, q.Reason, s.planner, s.clock.Now(), a.Identity.Subject)
	})
}

func (s *Service) cancelMeeting(w http.ResponseWriter, r *http.Request, a actor) {
	var q ReasonRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	s.change(w, r, a, func(m *meeting.Meeting) error { return m.Cancel(q.Reason, s.clock.Now(), a.Identity.Subject) })
}

func (s *Service) reassign(w http.ResponseWriter, r *http.Request, a actor) {
	var q ReassignRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	p, err := s.ms.GetPerson(r.Context(), q.StaffID)
	if err != nil || !p.Active {
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/staffId", Detail: "must be someone in the staff directory"}})
		return
	}
	s.change(w, r, a, func(m *meeting.Meeting) error {
		return m.Reassign(rota.Override{Slot: cmp.Or(q.Slot, rota.SlotSenior), StaffID: p.ID, Name: p.Name, Reason: q.Reason, By: a.Identity.Subject}, s.clock.Now())
	})
}

func (s *Service) tick(w http.ResponseWriter, r *http.Request, a actor) {
	var q TickRequest
	if !httpapi.Decode(w, r, 4<<10, &q) {
		return
	}
	me, _ := s.ms.StaffIDFor(r.Context(), a.Identity.Subject)
	if q.StaffID == "" {
		q.StaffID = me
	}
	if q.StaffID != me && !a.Identity.Has(auth.RoleBSO) {
		httpapi.Forbidden(w, r, "You can tick only your own checklist.")
		return
	}
	s.change(w, r, a, func(m *meeting.Meeting) error {
		return m.TickItem(q.StaffID, q.Item, q.Done, s.clock.Now(), a.Identity.Subject)
	})
}

func (s *Service) excuse(w http.ResponseWriter, r *http.Request, a actor) {
	var q ExcuseRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	s.change(w, r, a, func(m *meeting.Meeting) error {
		return m.Excuse(q.StaffID, meeting.Excusal{AgreedBy: q.AgreedBy, AgreedName: q.AgreedName, Reason: q.Reason, RecordedBy: a.Identity.Subject}, s.clock.Now())
	})
}

func (s *Service) addAction(w http.ResponseWriter, r *http.Request, a actor) {
	var q meeting.ActionInput
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	m, err := s.ms.GetMeeting(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	if ok, err := s.access.CanSeeCase(r.Context(), a.Identity, m.CaseID); err != nil || !ok {
		fail(w, r, cmp.Or(err, errForbidden))
		return
	}
	act, errs := meeting.NewAction(s.ids.New(), m.CaseID, m.ID, q, s.clock.Now(), a.Identity.Subject)
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	e := s.effects(a, ActionWorkWrite, "meeting:"+m.ID, m.CaseID)
	e.Counts = report.ForActionAgreed(s.clock.Now())
	e.OpenActions = []report.OpenAction{{Due: act.Due, Delta: 1}}
	act, err = s.ms.CreateAction(r.Context(), act, e)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusCreated, act)
}

// held records the meeting as held: the next review is proposed, and each
// child not open to children's social care gets a front-door contact task
// with the actions agreed.
func (s *Service) held(w http.ResponseWriter, r *http.Request, a actor) {
	id := r.PathValue("id")
	m, err := s.ms.GetMeeting(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	kids, err := s.ms.Children(r.Context(), m.CaseID)
	if err != nil {
		fail(w, r, err)
		return
	}
	acts, _, err := s.ms.CaseWork(r.Context(), m.CaseID)
	if err != nil {
		fail(w, r, err)
		return
	}
	prev := s.lastHeld(r.Context(), m.CaseID)
	m, err = s.ms.UpdateMeeting(r.Context(), id, func(m *meeting.Meeting) (meetingstore.Effects, error) {
		e := s.effects(a, ActionMeetingChange, "meeting:"+m.ID, m.CaseID)
		e.Tasks = meeting.FrontDoorTasks(*m, kids, acts, s.clock.Now(), a.Identity.Subject)
		if m.Kind == meeting.KindReview {
			// Reviews held, and whether within the level's longest
			// interval after the last meeting held (the Board's figures).
			known := !prev.Date.IsZero() && prev.ID != m.ID
			e.Counts = report.ForReviewHeld(m.Start, known, known && meeting.CheckReviewDate(m.Level, prev.Date, m.Date) == nil)
		}
		return e, m.Hold(s.clock.Now(), a.Identity.Subject)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	b := s.body(r.Context(), m)
	b.NextReview = s.bookNext(r.Context(), a, m, b.Proposal)
	httpapi.JSON(w, http.StatusOK, b)
}

// bookNext books the next review of a held level 2 or 3 meeting on the
// proposed date, at the same time and place (the cadence), with an id
// derived from the held meeting so it is booked once. When it cannot be
// booked (the proposal is already past), the BSOs get a task instead.
func (s *Service) bookNext(ctx context.Context, a actor, held meeting.Meeting, p *meeting.Proposal) *NextReview {
	if p == nil {
		return nil
	}
	in := meeting.Input{Level: held.Level, Kind: meeting.KindReview, Date: p.Date, Time: held.Time, Place: held.Place, Link: held.Link,
		Chair: held.Chair, LeadAgency: held.LeadAgency, Custody: held.Custody, ReleaseDate: held.ReleaseDate,
		ParoleEligibilityDate: held.ParoleEligibilityDate, KnownToCouncil: true}
	next, errs := meeting.New("next-"+held.ID, held.CaseID, meeting.OriginCadence, in, s.planner, s.clock.Now(), a.Identity.Subject)
	if errs.OK() && !p.Date.Before(civil.Today(s.clock.Now())) {
		if _, err := s.ms.CreateMeeting(ctx, next, s.effects(a, ActionMeetingCreate, "meeting:"+next.ID, held.CaseID)); err == nil || errors.Is(err, meetingstore.ErrExists) {
			return &NextReview{MeetingID: next.ID, Date: p.Date, Basis: p.Basis}
		}
	}
	t := meeting.Task{ID: "review-" + held.ID, CaseID: held.CaseID, MeetingID: held.ID, Kind: meeting.TaskCover,
		Title: "Book the next review: it could not be booked on the proposed date", Detail: fmt.Sprintf("Proposed %s, window %s to %s.", p.Date, p.Window.Earliest, p.Window.Latest),
		OwnerRole: string(staff.RoleBSO), Due: civil.Today(s.clock.Now()), Status: meeting.Open, CreatedAt: s.clock.Now(), CreatedBy: a.Identity.Subject}
	if _, err := s.ms.CreateTask(ctx, t, meetingstore.Effects{}); err != nil {
		httpapi.Logger(ctx).Warn("next review: flag not written", "meetingId", held.ID, "error", err.Error())
	}
	return &NextReview{Date: p.Date, Basis: p.Basis, Flagged: true}
}

// ---------------------------------------------------------------- mine

func (s *Service) me(ctx context.Context, a actor) (string, error) {
	return s.ms.StaffIDFor(ctx, a.Identity.Subject)
}

func (s *Service) myMeetings(w http.ResponseWriter, r *http.Request, a actor) {
	me, err := s.me(r.Context(), a)
	if err != nil {
		fail(w, r, err)
		return
	}
	now := s.clock.Now()
	p, err := s.ms.ListByStaff(r.Context(), me, now.Add(-24*time.Hour), now.AddDate(1, 0, 0), r.URL.Query().Get("cursor"), limit(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	for _, m := range p.Meetings {
		if err := s.audit.Record(r.Context(), s.entry(a, ActionMeetingRead, "meeting:"+m.ID, m.CaseID)); err != nil {
			fail(w, r, err)
			return
		}
	}
	httpapi.JSON(w, http.StatusOK, MeetingsPage{Meetings: p.Meetings, Cursor: p.Cursor, Names: s.names(r.Context())})
}

func (s *Service) myWork(w http.ResponseWriter, r *http.Request, a actor) {
	me, err := s.me(r.Context(), a)
	if err != nil {
		fail(w, r, err)
		return
	}
	as, ts, err := s.ms.OpenWork(r.Context(), me, "")
	if err != nil {
		fail(w, r, err)
		return
	}
	if a.Identity.Has(auth.RoleBSO) {
		_, shared, err := s.ms.OpenWork(r.Context(), "", string(staff.RoleBSO))
		if err != nil {
			fail(w, r, err)
			return
		}
		ts = append(ts, shared...)
	}
	httpapi.JSON(w, http.StatusOK, WorkBody{Actions: append([]meeting.Action{}, as...), Tasks: append([]meeting.Task{}, ts...), Names: s.names(r.Context())})
}

// ---------------------------------------------------------------- directory

func (s *Service) people(w http.ResponseWriter, r *http.Request, _ actor) {
	ps, err := s.ms.People(r.Context())
	if err != nil {
		fail(w, r, err)
		return
	}
	l, err := s.ms.CurrentLeave(r.Context(), civil.Today(s.clock.Now()))
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, PeopleBody{People: ps, Leave: append([]staff.Leave{}, l...)})
}

func (s *Service) person(w http.ResponseWriter, r *http.Request, a actor) {
	id := r.PathValue("id")
	p, err := s.ms.GetPerson(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	l, err := s.ms.LeaveOf(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	b := PersonBody{Person: p, Leave: append([]staff.Leave{}, l...), Rota: []staff.RotaEntry{}, Continuity: map[string][]string{}, Names: s.names(r.Context())}
	for _, role := range []staff.Role{staff.RoleServiceMgr, staff.RoleHeadOfService} {
		entries, err := s.ms.Rota(r.Context(), role)
		if err != nil {
			fail(w, r, err)
			return
		}
		for _, e := range entries {
			if e.StaffID == id {
				b.Rota = append(b.Rota, e)
			}
		}
		cases, err := s.ms.ContinuityOf(r.Context(), role, id)
		if err != nil {
			fail(w, r, err)
			return
		}
		if cases = s.visibleCases(r.Context(), a.Identity, cases); len(cases) > 0 {
			b.Continuity[string(role)] = cases
		}
	}
	httpapi.JSON(w, http.StatusOK, b)
}

func (s *Service) savePerson(w http.ResponseWriter, r *http.Request, a actor) {
	var q PersonRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	id := r.PathValue("id")
	cur := staff.Person{}
	if id != "" {
		var err error
		if cur, err = s.ms.GetPerson(r.Context(), id); err != nil {
			fail(w, r, err)
			return
		}
		if q.Version != 0 && q.Version != cur.Version {
			fail(w, r, meetingstore.ErrVersionConflict)
			return
		}
	} else {
		cur.ID = s.ids.New()
	}
	var manager staff.Person
	if q.LineManager != "" {
		var err error
		if manager, err = s.ms.GetPerson(r.Context(), q.LineManager); err != nil {
			httpapi.Invalid(w, r, validation.Errors{{Pointer: "/lineManagerId", Detail: "must be someone in the staff directory"}})
			return
		}
	}
	p, errs := q.Apply(cur, civil.Today(s.clock.Now()))
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	eff := s.effects(a, ActionStaffWrite, "staff:"+p.ID, "")
	eff.Due, eff.Undue = dbsReminder(cur, p, manager)
	if manager.ID != "" {
		// A line manager sees their team's cases (shared/access).
		eff.Team = append(eff.Team, [2]string{subjectOf(manager), subjectOf(p)})
	}
	p, err := s.ms.SavePerson(r.Context(), p, cur.Version, eff)
	if err != nil {
		fail(w, r, err)
		return
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	httpapi.JSON(w, status, p)
}

// DBSReminderDays is how long before the next DBS check is due the person
// and their line manager are reminded (product policy).
const DBSReminderDays = 28

// dbsReminder schedules the DBS re-check reminder (shared/due, kind dbs)
// for the person's next check and removes the one for a date no longer due.
func dbsReminder(before, after, manager staff.Person) ([]due.Item, []dynamo.Key) {
	var undue []dynamo.Key
	ref := "dbs." + after.ID
	if !before.DBSNextDue.IsZero() && before.DBSNextDue != after.DBSNextDue {
		undue = append(undue, due.Key(before.DBSNextDue.AddDays(-DBSReminderDays), due.KindDBS, ref))
	}
	if after.DBSNextDue.IsZero() || !after.Active {
		return nil, undue
	}
	to := []string{after.Email}
	if manager.Email != "" {
		to = append(to, manager.Email)
	}
	// The reminders function's staff-stream consumer schedules the same
	// reminder (noticestream.scheduleDBS): the shared key sends it once.
	return []due.Item{{Day: after.DBSNextDue.AddDays(-DBSReminderDays), Kind: due.KindDBS, Ref: ref, To: to,
		Path: "/staff/" + after.ID, DueOn: after.DBSNextDue.String(), Once: due.DBSOnce(after.ID, after.DBSNextDue, false)}}, undue
}

func (s *Service) addLeave(w http.ResponseWriter, r *http.Request, a actor) {
	var q LeaveRequest
	if !httpapi.Decode(w, r, 4<<10, &q) {
		return
	}
	id := r.PathValue("id")
	if _, err := s.ms.GetPerson(r.Context(), id); err != nil {
		fail(w, r, err)
		return
	}
	l := staff.Leave{ID: s.ids.New(), StaffID: id, From: q.From, To: q.To, Kind: cmp.Or(q.Kind, staff.LeaveAnnual)}
	if errs := l.Validate(); !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	if err := s.ms.AddLeave(r.Context(), l, s.effects(a, ActionStaffWrite, "staff:"+id, "")); err != nil {
		fail(w, r, err)
		return
	}
	s.recheck(r.Context(), id, l)
	httpapi.JSON(w, http.StatusCreated, l)
}

// recheck touches the person's meetings inside a leave period, so the rota
// function chooses again for them (best effort: the meetings record the
// change in their history).
func (s *Service) recheck(ctx context.Context, staffID string, l staff.Leave) {
	from, to := l.From.In(civil.London), l.To.AddDays(1).In(civil.London)
	p, err := s.ms.ListByStaff(ctx, staffID, from, to, "", 100)
	if err != nil {
		httpapi.Logger(ctx).Warn("leave: meetings not re-checked", "staffId", staffID, "error", err.Error())
		return
	}
	for _, m := range p.Meetings {
		_, err := s.ms.UpdateMeeting(ctx, m.ID, func(m *meeting.Meeting) (meetingstore.Effects, error) {
			if !m.Upcoming(s.clock.Now()) {
				return meetingstore.Effects{}, meetingstore.ErrUnchanged
			}
			m.AssignedFor = "" // the rota chooses again
			return meetingstore.Effects{}, nil
		})
		if err != nil {
			httpapi.Logger(ctx).Warn("leave: meeting not re-checked", "meetingId", m.ID, "error", err.Error())
		}
	}
}

func (s *Service) removeLeave(w http.ResponseWriter, r *http.Request, a actor) {
	id := r.PathValue("id")
	from, leaveID, ok := strings.Cut(r.PathValue("leaveId"), ".")
	d, err := civil.Parse(from)
	if !ok || err != nil {
		httpapi.NotFound(w, r)
		return
	}
	if err := s.ms.RemoveLeave(r.Context(), id, d, leaveID, s.effects(a, ActionStaffWrite, "staff:"+id, "")); err != nil {
		fail(w, r, err)
		return
	}
	s.recheck(r.Context(), id, staff.Leave{From: d, To: d.AddDays(366)})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) rotaView(w http.ResponseWriter, r *http.Request, a actor) {
	b := RotaBody{Rotas: map[staff.Role][]RotaPlace{}, Names: s.names(r.Context())}
	leave, err := s.ms.CurrentLeave(r.Context(), civil.Today(s.clock.Now()))
	if err != nil {
		fail(w, r, err)
		return
	}
	for _, role := range []staff.Role{staff.RoleServiceMgr, staff.RoleHeadOfService} {
		entries, err := s.ms.Rota(r.Context(), role)
		if err != nil {
			fail(w, r, err)
			return
		}
		places := []RotaPlace{}
		for _, e := range entries {
			cases, err := s.ms.ContinuityOf(r.Context(), role, e.StaffID)
			if err != nil {
				fail(w, r, err)
				return
			}
			pl := RotaPlace{RotaEntry: e, Load: len(cases), Cases: s.visibleCases(r.Context(), a.Identity, cases), Leave: []staff.Leave{}}
			for _, l := range leave {
				if l.StaffID == e.StaffID {
					pl.Leave = append(pl.Leave, l)
				}
			}
			places = append(places, pl)
		}
		b.Rotas[role] = places
	}
	httpapi.JSON(w, http.StatusOK, b)
}

func (s *Service) saveRota(w http.ResponseWriter, r *http.Request, a actor) {
	var q RotaRequest
	if !httpapi.Decode(w, r, 4<<10, &q) {
		return
	}
	e := staff.RotaEntry{Role: staff.Role(r.PathValue("role")), StaffID: r.PathValue("staffId"), Position: q.Position, Active: q.Active, Backup: q.Backup, BackupFor: q.BackupFor}
	errs := e.Validate()
	p, err := s.ms.GetPerson(r.Context(), e.StaffID)
	if err != nil {
		errs.Add("/staffId", "must be someone in the staff directory")
	} else if !p.Has(e.Role) {
		errs.Add("/role", "the person does not hold this role")
	}
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	if err := s.ms.SaveRotaEntry(r.Context(), e, s.effects(a, ActionStaffWrite, "rota:"+string(e.Role), "")); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, e)
}

func (s *Service) panelDays(w http.ResponseWriter, r *http.Request, _ actor) {
	d, err := s.ms.PanelDays(r.Context())
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, PanelDaysBody{Days: append([]civil.Date{}, d...)})
}

func (s *Service) savePanelDays(w http.ResponseWriter, r *http.Request, a actor) {
	var q PanelDaysBody
	if !httpapi.Decode(w, r, 16<<10, &q) {
		return
	}
	var errs validation.Errors
	if len(q.Days) > 200 {
		errs.Add("/days", "at most 200 panel days")
	}
	for i, d := range q.Days {
		if d.IsZero() {
			errs.At("is required", "days", i)
		}
	}
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	slices.SortFunc(q.Days, func(a, b civil.Date) int { return a.Compare(b) })
	if err := s.ms.SetPanelDays(r.Context(), q.Days, s.effects(a, ActionStaffWrite, "panel-days", "")); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, PanelDaysBody{Days: append([]civil.Date{}, q.Days...)})
}
