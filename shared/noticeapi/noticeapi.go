// Package noticeapi is the HTTP edge of meeting notices:
//
//   - GET and POST /reply/{token}: the one-click reply pages an invitation
//     links to. No sign-in: the signed token is the authority, and it
//     allows one thing only (accept, or decline) for one invitation, once,
//     until the end of the meeting's day. GET only shows a page with one
//     button (link checkers and mail scanners fetch links; they must not
//     reply for anyone); POST records the reply. The pages show the
//     meeting's level, date and time and nothing else: no names, no case
//     details.
//   - GET /v1/staff/meetings/{id}/replies: the replies and attendance of a
//     meeting, for the staff who may see its case;
//   - POST /v1/staff/meetings/{id}/attendance: the business support officer
//     records what happened for one attendee;
//   - POST /v1/staff/meetings/{id}/report: the written report has gone.
package noticeapi

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/ical"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Routes.
const (
	RouteReplyPage   = "GET /reply/{token}"
	RouteReply       = "POST /reply/{token}"
	RouteReplies     = "GET /v1/staff/meetings/{id}/replies"
	RouteAttendance  = "POST /v1/staff/meetings/{id}/attendance"
	RouteReportSent  = "POST /v1/staff/meetings/{id}/report"
	caseWorkersRoles = "business support officers, social workers, team managers, service managers and heads of service"
)

var caseWorkers = []auth.Role{auth.RoleBSO, auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService}

func init() {
	access.Add(
		access.Rule{Route: RouteReplyPage, Policy: auth.Public(), Rows: access.RowsNone,
			Why: "The one-click reply page of an invitation: no sign-in; the signed, single-use, expiring link is the authority. It shows the meeting's level and time only."},
		access.Rule{Route: RouteReply, Policy: auth.Public(), Rows: access.RowsNone,
			Why: "Records the reply the signed link allows (accept, or decline with who goes instead or a written report), once. Tampered, expired or used links are refused and change nothing."},
		access.Rule{Route: RouteReplies, Policy: auth.Staff(caseWorkers...), Rows: access.RowsCases,
			Why: "Who replied and who attended a meeting: " + caseWorkersRoles + ", for meetings of cases they may see."},
		access.Rule{Route: RouteAttendance, Policy: auth.Staff(auth.RoleBSO), Rows: access.RowsCases,
			Why: "Business support officers record attendance centrally for the assistant director (S2); an unexplained absence starts the escalation ladder."},
		access.Rule{Route: RouteReportSent, Policy: auth.Staff(auth.RoleBSO), Rows: access.RowsCases,
			Why: "Business support officers record that the written report has gone to the chair, which stops the chasers."},
	)
}

// Service is what the handlers need (*notice.Service satisfies it).
type Service interface {
	CheckReply(ctx context.Context, token string) (notice.ReplyView, error)
	Reply(ctx context.Context, token string, d attendance.Decline) (notice.ReplyView, error)
	Get(ctx context.Context, meetingID string) (notice.Meeting, []notice.Invitation, error)
	RecordAttendance(ctx context.Context, actor, meetingID, inviteID string, rec attendance.Record) (notice.Invitation, error)
	MarkReportReceived(ctx context.Context, actor, meetingID string) (notice.Meeting, error)
}

// CaseAccess says whether a caller may see a case (access.Cases).
type CaseAccess interface {
	CanSeeCase(ctx context.Context, who auth.Identity, caseID string) (bool, error)
}

// API serves the routes.
type API struct {
	Notices Service
	Cases   CaseAccess
	Audit   audit.Writer
	IDs     interface{ New() string }
	Clock   interface{ Now() time.Time }
}

// Register adds the routes to rt.
func Register(rt *auth.Router, a *API) {
	rt.HandleFunc(RouteReplyPage, access.Policy(RouteReplyPage), a.replyPage)
	rt.HandleFunc(RouteReply, access.Policy(RouteReply), a.reply)
	rt.HandleFunc(RouteReplies, access.Policy(RouteReplies), a.replies)
	rt.HandleFunc(RouteAttendance, access.Policy(RouteAttendance), a.attendance)
	rt.HandleFunc(RouteReportSent, access.Policy(RouteReportSent), a.report)
}

// PageContentSecurityPolicy allows the reply pages their stylesheet and
// form, nothing else.
const PageContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

