package eligibility

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

func pointers(errs validation.Errors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Pointer)
	}
	return out
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		facts string
		want  []string // pointers that must be reported
	}{
		{"negative lengths", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":-1,"lengthWeeks":-2,"lengthDays":-3}}`,
			[]string{"/sentence/lengthMonths", "/sentence/lengthWeeks", "/sentence/lengthDays"}},
		{"absurd length", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":100000}}`,
			[]string{"/sentence/lengthMonths"}},
		{"zero length", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":0}}`,
			[]string{"/sentence/lengthMonths"}},
		{"missing disposal and identity", `{"offences":[{}]}`, []string{"/offences/0", "/offences/0/disposal"}},
		{"sentence type missing", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{}}`, []string{"/sentence/type"}},
		{"a caution with a sentence", `{"offences":[{"code":"SOA2003-S3","disposal":"caution"}],"sentence":{"type":"fine"}}`, []string{"/sentence"}},
		{"a restriction order without a hospital order", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":24,"restrictionOrder":true}}`,
			[]string{"/sentence/restrictionOrder"}},
		{"a suspended community order", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"community-order","suspended":true}}`,
			[]string{"/sentence/suspended"}},
		{"a suspended sentence over 2 years", `{"offences":[{"code":"OAPA1861-S47","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":30,"suspended":true}}`,
			[]string{"/sentence/suspended"}},
		{"a life fine", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"fine","life":true}}`, []string{"/sentence/life"}},
		{"a DTO of 30 months", `{"offences":[{"code":"TA1968-S8","disposal":"conviction"}],"sentence":{"type":"dto","lengthMonths":30}}`, []string{"/sentence/lengthMonths"}},
		{"a DTO for an adult", `{"ageAtConviction":19,"offences":[{"code":"TA1968-S8","disposal":"conviction"}],"sentence":{"type":"dto","lengthMonths":12}}`, []string{"/sentence/type"}},
		{"YOI for a 16-year-old", `{"dateOfBirth":"2010-01-01","offences":[{"code":"TA1968-S8","disposal":"conviction","date":"2026-06-01"}],"sentence":{"type":"yoi-detention","lengthMonths":12}}`,
			[]string{"/sentence/type"}},
		{"imprisonment after a finding of insanity", `{"offences":[{"code":"OAPA1861-S18","disposal":"not-guilty-insanity"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
			[]string{"/sentence/type"}},
		{"a life licence with an end date", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","life":true},"dates":{"licenceEndDate":"2040-01-01"}}`,
			[]string{"/dates/licenceEndDate"}},
		{"dates in the wrong order", `{"dateOfBirth":"2000-01-01","offences":[{"code":"MURDER","disposal":"conviction","date":"2020-02-01"}],"sentence":{"type":"imprisonment","life":true},
			"dates":{"sentenceDate":"2020-01-01","releaseDate":"2019-01-01","paroleEligibilityDate":"2019-06-01","orderEndDate":"2019-01-01"}}`,
			[]string{"/offences/0/date", "/dates/releaseDate", "/dates/paroleEligibilityDate", "/dates/orderEndDate"}},
		{"licence ends before release", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":24},"dates":{"releaseDate":"2027-01-01","licenceEndDate":"2026-01-01"}}`,
			[]string{"/dates/licenceEndDate"}},
		{"offence before birth", `{"dateOfBirth":"2000-01-01","offences":[{"code":"MURDER","disposal":"caution","date":"1999-01-01"}]}`, []string{"/offences/0/date"}},
		{"conviction at 9", `{"dateOfBirth":"2010-01-01","offences":[{"code":"OAPA1861-S47","disposal":"caution","date":"2019-06-01"}]}`, []string{"/offences/0/date"}},
		{"age out of range", `{"ageAtConviction":7}`, []string{"/ageAtConviction"}},
		{"notification end date without yes", `{"notification":{"status":"no","endDate":"2030-01-01"}}`, []string{"/notification/status"}},
		{"notification indefinite and dated", `{"notification":{"status":"yes","endDate":"2030-01-01","indefinite":true}}`, []string{"/notification/endDate"}},
		{"terrorist connection without a conviction", `{"terrorism":{"terroristConnection":true}}`, []string{"/terrorism/terroristConnection"}},
		{"CTA end date without yes", `{"terrorism":{"ctaNotificationEndDate":"2030-01-01"}}`, []string{"/terrorism/ctaNotification"}},
		{"sentence date without a sentence", `{"dates":{"sentenceDate":"2020-01-01"}}`, []string{"/dates/sentenceDate"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := facts(t, tc.facts).Validate()
			got := pointers(errs)
			for _, p := range tc.want {
				if !slices.Contains(got, p) {
					t.Errorf("%s not reported; got %v", p, errs)
				}
			}
			for _, e := range errs {
				if e.Detail == "" {
					t.Errorf("%s has no detail", e.Pointer)
				}
			}
		})
	}
}

