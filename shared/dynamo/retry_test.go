package dynamo_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

var errAgain = errors.New("again")

func again(err error) bool { return errors.Is(err, errAgain) }

func TestRetryIsBounded(t *testing.T) {
	b := dynamo.Backoff{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond}
	calls := 0
	err := b.Retry(context.Background(), again, func(context.Context, int) error { calls++; return errAgain })
	if calls != 3 || !errors.Is(err, dynamo.ErrExhausted) || !errors.Is(err, errAgain) {
		t.Errorf("calls %d, err %v: want 3 calls and ErrExhausted wrapping the last error", calls, err)
	}
}

func TestRetryStopsOnSuccessAndOnFinalErrors(t *testing.T) {
	b := dynamo.Backoff{Attempts: 5, Base: time.Millisecond}
	calls := 0
	err := b.Retry(context.Background(), again, func(_ context.Context, attempt int) error {
		calls++
		if attempt < 2 {
			return errAgain
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Errorf("calls %d err %v, want success on the 2nd", calls, err)
	}
	final := errors.New("final")
	calls = 0
	err = b.Retry(context.Background(), again, func(context.Context, int) error { calls++; return final })
	if calls != 1 || err != final { //nolint:errorlint // returned as is
		t.Errorf("calls %d err %v, want the final error at once", calls, err)
	}
}

func TestRetryHonoursTheContext(t *testing.T) {
	b := dynamo.Backoff{Attempts: 100, Base: time.Hour, Max: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := b.Retry(ctx, again, func(context.Context, int) error { return errAgain })
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, errAgain) {
		t.Errorf("err %v, want the deadline and the last error", err)
	}
	if time.Since(start) > time.Second {
		t.Error("slept past the context's end")
	}
}

func TestRetryJitterStaysInItsWindow(t *testing.T) {
	var delays []int64
	b := dynamo.Backoff{Attempts: 5, Base: 8 * time.Millisecond, Max: 16 * time.Millisecond,
		Jitter: func(n int64) int64 { delays = append(delays, n); return 0 }}
	_ = b.Retry(context.Background(), again, func(context.Context, int) error { return errAgain })
	want := []int64{int64(8 * time.Millisecond), int64(16 * time.Millisecond), int64(16 * time.Millisecond), int64(16 * time.Millisecond)}
	if len(delays) != len(want) {
		t.Fatalf("jitter drawn %d times, want %d", len(delays), len(want))
	}
	for i := range want {
		if delays[i] != want[i] {
			t.Errorf("delay %d window %d, want %d (doubling, capped)", i, delays[i], want[i])
		}
	}
}

func TestStampsAreFixedWidthAndSortInTimeOrder(t *testing.T) {
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("BST", 3600))
	times := []time.Time{base, base.Add(time.Nanosecond), base.Add(100 * time.Millisecond), base.Add(time.Second)}
	prev := ""
	for _, tm := range times {
		s := dynamo.Stamp(tm)
		if len(s) != dynamo.StampWidth || !dynamo.IsStamp(s) {
			t.Errorf("stamp %q is not fixed width", s)
		}
		if s <= prev {
			t.Errorf("%q sorts before %q", s, prev)
		}
		prev = s
		back, err := dynamo.ParseStamp(s)
		if err != nil || !back.Equal(tm) {
			t.Errorf("ParseStamp(%q) = %v, %v", s, back, err)
		}
	}
	if old, err := dynamo.ParseStamp("2026-11-23T10:00:00.1Z"); err != nil || old.Nanosecond() != 1e8 {
		t.Errorf("earlier RFC 3339 layout not read: %v %v", old, err)
	}
	if dynamo.IsStamp("2026-11-23T10:00:00Z") {
		t.Error("RFC 3339 taken for a stamp")
	}
}

func TestTablesFromGetenv(t *testing.T) {
	env := map[string]string{"CASES_TABLE": "c", "REFERRALS_TABLE": "r"}
	tb := dynamo.TablesFrom(func(k string) string { return env[k] })
	if tb.Cases != "c" || tb.Referrals != "r" || tb.Rota != "" {
		t.Errorf("tables %+v", tb)
	}
	if err := tb.Require(dynamo.EnvCases, dynamo.EnvReferrals); err != nil {
		t.Error(err)
	}
	if err := tb.Require(dynamo.EnvCases, dynamo.EnvRota, dynamo.EnvAudit); err == nil || err.Error() != "dynamo: ROTA_TABLE, AUDIT_TABLE must be set" {
		t.Errorf("err %v", err)
	}
}

func TestKeysAreTyped(t *testing.T) {
	k := dynamo.Key{PK: "CASE#1", SK: "CASE"}
	if got := dynamo.KeyOf(k.Attrs()); got != k {
		t.Errorf("KeyOf(Attrs) = %+v", got)
	}
	// Distinct named types are not assignable to each other: a sort key
	// cannot be passed where a partition key is expected (or a bare string
	// variable for either).
	pk, sk := reflect.TypeOf(k.PK), reflect.TypeOf(k.SK)
	str := reflect.TypeOf("")
	if pk.AssignableTo(sk) || sk.AssignableTo(pk) || str.AssignableTo(pk) || str.AssignableTo(sk) {
		t.Error("partition and sort keys are interchangeable")
	}
}
