package eligibility

import (
	"strings"
	"testing"
)

// TestOffenceListData checks the embedded list: it loads (which checks its
// shape), it holds the offences the brief and the worked examples need,
// every entry has a statute reference, and the sexual offences that carry
// notification are marked.
func TestOffenceListData(t *testing.T) {
	l, err := LoadOffences(offencesJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sources) == 0 || l.About == "" {
		t.Error("the list does not say where it comes from")
	}
	wantSpecified := map[string]int{ // code -> Schedule 15 part (0 for murder)
		"MURDER": 0, "MANSLAUGHTER": 1, "OAPA1861-S18": 1, "OAPA1861-S20": 1, "OAPA1861-S47": 1, "TA1968-S8": 1,
		"KIDNAPPING": 1, "FALSE-IMPRISONMENT": 1, "OAPA1861-S16": 1, "CDA1971-S1-ARSON": 1,
		"SOA2003-S1": 2, "SOA2003-S2": 2, "SOA2003-S3": 2, "SOA2003-S5": 2, "SOA2003-S9": 2, "PCA1978-S1": 2,
	}
	for code, part := range wantSpecified {
		o, ok := l.ByCode(code)
		switch {
		case !ok:
			t.Errorf("%s missing", code)
		case part == 0 && !o.Murder:
			t.Errorf("%s is not marked as murder", code)
		case part > 0 && (o.Schedule15 == nil || o.Schedule15.Part != part):
			t.Errorf("%s is not in Schedule 15 Part %d", code, part)
		}
	}
	notification := map[string]bool{"SOA2003-S1": false, "SOA2003-S2": false, "SOA2003-S3": true, "SOA2003-S5": false, "SOA2003-S7": true, "SOA1956-S1": false}
	for code, conditional := range notification {
		o, _ := l.ByCode(code)
		if o.Notification == nil || o.Notification.Conditional != conditional {
			t.Errorf("%s notification %+v, want conditional=%v", code, o.Notification, conditional)
		}
	}
	for _, o := range l.Offences {
		if o.Statute != "Common law" && !strings.HasPrefix(o.Section, "s.") && !strings.HasPrefix(o.Section, "art.") && !strings.HasPrefix(o.Section, "Part ") && !strings.HasPrefix(o.Section, "Sch.") {
			t.Errorf("%s: section %q is not a statute section", o.Code, o.Section)
		}
		if o.Schedule15 != nil && o.Schedule15.Part == 1 && o.Notification != nil {
			t.Errorf("%s: a violent offence marked as carrying notification", o.Code)
		}
		// CJA 2003 Sch.15 Part 1 paras 59A-59D, 60A-60C and 63B-63F (CAJA
		// 2009 s.138, 12 January 2010) were omitted from 12 April 2019 by
		// the Counter-Terrorism and Border Security Act 2019 Sch.4 para
		// 9(2); the offences are in Part 3 (s.9(5)), which s.327(3)(a)
		// does not name. No terrorism entry is in Part 1 or 2.
		if o.Terrorism && o.Schedule15 != nil {
			t.Errorf("%s: terrorism offences are the Category 4 route; got Schedule 15 %+v", o.Code, o.Schedule15)
		}
		if !o.Specified() && o.Notification == nil && !o.Terrorism && o.Note == "" {
			t.Errorf("%s: an unlisted offence must say why it is in the list", o.Code)
		}
	}
	if _, ok := l.ByCode("oapa1861-s18"); !ok {
		t.Error("codes are not case-insensitive")
	}
}

func TestOffenceLookup(t *testing.T) {
	l := Offences()
	cases := []struct {
		o         Offence
		code      string
		ambiguous bool
	}{
		{Offence{Code: "OAPA1861-S18"}, "OAPA1861-S18", false},
		{Offence{Statute: "Offences Against the Person Act 1861, section 18"}, "OAPA1861-S18", false},
		{Offence{Statute: "OAPA 1861 s18"}, "OAPA1861-S18", false},
		{Offence{Statute: "SOA 2003 s.3"}, "SOA2003-S3", false},
		{Offence{Description: "Manslaughter"}, "MANSLAUGHTER", false},
		{Offence{Description: "robbery"}, "TA1968-S8", false},
		{Offence{Statute: "Theft Act 1968 s.9"}, "", true},
		{Offence{Statute: "Criminal Damage Act 1971 s.1"}, "", true},
		{Offence{Statute: "Misuse of Drugs Act 1971 s.4"}, "", true},
		{Offence{Statute: "Misuse of Drugs Act 1971 s.4(3)"}, "MDA1971-S4-3-CHILD", false},
		{Offence{Statute: "Unknown Act 2099 s.1", Description: "murder"}, "MURDER", false},
		{Offence{Code: "NOPE"}, "", false},
		{Offence{Description: "something else"}, "", false},
	}
	for _, c := range cases {
		r := l.lookup(c.o)
		if r.found != (c.code != "") || (r.found && r.info.Code != c.code) || (len(r.ambiguous) > 0) != c.ambiguous {
			t.Errorf("%+v: found=%v code=%s ambiguous=%v", c.o, r.found, r.info.Code, r.ambiguous)
		}
	}
}

func TestLoadOffencesRefusesBadLists(t *testing.T) {
	good := string(offencesJSON)
	cases := map[string]string{
		"not JSON":        "{",
		"unknown field":   strings.Replace(good, `"about"`, `"abuot"`, 1),
		"lower-case code": strings.Replace(good, `"code": "MANSLAUGHTER"`, `"code": "manslaughter"`, 1),
		"duplicate code":  strings.Replace(good, `"code": "KIDNAPPING"`, `"code": "MANSLAUGHTER"`, 1),
		"part 3":          strings.Replace(good, `"part": 1,`, `"part": 3,`, 1),
		"missing murder":  strings.Replace(good, `"code": "MURDER"`, `"code": "MURDER-X"`, 1),
		"no version":      strings.Replace(good, `"version": "2026-11-29.5"`, `"version": ""`, 1),
	}
	for name, body := range cases {
		if body == good {
			t.Fatalf("%s: the replacement did not change the list", name)
		}
		if _, err := LoadOffences([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
