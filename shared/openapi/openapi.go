// Package openapi builds and serves the API's OpenAPI 3.1 document at
// GET /v1/openapi.json.
//
// The operations are listed here by hand (summary, who may call, status
// codes); their request and response schemas are generated from the very Go
// types the handlers decode and encode, so the document cannot drift from
// the code. A test checks that every route in template.yaml is documented
// and that the document is valid OpenAPI.
package openapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auditapi"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/eligibilityapi"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/reportapi"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/staffapi"
)

// Path is where the document is served.
const Path = "/v1/openapi.json"

// Operation is one documented route.
type Operation struct {
	Method, Path string
	ID, Summary  string
	Tag          string
	// Security: "staff", "agency" or "public".
	Security  string
	Scope     string
	Request   reflect.Type // nil: no body
	Responses map[int]reflect.Type
	Params    []Param
}

// Param is a path, query or header parameter.
type Param struct {
	Name, In, Description string
	Required              bool
	// Schema is the value's JSON Schema (default: any string).
	Schema map[string]any
	// Rule is what the server checks beyond Schema, in words (x-rule;
	// see rules.go).
	Rule string
}

// Schemas of query parameters, each exactly what its handler accepts.
var (
	// cursorParam: an opaque cursor is valid only as the previous page gave it.
	cursorRule = "must be the cursor the previous page gave (it is opaque)"
	// dateParam: civil.Parse.
	dateParam = map[string]any{"type": "string", "format": "date", "pattern": datePattern}
)

// whole is a query parameter strconv.Atoi reads as lo..hi.
func whole(pattern string) map[string]any {
	return map[string]any{"type": "string", "pattern": pattern}
}

var idParam = Param{Name: "id", In: "path", Required: true, Description: "Opaque id."}

func t[T any]() reflect.Type { return reflect.TypeFor[T]() }

