package classify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// ofCase is insert(id) for a referral of the given case.
func ofCase(id, caseID string) events.DynamoDBEventRecord {
	r := insert(id)
	r.Change.NewImage["caseId"] = events.NewStringAttribute(caseID)
	return r
}

// slowStore tracks how many reads run at once and the order of reads.
type slowStore struct {
	*faulty
	mu       sync.Mutex
	now, max int
	order    []string
	delay    time.Duration
}

func (s *slowStore) UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error) {
	s.mu.Lock()
	s.now++
	s.max = max(s.max, s.now)
	s.order = append(s.order, id)
	s.mu.Unlock()
	time.Sleep(s.delay)
	s.mu.Lock()
	s.now--
	s.mu.Unlock()
	return s.faulty.UpdateReferral(ctx, id, fn)
}

func TestCasesAreClassifiedInParallelEachInStreamOrder(t *testing.T) {
	st := &slowStore{faulty: newStore(), delay: 20 * time.Millisecond}
	var recs []events.DynamoDBEventRecord
	for i := range 12 {
		id := fmt.Sprintf("r%02d", i)
		st.add(id, body(t, eligibleFacts, ""), now)
		recs = append(recs, ofCase(id, fmt.Sprintf("case-%d", i%4))) // 4 cases, 3 referrals each
	}
	h := handler(t, st, clock.NewFixed(now))
	start := time.Now()
	if failed := handle(t, h, recs...); len(failed) != 0 {
		t.Fatalf("failures %v", failed)
	}
	if st.max < 2 {
		t.Errorf("at most %d record at a time: cases should go in parallel", st.max)
	}
	if took := time.Since(start); took > 12*st.delay {
		t.Errorf("12 records took %v, no faster than one at a time", took)
	}
	for c := range 4 {
		var got []string
		for _, id := range st.order {
			var n int
			_, _ = fmt.Sscanf(id, "r%02d", &n)
			if n%4 == c {
				got = append(got, id)
			}
		}
		want := []string{fmt.Sprintf("r%02d", c), fmt.Sprintf("r%02d", c+4), fmt.Sprintf("r%02d", c+8)}
		if !slices.Equal(got, want) {
			t.Errorf("case-%d read in order %v, want %v", c, got, want)
		}
	}
	for i := range 12 {
		if n := len(st.saved(fmt.Sprintf("r%02d", i))); n != 1 {
			t.Errorf("r%02d saved %d times", i, n)
		}
	}
}

func TestAFailureHoldsBackTheRestOfItsCaseOnly(t *testing.T) {
	st := newStore()
	for _, id := range []string{"a1", "a2", "b1"} {
		st.add(id, body(t, eligibleFacts, ""), now)
	}
	st.getErr["a1"] = errors.New("store: referral a1: ProvisionedThroughputExceededException")
	h := handler(t, st, clock.NewFixed(now))
	recs := []events.DynamoDBEventRecord{ofCase("a1", "case-a"), ofCase("b1", "case-b"), ofCase("a2", "case-a")}
	failed := handle(t, h, recs...)
	want := []string{recs[0].Change.SequenceNumber, recs[2].Change.SequenceNumber}
	if !slices.Equal(failed, want) {
		t.Fatalf("failures %v, want a1 and a2 (a2 waits for a1: same case)", failed)
	}
	if len(st.saved("a2")) != 0 || len(st.saved("b1")) != 1 {
		t.Error("a2 went before a1, or b1 (another case) was held back")
	}
}
