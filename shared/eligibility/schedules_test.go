package eligibility

import (
	"fmt"
	"slices"
	"testing"
)

// The paragraph numbers of CJA 2003 Schedule 15 and SOA 2003 Schedule 3,
// as read in the revised text of each Act (Schedule 15: paragraphs 1-65
// in Part 1 and 66-153 in Part 2, with 63FA inserted by the Domestic Abuse
// Act 2021; Schedule 3: paragraphs 1-35 England and Wales, 36-60
// Scotland, 61-92 Northern Ireland, 93 service offences, 94-98 general,
// with 29A-29C and 89A-89C inserted by SI 2007/296, 35A and 92A by the
// Criminal Justice and Immigration Act 2008 Sch.26 para 58 (26 January
// 2009), 35B and 92X by the Coroners and Justice Act 2009 Sch.21 para 62
// (6 April 2010), and 35C by the Serious Crime Act 2015).
func statuteParagraphs() (sch15, sch3 []string) {
	for i := 1; i <= 153; i++ {
		sch15 = append(sch15, fmt.Sprint(i))
	}
	// 63A: DVCVA 2004 s.5, inserted by that Act's Sch.10 para 65. Paras
	// 63B-63F (63FA follows 63F) and any later Part 1 paragraphs (63G-63H
	// by one account, the Modern Slavery Act 2015) were inserted after the
	// copy read and their words were not seen: they are not listed here.
	sch15 = append(sch15, "63A", "63FA")
	for i := 1; i <= 98; i++ {
		sch3 = append(sch3, fmt.Sprint(i))
	}
	return sch15, append(sch3, "29A", "29B", "29C", "35A", "35B", "35C", "89A", "89B", "89C", "92A", "92X")
}

// schedule3TextNotSeen are the Schedule 3 paragraphs the amendment notes of
// the revised text say were inserted, but whose words were not in any copy
// available when the list was checked, so they have no entries (an offence
// they list is "not specified" only until someone adds it): 38A-38B and
// 39A-39B (SSI 2010/421), 41A, 59D-59ZL (Sexual Offences (Scotland) Act
// 2009 Sch.5 para 5, 1 December 2010), 44A (Criminal Justice and
// Licensing (Scotland) Act 2010), 59A-59C (Protection of Children and
// Prevention of Sexual Offences (Scotland) Act 2005): all Scottish; 92B-92W
// (Northern Ireland offences inserted by SI 2008/1779 as 92A-92V and
// renumbered by the Coroners and Justice Act 2009 Sch.21 para 62(3)); 93A
// and 94A (service offences and inchoate forms, Armed Forces Act 2006 and
// Serious Crime Act 2007).
func schedule3TextNotSeen() []string {
	n := []string{"38A", "38B", "39A", "39B", "41A", "44A", "59A", "59B", "59C"}
	for _, c := range "DEFGHIJKLMNOPQRSTUVWXYZ" {
		n = append(n, "59"+string(c))
	}
	for _, c := range "ABCDEFGHIJKL" {
		n = append(n, "59Z"+string(c))
	}
	for _, c := range "BCDEFGHIJKLMNOPQRSTUVW" {
		n = append(n, "92"+string(c))
	}
	return append(n, "93A", "94A")
}

// TestSchedule3TextNotSeenIsSaid: the paragraphs whose text was not seen
// are exactly those the list says it has not checked, and none of them is
// given entries as if it had been read.
func TestSchedule3TextNotSeenIsSaid(t *testing.T) {
	p := Offences().Paragraphs
	want := schedule3TextNotSeen()
	if !slices.Equal(p.Schedule3NotChecked, want) {
		t.Errorf("schedule3NotChecked = %v, want %v", p.Schedule3NotChecked, want)
	}
	for _, n := range want {
		if len(p.Schedule3[n]) > 0 {
			t.Errorf("Schedule 3 para %s has entries, but its text was not seen", n)
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
				t.Errorf("%s para %s is neither in the offence list nor listed as repealed or general", name, n)
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
	check("Schedule 3", sch3, p.Schedule3, p.Schedule3Repealed, p.Schedule3General)
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
