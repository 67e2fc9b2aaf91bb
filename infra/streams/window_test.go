package streams_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/infra/streams"
)

// TestPollHonoursTheBatchingWindow: as on Lambda, a partial batch waits for
// more records until the window has passed, so a burst arrives in full
// batches; RunOnce (tests) never waits.
func TestPollHonoursTheBatchingWindow(t *testing.T) {
	e := setup(t)
	var mu sync.Mutex
	var sizes []int
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		sizes = append(sizes, len(ev.Records))
		return events.DynamoDBEventResponse{}, nil
	}
	seen := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), sizes...)
	}
	ev := e.classify
	ev.BatchSize, ev.MaximumBatchingWindowInSeconds = 10, 1
	c, err := streams.FromTemplate("ClassifyFunction", ev, e.tables.Referrals, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	if c.BatchingWindow != time.Second {
		t.Fatalf("window %v, want the template's 1s", c.BatchingWindow)
	}
	c.PollInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Poll(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor := func(want []int, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for time.Now().Before(deadline) {
			if fmt.Sprint(seen()) == fmt.Sprint(want) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("batches %v, want %v", seen(), want)
	}
	for i := range 3 {
		put(t, e.db, e.tables.Referrals, fmt.Sprintf("REFERRAL#a%d", i), "referral")
	}
	time.Sleep(300 * time.Millisecond)
	if got := seen(); len(got) != 0 {
		t.Fatalf("a partial batch went before the window: %v", got)
	}
	for i := range 7 {
		put(t, e.db, e.tables.Referrals, fmt.Sprintf("REFERRAL#b%d", i), "referral")
	}
	waitFor([]int{10}, 3*time.Second) // full: goes at once
	start := time.Now()
	put(t, e.db, e.tables.Referrals, "REFERRAL#c", "referral")
	waitFor([]int{10, 1}, 5*time.Second) // alone: goes when the window has passed
	if waited := time.Since(start); waited < 800*time.Millisecond {
		t.Errorf("a lone record went after %v, before the 1s window", waited)
	}
}
