package staffapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

// queuePerson is a referral body for the queue tests. meeting "" means no
// meeting invitation.
func queuePerson(h *intaketest.Harness, ref, given, family, dob, crn, pnc, council, meeting string) []byte {
	h.Clock.Advance(time.Minute) // each received a minute after the last
	return referraltest.With(func(m map[string]any) {
		m["agencyReference"] = ref
		p := referraltest.Obj(m, "person")
		p["givenNames"], p["familyName"], p["dateOfBirth"] = given, family, dob
		delete(p, "aliases")
		referraltest.Obj(m, "facts")["dateOfBirth"] = dob
		ids := map[string]any{}
		for k, v := range map[string]string{"crn": crn, "pnc": pnc, "councilNumber": council} {
			if v != "" {
				ids[k] = v
			}
		}
		p["identifiers"] = ids
		if meeting == "" {
			delete(m, "meetingInvitation")
		} else {
			referraltest.Obj(m, "meetingInvitation")["date"] = meeting
		}
	})
}

type queueRow struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Duplicates []struct {
		ID string `json:"id"`
	} `json:"duplicates"`
}

type queueBody struct {
	Items  []queueRow     `json:"items"`
	Counts map[string]int `json:"counts"`
	Order  string         `json:"order"`
	More   bool           `json:"more"`
	Next   string         `json:"next"`
}

