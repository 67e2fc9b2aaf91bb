package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/store/storetest"
)

var now = storetest.Now

// queued is one referral of the queue tests: its meeting ("" none) and
// the status it ends in.
type queued struct {
	id, meeting string
	status      referral.Status
}

func seedQueue(t *testing.T, s *store.Store, rs []queued) {
	t.Helper()
	ctx := context.Background()
	for i, q := range rs {
		nr := storetest.NewReferral(q.id, "c-"+q.id, "k-"+q.id, now.Add(time.Duration(i)*time.Minute))
		nr.Referral.Body.AgencyReference = "REF-" + q.id
		nr.Referral.Body.Person.Identifiers = referral.Identifiers{}
		if q.meeting == "" {
			nr.Referral.Body.MeetingInvitation = nil
		} else {
			m := *nr.Referral.Body.MeetingInvitation
			d, err := civil.Parse(q.meeting)
			if err != nil {
				t.Fatal(err)
			}
			m.Date = d
			nr.Referral.Body.MeetingInvitation = &m
		}
		if err := s.CreateReferral(ctx, nr); err != nil {
			t.Fatal(err)
		}
		if q.status != referral.StatusReceived {
			if _, err := s.UpdateReferral(ctx, q.id, func(r *store.Referral) (store.ReferralEffects, error) {
				r.Status = q.status
				return store.ReferralEffects{}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func readAll(t *testing.T, s *store.Store, q store.ListQuery) (ids []string, pages int) {
	t.Helper()
	for {
		p, err := s.ListReferrals(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(p.Referrals) == 0 {
			t.Fatalf("page %d is empty (a Next link led nowhere)", pages)
		}
		if len(p.Referrals) > q.Limit {
			t.Fatalf("page %d has %d rows, limit %d", pages, len(p.Referrals), q.Limit)
		}
		for _, r := range p.Referrals {
			ids = append(ids, r.ID)
		}
		if p.Next == "" {
			return ids, pages
		}
		q.Cursor = p.Next
	}
}

// The queue is most urgent first across every shard and every page:
// overdue and soonest meetings first, then open referrals without a
// meeting (longest waiting first), then decided ones (newest first); the
// counters follow every status change; no row is lost or doubled between
// pages.
func TestQueueOrderAcrossShardsPagesAndCounts(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	tables := stack.Tables(t)
	s := store.New(db, tables, clock.NewFixed(now))
	var rs []queued
	// 23 referrals: meetings out of order, some without, some decided.
	meetings := []string{"2026-12-20", "2026-11-30", "", "2026-12-01", "2026-11-20", "", "2027-01-05", "2026-12-01", "2026-12-03", "", "2026-12-02"}
	for i := range 23 {
		st := referral.StatusClassified
		switch i % 7 {
		case 3:
			st = referral.StatusAccepted
		case 5:
			st = referral.StatusReceived
		}
		rs = append(rs, queued{id: fmt.Sprintf("r%02d", i), meeting: meetings[i%len(meetings)], status: st})
	}
	seedQueue(t, s, rs)

	wantOrder := func(status referral.Status) []string {
		var want []store.Summary
		for i, q := range rs {
			if status != "" && q.status != status {
				continue
			}
			want = append(want, store.Summary{ID: q.id, Status: q.status, MeetingDate: q.meeting, MeetingTime: map[bool]string{true: "10:00"}[q.meeting != ""], CreatedAt: now.Add(time.Duration(i) * time.Minute)})
		}
		store.SortByUrgency(want)
		ids := make([]string, len(want))
		for i, w := range want {
			ids[i] = w.ID
		}
		return ids
	}
	for _, tc := range []struct {
		status referral.Status
		limit  int
	}{{"", 5}, {"", 100}, {referral.StatusClassified, 4}, {referral.StatusClassified, 1}, {referral.StatusAccepted, 2}} {
		t.Run(fmt.Sprintf("%s/%d", tc.status, tc.limit), func(t *testing.T) {
			got, pages := readAll(t, s, store.ListQuery{Status: tc.status, Limit: tc.limit})
			want := wantOrder(tc.status)
			if !slices.Equal(got, want) {
				t.Fatalf("order\n got %v\nwant %v", got, want)
			}
			if wantPages := (len(want) + tc.limit - 1) / tc.limit; pages != wantPages {
				t.Errorf("%d pages, want %d", pages, wantPages)
			}
		})
	}
	// First the two overdue meetings (2026-11-20, older referral first),
	// then the soonest (2026-11-30); accepted referrals after every open one.
	all := wantOrder("")
	if !slices.Equal(all[:3], []string{"r04", "r15", "r01"}) || all[len(all)-1] != "r03" {
		t.Errorf("most urgent first: %v", all[:3])
	}

	// The referrals are spread over more than one partition of each index.
	shards := map[string]bool{}
	for _, q := range rs {
		out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(tables.Referrals),
			Key: dynamo.Key{PK: dynamo.PK("REFERRAL#" + q.id), SK: "REFERRAL"}.Attrs()})
		if err != nil {
			t.Fatal(err)
		}
		shards[out.Item["gsi1pk"].(*types.AttributeValueMemberS).Value] = true
	}
	if len(shards) < 2 {
		t.Errorf("every referral in one partition: %v", shards)
	}

	counts, err := s.QueueCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[referral.Status]int{}
	for _, q := range rs {
		want[q.status]++
	}
	for _, st := range referral.Statuses {
		if counts[st] != want[st] {
			t.Errorf("count of %s: %d, want %d", st, counts[st], want[st])
		}
	}
	// A decision moves one from classified to declined.
	if _, err := s.UpdateReferral(context.Background(), "r00", func(r *store.Referral) (store.ReferralEffects, error) {
		r.Status = referral.StatusDeclined
		return store.ReferralEffects{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	counts, _ = s.QueueCounts(context.Background())
	if counts[referral.StatusClassified] != want[referral.StatusClassified]-1 || counts[referral.StatusDeclined] != 1 {
		t.Errorf("counts after a decline: %v", counts)
	}
	// A cursor of one list is refused on another, and a forged one too.
	p, _ := s.ListReferrals(context.Background(), store.ListQuery{Status: referral.StatusClassified, Limit: 2})
	for _, q := range []store.ListQuery{{Cursor: p.Next}, {Status: referral.StatusAccepted, Cursor: p.Next}, {Status: referral.StatusClassified, Cursor: "!!"}, {Status: referral.StatusClassified, Cursor: "e30"}} {
		if _, err := s.ListReferrals(context.Background(), q); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%+v: %v", q, err)
		}
	}
}
