package intake

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// faulty is the one in-memory store (store.Memory, which keeps the real
// store's conditions) with failures to inject into CreateReferral.
type faulty struct {
	*store.Memory
	mu      sync.Mutex
	fail    []error // returned by the next CreateReferral calls, in order
	creates int
	onFail  func() // runs when a queued failure is returned
}

func newFake() *faulty { return &faulty{Memory: store.NewMemory(clock.NewFixed(now))} }

func (f *faulty) CreateReferral(ctx context.Context, nr store.NewReferral) error {
	f.mu.Lock()
	f.creates++
	if len(f.fail) > 0 {
		err := f.fail[0]
		f.fail = f.fail[1:]
		onFail := f.onFail
		f.mu.Unlock()
		if onFail != nil {
			onFail()
		}
		return err
	}
	f.mu.Unlock()
	return f.Memory.CreateReferral(ctx, nr)
}

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// storeFirst stores, as another request would have, referral id in case
// caseID under key with body b, claiming claim.
func storeFirst(t *testing.T, st *store.Memory, id, caseID, key string, b referral.Referral, claim ...referral.Identifier) {
	t.Helper()
	h, err := b.Hash()
	if err != nil {
		t.Fatal(err)
	}
	err = st.CreateReferral(context.Background(), store.NewReferral{
		Referral: store.Referral{ID: id, Agency: "police", Source: SourceAgency, CreatedBy: "client", Status: referral.StatusReceived,
			Version: 1, CaseID: caseID, Body: b, BodyHash: h, CreatedAt: now, UpdatedAt: now},
		IdempotencyScope: "client:client", IdempotencyKey: key, NewCase: true, Claim: claim,
		NameKey: referral.NameKey(b.Person.FamilyName, b.Person.DateOfBirth),
	})
	if err != nil {
		t.Fatal(err)
	}
}

type fakeAudit struct {
	mu      sync.Mutex
	entries []audit.Entry
	err     error
}

func (a *fakeAudit) Record(_ context.Context, e audit.Entry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	a.entries = append(a.entries, e)
	return nil
}

func newService(st Store, aud Auditor) *Service {
	return NewService(st, aud, clock.NewFixed(now), &ids.Sequence{Prefix: "id"})
}

func sub(r referral.Referral, key string) Submission {
	return Submission{Referral: r, Scope: "client:client", Agency: "police", Key: key, Actor: "client", Source: SourceAgency}
}

func TestSubmitRetriesAndReplays(t *testing.T) {
	r := referraltest.Referral()
	other := r
	other.ReasonForReferral = "different"
	cases := []struct {
		name      string
		fail      []error
		onFail    func(t *testing.T, f *faulty)
		wantErr   error
		replayed  bool
		wantCalls int
	}{
		{"first time", nil, nil, nil, false, 1},
		{"transaction conflict then success", []error{store.ErrTransactionConflict}, nil, nil, false, 2},
		{"claim taken meanwhile: attach on retry", []error{store.ErrMatchChanged}, func(t *testing.T, f *faulty) {
			storeFirst(t, f.Memory, "ref-elsewhere", "case-elsewhere", "other-key", other, referral.Identifier{Kind: referral.KindCRN, Value: "X123456"})
		}, nil, false, 2},
		{"lost the race to an identical request", []error{store.ErrIdempotencyTaken}, func(t *testing.T, f *faulty) {
			storeFirst(t, f.Memory, "winner", "c", "k", r)
		}, nil, true, 1},
		{"lost the race to a different body", []error{store.ErrIdempotencyTaken}, func(t *testing.T, f *faulty) {
			storeFirst(t, f.Memory, "winner", "c", "k", other)
		}, ErrKeyReused, false, 1},
		{"storage fails", []error{errors.New("boom")}, nil, errors.New("boom"), false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.fail = tc.fail
			if tc.onFail != nil {
				f.onFail = func() { tc.onFail(t, f) }
			}
			rec, err := newService(f, &fakeAudit{}).Submit(context.Background(), sub(r, "k"))
			if (err != nil) != (tc.wantErr != nil) || (tc.wantErr == ErrKeyReused && !errors.Is(err, ErrKeyReused)) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if f.creates != tc.wantCalls {
				t.Errorf("%d CreateReferral calls, want %d", f.creates, tc.wantCalls)
			}
			if err == nil && rec.Replayed != tc.replayed {
				t.Errorf("replayed %v", rec.Replayed)
			}
			if tc.name == "claim taken meanwhile: attach on retry" && (rec.CaseID != "case-elsewhere" || rec.NewCase) {
				t.Errorf("receipt %+v", rec)
			}
		})
	}
}