func TestValidFactsPass(t *testing.T) {
	for _, tc := range classifyCases {
		if tc.want.outcome == CannotDecide && slices.Contains(tc.want.rules, "INPUT-INVALID") {
			continue
		}
		if errs := facts(t, tc.facts).ValidateAt(today); !errs.OK() {
			t.Errorf("%s: valid facts refused: %v", tc.name, errs)
		}
	}
}

func TestValidateAtRefusesFutureDates(t *testing.T) {
	if got := pointers(facts(t, `{"dateOfBirth":"2027-01-01"}`).ValidateAt(today)); !slices.Contains(got, "/dateOfBirth") {
		t.Errorf("a future date of birth was accepted: %v", got)
	}
	f := facts(t, `{"dateOfBirth":"2000-01-01","offences":[{"code":"MURDER","disposal":"conviction","date":"2027-02-01"}],
		"sentence":{"type":"imprisonment","life":true},"dates":{"sentenceDate":"2027-03-01","releaseDate":"2040-01-01"}}`)
	got := pointers(f.ValidateAt(today))
	for _, p := range []string{"/offences/0/date", "/dates/sentenceDate"} {
		if !slices.Contains(got, p) {
			t.Errorf("%s not reported: %v", p, got)
		}
	}
	if slices.Contains(got, "/dates/releaseDate") {
		t.Error("a future release date was refused")
	}
	if len(f.Validate()) != 0 {
		t.Errorf("Validate (without today) reported %v", f.Validate())
	}
}

func TestEnumsAreStrict(t *testing.T) {
	bad := map[string]string{
		"disposal":      `{"offences":[{"code":"MURDER","disposal":"acquitted"}]}`,
		"sentence type": `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"prison"}}`,
		"answer":        `{"notification":{"status":"maybe"}}`,
		"judgement":     `{"category3":{"seriousHarmCapability":"probably"}}`,
		"risk":          `{"currentRisk":"extreme"}`,
		"inchoate":      `{"offences":[{"code":"MURDER","disposal":"conviction","inchoate":"thinking"}]}`,
	}
	for name, body := range bad {
		var f Facts
		err := json.Unmarshal([]byte(body), &f)
		if err == nil || !strings.Contains(err.Error(), "must be") {
			t.Errorf("%s: accepted or unhelpful error: %v", name, err)
		}
	}
	// Go values built without JSON are checked by Validate.
	f := Facts{Offences: []Offence{{Code: "MURDER", Disposal: "acquitted", Inchoate: "x"}},
		Notification: Notification{Status: "maybe"}, Management: Management{MeetingsAddValue: "perhaps"},
		Terrorism: Terrorism{CTANotification: "sure", RAConsidersAtRisk: "hmm"}, Category3: &Category3Judgements{NeedsLevel2Or3Management: "x"}}
	got := pointers(f.Validate())
	for _, p := range []string{"/offences/0/disposal", "/offences/0/inchoate", "/notification/status", "/management/meetingsAddValue",
		"/terrorism/ctaNotification", "/terrorism/raConsidersAtRisk", "/category3/needsLevel2Or3Management"} {
		if !slices.Contains(got, p) {
			t.Errorf("%s not reported: %v", p, got)
		}
	}
}

func TestCodes(t *testing.T) {
	for c := Category1; c <= Category4; c++ {
		back, ok := c.Code().Category()
		if !ok || back != c || c.Name() == "" {
			t.Errorf("category %d code %s", c, c.Code())
		}
	}
	if NoCategory.Code() != CodeNoCategory {
		t.Error("no category is not X9")
	}
	for l := Level1; l <= Level3; l++ {
		back, ok := l.Code().Level()
		if !ok || back != l || l.Name() == "" {
			t.Errorf("level %d code %s", l, l.Code())
		}
	}
	if NoLevel.Code() != CodeNoLevel {
		t.Error("no level is not M0")
	}
	var c Category
	for in, want := range map[string]Category{`2`: 2, `"M2"`: 2, `"X9"`: 0, `4`: 4, `"M4"`: 4} {
		if err := json.Unmarshal([]byte(in), &c); err != nil || c != want {
			t.Errorf("category %s: %v %v", in, c, err)
		}
	}
	for _, in := range []string{`5`, `-1`, `"M5"`, `"2"`, `2.5`, `true`} {
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("category %s accepted", in)
		}
	}
	var l Level
	for in, want := range map[string]Level{`3`: 3, `"M3"`: 3, `"M0"`: 0, `0`: 0} {
		if err := json.Unmarshal([]byte(in), &l); err != nil || l != want {
			t.Errorf("level %s: %v %v", in, l, err)
		}
	}
	for _, in := range []string{`4`, `"M4"`, `"X9"`, `"level 2"`} {
		if err := json.Unmarshal([]byte(in), &l); err == nil {
			t.Errorf("level %s accepted", in)
		}
	}
	var lc LevelCode
	if err := json.Unmarshal([]byte(`"M4"`), &lc); err == nil {
		t.Error("level code M4 accepted")
	}
	var cc CategoryCode
	if err := json.Unmarshal([]byte(`"M4"`), &cc); err != nil || cc != CodeCategory4 {
		t.Errorf("category code M4: %v", err)
	}
}
