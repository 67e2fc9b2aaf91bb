package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// ErrExhausted wraps the last error of an operation retried Attempts times.
var ErrExhausted = errors.New("dynamo: retries exhausted")

// Backoff is the one retry policy: at most Attempts tries, sleeping a
// jittered, doubling delay (Base, 2*Base, ... capped at Max; each sleep is
// drawn uniformly from [d/2, 3d/2)) between them, and never sleeping past
// the context's end.
type Backoff struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
	// Jitter returns a number in [0, n); nil means math/rand/v2.
	Jitter func(n int64) int64
}

// DefaultBackoff is the policy for lost races and transaction conflicts:
// 8 tries, 10 ms doubling to 500 ms (about 2 s in all at worst).
var DefaultBackoff = Backoff{Attempts: 8, Base: 10 * time.Millisecond, Max: 500 * time.Millisecond}

// Retry runs op until it returns nil, an error for which retryable is
// false (returned as is), or Attempts tries have failed (the last error,
// wrapped in ErrExhausted). It stops early with ctx's error if ctx ends.
func (b Backoff) Retry(ctx context.Context, retryable func(error) bool, op func(ctx context.Context, attempt int) error) error {
	attempts := max(b.Attempts, 1)
	delay := b.Base
	if delay <= 0 {
		delay = 10 * time.Millisecond
	}
	limit := b.Max
	if limit < delay {
		limit = delay
	}
	jitter := b.Jitter
	if jitter == nil {
		jitter = rand.Int64N
	}
	var err error
	for attempt := 1; ; attempt++ {
		if cerr := ctx.Err(); cerr != nil {
			if err != nil {
				return fmt.Errorf("%w (after: %w)", cerr, err)
			}
			return cerr
		}
		err = op(ctx, attempt)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt >= attempts {
			return fmt.Errorf("%w after %d attempts: %w", ErrExhausted, attempt, err)
		}
		sleep := delay/2 + time.Duration(jitter(int64(delay)))
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (after: %w)", ctx.Err(), err)
		case <-t.C:
		}
		delay = min(delay*2, limit)
	}
}