func TestSubmitGivesUpWhenAlwaysBusy(t *testing.T) {
	f := newFake()
	for range 20 {
		f.fail = append(f.fail, store.ErrTransactionConflict)
	}
	s := newService(f, &fakeAudit{})
	s.retry.Attempts = 3
	if _, err := s.Submit(context.Background(), sub(referraltest.Referral(), "k")); !errors.Is(err, ErrBusy) {
		t.Fatalf("err %v", err)
	}
}

func TestSubmitWritesAuditInTheTransaction(t *testing.T) {
	f := newFake()
	var got store.NewReferral
	st := &capture{faulty: f, got: &got}
	rec, err := newService(st, &fakeAudit{}).Submit(context.Background(), sub(referraltest.Referral(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Audit) != 2 || got.Audit[0].Action != audit.ActionReferralCreate || got.Audit[1].Action != audit.ActionCaseCreate ||
		got.Audit[0].Subject != "referral:"+rec.ReferralID || got.Audit[1].Subject != "case:"+rec.CaseID {
		t.Errorf("audit %+v", got.Audit)
	}
	if got.Referral.Status != referral.StatusReceived || got.Referral.Version != 1 || len(got.Claim) != 3 || !got.NewCase || got.NameKey == "" {
		t.Errorf("new referral %+v", got)
	}
}

type capture struct {
	*faulty
	got *store.NewReferral
}

func (c *capture) CreateReferral(ctx context.Context, nr store.NewReferral) error {
	*c.got = nr
	return c.faulty.CreateReferral(ctx, nr)
}

func TestStatusIsForThePostingAgencyAndAudited(t *testing.T) {
	f := newFake()
	aud := &fakeAudit{}
	s := newService(f, aud)
	rec, err := s.Submit(context.Background(), sub(referraltest.Referral(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Status(context.Background(), "c2", rec.ReferralID, "", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("other agency: %v", err)
	}
	if len(aud.entries) != 0 {
		t.Error("refused read audited as a read")
	}
	v, err := s.Status(context.Background(), "client", rec.ReferralID, "", "")
	if err != nil || v.Status != referral.StatusReceived {
		t.Fatalf("%+v %v", v, err)
	}
	if len(aud.entries) != 1 || aud.entries[0].Action != audit.ActionReferralRead {
		t.Errorf("audit %+v", aud.entries)
	}
	aud.err = errors.New("audit down")
	if _, err := s.Status(context.Background(), "client", rec.ReferralID, "", ""); err == nil {
		t.Error("read returned data without its audit record")
	}
}

func TestAgencySeesTheDecisionThatSetItsStatus(t *testing.T) {
	f := newFake()
	s := newService(f, &fakeAudit{})
	rec, err := s.Submit(context.Background(), sub(referraltest.Referral(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.Status(context.Background(), "client", rec.ReferralID, "", "")
	if v.Decision != nil {
		t.Fatalf("decision before any was made: %+v", v.Decision)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, d := range []referral.Decision{
		{ID: "d1", Kind: "match:different-person", Actor: "staff-1", At: at.Add(-time.Hour), From: referral.StatusReceived, To: referral.StatusReceived},
		{ID: "d2", Kind: referral.DecisionMoreInformation, Reason: "Send the licence conditions.", Actor: "staff-1", At: at,
			From: referral.StatusReceived, To: referral.StatusMoreInformation},
	} {
		if _, err := f.UpdateReferral(context.Background(), rec.ReferralID, func(r *store.Referral) (store.ReferralEffects, error) {
			r.Status = d.To
			return store.ReferralEffects{Decision: &d}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	v, err = s.Status(context.Background(), "client", rec.ReferralID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Decision == nil || v.Decision.Decision != referral.DecisionMoreInformation || v.Decision.Reason != "Send the licence conditions." || !v.Decision.At.Equal(at) {
		t.Fatalf("agency sees %+v, want the more-information decision with its reason", v.Decision)
	}
}
