// Package ical writes iCalendar (RFC 5545) meeting invitations and
// cancellations that Outlook and Google Calendar accept: METHOD:REQUEST or
// METHOD:CANCEL, one VEVENT with a UID that stays the same for the life of
// a meeting and a SEQUENCE the caller raises on every change, times in
// Europe/London with the VTIMEZONE that defines it, TEXT values escaped
// (RFC 5545 3.3.11) and content lines folded at 75 octets (3.1) with CRLF
// line ends.
//
// What goes in an invitation leaves the council's systems, so the caller
// passes only a case reference, a link and generic words: never names,
// offences or addresses (see shared/outbox).
package ical

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/lazyre"
)

// Method is the iTIP method (RFC 5546) of a calendar object.
type Method string

// Methods used for meetings.
const (
	MethodRequest Method = "REQUEST"
	MethodCancel  Method = "CANCEL"
)

// TZID is the only time zone invitations use.
const TZID = "Europe/London"

// ProdID identifies the product that wrote the calendar.
const ProdID = "-//MAPPA Coordinator//Meetings//EN"

// Attendee is one invited mailbox. No display name is written: a name in
// an invitation is personal data the system does not need to send.
type Attendee struct {
	Email string
	// Optional marks an OPT-PARTICIPANT (e.g. a single point of contact
	// told of a short-notice meeting); otherwise REQ-PARTICIPANT.
	Optional bool
}

// Event is one meeting.
type Event struct {
	// UID is stable for the meeting (e.g. "meeting-<id>@<domain>"): an
	// update or cancellation with the same UID replaces the earlier one.
	UID string
	// Sequence starts at 0 and is raised on every change (time, place,
	// attendees, cancellation).
	Sequence int
	// Stamp is when this version was written (DTSTAMP).
	Stamp      time.Time
	Start, End time.Time
	Summary    string
	// Location is generic ("MAPPA meeting room, see the app"), never an
	// address linked to a person.
	Location    string
	Description string
	// URL links to the meeting in the app.
	URL string
	// Organizer is the sending mailbox.
	Organizer     string
	OrganizerName string
	Attendees     []Attendee
}

var uidPattern = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$`)

// Validate checks what the calendar needs.
func (e Event) Validate() error {
	var errs []error
	if !uidPattern.MatchString(e.UID) {
		errs = append(errs, errors.New("uid must be 1-255 characters of A-Z a-z 0-9 . _ @ -"))
	}
	if e.Sequence < 0 {
		errs = append(errs, errors.New("sequence must not be negative"))
	}
	if e.Stamp.IsZero() || e.Start.IsZero() || e.End.IsZero() {
		errs = append(errs, errors.New("stamp, start and end are required"))
	}
	if !e.End.After(e.Start) {
		errs = append(errs, errors.New("end must be after start"))
	}
	if strings.TrimSpace(e.Summary) == "" {
		errs = append(errs, errors.New("summary is required"))
	}
	if a, err := mail.ParseAddress(e.Organizer); err != nil || a.Address != e.Organizer {
		errs = append(errs, errors.New("organizer must be a plain email address"))
	}
	if len(e.Attendees) == 0 {
		errs = append(errs, errors.New("at least one attendee is required"))
	}
	for i, at := range e.Attendees {
		if a, err := mail.ParseAddress(at.Email); err != nil || a.Address != at.Email {
			errs = append(errs, fmt.Errorf("attendee %d must be a plain email address", i))
		}
	}
	return errors.Join(errs...)
}

// Request returns the METHOD:REQUEST calendar for e (a new invitation or an
// update to one).
func Request(e Event) ([]byte, error) { return write(MethodRequest, e) }

// Cancel returns the METHOD:CANCEL calendar for e. Its Sequence must be
// higher than the last request's.
func Cancel(e Event) ([]byte, error) { return write(MethodCancel, e) }

// London is the location invitation times are written in.
var London = mustLoad(TZID)

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("ical: time zone " + name + ": " + err.Error())
	}
	return l
}

const (
	localLayout = "20060102T150405"
	utcLayout   = "20060102T150405Z"
)

// vtimezone defines Europe/London's rules (GMT, and BST from the last
// Sunday in March at 01:00 UTC to the last Sunday in October at 01:00 UTC),
// which is what Outlook and Google Calendar expect alongside TZID
// references.
var vtimezone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:" + TZID,
	"X-LIC-LOCATION:" + TZID,
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0000",
	"TZOFFSETTO:+0100",
	"TZNAME:BST",
	"DTSTART:19700329T010000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0000",
	"TZNAME:GMT",
	"DTSTART:19701025T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

func write(method Method, e Event) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("ical: %w", err)
	}
	var b bytes.Buffer
	line := func(s string) { writeFolded(&b, s) }
	line("BEGIN:VCALENDAR")
	line("PRODID:" + ProdID)
	line("VERSION:2.0")
	line("CALSCALE:GREGORIAN")
	line("METHOD:" + string(method))
	for _, l := range vtimezone {
		line(l)
	}
	line("BEGIN:VEVENT")
	line("UID:" + e.UID)
	line(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
	line("DTSTAMP:" + e.Stamp.UTC().Format(utcLayout))
	line("DTSTART;TZID=" + TZID + ":" + e.Start.In(London).Format(localLayout))
	line("DTEND;TZID=" + TZID + ":" + e.End.In(London).Format(localLayout))
	line("SUMMARY:" + Text(e.Summary))
	if e.Location != "" {
		line("LOCATION:" + Text(e.Location))
	}
	if e.Description != "" {
		line("DESCRIPTION:" + Text(e.Description))
	}
	if e.URL != "" {
		line("URL:" + e.URL)
	}
	org := "ORGANIZER"
	if e.OrganizerName != "" {
		org += ";CN=" + Param(e.OrganizerName)
	}
	line(org + ":mailto:" + e.Organizer)
	for _, a := range e.Attendees {
		role := "REQ-PARTICIPANT"
		if a.Optional {
			role = "OPT-PARTICIPANT"
		}
		partstat := "NEEDS-ACTION"
		if method == MethodCancel {
			partstat = "DECLINED"
		}
		line("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=" + role + ";PARTSTAT=" + partstat + ";RSVP=FALSE:mailto:" + a.Email)
	}
	if method == MethodCancel {
		line("STATUS:CANCELLED")
	} else {
		line("STATUS:CONFIRMED")
	}
	line("TRANSP:OPAQUE")
	line("CLASS:CONFIDENTIAL")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes(), nil
}

// Text escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and
// comma are escaped, line breaks become \n, other control characters are
// dropped.
func Text(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			// control characters are not allowed in TEXT
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Param makes a parameter value: quoted when it holds ; : or , and never
// containing a double quote or control character (RFC 5545 3.1 paramtext
// and quoted-string).
func Param(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '"' || r < 0x20 || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	v := b.String()
	if strings.ContainsAny(v, ";:,") {
		return `"` + v + `"`
	}
	return v
}

// MaxLineOctets is the longest content line RFC 5545 3.1 allows, not
// counting the line break.
const MaxLineOctets = 75

// writeFolded writes one content line, folded so that no physical line is
// longer than 75 octets (a continuation line starts with one space, which
// counts), never splitting a UTF-8 sequence, and ended with CRLF.
func writeFolded(b *bytes.Buffer, s string) {
	limit := MaxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = MaxLineOctets - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