var (
	// idempotencyKey: intake.IdempotencyKey (a bad one is 400).
	idempotencyKey = map[string]any{"type": "string", "pattern": "^[!-~]{1,255}$"}
	// month: report.ParseMonth.
	month = map[string]any{"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}
	// isoDay: time.Parse("2006-01-02").
	isoDay = map[string]any{"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
)

func statusParam() map[string]any {
	vals := make([]any, len(referral.Statuses))
	for i, v := range referral.Statuses {
		vals[i] = string(v)
	}
	return map[string]any{"type": "string", "enum": vals}
}

// Operations lists every route of the API.
func Operations() []Operation {
	// Every route with an identity may answer 401, 403 and, when DynamoDB
	// cannot be reached, 503 with Retry-After.
	staffErrors := map[int]reflect.Type{401: t[httpapi.Problem](), 403: t[httpapi.Problem](), 503: t[httpapi.Problem]()}
	with := func(ok map[int]reflect.Type, more ...int) map[int]reflect.Type {
		out := map[int]reflect.Type{}
		for k, v := range staffErrors {
			out[k] = v
		}
		for k, v := range ok {
			out[k] = v
		}
		for _, c := range more {
			out[c] = t[httpapi.Problem]()
		}
		return out
	}
	ops := []Operation{
		{Method: "POST", Path: "/v1/referrals", ID: "postReferral", Tag: "Agency referrals", Security: "agency", Scope: auth.ScopeReferralsWrite,
			Summary: "Post a MAPPA referral (MAPPA A facts, meeting invitation). Idempotent by Idempotency-Key and by agencyReference: the same reference from the same agency is the same referral whatever the key, and a different body under it is a 409.",
			Request: t[referral.Referral](), Responses: with(map[int]reflect.Type{202: t[intake.Accepted]()}, 400, 409, 413, 415, 422),
			Params: []Param{{Name: "Idempotency-Key", In: "header", Description: "Makes a retry return the first answer; the same key with a different body is a 409.", Schema: idempotencyKey}}},
		{Method: "POST", Path: "/v1/referrals/{id}/information", ID: "sendInformation", Tag: "Agency referrals", Security: "agency", Scope: auth.ScopeReferralsWrite,
			Summary: "Answer a request for more information (status more-information-needed; the referrer is emailed when it is asked): the referral goes back to the council to decide again. Only the agency that posted it (others get 404); 409 when no information was asked for.",
			Request: t[referral.InformationRequest](), Responses: with(map[int]reflect.Type{200: t[intake.StatusBody]()}, 400, 404, 409, 413, 415, 422), Params: []Param{idParam}},
		{Method: "GET", Path: "/v1/referrals/{id}", ID: "getReferralStatus", Tag: "Agency referrals", Security: "agency", Scope: auth.ScopeReferralsRead,
			Summary:   "The status of a referral, for the agency that posted it (others get 404).",
			Responses: with(map[int]reflect.Type{200: t[intake.StatusBody]()}, 404), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/eligibility", ID: "checkEligibility", Tag: "Eligibility", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Classify facts: MAPPA category (or not eligible, or cannot decide with the missing facts), every reason with its source, the date eligibility ends, and a suggested level for a person to confirm; optionally the next review window (review: level, lastMeeting) and whether an invitation gave enough notice (notice: meeting, received). Nothing is stored. A request with nothing to assess (no offences, notification, terrorism, category3 or previousManagement, and no review or notice question) is refused with 422 naming /offences.",
			Request: t[eligibilityapi.Request](), Responses: with(map[int]reflect.Type{200: t[eligibilityapi.Response]()}, 400, 413, 415, 422)},
		{Method: "GET", Path: "/v1/offences", ID: "searchOffences", Tag: "Eligibility", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "Search the offence list by words, Act or section (\"strangulation\", \"s.47\", \"Sexual Offences Act 2003 s.9\"), best first, a page at a time; each offence with its code and its Schedule 15, s.327(4A) and Schedule 3 status.",
			Responses: with(map[int]reflect.Type{200: t[eligibilityapi.OffencePage]()}, 422),
			Params: []Param{{Name: "q", In: "query", Description: "Words of the offence's name, its Act, or its section. Empty lists every offence.", Rule: "at most 200 bytes"},
				{Name: "limit", In: "query", Description: "Offences per page, 1 to 50 (default 20).", Schema: whole(`^[+]?0*([1-9]|[1-4][0-9]|50)$`)},
				{Name: "cursor", In: "query", Description: "The next cursor of the previous page.", Rule: cursorRule}}},
		{Method: "GET", Path: "/v1/me", ID: "me", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "The signed-in member of staff: id and roles.", Responses: with(map[int]reflect.Type{200: t[staffapi.Me]()})},
		{Method: "POST", Path: "/v1/staff/cases/{id}/rag", ID: "setTrafficLight", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Set a case's traffic light (green, amber, red) with a reason; every change is kept. The case's social workers and managers. Optimistic locking by version or If-Match.",
			Request: t[referral.RAGRequest](), Responses: with(map[int]reflect.Type{200: t[staffapi.RAGBody]()}, 404, 409, 422), Params: []Param{idParam}},
		{Method: "GET", Path: "/v1/staff/reports", ID: "boardReports", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The Strategic Management Board's figures by month (referrals received, short notice, categories, decisions, level mix), from counters kept as events happen. Assistant directors.",
			Responses: with(map[int]reflect.Type{200: t[reportapi.Body]()}, 422),
			Params: []Param{{Name: "from", In: "query", Description: "First month, YYYY-MM (default: 11 months before to).", Schema: month, Rule: "not after to, and at most 24 months before it"},
				{Name: "to", In: "query", Description: "Last month, YYYY-MM (default: this month). At most 24 months.", Schema: month}}},
		{Method: "GET", Path: "/v1/staff/register", ID: "riskRegister", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The risk register: every open case the caller may see with its traffic light, level, category, risk of serious harm, next review date and days to it; filtered and sorted on the server, paginated by an opaque cursor. Business support officers see every open case; the others the cases assigned to them or their team. Audited.",
			Responses: with(map[int]reflect.Type{200: t[staffapi.RegisterList]()}, 422),
			Params:    registerParams},
		{Method: "GET", Path: "/v1/staff/register/export", ID: "riskRegisterCSV", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The risk register as CSV (text/csv, RFC 4180), with the same filters, order and row rules as the page (every matching row, at most 5,000; X-Register-Truncated: true when more matched). Audited.",
			Responses: with(map[int]reflect.Type{200: nil}, 422),
			Params:    registerParams},
		{Method: "GET", Path: "/v1/staff/register/counts", ID: "riskRegisterCounts", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The risk register in numbers: open cases by traffic light and level, and overdue reviews. No person or case id. Assistant directors count every open case; case workers the cases they may see.",
			Responses: with(map[int]reflect.Type{200: t[staffapi.RegisterCountsBody]()})},
		{Method: "GET", Path: "/v1/staff/referrals", ID: "listReferrals", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The referrals queue: most urgent first (open referrals by soonest meeting, an overdue one first, then those without a meeting, longest waiting first; then accepted and declined, newest first), counts per status, possible duplicates grouped into one row, paginated by an opaque cursor; or a search by name, CRN, PNC number, council number or agency reference. Only referrals the caller may see.",
			Responses: with(map[int]reflect.Type{200: t[staffapi.List]()}, 422),
			Params: []Param{{Name: "status", In: "query", Description: "received, classified, more-information-needed, accepted or declined.", Schema: statusParam()},
				{Name: "q", In: "query", Description: "Search: a CRN, PNC number, council number or agency reference written any usual way, or a family name, or a first given name and family name (whole names, case and accents ignored). One page of at most 50.",
					Schema: map[string]any{"type": "string", "maxLength": 100, "pattern": textPattern}, Rule: "must not come with a cursor (a search has one page); at most 100 characters once trimmed"},
				{Name: "limit", In: "query", Description: "Referrals per page, 1 to 100 (default 25).", Schema: whole(`^[+]?0*([1-9][0-9]?|100)$`)},
				{Name: "cursor", In: "query", Description: "The next cursor of the previous page.", Rule: cursorRule}}},
		{Method: "POST", Path: "/v1/staff/referrals", ID: "enterReferral", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "A business support officer enters a referral received by email: same validation and storage as agency intake.",
			Request: t[referral.Referral](), Responses: with(map[int]reflect.Type{202: t[staffapi.Created](), 204: nil}, 400, 409, 413, 415, 422),
			Params: []Param{{Name: "Idempotency-Key", In: "header", Description: "As for agency intake.", Schema: idempotencyKey},
				{Name: "validate", In: "query", Description: "only: check the body and answer 204 (valid) or the problems, storing nothing."}}},
		{Method: "GET", Path: "/v1/staff/referrals/{id}", ID: "getReferral", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "A referral in full with its classification (reasons and sources) and decision history. Audited.",
			Responses: with(map[int]reflect.Type{200: t[staffapi.ReferralBody]()}, 404), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/referrals/{id}/decisions", ID: "decideReferral", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Accept, ask for more information, or decline (with a reason). Optimistic locking by version or If-Match.",
			Request: t[referral.DecisionRequest](), Responses: with(map[int]reflect.Type{200: t[staffapi.DecisionBody]()}, 404, 409, 422), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/referrals/{id}/match", ID: "resolveMatch", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Confirm whether a likely match on name and date of birth is the same person. Never merged silently.",
			Request: t[referral.MatchRequest](), Responses: with(map[int]reflect.Type{200: t[staffapi.MatchBody]()}, 404, 409, 422), Params: []Param{idParam}},
		{Method: "GET", Path: "/v1/staff/cases/{id}", ID: "getCase", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "A case: person, identifiers, referrals, level history, classification. Audited.",
			Responses: with(map[int]reflect.Type{200: t[staffapi.CaseBody]()}, 404), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/cases/{id}/level", ID: "setLevel", Tag: "Staff", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Confirm the suggested management level or set another with a reason. Kept with who, when and why.",
			Request: t[referral.LevelRequest](), Responses: with(map[int]reflect.Type{200: t[staffapi.LevelBody]()}, 404, 409, 422), Params: []Param{idParam}},
		{Method: "GET", Path: "/v1/admin/audit/cases/{id}", ID: "auditOfCase", Tag: "Administration", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "Administrators: who viewed or changed a case and its referrals, and when (ids, actions, times; never case contents), newest first. The read is itself audited.",
			Responses: with(map[int]reflect.Type{200: t[auditapi.Page]()}, 404), Params: []Param{idParam}},
		{Method: "GET", Path: "/v1/admin/audit/people/{subject}", ID: "auditOfPerson", Tag: "Administration", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "Administrators: what one member of staff or agency client did on the days from..to (default the last 7, at most 31), newest first. The read is itself audited.",
			Responses: with(map[int]reflect.Type{200: t[auditapi.Page]()}, 422),
			Params: []Param{{Name: "subject", In: "path", Required: true, Description: "The sign-in id (staff) or client id (agency)."},
				{Name: "from", In: "query", Description: "First day, YYYY-MM-DD (UTC).", Schema: isoDay, Rule: "on or before to, and at most 31 days before it"},
				{Name: "to", In: "query", Description: "Last day, YYYY-MM-DD (UTC).", Schema: isoDay}}},
		{Method: "GET", Path: Path, ID: "openapi", Tag: "Meta", Security: "public", Summary: "This document.", Responses: map[int]reflect.Type{200: nil}},
		{Method: "GET", Path: "/", ID: "app", Tag: "Meta", Security: "public", Summary: "The staff web app (HTML).", Responses: map[int]reflect.Type{200: nil}},
		{Method: "GET", Path: "/{proxy+}", ID: "appAssets", Tag: "Meta", Security: "public", Summary: "The staff web app's pages and assets.",
			Responses: map[int]reflect.Type{200: nil, 404: nil}, Params: []Param{{Name: "proxy+", In: "path", Required: true}}},
	}
	ops = append(ops, meetingOperations()...)
	ops = append(ops, minutesOperations()...)
	return append(ops, noticeOperations()...)
}

func enums() map[reflect.Type][]string {
	strs := func(vs ...any) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = reflect.ValueOf(v).String()
		}
		return out
	}
	m := map[reflect.Type][]string{}
	m[t[referral.AgencyType]()] = strs(anySlice(referral.AgencyTypes)...)
	m[t[referral.Gender]()] = strs(anySlice(referral.Genders)...)
	m[t[referral.MeetingType]()] = []string{string(referral.MeetingInitial), string(referral.MeetingReview)}
	m[t[risk.Level]()] = strs(anySlice(risk.Levels)...)
	m[t[risk.TrafficLight]()] = strs(anySlice(risk.TrafficLights)...)
	m[t[risk.Group]()] = strs(anySlice(risk.Groups)...)
	m[t[eligibility.Disposal]()] = strs(anySlice(eligibility.Disposals)...)
	m[t[eligibility.Inchoate]()] = strs(anySlice(eligibility.Inchoates)...)
	m[t[eligibility.SentenceType]()] = strs(anySlice(eligibility.SentenceTypes)...)
	m[t[eligibility.Answer]()] = strs(anySlice(eligibility.Answers)...)
	m[t[eligibility.Judgement]()] = strs(anySlice(eligibility.Judgements)...)
	m[t[eligibility.Outcome]()] = strs(anySlice(eligibility.Outcomes)...)
	m[t[eligibility.EndKind]()] = strs(anySlice(eligibility.EndKinds)...)
	m[t[eligibility.EndSource]()] = strs(anySlice(eligibility.EndSources)...)
	m[t[eligibility.CategoryCode]()] = strs(anySlice(eligibility.CategoryCodes)...)
	m[t[eligibility.LevelCode]()] = strs(anySlice(eligibility.LevelCodes)...)
	m[t[eligibility.Jurisdiction]()] = strs(anySlice(eligibility.Jurisdictions)...)
	m[t[eligibility.Runs]()] = strs(anySlice(eligibility.RunsValues)...)
	m[t[eligibility.FollowUpKind]()] = strs(anySlice(eligibility.FollowUpKinds)...)
	m[t[referral.Status]()] = strs(anySlice(referral.Statuses)...)
	m[t[referral.LevelAction]()] = []string{string(referral.LevelConfirm), string(referral.LevelSet)}
	m[t[referral.MatchDecision]()] = []string{string(referral.MatchSamePerson), string(referral.MatchDifferentPerson)}
	m[t[referral.DecisionKind]()] = []string{string(referral.DecisionAccept), string(referral.DecisionMoreInformation),
		string(referral.DecisionDecline), string(referral.DecisionInformation)}
	m[t[referral.RAG]()] = strs(anySlice(referral.RAGs)...)
	m[t[staff.Role]()] = strs(anySlice(staff.Roles)...)
	m[t[staff.LeaveKind]()] = strs(anySlice(staff.LeaveKinds)...)
	m[t[meeting.AgreedBy]()] = []string{string(meeting.AgreedByChair), string(meeting.AgreedByLeadAgency)}
	m[t[meeting.CloseReason]()] = strs(anySlice(meeting.CloseReasons)...)
	m[t[meeting.ChecklistItem]()] = []string{string(meeting.ReadMeetingInformation), string(meeting.ReadReferral),
		string(meeting.ReadPreviousMinutes), string(meeting.CheckChildrensFiles), string(meeting.CheckAdultsFiles), string(meeting.PrepareUpdate)}
	return m
}

func anySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Document returns the OpenAPI document.
func Document() map[string]any {
	s := newSchemas(enums())
	s.named("Problem", t[httpapi.Problem]())
	paths := map[string]any{}
	for _, op := range Operations() {
		p, _ := paths[op.Path].(map[string]any)
		if p == nil {
			p = map[string]any{}
			paths[op.Path] = p
		}
		p[strings.ToLower(op.Method)] = operation(s, op)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "MAPPA Coordinator API",
			"version": "1.0.0",
			"description": "The children's-services side of MAPPA. Agencies post referrals with a client-credentials token " +
				"(scopes referrals/write, referrals/read); staff use the staff API with a token from sign-in (scope staff/api). " +
				"Errors are RFC 9457 problem+json; invalid fields are listed in errors[] by JSON pointer. Dates are ISO 8601; times are Europe/London.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         s.defs,
			"securitySchemes": securitySchemes(),
		},
	}
}

func operation(s *schemas, op Operation) map[string]any {
	o := map[string]any{"operationId": op.ID, "summary": op.Summary, "tags": []any{op.Tag}}
	switch op.Security {
	case "public":
		o["security"] = []any{}
	default:
		o["security"] = []any{map[string]any{op.Security: []any{op.Scope}}}
	}
	var params []any
	for _, p := range op.Params {
		schema := p.Schema
		if schema == nil {
			schema = map[string]any{"type": "string"}
		} else if p.In == "query" {
			// An empty query parameter is an absent one.
			schema = map[string]any{"anyOf": []any{map[string]any{"type": "string", "maxLength": 0}, schema}}
		}
		param := map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path",
			"description": p.Description, "schema": schema}
		if p.Rule != "" {
			param["x-rule"] = p.Rule
			param["description"] = strings.TrimSpace(p.Description + " Rule: " + p.Rule)
		}
		params = append(params, param)
	}
	if params != nil {
		o["parameters"] = params
	}
	if op.Request != nil {
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": s.named(op.Request.Name(), op.Request)}}}
	}
	op.Responses = completeResponses(op)
	codes := make([]int, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	responses := map[string]any{}
	for _, c := range codes {
		rt := op.Responses[c]
		r := map[string]any{"description": http.StatusText(c)}
		switch {
		case rt == t[httpapi.Problem]():
			r["content"] = map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}
		case rt != nil:
			r["content"] = map[string]any{"application/json": map[string]any{"schema": s.named(schemaName(rt), rt)}}
		}
		responses[itoa(c)] = r
	}
	o["responses"] = responses
	return o
}

