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
// with 29A-29C and 89A-89C inserted by SI 2007/296 and 35C by the Serious
// Crime Act 2015, 92A by the Criminal Justice and Immigration Act 2008).
func statuteParagraphs() (sch15, sch3 []string) {
	for i := 1; i <= 153; i++ {
		sch15 = append(sch15, fmt.Sprint(i))
	}
	sch15 = append(sch15, "63FA")
	for i := 1; i <= 98; i++ {
		sch3 = append(sch3, fmt.Sprint(i))
	}
	return sch15, append(sch3, "29A", "29B", "29C", "35C", "89A", "89B", "89C", "92A")
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
