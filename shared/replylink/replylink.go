// Package replylink signs and checks the one-click reply links in meeting
// invitations, so an invited member of staff can accept or decline without
// signing in.
//
// A link carries a token: base64url(payload) "." base64url(HMAC-SHA-256),
// where the payload names the key it was signed with, its purpose (always
// "meeting-reply": a reply token opens nothing else), the meeting, the
// invitation (one attendee), the one action it performs (accept or
// decline) and when it expires (the end of the meeting's day, Europe/London).
// Changing any byte breaks the signature. Keys are rotated by id: new links
// are signed with the current key; links signed with an older key still
// listed are accepted until they expire.
//
// The token says nothing about a person: ids only. Whether a token has
// already been used (replay) is for the store that records the reply: it
// writes the token's Hash with a must-not-exist condition in the reply's
// own transaction.
package replylink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/lazyre"
)

// Purpose is the only purpose a reply token has.
const Purpose = "meeting-reply"

// Action is what a link does.
type Action string

// Actions.
const (
	Accept  Action = "accept"
	Decline Action = "decline"
)

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return a == Accept || a == Decline }

// MinKeyBytes is the shortest key accepted (256 bits).
const MinKeyBytes = 32

// Keys are the signing keys by id; Current signs new links.
type Keys struct {
	Current string
	ByID    map[string][]byte
}

var kidPattern = lazyre.New(`^[A-Za-z0-9_-]{1,32}$`)

// Validate checks that the current key exists and every key is long enough.
func (k Keys) Validate() error {
	if _, ok := k.ByID[k.Current]; !ok {
		return errors.New("replylink: the current key is not among the keys")
	}
	for id, key := range k.ByID {
		if !kidPattern.MatchString(id) {
			return fmt.Errorf("replylink: key id %q: letters, digits, _ and - only", id)
		}
		if len(key) < MinKeyBytes {
			return fmt.Errorf("replylink: key %q is shorter than %d bytes", id, MinKeyBytes)
		}
	}
	return nil
}

// ParseKeys reads keys written as "id:base64key[,id:base64key...]"; the
// first is current. This is the form kept in the SSM parameter (or secret)
// on AWS and in the local configuration.
func ParseKeys(s string) (Keys, error) {
	k := Keys{ByID: map[string][]byte{}}
	for i, part := range strings.Split(strings.TrimSpace(s), ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return Keys{}, errors.New("replylink: keys must be id:base64key, comma separated")
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if key, err = base64.RawURLEncoding.DecodeString(b64); err != nil {
				return Keys{}, fmt.Errorf("replylink: key %q is not base64", id)
			}
		}
		if i == 0 {
			k.Current = id
		}
		k.ByID[id] = key
	}
	return k, k.Validate()
}

// Claims is what a token says.
type Claims struct {
	KeyID        string `json:"k"`
	Purpose      string `json:"p"`
	MeetingID    string `json:"m"`
	InvitationID string `json:"i"`
	Action       Action `json:"a"`
	// Sequence is the invitation's version when the link was made.
	Sequence int   `json:"s"`
	Expires  int64 `json:"e"` // Unix seconds
}

// ExpiresAt returns the expiry as a time.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0).UTC() }

var idPattern = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Errors from Verify. Each is a refusal; none says more than the reason.
var (
	ErrMalformed = errors.New("replylink: malformed link")
	ErrSignature = errors.New("replylink: signature does not match")
	ErrExpired   = errors.New("replylink: link has expired")
	ErrPurpose   = errors.New("replylink: link is not a reply link")
)

// Sign returns the token for a reply link.
func Sign(keys Keys, meetingID, invitationID string, action Action, sequence int, expires time.Time) (string, error) {
	if !idPattern.MatchString(meetingID) || !idPattern.MatchString(invitationID) {
		return "", errors.New("replylink: ids must be letters, digits, _ and -")
	}
	if !action.Valid() {
		return "", fmt.Errorf("replylink: unknown action %q", action)
	}
	key, ok := keys.ByID[keys.Current]
	if !ok {
		return "", errors.New("replylink: no current key")
	}
	payload, err := json.Marshal(Claims{KeyID: keys.Current, Purpose: Purpose, MeetingID: meetingID,
		InvitationID: invitationID, Action: action, Sequence: sequence, Expires: expires.Unix()})
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(mac(key, p)), nil
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(Purpose + "/v1."))
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// MaxTokenLength bounds what Verify will look at.
const MaxTokenLength = 600

// Verify checks a token's signature, purpose and expiry at now and returns
// its claims.
func Verify(keys Keys, token string, now time.Time) (Claims, error) {
	if len(token) > MaxTokenLength {
		return Claims{}, ErrMalformed
	}
	p, s, ok := strings.Cut(token, ".")
	if !ok || p == "" || s == "" {
		return Claims{}, ErrMalformed
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	sig, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, ErrMalformed
	}
	key, ok := keys.ByID[c.KeyID]
	if !ok || !hmac.Equal(sig, mac(key, p)) {
		return Claims{}, ErrSignature
	}
	if c.Purpose != Purpose || !c.Action.Valid() || !idPattern.MatchString(c.MeetingID) || !idPattern.MatchString(c.InvitationID) {
		return Claims{}, ErrPurpose
	}
	if !now.Before(c.ExpiresAt()) {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// Hash is the token's SHA-256 (hex): what the store keeps to refuse a
// second use, so the token itself is never stored.
func Hash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ExpiryFor returns when links for a meeting starting at start expire: the
// end of the meeting's day in Europe/London.
func ExpiryFor(start time.Time, london *time.Location) time.Time {
	s := start.In(london)
	return time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, london).AddDate(0, 0, 1)
}