func schemaName(rt reflect.Type) string {
	pkg := rt.PkgPath()[strings.LastIndex(rt.PkgPath(), "/")+1:]
	if pkg == "staffapi" || pkg == "intake" || pkg == "eligibilityapi" || pkg == "meetingapi" {
		return strings.ToUpper(pkg[:1]) + pkg[1:] + rt.Name()
	}
	return rt.Name()
}

func itoa(c int) string { return strconv.Itoa(c) }

var (
	docOnce sync.Once
	docJSON []byte
)

// Register serves the document at GET /v1/openapi.json (public).
func Register(rt *auth.Router) {
	rt.HandleFunc("GET "+Path, access.Policy("GET "+Path), func(w http.ResponseWriter, r *http.Request) {
		docOnce.Do(func() { docJSON, _ = json.MarshalIndent(Document(), "", "  ") })
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(docJSON)
	})
}

// securitySchemes describes the two OAuth 2.0 flows (Cognito's token and
// authorize endpoints, relative to the hosted domain).
func securitySchemes() map[string]any {
	const tokenURL = "/oauth2/token" //nolint:gosec // an endpoint path, not a credential
	return map[string]any{
		"agency": map[string]any{"type": "oauth2", "flows": map[string]any{"clientCredentials": map[string]any{
			"tokenUrl": tokenURL, "scopes": map[string]any{auth.ScopeReferralsWrite: "Post referrals", auth.ScopeReferralsRead: "Read own referrals' status"}}}},
		"staff": map[string]any{"type": "oauth2", "flows": map[string]any{"authorizationCode": map[string]any{
			"authorizationUrl": "/oauth2/authorize", "tokenUrl": tokenURL, "scopes": map[string]any{auth.ScopeStaff: "Use the staff API"}}}},
	}
}

