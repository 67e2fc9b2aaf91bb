package openapi

import (
	"reflect"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/noticeapi"
)

// noticeOperations documents the invitation reply pages and the staff
// routes for replies, attendance and the written report
// (shared/noticeapi; docs/reminders.md).
func noticeOperations() []Operation {
	staffErr := func(ok map[int]reflect.Type, more ...int) map[int]reflect.Type {
		out := map[int]reflect.Type{401: t[httpapi.Problem](), 403: t[httpapi.Problem](), 404: t[httpapi.Problem](), 503: t[httpapi.Problem]()}
		for k, v := range ok {
			out[k] = v
		}
		for _, c := range more {
			out[c] = t[httpapi.Problem]()
		}
		return out
	}
	token := Param{Name: "token", In: "path", Required: true, Description: "The signed, single-use reply token from the invitation email."}
	return []Operation{
		{Method: "GET", Path: "/reply/{token}", ID: "replyPage", Tag: "Invitations", Security: "public",
			Summary:   "The one-click reply page of an invitation (HTML, no sign-in): one button to confirm the reply. Tampered or unknown links are 404, used ones 409, expired ones (or a cancelled meeting) 410.",
			Responses: map[int]reflect.Type{200: nil, 404: nil, 409: nil, 410: nil}, Params: []Param{token}},
		{Method: "POST", Path: "/reply/{token}", ID: "reply", Tag: "Invitations", Security: "public",
			Summary:   "Records the reply once (accept, or decline with who goes instead or a written report); answers an HTML page.",
			Responses: map[int]reflect.Type{200: nil, 404: nil, 409: nil, 410: nil, 413: nil, 422: nil}, Params: []Param{token}},
		{Method: "GET", Path: "/v1/staff/meetings/{id}/replies", ID: "meetingReplies", Tag: "Invitations", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "The invitations of a meeting with each reply and attendance. Audited.", Responses: staffErr(map[int]reflect.Type{200: nil}), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/meetings/{id}/attendance", ID: "recordAttendance", Tag: "Invitations", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Record whether an invitee attended (or sent a deputy or a written report).", Request: t[noticeapi.AttendanceInput](),
			Responses: staffErr(map[int]reflect.Type{200: nil}, 400, 409, 413, 415, 422), Params: []Param{idParam}},
		{Method: "POST", Path: "/v1/staff/meetings/{id}/report", ID: "reportReceived", Tag: "Invitations", Security: "staff", Scope: auth.ScopeStaff,
			Summary: "Record that the written report was sent because nobody from the council could attend.", Responses: staffErr(map[int]reflect.Type{200: nil}, 409), Params: []Param{idParam}},
	}
}
