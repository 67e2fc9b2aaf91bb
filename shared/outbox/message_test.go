package outbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func validNotice() outbox.ReferralNotice {
	return outbox.ReferralNotice{
		To:             "mappa-inbox@example.gov.uk",
		ReferralID:     "01jd2x7k3m9q4r5s6t7v8w9x0y",
		CaseRef:        "MC-2026-000123",
		Category:       2,
		SuggestedLevel: 2,
		MeetingInDays:  21,
		AppURL:         "https://mappa.example.gov.uk",
	}
}

func TestNewReferralEmail(t *testing.T) {
	tests := []struct {
		name         string
		change       func(*outbox.ReferralNotice)
		subject      string
		textHas      []string
		textHasNot   []string
		htmlHas      []string
		wantErrMatch string
	}{
		{
			name:    "ordinary referral",
			change:  func(*outbox.ReferralNotice) {},
			subject: "New MAPPA referral: case MC-2026-000123",
			textHas: []string{"Case reference: MC-2026-000123", "Suggested category: 2", "Suggested level: 2",
				"The meeting is in 21 days.", "https://mappa.example.gov.uk/referrals/01jd2x7k3m9q4r5s6t7v8w9x0y"},
			textHasNot: []string{"Short notice"},
			htmlHas:    []string{`<a href="https://mappa.example.gov.uk/referrals/01jd2x7k3m9q4r5s6t7v8w9x0y">`},
		},
		{
			name:    "short notice",
			change:  func(n *outbox.ReferralNotice) { n.ShortNotice, n.MeetingInDays = true, 6 },
			subject: "SHORT NOTICE: New MAPPA referral: case MC-2026-000123",
			textHas: []string{"Short notice: the meeting is in 6 days."},
			htmlHas: []string{"<strong>Short notice: the meeting is in 6 days.</strong>"},
		},
		{
			name:    "short notice tomorrow",
			change:  func(n *outbox.ReferralNotice) { n.ShortNotice, n.MeetingInDays = true, 1 },
			subject: "SHORT NOTICE: New MAPPA referral: case MC-2026-000123",
			textHas: []string{"Short notice: the meeting is tomorrow."},
		},
		{
			name:    "short notice today",
			change:  func(n *outbox.ReferralNotice) { n.ShortNotice, n.MeetingInDays = true, 0 },
			subject: "SHORT NOTICE: New MAPPA referral: case MC-2026-000123",
			textHas: []string{"Short notice: the meeting is today or has passed."},
		},
		{
			name:       "no meeting, no category or level",
			change:     func(n *outbox.ReferralNotice) { n.MeetingInDays, n.Category, n.SuggestedLevel = 0, 0, 0 },
			subject:    "New MAPPA referral: case MC-2026-000123",
			textHas:    []string{"Suggested category: not determined (see the app)", "Suggested level: none"},
			textHasNot: []string{"meeting"},
		},
		{
			name:    "origin with trailing slash",
			change:  func(n *outbox.ReferralNotice) { n.AppURL = "http://localhost:8080/" },
			subject: "New MAPPA referral: case MC-2026-000123",
			textHas: []string{"http://localhost:8080/referrals/01jd2x7k3m9q4r5s6t7v8w9x0y"},
		},
		{name: "a name as case reference", change: func(n *outbox.ReferralNotice) { n.CaseRef = "John Smith" }, wantErrMatch: "case reference"},
		{name: "empty case reference", change: func(n *outbox.ReferralNotice) { n.CaseRef = "" }, wantErrMatch: "case reference"},
		{name: "free text as referral id", change: func(n *outbox.ReferralNotice) { n.ReferralID = "born 2010-01-01" }, wantErrMatch: "referral id"},
		{name: "category 5", change: func(n *outbox.ReferralNotice) { n.Category = 5 }, wantErrMatch: "category"},
		{name: "level 4", change: func(n *outbox.ReferralNotice) { n.SuggestedLevel = 4 }, wantErrMatch: "level"},
		{name: "app URL with a path", change: func(n *outbox.ReferralNotice) { n.AppURL = "https://x.example/people/jane" }, wantErrMatch: "origin"},
		{name: "app URL with a query", change: func(n *outbox.ReferralNotice) { n.AppURL = "https://x.example?name=jane" }, wantErrMatch: "origin"},
		{name: "app URL not http", change: func(n *outbox.ReferralNotice) { n.AppURL = "javascript:alert(1)" }, wantErrMatch: "origin"},
		{name: "no recipient", change: func(n *outbox.ReferralNotice) { n.To = "" }, wantErrMatch: "recipient"},
		{name: "recipient with display name", change: func(n *outbox.ReferralNotice) { n.To = "Jane Doe <jane@example.com>" }, wantErrMatch: "recipient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNotice()
			tt.change(&n)
			m, err := outbox.NewReferralEmail(n)
			if tt.wantErrMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrMatch) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErrMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.ID != "referral-new-"+n.ReferralID || m.ID != outbox.ReferralEmailID(n.ReferralID) {
				t.Errorf("id = %q", m.ID)
			}
			if m.Kind != outbox.KindReferralNew || m.CaseRef != n.CaseRef || len(m.To) != 1 || m.To[0] != n.To {
				t.Errorf("kind/caseRef/to = %q %q %v", m.Kind, m.CaseRef, m.To)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.textHasNot {
				if strings.Contains(strings.ToLower(m.Text), strings.ToLower(s)) {
					t.Errorf("text has %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.htmlHas {
				if !strings.Contains(m.HTML, s) {
					t.Errorf("html lacks %q:\n%s", s, m.HTML)
				}
			}
			if err := m.Validate(); err != nil {
				t.Errorf("template output does not validate: %v", err)
			}
		})
	}
}

func TestMessageValidate(t *testing.T) {
	good := outbox.Message{ID: "x-1", Kind: "test", To: []string{"a@example.gov.uk"}, Subject: "s", Text: "t"}
	tests := []struct {
		name    string
		change  func(*outbox.Message)
		wantErr string
	}{
		{name: "valid", change: func(*outbox.Message) {}},
		{name: "valid with attachment", change: func(m *outbox.Message) {
			m.Attachments = []outbox.Attachment{{Filename: "invite.ics", ContentType: outbox.ContentTypeCalendarRequest, Data: []byte("BEGIN:VCALENDAR")}}
		}},
		{name: "id with a space", change: func(m *outbox.Message) { m.ID = "a b" }, wantErr: "id must be"},
		{name: "no kind", change: func(m *outbox.Message) { m.Kind = "" }, wantErr: "kind"},
		{name: "no recipients", change: func(m *outbox.Message) { m.To = nil }, wantErr: "recipients"},
		{name: "too many recipients", change: func(m *outbox.Message) {
			m.To = make([]string, outbox.MaxRecipients+1)
			for i := range m.To {
				m.To[i] = "a@example.gov.uk"
			}
		}, wantErr: "recipients"},
		{name: "bad recipient", change: func(m *outbox.Message) { m.To = []string{"not an address"} }, wantErr: "recipient 0"},
		{name: "header injection in subject", change: func(m *outbox.Message) { m.Subject = "s\r\nBcc: x@evil.example" }, wantErr: "subject"},
		{name: "no text", change: func(m *outbox.Message) { m.Text = " " }, wantErr: "text body"},
		{name: "huge body", change: func(m *outbox.Message) { m.HTML = strings.Repeat("x", outbox.MaxBodyBytes) }, wantErr: "bodies exceed"},
		{name: "case ref with spaces", change: func(m *outbox.Message) { m.CaseRef = "Jane Doe" }, wantErr: "case reference"},
		{name: "attachment without name", change: func(m *outbox.Message) {
			m.Attachments = []outbox.Attachment{{ContentType: "text/plain", Data: []byte("x")}}
		}, wantErr: "file name"},
		{name: "attachment without type", change: func(m *outbox.Message) {
			m.Attachments = []outbox.Attachment{{Filename: "a.txt", Data: []byte("x")}}
		}, wantErr: "content type"},
		{name: "attachment too big", change: func(m *outbox.Message) {
			m.Attachments = []outbox.Attachment{{Filename: "a.bin", ContentType: "application/octet-stream", Data: make([]byte, outbox.MaxAttachmentSize+1)}}
		}, wantErr: "attachments exceed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			tt.change(&m)
			err := m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	plain := outbox.Backoff{Base: 30 * time.Second, Max: time.Hour}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := plain.Delay(i + 1); got != w {
			t.Errorf("attempt %d: delay %v, want %v", i+1, got, w)
		}
	}
	if got := plain.Delay(500); got != time.Hour {
		t.Errorf("attempt 500: delay %v, want the cap", got)
	}
	if got := (outbox.Backoff{}).Delay(1); got != 30*time.Second {
		t.Errorf("zero policy: delay %v, want the default 30s", got)
	}

	var asked []time.Duration
	jittered := outbox.Backoff{Base: 30 * time.Second, Max: time.Hour, Jitter: func(max time.Duration) time.Duration {
		asked = append(asked, max)
		return max / 2
	}}
	if got := jittered.Delay(2); got != time.Minute-6*time.Second {
		t.Errorf("jittered delay %v, want 54s", got)
	}
	if len(asked) != 1 || asked[0] != 12*time.Second {
		t.Errorf("jitter asked for %v, want [12s] (a fifth of the delay)", asked)
	}
	// A jitter source that misbehaves cannot push a delay past the cap or below 4/5 of it.
	wild := outbox.Backoff{Base: time.Minute, Max: time.Hour, Jitter: func(time.Duration) time.Duration { return 10 * time.Hour }}
	if got := wild.Delay(10); got != time.Hour {
		t.Errorf("wild jitter: delay %v", got)
	}
	for range 100 {
		if got := outbox.DefaultBackoff.Delay(3); got <= 96*time.Second || got > 2*time.Minute {
			t.Fatalf("default backoff attempt 3: %v, want in (96s, 120s]", got)
		}
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&outbox.SendError{Code: "TooManyRequestsException", Err: errors.New("x")}, "TooManyRequestsException"},
		{&smithy.GenericAPIError{Code: "Throttling"}, "Throttling"},
		{&outbox.SendError{Code: "bad code with spaces & <tags>", Err: errors.New("x")}, "badcodewithspacestags"},
		{errors.New("connection reset"), "SendFailed"},
		{&outbox.SendError{Code: "", Err: errors.New("x")}, "SendFailed"},
	}
	for _, tt := range tests {
		if got := outbox.ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
