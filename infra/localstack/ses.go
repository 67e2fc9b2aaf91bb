package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Email is one message the local SES server accepted (GET /store).
type Email struct {
	MessageID   string       `json:"messageId"`
	From        string       `json:"from"`
	ReplyTo     []string     `json:"replyTo"`
	Destination Destination  `json:"destination"`
	Subject     string       `json:"subject"`
	Body        Body         `json:"body"`
	Attachments []Attachment `json:"attachments"`
	Headers     []Header     `json:"headers"`
	// At is when the server stored the email (Unix seconds).
	At int64 `json:"at"`
}

// Destination holds the recipients.
type Destination struct {
	To  []string `json:"to"`
	CC  []string `json:"cc"`
	BCC []string `json:"bcc"`
}

// Body holds the text and HTML parts ("" when absent).
type Body struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// Attachment is an attached file.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
	Size        int    `json:"size"`
}

// Header is a custom header of a raw or simple email.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SESStore returns the emails the local SES server stored at or after
// since (the zero time returns all of them), oldest first.
func (s *Stack) SESStore(ctx context.Context, since time.Time) ([]Email, error) {
	u := s.SESEndpoint + "/store"
	if !since.IsZero() {
		u += "?since=" + strconv.FormatInt(since.Unix(), 10)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("localstack: ses store: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("localstack: ses store: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return nil, fmt.Errorf("localstack: ses store: %s: %s", resp.Status, b)
	}
	var out struct {
		Emails []Email `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("localstack: ses store: decode: %w", err)
	}
	return out.Emails, nil
}

// ClearSES empties the local SES server's store (emails and templates).
// The store is shared by every test using the stack: prefer SESStore with a
// since time and unique recipients over clearing.
func (s *Stack) ClearSES(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.SESEndpoint+"/clear-store", nil)
	if err != nil {
		return fmt.Errorf("localstack: clear ses store: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("localstack: clear ses store: %w", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("localstack: clear ses store: %s", resp.Status)
	}
	return nil
}
