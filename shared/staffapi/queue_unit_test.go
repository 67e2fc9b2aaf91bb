package staffapi_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/staffapi"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/store/storetest"
)

type wideScope struct{ cases map[string]bool }

func (w wideScope) ScopeOf(context.Context, auth.Identity) (access.Scope, error) {
	return access.Scope{Cases: w.cases}, nil
}

type auditLog struct{ entries []audit.Entry }

func (a *auditLog) Record(_ context.Context, e audit.Entry) error {
	a.entries = append(a.entries, e)
	return nil
}

// A manager whose team holds more cases than one read takes
// (store.MaxScopeCases) still gets the queue: the shared list kept to
// their rows, without counts, never a row of a case they may not see.
func TestQueueForAManagerOfManyCases(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(storetest.Now)
	st := store.NewMemory(clk)
	for i, id := range []string{"r1", "r2", "r3"} {
		if err := st.CreateReferral(ctx, storetest.NewReferral(id, "c"+id, "k"+id, storetest.Now.Add(0))); err != nil {
			t.Fatal(i, err)
		}
	}
	cases := map[string]bool{"cr2": true}
	for i := range store.MaxScopeCases {
		cases[fmt.Sprintf("other-%d", i)] = true
	}
	aud := &auditLog{}
	svc := staffapi.New(st, nil, aud, wideScope{cases}, clk, ids.Random{Clock: clk})
	p, err := svc.Queue(ctx, staffapi.Actor{Identity: auth.Identity{Subject: "staff-hos", Kind: auth.KindStaff, Roles: []auth.Role{auth.RoleHeadOfService}}}, staffapi.QueueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 1 || p.Groups[0][0].ID != "r2" || p.Counts != nil {
		t.Fatalf("page %+v", p)
	}
	if len(aud.entries) != 1 || len(aud.entries[0].Subjects) != 1 || aud.entries[0].Subjects[0] != "referral:r2" {
		t.Errorf("audit %+v", aud.entries)
	}
}
