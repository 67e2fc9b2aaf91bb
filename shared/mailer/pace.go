package mailer

import (
	"context"
	"sync"
	"time"

	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// DefaultSendRate is the sends per second one mailer instance allows itself:
// SES's starting production quota (14 a second); raise it with the account's
// quota (Config.SendRate).
const DefaultSendRate = 14

// DefaultConcurrency is how many emails of a stream batch are sent at once.
const DefaultConcurrency = 8

// Paced is a Sender that spaces its sends evenly at Rate a second however
// many goroutines call it, so a concurrent mailer stays within SES's
// sending rate instead of meeting throttling errors and backoff.
type Paced struct {
	Sender outbox.Sender
	Rate   float64 // sends per second; <= 0: unpaced

	mu   sync.Mutex
	slot time.Time // the earliest time the next send may start
}

// Send waits for the next free slot (or ctx) and sends.
func (p *Paced) Send(ctx context.Context, m outbox.Message) (string, error) {
	if p.Rate > 0 {
		p.mu.Lock()
		now := time.Now()
		if p.slot.Before(now) {
			p.slot = now
		}
		wait := p.slot.Sub(now)
		p.slot = p.slot.Add(time.Duration(float64(time.Second) / p.Rate))
		p.mu.Unlock()
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			case <-t.C:
			}
		}
	}
	return p.Sender.Send(ctx, m)
}
