package intake_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/intake/intaketest"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var fixture = []byte(referraltest.JSON)

func TestPostStoresEverythingInOneGo(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	resp := h.Do("POST", "/v1/referrals", police, fixture)
	if resp.Status != 202 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	body := resp.JSON()
	id, _ := body["id"].(string)
	if id == "" || body["status"] != "received" {
		t.Fatalf("body %s", resp.Body)
	}
	if loc := resp.Header.Get("Location"); loc != "/v1/referrals/"+id {
		t.Errorf("Location %q", loc)
	}
	if links, _ := body["links"].(map[string]any); links["self"] != "/v1/referrals/"+id {
		t.Errorf("links %v", body["links"])
	}

	ref := h.Partition(h.Tables.Referrals, "REFERRAL#"+id)
	if len(ref) != 1 || intaketest.S(ref[0], "type") != "referral" || intaketest.S(ref[0], "status") != "received" || intaketest.S(ref[0], "agency") != "police" {
		t.Fatalf("referral items %v", ref)
	}
	caseID := intaketest.S(ref[0], "caseId")
	caseItems := h.Partition(h.Tables.Cases, "CASE#"+caseID)
	var types []string
	for _, it := range caseItems {
		types = append(types, intaketest.S(it, "type"))
	}
	slices.Sort(types)
	if !slices.Equal(types, []string{"case", "case-referral"}) {
		t.Errorf("case partition holds %v", types)
	}
	for _, claim := range []string{"IDENT#crn#X123456", "IDENT#pnc#08/0123456K", "IDENT#councilNumber#C000123"} {
		items := h.Partition(h.Tables.Cases, claim)
		if len(items) != 1 || intaketest.S(items[0], "caseId") != caseID {
			t.Errorf("claim %s: %v", claim, items)
		}
	}
	idem, err := h.Store.GetIdempotency(context.Background(), "police", "ref:TVP-PPU-2026-00123")
	if err != nil || idem.ReferralID != id || idem.CaseID != caseID || len(idem.BodyHash) != 64 {
		t.Errorf("idempotency record %+v %v", idem, err)
	}
	if got := h.AuditActions("referral:" + id); !slices.Equal(got, []string{"referral.create"}) {
		t.Errorf("referral audit %v", got)
	}
	if got := h.AuditActions("case:" + caseID); !slices.Equal(got, []string{"case.create"}) {
		t.Errorf("case audit %v", got)
	}

	// The posting agency sees the status, and the read is audited.
	st := h.Do("GET", "/v1/referrals/"+id, police, nil)
	if st.Status != 200 {
		t.Fatalf("GET status %d: %s", st.Status, st.Body)
	}
	sb := st.JSON()
	if sb["status"] != "received" || sb["id"] != id || sb["agencyReference"] != "TVP-PPU-2026-00123" {
		t.Errorf("status body %s", st.Body)
	}
	for _, personal := range []string{"Samuel", "Testperson", "1988-03-14", "RG1"} {
		if bytes.Contains(st.Body, []byte(personal)) {
			t.Errorf("status answer carries personal data %q", personal)
		}
	}
	if got := h.AuditActions("referral:" + id); !slices.Equal(got, []string{"referral.create", "referral.read"}) {
		t.Errorf("referral audit after read %v", got)
	}
}