type pageData struct {
	Title   string
	Token   string
	View    notice.ReplyView
	When    string
	Errors  map[string]string
	Form    attendance.Decline
	Done    string
	Refused string
}

func (a *API) render(w http.ResponseWriter, status int, d pageData) {
	if d.View.Start.IsZero() {
		d.When = ""
	} else {
		d.When = d.View.Start.In(ical.London).Format("Monday 2 January 2006 at 15:04")
	}
	var b bytes.Buffer
	if err := pages().Execute(&b, d); err != nil {
		http.Error(w, "Sorry, there is a problem with the service", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", PageContentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func refusal(err error) (int, string) {
	switch {
	case errors.Is(err, replylink.ErrExpired):
		return http.StatusGone, "This link has expired. Links work until the end of the day of the meeting. Contact the MAPPA business support team if you still need to reply."
	case errors.Is(err, notice.ErrUsed):
		return http.StatusConflict, "This link has already been used. Your reply was recorded. To change it, use the other link in the invitation or contact the MAPPA business support team."
	case errors.Is(err, notice.ErrCancelled):
		return http.StatusGone, "This meeting has been cancelled. You do not need to reply."
	case notice.ErrInvalidToken(err), errors.Is(err, notice.ErrNotFound):
		// A tampered or unknown link names no invitation: 404, as any
		// address that names nothing (the OpenAPI document says so).
		return http.StatusNotFound, "This link is not valid. Check you copied all of it from the invitation email."
	}
	return 0, ""
}

func (a *API) replyPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	v, err := a.Notices.CheckReply(r.Context(), token)
	if err != nil {
		if status, msg := refusal(err); status != 0 {
			a.render(w, status, pageData{Title: "You cannot use this link", Refused: msg})
			return
		}
		httpapi.Error(w, r, err)
		return
	}
	title := "Confirm you will attend"
	if v.Action == replylink.Decline {
		title = "Tell us who will go instead"
	}
	a.render(w, http.StatusOK, pageData{Title: title, Token: token, View: v})
}

func (a *API) reply(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	_ = r.ParseForm()
	d := attendance.Decline{Instead: attendance.Instead(r.PostFormValue("instead")), Deputy: strings.TrimSpace(r.PostFormValue("deputy"))}
	v, err := a.Notices.Reply(r.Context(), token, d)
	var fe *notice.FieldErrors
	switch {
	case errors.As(err, &fe):
		v, cerr := a.Notices.CheckReply(r.Context(), token)
		if cerr != nil {
			status, msg := refusal(cerr)
			if status == 0 {
				httpapi.Error(w, r, cerr)
				return
			}
			a.render(w, status, pageData{Title: "You cannot use this link", Refused: msg})
			return
		}
		a.render(w, http.StatusUnprocessableEntity, pageData{Title: "Error: Tell us who will go instead", Token: token, View: v, Errors: fe.Fields, Form: d})
	case err != nil:
		if status, msg := refusal(err); status != 0 {
			a.render(w, status, pageData{Title: "You cannot use this link", Refused: msg})
			return
		}
		httpapi.Error(w, r, err)
	default:
		done := "You have accepted the invitation. Thank you."
		if v.Action == replylink.Decline {
			switch d.Instead {
			case attendance.InsteadDeputy:
				done = "You have declined. We have recorded who will go instead."
			case attendance.InsteadWrittenReport:
				done = "You have declined. Send your written report to the chair before the meeting."
			default:
				done = "You have declined. The MAPPA business support team will be in touch: if nobody from the council can attend, a written report must be sent."
			}
		}
		a.render(w, http.StatusOK, pageData{Title: "Reply recorded", View: v, Done: done})
	}
}

// invitationView is one attendee as the staff API returns it.
type invitationView struct {
	ID            string `json:"id"`
	StaffID       string `json:"staffId"`
	Role          string `json:"role,omitempty"`
	Reply         string `json:"reply"`
	Instead       string `json:"instead,omitempty"`
	Deputy        string `json:"deputy,omitempty"`
	RepliedAt     string `json:"repliedAt,omitempty"`
	Outcome       string `json:"outcome,omitempty"`
	OutcomeDeputy string `json:"outcomeDeputy,omitempty"`
	RecordedAt    string `json:"recordedAt,omitempty"`
	Escalation    string `json:"escalation"`
	EscalationN   int    `json:"escalationStep"`
}

type repliesView struct {
	Meeting     notice.Meeting   `json:"meeting"`
	ReportDue   bool             `json:"reportDue"`
	Invitations []invitationView `json:"invitations"`
}

func (a *API) load(w http.ResponseWriter, r *http.Request, route string, action audit.Action) (notice.Meeting, []notice.Invitation, auth.Identity, bool) {
	who, _ := auth.From(r.Context())
	m, invs, err := a.Notices.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, notice.ErrNotFound) {
		httpapi.NotFound(w, r)
		return notice.Meeting{}, nil, who, false
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return notice.Meeting{}, nil, who, false
	}
	if ok, err := a.Cases.CanSeeCase(r.Context(), who, m.CaseID); err != nil {
		httpapi.Error(w, r, err)
		return notice.Meeting{}, nil, who, false
	} else if !ok {
		httpapi.NotFound(w, r)
		return notice.Meeting{}, nil, who, false
	}
	if action != "" {
		if err := a.Audit.Record(r.Context(), audit.Entry{ID: a.IDs.New(), At: a.Clock.Now(), Actor: who.Subject, Action: action,
			Subject: "meeting:" + m.ID, CaseID: m.CaseID, Reason: route, RequestID: httpapi.RequestID(r.Context())}); err != nil {
			httpapi.Error(w, r, err)
			return notice.Meeting{}, nil, who, false
		}
	}
	return m, invs, who, true
}

