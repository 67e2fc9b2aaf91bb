package staffapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/register"
	"github.com/mappa-coordinator/mappa/shared/store"
)

type registerCase struct {
	name     string
	rag      referral.RAG
	level    int
	category int
	booked   string // next booked meeting
	held     string // last meeting held
}

// registerFixture makes one open case per row (named by family name) in the
// state given, the way the API and the rota stream would leave it, and
// returns the case ids by name.
func registerFixture(t *testing.T, h *intaketest.Harness, rows []registerCase) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for i, rc := range rows {
		body := referraltest.Person(fmt.Sprintf("REG-%d", i), rc.name, fmt.Sprintf("198%d-01-0%d", i%10, 1+i%9), "", "", "")
		refID, caseID := post(t, h, body)
		ids[rc.name] = caseID
		if rc.category > 0 {
			// Classified as classify would (the case's copy of the category
			// is written in the classification's transaction).
			c := classification(2)
			c.Result.PrimaryCategory = eligibility.Category(rc.category)
			if err := saveClassification(h, refID, c, aggregate.Effects{}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := h.Store.UpdateCase(context.Background(), caseID, func(c *store.Case) (store.CaseEffects, error) {
			c.RAG, c.Level = rc.rag, rc.level
			return store.CaseEffects{}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var r register.Review
		r.NextMeeting, _ = civil.Parse(rc.booked)
		r.LastHeld, _ = civil.Parse(rc.held)
		if _, err := h.Store.SetReview(context.Background(), caseID, r, audit.Entry{ID: fmt.Sprintf("rev-%d", i), At: intaketest.Now, Actor: "system:test", Action: audit.ActionCaseReview, Subject: "case:" + caseID, CaseID: caseID}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

type registerPage struct {
	Items []struct {
		CaseID string `json:"caseId"`
		Person struct {
			FamilyName string `json:"familyName"`
		} `json:"person"`
		RAG        string `json:"rag"`
		Level      int    `json:"level"`
		Category   int    `json:"category"`
		NextReview *struct {
			Date    string `json:"date"`
			Basis   string `json:"basis"`
			Days    int    `json:"days"`
			Overdue bool   `json:"overdue"`
		} `json:"nextReview"`
	} `json:"items"`
	Today string `json:"today"`
	Next  string `json:"next"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
}

func getRegister(t *testing.T, h *intaketest.Harness, token, query string) (registerPage, int) {
	t.Helper()
	r := h.Do("GET", "/v1/staff/register"+query, token, nil)
	var p registerPage
	if r.Status == 200 {
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
	}
	return p, r.Status
}

// names reads every page of the register (following links.next) and
// returns the family names in order and the pages read.
func names(t *testing.T, h *intaketest.Harness, token, query string) ([]string, int) {
	t.Helper()
	var out []string
	pages := 0
	for path := query; ; {
		p, status := getRegister(t, h, token, path)
		if status != 200 {
			t.Fatalf("GET register%s: %d", path, status)
		}
		pages++
		for _, it := range p.Items {
			out = append(out, it.Person.FamilyName)
		}
		if p.Links.Next == "" {
			return out, pages
		}
		path = strings.TrimPrefix(p.Links.Next, "/v1/staff/register")
		if pages > 20 {
			t.Fatal("pages never end")
		}
	}
}

func TestRiskRegisterFiltersSortsAndPagesOnTheServer(t *testing.T) {
	t.Parallel()
	h := intaketest.New(t)
	// Today is 2026-11-23 (intaketest.Now).
	ids := registerFixture(t, h, []registerCase{
		{name: "Alpha", rag: referral.RAGRed, level: 3, category: 1, booked: "2026-11-20"},
		{name: "Bravo", rag: referral.RAGAmber, level: 2, category: 2, booked: "2026-12-01"},
		// Last held 1 September at level 2: due by the end of the 16-week window.
		{name: "Charlie", rag: referral.RAGGreen, level: 2, category: 2, held: "2026-09-01"},
		{name: "Delta", level: 1, category: 2},
		{name: "Echo", rag: referral.RAGRed, level: 2, category: 2, booked: "2026-11-30"},
		{name: "Foxtrot", rag: referral.RAGGreen, category: 3, booked: "2026-11-01"},
		{name: "Golf", rag: referral.RAGAmber, level: 3, category: 1, booked: "2027-01-10"},
	})
	bso := h.StaffToken("staff-bso")

	byReview := []string{"Foxtrot", "Alpha", "Echo", "Bravo", "Charlie", "Golf", "Delta"}
	byRAG := []string{"Alpha", "Echo", "Bravo", "Golf", "Foxtrot", "Charlie", "Delta"}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", byReview},
		{"?sort=review", byReview},
		{"?sort=rag", byRAG},
		{"?rag=red", []string{"Alpha", "Echo"}},
		{"?rag=red,amber&sort=rag", []string{"Alpha", "Echo", "Bravo", "Golf"}},
		{"?rag=none", []string{"Delta"}},
		{"?level=2", []string{"Echo", "Bravo", "Charlie"}},
		{"?level=none", []string{"Foxtrot"}},
		{"?category=1", []string{"Alpha", "Golf"}},
		{"?overdue=true", []string{"Foxtrot", "Alpha"}},
		{"?overdue=true&sort=rag", []string{"Alpha", "Foxtrot"}},
		{"?rag=red,amber&level=2&sort=rag", []string{"Echo", "Bravo"}},
	} {
		got, _ := names(t, h, bso, c.query)
		if !slices.Equal(got, c.want) {
			t.Errorf("register%s = %v, want %v", c.query, got, c.want)
		}
		// The same rows two at a time: pagination neither loses nor
		// repeats a row, in either order.
		sep := "?"
		if c.query != "" {
			sep = "&"
		}
		paged, pages := names(t, h, bso, c.query+sep+"limit=2")
		if !slices.Equal(paged, c.want) || pages != max(1, (len(c.want)+1)/2) {
			t.Errorf("register%s by twos = %v in %d pages, want %v", c.query, paged, pages, c.want)
		}
	}

	// What a row says: the days to the next review and why.
	p, _ := getRegister(t, h, bso, "?limit=3")
	if p.Today != "2026-11-23" || len(p.Items) != 3 {
		t.Fatalf("page: %+v", p)
	}
	fox := p.Items[0]
	if fox.CaseID != ids["Foxtrot"] || fox.RAG != "green" || fox.Level != 0 || fox.Category != 3 ||
		fox.NextReview == nil || fox.NextReview.Date != "2026-11-01" || fox.NextReview.Days != -22 || !fox.NextReview.Overdue || fox.NextReview.Basis != "booked" {
		t.Errorf("first row: %+v %+v", fox, fox.NextReview)
	}
	all, _ := getRegister(t, h, bso, "?rag=green&sort=rag")
	charlie := all.Items[1]
	if charlie.NextReview == nil || charlie.NextReview.Basis != "due" || charlie.NextReview.Date != "2026-12-22" || charlie.NextReview.Days != 29 {
		t.Errorf("due from the last meeting held: %+v", charlie.NextReview)
	}
	delta, _ := getRegister(t, h, bso, "?rag=none")
	if delta.Items[0].NextReview != nil {
		t.Errorf("level 1 has no review: %+v", delta.Items[0].NextReview)
	}

	// Every problem in one answer; a cursor of the other order is refused.
	r := h.Do("GET", "/v1/staff/register?rag=purple&level=4&category=0&overdue=maybe&sort=name&limit=0", bso, nil)
	if r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/rag", "/level", "/category", "/overdue", "/sort", "/limit"}) {
		t.Errorf("bad query: %d %v", r.Status, r.Pointers())
	}
	first, _ := getRegister(t, h, bso, "?limit=2")
	if r := h.Do("GET", "/v1/staff/register?sort=rag&cursor="+url.QueryEscape(first.Next), bso, nil); r.Status != 422 {
		t.Errorf("cursor of another order: %d", r.Status)
	}

	// The read is audited: one record naming the cases shown.
	if acts := h.AuditActions("list:register"); !slices.Contains(acts, string(audit.ActionRegisterRead)) {
		t.Errorf("register read not audited: %v", acts)
	}
}

func TestRiskRegisterRowRulesAndCSV(t *testing.T) {
	t.Parallel()
	h := intaketest.New(t)
	ids := registerFixture(t, h, []registerCase{
		{name: "Alpha", rag: referral.RAGRed, level: 3, category: 1, booked: "2026-11-20"},
		{name: "Bravo", rag: referral.RAGAmber, level: 2, category: 2, booked: "2026-12-01"},
		{name: "=Charlie", rag: referral.RAGGreen, level: 2, category: 2, held: "2026-09-01"},
	})
	// The social worker works on Alpha's and Charlie's children; the team
	// manager oversees the social worker; the service manager has nothing.
	h.Assign(ids["Alpha"], "staff-sw", assignstore.KindChildWorker)
	h.Assign(ids["=Charlie"], "staff-sw", assignstore.KindMeeting)
	h.AddToTeam("staff-tm", "staff-sw")

	for who, want := range map[string][]string{
		"staff-bso": {"Alpha", "Bravo", "=Charlie"},
		"staff-sw":  {"Alpha", "=Charlie"},
		"staff-tm":  {"Alpha", "=Charlie"},
		"staff-sm":  nil,
		"staff-hos": nil,
	} {
		got, _ := names(t, h, h.StaffToken(who), "")
		if !slices.Equal(got, want) {
			t.Errorf("%s sees %v, want %v", who, got, want)
		}
		paged, _ := names(t, h, h.StaffToken(who), "?limit=1&sort=rag")
		if !slices.Equal(paged, want) {
			t.Errorf("%s one at a time by RAG: %v, want %v", who, paged, want)
		}
	}
	for _, who := range []string{"staff-ad", "staff-admin"} {
		if _, status := getRegister(t, h, h.StaffToken(who), ""); status != 403 {
			t.Errorf("%s: %d, want 403", who, status)
		}
		if r := h.Do("GET", "/v1/staff/register/export", h.StaffToken(who), nil); r.Status != 403 {
			t.Errorf("%s export: %d", who, r.Status)
		}
	}
	if _, status := getRegister(t, h, h.Agency("police"), ""); status != 403 {
		t.Errorf("agency: %d", status)
	}

	// Assistant directors: counts of the whole register, no names.
	r := h.Do("GET", "/v1/staff/register/counts", h.StaffToken("staff-ad"), nil)
	var counts register.Counts
	_ = json.Unmarshal(r.Body, &counts)
	if r.Status != 200 || counts.Total != 3 || counts.Overdue != 1 || counts.ByLight["red"] != 1 || counts.ByLevel["2"] != 2 || strings.Contains(string(r.Body), "Alpha") || strings.Contains(string(r.Body), ids["Alpha"]) {
		t.Errorf("AD counts: %d %s", r.Status, r.Body)
	}
	r = h.Do("GET", "/v1/staff/register/counts", h.StaffToken("staff-sw"), nil)
	_ = json.Unmarshal(r.Body, &counts)
	if r.Status != 200 || counts.Total != 2 {
		t.Errorf("SW counts: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/v1/staff/register/counts", h.StaffToken("staff-admin"), nil); r.Status != 403 {
		t.Errorf("admin counts: %d", r.Status)
	}

	// The CSV: the same filters and row rules; a name that looks like a
	// formula is defused.
	r = h.Do("GET", "/v1/staff/register/export?sort=rag", h.StaffToken("staff-sw"), nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "risk-register-2026-11-23.csv") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || !slices.Equal(recs[0], register.CSVHeader) {
		t.Fatalf("csv: %q", recs)
	}
	if recs[1][0] != ids["Alpha"] || recs[1][2] != "Alpha" || recs[1][3] != "RED" || recs[1][4] != "3" || recs[1][7] != "2026-11-20" || recs[1][9] != "-3" || recs[1][10] != "yes" {
		t.Errorf("Alpha's row: %q", recs[1])
	}
	if recs[2][2] != "'=Charlie" || recs[2][8] != "due" {
		t.Errorf("Charlie's row: %q", recs[2])
	}
	r = h.Do("GET", "/v1/staff/register/export?rag=amber", h.StaffToken("staff-bso"), nil)
	if recs, _ := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll(); len(recs) != 2 || recs[1][2] != "Bravo" {
		t.Errorf("BSO amber export: %q", recs)
	}
}
