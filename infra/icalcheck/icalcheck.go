// Package icalcheck checks iCalendar output in tests with a real RFC 5545
// parser: the npm package ical.js, run with node from the project's
// node_modules (parse.mjs), plus the line-level rules ical.js tolerates.
// It is a test helper and never deployed.
package icalcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Calendar is what a calendar client reads from an invitation.
type Calendar struct {
	Method      string     `json:"method"`
	ProdID      string     `json:"prodid"`
	Timezones   []string   `json:"timezones"`
	UID         string     `json:"uid"`
	Sequence    int        `json:"sequence"`
	Summary     string     `json:"summary"`
	Location    string     `json:"location"`
	Description string     `json:"description"`
	URL         string     `json:"url"`
	Status      string     `json:"status"`
	Start       time.Time  `json:"start"`
	End         time.Time  `json:"end"`
	StartTZID   string     `json:"startTzid"`
	Organizer   string     `json:"organizer"`
	Attendees   []Attendee `json:"attendees"`
}

// Attendee is an ATTENDEE property.
type Attendee struct {
	Value    string `json:"value"`
	Role     string `json:"role"`
	PartStat string `json:"partstat"`
}

// Parse parses ics with ical.js and fails the test if it is refused.
func Parse(t testing.TB, ics []byte) Calendar {
	t.Helper()
	c, err := TryParse(ics)
	if err != nil {
		t.Fatalf("icalcheck: %v\n%s", err, ics)
	}
	return c
}

// TryParse parses ics with ical.js and returns the parser's refusal as an
// error.
func TryParse(ics []byte) (Calendar, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	cmd := exec.Command("node", filepath.Join(dir, "parse.mjs"))
	cmd.Dir = filepath.Join(dir, "..", "..") // node_modules at the repository root
	cmd.Stdin = bytes.NewReader(ics)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1")
	if err := cmd.Run(); err != nil {
		return Calendar{}, &Error{Msg: stderr.String(), Err: err}
	}
	var c Calendar
	if err := json.Unmarshal(stdout.Bytes(), &c); err != nil {
		return Calendar{}, &Error{Msg: "decode: " + stdout.String(), Err: err}
	}
	return c, nil
}

// Error is a refusal by the parser.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg + " (" + e.Err.Error() + ")" }
func (e *Error) Unwrap() error { return e.Err }
