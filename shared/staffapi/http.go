package staffapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/retention"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Route patterns of the staff API.
const (
	RouteMe             = "GET /v1/me"
	RouteReferralList   = "GET /v1/staff/referrals"
	RouteReferralCreate = "POST /v1/staff/referrals"
	RouteReferralGet    = "GET /v1/staff/referrals/{id}"
	RouteDecision       = "POST /v1/staff/referrals/{id}/decisions"
	RouteMatch          = "POST /v1/staff/referrals/{id}/match"
	RouteCaseGet        = "GET /v1/staff/cases/{id}"
	RouteCaseLevel      = "POST /v1/staff/cases/{id}/level"
	RouteCaseRAG        = "POST /v1/staff/cases/{id}/rag"
)

// Register adds the staff routes to rt, each behind its gate in the access
// matrix (shared/access, docs/security.md).
func Register(rt *auth.Router, s *Service) {
	for pattern, h := range map[string]http.HandlerFunc{
		RouteMe: s.handleMe, RouteReferralList: s.handleList, RouteReferralCreate: s.handleCreate,
		RouteReferralGet: s.handleGet, RouteDecision: s.handleDecision, RouteMatch: s.handleMatch,
		RouteCaseGet: s.handleCase, RouteCaseLevel: s.handleLevel, RouteCaseRAG: s.handleRAG,
		RouteRegister: s.handleRegister, RouteRegisterExport: s.handleRegisterExport, RouteRegisterCounts: s.handleRegisterCounts,
	} {
		rt.HandleFunc(pattern, access.Policy(pattern), h)
	}
}

func actor(r *http.Request, route string) Actor {
	id, _ := auth.From(r.Context())
	return Actor{Identity: id, RequestID: httpapi.RequestID(r.Context()), Route: route}
}

func invalid(ptr, detail string) error {
	return validation.Errors{{Pointer: ptr, Detail: detail}}
}

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var verrs validation.Errors
	switch {
	case errors.As(err, &verrs):
		httpapi.Invalid(w, r, verrs)
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, r)
	case errors.Is(err, ErrForbidden):
		httpapi.Forbidden(w, r, "You can see only the cases assigned to you or your team.")
	case errors.Is(err, ErrStale):
		httpapi.Conflict(w, r, "Someone changed this since you loaded it. Reload it and try again.")
	case errors.Is(err, ErrState):
		httpapi.Conflict(w, r, stateDetail(err))
	case errors.Is(err, store.ErrBadCursor):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/cursor", Detail: "is not a cursor from this list (query parameter)"}})
	default:
		intake.WriteError(w, r, err)
	}
}

// stateDetail keeps the part of the message written for people (after the
// sentinel's prefix); it names statuses and case ids, never personal data.
func stateDetail(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, ErrState.Error()+": "); ok {
		return after
	}
	return "This is not possible in the current state."
}

// expectedVersion reads the If-Match header ("3", W/"3" or 3) or, if
// there is none, the body's version; 0 means the client sent neither.
func expectedVersion(r *http.Request, body int) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return body, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.Atoi(h)
	if err != nil || v < 1 {
		return 0, invalid("/version", "the If-Match header must be the version (ETag) you read")
	}
	if body != 0 && body != v {
		return 0, invalid("/version", "differs from the If-Match header")
	}
	return v, nil
}

// decodeChange reads a change's JSON body into q and returns the version
// the change is made against (expectedVersion of the If-Match header and
// *bodyVersion, a field of q). It answers a bad body or version itself and
// then returns false.
func decodeChange(w http.ResponseWriter, r *http.Request, q any, bodyVersion *int) (int, bool) {
	if !httpapi.Decode(w, r, 16<<10, q) {
		return 0, false
	}
	version, err := expectedVersion(r, *bodyVersion)
	if err != nil {
		writeError(w, r, err)
		return 0, false
	}
	return version, true
}

func etag(w http.ResponseWriter, version int) { w.Header().Set("ETag", `"`+strconv.Itoa(version)+`"`) }

// ---- bodies

