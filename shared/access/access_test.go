package access

import (
	"slices"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/staff"
)

func TestReportsFollowLineManagement(t *testing.T) {
	people := []staff.Person{
		{ID: "hos", Subject: "sub-hos"},
		{ID: "sm", Subject: "sub-sm", LineManager: "hos"},
		{ID: "tm", Subject: "sub-tm", LineManager: "sm"},
		{ID: "sw1", Subject: "sub-sw1", LineManager: "tm"},
		{ID: "sw2", LineManager: "tm"},
		{ID: "other", Subject: "sub-other", LineManager: "elsewhere"},
		{ID: "loop", Subject: "sub-loop", LineManager: "loop"},
	}
	for manager, want := range map[string][]string{
		"tm":  {"sub-sw1", "sw2"},
		"hos": {"sub-sm", "sub-tm", "sub-sw1", "sw2"},
		"sw1": nil,
	} {
		got := Reports(people, manager)
		slices.Sort(got)
		w := slices.Clone(want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("Reports(%s) = %v, want %v", manager, got, w)
		}
	}
}
