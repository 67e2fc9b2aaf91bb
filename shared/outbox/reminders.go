package outbox

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Kinds of meeting and reminder email.
const (
	KindMeetingInvite     Kind = "meeting.invite"
	KindMeetingUpdate     Kind = "meeting.update"
	KindMeetingCancel     Kind = "meeting.cancel"
	KindMeetingReminder   Kind = "meeting.reminder"
	KindReplyChaser       Kind = "meeting.chaser"
	KindReportDue         Kind = "meeting.report-due"
	KindAttendanceDue     Kind = "meeting.attendance-due"
	KindEscalationChair   Kind = "escalation.chair"
	KindEscalationManager Kind = "escalation.line-manager"
	KindEscalationBoard   Kind = "escalation.board"
	KindDueWork           Kind = "reminder.due"
	KindMonthlyDigest     Kind = "reminder.digest"
)

// ContentTypeCalendarCancel is the content type of a cancellation.
const ContentTypeCalendarCancel = "text/calendar; method=CANCEL; charset=UTF-8"

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// MeetingNotice is everything a meeting email may say: ids, the case
// reference, the meeting's level, date and time, links, and flags. There is
// deliberately no field for a name, an address or an offence.
type MeetingNotice struct {
	// ID is the outbox id (deterministic from the cause).
	ID      string
	Kind    Kind
	To      []string
	CaseRef string
	Level   int
	Start   time.Time
	// Urgent marks a short-notice meeting (under 14 days).
	Urgent bool
	// AppURL is the app's origin; Path the app path of the meeting.
	AppURL string
	Path   string
	// AcceptURL and DeclineURL are the signed one-click reply links
	// (invitations, updates and chasers).
	AcceptURL, DeclineURL string
	// Step is the escalation step's wording (escalations), or the number
	// of days to go (reminders).
	Days int
	// Calendar is the .ics to attach (invitations, updates, cancellations).
	Calendar []byte
}

func (n MeetingNotice) when() string {
	return n.Start.In(london).Format("Monday 2 January 2006 at 15:04")
}

