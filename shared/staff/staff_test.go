package staff_test

import (
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

func TestPersonInput(t *testing.T) {
	today := civil.New(2027, 3, 17)
	good := staff.Input{Name: "Hana Dummy", Email: "hana.dummy@example.gov.uk", Role: staff.RoleServiceMgr, Team: "MAPPA",
		DBSCheckedOn: civil.New(2025, 6, 1)}
	tests := []struct {
		name string
		edit func(*staff.Input)
		want []string
	}{
		{"valid", nil, nil},
		{"required", func(in *staff.Input) { *in = staff.Input{} }, []string{"/name", "/email", "/role"}},
		{"email and role", func(in *staff.Input) { in.Email = "Hana <h@x>"; in.Role = "chief" }, []string{"/email", "/role"}},
		{"DBS in the future", func(in *staff.Input) { in.DBSCheckedOn = civil.New(2028, 1, 1) }, []string{"/dbsCheckedOn"}},
		{"next DBS before the last", func(in *staff.Input) { in.DBSNextDue = civil.New(2025, 1, 1) }, []string{"/dbsNextDue"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			if tc.edit != nil {
				tc.edit(&in)
			}
			p, errs := in.Apply(staff.Person{ID: "sm-1"}, today)
			var got []string
			for _, e := range errs {
				got = append(got, e.Pointer)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			if tc.edit == nil {
				if p.DBSNextDue != civil.New(2028, 6, 1) || !p.Active || !p.Has(staff.RoleServiceMgr) {
					t.Errorf("%+v", p)
				}
				if p.DBSOverdue(today) || !p.DBSOverdue(civil.New(2028, 6, 1)) {
					t.Error("DBS due date")
				}
			}
		})
	}
}

func TestLeave(t *testing.T) {
	l := staff.Leave{From: civil.New(2027, 3, 22), To: civil.New(2027, 3, 26), Kind: staff.LeaveAnnual}
	if !l.Validate().OK() || !l.Covers(civil.New(2027, 3, 22)) || !l.Covers(civil.New(2027, 3, 26)) || l.Covers(civil.New(2027, 3, 27)) {
		t.Fatal("leave covers both ends and nothing after")
	}
	if bad := (staff.Leave{From: civil.New(2027, 3, 22), To: civil.New(2027, 3, 21), Kind: "holiday"}).Validate(); len(bad) != 2 {
		t.Errorf("%v", bad)
	}
	if _, away := staff.OnLeave([]staff.Leave{l}, civil.New(2027, 3, 24)); !away {
		t.Error("not on leave mid-period")
	}
	names := staff.Names{"sm-1": "Hana Dummy"}
	if names.Of("sm-1") != "Hana Dummy" || !strings.Contains(names.Of("system:rota"), "system") || !strings.Contains(names.Of("zz"), "not in the staff directory") {
		t.Error("names")
	}
}
