package e2e_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// A rise in the risk of serious harm, or in the traffic light, tells the
// head of service (S2), in the real system: each referral writes its highest risk of serious harm onto
// the case in the referral's own transaction, the cases stream carries the
// change, and the rota function gives a head of service the task (and
// email). A fall tells nobody; replaying the stream changes nothing.
func TestRiseInRiskTellsTheHeadOfService(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	crn := fmt.Sprintf("R%06d", rand.IntN(1_000_000))
	post := func(children risk.Level) string {
		t.Helper()
		body := referraltest.With(func(m map[string]any) {
			m["agencyReference"] = "risk-" + randHex()
			p := referraltest.Obj(m, "person")
			p["familyName"] = "Riskrise"
			p["identifiers"] = map[string]any{"crn": crn}
			m["currentRisk"] = map[string]any{"children": string(children), "public": "low", "knownAdult": "low", "staff": "low", "toWhom": "Her children"}
		})
		resp := f.h.Do("POST", "/v1/referrals", f.h.Agency("police"), body, "Idempotency-Key", "k-"+randHex())
		if resp.Status != 202 {
			t.Fatalf("referral: %d %s", resp.Status, resp.Body)
		}
		r, err := f.h.Store.GetReferral(ctx, resp.JSON()["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return r.CaseID
	}
	notices := func(caseID string) []meeting.Task {
		t.Helper()
		_, tasks, err := f.ms.CaseWork(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		return slices.DeleteFunc(tasks, func(tk meeting.Task) bool {
			return tk.Kind != meeting.TaskNotify || !strings.Contains(tk.Detail, "rose from")
		})
	}

	cs := f.consumers()
	caseID := post(risk.Medium)
	c, err := f.h.Store.GetCase(ctx, caseID)
	if err != nil || c.Risk != risk.Medium {
		t.Fatalf("case risk after the first referral: %q %v", c.Risk, err)
	}
	f.drain(cs)
	if got := notices(caseID); len(got) != 0 {
		t.Fatalf("a first assessment is not a rise: %+v", got)
	}

	// A later referral for the same person (same CRN) at a higher risk.
	if again := post(risk.VeryHigh); again != caseID {
		t.Fatalf("second referral went to case %s, want %s", again, caseID)
	}
	if c, _ = f.h.Store.GetCase(ctx, caseID); c.Risk != risk.VeryHigh {
		t.Fatalf("case risk after the second referral: %q", c.Risk)
	}
	f.drain(cs)
	got := notices(caseID)
	if len(got) != 1 {
		t.Fatalf("want one notice to the head of service, got %+v", got)
	}
	tk := got[0]
	if !slices.Contains([]string{seed.HeadOfService1, seed.HeadOfService2}, tk.OwnerID) || tk.Status != meeting.Open {
		t.Fatalf("notice owner %q status %q, want a head of service, open", tk.OwnerID, tk.Status)
	}
	if !strings.Contains(tk.Detail, "from medium to very-high") || !strings.HasPrefix(tk.Title, "Tell the head of service") {
		t.Fatalf("notice %q / %q", tk.Title, tk.Detail)
	}

	// A fall tells nobody; replaying both streams from the start adds nothing.
	post(risk.Low)
	f.drain(cs)
	f.drain(f.consumers())
	if again := notices(caseID); len(again) != 1 {
		t.Fatalf("after a fall and a replay: %d notices, want 1", len(again))
	}

	// The traffic light staff set: green is not a rise, amber after green
	// is (a second notice), and red after amber a third.
	setRAG := func(rag referral.RAG) {
		t.Helper()
		now := f.h.Clock.Now()
		_, err := f.h.Store.UpdateCase(ctx, caseID, func(c *store.Case) (store.CaseEffects, error) {
			ch := referral.RAGChange{ID: "rag-" + randHex(), RAG: rag, Previous: c.RAG, Reason: "test", Actor: "staff-sw", At: now}
			c.RAG = rag
			return store.CaseEffects{RAG: &ch, Effects: aggregate.Effects{Audit: []audit.Entry{{ID: "a-" + randHex(), At: now, Actor: "staff-sw", Action: audit.ActionCaseRAG, Subject: "case:" + caseID, CaseID: caseID}}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f.drain(cs)
	}
	setRAG(referral.RAGGreen)
	if n := len(notices(caseID)); n != 1 {
		t.Fatalf("a first traffic light is not a rise: %d notices", n)
	}
	setRAG(referral.RAGAmber)
	setRAG(referral.RAGRed)
	got = notices(caseID)
	if len(got) != 3 {
		t.Fatalf("after green -> amber -> red: %d notices, want 3", len(got))
	}
	var details []string
	for _, tk := range got {
		details = append(details, tk.Detail)
	}
	if all := strings.Join(details, "\n"); !strings.Contains(all, "from GREEN to AMBER") || !strings.Contains(all, "from AMBER to RED") {
		t.Fatalf("notices %q", details)
	}
	setRAG(referral.RAGGreen)
	f.drain(f.consumers())
	if n := len(notices(caseID)); n != 3 {
		t.Fatalf("after a fall to green and a replay: %d notices, want 3", n)
	}
}
