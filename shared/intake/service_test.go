package intake

import (
	"context"
	"errors"
	"slices"
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

// fakeStore is an in-memory Store whose CreateReferral can be told to fail.
type fakeStore struct {
	mu        sync.Mutex
	idem      map[string]store.Idempotency
	claims    map[referral.Identifier]string
	names     map[string][]string // name key -> cases
	referrals map[string]store.Referral
	history   map[string][]referral.Decision
	fail      []error // returned by the next CreateReferral calls, in order
	creates   int
	onFail    func() // runs when a queued failure is returned
}

func newFake() *fakeStore {
	return &fakeStore{idem: map[string]store.Idempotency{}, claims: map[referral.Identifier]string{}, names: map[string][]string{}, referrals: map[string]store.Referral{}}
}

func (f *fakeStore) GetIdempotency(_ context.Context, scope, key string) (store.Idempotency, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec, ok := f.idem[scope+"|"+key]
	if !ok {
		return store.Idempotency{}, store.ErrNotFound
	}
	return rec, nil
}

func (f *fakeStore) FindMatches(_ context.Context, idents []referral.Identifier, nameKey string) (referral.Matches, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := referral.Matches{Claimed: map[referral.Identifier]string{}, ByNameAndBirth: slices.Clone(f.names[nameKey])}
	for _, id := range idents {
		if c, ok := f.claims[id]; ok {
			m.Claimed[id] = c
		}
	}
	return m, nil
}

func (f *fakeStore) CreateReferral(_ context.Context, nr store.NewReferral) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if len(f.fail) > 0 {
		err := f.fail[0]
		f.fail = f.fail[1:]
		if f.onFail != nil {
			f.onFail()
		}
		return err
	}
	k := nr.IdempotencyScope + "|" + nr.IdempotencyKey
	if _, ok := f.idem[k]; ok {
		return store.ErrIdempotencyTaken
	}
	for _, id := range nr.Claim {
		if _, ok := f.claims[id]; ok {
			return store.ErrMatchChanged
		}
	}
	for _, id := range nr.Claim {
		f.claims[id] = nr.Referral.CaseID
	}
	if nr.NameKey != "" && !slices.Contains(f.names[nr.NameKey], nr.Referral.CaseID) {
		f.names[nr.NameKey] = append(f.names[nr.NameKey], nr.Referral.CaseID)
	}
	f.idem[k] = store.Idempotency{Scope: nr.IdempotencyScope, BodyHash: nr.Referral.BodyHash, ReferralID: nr.Referral.ID, CaseID: nr.Referral.CaseID}
	f.referrals[nr.Referral.ID] = nr.Referral
	return nil
}

func (f *fakeStore) UpdateReferral(context.Context, string, func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error) {
	return store.Referral{}, errors.New("fake: UpdateReferral is not used by these tests")
}

func (f *fakeStore) ReferralWithHistory(_ context.Context, id string) (store.Referral, []referral.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.referrals[id]
	if !ok {
		return store.Referral{}, nil, store.ErrNotFound
	}
	return r, f.history[id], nil
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
	return NewService(st, aud, clock.NewFixed(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)), &ids.Sequence{Prefix: "id"})
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
		onFail    func(f *fakeStore)
		wantErr   error
		replayed  bool
		wantCalls int
	}{
		{"first time", nil, nil, nil, false, 1},
		{"transaction conflict then success", []error{store.ErrTransactionConflict}, nil, nil, false, 2},
		{"claim taken meanwhile: attach on retry", []error{store.ErrMatchChanged}, func(f *fakeStore) {
			f.claims[referral.Identifier{Kind: referral.KindCRN, Value: "X123456"}] = "case-elsewhere"
			k := referral.NameKey(r.Person.FamilyName, r.Person.DateOfBirth)
			f.names[k] = append(f.names[k], "case-elsewhere")
		}, nil, false, 2},
		{"lost the race to an identical request", []error{store.ErrIdempotencyTaken}, func(f *fakeStore) {
			h, _ := r.Hash()
			f.idem["client:client|k"] = store.Idempotency{BodyHash: h, ReferralID: "winner", CaseID: "c"}
		}, nil, true, 1},
		{"lost the race to a different body", []error{store.ErrIdempotencyTaken}, func(f *fakeStore) {
			h, _ := other.Hash()
			f.idem["client:client|k"] = store.Idempotency{BodyHash: h, ReferralID: "winner", CaseID: "c"}
		}, ErrKeyReused, false, 1},
		{"storage fails", []error{errors.New("boom")}, nil, errors.New("boom"), false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.fail = tc.fail
			if tc.onFail != nil {
				f.onFail = func() { tc.onFail(f) }
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
	st := &capture{fakeStore: f, got: &got}
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
	*fakeStore
	got *store.NewReferral
}

func (c *capture) CreateReferral(ctx context.Context, nr store.NewReferral) error {
	*c.got = nr
	return c.fakeStore.CreateReferral(ctx, nr)
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
	r := f.referrals[rec.ReferralID]
	r.Status = referral.StatusMoreInformation
	f.referrals[rec.ReferralID] = r
	f.history = map[string][]referral.Decision{rec.ReferralID: {
		{Kind: "match:different-person", Actor: "staff-1", At: at.Add(-time.Hour), From: referral.StatusClassified, To: referral.StatusClassified},
		{Kind: referral.DecisionMoreInformation, Reason: "Send the licence conditions.", Actor: "staff-1", At: at,
			From: referral.StatusClassified, To: referral.StatusMoreInformation},
	}}
	v, err = s.Status(context.Background(), "client", rec.ReferralID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Decision == nil || v.Decision.Decision != referral.DecisionMoreInformation || v.Decision.Reason != "Send the licence conditions." || !v.Decision.At.Equal(at) {
		t.Fatalf("agency sees %+v, want the more-information decision with its reason", v.Decision)
	}
}
