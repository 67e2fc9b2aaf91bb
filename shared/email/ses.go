// Package email sends outbox messages through Amazon SES v2. It is the
// outbox's Sender: a message without attachments goes as SES "Simple"
// content; one with attachments (calendar invitations) as a raw MIME
// message (multipart/mixed: a text/HTML multipart/alternative part, then
// each attachment base64-encoded).
//
// Failures come back as *outbox.SendError carrying SES's error code (or
// NetworkError / Timeout), with malformed-message refusals marked
// permanent, so the outbox can retry the rest with backoff.
package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// Client is the SES v2 call the adapter needs; *sesv2.Client satisfies it.
type Client interface {
	SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ Client = (*sesv2.Client)(nil)

// SES sends outbox messages through SES v2.
type SES struct {
	Client Client
	// From is the verified sending identity (wiring.Config.MailFrom).
	From string
	// ConfigurationSet is the SES configuration set ("" for none).
	ConfigurationSet string
}

var _ outbox.Sender = SES{}

// Send sends m and returns SES's message id.
func (s SES) Send(ctx context.Context, m outbox.Message) (string, error) {
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: m.To},
		EmailTags:        []types.MessageTag{{Name: aws.String("kind"), Value: aws.String(tagValue(string(m.Kind)))}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	if len(m.Attachments) == 0 {
		body := &types.Body{Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}}
		if m.HTML != "" {
			body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")}
		}
		in.Content = &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body:    body,
		}}
	} else {
		raw, err := BuildMIME(s.From, m, time.Time{})
		if err != nil {
			return "", &outbox.SendError{Code: "InvalidMessage", Permanent: true, Err: err}
		}
		in.Content = &types.EmailContent{Raw: &types.RawMessage{Data: raw}}
	}
	out, err := s.Client.SendEmail(ctx, in)
	if err != nil {
		return "", classify(err)
	}
	if out.MessageId == nil || *out.MessageId == "" {
		return "", &outbox.SendError{Code: "NoMessageId", Err: errors.New("SES accepted the email but returned no message id")}
	}
	return *out.MessageId, nil
}

// permanentCodes are SES refusals that retrying the same message cannot fix.
var permanentCodes = map[string]bool{
	"BadRequestException": true,
	"MessageRejected":     true,
}

func classify(err error) error {
	var api smithy.APIError
	var netErr net.Error
	switch {
	case errors.As(err, &api):
		return &outbox.SendError{Code: api.ErrorCode(), Permanent: permanentCodes[api.ErrorCode()], Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &outbox.SendError{Code: "Timeout", Err: err}
	case errors.As(err, &netErr):
		return &outbox.SendError{Code: "NetworkError", Err: err}
	default:
		return &outbox.SendError{Code: "SendFailed", Err: err}
	}
}

var tagUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// tagValue makes an SES message tag value (letters, digits, _ and -).
func tagValue(s string) string {
	s = tagUnsafe.ReplaceAllString(s, "_")
	if s == "" {
		return "none"
	}
	if len(s) > 256 {
		s = s[:256]
	}
	return s
}

// BuildMIME renders m as a raw MIME message from the given address:
// multipart/mixed with a multipart/alternative (text, then HTML if any)
// followed by each attachment (base64). date zero means now. Header values
// are RFC 2047 encoded when not ASCII; CR and LF in them are refused.
func BuildMIME(from string, m outbox.Message, date time.Time) ([]byte, error) {
	for _, v := range append([]string{from, m.Subject}, m.To...) {
		if strings.ContainsAny(v, "\r\n") {
			return nil, errors.New("email: header value contains a line break")
		}
	}
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	mixed := boundary("mixed")
	alt := boundary("alt")
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", strings.Join(m.To, ", "))
	header("Subject", mime.QEncoding.Encode("UTF-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed}))
	b.WriteString("\r\n")

	fmt.Fprintf(&b, "--%s\r\n", mixed)
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": alt}))
	b.WriteString("\r\n")
	writeQP := func(contentType, body string) error {
		fmt.Fprintf(&b, "--%s\r\n", alt)
		header("Content-Type", contentType)
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(body)); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		b.WriteString("\r\n")
		return nil
	}
	if err := writeQP("text/plain; charset=UTF-8", m.Text); err != nil {
		return nil, fmt.Errorf("email: encode text: %w", err)
	}
	if m.HTML != "" {
		if err := writeQP("text/html; charset=UTF-8", m.HTML); err != nil {
			return nil, fmt.Errorf("email: encode html: %w", err)
		}
	}
	fmt.Fprintf(&b, "--%s--\r\n", alt)

	for i, a := range m.Attachments {
		mediatype, params, err := mime.ParseMediaType(a.ContentType)
		if err != nil {
			return nil, fmt.Errorf("email: attachment %d: content type: %w", i, err)
		}
		if strings.ContainsAny(a.Filename, "\r\n") || a.Filename == "" {
			return nil, fmt.Errorf("email: attachment %d: bad file name", i)
		}
		params["name"] = a.Filename
		ct := mime.FormatMediaType(mediatype, params)
		cd := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
		if ct == "" || cd == "" {
			return nil, fmt.Errorf("email: attachment %d: cannot format headers", i)
		}
		fmt.Fprintf(&b, "--%s\r\n", mixed)
		header("Content-Type", ct)
		header("Content-Disposition", cd)
		header("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", mixed)
	return b.Bytes(), nil
}

func boundary(kind string) string {
	var r [12]byte
	_, _ = rand.Read(r[:])
	return "=_mappa_" + kind + "_" + hex.EncodeToString(r[:])
}

// NewClient returns the SES v2 client of a function that sends email, from
// the function's AWS configuration (shared/wiring.Deps.AWS); endpoint is the
// local SES server ("" on AWS).
func NewClient(cfg aws.Config, endpoint string) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}
