package due_test

import (
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
)

func TestKeysAndIdempotencyKeys(t *testing.T) {
	day := civil.New(2027, 3, 10)
	if k := due.Key(day, due.KindSupervision, "task.c1.supervision-c1"); k.PK != "DUE#2027-03-10" || k.SK != "supervision#task.c1.supervision-c1" {
		t.Errorf("key %+v", k)
	}
	if k := due.DoneKey(day, due.KindRiskMeeting, "iramm.c1.2027-04-10"); k.PK != "DONE#2027-03-10" {
		t.Errorf("done key %+v", k)
	}
	if k := due.OnceKey("supervision:c1"); k.PK != "ONCE#supervision:c1" || k.SK != "ONCE" {
		t.Errorf("once key %+v", k)
	}
	next := civil.New(2027, 4, 1)
	if w, d := due.DBSOnce("s1", next, false), due.DBSOnce("s1", next, true); w == d || w != "dbs:s1:2027-04-01:warn" {
		t.Errorf("DBS keys %q %q", w, d)
	}
	ok := due.Item{Day: day, Kind: due.KindReviewDue, Ref: "review.c1.m1", Once: "review-due:c1:m1"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid item: %v", err)
	}
	for name, it := range map[string]due.Item{
		"no day":       {Kind: due.KindReviewDue, Ref: "r"},
		"bad ref":      {Day: day, Kind: due.KindReviewDue, Ref: "a b"},
		"bad once key": {Day: day, Kind: due.KindReviewDue, Ref: "r", Once: "has space"},
	} {
		if it.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
