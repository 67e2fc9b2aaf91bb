// Package outbox queues the system's email and sends it reliably.
//
// An email is an item in the outbox table written in the SAME DynamoDB
// transaction as the change that causes it (Enqueue), so a change is never
// committed without its email and an email is never queued for a change that
// did not happen. The mailer function then sends it (Dispatcher.Dispatch,
// driven by the outbox table's stream) through a Sender (the SES adapter in
// shared/email), marks it sent with the SES message id, and retries with
// exponential backoff when sending fails (Dispatcher.Sweep, driven by a
// one-minute schedule).
//
// # What an email may say
//
// Email leaves the council's systems and sits in mailboxes we do not control.
// It therefore NEVER carries a person's name, alias, date of birth, address,
// offences or any free text about a person: only a case reference, ids,
// counts and flags, and a link to the app where a signed-in member of staff
// sees the rest. Checking arbitrary text for personal data is not feasible,
// so this package does not try: messages are built only by the typed
// templates in this package (NewReferralEmail, ...), whose inputs are ids
// from a restricted alphabet, small numbers, booleans and the app's origin.
// Add a new template here (with a test) rather than building a Message by
// hand in a feature package.
package outbox

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/lazyre"
)

// Kind names what an email is about; it is stored with the email and used
// as an SES message tag.
type Kind string

// Kinds of email sent today.
const (
	KindReferralNew Kind = "referral.new"
	// KindReferrerUpdate tells a referrer that the council needs more
	// information or has declined their referral.
	KindReferrerUpdate Kind = "referral.referrer-update"
)

// ContentTypeCalendarRequest is the content type of a calendar invitation
// attachment (an iCalendar file with METHOD:REQUEST).
const ContentTypeCalendarRequest = "text/calendar; method=REQUEST; charset=UTF-8"

// Limits that keep an outbox item well under DynamoDB's 400 KB item size.
const (
	MaxRecipients     = 50
	MaxBodyBytes      = 100 << 10
	MaxAttachmentSize = 100 << 10
)

// Message is one email. Build it with a template (NewReferralEmail, ...),
// never by hand from data about a person.
type Message struct {
	// ID identifies the email and is chosen by the caller deterministically
	// from its cause (e.g. "referral-new-<referralId>"), so a replayed cause
	// cannot queue the email twice.
	ID          string
	Kind        Kind
	To          []string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	// CaseRef is the case reference the email is about ("" if none).
	CaseRef string
	// CreatedAt is set by Enqueue when zero.
	CreatedAt time.Time
}

// Attachment is a file attached to an email (e.g. a calendar invitation).
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

var (
	idPattern  = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$`)
	refPattern = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9/_-]{0,63}$`)
)

// validated returns m if it is a message the outbox may send, else the
// zero Message and Validate's error.
func (m Message) validated() (Message, error) {
	if err := m.Validate(); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Validate checks that m is well formed: an id from the restricted
// alphabet, at least one valid recipient, a one-line subject, a text body,
// and attachments within the size limits. It does not (and cannot) prove
// the content free of personal data: that is the templates' job.
func (m Message) Validate() error {
	var errs []error
	if !idPattern.MatchString(m.ID) {
		errs = append(errs, errors.New("id must be 1-200 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit"))
	}
	if m.Kind == "" {
		errs = append(errs, errors.New("kind is required"))
	}
	if len(m.To) == 0 || len(m.To) > MaxRecipients {
		errs = append(errs, fmt.Errorf("between 1 and %d recipients are required", MaxRecipients))
	}
	for i, to := range m.To {
		if a, err := mail.ParseAddress(to); err != nil || a.Address != to {
			errs = append(errs, fmt.Errorf("recipient %d is not a plain email address", i))
		}
	}
	if strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n") {
		errs = append(errs, errors.New("subject must be one non-empty line"))
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("a text body is required"))
	}
	if len(m.Text)+len(m.HTML) > MaxBodyBytes {
		errs = append(errs, fmt.Errorf("bodies exceed %d bytes", MaxBodyBytes))
	}
	if m.CaseRef != "" && !refPattern.MatchString(m.CaseRef) {
		errs = append(errs, errors.New("case reference must be 1-64 characters of A-Z a-z 0-9 / _ -"))
	}
	total := 0
	for i, a := range m.Attachments {
		if a.Filename == "" || strings.ContainsAny(a.Filename, "\r\n\"/\\") {
			errs = append(errs, fmt.Errorf("attachment %d needs a plain file name", i))
		}
		if a.ContentType == "" || strings.ContainsAny(a.ContentType, "\r\n") {
			errs = append(errs, fmt.Errorf("attachment %d needs a content type", i))
		}
		total += len(a.Data)
	}
	if total > MaxAttachmentSize {
		errs = append(errs, fmt.Errorf("attachments exceed %d bytes", MaxAttachmentSize))
	}
	if len(errs) > 0 {
		return fmt.Errorf("outbox: invalid message %q: %w", m.ID, errors.Join(errs...))
	}
	return nil
}

