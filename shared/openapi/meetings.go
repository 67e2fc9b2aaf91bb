package openapi

import (
	"reflect"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingapi"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// meetingOperations documents the meetings, children, work, staff
// directory and rota routes (shared/meetingapi).
func meetingOperations() []Operation {
	errs := func(ok map[int]reflect.Type, more ...int) map[int]reflect.Type {
		out := map[int]reflect.Type{401: t[httpapi.Problem](), 403: t[httpapi.Problem](), 503: t[httpapi.Problem]()}
		for k, v := range ok {
			out[k] = v
		}
		for _, c := range more {
			out[c] = t[httpapi.Problem]()
		}
		return out
	}
	op := func(method, path, id, summary string, req reflect.Type, ok map[int]reflect.Type, params ...Param) Operation {
		codes := []int{404}
		if req != nil {
			codes = append(codes, 400, 409, 413, 415, 422)
		}
		return Operation{Method: method, Path: path, ID: id, Summary: summary, Tag: "Meetings and rota", Security: "staff", Scope: auth.ScopeStaff,
			Request: req, Responses: errs(ok, codes...), Params: params}
	}
	p := func(name, desc string) Param { return Param{Name: name, In: "path", Required: true, Description: desc} }
	q := func(name, desc string) Param { return Param{Name: name, In: "query", Description: desc} }
	cursor := q("cursor", "The cursor of the previous page.")
	cursor.Rule = cursorRule
	lim := q("limit", "Page size, 1-100 (anything else: the default page).")
	day := func(name, desc, rule string) Param {
		d := q(name, desc)
		d.Schema, d.Rule = dateParam, rule
		return d
	}
	mb := map[int]reflect.Type{200: t[meetingapi.MeetingBody]()}
	return []Operation{
		op("GET", "/v1/staff/cases/{id}/meetings", "caseMeetings", "A case's meetings in date order (the timeline), paginated by key. Case access: assigned staff only for social workers, service managers and heads of service. Audited.",
			nil, map[int]reflect.Type{200: t[meetingapi.MeetingsPage]()}, idParam, cursor, lim),
		op("POST", "/v1/staff/cases/{id}/meetings", "createMeeting", "A business support officer records a meeting (level, date and time in Europe/London, place or link, chair, lead agency, custody). Short notice by the 14-day rule. origin=cadence books the next review, refused past 16 weeks (level 2) or 8 weeks (level 3). The rota function chooses the attendees within seconds.",
			t[meeting.Input](), map[int]reflect.Type{201: t[meetingapi.MeetingBody]()}, idParam, q("origin", "staff (default) or cadence."),
			Param{Name: "fromReferral", In: "query", Rule: "a referral of this case with a meeting invitation",
				Description: "A referral of the case whose meeting invitation fills in the details (recorded once per referral; notice counts from when the referral arrived)."}),
		op("GET", "/v1/staff/cases/{id}/children", "caseChildren", "The children associated with a case. Audited.", nil, map[int]reflect.Type{200: t[meetingapi.ChildrenBody]()}, idParam),
		op("POST", "/v1/staff/cases/{id}/children", "addChild", "Associate a child with a case; a child whose council number is already recorded is matched to that record (matched: true).",
			t[meeting.ChildInput](), map[int]reflect.Type{201: t[meetingapi.ChildSaved]()}, idParam),
		op("PUT", "/v1/staff/cases/{id}/children/{childId}", "changeChild", "Change an associated child (optimistic locking by version).",
			t[meeting.ChildInput](), map[int]reflect.Type{200: t[meetingapi.ChildSaved]()}, idParam, p("childId", "The child's id.")),
		op("GET", "/v1/staff/cases/{id}/work", "caseWork", "A case's actions and tasks. Audited.", nil, map[int]reflect.Type{200: t[meetingapi.WorkBody]()}, idParam),
		op("POST", "/v1/staff/cases/{id}/marker-requests", "markerRequest", "Request a MAPPA marker on the adult's council file (council case number and reason): a task for the business support officers.",
			t[meeting.MarkerInput](), map[int]reflect.Type{201: t[meeting.Task]()}, idParam),
		op("POST", "/v1/staff/cases/{id}/actions/{actionId}/close", "closeAction", "Close an action: done, circumstances changed, or not done by the agency.",
			t[meetingapi.CloseRequest](), map[int]reflect.Type{200: t[meeting.Action]()}, idParam, p("actionId", "The action's id.")),
		op("POST", "/v1/staff/cases/{id}/tasks/{taskId}/close", "closeTask", "Close a task with a reason.",
			t[meetingapi.CloseRequest](), map[int]reflect.Type{200: t[meeting.Task]()}, idParam, p("taskId", "The task's id.")),
		op("GET", "/v1/staff/meetings", "meetingsByDate", "Meetings between two dates (default: today and 8 weeks), in time order, paginated by key. Audited.",
			nil, map[int]reflect.Type{200: t[meetingapi.MeetingsPage]()}, day("from", "First day (YYYY-MM-DD).", ""), day("to", "Last day (YYYY-MM-DD).", "on or after from, and at most a year later"), cursor, lim),
		op("GET", "/v1/staff/meetings/{id}", "getMeeting", "A meeting: details, attendees with the rule and reason that chose each and their checklist, gaps, history with names, open actions, the proposed next review. Audited.", nil, mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/move", "moveMeeting", "Move a meeting (kept in history with the reason); notice is checked again and the rota chooses again for the new date.", t[meetingapi.MoveRequest](), mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/cancel", "cancelMeeting", "Cancel a meeting with a reason.", t[meetingapi.ReasonRequest](), mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/reassign", "reassignAttendee", "A business support officer reassigns a place (senior, or child:<id>) with a reason, for this meeting only.", t[meetingapi.ReassignRequest](), mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/checklist", "tickChecklist", "Tick (or untick) an item of an attendee's checklist (your own; business support officers for anyone).", t[meetingapi.TickRequest](), mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/excusals", "excuseAttendee", "Record that an attendee is excused with the chair's or lead agency's agreement (refused at a first meeting where nobody is known to the council).", t[meetingapi.ExcuseRequest](), mb, idParam),
		op("POST", "/v1/staff/meetings/{id}/actions", "addAction", "Record an action agreed at the meeting (owner, due date).", t[meeting.ActionInput](), map[int]reflect.Type{201: t[meeting.Action]()}, idParam),
		op("POST", "/v1/staff/meetings/{id}/held", "meetingHeld", "Record the meeting as held: front-door contact tasks for children not open to children's social care (with the actions agreed); the next review is booked on the proposed date (a panel day where the area has them) inside the window, or flagged to the business support officers.", nil, mb, idParam),
		op("GET", "/v1/staff/my/meetings", "myMeetings", "The signed-in person's meetings from yesterday for a year, paginated by key.", nil, map[int]reflect.Type{200: t[meetingapi.MeetingsPage]()}, cursor, lim),
		op("GET", "/v1/staff/my/work", "myWork", "The signed-in person's open actions and tasks (and, for business support officers, the team's).", nil, map[int]reflect.Type{200: t[meetingapi.WorkBody]()}),
		op("GET", "/v1/staff/people", "people", "The staff directory by name, with leave still to come.", nil, map[int]reflect.Type{200: t[meetingapi.PeopleBody]()}),
		op("POST", "/v1/staff/people", "addPerson", "Add a person to the directory (business support officers and administrators).", t[meetingapi.PersonRequest](), map[int]reflect.Type{201: t[staff.Person]()}),
		op("GET", "/v1/staff/people/{id}", "person", "A person: profile, leave, rota places and the individuals they hold (continuity).", nil, map[int]reflect.Type{200: t[meetingapi.PersonBody]()}, idParam),
		op("PUT", "/v1/staff/people/{id}", "changePerson", "Change a person (optimistic locking by version).", t[meetingapi.PersonRequest](), map[int]reflect.Type{200: t[staff.Person]()}, idParam),
		op("POST", "/v1/staff/people/{id}/leave", "addLeave", "Record leave or another unavailable period; the person's meetings in it are chosen for again.", t[meetingapi.LeaveRequest](), map[int]reflect.Type{201: t[staff.Leave]()}, idParam),
		op("DELETE", "/v1/staff/people/{id}/leave/{leaveId}", "removeLeave", "Remove a period of leave (leaveId is <from>.<id>).", nil, map[int]reflect.Type{204: nil}, idParam, p("leaveId", "<from>.<id>")),
		op("GET", "/v1/staff/rota", "rota", "The rotas of service managers and heads of service with each person's load, the individuals they hold and their leave.", nil, map[int]reflect.Type{200: t[meetingapi.RotaBody]()}),
		op("PUT", "/v1/staff/rota/{role}/{staffId}", "setRotaPlace", "Set a person's place on a rota (position, active, backup, whom they back up).", t[meetingapi.RotaRequest](), map[int]reflect.Type{200: t[staff.RotaEntry]()},
			Param{Name: "role", In: "path", Required: true, Description: "service-manager or head-of-service",
				Schema: map[string]any{"type": "string", "enum": []any{"service-manager", "head-of-service"}}, Rule: "a role the person holds"},
			Param{Name: "staffId", In: "path", Required: true, Description: "The person's id.", Rule: "someone in the staff directory"}),
		op("GET", "/v1/staff/panel-days", "panelDays", "The area's fixed panel days (level 2 business).", nil, map[int]reflect.Type{200: t[meetingapi.PanelDaysBody]()}),
		op("PUT", "/v1/staff/panel-days", "setPanelDays", "Replace the area's panel days.", t[meetingapi.PanelDaysBody](), map[int]reflect.Type{200: t[meetingapi.PanelDaysBody]()}),
	}
}