// NewMeetingEmail builds a meeting email of n.Kind.
func NewMeetingEmail(n MeetingNotice) (Message, error) {
	if !refPattern.MatchString(n.CaseRef) {
		return Message{}, errors.New("outbox: meeting email: case reference must be letters, digits, / _ -")
	}
	if n.Level < 0 || n.Level > 3 {
		return Message{}, fmt.Errorf("outbox: meeting email: level %d out of range", n.Level)
	}
	link, err := appLink(n.AppURL, escapePath(n.Path))
	if err != nil {
		return Message{}, fmt.Errorf("outbox: meeting email: %w", err)
	}
	for _, l := range []string{n.AcceptURL, n.DeclineURL} {
		if l != "" && !strings.HasPrefix(l, strings.TrimSuffix(n.AppURL, "/")+"/") {
			return Message{}, errors.New("outbox: meeting email: reply links must be on the app's origin")
		}
	}
	meeting := "MAPPA meeting"
	if n.Level > 0 {
		meeting = fmt.Sprintf("MAPPA level %d meeting", n.Level)
	}
	var subject string
	var lines []string
	replyLinks := false
	ct := ContentTypeCalendarRequest
	switch n.Kind {
	case KindMeetingInvite, KindMeetingUpdate:
		subject = "Invitation: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "You are invited to a "+meeting+" about case "+n.CaseRef+" on "+n.when()+".",
			"The calendar invitation is attached.",
			"Please reply: accept, or decline and say who will go instead or whether you will send a written report.")
		if n.Kind == KindMeetingUpdate {
			subject = "Updated invitation: " + meeting + ", case " + n.CaseRef
			lines[0] = "The " + meeting + " about case " + n.CaseRef + " has changed. It is now on " + n.when() + "."
		}
		replyLinks = true
	case KindMeetingCancel:
		subject = "Cancelled: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "The "+meeting+" about case "+n.CaseRef+" on "+n.when()+" has been cancelled.",
			"The attached cancellation removes it from your calendar.")
		ct = ContentTypeCalendarCancel
	case KindMeetingReminder:
		subject = "Reminder: " + meeting + ", case " + n.CaseRef
		in := fmt.Sprintf("in %d days", n.Days)
		if n.Days == 1 {
			in = "tomorrow"
		}
		lines = append(lines, "Reminder: the "+meeting+" about case "+n.CaseRef+" is "+in+", on "+n.when()+".",
			"Before the meeting read the referral, the meeting information and the previous minutes, check the case files and prepare an update.")
	case KindReplyChaser:
		subject = "Reply needed: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "You have not yet replied to the invitation to the "+meeting+" about case "+n.CaseRef+" on "+n.when()+".",
			"Please accept, or decline and say who will go instead or whether you will send a written report.")
		replyLinks = true
	case KindReportDue:
		subject = "Written report due: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "Nobody from the council can attend the "+meeting+" about case "+n.CaseRef+" on "+n.when()+".",
			"A written report must be sent to the chair before the meeting. Record it in MAPPA Coordinator when it has gone.")
	case KindAttendanceDue:
		subject = "Record attendance: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "The "+meeting+" about case "+n.CaseRef+" was held on "+n.when()+".",
			"Please record who attended.")
	case KindEscalationChair:
		subject = "Non-attendance: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "The council's invited attendee did not attend the "+meeting+" about case "+n.CaseRef+" on "+n.when()+" and no explanation has been recorded.",
			"The chair is being told; the business support officer is asking the attendee why.")
	case KindEscalationManager:
		subject = "Unexplained non-attendance: " + meeting + ", case " + n.CaseRef
		lines = append(lines, "A member of your team did not attend the "+meeting+" about case "+n.CaseRef+" on "+n.when()+", and it is still unexplained.",
			"Please follow this up and record the reason in MAPPA Coordinator.")
	case KindEscalationBoard:
		subject = "Repeated non-attendance for the Strategic Management Board: case " + n.CaseRef
		lines = append(lines, "The council has failed to attend MAPPA meetings more than once without explanation, most recently the "+meeting+" about case "+n.CaseRef+" on "+n.when()+".",
			"As MAPPA co-ordinator, please put this to the Strategic Management Board.")
	default:
		return Message{}, fmt.Errorf("outbox: meeting email: unknown kind %q", n.Kind)
	}
	if n.Urgent {
		subject = "URGENT, SHORT NOTICE: " + subject
		lines = append([]string{"Short notice: this meeting is less than 14 days away."}, lines...)
	}
	var text, html strings.Builder
	for _, l := range lines {
		text.WriteString(l + "\n\n")
		fmt.Fprintf(&html, "<p>%s</p>\n", htmlEscape(l))
	}
	if replyLinks && n.AcceptURL != "" && n.DeclineURL != "" {
		fmt.Fprintf(&text, "Accept: %s\n\nDecline: %s\n\n", n.AcceptURL, n.DeclineURL)
		fmt.Fprintf(&html, "<p><a href=\"%s\">Accept</a></p>\n<p><a href=\"%s\">Decline</a></p>\n", htmlEscape(n.AcceptURL), htmlEscape(n.DeclineURL))
	}
	fmt.Fprintf(&text, "Open the meeting in MAPPA Coordinator:\n%s\n", link)
	fmt.Fprintf(&html, "<p><a href=\"%s\">Open the meeting in MAPPA Coordinator</a></p>\n", link)
	m := Message{ID: n.ID, Kind: n.Kind, To: n.To, Subject: subject, Text: text.String(), HTML: html.String(), CaseRef: n.CaseRef}
	if len(n.Calendar) > 0 {
		m.Attachments = []Attachment{{Filename: "meeting.ics", ContentType: ct, Data: n.Calendar}}
	}
	return m.validated()
}

// DueWork is a reminder of work coming due or overdue (reviews, actions,
// tasks, supervision, internal risk meetings, DBS re-checks).
type DueWork struct {
	ID      string
	To      []string
	CaseRef string // "" for work about staff (DBS)
	// What says what is due, from a fixed list (see DueWorkWhat).
	What   string
	DueOn  string // yyyy-mm-dd
	AppURL string
	Path   string
	Urgent bool
}

