package ids

import (
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/clock"
)

func TestRandomIDsAreUniqueAndSortByTime(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	g := Random{Clock: clk}
	seen := map[string]bool{}
	prev := ""
	for range 1000 {
		id := g.New()
		if len(id) != 26 || seen[id] {
			t.Fatalf("id %q: length %d, seen before %v", id, len(id), seen[id])
		}
		seen[id] = true
		if prev != "" && id[:9] < prev[:9] {
			t.Fatalf("%s sorts before the earlier %s", id, prev)
		}
		prev = id
		clk.Advance(time.Millisecond)
	}
}

func TestSequence(t *testing.T) {
	s := &Sequence{Prefix: "ref"}
	if a, b := s.New(), s.New(); a != "ref-0001" || b != "ref-0002" {
		t.Errorf("got %s %s", a, b)
	}
}
