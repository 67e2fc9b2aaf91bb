package replylink_test

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/replylink"
)

// FuzzVerify: a reply link's token comes from anyone who has the URL (or
// guesses one). Whatever it is, Verify never panics, and anything it accepts
// carries a valid action.
func FuzzVerify(f *testing.F) {
	keys, err := replylink.ParseKeys("k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	good, err := replylink.Sign(keys, "m1", "i1", replylink.Accept, 1, now.Add(time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", ".", "k1..", good[:len(good)/2], good + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := replylink.Verify(keys, token, now)
		if err != nil {
			return
		}
		if !c.Action.Valid() {
			t.Fatalf("accepted %q with action %q", token, c.Action)
		}
	})
}
