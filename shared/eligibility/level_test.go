package eligibility

import (
	"encoding/json"
	"slices"
	"testing"
)

type levelCase struct {
	name    string
	facts   string
	level   Level
	rules   []string
	missing []string
}

const cat2 = `"dateOfBirth":"1980-06-15","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2029-05-31"},"notification":{"status":"no"}`

var levelCases = []levelCase{
	{"not eligible: no level", `{"offences":[{"code":"TA1968-S1","disposal":"conviction","date":"2026-01-01"}],"sentence":{"type":"fine"}}`,
		NoLevel, []string{"LEVEL-NONE"}, nil},
	{"high risk and meetings add value: level 2", `{` + cat2 + `,"currentRisk":"high","management":{"meetingsAddValue":"yes"}}`,
		Level2, []string{"LEVEL2-HIGH-RISK", "LEVEL-CONFIRM"}, nil},
	{"very high risk with media scrutiny: level 3", `{` + cat2 + `,"currentRisk":"very-high","management":{"meetingsAddValue":"yes","mediaScrutiny":true}}`,
		Level3, []string{"LEVEL2-HIGH-RISK", "LEVEL3-SENIOR"}, nil},
	{"significant resources at short notice: level 3", `{` + cat2 + `,"currentRisk":"high","management":{"meetingsAddValue":"yes","significantResources":true}}`,
		Level3, []string{"LEVEL3-SENIOR"}, nil},
	{"medium risk: level 1", `{` + cat2 + `,"currentRisk":"medium","management":{"meetingsAddValue":"yes"}}`,
		Level1, []string{"LEVEL1-ORDINARY"}, nil},
	{"high risk but meetings would not add value: level 1", `{` + cat2 + `,"currentRisk":"high","management":{"meetingsAddValue":"no"}}`,
		Level1, []string{"LEVEL1-ORDINARY"}, nil},
	{"media scrutiny without the level 2 criteria: not level 3", `{` + cat2 + `,"currentRisk":"low","management":{"meetingsAddValue":"yes","mediaScrutiny":true}}`,
		Level1, []string{"LEVEL3-NEEDS-LEVEL2", "LEVEL1-ORDINARY"}, nil},
	{"exceptionally, lower risk needing co-ordination: level 2", `{` + cat2 + `,"currentRisk":"medium","management":{"meetingsAddValue":"yes","exceptionalCoordination":true}}`,
		Level2, []string{"LEVEL2-EXCEPTIONAL"}, nil},
	{"stepping down from level 3: level 2", `{` + cat2 + `,"currentRisk":"medium","management":{"meetingsAddValue":"yes","steppingDownFromLevel3":true}}`,
		Level2, []string{"LEVEL2-STEP-DOWN"}, nil},
	{"high risk, meetings not recorded: no suggestion", `{` + cat2 + `,"currentRisk":"high"}`,
		NoLevel, []string{"LEVEL-MISSING"}, []string{"/management/meetingsAddValue"}},
	{"risk not recorded: no suggestion", `{` + cat2 + `,"management":{"meetingsAddValue":"yes"}}`,
		NoLevel, []string{"LEVEL-MISSING"}, []string{"/currentRisk"}},
	{"Category 3 is never level 1", `{"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":9},
		"category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"},"currentRisk":"medium","management":{"meetingsAddValue":"no"}}`,
		Level2, []string{"LEVEL-CAT3-NOT-1"}, nil},
	{"Category 4: the lead agency decides on counter-terrorism arrangements", `{"offences":[{"code":"TACT2000-S58","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24},"dates":{"licenceEndDate":"2027-01-09"},"currentRisk":"high","management":{"meetingsAddValue":"yes"}}`,
		Level2, []string{"LEVEL-CAT4-CT", "LEVEL2-HIGH-RISK"}, nil},
}

func TestSuggestLevel(t *testing.T) {
	for _, tc := range levelCases {
		t.Run(tc.name, func(t *testing.T) {
			f := facts(t, tc.facts)
			s := SuggestLevel(f, Classify(f, today))
			if s.Level != tc.level || s.LevelCode != tc.level.Code() {
				t.Errorf("level %s (%s), want %s", s.Level, s.LevelCode, tc.level)
			}
			for _, id := range tc.rules {
				if !slices.ContainsFunc(s.Reasons, func(r Reason) bool { return r.Rule == id }) {
					t.Errorf("rule %s not cited", id)
				}
			}
			for _, p := range tc.missing {
				if !slices.ContainsFunc(s.Missing, func(m Missing) bool { return m.Pointer == p }) {
					t.Errorf("missing %s not listed", p)
				}
			}
			if t.Failed() {
				b, _ := json.MarshalIndent(s, "", "  ")
				t.Logf("%s", b)
			}
		})
	}
}

// TestCategory3NeverLevel1 checks the rule over every combination of the
// level facts.
func TestCategory3NeverLevel1(t *testing.T) {
	base := `{"offences":[{"code":"OAPA1861-S47","disposal":"caution","date":"2026-01-10"}],
		"category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"}}`
	f := facts(t, base)
	r := Classify(f, today)
	if r.PrimaryCategory != Category3 {
		t.Fatalf("not Category 3: %+v", r)
	}
	for _, risk := range []string{"", "low", "medium", "high", "very-high"} {
		for _, meet := range []Judgement{"", JudgedYes, JudgedNo, NotYetRecorded} {
			for mask := range 32 {
				g := f
				if risk != "" {
					_ = json.Unmarshal([]byte(`"`+risk+`"`), &g.CurrentRisk)
				}
				g.Management = Management{MeetingsAddValue: meet, ExceptionalCoordination: mask&1 != 0,
					SteppingDownFromLevel3: mask&2 != 0, SeniorRepresentation: mask&4 != 0,
					SignificantResources: mask&8 != 0, MediaScrutiny: mask&16 != 0}
				if s := SuggestLevel(g, r); s.Level < Level2 {
					t.Fatalf("Category 3 suggested %s with %+v risk %q", s.Level, g.Management, risk)
				}
			}
		}
	}
}
