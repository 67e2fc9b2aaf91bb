package staffapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var fixture = []byte(referraltest.JSON)

// classification is what classify would store (shape only): eligible,
// Category 2, level suggested.
func classification(level int) referral.Classification {
	return referral.Classification{
		Result:          eligibility.Result{Outcome: eligibility.Eligible, PrimaryCategory: eligibility.Category2, Reasons: []eligibility.Reason{}},
		LevelSuggestion: eligibility.LevelSuggestion{Level: eligibility.Level(level)},
		AsOf:            civil.Today(intaketest.Now), ClassifiedAt: intaketest.Now,
	}
}

// saveClassification stores c on a received referral as classify does.
func saveClassification(h *intaketest.Harness, id string, c referral.Classification, eff aggregate.Effects) error {
	_, err := h.Store.UpdateReferral(context.Background(), id, func(r *store.Referral) (store.ReferralEffects, error) {
		if r.Status != referral.StatusReceived {
			return store.ReferralEffects{}, store.ErrAlreadyClassified
		}
		r.Status, r.Classification = referral.StatusClassified, &c
		return store.ReferralEffects{Effects: eff}, nil
	})
	return err
}

func post(t *testing.T, h *intaketest.Harness, body []byte) (id, caseID string) {
	t.Helper()
	r := h.Do("POST", "/v1/referrals", h.Agency("police"), body)
	if r.Status != 202 {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	id = r.JSON()["id"].(string)
	ref, err := h.Store.GetReferral(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return id, ref.CaseID
}

func classify(t *testing.T, h *intaketest.Harness, id string, level int) {
	t.Helper()
	if err := saveClassification(h, id, classification(level), aggregate.Effects{}); err != nil {
		t.Fatal(err)
	}
}

func TestMe(t *testing.T) {
	h := intaketest.New(t)
	r := h.Do("GET", "/v1/me", h.StaffToken("staff-bso"), nil)
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"subject":"staff-bso"`)) || !bytes.Contains(r.Body, []byte(`"roles":["business-support-officer"]`)) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/v1/me", h.Agency("police"), nil); r.Status != 403 {
		t.Errorf("agency got %d", r.Status)
	}
	if r := h.Do("GET", "/v1/me", "", nil); r.Status != 401 {
		t.Errorf("no token got %d", r.Status)
	}
}

func TestStaffEntryTakesTheSamePath(t *testing.T) {
	h := intaketest.New(t)
	bso := h.StaffToken("staff-bso")
	for _, who := range []string{"staff-sw", "staff-tm", "staff-sm"} {
		if r := h.Do("POST", "/v1/staff/referrals", h.StaffToken(who), fixture); r.Status != 403 {
			t.Errorf("%s got %d", who, r.Status)
		}
	}
	bad := referraltest.With(func(m map[string]any) {
		m["colour"] = "red"
		delete(m, "reasonForReferral")
	})
	if r := h.Do("POST", "/v1/staff/referrals", bso, bad); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/colour", "/reasonForReferral"}) {
		t.Errorf("unknown field and a missing one, in one answer: %d %v", r.Status, r.Pointers())
	}
	bad = referraltest.With(func(m map[string]any) { delete(m, "reasonForReferral") })
	if r := h.Do("POST", "/v1/staff/referrals", bso, bad); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/reasonForReferral"}) {
		t.Errorf("missing field: %d %v", r.Status, r.Pointers())
	}
	// validate=only: every problem, and nothing stored even when valid.
	if r := h.Do("POST", "/v1/staff/referrals?validate=only", bso, bad); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/reasonForReferral"}) {
		t.Errorf("validate only, bad: %d %v", r.Status, r.Pointers())
	}
	if r := h.Do("POST", "/v1/staff/referrals?validate=only", bso, fixture); r.Status != 204 {
		t.Errorf("validate only, good: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/v1/staff/referrals?validate=only", h.StaffToken("staff-sw"), fixture); r.Status != 403 {
		t.Errorf("validate only as a social worker: %d", r.Status)
	}
	if n := len(h.Referrals()); n != 0 {
		t.Fatalf("%d referrals stored by bad or validate-only requests", n)
	}

	r := h.Do("POST", "/v1/staff/referrals", bso, fixture)
	if r.Status != 202 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	body := r.JSON()
	id := body["id"].(string)
	if r.Header.Get("Location") != "/v1/staff/referrals/"+id || body["caseId"] == "" || body["newCase"] != true {
		t.Errorf("answer %s", r.Body)
	}
	ref, err := h.Store.GetReferral(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Agency != "police" || ref.Source != "staff" || ref.CreatedBy != "staff-bso" {
		t.Errorf("stored as agency %q source %q by %q", ref.Agency, ref.Source, ref.CreatedBy)
	}
	// The police API client cannot read a referral staff entered (issue 12,
	// finding 2): agencies read only what their own client posted.
	if st := h.Do("GET", "/v1/referrals/"+id, h.Agency("police"), nil); st.Status != 404 {
		t.Errorf("police client reads a staff-entered referral: %d", st.Status)
	}
	// The police then post the same referral themselves: a separate
	// referral (the staff entry's reference is not revealed by a 409), on
	// the same case, because the identifiers, name and date of birth agree.
	again := h.Do("POST", "/v1/referrals", h.Agency("police"), fixture)
	if again.Status != 202 || again.JSON()["id"] == id {
		t.Fatalf("agency post of the same referral: %d %s", again.Status, again.Body)
	}
	if got, err := h.Store.GetReferral(context.Background(), again.JSON()["id"].(string)); err != nil || got.CaseID != ref.CaseID {
		t.Errorf("agency's post joined case %q, staff entry is on %q (%v)", got.CaseID, ref.CaseID, err)
	}
	if st := h.Do("GET", "/v1/referrals/"+again.JSON()["id"].(string), h.Agency("police"), nil); st.Status != 200 {
		t.Errorf("police status of its own post: %d", st.Status)
	}
	creator := ""
	for _, e := range h.Audit("referral:" + id) {
		if intaketest.S(e, "action") == "referral.create" {
			creator = intaketest.S(e, "actor")
		}
	}
	if creator != "staff-bso" {
		t.Errorf("created by %q in the audit", creator)
	}
}

func TestWorkList(t *testing.T) {
	h := intaketest.New(t)
	var ids []string
	for i := range 5 {
		h.Clock.Advance(time.Minute)
		// Five people (different family names: the same name and date of
		// birth would be grouped as possible duplicates).
		family := []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo"}[i]
		id, _ := post(t, h, referraltest.Person(fmt.Sprintf("REF-%d", i), family, "1980-01-01", fmt.Sprintf("A00000%d", i), "", ""))
		ids = append(ids, id)
	}
	classify(t, h, ids[1], 2)
	classify(t, h, ids[3], 2)
	bso := h.StaffToken("staff-bso")

	list := func(query string) ([]string, string) {
		t.Helper()
		r := h.Do("GET", "/v1/staff/referrals"+query, bso, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
		}
		var got []string
		for _, it := range r.JSON()["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		next, _ := r.JSON()["next"].(string)
		return got, next
	}
	// Most urgent first: every one invites to the same meeting, so the
	// longest waiting first.
	if got, _ := list("?status=classified"); !slices.Equal(got, []string{ids[1], ids[3]}) {
		t.Errorf("classified: %v", got)
	}
	if got, _ := list("?status=received"); !slices.Equal(got, []string{ids[0], ids[2], ids[4]}) {
		t.Errorf("received: %v", got)
	}
	page1, next := list("?limit=2")
	page2, next2 := list("?limit=2&cursor=" + next)
	page3, _ := list("?limit=2&cursor=" + next2)
	all := slices.Concat(page1, page2, page3)
	if !slices.Equal(all, ids) {
		t.Errorf("pages: %v %v %v", page1, page2, page3)
	}
	for _, q := range []string{"?status=lost", "?limit=0", "?limit=x", "?cursor=bm9wZQ", "?status=received&cursor=" + next} {
		if r := h.Do("GET", "/v1/staff/referrals"+q, bso, nil); r.Status != 422 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	// Row rules (docs/security.md): only business support officers see the
	// whole inbox; others see referrals of cases assigned to them or their
	// team; assistant directors and administrators see none.
	rows := func(who string) []string {
		t.Helper()
		r := h.Do("GET", "/v1/staff/referrals", h.StaffToken(who), nil)
		if r.Status != 200 {
			t.Fatalf("%s got %d", who, r.Status)
		}
		var got []string
		for _, it := range r.JSON()["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		return got
	}
	for _, who := range []string{"staff-sw", "staff-tm", "staff-sm", "staff-hos"} {
		if got := rows(who); len(got) != 0 {
			t.Errorf("%s with nothing assigned sees %v", who, got)
		}
	}
	for _, who := range []string{"staff-ad", "staff-admin"} {
		if r := h.Do("GET", "/v1/staff/referrals", h.StaffToken(who), nil); r.Status != 403 {
			t.Errorf("%s got %d", who, r.Status)
		}
	}
	ref3, err := h.Store.GetReferral(context.Background(), ids[3])
	if err != nil {
		t.Fatal(err)
	}
	h.Assign(ref3.CaseID, "staff-sw", assignstore.KindChildWorker)
	h.AddToTeam("staff-tm", "staff-sw")
	for _, who := range []string{"staff-sw", "staff-tm"} {
		if got := rows(who); !slices.Equal(got, []string{ids[3]}) {
			t.Errorf("%s sees %v, want only %s", who, got, ids[3])
		}
	}
	if got := rows("staff-sm"); len(got) != 0 {
		t.Errorf("service manager outside the team sees %v", got)
	}
	if r := h.Do("GET", "/v1/staff/referrals", h.Agency("police"), nil); r.Status != 403 {
		t.Errorf("agency got %d", r.Status)
	}
	// One audit record per list read, naming every referral shown.
	lists := h.Audit("list:referrals")
	if len(lists) == 0 || intaketest.S(lists[0], "action") != "referral.list" {
		t.Fatalf("list not audited: %v", lists)
	}
	if !slices.ContainsFunc(lists, func(it map[string]types.AttributeValue) bool {
		shown, _ := it["subjects"].(*types.AttributeValueMemberL)
		return shown != nil && slices.ContainsFunc(shown.Value, func(v types.AttributeValue) bool {
			s, ok := v.(*types.AttributeValueMemberS)
			return ok && s.Value == "referral:"+ids[3]
		})
	}) {
		t.Errorf("no list audit record names referral %s", ids[3])
	}
}

// TestWorkListShowsClassification: the work list carries each referral's
// outcome, primary category and short-notice flag as classify stored them.
func TestWorkListShowsClassification(t *testing.T) {
	h := intaketest.New(t)
	meeting := func(short bool) *cadence.Notice {
		return &cadence.Notice{Days: 2, Short: short}
	}
	cases := []struct {
		name   string
		result *referral.Classification // nil: not classified
		want   map[string]any           // expected fields; nil value: absent
	}{
		{"not classified", nil,
			map[string]any{"outcome": nil, "primaryCategory": nil, "shortNotice": false}},
		{"eligible, category 2, short notice",
			&referral.Classification{Result: eligibility.Result{Outcome: eligibility.Eligible, PrimaryCategory: eligibility.Category2}, Notice: meeting(true)},
			map[string]any{"outcome": "eligible", "primaryCategory": float64(2), "shortNotice": true}},
		{"eligible, category 4, enough notice",
			&referral.Classification{Result: eligibility.Result{Outcome: eligibility.Eligible, PrimaryCategory: eligibility.Category4}, Notice: meeting(false)},
			map[string]any{"outcome": "eligible", "primaryCategory": float64(4), "shortNotice": false}},
		{"not eligible, no meeting",
			&referral.Classification{Result: eligibility.Result{Outcome: eligibility.NotEligible}},
			map[string]any{"outcome": "not-eligible", "primaryCategory": nil, "shortNotice": false}},
		{"cannot decide, short notice",
			&referral.Classification{Result: eligibility.Result{Outcome: eligibility.CannotDecide}, Notice: meeting(true)},
			map[string]any{"outcome": "cannot-decide", "primaryCategory": nil, "shortNotice": true}},
	}
	ids := map[string]string{}
	for i, c := range cases {
		family := []string{"Ant", "Bee", "Cat", "Dog", "Elk"}[i] // different people, not possible duplicates
		id, _ := post(t, h, referraltest.Person(fmt.Sprintf("REF-C%d", i), family, "1980-01-01", fmt.Sprintf("B00000%d", i), "", ""))
		ids[id] = c.name
		if c.result == nil {
			continue
		}
		if err := saveClassification(h, id, *c.result, aggregate.Effects{}); err != nil {
			t.Fatal(err)
		}
	}
	r := h.Do("GET", "/v1/staff/referrals", h.StaffToken("staff-bso"), nil)
	if r.Status != 200 {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	got := map[string]map[string]any{}
	for _, it := range r.JSON()["items"].([]any) {
		item := it.(map[string]any)
		got[ids[item["id"].(string)]] = item
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			item, ok := got[c.name]
			if !ok {
				t.Fatal("not listed")
			}
			for field, want := range c.want {
				v, present := item[field]
				if want == nil && present {
					t.Errorf("%s = %v, want it absent", field, v)
				}
				if want != nil && v != want {
					t.Errorf("%s = %v, want %v", field, v, want)
				}
			}
		})
	}
}

func TestReadDecideAndTheAgencySees(t *testing.T) {
	h := intaketest.New(t)
	id, caseID := post(t, h, fixture)
	bso := h.StaffToken("staff-bso")
	decide := func(body string, headers ...string) intaketest.Response {
		return h.Do("POST", "/v1/staff/referrals/"+id+"/decisions", bso, []byte(body), headers...)
	}
	// Not yet classified: no decision.
	if r := decide(`{"decision":"accept"}`); r.Status != 409 {
		t.Fatalf("decision before classification: %d %s", r.Status, r.Body)
	}
	classify(t, h, id, 2)

	r := h.Do("GET", "/v1/staff/referrals/"+id, bso, nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	got := r.JSON()
	if got["status"] != "classified" || got["caseId"] != caseID || got["version"] != float64(2) || r.Header.Get("ETag") != `"2"` {
		t.Errorf("referral %s", r.Body)
	}
	if c, _ := got["classification"].(map[string]any); c["levelSuggestion"].(map[string]any)["level"] != float64(2) || c["result"].(map[string]any)["primaryCategory"] != float64(2) {
		t.Errorf("classification %v", got["classification"])
	}
	if p := got["referral"].(map[string]any)["person"].(map[string]any); p["familyName"] != "O'Testperson" {
		t.Errorf("person %v", p)
	}
	if got := h.AuditActions("referral:" + id); !slices.Equal(got, []string{"referral.create", "referral.read"}) {
		t.Errorf("read not audited: %v", got)
	}

	cases := []struct {
		name    string
		token   string
		body    string
		headers []string
		status  int
		state   string
	}{
		{"team manager may not decide", h.StaffToken("staff-tm"), `{"decision":"accept"}`, nil, 403, "classified"},
		{"stale If-Match", bso, `{"decision":"accept"}`, []string{"If-Match", `"1"`}, 409, "classified"},
		{"stale body version", bso, `{"decision":"accept","version":1}`, nil, 409, "classified"},
		{"If-Match and body version disagree", bso, `{"decision":"accept","version":3}`, []string{"If-Match", `"2"`}, 422, "classified"},
		{"If-Match not a version", bso, `{"decision":"accept"}`, []string{"If-Match", `"latest"`}, 422, "classified"},
		{"body not JSON", bso, `{"decision":`, nil, 400, "classified"},
		{"more information needs a reason", bso, `{"decision":"more-information"}`, nil, 422, "classified"},
		{"unknown decision", bso, `{"decision":"maybe"}`, nil, 422, "classified"},
		{"ask for more information", bso, `{"decision":"more-information","reason":"Send the licence conditions."}`, []string{"If-Match", `"2"`}, 200, "more-information-needed"},
		{"accept", bso, `{"decision":"accept","reason":"Meets level 2 criteria."}`, []string{"If-Match", `W/"3"`}, 200, "accepted"},
		{"decline once accepted", bso, `{"decision":"decline","reason":"Changed mind"}`, nil, 409, "accepted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.Clock.Advance(time.Second)
			r := h.Do("POST", "/v1/staff/referrals/"+id+"/decisions", tc.token, []byte(tc.body), tc.headers...)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			st := h.Do("GET", "/v1/referrals/"+id, h.Agency("police"), nil)
			if st.JSON()["status"] != tc.state {
				t.Errorf("agency sees %v, want %s", st.JSON()["status"], tc.state)
			}
		})
	}
	r = h.Do("GET", "/v1/staff/referrals/"+id, bso, nil)
	var hist []map[string]any
	for _, d := range r.JSON()["decisions"].([]any) {
		hist = append(hist, d.(map[string]any))
	}
	if len(hist) != 2 {
		t.Fatalf("history %v", hist)
	}
	if hist[0]["decision"] != "more-information" || hist[0]["reason"] != "Send the licence conditions." || hist[0]["actor"] != "staff-bso" ||
		hist[0]["from"] != "classified" || hist[0]["to"] != "more-information-needed" || hist[0]["at"] == "" {
		t.Errorf("first decision %v", hist[0])
	}
	if hist[1]["decision"] != "accept" || hist[1]["to"] != "accepted" {
		t.Errorf("second decision %v", hist[1])
	}
	decides := 0
	for _, a := range h.AuditActions("referral:" + id) {
		if a == "referral.decide" {
			decides++
		}
	}
	if decides != 2 {
		t.Errorf("%d decision audit entries", decides)
	}
	if r := h.Do("GET", "/v1/staff/referrals/nope", bso, nil); r.Status != 404 {
		t.Errorf("unknown referral: %d", r.Status)
	}
}

func TestSaveClassificationIsReplaySafe(t *testing.T) {
	h := intaketest.New(t)
	id, caseID := post(t, h, fixture)
	ctx := context.Background()
	ref, _ := h.Store.GetReferral(ctx, id)
	e := audit.Entry{ID: "a1", At: intaketest.Now, Actor: "system:classify", Action: audit.ActionReferralClassify, Subject: "referral:" + id, CaseID: caseID}
	if err := saveClassification(h, id, classification(2), aggregate.Effects{Audit: []audit.Entry{e}}); err != nil {
		t.Fatal(err)
	}
	e.ID = "a2"
	err := saveClassification(h, id, classification(3), aggregate.Effects{Audit: []audit.Entry{e}})
	if !errors.Is(err, store.ErrAlreadyClassified) {
		t.Fatalf("replay: %v", err)
	}
	if got := h.AuditActions("referral:" + id); len(slices.DeleteFunc(got, func(a string) bool { return a != "referral.classify" })) != 1 {
		t.Errorf("replay wrote its audit entry: %v", got)
	}
	c, err := h.Store.GetCase(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.SuggestedLevel() != 2 || c.Classification == nil || c.Classification.Result.PrimaryCategory != 2 {
		t.Errorf("case classification %d %+v", c.SuggestedLevel(), c.Classification)
	}
	again, _ := h.Store.GetReferral(ctx, id)
	if again.Status != "classified" || again.SuggestedLevel() != 2 || again.Version != ref.Version+1 {
		t.Errorf("referral %s v%d level %d", again.Status, again.Version, again.SuggestedLevel())
	}
	// Items classify streams on: only the referral item is of type referral.
	listed := 0
	for shard := range store.ListShards {
		listed += len(h.Index(h.Tables.Referrals, "gsi2", fmt.Sprintf("STATUS#classified#%d", shard)))
	}
	if listed != 1 {
		t.Errorf("%d classified referrals listed", listed)
	}
}

func TestCaseAndLevel(t *testing.T) {
	h := intaketest.New(t)
	id, caseID := post(t, h, fixture)
	bso := h.StaffToken("staff-bso")
	level := func(token, body string, headers ...string) intaketest.Response {
		return h.Do("POST", "/v1/staff/cases/"+caseID+"/level", token, []byte(body), headers...)
	}
	if r := level(bso, `{"action":"confirm","meetingDate":"2026-11-20"}`); r.Status != 422 {
		t.Errorf("confirm with no suggestion: %d %s", r.Status, r.Body)
	}
	classify(t, h, id, 2)
	cases := []struct {
		name   string
		token  string
		body   string
		hdr    []string
		status int
		level  float64
	}{
		{"team manager may not", h.StaffToken("staff-tm"), `{"action":"confirm"}`, nil, 403, 0},
		// A business support officer records what a meeting decided, with
		// the meeting as the source, and cannot decide (overrule) a level.
		{"business support officer without a meeting", bso, `{"action":"set","level":3,"reason":"I think so"}`, nil, 422, 0},
		{"meeting in the future", bso, `{"action":"confirm","meetingDate":"2026-12-01"}`, nil, 422, 0},
		{"confirm another level", bso, `{"action":"confirm","level":3,"meetingDate":"2026-11-20"}`, nil, 422, 0},
		{"set another without reason", bso, `{"action":"set","level":3,"meetingDate":"2026-11-20"}`, nil, 422, 0},
		{"stale version", bso, `{"action":"confirm","meetingDate":"2026-11-20"}`, []string{"If-Match", `"1"`}, 409, 0},
		{"confirm", bso, `{"action":"confirm","meetingDate":"2026-11-20"}`, nil, 200, 2},
		{"service manager not assigned", h.StaffToken("staff-sm"), `{"action":"set","level":3,"reason":"Media interest"}`, nil, 403, 0},
		{"service manager sets 3", h.StaffToken("staff-sm"), `{"action":"set","level":3,"reason":"Media interest"}`, nil, 200, 3},
		{"head of service sets 2", h.StaffToken("staff-hos"), `{"action":"set","level":2,"version":4}`, nil, 200, 2},
		{"setting the current level again changes nothing", bso, `{"action":"set","level":2,"reason":"again"}`, nil, 422, 0},
		{"confirming the current level again changes nothing", bso, `{"action":"confirm"}`, nil, 422, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "service manager sets 3" {
				// The rota assigns the service manager; the head of
				// service oversees the service manager.
				h.Assign(caseID, "staff-sm", assignstore.KindManager)
				h.AddToTeam("staff-hos", "staff-sm")
			}
			h.Clock.Advance(time.Second)
			r := level(tc.token, tc.body, tc.hdr...)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.status == 200 && r.JSON()["level"] != tc.level {
				t.Errorf("level %v", r.JSON()["level"])
			}
		})
	}
	if r := h.Do("GET", "/v1/staff/cases/"+caseID, h.StaffToken("staff-sw"), nil); r.Status != 403 {
		t.Errorf("social worker without allocation: %d", r.Status)
	}
	if r := h.Do("GET", "/v1/staff/cases/"+caseID, h.StaffToken("staff-tm"), nil); r.Status != 403 {
		t.Errorf("team manager of nobody on the case: %d", r.Status)
	}
	h.Assign(caseID, "staff-sw", assignstore.KindChildWorker)
	h.AddToTeam("staff-tm", "staff-sw")
	r := h.Do("GET", "/v1/staff/cases/"+caseID, h.StaffToken("staff-tm"), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	c := r.JSON()
	if c["level"] != float64(2) || c["suggestedLevel"] != float64(2) || c["status"] != "open" || c["version"] != float64(5) {
		t.Errorf("case %s", r.Body)
	}
	if ids := c["identifiers"].(map[string]any); fmt.Sprint(ids["crn"]) != "[X123456]" || fmt.Sprint(ids["pnc"]) != "[08/0123456K]" {
		t.Errorf("identifiers %v", ids)
	}
	refs := c["referrals"].([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["id"] != id || refs[0].(map[string]any)["status"] != "classified" {
		t.Errorf("referrals %v", refs)
	}
	hist := c["levelHistory"].([]any)
	if len(hist) != 3 {
		t.Fatalf("history %v", hist)
	}
	second := hist[1].(map[string]any)
	if second["actor"] != "staff-sm" || second["reason"] != "Media interest" || second["level"] != float64(3) || second["previousLevel"] != float64(2) || second["action"] != "set" {
		t.Errorf("level change %v", second)
	}
	actions := h.AuditActions("case:" + caseID)
	if n := strings.Count(strings.Join(actions, ","), "case.level"); n != 3 || !slices.Contains(actions, "case.read") {
		t.Errorf("case audit %v", actions)
	}
	if r := h.Do("GET", "/v1/staff/cases/nope", bso, nil); r.Status != 404 {
		t.Errorf("unknown case %d", r.Status)
	}
}

func TestPossibleMatchIsConfirmedByAPerson(t *testing.T) {
	h := intaketest.New(t)
	bso := h.StaffToken("staff-bso")
	_, caseA := post(t, h, referraltest.Person("A", "Smith", "1980-01-01", "A111111", "", ""))
	same, provisional := post(t, h, referraltest.Person("B", "smith", "1980-01-01", "B222222", "", "CN9"))
	other, caseC := post(t, h, referraltest.Person("C", "SMITH", "1980-01-01", "C333333", "", ""))
	if provisional == caseA || caseC == caseA {
		t.Fatal("merged silently")
	}
	r := h.Do("GET", "/v1/staff/referrals/"+same, bso, nil)
	if fmt.Sprint(r.JSON()["possibleMatches"]) != "["+caseA+"]" || r.JSON()["matchState"] != "pending" {
		t.Fatalf("flag %s", r.Body)
	}
	match := func(id, body string, headers ...string) intaketest.Response {
		return h.Do("POST", "/v1/staff/referrals/"+id+"/match", bso, []byte(body), headers...)
	}
	if r := match(same, `{"decision":"same-person","caseId":"`+caseC+`"}`); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/caseId"}) {
		t.Errorf("case not offered: %d %s", r.Status, r.Body)
	}
	if r := match(same, `{"decision":"same-person"}`); r.Status != 422 {
		t.Errorf("no case: %d", r.Status)
	}
	if r := h.Do("POST", "/v1/staff/referrals/"+same+"/match", h.StaffToken("staff-sm"), []byte(`{"decision":"different-person"}`)); r.Status != 403 {
		t.Errorf("service manager: %d", r.Status)
	}
	if r := match(same, `{"decision":"same-person","caseId":"`+caseA+`"}`, "If-Match", `"9"`); r.Status != 409 {
		t.Errorf("stale: %d", r.Status)
	}
	r = match(same, `{"decision":"same-person","caseId":"`+caseA+`"}`)
	if r.Status != 200 || r.JSON()["caseId"] != caseA || r.JSON()["matchState"] != "same-person" {
		t.Fatalf("same person: %d %s", r.Status, r.Body)
	}
	if r := match(same, `{"decision":"different-person"}`); r.Status != 409 {
		t.Errorf("resolved twice: %d", r.Status)
	}
	ctx := context.Background()
	prov, err := h.Store.GetCase(ctx, provisional)
	if err != nil {
		t.Fatal(err)
	}
	if prov.Status != store.CaseMerged || prov.MergedInto != caseA {
		t.Errorf("provisional case %s into %s", prov.Status, prov.MergedInto)
	}
	a, _ := h.Store.GetCaseDetail(ctx, caseA, "")
	if len(a.Referrals) != 2 || !slices.Equal(a.Case.CRNs, []string{"A111111", "B222222"}) || !slices.Equal(a.Case.CouncilNumbers, []string{"CN9"}) {
		t.Errorf("case A: %d referrals, CRNs %v, council %v", len(a.Referrals), a.Case.CRNs, a.Case.CouncilNumbers)
	}
	if p, _ := h.Store.GetCaseDetail(ctx, provisional, ""); len(p.Referrals) != 0 {
		t.Errorf("provisional still links %v", p.Referrals)
	}
	// The provisional case's CRN now leads to case A.
	_, next := post(t, h, referraltest.Person("D", "Smith", "1980-01-01", "B222222", "", ""))
	if next != caseA {
		t.Errorf("CRN of the merged case went to %s, want %s", next, caseA)
	}
	// Different person: stays apart.
	if r := match(other, `{"decision":"different-person"}`); r.Status != 200 || r.JSON()["caseId"] != caseC {
		t.Errorf("different person: %d %s", r.Status, r.Body)
	}
	if got := h.AuditActions("referral:" + same); !slices.Contains(got, "referral.match") {
		t.Errorf("match not audited: %v", got)
	}
	if got := h.AuditActions("case:" + provisional); !slices.Contains(got, "referral.match") {
		t.Errorf("merge not audited on the case: %v", got)
	}
	r = h.Do("GET", "/v1/staff/referrals/"+same, bso, nil)
	if !strings.Contains(string(r.Body), `"decision":"match:same-person"`) {
		t.Errorf("history lacks the match: %s", r.Body)
	}
}

func TestLogsCarryIdsOnly(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	h := intaketest.New(t)
	bso := h.StaffToken("staff-bso")
	id, caseID := post(t, h, fixture)
	h.Do("POST", "/v1/referrals", h.Agency("police"), referraltest.With(func(m map[string]any) { referraltest.Obj(m, "person")["dateOfBirth"] = "2999-01-01" }))
	classify(t, h, id, 2)
	h.Do("GET", "/v1/staff/referrals/"+id, bso, nil)
	h.Do("GET", "/v1/staff/referrals", bso, nil)
	h.Do("POST", "/v1/staff/referrals/"+id+"/decisions", bso, []byte(`{"decision":"decline","reason":"Samuel lives elsewhere"}`))
	h.Do("GET", "/v1/staff/cases/"+caseID, bso, nil)
	h.Do("POST", "/v1/staff/cases/"+caseID+"/level", bso, []byte(`{"action":"set","level":3,"reason":"Ava at risk"}`))
	logs := buf.String()
	if !strings.Contains(logs, id) {
		t.Fatal("logs were not captured")
	}
	for _, personal := range []string{"Samuel", "Testperson", "1988-03-14", "2999-01-01", "RG1", "Ava", "Example Street", "X123456", "TVP-PPU"} {
		if strings.Contains(logs, personal) {
			t.Errorf("logs carry %q", personal)
		}
	}
}

func TestReferrerIsToldAndAnswersWithInformation(t *testing.T) {
	h := intaketest.New(t)
	id, _ := post(t, h, fixture)
	classify(t, h, id, 2)
	bso := h.StaffToken("staff-bso")
	police := h.Agency("police")
	info := func(token, body string) intaketest.Response {
		return h.Do("POST", "/v1/referrals/"+id+"/information", token, []byte(body))
	}
	if r := info(police, `{"information":"The licence ends on 31 May 2029."}`); r.Status != 409 {
		t.Fatalf("information nobody asked for: %d %s", r.Status, r.Body)
	}

	// More information needed: the referrer is emailed in the decision's
	// transaction, ids only.
	r := h.Do("POST", "/v1/staff/referrals/"+id+"/decisions", bso, []byte(`{"decision":"more-information","reason":"When does Samuel's licence end?"}`))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	decisionID := r.JSON()["decision"].(map[string]any)["id"].(string)
	rec, err := outbox.Get(context.Background(), h.DB, h.Tables.Outbox, outbox.ReferrerUpdateEmailID(decisionID))
	if err != nil {
		t.Fatalf("the email to the referrer: %v", err)
	}
	email := strings.Join(append(rec.To, rec.Subject, rec.Text, rec.HTML), "\n")
	for _, want := range []string{"alex.example@example.police.uk", id, "/v1/referrals/" + id + "/information", "more information needed"} {
		if !strings.Contains(email, want) {
			t.Errorf("the email does not say %q: %s", want, email)
		}
	}
	for _, personal := range []string{"Samuel", "Testperson", "licence end", "1988"} {
		if strings.Contains(email, personal) {
			t.Errorf("the email holds %q", personal)
		}
	}

	// Only the agency that posted it may answer; the answer is checked.
	if r := info(h.Agency("probation"), `{"information":"x"}`); r.Status != 404 {
		t.Errorf("another agency: %d", r.Status)
	}
	if r := info(police, `{"information":" ","extra":1}`); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/extra", "/information"}) {
		t.Errorf("bad answer: %d %v", r.Status, r.Pointers())
	}
	if r := info(bso, `{"information":"x"}`); r.Status != 403 {
		t.Errorf("staff on the agency route: %d", r.Status)
	}
	h.Clock.Advance(time.Minute)
	r = info(police, `{"information":"The licence ends on 31 May 2029."}`)
	if r.Status != 200 || r.JSON()["status"] != "classified" {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	if r := info(police, `{"information":"again"}`); r.Status != 409 {
		t.Errorf("a second answer: %d", r.Status)
	}
	view := h.Do("GET", "/v1/staff/referrals/"+id, bso, nil).JSON()
	hist := view["decisions"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	if view["status"] != "classified" || last["decision"] != "information" || last["reason"] != "The licence ends on 31 May 2029." || last["actor"] == "" || last["actor"] == "staff-bso" {
		t.Errorf("after the answer: %v %v", view["status"], last)
	}

	// Declined: the referrer is told too.
	h.Clock.Advance(time.Minute)
	r = h.Do("POST", "/v1/staff/referrals/"+id+"/decisions", bso, []byte(`{"decision":"decline","reason":"Not MAPPA eligible."}`))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	declined, err := outbox.Get(context.Background(), h.DB, h.Tables.Outbox, outbox.ReferrerUpdateEmailID(r.JSON()["decision"].(map[string]any)["id"].(string)))
	if err != nil || !strings.Contains(declined.Subject, "declined") || strings.Contains(declined.Text, "Not MAPPA eligible") {
		t.Errorf("decline email: %v %+v", err, declined.Message)
	}
	// Accepting sends nothing to the referrer.
	id2, _ := post(t, h, referraltest.With(func(m map[string]any) { m["agencyReference"] = "TVP-ACCEPT" }))
	classify(t, h, id2, 2)
	r = h.Do("POST", "/v1/staff/referrals/"+id2+"/decisions", bso, []byte(`{"decision":"accept"}`))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if _, err := outbox.Get(context.Background(), h.DB, h.Tables.Outbox, outbox.ReferrerUpdateEmailID(r.JSON()["decision"].(map[string]any)["id"].(string))); !errors.Is(err, outbox.ErrNotFound) {
		t.Errorf("an acceptance emailed the referrer: %v", err)
	}
}

func TestTrafficLightIsSetWithAReasonAndKept(t *testing.T) {
	h := intaketest.New(t)
	_, caseID := post(t, h, fixture)
	sw := h.StaffToken("staff-sw")
	rag := func(token, body string) intaketest.Response {
		return h.Do("POST", "/v1/staff/cases/"+caseID+"/rag", token, []byte(body))
	}
	if r := rag(sw, `{"rag":"amber","reason":"x"}`); r.Status != 403 {
		t.Errorf("a social worker not on the case: %d", r.Status)
	}
	if r := rag(h.StaffToken("staff-bso"), `{"rag":"amber","reason":"x"}`); r.Status != 403 {
		t.Errorf("a business support officer: %d", r.Status)
	}
	h.Assign(caseID, "staff-sw", assignstore.KindChildWorker)
	if r := rag(sw, `{"rag":"purple","reason":" "}`); r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/rag", "/reason"}) {
		t.Errorf("bad body: %d %v", r.Status, r.Pointers())
	}
	if r := rag(sw, `{"rag":"amber","reason":"Plan in place; risk to children high."}`); r.Status != 200 || r.JSON()["rag"] != "amber" {
		t.Fatalf("set: %d %s", r.Status, r.Body)
	}
	h.Clock.Advance(time.Minute)
	if r := rag(sw, `{"rag":"amber","reason":"again"}`); r.Status != 422 {
		t.Errorf("the same colour again: %d", r.Status)
	}
	if r := rag(sw, `{"rag":"red","reason":"Moved next to a school.","version":1}`); r.Status != 409 {
		t.Errorf("stale version: %d", r.Status)
	}
	if r := rag(sw, `{"rag":"red","reason":"Moved next to a school."}`); r.Status != 200 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	c := h.Do("GET", "/v1/staff/cases/"+caseID, sw, nil).JSON()
	hist := c["ragHistory"].([]any)
	if c["rag"] != "red" || len(hist) != 2 {
		t.Fatalf("case: %v %v", c["rag"], hist)
	}
	last := hist[1].(map[string]any)
	if last["rag"] != "red" || last["previous"] != "amber" || last["reason"] != "Moved next to a school." || last["actor"] != "staff-sw" {
		t.Errorf("history %v", last)
	}
	if n := strings.Count(strings.Join(h.AuditActions("case:"+caseID), ","), "case.rag"); n != 2 {
		t.Errorf("%d audit entries", n)
	}
}
