package cadence

import "github.com/mappa-coordinator/mappa/shared/eligibility"

// Rules lists every rule the package can cite, as docs/rules.md does.
var Rules = []eligibility.Rule{
	{ID: "REVIEW-L2-WINDOW", Summary: "A level 2 review is due 12 to 16 weeks after the last meeting (configurable per area), never more than 16.", Source: "S2 (S1, 2010, said at least every 3 months)"},
	{ID: "REVIEW-L3-WINDOW", Summary: "A level 3 review is due 6 to 8 weeks after the last meeting.", Source: "S2"},
	{ID: "REVIEW-CUSTODY", Summary: "For a person in custody the review is keyed to the earlier of the release and parole eligibility dates rather than the interval: between 12 and 4 weeks before it.", Source: "S2 (keyed to release or parole); product policy (the weeks; guidance silent)", Policy: true},
	{ID: "REVIEW-CUSTODY-URGENT", Summary: "When release is closer than the usual lead time, the review is held as soon as possible, before release.", Source: "Product policy (guidance silent)", Policy: true},
	{ID: "REVIEW-CUSTODY-PASSED", Summary: "Release and parole dates that are not after the last meeting no longer key the review: the interval applies.", Source: "Product policy", Policy: true},
	{ID: "DUE-WORKING-DAY", Summary: "A due date on a weekend or England and Wales bank holiday moves to the previous working day, so the maximum interval is never exceeded.", Source: "Product policy", Policy: true},
	{ID: "WINDOW-OPENS-WORKING-DAY", Summary: "A window that would open on a weekend or bank holiday opens on the next working day, so the minimum interval is kept.", Source: "Product policy", Policy: true},
	{ID: "INVITE-14-DAYS", Summary: "Invitations go out at least 14 days before a meeting; the deadline is a working day, moved earlier if needed.", Source: "S3"},
	{ID: "NOTICE-SHORT", Summary: "An invitation received less than 14 days before the meeting is short notice: flag it and telephone the single point of contact.", Source: "S3"},
	{ID: "NOTICE-OK", Summary: "An invitation received 14 days or more before the meeting gave enough notice.", Source: "S3"},
	{ID: "SUPERVISION-4-WEEKS", Summary: "Supervision of a new case is due within 4 weeks of allocation.", Source: "S0"},
	{ID: "IRAMM-MONTHLY", Summary: "High and very high risk cases have an internal risk management meeting every month.", Source: "S0"},
	{ID: "IRAMM-NOT-NEEDED", Summary: "Low and medium risk cases need no monthly internal risk meeting; an emergency one can be held whenever needed.", Source: "S0"},
	{ID: "MONITORING-MONTHLY", Summary: "Monitoring goes to managers monthly.", Source: "S0"},
}

func reason(id, sentence string) eligibility.Reason {
	src := "unknown rule"
	for _, r := range Rules {
		if r.ID == id {
			src = r.Source
			break
		}
	}
	return eligibility.Reason{Rule: id, Sentence: sentence, Source: src}
}
