package eligibility

import (
	"fmt"
	"slices"
	"testing"
)

// The paragraph numbers of CJA 2003 Schedule 15 and SOA 2003 Schedule 3,
// as read in the statute text (the copies and amending Acts docs/rules.md
// names under "Sources read"). Schedule 15: paragraphs 1-65 in Part 1 and
// 66-153 in Part 2, with inserted paragraphs 59A-59D, 60A-60C and 63B-63F
// (Coroners and Justice Act 2009 s.138, 12 January 2010), 63A (DVCVA 2004
// Sch.10 para 65), 63FA (Domestic Abuse Act 2021), 63G-63H and 152A (Modern
// Slavery Act 2015 s.6(2)-(3), 31 July 2015), 63I-63M (Space Industry Act
// 2018 Sch.12 para 25, 29 July 2021), 116A (Serious Crime Act
// 2015 Sch.4 para 68(2), 3 April 2017) and 149A-149B (Online Safety Act 2023
// Sch.14 para 17(2), 31 January 2024). Schedule 3: paragraphs 1-35 England
// and Wales, 36-60 Scotland, 61-92 Northern Ireland, 93 service offences,
// 94-98 general, with the inserted paragraphs listed below.
func statuteParagraphs() (sch15, sch3 []string) {
	for i := 1; i <= 153; i++ {
		sch15 = append(sch15, fmt.Sprint(i))
	}
	sch15 = append(sch15, "59A", "59B", "59C", "59D", "60A", "60B", "60C",
		"63A", "63B", "63C", "63D", "63E", "63F", "63FA", "63G", "63H", "63I", "63J", "63K", "63L", "63M", "116A", "149A", "149B", "152A")
	for i := 1; i <= 98; i++ {
		sch3 = append(sch3, fmt.Sprint(i))
	}
	// England and Wales: 24A (SCA 2015 Sch.4 para 66(2)), 29A-29C (SI
	// 2007/296), 33A-33B (Online Safety Act 2023 Sch.14 para 16(4)), 34A
	// (Voyeurism (Offences) Act 2019 s.1(4)), 35A (CJIA 2008), 35B (CAJA
	// 2009), 35C (SCA 2015 Sch.4 para 66(3)).
	sch3 = append(sch3, "24A", "29A", "29B", "29C", "33A", "33B", "34A", "35A", "35B", "35C")
	// Scotland: 38A-38B, 39A-39B, 41A, 44A, 59A-59C, and 59D-59ZL (Sexual
	// Offences (Scotland) Act 2009 offences).
	sch3 = append(sch3, "38A", "38B", "39A", "39B", "41A", "44A")
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		sch3 = append(sch3, "59"+string(c))
	}
	for _, c := range "ABCDEFGHIJKL" {
		sch3 = append(sch3, "59Z"+string(c))
	}
	// Northern Ireland: 89A-89C, 92A (CJIA 2008), 92B-92W (Sexual Offences
	// (Northern Ireland) Order 2008 offences: inserted by SI 2008/1779 as
	// 92A-92V and renumbered by CAJA 2009 Sch.21 para 62(3); the copy read
	// carries the words of 92B-92V only), 92X (CAJA 2009), 92Y (SCA 2015
	// Sch.4 para 66(4)). General: 93A (Armed Forces Act 2006 s.42
	// offences), 94A (Serious Crime Act 2007 Part 2).
	sch3 = append(sch3, "89A", "89B", "89C")
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVW" {
		sch3 = append(sch3, "92"+string(c))
	}
	return sch15, append(sch3, "92X", "92Y", "93A", "94A")
}

// TestSchedule3InsertedParagraphsRead: every inserted Schedule 3 paragraph
// whose words the revised text carries has been read and listed; only
// para 92W (renumbered from 92V by the Coroners and Justice Act 2009, its
// words not in the copy) is left "not checked", with no entries; the
// Scottish and Northern Ireland paragraphs list offences of those
// jurisdictions only (or an England and Wales offence that also extends
// there), and 93A and 94A are general.
func TestSchedule3InsertedParagraphsRead(t *testing.T) {
	l := Offences()
	p := l.Paragraphs
	if !slices.Equal(p.Schedule3NotChecked, []string{"92W"}) {
		t.Errorf("schedule3NotChecked = %v, want [92W]: every other inserted paragraph of the text read is listed", p.Schedule3NotChecked)
	}
	for _, n := range p.Schedule3NotChecked {
		if len(p.Schedule3[n]) > 0 {
			t.Errorf("Schedule 3 para %s has entries, but its words were not seen", n)
		}
	}
	for _, g := range []string{"93A", "94A"} {
		if !slices.Contains(p.Schedule3General, g) {
			t.Errorf("Schedule 3 para %s (general) is not listed as general", g)
		}
	}
	_, sch3 := statuteParagraphs()
	ewAlsoElsewhere := map[string]bool{"CAJA2009-S62": true, "CJIA2008-S63": true, "SCA2015-S69": true, "SOA2003-S15": true,
		"SOA2003-S16": true, "SOA2003-S17": true, "SOA2003-S18": true, "SOA2003-S19": true, "SOA2003-S47": true, "SOA2003-S48": true,
		"SOA2003-S49": true, "SOA2003-S50": true, "SOA2003-S66": true, "SOA2003-S67": true, "SOA2003-S69": true, "SOA2003-S70": true,
		"CEMA1979-S170-INDECENT": true, "SOAA2000-S3": true, "OAPA1861-S62-NI": true}
	for _, n := range sch3 {
		want := ""
		switch k := paraNumber(n); {
		case k >= 36 && k <= 60:
			want = string(Scotland)
		case k >= 61 && k <= 92:
			want = string(NorthernIreland)
		case k >= 93:
			continue
		}
		for _, c := range p.Schedule3[n] {
			o, _ := l.ByCode(c)
			if o.Jurisdiction != want && !ewAlsoElsewhere[c] {
				t.Errorf("Schedule 3 para %s lists %s with jurisdiction %q, want %q", n, c, o.Jurisdiction, want)
			}
		}
	}
}

