// Package ids makes identifiers: sortable, unguessable, and free of meaning,
// so an id can appear in a log line, a URL or an email without saying
// anything about a person.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mappa-coordinator/mappa/shared/clock"
)

// Generator makes ids.
type Generator interface {
	New() string
}

var enc = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// Random makes 26-character ids: 48 bits of milliseconds (so ids sort by
// creation time) then 80 random bits, in Crockford's base32.
type Random struct{ Clock clock.Clock }

// New returns a fresh id.
func (g Random) New() string {
	var b [16]byte
	now := time.Now()
	if g.Clock != nil {
		now = g.Clock.Now()
	}
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return strings.ToLower(enc.EncodeToString(b[:]))[:26]
}

// Sequence makes predictable ids for tests: prefix-0001, prefix-0002, ...
// It is safe for concurrent use (handlers that work on records in parallel
// share one).
type Sequence struct {
	Prefix string
	n      atomic.Int64
}

// New returns the next id in the sequence.
func (s *Sequence) New() string {
	return s.Prefix + "-" + leftPad(int(s.n.Add(1)))
}

func leftPad(n int) string {
	d := []byte("0000")
	for i := 3; i >= 0 && n > 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d)
}
