package mailer_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

type countingSender struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *countingSender) Send(context.Context, outbox.Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.times = append(c.times, time.Now())
	return "id", nil
}

func TestPacedSenderKeepsToItsRateAcrossGoroutines(t *testing.T) {
	inner := &countingSender{}
	p := &mailer.Paced{Sender: inner, Rate: 50} // one every 20ms
	start := time.Now()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { _, _ = p.Send(context.Background(), outbox.Message{}) })
	}
	wg.Wait()
	if took := time.Since(start); took < 170*time.Millisecond {
		t.Errorf("10 sends at 50/s took %v, want at least 180ms", took)
	}
	if len(inner.times) != 10 {
		t.Fatalf("%d sends", len(inner.times))
	}
}

func TestPacedSenderGivesUpWhenTheContextEnds(t *testing.T) {
	p := &mailer.Paced{Sender: &countingSender{}, Rate: 1}
	_, _ = p.Send(context.Background(), outbox.Message{}) // takes the first slot
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Send(ctx, outbox.Message{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the context's", err)
	}
}

// slowDispatcher takes a while per email and tracks how many run at once.
type slowDispatcher struct {
	mu       sync.Mutex
	now, max int
}

func (s *slowDispatcher) Dispatch(context.Context, string) (outbox.Outcome, error) {
	s.mu.Lock()
	s.now++
	s.max = max(s.max, s.now)
	s.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	s.mu.Lock()
	s.now--
	s.mu.Unlock()
	return outbox.OutcomeSent, nil
}

func (s *slowDispatcher) Sweep(context.Context, int) (outbox.SweepResult, error) {
	return outbox.SweepResult{}, nil
}

func TestStreamBatchIsSentConcurrentlyUpToTheLimit(t *testing.T) {
	d := &slowDispatcher{}
	h := mailer.Handler{Dispatcher: d, Concurrency: 4}
	var recs []events.DynamoDBEventRecord
	for i := range 20 {
		recs = append(recs, streamRecord("INSERT", fmt.Sprint(100+i), emailItem(fmt.Sprintf("e%d", i), "pending")))
	}
	resp, err := h.HandleStream(context.Background(), events.DynamoDBEvent{Records: recs})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
	if d.max < 2 || d.max > 4 {
		t.Errorf("%d emails at once, want 2..4", d.max)
	}
}