// ReferralNotice is everything the "new referral" email may say. Every
// field is an id, a small number or a flag: there is deliberately no field
// that could carry a name, an address, a date of birth or an offence.
type ReferralNotice struct {
	// To is the council's MAPPA inbox (wiring.Config.MappaInbox).
	To         string
	ReferralID string
	// CaseRef is the case reference (ids alphabet: letters, digits, / _ -).
	CaseRef string
	// Category is the suggested MAPPA category 1-4; 0 when the engine found
	// the person not eligible or could not decide (the app says which).
	Category int
	// SuggestedLevel is 1-3; 0 when there is none.
	SuggestedLevel int
	// ShortNotice is true when the meeting is less than 14 days away.
	ShortNotice bool
	// MeetingInDays is how many days away the meeting is (used when
	// ShortNotice is set, or when positive).
	MeetingInDays int
	// AppURL is the app's origin, e.g. https://mappa.example.gov.uk; the
	// email links to AppURL + ReferralPath + ReferralID.
	AppURL string
}

// ReferralPath is the app path of a referral; the email's link is
// AppURL + ReferralPath + <referral id>.
const ReferralPath = "/referrals/"

// ReferralEmailID is the outbox id of the "new referral" email for a
// referral: one email per referral, however often its cause is replayed.
func ReferralEmailID(referralID string) string { return "referral-new-" + referralID }

// NewReferralEmail builds the email telling the MAPPA inbox that a referral
// has arrived and been classified.
func NewReferralEmail(n ReferralNotice) (Message, error) {
	if !refPattern.MatchString(n.ReferralID) {
		return Message{}, errors.New("outbox: referral email: referral id must be letters, digits, / _ -")
	}
	if !refPattern.MatchString(n.CaseRef) {
		return Message{}, errors.New("outbox: referral email: case reference must be letters, digits, / _ -")
	}
	if n.Category < 0 || n.Category > 4 {
		return Message{}, fmt.Errorf("outbox: referral email: category %d out of range 0-4", n.Category)
	}
	if n.SuggestedLevel < 0 || n.SuggestedLevel > 3 {
		return Message{}, fmt.Errorf("outbox: referral email: level %d out of range 0-3", n.SuggestedLevel)
	}
	link, err := appLink(n.AppURL, ReferralPath+url.PathEscape(n.ReferralID))
	if err != nil {
		return Message{}, fmt.Errorf("outbox: referral email: %w", err)
	}

	subject := "New MAPPA referral: case " + n.CaseRef
	if n.ShortNotice {
		subject = "SHORT NOTICE: " + subject
	}
	category := "not determined (see the app)"
	if n.Category > 0 {
		category = fmt.Sprint(n.Category)
	}
	level := "none"
	if n.SuggestedLevel > 0 {
		level = fmt.Sprint(n.SuggestedLevel)
	}
	var meeting string
	switch {
	case n.ShortNotice && n.MeetingInDays <= 0:
		meeting = "Short notice: the meeting is today or has passed."
	case n.ShortNotice && n.MeetingInDays == 1:
		meeting = "Short notice: the meeting is tomorrow."
	case n.ShortNotice:
		meeting = fmt.Sprintf("Short notice: the meeting is in %d days.", n.MeetingInDays)
	case n.MeetingInDays > 0:
		meeting = fmt.Sprintf("The meeting is in %d days.", n.MeetingInDays)
	}

	var text strings.Builder
	fmt.Fprintf(&text, "A new MAPPA referral has been received and classified.\n\n")
	fmt.Fprintf(&text, "Case reference: %s\nSuggested category: %s\nSuggested level: %s\n", n.CaseRef, category, level)
	if meeting != "" {
		fmt.Fprintf(&text, "%s\n", meeting)
	}
	fmt.Fprintf(&text, "\nOpen the referral in MAPPA Coordinator to review it:\n%s\n", link)

	var html strings.Builder
	html.WriteString("<p>A new MAPPA referral has been received and classified.</p>\n<ul>\n")
	fmt.Fprintf(&html, "<li>Case reference: %s</li>\n<li>Suggested category: %s</li>\n<li>Suggested level: %s</li>\n", n.CaseRef, category, level)
	html.WriteString("</ul>\n")
	if meeting != "" {
		fmt.Fprintf(&html, "<p><strong>%s</strong></p>\n", meeting)
	}
	fmt.Fprintf(&html, "<p><a href=\"%s\">Open the referral in MAPPA Coordinator</a></p>\n", link)

	m := Message{
		ID:      ReferralEmailID(n.ReferralID),
		Kind:    KindReferralNew,
		To:      []string{n.To},
		Subject: subject,
		Text:    text.String(),
		HTML:    html.String(),
		CaseRef: n.CaseRef,
	}
	return m.validated()
}

