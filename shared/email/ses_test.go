package email_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func TestMain(m *testing.M) { localstack.Main(m) }

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:meeting-1@mappa\r\n" +
	"SUMMARY:MAPPA level 2 meeting (case MC-2026-000123)\r\nDTSTART;TZID=Europe/London:20270107T100000\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

func message(to string) outbox.Message {
	return outbox.Message{
		ID:      "test-" + to,
		Kind:    "meeting.invite",
		To:      []string{to, "second@example.gov.uk"},
		Subject: "MAPPA meeting: case MC-2026-000123 – invitation",
		Text:    "You are invited to a MAPPA meeting.\nOpen the app: https://mappa.example.gov.uk/cases/c1\n",
		HTML:    "<p>You are invited to a MAPPA meeting.</p><p><a href=\"https://mappa.example.gov.uk/cases/c1\">Open</a></p>",
		CaseRef: "MC-2026-000123",
	}
}

func uniqueInbox() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "inbox-" + hex.EncodeToString(b) + "@example.gov.uk"
}

func client(t *testing.T, endpoint string) *sesv2.Client {
	t.Helper()
	cfg, err := dynamo.LoadConfig(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
}

func delivered(t *testing.T, s *localstack.Stack, since time.Time, to string) []localstack.Email {
	t.Helper()
	all, err := s.SESStore(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	var mine []localstack.Email
	for _, m := range all {
		if slices.Contains(recipients(m), to) {
			mine = append(mine, m)
		}
	}
	return mine
}

// recipients lists an email's To addresses. The local SES server keeps a
// raw email's To header as one comma-separated string.
func recipients(m localstack.Email) []string {
	var out []string
	for _, to := range m.Destination.To {
		for a := range strings.SplitSeq(to, ",") {
			out = append(out, strings.TrimSpace(a))
		}
	}
	return out
}

func TestSendThroughLocalSES(t *testing.T) {
	stack := localstack.ForTest(t)
	ses := email.SES{Client: client(t, stack.SESEndpoint), From: "mappa@example.gov.uk", ConfigurationSet: "mappa-test"}
	tests := []struct {
		name        string
		attachments []outbox.Attachment
	}{
		{name: "simple"},
		{name: "with calendar invitation", attachments: []outbox.Attachment{
			{Filename: "meeting.ics", ContentType: outbox.ContentTypeCalendarRequest, Data: []byte(ics)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since := time.Now().Add(-time.Second)
			to := uniqueInbox()
			m := message(to)
			m.Attachments = tt.attachments
			id, err := ses.Send(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			got := delivered(t, stack, since, to)
			if len(got) != 1 {
				t.Fatalf("local SES holds %d emails for %s, want 1", len(got), to)
			}
			e := got[0]
			if e.MessageID != id {
				t.Errorf("message id %q, SES stored %q", id, e.MessageID)
			}
			if e.Subject != m.Subject {
				t.Errorf("subject %q, want %q", e.Subject, m.Subject)
			}
			if !strings.Contains(e.From, "mappa@example.gov.uk") {
				t.Errorf("from %q", e.From)
			}
			if !slices.Contains(recipients(e), "second@example.gov.uk") {
				t.Errorf("to %v lacks the second recipient", e.Destination.To)
			}
			if strings.TrimSpace(e.Body.Text) != strings.TrimSpace(m.Text) {
				t.Errorf("text %q, want %q", e.Body.Text, m.Text)
			}
			if !strings.Contains(e.Body.HTML, `<a href="https://mappa.example.gov.uk/cases/c1">Open</a>`) {
				t.Errorf("html %q", e.Body.HTML)
			}
			if len(e.Attachments) != len(tt.attachments) {
				t.Fatalf("attachments %+v, want %d", e.Attachments, len(tt.attachments))
			}
			for i, a := range tt.attachments {
				ga := e.Attachments[i]
				data, err := base64.StdEncoding.DecodeString(ga.Content)
				if err != nil {
					t.Fatal(err)
				}
				// (the store keeps the media type without parameters; TestBuildMIME checks method=REQUEST)
				mt, _, _ := mime.ParseMediaType(ga.ContentType)
				if ga.Filename != a.Filename || mt != "text/calendar" || !bytes.Equal(data, a.Data) {
					t.Errorf("attachment %d = %s %s %q", i, ga.Filename, ga.ContentType, data)
				}
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	// A real refused connection.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()

	tests := []struct {
		name      string
		client    email.Client
		code      string
		permanent bool
	}{
		{name: "connection refused", client: client(t, closed), code: "NetworkError"},
		{name: "malformed request", client: fakeClient{err: &types.BadRequestException{Message: aws.String("bad")}}, code: "BadRequestException", permanent: true},
		{name: "rejected", client: fakeClient{err: &types.MessageRejected{Message: aws.String("virus")}}, code: "MessageRejected", permanent: true},
		{name: "throttled", client: fakeClient{err: &types.TooManyRequestsException{}}, code: "TooManyRequestsException"},
		{name: "sending paused", client: fakeClient{err: &smithy.GenericAPIError{Code: "SendingPausedException"}}, code: "SendingPausedException"},
		{name: "deadline", client: fakeClient{err: context.DeadlineExceeded}, code: "Timeout"},
		{name: "other", client: fakeClient{err: errors.New("boom")}, code: "SendFailed"},
		{name: "no message id", client: fakeClient{out: &sesv2.SendEmailOutput{}}, code: "NoMessageId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ses := email.SES{Client: tt.client, From: "mappa@example.gov.uk"}
			_, err := ses.Send(context.Background(), message(uniqueInbox()))
			var se *outbox.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want an *outbox.SendError", err)
			}
			if se.Code != tt.code || se.Permanent != tt.permanent {
				t.Fatalf("code %q permanent %v, want %q %v", se.Code, se.Permanent, tt.code, tt.permanent)
			}
			if outbox.ErrorCode(err) != tt.code {
				t.Fatalf("outbox records %q", outbox.ErrorCode(err))
			}
		})
	}
}

type fakeClient struct {
	err error
	out *sesv2.SendEmailOutput
	in  **sesv2.SendEmailInput
}

func (f fakeClient) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	if f.in != nil {
		*f.in = in
	}
	return f.out, f.err
}

func TestSendRequestShape(t *testing.T) {
	var in *sesv2.SendEmailInput
	ses := email.SES{Client: fakeClient{out: &sesv2.SendEmailOutput{MessageId: aws.String("m-1")}, in: &in},
		From: "mappa@example.gov.uk", ConfigurationSet: "mappa-prod"}
	m := message("a@example.gov.uk")
	if id, err := ses.Send(context.Background(), m); err != nil || id != "m-1" {
		t.Fatalf("send = %q, %v", id, err)
	}
	if aws.ToString(in.ConfigurationSetName) != "mappa-prod" || aws.ToString(in.FromEmailAddress) != "mappa@example.gov.uk" ||
		in.Content.Simple == nil || in.Content.Raw != nil {
		t.Fatalf("simple request = %+v", in)
	}
	if len(in.EmailTags) != 1 || aws.ToString(in.EmailTags[0].Value) != "meeting_invite" {
		t.Fatalf("tags = %+v", in.EmailTags)
	}

	ses.ConfigurationSet = ""
	m.Attachments = []outbox.Attachment{{Filename: "a.ics", ContentType: outbox.ContentTypeCalendarRequest, Data: []byte(ics)}}
	if _, err := ses.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if in.ConfigurationSetName != nil || in.Content.Raw == nil || in.Content.Simple != nil ||
		!slices.Equal(in.Destination.ToAddresses, m.To) {
		t.Fatalf("raw request = %+v", in)
	}

	m.Attachments[0].ContentType = "not a type;;"
	_, err := ses.Send(context.Background(), m)
	var se *outbox.SendError
	if !errors.As(err, &se) || !se.Permanent || se.Code != "InvalidMessage" {
		t.Fatalf("bad attachment type: %v", err)
	}
}

func TestBuildMIME(t *testing.T) {
	m := message("a@example.gov.uk")
	m.Subject = "Réunion MAPPA: case MC-1"
	m.Text = strings.Repeat("A long line of text that quoted-printable must wrap. ", 5) + "£5 = five pounds\n"
	pdf := bytes.Repeat([]byte{0, 1, 2, 250, 255}, 100)
	m.Attachments = []outbox.Attachment{
		{Filename: "meeting.ics", ContentType: outbox.ContentTypeCalendarRequest, Data: []byte(ics)},
		{Filename: "notes.bin", ContentType: "application/octet-stream", Data: pdf},
	}
	raw, err := email.BuildMIME("mappa@example.gov.uk", m, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line longer than RFC 5322 allows: %d", len(line))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, m.Subject)
	}
	if to, _ := msg.Header.AddressList("To"); len(to) != 2 || to[0].Address != "a@example.gov.uk" {
		t.Errorf("to = %v", to)
	}
	if msg.Header.Get("Date") != "Mon, 23 Nov 2026 09:00:00 +0000" || msg.Header.Get("MIME-Version") != "1.0" {
		t.Errorf("date/version = %q %q", msg.Header.Get("Date"), msg.Header.Get("MIME-Version"))
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])

	// Part 1: the alternative text and HTML bodies.
	alt, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	amt, aparams, _ := mime.ParseMediaType(alt.Header.Get("Content-Type"))
	if amt != "multipart/alternative" {
		t.Fatalf("first part %q", amt)
	}
	ar := multipart.NewReader(alt, aparams["boundary"])
	var bodies []string
	for {
		p, err := ar.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		bodies = append(bodies, p.Header.Get("Content-Type")+"|"+string(b))
	}
	// Quoted-printable text mode sends line ends as CRLF, as email requires.
	wantText := strings.ReplaceAll(m.Text, "\n", "\r\n")
	if len(bodies) != 2 || bodies[0] != "text/plain; charset=UTF-8|"+wantText || bodies[1] != "text/html; charset=UTF-8|"+m.HTML {
		t.Errorf("bodies = %q", bodies)
	}

	// Then each attachment, base64.
	for _, want := range m.Attachments {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != want.Filename || p.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("attachment headers %v", p.Header)
		}
		ct, ctp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		wt, wtp, _ := mime.ParseMediaType(want.ContentType)
		if ct != wt || ctp["method"] != wtp["method"] || ctp["name"] != want.Filename {
			t.Errorf("attachment content type %q", p.Header.Get("Content-Type"))
		}
		enc, _ := io.ReadAll(p)
		data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(enc), "\r\n", ""))
		if err != nil || !bytes.Equal(data, want.Data) {
			t.Errorf("attachment %s data differs (%v)", want.Filename, err)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("extra parts: %v", err)
	}
}

func TestBuildMIMERefusesHeaderInjection(t *testing.T) {
	tests := []struct {
		name   string
		from   string
		change func(*outbox.Message)
	}{
		{name: "subject", from: "a@example.gov.uk", change: func(m *outbox.Message) { m.Subject = "x\r\nBcc: evil@example.com" }},
		{name: "recipient", from: "a@example.gov.uk", change: func(m *outbox.Message) { m.To = []string{"a@b.c\nBcc: e@x.y"} }},
		{name: "from", from: "a@example.gov.uk\r\nX: y", change: func(*outbox.Message) {}},
		{name: "file name", from: "a@example.gov.uk", change: func(m *outbox.Message) {
			m.Attachments = []outbox.Attachment{{Filename: "a\r\n.ics", ContentType: "text/calendar", Data: []byte("x")}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := message("a@example.gov.uk")
			tt.change(&m)
			if _, err := email.BuildMIME(tt.from, m, time.Time{}); err == nil {
				t.Fatal("built a message with a line break in a header")
			}
		})
	}
}
