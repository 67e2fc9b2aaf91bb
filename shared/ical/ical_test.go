package ical_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/infra/icalcheck"
	"github.com/mappa-coordinator/mappa/shared/ical"
)

func event() ical.Event {
	return ical.Event{
		UID:           "meeting-01JD5Z0000000000000000000@mappa.example.gov.uk",
		Sequence:      0,
		Stamp:         time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
		Start:         time.Date(2027, 1, 7, 10, 0, 0, 0, ical.London),
		End:           time.Date(2027, 1, 7, 11, 30, 0, 0, ical.London),
		Summary:       "MAPPA level 3 meeting: case C-2026-0042",
		Location:      "See the meeting in MAPPA Coordinator",
		Description:   "Case reference: C-2026-0042\nReply and see the papers: https://mappa.example.gov.uk/meetings/M1",
		URL:           "https://mappa.example.gov.uk/meetings/M1",
		Organizer:     "mappa-coordinator@example.gov.uk",
		OrganizerName: "MAPPA Coordinator",
		Attendees:     []ical.Attendee{{Email: "sm.one@example.gov.uk"}, {Email: "spoc@example.gov.uk", Optional: true}},
	}
}

func TestRequestParsesWithICALJS(t *testing.T) {
	b, err := ical.Request(event())
	if err != nil {
		t.Fatal(err)
	}
	c := icalcheck.Parse(t, b)
	if c.Method != "REQUEST" || c.Status != "CONFIRMED" || c.Sequence != 0 {
		t.Errorf("method %q status %q sequence %d", c.Method, c.Status, c.Sequence)
	}
	if c.UID != event().UID || c.Summary != event().Summary || c.Description != event().Description {
		t.Errorf("uid/summary/description round trip: %+v", c)
	}
	if len(c.Timezones) != 1 || c.Timezones[0] != "Europe/London" || c.StartTZID != "Europe/London" {
		t.Errorf("time zones %v, start zone %q", c.Timezones, c.StartTZID)
	}
	// 10:00 in January (GMT) is 10:00 UTC.
	if want := time.Date(2027, 1, 7, 10, 0, 0, 0, time.UTC); !c.Start.Equal(want) {
		t.Errorf("start %v, want %v", c.Start, want)
	}
	if len(c.Attendees) != 2 || c.Attendees[0].Value != "mailto:sm.one@example.gov.uk" ||
		c.Attendees[0].Role != "REQ-PARTICIPANT" || c.Attendees[1].Role != "OPT-PARTICIPANT" {
		t.Errorf("attendees %+v", c.Attendees)
	}
}

func TestSummerTimeIsBST(t *testing.T) {
	e := event()
	e.Start = time.Date(2027, 7, 1, 14, 0, 0, 0, ical.London)
	e.End = e.Start.Add(time.Hour)
	b, err := ical.Request(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("DTSTART;TZID=Europe/London:20270701T140000\r\n")) {
		t.Errorf("local start not written:\n%s", b)
	}
	c := icalcheck.Parse(t, b)
	if want := time.Date(2027, 7, 1, 13, 0, 0, 0, time.UTC); !c.Start.Equal(want) {
		t.Errorf("start %v, want %v (14:00 BST)", c.Start, want)
	}
}

func TestUpdateAndCancelKeepUIDAndRaiseSequence(t *testing.T) {
	e := event()
	e.Sequence = 1
	e.Start = e.Start.Add(24 * time.Hour)
	e.End = e.End.Add(24 * time.Hour)
	up, err := ical.Request(e)
	if err != nil {
		t.Fatal(err)
	}
	cu := icalcheck.Parse(t, up)
	e.Sequence = 2
	cn, err := ical.Cancel(e)
	if err != nil {
		t.Fatal(err)
	}
	cc := icalcheck.Parse(t, cn)
	if cu.UID != cc.UID || cu.UID != event().UID {
		t.Errorf("uid changed: %q %q", cu.UID, cc.UID)
	}
	if cu.Sequence != 1 || cc.Sequence != 2 {
		t.Errorf("sequences %d, %d", cu.Sequence, cc.Sequence)
	}
	if cc.Method != "CANCEL" || cc.Status != "CANCELLED" {
		t.Errorf("cancel: method %q status %q", cc.Method, cc.Status)
	}
}

func TestEscapingAndFolding(t *testing.T) {
	e := event()
	e.Summary = "Review; agenda, items \\ and a very long summary line that certainly needs folding because it is long — ünïcödé ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓"
	e.Description = strings.Repeat("é", 200) + "\r\nline two"
	b, err := ical.Request(e)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(l) > ical.MaxLineOctets {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence", i)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare line break", i)
		}
	}
	c := icalcheck.Parse(t, b)
	if c.Summary != e.Summary {
		t.Errorf("summary round trip:\n got %q\nwant %q", c.Summary, e.Summary)
	}
	if c.Description != strings.Repeat("é", 200)+"\nline two" {
		t.Errorf("description round trip: %q", c.Description)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`a;b,c\d`:   `a\;b\,c\\d`,
		"x\ny\r\nz": `x\ny\nz`,
		"bell\a":    "bell",
	} {
		if got := ical.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ical.Param(`a "b": c`); got != `"a b: c"` {
		t.Errorf("Param = %q", got)
	}
}

func TestInvalidEventsAreRefused(t *testing.T) {
	for name, mut := range map[string]func(*ical.Event){
		"bad uid":      func(e *ical.Event) { e.UID = "has space" },
		"no attendees": func(e *ical.Event) { e.Attendees = nil },
		"end first":    func(e *ical.Event) { e.End = e.Start },
		"bad attendee": func(e *ical.Event) { e.Attendees = []ical.Attendee{{Email: "Name <a@b.c>"}} },
		"no summary":   func(e *ical.Event) { e.Summary = " " },
		"negative seq": func(e *ical.Event) { e.Sequence = -1 },
	} {
		e := event()
		mut(&e)
		if _, err := ical.Request(e); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The checker itself must refuse what is wrong, or the tests above prove
// nothing.
func TestCheckerRefusesBrokenCalendars(t *testing.T) {
	good, err := ical.Request(event())
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"LF line ends": bytes.ReplaceAll(good, []byte("\r\n"), []byte("\n")),
		"long line":    bytes.Replace(good, []byte("SUMMARY:"), []byte("SUMMARY:"+strings.Repeat("x", 80)), 1),
		"no vtimezone": bytes.Replace(good, []byte("TZID:Europe/London\r\n"), []byte("TZID:Europe/Paris\r\n"), 1),
		"no uid":       bytes.Replace(good, []byte("UID:"), []byte("X-UID:"), 1),
		"unclosed":     bytes.Replace(good, []byte("END:VEVENT\r\n"), nil, 1),
		"garbage":      []byte("hello\r\n"),
	} {
		var perr *icalcheck.Error
		if _, err := icalcheck.TryParse(bad); !errors.As(err, &perr) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}
