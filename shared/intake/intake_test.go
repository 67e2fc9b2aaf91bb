package intake_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var fixture = []byte(referraltest.JSON)

func TestPostStoresEverythingInOneGo(t *testing.T) {
	t.Parallel()
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

	// The referral's small state item and its body, written once.
	ref := h.Partition(h.Tables.Referrals, "REFERRAL#"+id)
	if len(ref) != 2 || intaketest.S(ref[1], "type") != "referral-body" || intaketest.S(ref[0], "type") != "referral" || intaketest.S(ref[0], "status") != "received" || intaketest.S(ref[0], "agency") != "police" {
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
	idem, err := h.Store.GetIdempotency(context.Background(), "client:dev-agency-police", "ref:TVP-PPU-2026-00123")
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
	t.Parallel()
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
	// The agency reference names the referral whatever the key: the same
	// body under a fresh key is the same referral; a different body under
	// a fresh key is still a 409 (the README's curl example relies on it).
	if r := h.Do("POST", "/v1/referrals", police, changed, "Idempotency-Key", "key-0"); r.Status != 409 || !strings.Contains(string(r.Body), "agencyReference") {
		t.Fatalf("reused reference under a new key: %d %s", r.Status, r.Body)
	}
	for _, key := range []string{"key-a", "key-b"} {
		if r := h.Do("POST", "/v1/referrals", police, fixture, "Idempotency-Key", key); r.Status != 202 || r.JSON()["id"] != first.JSON()["id"] || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("same reference and body under key %s: %d %s", key, r.Status, r.Body)
		}
	}
	// A new reference under an explicit key is a new referral; then a
	// different body under that key is a 409 too.
	changed = referraltest.With(func(m map[string]any) { m["agencyReference"] = "TVP-NEW-1"; m["reasonForReferral"] = "Something else" })
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
	// ... and its reference names it under any other key.
	if r := h.Do("POST", "/v1/referrals", police, changed, "Idempotency-Key", "key-2"); r.Status != 202 || r.JSON()["id"] != k1.JSON()["id"] {
		t.Fatalf("reference under another key: %d %s", r.Status, r.Body)
	}
	// Another agency with the same reference is another scope.
	asProbation := referraltest.With(func(m map[string]any) { referraltest.Obj(m, "referringAgency")["type"] = "probation" })
	if r := h.Do("POST", "/v1/referrals", h.Agency("probation"), asProbation); r.Status != 202 || r.JSON()["id"] == first.JSON()["id"] {
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
	t.Parallel()
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

// TestConcurrentReferralsOfOnePersonAreAllStoredInOneCase: referrals of
// the same person from different requests at once are all stored (none
// lost to a race on the case or the identifier claims) and all join one
// case: the losers of the race read again and attach (store.Lookup reads
// the claims before the name key, so a case seen by one is seen by both).
func TestConcurrentReferralsOfOnePersonAreAllStoredInOneCase(t *testing.T) {
	t.Parallel()
	h := intaketest.New(t)
	police := h.Agency("police")
	const n = 6
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		bad []string
	)
	start := make(chan struct{})
	for i := range n {
		body := referraltest.With(func(m map[string]any) { m["agencyReference"] = fmt.Sprintf("TVP-PPU-2026-%05d", i) })
		wg.Go(func() {
			<-start
			r, err := h.DoErr("POST", "/v1/referrals", police, body)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || r.Status != 202 {
				bad = append(bad, fmt.Sprintf("%v %d", err, r.Status))
			}
		})
	}
	close(start)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("refused: %v", bad)
	}
	refs := h.Referrals()
	if len(refs) != n {
		t.Errorf("%d referrals stored, want %d", len(refs), n)
	}
	cases := map[string]int{}
	for _, r := range refs {
		cases[intaketest.S(r, "caseId")]++
	}
	if got := len(h.Cases()); got != 1 || len(cases) != 1 {
		t.Errorf("%d cases stored, the referrals are in %v", got, cases)
	}
}

