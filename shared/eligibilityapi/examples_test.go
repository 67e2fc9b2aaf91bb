package eligibilityapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/eligibility"
)

// The worked examples of docs/domain.md, asked of the endpoint
// as a member of staff would ask them, answered with reasons.
// (Example 8 is about the rota, which is a later issue.)
func TestWorkedExamplesThroughTheEndpoint(t *testing.T) {
	cases := []struct {
		name string
		body string
		// want
		outcome  eligibility.Outcome
		category int
		until    string // eligibleUntil.date, or "" when none
		rule     string // a rule the reasons must cite
		check    func(t *testing.T, r Response)
	}{
		{name: "1: s.18 wounding, 4 years, licence to 2029-05-31: Category 2 until then",
			body: `{"dateOfBirth":"1980-06-15","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],
				"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"sentenceDate":"2025-05-01","licenceEndDate":"2029-05-31"},
				"notification":{"status":"no"}}`,
			outcome: eligibility.Eligible, category: 2, until: "2029-05-31", rule: "CAT2-CUSTODY"},
		{name: "2: s.47 ABH, 9 months: not eligible (Category 3 only if the RA judges so)",
			body: `{"dateOfBirth":"1990-01-01","offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-03-01"}],
				"sentence":{"type":"imprisonment","lengthMonths":9},"notification":{"status":"no"}}`,
			outcome: eligibility.NotEligible},
		{name: "3: sexual assault, adult, cautioned 2026-01-15: Category 1, notification 2 years to 2028-01-14",
			body: `{"dateOfBirth":"1975-02-02","offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],
				"notification":{"status":"yes"}}`,
			outcome: eligibility.Eligible, category: 1, until: "2028-01-14", rule: "CAT1-NOTIFICATION"},
		{name: "4: age 16, robbery, DTO of 8 months: not eligible",
			body: `{"dateOfBirth":"2009-05-01","offences":[{"code":"TA1968-S8","disposal":"conviction","date":"2025-09-01"}],
				"sentence":{"type":"dto","lengthMonths":8},"notification":{"status":"no"}}`,
			outcome: eligibility.NotEligible},
		{name: "5: manslaughter, hospital order without restriction: Category 2 while the order lasts",
			body: `{"dateOfBirth":"1970-07-07","offences":[{"code":"MANSLAUGHTER","disposal":"conviction","date":"2024-02-02"}],
				"sentence":{"type":"hospital-order"},"notification":{"status":"no"}}`,
			outcome: eligibility.Eligible, category: 2,
			check: func(t *testing.T, r Response) {
				if r.Classification.EligibleUntil == nil || r.Classification.EligibleUntil.Kind != eligibility.WhileOrder {
					t.Errorf("eligible until %+v, want while the order lasts", r.Classification.EligibleUntil)
				}
			}},
		{name: "6: level 3 meeting on Thursday 2027-01-07: next review 2027-02-18 to 2027-03-04, invitations by 2027-02-18",
			body: `{"review":{"level":3,"lastMeeting":"2027-01-07"}}`,
			check: func(t *testing.T, r Response) {
				w := r.Review
				if w == nil || w.Earliest.String() != "2027-02-18" || w.Latest.String() != "2027-03-04" || w.InvitationsBy.String() != "2027-02-18" {
					t.Fatalf("review window %+v", w)
				}
				if len(w.Reasons) == 0 {
					t.Error("the review window carries no reasons")
				}
			}},
		{name: "7: meeting 2027-03-25, invitation received 2027-03-17: 8 days, short notice",
			body: `{"notice":{"meeting":"2027-03-25","received":"2027-03-17"}}`,
			check: func(t *testing.T, r Response) {
				n := r.Notice
				if n == nil || n.Days != 8 || !n.Short || len(n.Reasons) == 0 || n.Reasons[0].Rule != "NOTICE-SHORT" {
					t.Fatalf("notice %+v", n)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := post(t, c.body, staffClaims("[social-worker]"), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
			var r Response
			if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
				t.Fatal(err)
			}
			if c.outcome != "" {
				got := r.Classification
				if got.Outcome != c.outcome || int(got.PrimaryCategory) != c.category {
					t.Fatalf("outcome %s category %d, want %s %d; reasons %+v", got.Outcome, got.PrimaryCategory, c.outcome, c.category, got.Reasons)
				}
				if len(got.Reasons) == 0 {
					t.Fatal("no reasons")
				}
				for _, reason := range got.Reasons {
					if reason.Sentence == "" || reason.Source == "" || reason.Rule == "" {
						t.Errorf("reason without rule, sentence or source: %+v", reason)
					}
				}
				if c.rule != "" && !got.HasRule(c.rule) {
					t.Errorf("reasons do not cite %s: %+v", c.rule, got.Reasons)
				}
				if c.until != "" && (got.EligibleUntil == nil || got.EligibleUntil.Date.String() != c.until) {
					t.Errorf("eligible until %+v, want %s", got.EligibleUntil, c.until)
				}
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func TestReviewAndNoticeQuestionsAreValidated(t *testing.T) {
	resp := post(t, `{"review":{"level":1},"notice":{"meeting":"2027-03-25"}}`, staffClaims("[social-worker]"), nil)
	if resp.StatusCode != 422 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, ptr := range []string{"/review/level", "/review/lastMeeting", "/notice/received"} {
		if !strings.Contains(resp.Body, `"`+ptr+`"`) {
			t.Errorf("422 does not name %s: %s", ptr, resp.Body)
		}
	}
}