func queueGet(t *testing.T, h *intaketest.Harness, token, query string) queueBody {
	t.Helper()
	r := h.Do("GET", "/v1/staff/referrals"+query, token, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", query, r.Status, r.Body)
	}
	var b queueBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func rowIDs(b queueBody) (heads []string, all []string) {
	for _, r := range b.Items {
		heads = append(heads, r.ID)
		all = append(all, r.ID)
		for _, d := range r.Duplicates {
			all = append(all, d.ID)
		}
	}
	return heads, all
}

// The queue a business support officer triages: most urgent first, the
// tabs' counts, a search by each identifier and by name, possible
// duplicates as one row with the others beside it, and pages across the
// shards that lose and double nothing. Others see only their cases' rows
// (in the list, the counts and the search).
func TestQueueForTriage(t *testing.T) {
	h := intaketest.New(t)
	bso := h.StaffToken("staff-bso")
	// Today is 2026-11-23 (intaketest.Now).
	ann, annCase := post(t, h, queuePerson(h, "TVP-1", "Ann", "Alpha", "1980-01-01", "A100001", "", "", "2026-12-20"))
	ben, benCase := post(t, h, queuePerson(h, "TVP-2", "Ben", "Bravo", "1981-02-02", "A100002", "99/123B", "CN-77", "2026-12-01"))
	cal, _ := post(t, h, queuePerson(h, "TVP-3", "Cal", "Charlie", "1982-03-03", "", "", "", ""))
	// The same person as Ann: her CRN again (joins her case), and her name
	// and date of birth without a CRN (a possible match, its own case).
	annAgain, annAgainCase := post(t, h, queuePerson(h, "TVP-4", "Ann", "Alpha", "1980-01-01", "A100001", "", "", "2026-12-20"))
	annMaybe, _ := post(t, h, queuePerson(h, "TVP-5", "Ann", "Alpha", "1980-01-01", "", "", "", "2026-12-21"))
	if annAgainCase != annCase {
		t.Fatalf("the same CRN, name and date of birth did not join the case")
	}
	var rest []string
	for i := range 7 {
		id, _ := post(t, h, queuePerson(h, fmt.Sprintf("TVP-R%d", i), "Dee", []string{"Delta", "Echo", "Fox", "Golf", "Hotel", "India", "Juliet"}[i],
			"1990-01-01", fmt.Sprintf("B20000%d", i), "", "", fmt.Sprintf("2027-01-%02d", 10+i)))
		rest = append(rest, id)
	}
	// Classified (search entries come with the classification), all but Cal.
	for _, id := range slices.Concat([]string{ann, ben, annAgain, annMaybe}, rest) {
		classify(t, h, id, 2)
	}

	// Most urgent first: Ben's meeting in 8 days (short notice), then Ann's
	// (20 December) with her two other referrals grouped under her row,
	// then the January meetings, then Cal, who has no meeting.
	b := queueGet(t, h, bso, "?limit=100")
	heads, all := rowIDs(b)
	want := slices.Concat([]string{ben, ann}, rest, []string{cal})
	if b.Order != "urgency" || !slices.Equal(heads, want) {
		t.Fatalf("rows %v\nwant %v", heads, want)
	}
	if d := b.Items[1].Duplicates; len(d) != 2 || d[0].ID != annAgain || d[1].ID != annMaybe {
		t.Errorf("Ann's duplicates %+v, want %s and %s", d, annAgain, annMaybe)
	}
	if len(all) != 12 {
		t.Errorf("%d referrals on the page, want 12", len(all))
	}
	// The tabs' counts.
	if c := b.Counts; c["all"] != 12 || c["received"] != 1 || c["classified"] != 11 || c["accepted"] != 0 {
		t.Errorf("counts %v", c)
	}
	// A decision moves a count.
	if r := h.Do("POST", "/v1/staff/referrals/"+ben+"/decisions", bso, []byte(`{"decision":"accept"}`)); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if c := queueGet(t, h, bso, "?status=classified").Counts; c["classified"] != 10 || c["accepted"] != 1 || c["all"] != 12 {
		t.Errorf("counts after accepting %v", c)
	}

	// Pages of one across the shards: every referral once, in order.
	var paged []string
	q := "?limit=1"
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("more pages than referrals")
		}
		b := queueGet(t, h, bso, q)
		_, ids := rowIDs(b)
		paged = append(paged, ids...)
		if b.Next == "" {
			break
		}
		q = "?limit=1&cursor=" + url.QueryEscape(b.Next)
	}
	// Ben is accepted now: he moves after every open referral.
	wantPaged := slices.Concat([]string{ann, annAgain, annMaybe}, rest, []string{cal, ben})
	if !slices.Equal(paged, wantPaged) {
		t.Errorf("pages %v\nwant  %v", paged, wantPaged)
	}

	// Search by each identifier, written as people write them, and by name.
	for text, want := range map[string][]string{
		"a100002": {ben}, "99/0123B": {ben}, "1999/123b": {ben}, "cn77": {ben}, "tvp-2": {ben},
		"Bravo": {ben}, "ben bravo": {ben}, "BRAVO": {ben},
		"A100001": {ann, annAgain}, "Alpha": {ann, annAgain, annMaybe}, "Ann Alpha": {ann, annAgain, annMaybe},
		"Nobody": nil, "Bra": nil,
	} {
		b := queueGet(t, h, bso, "?q="+url.QueryEscape(text))
		_, got := rowIDs(b)
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %v, want %v", text, got, want)
		}
		if b.Counts["all"] != len(want) {
			t.Errorf("search %q counts %v", text, b.Counts)
		}
	}

	// Row rules: a social worker assigned to Ben's case sees only Ben, in
	// the list, the counts and the search.
	h.Assign(benCase, "staff-sw", assignstore.KindChildWorker)
	sw := h.StaffToken("staff-sw")
	sb := queueGet(t, h, sw, "")
	if _, ids := rowIDs(sb); !slices.Equal(ids, []string{ben}) || sb.Counts["all"] != 1 || sb.Counts["accepted"] != 1 {
		t.Errorf("the social worker sees %v, counts %v", ids, sb.Counts)
	}
	for _, text := range []string{"A100001", "Alpha", "tvp-1"} {
		if b := queueGet(t, h, sw, "?q="+url.QueryEscape(text)); len(b.Items) != 0 || b.Counts["all"] != 0 || b.More {
			t.Errorf("the social worker's search %q found %+v", text, b)
		}
	}
	if _, ids := rowIDs(queueGet(t, h, sw, "?q=A100002")); !slices.Equal(ids, []string{ben}) {
		t.Errorf("the social worker's search for their own case found %v", ids)
	}
	if _, ids := rowIDs(queueGet(t, h, sw, "?status=received")); len(ids) != 0 {
		t.Errorf("the social worker's classified tab: %v", ids)
	}

	// Refusals: too long a search, a search with a cursor, a control or
	// right-to-left override character (the answer echoes the search), a
	// scoped cursor on the inbox.
	for _, q := range []string{"?q=" + strings.Repeat("a", 101), "?q=x&cursor=abc", "?q=" + url.QueryEscape("a\x18b"), "?q=" + url.QueryEscape("a\u202eb")} {
		if r := h.Do("GET", "/v1/staff/referrals"+q, bso, nil); r.Status != 422 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}

	// The search is audited as one list read naming what it showed, and
	// never with the text searched for (it may be a name).
	found := false
	for _, it := range h.Audit("list:referrals") {
		for _, v := range it {
			if s, ok := v.(*types.AttributeValueMemberS); ok && strings.Contains(strings.ToLower(s.Value), "bravo") {
				t.Errorf("the audit holds the search text: %v", s.Value)
			}
		}
		if r, ok := it["reason"].(*types.AttributeValueMemberS); ok && strings.HasSuffix(r.Value, " search") {
			found = true
		}
	}
	if !found {
		t.Error("no audit record of a search")
	}
}
