package eligibility

import "testing"

// TestSearch: the searches the issue names find what a member of staff
// means, best first.
func TestSearch(t *testing.T) {
	l := Offences()
	cases := []struct {
		q     string
		first string
		has   []string
		none  bool
	}{
		{q: "strangulation", first: "SCA2015-S75A"},
		{q: "s.47", has: []string{"OAPA1861-S47", "SOA2003-S47"}},
		{q: "Sexual Offences Act 2003 s.9", first: "SOA2003-S9"},
		{q: "Offences against the Person Act 1861 s.47", first: "OAPA1861-S47"},
		{q: "section 18", has: []string{"OAPA1861-S18", "SOA2003-S18", "FA1968-S18"}},
		{q: "wounding", has: []string{"OAPA1861-S18", "OAPA1861-S20"}},
		{q: "rape", first: "SOA2003-S1"},
		{q: "sexual assault", first: "SOA2003-S3"},
		{q: "criminal damage s.1", has: []string{"CDA1971-S1-ARSON", "CDA1971-S1-2", "CDA1971-S1-1"}},
		{q: "OAPA1861-S18", first: "OAPA1861-S18"},
		{q: "abduct", has: []string{"CAA1984-S1", "SOA1956-S19"}},
		{q: "zzzz no such offence", none: true},
	}
	for _, c := range cases {
		hits := l.Search(c.q)
		if c.none {
			if len(hits) != 0 {
				t.Errorf("%q: %d hits, want none", c.q, len(hits))
			}
			continue
		}
		if len(hits) == 0 {
			t.Errorf("%q: no hits", c.q)
			continue
		}
		if c.first != "" && hits[0].Offence.Code != c.first {
			t.Errorf("%q: first %s, want %s (%v)", c.q, hits[0].Offence.Code, c.first, codesOf(hits[:min(5, len(hits))]))
		}
		for _, want := range c.has {
			found := false
			for _, h := range hits {
				found = found || h.Offence.Code == want
			}
			if !found {
				t.Errorf("%q: %s not found (%v)", c.q, want, codesOf(hits))
			}
		}
	}
	if n := len(l.Search("")); n != len(l.Offences) {
		t.Errorf("empty query: %d, want every offence (%d)", n, len(l.Offences))
	}
}

func codesOf(hits []SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Offence.Code)
	}
	return out
}