// DueWorkWhat maps a due kind to the words the email uses.
var DueWorkWhat = map[string]string{
	"invite":         "Invitations to a MAPPA meeting have not all been sent (nobody is chosen for a place, or a chosen person has no work email)",
	"review-due":     "A MAPPA review is due within 14 days and no meeting is booked",
	"review-overdue": "A MAPPA review is overdue",
	"action-due":     "An action or task is coming due",
	"action-overdue": "An action or task is overdue",
	"supervision":    "Supervision of this new case is due (within 4 weeks of allocation)",
	"risk-meeting":   "The monthly internal risk meeting (high or very high risk) is due",
	"risk-emergency": "Risk has risen: an emergency internal risk meeting is needed now",
	"dbs":            "A DBS re-check is due",
}

// NewDueWorkEmail builds a due-work reminder.
func NewDueWorkEmail(d DueWork) (Message, error) {
	what, ok := DueWorkWhat[d.What]
	if !ok {
		return Message{}, fmt.Errorf("outbox: due email: unknown kind %q", d.What)
	}
	if d.CaseRef != "" && !refPattern.MatchString(d.CaseRef) {
		return Message{}, errors.New("outbox: due email: case reference must be letters, digits, / _ -")
	}
	link, err := appLink(d.AppURL, escapePath(d.Path))
	if err != nil {
		return Message{}, fmt.Errorf("outbox: due email: %w", err)
	}
	subject := what
	body := what
	if d.CaseRef != "" {
		subject += ": case " + d.CaseRef
		body += " (case " + d.CaseRef + ")"
	}
	if d.DueOn != "" {
		body += ". Due on " + d.DueOn
	}
	body += "."
	if d.Urgent {
		subject = "URGENT: " + subject
	}
	m := Message{ID: d.ID, Kind: KindDueWork, To: d.To, Subject: subject, CaseRef: d.CaseRef,
		Text: body + "\n\nOpen MAPPA Coordinator:\n" + link + "\n",
		HTML: "<p>" + htmlEscape(body) + "</p>\n<p><a href=\"" + link + "\">Open MAPPA Coordinator</a></p>\n"}
	return m.validated()
}

// Digest is the monthly summary for managers: counts only.
type Digest struct {
	ID     string
	To     []string
	Month  string // yyyy-mm
	Counts []DigestCount
	AppURL string
}

// DigestCount is one line of the digest.
type DigestCount struct {
	Label string // from the sweep's fixed wording
	N     int
}

// NewDigestEmail builds the monthly digest.
func NewDigestEmail(d Digest) (Message, error) {
	link, err := appLink(d.AppURL, "/")
	if err != nil {
		return Message{}, fmt.Errorf("outbox: digest: %w", err)
	}
	var text, html strings.Builder
	text.WriteString("MAPPA Coordinator: the month to " + d.Month + ".\n\n")
	html.WriteString("<p>MAPPA Coordinator: the month to " + htmlEscape(d.Month) + ".</p>\n<ul>\n")
	for _, c := range d.Counts {
		fmt.Fprintf(&text, "%s: %d\n", c.Label, c.N)
		fmt.Fprintf(&html, "<li>%s: %d</li>\n", htmlEscape(c.Label), c.N)
	}
	html.WriteString("</ul>\n")
	text.WriteString("\nOpen MAPPA Coordinator:\n" + link + "\n")
	html.WriteString("<p><a href=\"" + link + "\">Open MAPPA Coordinator</a></p>\n")
	m := Message{ID: d.ID, Kind: KindMonthlyDigest, To: d.To, Subject: "MAPPA monthly digest: " + d.Month,
		Text: text.String(), HTML: html.String()}
	return m.validated()
}

func escapePath(p string) string {
	if p == "" {
		return "/"
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	out := strings.Join(parts, "/")
	if !strings.HasPrefix(out, "/") {
		out = "/" + out
	}
	return out
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