func TestRetriesGetTheFirstAnswer(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	first := h.Do("POST", "/v1/referrals", police, fixture)
	// Same body, different spacing and key order: the same referral.
	again := h.Do("POST", "/v1/referrals", police, referraltest.With(func(map[string]any) {}))
	if first.Status != 202 || again.Status != 202 {
		t.Fatalf("statuses %d %d", first.Status, again.Status)
	}
	if first.JSON()["id"] != again.JSON()["id"] {
		t.Fatalf("retry got a new id: %v vs %v", first.JSON()["id"], again.JSON()["id"])
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("replay not marked")
	}
	if n := len(h.Referrals()); n != 1 {
		t.Errorf("%d referrals stored", n)
	}
	if n := len(h.Cases()); n != 1 {
		t.Errorf("%d cases stored", n)
	}

	// Same agency reference, different body: 409, nothing stored.
	changed := referraltest.With(func(m map[string]any) { m["reasonForReferral"] = "Something else" })
	if r := h.Do("POST", "/v1/referrals", police, changed); r.Status != 409 {
		t.Fatalf("reused reference got %d: %s", r.Status, r.Body)
	}
	// The same body under an explicit key is a new request; then a
	// different body under that key is a 409 too.
	k1 := h.Do("POST", "/v1/referrals", police, changed, "Idempotency-Key", "key-1")
	if k1.Status != 202 || k1.JSON()["id"] == first.JSON()["id"] {
		t.Fatalf("new key: %d %s", k1.Status, k1.Body)
	}
	if r := h.Do("POST", "/v1/referrals", police, fixture, "Idempotency-Key", "key-1"); r.Status != 409 {
		t.Fatalf("key reuse got %d", r.Status)
	}
	if r := h.Do("POST", "/v1/referrals", police, changed, "Idempotency-Key", "key-1"); r.Status != 202 || r.JSON()["id"] != k1.JSON()["id"] {
		t.Fatalf("key retry: %d %s", r.Status, r.Body)
	}
	// Another agency with the same reference is another scope.
	if r := h.Do("POST", "/v1/referrals", h.Agency("probation"), fixture); r.Status != 202 || r.JSON()["id"] == first.JSON()["id"] {
		t.Fatalf("other agency: %d %s", r.Status, r.Body)
	}
	if n := len(h.Referrals()); n != 3 {
		t.Errorf("%d referrals stored, want 3", n)
	}
	// All three are the same person (same CRN): one case.
	if n := len(h.Cases()); n != 1 {
		t.Errorf("%d cases stored, want 1", n)
	}
}

func TestConcurrentDuplicatesStoreOneReferralAndOneCase(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	const n = 200
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ids      = map[string]int{}
		statuses = map[int]int{}
		errs     []error
	)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			r, err := h.DoErr("POST", "/v1/referrals", police, fixture)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			statuses[r.Status]++
			if id, ok := r.JSON()["id"].(string); ok {
				ids[id]++
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d requests failed, first: %v", len(errs), errs[0])
	}
	if statuses[202] != n || len(ids) != 1 {
		t.Fatalf("statuses %v, distinct ids %d", statuses, len(ids))
	}
	if got := len(h.Referrals()); got != 1 {
		t.Errorf("%d referrals stored", got)
	}
	if got := len(h.Cases()); got != 1 {
		t.Errorf("%d cases stored", got)
	}
}

func TestBadRequestsStoreNothing(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	big := referraltest.With(func(m map[string]any) { m["reasonForReferral"] = strings.Repeat("x", 300<<10) })
	cases := []struct {
		name    string
		body    []byte
		headers []string
		status  int
		ptrs    []string
	}{
		{"malformed JSON", []byte(`{"agencyReference": `), nil, 400, nil},
		{"two values", []byte(`{} {}`), nil, 400, nil},
		{"unknown field", referraltest.With(func(m map[string]any) { m["favouriteColour"] = "blue" }), nil, 422, []string{"/favouriteColour"}},
		{"missing required field", referraltest.With(func(m map[string]any) { delete(referraltest.Obj(m, "person"), "familyName") }), nil, 422, []string{"/person/familyName"}},
		{"impossible date", referraltest.With(func(m map[string]any) { referraltest.Obj(m, "person")["dateOfBirth"] = "1988-02-30" }), nil, 422, []string{"/person/dateOfBirth"}},
		{"oversized body", big, nil, 413, nil},
		{"not JSON", fixture, []string{"Content-Type", "text/plain"}, 415, nil},
		{"bad idempotency key", fixture, []string{"Idempotency-Key", strings.Repeat("k", 300)}, 400, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Do("POST", "/v1/referrals", police, tc.body, tc.headers...)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			if tc.ptrs != nil && !slices.Equal(r.Pointers(), tc.ptrs) {
				t.Errorf("pointers %v, want %v", r.Pointers(), tc.ptrs)
			}
		})
	}
	if n := len(h.Referrals()); n != 0 {
		t.Errorf("%d referrals stored", n)
	}
	if n := len(h.Cases()); n != 0 {
		t.Errorf("%d cases stored", n)
	}
	if items := h.Partition(h.Tables.Cases, "IDENT#crn#X123456"); len(items) != 0 {
		t.Errorf("claim stored: %v", items)
	}
}