func view(m notice.Meeting, invs []notice.Invitation) repliesView {
	out := repliesView{Meeting: m, Invitations: []invitationView{}}
	var ins []attendance.Invitee
	for _, i := range invs {
		if i.Removed {
			continue
		}
		ins = append(ins, attendance.Invitee{Reply: i.Reply, Instead: i.Instead})
		out.Invitations = append(out.Invitations, invitationView{ID: i.ID, StaffID: i.StaffID, Role: i.Role, Reply: string(i.Reply),
			Instead: string(i.Instead), Deputy: i.Deputy, RepliedAt: i.RepliedAt, Outcome: string(i.Outcome),
			OutcomeDeputy: i.OutcomeDeputy, RecordedAt: i.RecordedAt, Escalation: i.Step.String(), EscalationN: int(i.Step)})
	}
	out.ReportDue = attendance.ReportDue(ins) && !m.ReportReceived
	return out
}

func (a *API) replies(w http.ResponseWriter, r *http.Request) {
	m, invs, _, ok := a.load(w, r, RouteReplies, notice.ActionRead)
	if !ok {
		return
	}
	httpapi.JSON(w, http.StatusOK, view(m, invs))
}

// AttendanceInput is the body of POST .../attendance.
type AttendanceInput struct {
	InvitationID string `json:"invitationId"`
	Outcome      string `json:"outcome"`
	Deputy       string `json:"deputy,omitempty"`
}

func (a *API) attendance(w http.ResponseWriter, r *http.Request) {
	var in AttendanceInput
	if !httpapi.Decode(w, r, 4<<10, &in) {
		return
	}
	m, _, who, ok := a.load(w, r, RouteAttendance, "")
	if !ok {
		return
	}
	_, err := a.Notices.RecordAttendance(r.Context(), who.Subject, m.ID, in.InvitationID,
		attendance.Record{Outcome: attendance.Outcome(in.Outcome), Deputy: in.Deputy})
	var fe *notice.FieldErrors
	switch {
	case errors.As(err, &fe):
		var errs validation.Errors
		for k, v := range fe.Fields {
			errs.Add("/"+k, v)
		}
		httpapi.Invalid(w, r, errs)
		return
	case errors.Is(err, notice.ErrNotFound):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/invitationId", Detail: "Select someone invited to this meeting"}})
		return
	case errors.Is(err, notice.ErrConflict):
		httpapi.Conflict(w, r, "The meeting changed while you were recording; reload and try again.")
		return
	case err != nil:
		httpapi.Error(w, r, err)
		return
	}
	m, invs, err := a.Notices.Get(r.Context(), m.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, view(m, invs))
}

func (a *API) report(w http.ResponseWriter, r *http.Request) {
	m, _, who, ok := a.load(w, r, RouteReportSent, "")
	if !ok {
		return
	}
	if _, err := a.Notices.MarkReportReceived(r.Context(), who.Subject, m.ID); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, invs, err := a.Notices.Get(r.Context(), m.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, view(m, invs))
}