// Me is GET /v1/me.
type Me struct {
	Subject string      `json:"subject"`
	Kind    auth.Kind   `json:"kind"`
	Roles   []auth.Role `json:"roles"`
}

// PersonName is a person's name in lists.
type PersonName struct {
	GivenNames string `json:"givenNames"`
	FamilyName string `json:"familyName"`
}

// Summary is one referral in the work list.
type Summary struct {
	ID              string          `json:"id"`
	Status          referral.Status `json:"status"`
	ReceivedAt      time.Time       `json:"receivedAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
	CaseID          string          `json:"caseId"`
	Source          string          `json:"source"`
	ReferringAgency referral.Agency `json:"referringAgency"`
	AgencyReference string          `json:"agencyReference"`
	Person          PersonName      `json:"person"`
	LevelRequested  int             `json:"levelRequested"`
	SuggestedLevel  int             `json:"suggestedLevel,omitempty"`
	// PrimaryCategory is 1-4 for an eligible person; absent before
	// classification and when not eligible or undecided.
	PrimaryCategory int `json:"primaryCategory,omitempty"`
	// Outcome is eligible, not-eligible or cannot-decide; absent before
	// classification.
	Outcome eligibility.Outcome `json:"outcome,omitempty"`
	// ShortNotice is true when the meeting invitation gives too little
	// notice.
	ShortNotice   bool `json:"shortNotice"`
	PossibleMatch bool `json:"possibleMatch"`
	// Meeting is the date and time of the meeting the referral invites
	// to, if it came with an invitation (for urgency).
	Meeting *MeetingWhen `json:"meeting,omitempty"`
	Links   Links        `json:"links"`
}

// Row is one row of the queue: a referral and the other referrals on the
// page that may be the same person.
type Row struct {
	Summary
	// Duplicates are the other referrals on the page that may be the same
	// person (the same case, or the same family name and date of birth),
	// most urgent first; the row's own referral is the group's most
	// urgent. Absent when there are none.
	Duplicates []Summary `json:"duplicates,omitempty"`
}

// Counts are the referrals in each status that the caller may see (of
// the search's results when searching); all is their sum.
type Counts struct {
	All                   int `json:"all"`
	Received              int `json:"received"`
	Classified            int `json:"classified"`
	MoreInformationNeeded int `json:"more-information-needed"`
	Accepted              int `json:"accepted"`
	Declined              int `json:"declined"`
}

// MeetingWhen is when a meeting is: a calendar date and "HH:MM" in
// Europe/London.
type MeetingWhen struct {
	Date civil.Date `json:"date"`
	Time string     `json:"time,omitempty"`
}

// Links are related resources.
type Links struct {
	Self string `json:"self,omitempty"`
	Case string `json:"case,omitempty"`
	Next string `json:"next,omitempty"`
}

// List is GET /v1/staff/referrals: one page of the queue.
type List struct {
	// Items are the rows, most urgent first (docs/data-model.md, "The
	// referrals queue"): one per person, the others in duplicates.
	Items []Row `json:"items"`
	// Counts per status (for the tabs); absent when the caller's cases are
	// too many (over 500) to count on each read.
	Counts *Counts `json:"counts,omitempty"`
	// Order is how the rows are sorted: "urgency".
	Order string `json:"order"`
	// Search is the search text the rows answer ("" when listing).
	Search string `json:"search,omitempty"`
	// More is true when a search found more referrals than it shows
	// (at most 50): search by an identifier, or the full name.
	More bool `json:"more,omitempty"`
	// Next is the cursor of the next page; absent on the last page.
	Next  string `json:"next,omitempty"`
	Links Links  `json:"links"`
}

// Created is the 202 body of POST /v1/staff/referrals.
type Created struct {
	ID              string          `json:"id"`
	Status          referral.Status `json:"status"`
	CaseID          string          `json:"caseId"`
	NewCase         bool            `json:"newCase"`
	PossibleMatches []string        `json:"possibleMatches"`
	Replayed        bool            `json:"replayed"`
	Links           Links           `json:"links"`
}

// ReferralBody is GET /v1/staff/referrals/{id}.
type ReferralBody struct {
	ID              string              `json:"id"`
	Status          referral.Status     `json:"status"`
	Version         int                 `json:"version"`
	CaseID          string              `json:"caseId"`
	Source          string              `json:"source"`
	Agency          string              `json:"agency"`
	CreatedBy       string              `json:"createdBy"`
	ReceivedAt      time.Time           `json:"receivedAt"`
	UpdatedAt       time.Time           `json:"updatedAt"`
	PossibleMatches []string            `json:"possibleMatches"`
	MatchState      referral.MatchState `json:"matchState,omitempty"`
	SuggestedLevel  int                 `json:"suggestedLevel,omitempty"`
	// Classification is the classifier's answer, null before
	// classification.
	Classification *referral.Classification `json:"classification"`
	Referral       referral.Referral        `json:"referral"`
	Decisions      []referral.Decision      `json:"decisions"`
	Links          Links                    `json:"links"`
}

// DecisionBody is the 200 answer to a decision.
type DecisionBody struct {
	ID       string            `json:"id"`
	Status   referral.Status   `json:"status"`
	Version  int               `json:"version"`
	Decision referral.Decision `json:"decision"`
	Links    Links             `json:"links"`
}

// MatchBody is the 200 answer to a match resolution.
type MatchBody struct {
	ID         string              `json:"id"`
	CaseID     string              `json:"caseId"`
	MatchState referral.MatchState `json:"matchState"`
	Version    int                 `json:"version"`
	Links      Links               `json:"links"`
}

// CaseReferral is one referral in a case view.
type CaseReferral struct {
	ID              string          `json:"id"`
	Status          referral.Status `json:"status"`
	ReceivedAt      time.Time       `json:"receivedAt"`
	Agency          string          `json:"agency"`
	AgencyReference string          `json:"agencyReference"`
	LevelRequested  int             `json:"levelRequested"`
	// Outcome and PrimaryCategory are the referral's classification (the
	// category history of the case); absent before classification.
	Outcome         eligibility.Outcome `json:"outcome,omitempty"`
	PrimaryCategory int                 `json:"primaryCategory,omitempty"`
	SuggestedLevel  int                 `json:"suggestedLevel,omitempty"`
	Links           Links               `json:"links"`
}

// IdentifierLists are a case's identifiers, normalised.
type IdentifierLists struct {
	CRN           []string `json:"crn"`
	PNC           []string `json:"pnc"`
	CouncilNumber []string `json:"councilNumber"`
}

// CaseBody is GET /v1/staff/cases/{id}.
type CaseBody struct {
	ID             string                   `json:"id"`
	Status         string                   `json:"status"`
	MergedInto     string                   `json:"mergedInto,omitempty"`
	Version        int                      `json:"version"`
	Level          int                      `json:"level,omitempty"`
	SuggestedLevel int                      `json:"suggestedLevel,omitempty"`
	Classification *referral.Classification `json:"classification"`
	Person         referral.Person          `json:"person"`
	Identifiers    IdentifierLists          `json:"identifiers"`
	Referrals      []CaseReferral           `json:"referrals"`
	LevelHistory   []referral.LevelChange   `json:"levelHistory"`
	// RAG is the traffic light staff set (absent until set), with every
	// change, oldest first.
	RAG        referral.RAG         `json:"rag,omitempty"`
	RAGHistory []referral.RAGChange `json:"ragHistory"`
	// Retention is the case's closure, hold and expiry (absent while the
	// case is open and not held; docs/security.md "Retention and holds").
	Retention *retention.State `json:"retention,omitempty"`
	// Risk is the highest risk of serious harm in the latest referral.
	Risk string `json:"risk,omitempty"`
	// NextReview is when the case's next review is (the register's):
	// absent when none is due.
	NextReview *NextReview `json:"nextReview,omitempty"`
	CreatedAt  time.Time   `json:"createdAt"`
	UpdatedAt  time.Time   `json:"updatedAt"`
	Links      Links       `json:"links"`
}

// LevelBody is the 200 answer to a level change.
type LevelBody struct {
	CaseID  string               `json:"caseId"`
	Level   int                  `json:"level"`
	Version int                  `json:"version"`
	Change  referral.LevelChange `json:"change"`
	Links   Links                `json:"links"`
}

func referralLink(id string) string { return "/v1/staff/referrals/" + id }
func caseLink(id string) string     { return "/v1/staff/cases/" + id }

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ---- handlers

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.From(r.Context())
	httpapi.JSON(w, http.StatusOK, Me{Subject: id.Subject, Kind: id.Kind, Roles: orEmpty(id.Roles)})
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs validation.Errors
	lq := QueueQuery{Status: referral.Status(q.Get("status")), Cursor: q.Get("cursor"), Search: strings.TrimSpace(q.Get("q"))}
	if lq.Status != "" && !lq.Status.Valid() {
		errs.Add("/status", "must be one of received, classified, more-information-needed, accepted, declined (query parameter)")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			errs.Add("/limit", "must be a whole number from 1 to 100 (query parameter)")
		}
		lq.Limit = n
	}
	if utf8.RuneCountInString(lq.Search) > 100 {
		errs.Add("/q", "must be at most 100 characters: a name, CRN, PNC number, council number or agency reference (query parameter)")
	} else if httpapi.HasForbiddenRune(lq.Search) {
		// As for any string of a body: the answer echoes the search.
		errs.Add("/q", "must not contain control or bidirectional-override characters (query parameter)")
	}
	if lq.Search != "" && lq.Cursor != "" {
		errs.Add("/cursor", "a search has one page: leave out the cursor (query parameter)")
	}
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	p, err := s.Queue(r.Context(), actor(r, RouteReferralList), lq)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := List{Items: []Row{}, Next: p.Next, Order: "urgency", Search: lq.Search, More: p.More}
	if c := p.Counts; c != nil {
		out.Counts = &Counts{
			Received: c[referral.StatusReceived], Classified: c[referral.StatusClassified], MoreInformationNeeded: c[referral.StatusMoreInformation],
			Accepted: c[referral.StatusAccepted], Declined: c[referral.StatusDeclined],
		}
		for _, n := range c {
			out.Counts.All += n
		}
	}
	for _, g := range p.Groups {
		row := Row{Summary: summaryBody(g[0])}
		for _, d := range g[1:] {
			row.Duplicates = append(row.Duplicates, summaryBody(d))
		}
		out.Items = append(out.Items, row)
	}
	if p.Next != "" {
		v := url.Values{"cursor": {p.Next}}
		if lq.Status != "" {
			v.Set("status", string(lq.Status))
		}
		if lq.Limit != 0 {
			v.Set("limit", strconv.Itoa(lq.Limit))
		}
		out.Links.Next = "/v1/staff/referrals?" + v.Encode()
	}
	httpapi.JSON(w, http.StatusOK, out)
}

// summaryBody is one referral of the queue as the API shows it.
func summaryBody(ref store.Summary) Summary {
	return Summary{
		ID: ref.ID, Status: ref.Status, ReceivedAt: ref.CreatedAt, UpdatedAt: ref.UpdatedAt, CaseID: ref.CaseID,
		Source: ref.Source, ReferringAgency: ref.ReferringAgency, AgencyReference: ref.AgencyReference,
		Person:         PersonName{GivenNames: ref.GivenNames, FamilyName: ref.FamilyName},
		LevelRequested: ref.LevelRequested, SuggestedLevel: ref.SuggestedLevel,
		PrimaryCategory: ref.PrimaryCategory, Outcome: ref.Outcome, ShortNotice: ref.ShortNotice,
		PossibleMatch: ref.MatchState == referral.MatchPending,
		Meeting:       summaryMeeting(ref),
		Links:         Links{Self: referralLink(ref.ID), Case: caseLink(ref.CaseID)},
	}
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) {
	a := actor(r, RouteReferralCreate)
	body, ok := s.intake.DecodeReferral(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("validate") == "only" {
		// The form asks for every problem in one round without entering
		// anything: the body passed every check.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	key, ok := intake.IdempotencyKey(w, r, body)
	if !ok {
		return
	}
	rec, err := s.intake.Submit(r.Context(), intake.Submission{
		Referral: body, Scope: StaffEntryScope(body.ReferringAgency), Agency: string(body.ReferringAgency.Type), Key: key, Actor: a.Identity.Subject,
		Source: intake.SourceStaff, RequestID: a.RequestID, Route: a.Route,
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("referral entered by staff",
		"referralId", rec.ReferralID, "caseId", rec.CaseID, "replayed", rec.Replayed, "newCase", rec.NewCase)
	self := referralLink(rec.ReferralID)
	w.Header().Set("Location", self)
	if rec.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	httpapi.JSON(w, http.StatusAccepted, Created{
		ID: rec.ReferralID, Status: rec.Status, CaseID: rec.CaseID, NewCase: rec.NewCase,
		PossibleMatches: orEmpty(rec.PossibleMatches), Replayed: rec.Replayed,
		Links: Links{Self: self, Case: caseLink(rec.CaseID)},
	})
}

// StaffEntryScope is the idempotency scope of a referral a business
// support officer enters: the referring agency's type and normalised name,
// so two forces' references cannot collide. It never equals an agency
// client's scope (intake.AgencyScope): a 409 on an agency's post can never
// reveal that staff entered a referral with that reference, and an agency
// client cannot read a referral staff entered (issue 12, finding 2). If the
// agency later posts the same referral itself, the identifiers link it to
// the same case.
func StaffEntryScope(a referral.Agency) string {
	return "staff:" + string(a.Type) + ":" + referral.NormaliseName(a.Name)
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.Referral(r.Context(), actor(r, RouteReferralGet), r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	ref := v.Referral
	etag(w, ref.Version)
	httpapi.JSON(w, http.StatusOK, ReferralBody{
		ID: ref.ID, Status: ref.Status, Version: ref.Version, CaseID: ref.CaseID, Source: ref.Source,
		Agency: ref.Agency, CreatedBy: ref.CreatedBy, ReceivedAt: ref.CreatedAt, UpdatedAt: ref.UpdatedAt,
		PossibleMatches: orEmpty(ref.PossibleMatches), MatchState: ref.MatchState, SuggestedLevel: ref.SuggestedLevel(),
		Classification: ref.Classification, Referral: ref.Body, Decisions: orEmpty(v.Decisions),
		Links: Links{Self: referralLink(ref.ID), Case: caseLink(ref.CaseID)},
	})
}

func (s *Service) handleDecision(w http.ResponseWriter, r *http.Request) {
	var q referral.DecisionRequest
	version, ok := decodeChange(w, r, &q, &q.Version)
	if !ok {
		return
	}
	ref, d, err := s.Decide(r.Context(), actor(r, RouteDecision), r.PathValue("id"), q, version)
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("referral decided", "referralId", ref.ID, "decision", string(d.Kind), "status", string(ref.Status))
	etag(w, ref.Version)
	httpapi.JSON(w, http.StatusOK, DecisionBody{ID: ref.ID, Status: ref.Status, Version: ref.Version, Decision: d,
		Links: Links{Self: referralLink(ref.ID), Case: caseLink(ref.CaseID)}})
}

func (s *Service) handleMatch(w http.ResponseWriter, r *http.Request) {
	var q referral.MatchRequest
	if !httpapi.Decode(w, r, 16<<10, &q) {
		return
	}
	version, err := expectedVersion(r, 0)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ref, err := s.ResolveMatch(r.Context(), actor(r, RouteMatch), r.PathValue("id"), q, version)
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("possible match resolved", "referralId", ref.ID, "caseId", ref.CaseID, "decision", string(q.Decision))
	etag(w, ref.Version)
	httpapi.JSON(w, http.StatusOK, MatchBody{ID: ref.ID, CaseID: ref.CaseID, MatchState: ref.MatchState, Version: ref.Version,
		Links: Links{Self: referralLink(ref.ID), Case: caseLink(ref.CaseID)}})
}

func (s *Service) handleCase(w http.ResponseWriter, r *http.Request) {
	v, err := s.Case(r.Context(), actor(r, RouteCaseGet), r.PathValue("id"), r.URL.Query().Get("cursor"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := v.Detail.Case
	out := CaseBody{
		ID: c.ID, Status: c.Status, MergedInto: c.MergedInto, Version: c.Version, Level: c.Level,
		SuggestedLevel: c.SuggestedLevel(), Classification: c.Classification, Person: c.Person,
		Identifiers:  IdentifierLists{CRN: orEmpty(c.CRNs), PNC: orEmpty(c.PNCs), CouncilNumber: orEmpty(c.CouncilNumbers)},
		Referrals:    []CaseReferral{},
		LevelHistory: orEmpty(v.Detail.Levels),
		RAG:          c.RAG, RAGHistory: orEmpty(v.Detail.RAGs),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Links: Links{Self: caseLink(c.ID)},
	}
	if r := c.Retention; r.Closed != nil || r.Hold != nil {
		out.Retention = &r
	}
	out.Risk = string(c.Risk)
	if c.Status == store.CaseOpen {
		today := civil.Today(s.clock.Now())
		if e := c.RegisterEntry(); !e.Next.IsZero() {
			d, _ := e.DaysTo(today)
			out.NextReview = &NextReview{Date: e.Next, Basis: e.Basis, Days: d, Overdue: d < 0}
		}
	}
	if v.Detail.Next != "" {
		out.Links.Next = caseLink(c.ID) + "?cursor=" + url.QueryEscape(v.Detail.Next)
	}
	for _, l := range v.Detail.Referrals {
		cr := CaseReferral{ID: l.ReferralID, ReceivedAt: l.ReceivedAt, Agency: l.Agency, Links: Links{Self: referralLink(l.ReferralID)}}
		if ref, ok := v.Referrals[l.ReferralID]; ok {
			cr.Status, cr.AgencyReference, cr.LevelRequested = ref.Status, ref.AgencyReference, ref.LevelRequested
			cr.Outcome, cr.PrimaryCategory, cr.SuggestedLevel = ref.Outcome, ref.PrimaryCategory, ref.SuggestedLevel
		}
		out.Referrals = append(out.Referrals, cr)
	}
	etag(w, c.Version)
	httpapi.JSON(w, http.StatusOK, out)
}

func (s *Service) handleLevel(w http.ResponseWriter, r *http.Request) {
	var q referral.LevelRequest
	version, ok := decodeChange(w, r, &q, &q.Version)
	if !ok {
		return
	}
	c, l, err := s.SetLevel(r.Context(), actor(r, RouteCaseLevel), r.PathValue("id"), q, version)
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("case level recorded", "caseId", c.ID, "level", l.Level, "action", string(l.Action))
	etag(w, c.Version)
	httpapi.JSON(w, http.StatusOK, LevelBody{CaseID: c.ID, Level: c.Level, Version: c.Version, Change: l, Links: Links{Self: caseLink(c.ID)}})
}

// summaryMeeting is the meeting of a work-list row (nil without one).
func summaryMeeting(s store.Summary) *MeetingWhen {
	d, err := civil.Parse(s.MeetingDate)
	if s.MeetingDate == "" || err != nil {
		return nil
	}
	return &MeetingWhen{Date: d, Time: s.MeetingTime}
}

// RAGBody is the 200 answer to setting a traffic light.
type RAGBody struct {
	CaseID  string             `json:"caseId"`
	RAG     referral.RAG       `json:"rag"`
	Version int                `json:"version"`
	Change  referral.RAGChange `json:"change"`
	Links   Links              `json:"links"`
}

func (s *Service) handleRAG(w http.ResponseWriter, r *http.Request) {
	var q referral.RAGRequest
	version, ok := decodeChange(w, r, &q, &q.Version)
	if !ok {
		return
	}
	c, ch, err := s.SetRAG(r.Context(), actor(r, RouteCaseRAG), r.PathValue("id"), q, version)
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("case traffic light set", "caseId", c.ID, "rag", string(ch.RAG))
	etag(w, c.Version)
	httpapi.JSON(w, http.StatusOK, RAGBody{CaseID: c.ID, RAG: c.RAG, Version: c.Version, Change: ch, Links: Links{Self: caseLink(c.ID)}})
}