// TestEverySchedulesParagraphIsListed proves the offence list covers both
// schedules: every paragraph number is listed with its offences, or
// listed as repealed or general; every offence the index names exists and
// cites that paragraph (Schedule 3 paragraphs for Scotland and Northern
// Ireland that apply an England and Wales offence name its entry); and no
// entry cites a paragraph the schedules do not have.
func TestEverySchedulesParagraphIsListed(t *testing.T) {
	l := Offences()
	p := l.Paragraphs
	sch15, sch3 := statuteParagraphs()
	check := func(name string, want []string, idx map[string][]string, others ...[]string) {
		for _, n := range want {
			if len(idx[n]) > 0 {
				continue
			}
			if !slices.ContainsFunc(others, func(o []string) bool { return slices.Contains(o, n) }) {
				t.Errorf("%s para %s is neither in the offence list nor listed as repealed, general or not checked", name, n)
			}
		}
		for n, codes := range idx {
			if !slices.Contains(want, n) {
				t.Errorf("%s para %s is not a paragraph of the schedule", name, n)
			}
			for _, c := range codes {
				if _, ok := l.ByCode(c); !ok {
					t.Errorf("%s para %s names %s, which the list lacks", name, n, c)
				}
			}
		}
	}
	check("Schedule 15", sch15, p.Schedule15, p.Schedule15Repealed, p.Schedule15General)
	check("Schedule 3", sch3, p.Schedule3, p.Schedule3Repealed, p.Schedule3General, p.Schedule3NotChecked)
	for _, o := range l.Offences {
		if s := o.Schedule15; s != nil && s.Paragraph != "" && !slices.Contains(p.Schedule15[s.Paragraph], o.Code) {
			t.Errorf("%s cites Schedule 15 para %s, but the index does not list it there", o.Code, s.Paragraph)
		}
		if n := o.Notification; n != nil && n.Paragraph != "" && !slices.Contains(p.Schedule3[n.Paragraph], o.Code) {
			t.Errorf("%s cites Schedule 3 para %s, but the index does not list it there", o.Code, n.Paragraph)
		}
		if s := o.Schedule15; s != nil && ((s.Part == 1) != (s.Paragraph == "" || paraNumber(s.Paragraph) <= 65)) {
			t.Errorf("%s: Schedule 15 para %s is not in Part %d", o.Code, s.Paragraph, s.Part)
		}
	}
	// The index names each code under a paragraph that entry cites,
	// except the Scottish and Northern Ireland applications of England
	// and Wales offences.
	for n, codes := range p.Schedule15 {
		for _, c := range codes {
			if o, _ := l.ByCode(c); o.Schedule15 == nil || o.Schedule15.Paragraph != n {
				t.Errorf("Schedule 15 para %s lists %s, which cites %+v", n, c, o.Schedule15)
			}
		}
	}
}

func paraNumber(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestSchedule3Paras35Aand35B: the two paragraphs read in the amending Acts
// (CJIA 2008 Sch.26 para 58(2); Coroners and Justice Act 2009 Sch.21 para
// 62(2)) are listed with their conditions (18 or over and at least 2 years'
// imprisonment, so the period runs from sentence) and in-force dates.
func TestSchedule3Paras35Aand35B(t *testing.T) {
	for _, c := range []struct{ code, para, inForce string }{
		{"CJIA2008-S63", "35A", "2009-01-26"},
		{"CAJA2009-S62", "35B", "2010-04-06"},
	} {
		o, ok := Offences().ByCode(c.code)
		if !ok || o.Notification == nil {
			t.Fatalf("%s missing or not in Schedule 3", c.code)
		}
		n := o.Notification
		if n.Paragraph != c.para || !n.Conditional || !n.SentencingCondition || n.OtherCondition != "" || n.InForce != c.inForce || o.Schedule15 != nil {
			t.Errorf("%s: %+v", c.code, n)
		}
	}
}