// pages is parsed on first use, not at start-up (cold start).
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("reply").Parse(`<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
<meta charset="utf-8">
<title>{{.Title}} - MAPPA Coordinator</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex, nofollow">
<link rel="stylesheet" href="/assets/govuk-frontend-6.6.0.min.css">
</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-template__header">
<section aria-label="Service information" class="govuk-service-navigation">
<div class="govuk-width-container"><div class="govuk-service-navigation__container">
<span class="govuk-service-navigation__service-name">MAPPA Coordinator</span>
</div></div></section>
</header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
{{if .Refused}}
<h1 class="govuk-heading-l">You cannot use this link</h1>
<p class="govuk-body">{{.Refused}}</p>
{{else if .Done}}
<div class="govuk-panel govuk-panel--confirmation"><h1 class="govuk-panel__title">Reply recorded</h1></div>
<p class="govuk-body">{{.Done}}</p>
<p class="govuk-body">MAPPA level {{.View.Level}} meeting, {{.When}}.</p>
<p class="govuk-body">You can close this page.</p>
{{else if eq .View.Action "accept"}}
<h1 class="govuk-heading-l">Confirm you will attend</h1>
<p class="govuk-body">MAPPA level {{.View.Level}} meeting, {{.When}}.</p>
<p class="govuk-body">Before the meeting, read the referral, the meeting information and the previous minutes in MAPPA Coordinator, check the case files and prepare an update.</p>
<form method="post" novalidate>
<button type="submit" class="govuk-button">Confirm I will attend</button>
</form>
{{else}}
{{if .Errors}}<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
{{with .Errors.instead}}<li><a href="#instead">{{.}}</a></li>{{end}}
{{with .Errors.deputy}}<li><a href="#deputy">{{.}}</a></li>{{end}}
</ul></div></div></div>{{end}}
<form method="post" novalidate>
<div class="govuk-form-group{{if .Errors.instead}} govuk-form-group--error{{end}}">
<fieldset class="govuk-fieldset"{{if .Errors.instead}} aria-describedby="instead-error"{{end}}>
<legend class="govuk-fieldset__legend govuk-fieldset__legend--l"><h1 class="govuk-fieldset__heading">Tell us who will go instead</h1></legend>
<p class="govuk-body">You are declining the MAPPA level {{.View.Level}} meeting, {{.When}}. If nobody from the council can attend, a written report must be sent before the meeting.</p>
{{with .Errors.instead}}<p id="instead-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{.}}</p>{{end}}
<div class="govuk-radios" data-module="govuk-radios">
<div class="govuk-radios__item"><input class="govuk-radios__input" id="instead" name="instead" type="radio" value="deputy"{{if eq (print .Form.Instead) "deputy"}} checked{{end}}><label class="govuk-label govuk-radios__label" for="instead">Someone else will go instead</label></div>
<div class="govuk-radios__item"><input class="govuk-radios__input" id="instead-2" name="instead" type="radio" value="written-report"{{if eq (print .Form.Instead) "written-report"}} checked{{end}}><label class="govuk-label govuk-radios__label" for="instead-2">I will send a written report</label></div>
<div class="govuk-radios__item"><input class="govuk-radios__input" id="instead-3" name="instead" type="radio" value="nothing"{{if eq (print .Form.Instead) "nothing"}} checked{{end}}><label class="govuk-label govuk-radios__label" for="instead-3">Nobody can go and I cannot send a report</label></div>
</div>
</fieldset>
</div>
<div class="govuk-form-group{{if .Errors.deputy}} govuk-form-group--error{{end}}">
<label class="govuk-label" for="deputy">If someone else will go, who (their name or role)</label>
{{with .Errors.deputy}}<p id="deputy-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{.}}</p>{{end}}
<input class="govuk-input{{if .Errors.deputy}} govuk-input--error{{end}}" id="deputy" name="deputy" type="text" maxlength="120" value="{{.Form.Deputy}}"{{if .Errors.deputy}} aria-describedby="deputy-error"{{end}}>
</div>
<button type="submit" class="govuk-button">Send reply</button>
</form>
{{end}}
</div></div>
</main>
</div>
</body>
</html>`))
})