func TestWhoMayPostAndRead(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	r := h.Do("POST", "/v1/referrals", police, fixture)
	if r.Status != 202 {
		t.Fatal(r.Status)
	}
	id := r.JSON()["id"].(string)
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		status int
	}{
		{"post without token", "POST", "/v1/referrals", "", 401},
		{"post with read scope only", "POST", "/v1/referrals", h.Agency("police", "referrals/read"), 403},
		{"post as staff", "POST", "/v1/referrals", h.StaffToken("staff-bso"), 403},
		{"read without token", "GET", "/v1/referrals/" + id, "", 401},
		{"read with write scope only", "GET", "/v1/referrals/" + id, h.Agency("police", "referrals/write"), 403},
		{"read another agency's referral", "GET", "/v1/referrals/" + id, h.Agency("probation"), 404},
		{"read a referral that does not exist", "GET", "/v1/referrals/nope", police, 404},
		{"read own referral", "GET", "/v1/referrals/" + id, police, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.method == "POST" {
				body = referraltest.With(func(m map[string]any) { m["agencyReference"] = "other-" + tc.name })
			}
			got := h.Do(tc.method, tc.path, tc.token, body)
			if got.Status != tc.status {
				t.Errorf("status %d, want %d: %s", got.Status, tc.status, got.Body)
			}
		})
	}
	if n := len(h.Referrals()); n != 1 {
		t.Errorf("%d referrals stored", n)
	}
	// Only the posting agency's read is audited.
	if got := h.AuditActions("referral:" + id); !slices.Equal(got, []string{"referral.create", "referral.read"}) {
		t.Errorf("audit %v", got)
	}
}

func TestMatching(t *testing.T) {
	h := intaketest.New(t)
	police := h.Agency("police")
	post := func(body []byte) store.Referral {
		t.Helper()
		r := h.Do("POST", "/v1/referrals", police, body)
		if r.Status != 202 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		ref, err := h.Store.GetReferral(context.Background(), r.JSON()["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return ref
	}
	first := post(referraltest.Person("R1", "Testperson", "1980-01-01", "A111111", "", ""))

	// Same CRN (written in lower case), different name: attaches.
	byCRN := post(referraltest.Person("R2", "Otherperson", "1970-05-05", "a111111", "99/1A", ""))
	if byCRN.CaseID != first.CaseID || len(byCRN.PossibleMatches) != 0 {
		t.Errorf("CRN match: case %s (want %s), possible %v", byCRN.CaseID, first.CaseID, byCRN.PossibleMatches)
	}
	// The PNC the second referral brought is now the case's too.
	byPNC := post(referraltest.Person("R3", "Someone", "1990-01-01", "", "1999/0000001a", ""))
	if byPNC.CaseID != first.CaseID {
		t.Errorf("PNC match: case %s, want %s", byPNC.CaseID, first.CaseID)
	}

	// Same family name (differently written) and date of birth, no shared
	// identifier: a new case, flagged, never merged.
	likely := post(referraltest.Person("R4", "TESTPERSON", "1980-01-01", "B222222", "", ""))
	if likely.CaseID == first.CaseID {
		t.Fatal("name and date of birth alone merged the referral into the case")
	}
	if !slices.Equal(likely.PossibleMatches, []string{first.CaseID}) || likely.MatchState != referral.MatchPending {
		t.Errorf("possible matches %v, state %q", likely.PossibleMatches, likely.MatchState)
	}

	// A council number that disagrees with the CRN: attach by CRN, flag
	// the other case.
	mixed := post(referraltest.Person("R5", "Nobody", "2000-01-01", "A111111", "", "CN-1"))
	clash := post(referraltest.Person("R6", "Nobody", "2000-01-01", "C333333", "", "cn1"))
	if clash.CaseID != mixed.CaseID {
		t.Fatalf("council number match: %s vs %s", clash.CaseID, mixed.CaseID)
	}
	both := post(referraltest.Person("R7", "Nobody", "2000-01-01", "B222222", "", "CN1"))
	if both.CaseID != likely.CaseID || !slices.Equal(both.PossibleMatches, []string{first.CaseID}) {
		t.Errorf("disagreeing identifiers: case %s (want %s), possible %v", both.CaseID, likely.CaseID, both.PossibleMatches)
	}
	if n := len(h.Cases()); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	c, err := h.Store.GetCase(context.Background(), first.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.CRNs, []string{"A111111", "C333333"}) || !slices.Equal(c.PNCs, []string{"99/0000001A"}) || !slices.Equal(c.CouncilNumbers, []string{"CN1"}) {
		t.Errorf("case identifiers %v %v %v", c.CRNs, c.PNCs, c.CouncilNumbers)
	}
}