// appLink joins the app origin and a path, refusing anything but a bare
// http(s) origin (no user info, query or fragment). The path is built from
// escaped ids only, so it is safe in HTML attribute and text positions.
func appLink(origin, path string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("app URL must be an http(s) origin such as https://mappa.example.gov.uk")
	}
	return u.Scheme + "://" + u.Host + path, nil
}

// ReferrerUpdate is everything the email to a referrer may say when the
// council asks for more information or declines a referral: ids and the
// kind of decision only. The reason is deliberately not in it (it may name
// people); the referrer reads it through the agency API.
type ReferrerUpdate struct {
	// To is the referrer's email address, as the referral gave it.
	To string
	// ReferralID is the council's id for the referral.
	ReferralID string
	// DecisionID identifies the decision, so a replay queues one email.
	DecisionID string
	// MoreInformation is true when more information is needed; false when
	// the referral was declined.
	MoreInformation bool
}

// ReferrerUpdateEmailID is the outbox id of the email about one decision.
func ReferrerUpdateEmailID(decisionID string) string { return "referrer-update-" + decisionID }

// NewReferrerUpdateEmail builds the email telling a referrer that their
// referral needs more information or was declined, and how to answer.
func NewReferrerUpdateEmail(n ReferrerUpdate) (Message, error) {
	if !refPattern.MatchString(n.ReferralID) || !refPattern.MatchString(n.DecisionID) {
		return Message{}, errors.New("outbox: referrer email: ids must be letters, digits, / _ -")
	}
	status := "/v1/referrals/" + n.ReferralID
	var subject string
	var text strings.Builder
	if n.MoreInformation {
		subject = "MAPPA referral " + n.ReferralID + ": more information needed"
		fmt.Fprintf(&text, "The council's MAPPA team needs more information about your referral %s before it can decide.\n\n", n.ReferralID)
		fmt.Fprintf(&text, "What is needed is in the referral's status: GET %s through your agency's connection to MAPPA Coordinator.\n", status)
		fmt.Fprintf(&text, "Send the information with POST %s/information. If you sent the referral by email, reply to the MAPPA inbox quoting %s.\n", status, n.ReferralID)
	} else {
		subject = "MAPPA referral " + n.ReferralID + ": declined"
		fmt.Fprintf(&text, "The council's MAPPA team has declined your referral %s.\n\n", n.ReferralID)
		fmt.Fprintf(&text, "The reason is in the referral's status: GET %s through your agency's connection to MAPPA Coordinator, or ask the MAPPA inbox quoting %s.\n", status, n.ReferralID)
	}
	text.WriteString("\nThis email holds no personal information on purpose.\n")
	m := Message{
		ID:      ReferrerUpdateEmailID(n.DecisionID),
		Kind:    KindReferrerUpdate,
		To:      []string{n.To},
		Subject: subject,
		Text:    text.String(),
		CaseRef: n.ReferralID,
	}
	return m.validated()
}
