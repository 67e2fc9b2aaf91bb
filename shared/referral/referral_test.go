package referral_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

var today = civil.New(2026, 11, 23)

func pointers(t *testing.T, body []byte) []string {
	t.Helper()
	errs, malformed := httpapi.DecodeBytes(body, referral.NewDraft(today))
	if malformed != "" {
		t.Fatalf("malformed: %s", malformed)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Pointer)
	}
	return out
}

func TestFixtureIsValid(t *testing.T) {
	if ps := pointers(t, []byte(referraltest.JSON)); len(ps) != 0 {
		t.Fatalf("fixture invalid at %v", ps)
	}
}

func TestValidationNamesEveryBadField(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want []string
	}{
		{"missing reference", func(m map[string]any) { delete(m, "agencyReference") }, []string{"/agencyReference"}},
		{"unknown field", func(m map[string]any) { m["colour"] = "blue" }, []string{"/colour"}},
		{"unknown nested field", func(m map[string]any) { referraltest.Obj(m, "person")["shoeSize"] = 9 }, []string{"/person/shoeSize"}},
		{"impossible date", func(m map[string]any) { referraltest.Obj(m, "person")["dateOfBirth"] = "1988-02-30" }, []string{"/person/dateOfBirth"}},
		{"future birth", func(m map[string]any) {
			referraltest.Obj(m, "person")["dateOfBirth"] = "2026-11-24"
			delete(referraltest.Obj(m, "facts"), "dateOfBirth")
		}, []string{"/person/dateOfBirth"}},
		// Issue 12, finding 5: contradictory dates and hostile characters.
		{"two dates of birth", func(m map[string]any) { referraltest.Obj(m, "facts")["dateOfBirth"] = "1977-01-01" }, []string{"/facts/dateOfBirth"}},
		{"right-to-left override in a name", func(m map[string]any) { referraltest.Obj(m, "person")["familyName"] = "Smith\u202eevil" }, []string{"/person/familyName"}},
		{"isolate in a child's name", func(m map[string]any) {
			m["associatedChildren"].([]any)[0].(map[string]any)["givenNames"] = "Ava\u2067x"
		}, []string{"/associatedChildren/0/givenNames"}},
		{"control character in a name", func(m map[string]any) { referraltest.Obj(m, "person")["givenNames"] = "Sam\u0007" }, []string{"/person/givenNames"}},
		{"line break in a name", func(m map[string]any) { referraltest.Obj(m, "person")["givenNames"] = "Sam\nuel" }, []string{"/person/givenNames"}},
		{"line breaks in free text", func(m map[string]any) { m["reasonForReferral"] = "Released.\nLiving near a school.\tTab." }, nil},
		{"bad agency", func(m map[string]any) { referraltest.Obj(m, "referringAgency")["type"] = "army" }, []string{"/referringAgency/type"}},
		{"bad crn and pnc", func(m map[string]any) {
			ids := referraltest.Obj(referraltest.Obj(m, "person"), "identifiers")
			ids["crn"], ids["pnc"] = "12345", "1234567"
		}, []string{"/person/identifiers/crn", "/person/identifiers/pnc"}},
		{"bad postcode", func(m map[string]any) { referraltest.Obj(m, "address")["postcode"] = "12345" }, []string{"/address/postcode"}},
		{"no fixed abode needs area", func(m map[string]any) { m["address"] = map[string]any{"noFixedAbode": true} }, []string{"/address/areaOfClosestLinks"}},
		{"no fixed abode with area", func(m map[string]any) {
			m["address"] = map[string]any{"noFixedAbode": true, "areaOfClosestLinks": "Reading town centre"}
		}, nil},
		{"bad risk", func(m map[string]any) { referraltest.Obj(m, "currentRisk")["public"] = "severe" }, []string{"/currentRisk/public"}},
		{"missing risk", func(m map[string]any) { delete(referraltest.Obj(m, "currentRisk"), "staff") }, []string{"/currentRisk/staff"}},
		{"level 4", func(m map[string]any) { m["levelRequested"] = 4 }, []string{"/levelRequested"}},
		{"level as string", func(m map[string]any) { m["levelRequested"] = "2" }, []string{"/levelRequested"}},
		{"meeting in the past", func(m map[string]any) { referraltest.Obj(m, "meetingInvitation")["date"] = "2026-11-22" }, []string{"/meetingInvitation/date"}},
		{"meeting today", func(m map[string]any) { referraltest.Obj(m, "meetingInvitation")["date"] = "2026-11-23" }, nil},
		{"bad time", func(m map[string]any) { referraltest.Obj(m, "meetingInvitation")["time"] = "25:00" }, []string{"/meetingInvitation/time"}},
		{"meeting without place or link", func(m map[string]any) { delete(referraltest.Obj(m, "meetingInvitation"), "link") }, []string{"/meetingInvitation/place"}},
		{"http link", func(m map[string]any) { referraltest.Obj(m, "meetingInvitation")["link"] = "http://x.example" }, []string{"/meetingInvitation/link"}},
		{"bad meeting type", func(m map[string]any) { referraltest.Obj(m, "meetingInvitation")["meetingType"] = "other" }, []string{"/meetingInvitation/meetingType"}},
		{"child without open flag and adult", func(m map[string]any) {
			c := m["associatedChildren"].([]any)[0].(map[string]any)
			delete(c, "openToChildrensSocialCare")
			c["dateOfBirth"] = "2000-01-01"
		}, []string{"/associatedChildren/0/dateOfBirth", "/associatedChildren/0/openToChildrensSocialCare"}},
		{"bad referrer email", func(m map[string]any) { referraltest.Obj(m, "referrer")["email"] = "Alex <a@b.uk>" }, []string{"/referrer/email"}},
		{"victim with nothing", func(m map[string]any) { m["victims"] = []any{map[string]any{"isChild": true}} }, []string{"/victims/0"}},
		{"many at once", func(m map[string]any) {
			delete(m, "reasonForReferral")
			referraltest.Obj(m, "person")["gender"] = "x"
			m["levelRequested"] = 0
		}, []string{"/levelRequested", "/person/gender", "/reasonForReferral"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := pointers(t, referraltest.With(tc.edit))
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("pointers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHashIgnoresKeyOrderAndSpacing(t *testing.T) {
	a := referraltest.Referral()
	var generic map[string]any
	_ = json.Unmarshal([]byte(referraltest.JSON), &generic)
	compact, _ := json.Marshal(generic) // keys sorted, no spaces
	var b referral.Referral
	if err := json.Unmarshal(compact, &b); err != nil {
		t.Fatal(err)
	}
	ha, _ := a.Hash()
	hb, _ := b.Hash()
	if ha != hb {
		t.Fatal("same referral, different hash")
	}
	b.ReasonForReferral += "."
	if hc, _ := b.Hash(); hc == ha {
		t.Fatal("different referral, same hash")
	}
}

func TestNormalise(t *testing.T) {
	cases := []struct {
		f      func(string) (string, bool)
		in     string
		want   string
		wantOK bool
	}{
		{referral.NormaliseCRN, " x123456 ", "X123456", true},
		{referral.NormaliseCRN, "X12345", "X12345", false},
		{referral.NormalisePNC, "2001/123a", "01/0000123A", true},
		{referral.NormalisePNC, "01/0000123A", "01/0000123A", true},
		{referral.NormalisePNC, "01/12345678A", "01/12345678A", false},
		{referral.NormalisePNC, "011234567A", "011234567A", false},
		{referral.NormaliseCouncilNumber, "c-000 123", "C000123", true},
		{referral.NormaliseCouncilNumber, "--", "", false},
		{referral.NormalisePostcode, "rg11aa", "RG1 1AA", true},
		{referral.NormalisePostcode, "SW1A 1AA", "SW1A 1AA", true},
		{referral.NormalisePostcode, "12345", "12 345", false},
	}
	for _, tc := range cases {
		got, ok := tc.f(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("normalise(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
	if referral.NameKey("O'Brien-Smíth", civil.New(1990, 1, 2)) != referral.NameKey("obrien smith", civil.New(1990, 1, 2)) {
		t.Error("name key should fold punctuation, case and accents")
	}
	if referral.NameKey("Smith", civil.New(1990, 1, 2)) == referral.NameKey("Smith", civil.New(1990, 1, 3)) {
		t.Error("name key should depend on the date of birth")
	}
	if referral.NameKey("", civil.New(1990, 1, 2)) != "" {
		t.Error("no name, no key")
	}
}

func TestPlanMatch(t *testing.T) {
	crn := referral.Identifier{Kind: referral.KindCRN, Value: "X123456"}
	pnc := referral.Identifier{Kind: referral.KindPNC, Value: "01/0000123A"}
	cases := []struct {
		name     string
		ids      []referral.Identifier
		m        referral.Matches
		wantCase string
		wantNew  bool
		claim    int
		possible []string
	}{
		{"nothing known", []referral.Identifier{crn, pnc}, referral.Matches{}, "new", true, 2, nil},
		{"crn known, same person", []referral.Identifier{crn, pnc}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1"}, ByNameAndBirth: []string{"c1"}}, "c1", false, 1, nil},
		{"ids disagree", []referral.Identifier{crn, pnc}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1", pnc: "c2"}, ByNameAndBirth: []string{"c1", "c2"}}, "c1", false, 0, []string{"c2"}},
		{"name and birth only", []referral.Identifier{crn}, referral.Matches{ByNameAndBirth: []string{"c3", "c4"}}, "new", true, 1, []string{"c3", "c4"}},
		{"identifier beats name", []referral.Identifier{crn}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1"}, ByNameAndBirth: []string{"c1", "c3"}}, "c1", false, 0, nil},
		// Wrong-person linkage (issue 12, finding 1): an identifier held by a
		// case whose person has another name or date of birth never attaches.
		{"crn known, different name or birth", []referral.Identifier{crn}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1"}}, "new", true, 0, []string{"c1"}},
		{"crn conflicts, name matches another", []referral.Identifier{crn}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1"}, ByNameAndBirth: []string{"c3"}}, "new", true, 0, []string{"c1", "c3"}},
		{"crn conflicts, pnc agrees", []referral.Identifier{crn, pnc}, referral.Matches{Claimed: map[referral.Identifier]string{crn: "c1", pnc: "c2"}, ByNameAndBirth: []string{"c2"}}, "c2", false, 0, []string{"c1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := referral.PlanMatch(tc.ids, tc.m, "new")
			if p.CaseID != tc.wantCase || p.NewCase != tc.wantNew || len(p.Claim) != tc.claim || !slices.Equal(p.PossibleMatches, tc.possible) {
				t.Errorf("plan = %+v", p)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	cases := []struct {
		from    referral.Status
		kind    referral.DecisionKind
		want    referral.Status
		wantErr bool
	}{
		{referral.StatusClassified, referral.DecisionAccept, referral.StatusAccepted, false},
		{referral.StatusClassified, referral.DecisionDecline, referral.StatusDeclined, false},
		{referral.StatusClassified, referral.DecisionMoreInformation, referral.StatusMoreInformation, false},
		{referral.StatusMoreInformation, referral.DecisionAccept, referral.StatusAccepted, false},
		{referral.StatusReceived, referral.DecisionAccept, "", true},
		{referral.StatusAccepted, referral.DecisionDecline, "", true},
		{referral.StatusDeclined, referral.DecisionAccept, "", true},
	}
	for _, tc := range cases {
		got, err := referral.Decide(tc.from, tc.kind)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("Decide(%s, %s) = %s, %v", tc.from, tc.kind, got, err)
		}
	}
	if errs := referral.CheckDecision(referral.DecisionDecline, " "); len(errs) != 1 || errs[0].Pointer != "/reason" {
		t.Errorf("decline without reason: %v", errs)
	}
	if errs := referral.CheckDecision(referral.DecisionAccept, ""); !errs.OK() {
		t.Errorf("accept needs no reason: %v", errs)
	}
}

func TestResolveLevel(t *testing.T) {
	cases := []struct {
		name      string
		q         referral.LevelRequest
		suggested int
		never1    bool
		want      int
		bad       []string
	}{
		{"confirm suggested", referral.LevelRequest{Action: referral.LevelConfirm}, 2, false, 2, nil},
		{"confirm other", referral.LevelRequest{Action: referral.LevelConfirm, Level: 3}, 2, false, 0, []string{"/level"}},
		{"confirm nothing", referral.LevelRequest{Action: referral.LevelConfirm}, 0, false, 0, []string{"/action"}},
		{"set other without reason", referral.LevelRequest{Action: referral.LevelSet, Level: 3}, 2, false, 0, []string{"/reason"}},
		{"set other with reason", referral.LevelRequest{Action: referral.LevelSet, Level: 3, Reason: "media interest"}, 2, false, 3, nil},
		{"set same needs no reason", referral.LevelRequest{Action: referral.LevelSet, Level: 2}, 2, false, 2, nil},
		{"category 3 never level 1", referral.LevelRequest{Action: referral.LevelSet, Level: 1, Reason: "x"}, 2, true, 0, []string{"/level"}},
		{"bad action", referral.LevelRequest{Action: "raise"}, 2, false, 0, []string{"/action"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := referral.ResolveLevel(tc.q, tc.suggested, tc.never1)
			var ptrs []string
			for _, e := range errs {
				ptrs = append(ptrs, e.Pointer)
			}
			if !slices.Equal(ptrs, tc.bad) || (tc.bad == nil && got != tc.want) {
				t.Errorf("got %d %v, want %d %v", got, ptrs, tc.want, tc.bad)
			}
		})
	}
}

func TestFixtureFactsAreCategory2(t *testing.T) {
	res := eligibility.Classify(referraltest.Referral().Facts, today)
	if res.Outcome != eligibility.Eligible || res.PrimaryCategory != eligibility.Category2 {
		t.Fatalf("fixture facts: %s category %v", res.Outcome, res.PrimaryCategory)
	}
}

func TestFactsProblemsAreReportedUnderFacts(t *testing.T) {
	body := referraltest.With(func(m map[string]any) {
		referraltest.Obj(referraltest.Obj(m, "facts"), "sentence")["type"] = "prison"
	})
	got := pointers(t, body)
	if !slices.Equal(got, []string{"/facts/sentence/type"}) {
		t.Errorf("pointers %v", got)
	}
}
