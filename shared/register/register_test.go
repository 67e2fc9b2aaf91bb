package register

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/meeting"
)

func d(s string) civil.Date {
	x, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestNextReview(t *testing.T) {
	ms := []meeting.Meeting{
		{Status: meeting.StatusHeld, Date: d("2026-09-01")},
		{Status: meeting.StatusHeld, Date: d("2026-06-01")},
		{Status: meeting.StatusCancelled, Date: d("2026-10-01")},
	}
	r := FromMeetings(ms)
	if r.LastHeld != d("2026-09-01") || !r.NextMeeting.IsZero() {
		t.Fatalf("%+v", r)
	}
	for _, c := range []struct {
		level int
		r     Review
		want  string
		basis Basis
	}{
		{2, r, "2026-12-22", BasisDue}, // 16 weeks
		{3, r, "2026-10-27", BasisDue}, // 8 weeks
		{1, r, "", BasisNone},
		{0, r, "", BasisNone},
		{2, Review{}, "", BasisNone},
		{1, FromMeetings(append(ms, meeting.Meeting{Status: meeting.StatusScheduled, Date: d("2026-11-05")})), "2026-11-05", BasisBooked},
	} {
		got, basis := NextReview(c.level, c.r, nil)
		s := ""
		if !got.IsZero() {
			s = got.String()
		}
		if s != c.want || basis != c.basis {
			t.Errorf("level %d %+v: %s %s, want %s %s", c.level, c.r, s, basis, c.want, c.basis)
		}
	}
}

func TestParseQueryReportsEveryProblem(t *testing.T) {
	v, _ := url.ParseQuery("rag=red,AMBER&rag=red&level=none&category=2&overdue=true&sort=rag&limit=10")
	q, errs := ParseQuery(v)
	if !errs.OK() || !slices.Equal(q.Lights, []string{"red", "amber"}) || q.Level != -1 || q.Category != 2 || !q.Overdue || q.Sort != SortRAG || q.Limit != 10 {
		t.Fatalf("%+v %v", q, errs)
	}
	if got := q.Values().Encode(); got != "category=2&level=none&limit=10&overdue=true&rag=red%2Camber&sort=rag" {
		t.Errorf("values %s", got)
	}
	v, _ = url.ParseQuery("rag=blue&level=5&category=x&overdue=1&sort=age&limit=101&cursor=zzz")
	_, errs = ParseQuery(v)
	var ptrs []string
	for _, e := range errs {
		ptrs = append(ptrs, e.Pointer)
	}
	if !slices.Equal(ptrs, []string{"/rag", "/level", "/category", "/overdue", "/sort", "/limit", "/cursor"}) {
		t.Errorf("%v", ptrs)
	}
}

func TestPageOfPagesWithoutLossOrRepeat(t *testing.T) {
	today := d("2026-11-23")
	es := []Entry{
		{CaseID: "a", Light: "green", Next: d("2026-11-01")},
		{CaseID: "b", Light: "red", Next: d("2026-12-01")},
		{CaseID: "c", Light: "none"},
		{CaseID: "d", Light: "red", Next: d("2026-11-20")},
		{CaseID: "e", Light: "amber", Next: d("2026-11-30")},
	}
	for sort, want := range map[Sort]string{SortReview: "adebc", SortRAG: "dbeac"} {
		q := Query{Sort: sort, Limit: 2}
		var got string
		for range 10 {
			rows, next := PageOf(es, q, today)
			for _, r := range rows {
				got += r.CaseID
			}
			if next.IsZero() {
				break
			}
			// The cursor survives the trip through a URL.
			c, err := DecodeCursor(next.Encode(), sort)
			if err != nil {
				t.Fatal(err)
			}
			q.After = c
		}
		if got != want {
			t.Errorf("%s: %s, want %s", sort, got, want)
		}
	}
	if _, err := DecodeCursor(CursorAt(SortReview, es[0]).Encode(), SortRAG); err == nil {
		t.Error("a review cursor was taken for the RAG order")
	}
	c := Count(es, today)
	if c.Total != 5 || c.Overdue != 2 || c.ByLight["red"] != 2 || c.ByLevel["none"] != 5 {
		t.Errorf("%+v", c)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	out := string(CSV([]Entry{{CaseID: "c1", GivenNames: "+Sam", FamilyName: "@Test, \"Q\"", Light: "none", Next: d("2026-11-20"), Basis: BasisBooked}}, d("2026-11-23")))
	lines := strings.Split(out, "\r\n")
	if lines[1] != `c1,'+Sam,"'@Test, ""Q""",not set,not confirmed,,,2026-11-20,booked,-3,yes` {
		t.Errorf("%q", lines[1])
	}
}
