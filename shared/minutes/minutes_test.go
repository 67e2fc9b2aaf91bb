package minutes_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/minutes"
)

var (
	meetingDay = civil.New(2027, 3, 25)
	now        = time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
)

func received(t *testing.T, dob civil.Date) minutes.Record {
	t.Helper()
	r := minutes.New("m1", "c1", meetingDay, dob)
	if err := r.Receive(civil.New(2027, 3, 28), "MAPPA co-ordinator", "staff-bso-1", now); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOffenderIsAChildOnTheMeetingDay(t *testing.T) {
	for _, tc := range []struct {
		dob  civil.Date
		want bool
	}{
		{civil.New(2009, 3, 26), true},  // 17 on the day (18 the day after)
		{civil.New(2009, 3, 25), false}, // 18 on the day
		{civil.Date{}, false},           // not known: not taken to be a child
	} {
		if got := minutes.New("m", "c", meetingDay, tc.dob).OffenderIsChild; got != tc.want {
			t.Errorf("dob %s: child %v, want %v", tc.dob, got, tc.want)
		}
	}
}

func TestStepsInOrder(t *testing.T) {
	r := minutes.New("m1", "c1", meetingDay, civil.Date{})
	if _, err := r.SetExtract("x", "sw", now); !errors.Is(err, minutes.ErrNotReceived) {
		t.Errorf("extract before receipt: %v", err)
	}
	if err := r.Receive(civil.New(2027, 3, 24), "co-ordinator", "bso", now); !errors.Is(err, minutes.ErrBeforeMeeting) {
		t.Errorf("received before the meeting: %v", err)
	}
	if err := r.Receive(civil.New(2027, 4, 2), "co-ordinator", "bso", now); !errors.Is(err, minutes.ErrFuture) {
		t.Errorf("received tomorrow: %v", err)
	}
	r = received(t, civil.Date{})
	if err := r.Receive(civil.New(2027, 3, 28), "again", "bso", now); !errors.Is(err, minutes.ErrAlreadyReceived) {
		t.Errorf("twice: %v", err)
	}
	x, err := r.SetExtract("  what concerns the child  ", "sw", now)
	if err != nil || x.Text != "what concerns the child" || r.Extract.Chars != 23 || r.Extract.By != "sw" {
		t.Fatalf("extract %+v %+v %v", x, r.Extract, err)
	}
	if err := r.AddShare("School DSL", civil.New(2027, 3, 27), "Chair", "bso", now); !errors.Is(err, minutes.ErrBeforeReceived) {
		t.Errorf("shared before received: %v", err)
	}
	if err := r.File(civil.New(2027, 3, 29), "Child record", "sw", now); !errors.Is(err, minutes.ErrNotChildOffender) {
		t.Errorf("filed for an adult: %v", err)
	}
	if err := r.Destroy(civil.New(2027, 3, 30), "Ada", "bso", now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetExtract("more", "sw", now); !errors.Is(err, minutes.ErrDestroyed) {
		t.Errorf("extract after destruction: %v", err)
	}
	if err := r.Destroy(civil.New(2027, 3, 30), "Ada", "bso", now); !errors.Is(err, minutes.ErrDestroyed) {
		t.Errorf("destroyed twice: %v", err)
	}
}

// Where the offender is the child, the minutes may go on that child's
// record; filed minutes stay there and are not destroyed.
func TestChildOffenderMinutesAreFiledNotDestroyed(t *testing.T) {
	r := received(t, civil.New(2011, 1, 1))
	if err := r.File(civil.New(2027, 3, 29), "Child's record, restricted section", "sw", now); err != nil {
		t.Fatal(err)
	}
	if r.Filed.Where != "Child's record, restricted section" || r.Filed.By != "sw" {
		t.Errorf("filed %+v", r.Filed)
	}
	if err := r.File(civil.New(2027, 3, 29), "again", "sw", now); !errors.Is(err, minutes.ErrAlreadyFiled) {
		t.Errorf("filed twice: %v", err)
	}
	if err := r.Destroy(civil.New(2027, 3, 30), "Ada", "bso", now); !errors.Is(err, minutes.ErrFiled) {
		t.Errorf("destroying filed minutes: %v", err)
	}
}
