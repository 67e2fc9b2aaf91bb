// Package clock gives code the current time through an injected value, so
// tests can fix or move it.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Offset is the real clock moved by D: it runs on from a chosen start
// (the dev server's -now flag, so a browser test's dates and times of day
// do not depend on when it runs).
type Offset struct{ D time.Duration }

// StartingAt returns a clock that reads t now and runs on from there.
func StartingAt(t time.Time) Offset { return Offset{D: time.Until(t)} }

// Now returns time.Now() moved by D.
func (o Offset) Now() time.Time { return time.Now().Add(o.D) }

// Fixed is a settable clock for tests. It is safe for concurrent use.
type Fixed struct {
	mu sync.Mutex
	t  time.Time
}

// NewFixed returns a clock stopped at t.
func NewFixed(t time.Time) *Fixed { return &Fixed{t: t} }

// Now returns the clock's time.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = t
}

// Advance moves the clock on by d.
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}
