package meeting_test

import (
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/meeting"
)

func TestChildInput(t *testing.T) {
	today := civil.New(2027, 3, 17)
	ok := meeting.ChildInput{GivenNames: "Bea", FamilyName: "Sample", DateOfBirth: civil.New(2017, 9, 12), CouncilNumber: " c-1001 ",
		Relationship: "Daughter of former partner", OpenToCSC: true, SocialWorkerID: "sw-1", Team: "Exampleton North"}
	tests := []struct {
		name string
		edit func(*meeting.ChildInput)
		want []string
	}{
		{"valid", nil, nil},
		{"names and relationship required", func(in *meeting.ChildInput) { in.GivenNames, in.FamilyName, in.Relationship = "", " ", "" },
			[]string{"/givenNames", "/familyName", "/relationship"}},
		{"an adult is not a child", func(in *meeting.ChildInput) { in.DateOfBirth = civil.New(2000, 1, 1) }, []string{"/dateOfBirth"}},
		{"born in the future", func(in *meeting.ChildInput) { in.DateOfBirth = civil.New(2028, 1, 1) }, []string{"/dateOfBirth"}},
		{"council number characters", func(in *meeting.ChildInput) { in.CouncilNumber = "12 34/5" }, []string{"/councilNumber"}},
		{"open to CSC needs a social worker", func(in *meeting.ChildInput) { in.SocialWorkerID = "" }, []string{"/socialWorkerId"}},
		{"not open needs none", func(in *meeting.ChildInput) { in.SocialWorkerID = ""; in.OpenToCSC = false }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			if tc.edit != nil {
				tc.edit(&in)
			}
			c, errs := in.Apply(meeting.Child{ID: "k1"}, today, now, "bso-1")
			if got := pointers(errs.Err()); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			if tc.want == nil && tc.edit == nil && (c.CouncilNumber != "C-1001" || c.UpdatedBy != "bso-1") {
				t.Errorf("council number not normalised for matching: %+v", c)
			}
		})
	}
}

func TestActionsAndTasks(t *testing.T) {
	if _, errs := meeting.NewAction("a1", "c1", "m1", meeting.ActionInput{}, now, "x"); strings.Join(pointers(errs.Err()), ",") != "/text,/ownerId,/due" {
		t.Errorf("empty action: %v", errs)
	}
	a, errs := meeting.NewAction("a1", "c1", "m1", meeting.ActionInput{Text: "Home visit", OwnerID: "sw-1", Due: civil.New(2027, 4, 1)}, now, "bso-1")
	if !errs.OK() || a.Status != meeting.Open {
		t.Fatal(errs)
	}
	b, _ := meeting.NewAction("a2", "c1", "m1", meeting.ActionInput{Text: "Check address", OwnerAgency: "Police", Due: civil.New(2027, 4, 1)}, now, "bso-1")
	if err := a.Close("finished", "", now, "sw-1"); err == nil {
		t.Error("closed with an unknown reason")
	}
	if err := a.Close(meeting.ClosedDone, "Visited", now, "sw-1"); err != nil || a.Status != meeting.Closed || a.ClosedBy != "sw-1" {
		t.Fatalf("close: %v %+v", err, a)
	}
	if err := a.Close(meeting.ClosedDone, "", now, "sw-1"); err == nil {
		t.Error("closed twice")
	}
	open := meeting.OpenBefore([]meeting.Action{a, b})
	if len(open) != 1 || open[0].ID != "a2" {
		t.Errorf("open actions for the next meeting: %+v", open)
	}

	if _, errs := meeting.NewMarkerTask("t1", "c1", meeting.MarkerInput{}, now, "x"); strings.Join(pointers(errs.Err()), ",") != "/caseNumber,/reason" {
		t.Errorf("empty marker: %v", errs)
	}
	mk, errs := meeting.NewMarkerTask("t1", "c1", meeting.MarkerInput{CaseNumber: "a-123", Reason: "MAPPA level 2"}, now, "bso-1")
	if !errs.OK() || mk.Kind != meeting.TaskMarker || mk.CaseNumber != "A-123" || mk.Due != civil.New(2027, 3, 22) || mk.OwnerRole != "business-support-officer" {
		t.Errorf("marker %+v %v", mk, errs)
	}
	m := meeting.Meeting{ID: "m1", CaseID: "c1"}
	tasks := meeting.FrontDoorTasks(m, []meeting.Child{
		{ID: "k1", GivenNames: "Bea", FamilyName: "Sample", OpenToCSC: true},
		{ID: "k2", GivenNames: "Cal", FamilyName: "Sample", OpenToCSC: false},
	}, []meeting.Action{b}, now, "bso-1")
	if len(tasks) != 1 || tasks[0].ID != "frontdoor-m1-k2" || !strings.Contains(tasks[0].Detail, "Check address") {
		t.Errorf("front door tasks %+v", tasks)
	}
}
