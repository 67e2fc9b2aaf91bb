package attendance_test

import (
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/attendance"
)

func TestReportDue(t *testing.T) {
	acc := attendance.Invitee{Reply: attendance.ReplyAccepted}
	wait := attendance.Invitee{Reply: attendance.ReplyAwaiting}
	none := attendance.Invitee{Reply: attendance.ReplyDeclined, Instead: attendance.InsteadNothing}
	dep := attendance.Invitee{Reply: attendance.ReplyDeclined, Instead: attendance.InsteadDeputy}
	rep := attendance.Invitee{Reply: attendance.ReplyDeclined, Instead: attendance.InsteadWrittenReport}
	for _, tt := range []struct {
		name string
		in   []attendance.Invitee
		want bool
	}{
		{"nobody invited", nil, false},
		{"one accepted", []attendance.Invitee{acc, none}, false},
		{"still awaiting a reply", []attendance.Invitee{wait, none}, false},
		{"everyone declined", []attendance.Invitee{none, none}, true},
		{"declined with a deputy", []attendance.Invitee{dep, none}, false},
		{"declined offering a report", []attendance.Invitee{rep}, true},
		{"one going, one offering a report", []attendance.Invitee{acc, rep}, true},
	} {
		if got := attendance.ReportDue(tt.in); got != tt.want {
			t.Errorf("%s: ReportDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestLadderStepByStep(t *testing.T) {
	// A first unexplained absence: chair, then line manager, then stop.
	s := attendance.Next(attendance.StepNone, 1)
	if s != attendance.StepChair {
		t.Fatalf("first step %v", s)
	}
	if s = attendance.Next(s, 1); s != attendance.StepLineManager {
		t.Fatalf("second step %v", s)
	}
	if s = attendance.Next(s, 1); s != attendance.StepNone {
		t.Fatalf("a first failure goes no further than the line manager, got %v", s)
	}
	// A repeated failure goes on to the Board.
	if s = attendance.Next(attendance.StepLineManager, 2); s != attendance.StepBoard {
		t.Fatalf("repeat: %v", s)
	}
	if s = attendance.Next(s, 3); s != attendance.StepNone {
		t.Fatalf("after the Board: %v", s)
	}
}

func TestRecordValidation(t *testing.T) {
	for _, tt := range []struct {
		r     attendance.Record
		field string
	}{
		{attendance.Record{Outcome: "maybe"}, "outcome"},
		{attendance.Record{Outcome: attendance.OutcomeDeputy}, "deputy"},
		{attendance.Record{Outcome: attendance.OutcomeAttended, Deputy: "x"}, "deputy"},
		{attendance.Record{Outcome: attendance.OutcomeDeputy, Deputy: strings.Repeat("x", 121)}, "deputy"},
	} {
		if errs := tt.r.Validate(); errs[tt.field] == "" {
			t.Errorf("%+v: no error on %s (%v)", tt.r, tt.field, errs)
		}
	}
	if errs := (attendance.Record{Outcome: attendance.OutcomeDeputy, Deputy: "Team manager"}).Validate(); len(errs) != 0 {
		t.Errorf("valid record refused: %v", errs)
	}
	if errs := (attendance.Decline{Instead: attendance.InsteadDeputy}).Validate(); errs["deputy"] == "" {
		t.Error("decline with a deputy and no name accepted")
	}
	if errs := (attendance.Decline{}).Validate(); errs["instead"] == "" {
		t.Error("decline without a choice accepted")
	}
}

func TestOutcomes(t *testing.T) {
	for _, o := range attendance.Outcomes {
		if o.Label() == string(o) {
			t.Errorf("%s has no label", o)
		}
	}
	if !attendance.OutcomeWrittenReport.Represented() || attendance.OutcomeApologies.Represented() {
		t.Error("represented")
	}
	if !attendance.OutcomeDidNotAttend.Unexplained() || attendance.OutcomeApologies.Unexplained() {
		t.Error("unexplained")
	}
}
