package replylink_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/replylink"
)

var (
	london, _ = time.LoadLocation("Europe/London")
	now       = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	expires   = time.Date(2027, 1, 8, 0, 0, 0, 0, london)
)

func keys(t *testing.T) replylink.Keys {
	t.Helper()
	k, err := replylink.ParseKeys("k2:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32)) +
		",k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignAndVerify(t *testing.T) {
	k := keys(t)
	tok, err := replylink.Sign(k, "M1", "INV1", replylink.Accept, 3, expires)
	if err != nil {
		t.Fatal(err)
	}
	c, err := replylink.Verify(k, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.MeetingID != "M1" || c.InvitationID != "INV1" || c.Action != replylink.Accept || c.Sequence != 3 || c.KeyID != "k2" {
		t.Errorf("claims %+v", c)
	}
	if !c.ExpiresAt().Equal(expires) {
		t.Errorf("expires %v", c.ExpiresAt())
	}
}

func TestTamperedTokensAreRefused(t *testing.T) {
	k := keys(t)
	tok, _ := replylink.Sign(k, "M1", "INV1", replylink.Decline, 0, expires)
	p, s, _ := strings.Cut(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(p)
	swapped := base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"decline"`), []byte(`"accept"`), 1))
	other := base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"M1"`), []byte(`"M2"`), 1))
	later := base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"e":`), []byte(`"e":9`), 1))
	flip := []byte(tok)
	flip[len(flip)-3] ^= 1
	for name, bad := range map[string]string{
		"action changed":  swapped + "." + s,
		"meeting changed": other + "." + s,
		"expiry extended": later + "." + s,
		"signature bit":   string(flip),
		"no signature":    p,
		"empty":           "",
		"junk":            "a.b",
		"too long":        strings.Repeat("a", 1000) + "." + s,
	} {
		if _, err := replylink.Verify(k, bad, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUnknownOrRetiredKeyIsRefused(t *testing.T) {
	k := keys(t)
	tok, _ := replylink.Sign(k, "M1", "INV1", replylink.Accept, 0, expires)
	retired := replylink.Keys{Current: "k1", ByID: map[string][]byte{"k1": k.ByID["k1"]}}
	if _, err := replylink.Verify(retired, tok, now); !errors.Is(err, replylink.ErrSignature) {
		t.Errorf("retired key: %v", err)
	}
	// A link signed with the older key still listed is accepted.
	old := replylink.Keys{Current: "k1", ByID: k.ByID}
	tok1, _ := replylink.Sign(old, "M1", "INV1", replylink.Accept, 0, expires)
	if _, err := replylink.Verify(k, tok1, now); err != nil {
		t.Errorf("older listed key: %v", err)
	}
}

func TestExpiredTokenIsRefused(t *testing.T) {
	k := keys(t)
	tok, _ := replylink.Sign(k, "M1", "INV1", replylink.Accept, 0, expires)
	if _, err := replylink.Verify(k, tok, expires); !errors.Is(err, replylink.ErrExpired) {
		t.Errorf("at expiry: %v", err)
	}
	if _, err := replylink.Verify(k, tok, expires.Add(-time.Second)); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
}

func TestExpiryIsEndOfMeetingDayInLondon(t *testing.T) {
	// 23:30 BST on 1 July is still 1 July in London.
	start := time.Date(2027, 7, 1, 22, 30, 0, 0, time.UTC)
	got := replylink.ExpiryFor(start, london)
	if want := time.Date(2027, 7, 2, 0, 0, 0, 0, london); !got.Equal(want) {
		t.Errorf("expiry %v, want %v", got, want)
	}
}

func TestKeysAreChecked(t *testing.T) {
	for _, s := range []string{"", "k1", "k1:" + base64.StdEncoding.EncodeToString([]byte("short")), "bad id:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))} {
		if _, err := replylink.ParseKeys(s); err == nil {
			t.Errorf("ParseKeys(%q) accepted", s)
		}
	}
	if _, err := replylink.Sign(keys(t), "M 1", "INV1", replylink.Accept, 0, expires); err == nil {
		t.Error("id with a space signed")
	}
	if _, err := replylink.Sign(keys(t), "M1", "INV1", "delete", 0, expires); err == nil {
		t.Error("unknown action signed")
	}
}

func TestHashIsStableAndHidesToken(t *testing.T) {
	h := replylink.Hash("abc")
	if h != replylink.Hash("abc") || len(h) != 64 || strings.Contains(h, "abc") {
		t.Errorf("hash %q", h)
	}
}
