package dynamo

import (
	"fmt"
	"time"
)

// StampLayout is the one timestamp layout in every sort key, index key and
// time condition: UTC, nanoseconds always written, always "Z", so every
// stamp is StampWidth bytes and stamps sort as strings in time order.
//
// (RFC 3339 with trimmed fractions does not: "10:00:00Z" sorts after
// "10:00:00.1Z". No item was ever stored that way: nothing had been
// deployed when the stamp replaced it.)
const StampLayout = "2006-01-02T15:04:05.000000000Z"

// StampWidth is the length of every stamp.
const StampWidth = len(StampLayout)

// Stamp formats t in StampLayout (UTC). Years outside 0000-9999 do not
// occur in this system's data.
func Stamp(t time.Time) string { return t.UTC().Format(StampLayout) }

// ParseStamp reads a stamp; it also accepts RFC 3339 (the layout of
// items written before StampLayout).
func ParseStamp(s string) (time.Time, error) {
	t, err := time.Parse(StampLayout, s)
	if err == nil {
		return t, nil
	}
	t, err2 := time.Parse(time.RFC3339Nano, s)
	if err2 != nil {
		return time.Time{}, fmt.Errorf("dynamo: bad timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// IsStamp reports whether s is exactly a stamp in StampLayout.
func IsStamp(s string) bool {
	if len(s) != StampWidth {
		return false
	}
	_, err := time.Parse(StampLayout, s)
	return err == nil
}
