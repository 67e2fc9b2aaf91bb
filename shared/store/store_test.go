package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newReferral(id, caseID, key string, claim ...referral.Identifier) store.NewReferral {
	body := referraltest.Referral()
	return store.NewReferral{
		Referral: store.Referral{ID: id, Agency: "police", Source: "agency", CreatedBy: "c", Status: referral.StatusReceived,
			Version: 1, CaseID: caseID, Body: body, BodyHash: "h-" + key, CreatedAt: now, UpdatedAt: now},
		IdempotencyScope: "police", IdempotencyKey: key, NewCase: true, Claim: claim, NameKey: "nk",
		Audit: []audit.Entry{{ID: "audit-" + id, At: now, Actor: "c", Action: audit.ActionReferralCreate, Subject: "referral:" + id}},
	}
}

func TestCreateReferralConditions(t *testing.T) {
	stack := localstack.ForTest(t)
	s := store.New(stack.DB(t), stack.Tables(t), clock.NewFixed(now))
	ctx := context.Background()
	crn := referral.Identifier{Kind: referral.KindCRN, Value: "X123456"}
	if err := s.CreateReferral(ctx, newReferral("r1", "c1", "k1", crn)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		nr   store.NewReferral
		want error
	}{
		{"same key", newReferral("r2", "c2", "k1"), store.ErrIdempotencyTaken},
		{"claimed identifier", newReferral("r3", "c3", "k3", crn), store.ErrMatchChanged},
		{"existing case id", newReferral("r4", "c1", "k4"), store.ErrMatchChanged},
		{"attach to a missing case", func() store.NewReferral {
			nr := newReferral("r5", "nope", "k5")
			nr.NewCase = false
			return nr
		}(), store.ErrMatchChanged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.CreateReferral(ctx, tc.nr); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if _, err := s.GetReferral(ctx, tc.nr.Referral.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("referral stored despite the failed condition: %v", err)
			}
		})
	}
	m, err := s.FindMatches(ctx, []referral.Identifier{crn, {Kind: referral.KindPNC, Value: "01/0000001A"}}, "nk")
	if err != nil {
		t.Fatal(err)
	}
	if m.Claimed[crn] != "c1" || len(m.Claimed) != 1 || len(m.ByNameAndBirth) != 1 || m.ByNameAndBirth[0] != "c1" {
		t.Errorf("matches %+v", m)
	}
}

func TestListCursorsAreChecked(t *testing.T) {
	stack := localstack.ForTest(t)
	s := store.New(stack.DB(t), stack.Tables(t), clock.NewFixed(now))
	ctx := context.Background()
	for i, id := range []string{"r1", "r2", "r3"} {
		nr := newReferral(id, "c"+id, "k"+id)
		nr.Referral.CreatedAt = now.Add(time.Duration(i) * time.Minute)
		if err := s.CreateReferral(ctx, nr); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.ListReferrals(ctx, store.ListQuery{Status: referral.StatusReceived, Limit: 2})
	if err != nil || len(p.Referrals) != 2 || p.Referrals[0].ID != "r3" || p.Next == "" {
		t.Fatalf("page %+v %v", p, err)
	}
	for _, q := range []store.ListQuery{
		{Cursor: p.Next}, // a received cursor on the all-referrals index
		{Status: referral.StatusClassified, Cursor: p.Next}, // another status
		{Status: referral.StatusReceived, Cursor: "!!"},
		{Status: referral.StatusReceived, Cursor: "e30"}, // {}
	} {
		if _, err := s.ListReferrals(ctx, q); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%+v: %v", q, err)
		}
	}
	p2, err := s.ListReferrals(ctx, store.ListQuery{Status: referral.StatusReceived, Limit: 2, Cursor: p.Next})
	if err != nil || len(p2.Referrals) != 1 || p2.Referrals[0].ID != "r1" {
		t.Fatalf("page 2 %+v %v", p2, err)
	}
}