func TestBadRequestsStoreNothing(t *testing.T) {
	t.Parallel()
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
		{"every problem at once: a wrong type, an unknown name and a missing field", referraltest.With(func(m map[string]any) {
			m["levelRequested"] = "two"
			m["favouriteColour"] = "blue"
			delete(referraltest.Obj(m, "person"), "familyName")
			referraltest.Obj(m, "referrer")["email"] = 7
		}), nil, 422, []string{"/favouriteColour", "/levelRequested", "/person/familyName", "/referrer/email"}},
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
			if tc.name == "malformed JSON" && !strings.Contains(string(r.Body), "line 1, column 21") {
				t.Errorf("malformed JSON without its position: %s", r.Body)
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
	t.Parallel()
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
	t.Parallel()
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

	// Same CRN (written in lower case), same family name (written
	// differently) and date of birth: attaches.
	byCRN := post(referraltest.Person("R2", "TESTPERSON", "1980-01-01", "a111111", "99/1A", ""))
	if byCRN.CaseID != first.CaseID || len(byCRN.PossibleMatches) != 0 {
		t.Errorf("CRN match: case %s (want %s), possible %v", byCRN.CaseID, first.CaseID, byCRN.PossibleMatches)
	}
	// The PNC the second referral brought is now the case's too.
	byPNC := post(referraltest.Person("R3", "Testperson", "1980-01-01", "", "1999/0000001a", ""))
	if byPNC.CaseID != first.CaseID {
		t.Errorf("PNC match: case %s, want %s", byPNC.CaseID, first.CaseID)
	}

	// Wrong-person linkage (issue 12, finding 1): the same CRN with another
	// name, or the same name with another date of birth, is never attached
	// silently. It gets its own provisional case, flagged for a person to
	// resolve, and takes nothing from the case that holds the identifier.
	for _, p := range []struct{ name, family, dob string }{
		{"another name", "Otherperson", "1980-01-01"},
		{"another date of birth", "Testperson", "1981-01-01"},
	} {
		wrong := post(referraltest.Person("W-"+p.name, p.family, p.dob, "A111111", "", ""))
		if wrong.CaseID == first.CaseID {
			t.Fatalf("%s: a CRN match with %s was attached to the case", p.name, p.name)
		}
		if !slices.Equal(wrong.PossibleMatches, []string{first.CaseID}) || wrong.MatchState != referral.MatchPending {
			t.Errorf("%s: possible matches %v, state %q; want the CRN's case, pending", p.name, wrong.PossibleMatches, wrong.MatchState)
		}
		c, err := h.Store.GetCase(context.Background(), wrong.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.CRNs) != 0 {
			t.Errorf("%s: the provisional case claimed %v", p.name, c.CRNs)
		}
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

	// Identifiers that point at two cases of the same name and date of
	// birth: attach by the strongest (CRN), flag the other case.
	both := post(referraltest.Person("R7", "Testperson", "1980-01-01", "B222222", "99/1A", ""))
	if both.CaseID != likely.CaseID || !slices.Equal(both.PossibleMatches, []string{first.CaseID}) {
		t.Errorf("disagreeing identifiers: case %s (want %s), possible %v", both.CaseID, likely.CaseID, both.PossibleMatches)
	}
	if n := len(h.Cases()); n != 4 {
		t.Errorf("%d cases, want 4", n)
	}
	c, err := h.Store.GetCase(context.Background(), first.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.CRNs, []string{"A111111"}) || !slices.Equal(c.PNCs, []string{"99/0000001A"}) || len(c.CouncilNumbers) != 0 {
		t.Errorf("case identifiers %v %v %v", c.CRNs, c.PNCs, c.CouncilNumbers)
	}
}

// Issue 12, finding 2: the referring agency is the one the token belongs to,
// and nothing another agency (or staff) stored can be read or detected.
func TestAgencyComesFromTheToken(t *testing.T) {
	t.Parallel()
	h := intaketest.New(t)
	police := h.Agency("police")
	asPrison := referraltest.With(func(m map[string]any) {
		referraltest.Obj(m, "referringAgency")["type"] = "prison"
		referraltest.Obj(m, "referringAgency")["name"] = "HMP Nowhere"
	})
	r := h.Do("POST", "/v1/referrals", police, asPrison)
	if r.Status != 422 || !slices.Equal(r.Pointers(), []string{"/referringAgency/type"}) {
		t.Fatalf("police posting as a prison: %d %s", r.Status, r.Body)
	}
	if n := len(h.Referrals()); n != 0 {
		t.Fatalf("%d referrals stored after a refused post", n)
	}

	// A business support officer enters a referral from another force's
	// email with reference R-1; the police client's own R-1 (another
	// referral) is not refused with a 409 that would reveal it.
	kent := referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "R-1"
		referraltest.Obj(m, "referringAgency")["name"] = "Kent Police"
	})
	staff := h.Do("POST", "/v1/staff/referrals", h.StaffToken("staff-bso"), kent)
	if staff.Status != 202 {
		t.Fatalf("staff entry: %d %s", staff.Status, staff.Body)
	}
	own := referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "R-1"
		m["reasonForReferral"] = "Another referral altogether."
	})
	r = h.Do("POST", "/v1/referrals", police, own)
	if r.Status != 202 || r.JSON()["id"] == staff.JSON()["id"] {
		t.Fatalf("police R-1 after a staff-entered R-1: %d %s", r.Status, r.Body)
	}
	// The police client reads its own referral, not the staff entry; the
	// stored agency is the token's, the unit the body's.
	if st := h.Do("GET", "/v1/referrals/"+staff.JSON()["id"].(string), police, nil); st.Status != 404 {
		t.Errorf("police client reads the staff entry: %d", st.Status)
	}
	ref, err := h.Store.GetReferral(context.Background(), r.JSON()["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if ref.Agency != "police" || ref.CreatedBy != "dev-agency-police" || ref.Body.ReferringAgency.Name != "Thames Valley Police" {
		t.Errorf("stored agency %q by %q unit %q", ref.Agency, ref.CreatedBy, ref.Body.ReferringAgency.Name)
	}
}