// completeResponses adds the problem answers every operation of its kind
// can give, whoever wrote it, so the document and the server agree
// (issue 12: undocumented 400s): with an identity, 401, 403 and 503; with a
// body, 400 (not JSON, not UTF-8), 413, 415 and 422; with query
// parameters, 422; with path parameters, 404.
func completeResponses(op Operation) map[int]reflect.Type {
	out := make(map[int]reflect.Type, len(op.Responses)+6)
	for c, r := range op.Responses {
		out[c] = r
	}
	add := func(codes ...int) {
		for _, c := range codes {
			if _, ok := out[c]; !ok {
				out[c] = t[httpapi.Problem]()
			}
		}
	}
	if op.Security == "public" {
		return out
	}
	add(401, 403, 503)
	if op.Request != nil {
		add(400, 413, 415, 422)
	}
	for _, p := range op.Params {
		switch p.In {
		case "query":
			add(422)
		case "path":
			add(404)
		}
	}
	return out
}

// registerParams are the risk register's filters, order and page
// (register.ParseQuery).
var registerParams = []Param{
	{Name: "rag", In: "query", Description: "Traffic lights to keep: red, amber, green, none (not set); comma-separated or repeated.",
		Schema: whole(`^((red|amber|green|none)(,(red|amber|green|none))*)?$`)},
	{Name: "level", In: "query", Description: "Confirmed level to keep: 1, 2, 3, or none (not confirmed).", Schema: enum("1", "2", "3", "none")},
	{Name: "category", In: "query", Description: "MAPPA category to keep: 1 to 4.", Schema: enum("1", "2", "3", "4")},
	{Name: "overdue", In: "query", Description: "true: only cases whose next review date has passed.", Schema: enum("true", "false")},
	{Name: "sort", In: "query", Description: "review (soonest next review first, the default) or rag (red, amber, green, not set; soonest review first within each).", Schema: enum("review", "rag")},
	{Name: "limit", In: "query", Description: "Rows per page, 1 to 100 (default 25).", Schema: whole(`^[+]?0*([1-9][0-9]?|100)$`)},
	{Name: "cursor", In: "query", Description: "The next cursor of the previous page (made for the same sort).", Rule: cursorRule},
}

func enum(vals ...string) map[string]any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return map[string]any{"type": "string", "enum": out}
}
