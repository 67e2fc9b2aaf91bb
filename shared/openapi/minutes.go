package openapi

import (
	"reflect"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/minutesapi"
	"github.com/mappa-coordinator/mappa/shared/retentionapi"
)

// minutesOperations documents the records kept about MAPPA minutes
// (shared/minutesapi; docs/security.md): the system never holds the minutes.
func minutesOperations() []Operation {
	p := func(codes ...int) map[int]reflect.Type {
		out := map[int]reflect.Type{}
		for _, c := range codes {
			out[c] = t[httpapi.Problem]()
		}
		return out
	}
	body := t[minutesapi.Body]()
	return []Operation{
		{Method: "GET", Path: "/v1/staff/meetings/{id}/minutes", ID: "getMinutesRecord", Tag: "Minutes", Security: "staff", Scope: auth.ScopeStaff,
			Summary:   "The record of a meeting's minutes: received (date, from whom), who made the child-relevant extract and when, onward sharing on the chair's authority, destroyed (date, by whom), filed where the offender is the child. The extract's text only for those who may see the child's record (extractVisible). Audited.",
			Responses: merge(map[int]reflect.Type{200: body}, p(404)), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/meetings/{id}/minutes", ID: "recordMinutesStep", Tag: "Minutes", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Record one step: received (on, from), shared (on, to, approvedBy: the chair), destroyed (on, destroyedBy) or filed (on, where; only where the offender is the child). 409 when the step does not fit the record (not received yet, already destroyed, filed minutes are not destroyed).",
			Request: t[minutesapi.StepRequest](), Responses: merge(map[int]reflect.Type{200: body, 201: body}, p(404, 409)), Params: []Param{idParam}},
		{Method: "PUT", Path: "/v1/staff/meetings/{id}/minutes/extract", ID: "setMinutesExtract", Tag: "Minutes", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Write (or replace, until the minutes are destroyed) the child-relevant extract. Only those who may see the child's record; kept apart from the record and from children's files.",
			Request: t[minutesapi.ExtractRequest](), Responses: merge(map[int]reflect.Type{200: body}, p(404, 409)), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/cases/{id}/close", ID: "closeCase", Tag: "Retention", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Close a case with a reason: its records expire the retention period (retentionDays) after the closure unless a hold is placed. Service managers and heads of service. 409 if already closed.",
			Request: t[retentionapi.CloseRequest](), Responses: merge(map[int]reflect.Type{200: t[retentionapi.Body]()}, p(404, 409)), Params: []Param{idParam}},
		{Method: "PUT", Path: "/v1/staff/cases/{id}/hold", ID: "holdCase", Tag: "Retention", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Place (held: true) or lift (held: false) a hold with a reason: a hold stops the case's records expiring; lifting restores the expiry (at least 30 days away). Heads of service and administrators. The answer is the retention state only.",
			Request: t[retentionapi.HoldRequest](), Responses: merge(map[int]reflect.Type{200: t[retentionapi.Body]()}, p(404, 409)), Params: []Param{idParam}},
	}
}

func merge(a, b map[int]reflect.Type) map[int]reflect.Type {
	for k, v := range b {
		a[k] = v
	}
	return a
}
