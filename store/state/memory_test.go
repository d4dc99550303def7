package state_test

import (
	"testing"
	"time"

	"github.com/pobratim/pobratim/store/state"
	"github.com/pobratim/pobratim/store/state/statetest"
)

// memoryStore is a Memory together with the clock it reads, so that the
// conformance suite can move time forward without waiting.
type memoryStore struct {
	*state.Memory
	*statetest.ManualClock
}

func newManualMemory(t testing.TB) memoryStore {
	c := statetest.NewManualClock(time.Date(2025, 12, 25, 15, 0, 0, 0, time.UTC))
	m := state.NewMemory(c.Now)
	t.Cleanup(func() { m.Close() })
	return memoryStore{m, c}
}

func TestMemory(t *testing.T) {
	statetest.Run(t, func(t *testing.T) statetest.Store { return newManualMemory(t) })
}

// TestMemoryRealClock runs the suite against a Memory on the real clock, as
// the console mode uses it, and shows that the suite's real-time waits (the
// ones it makes for Redis) are long enough.
func TestMemoryRealClock(t *testing.T) {
	statetest.Run(t, func(t *testing.T) statetest.Store {
		m := state.NewMemory(time.Now)
		t.Cleanup(func() { m.Close() })
		return m
	})
}

// TestMemoryAllowExact checks the token bucket's arithmetic to the
// nanosecond, which only a manual clock allows.
func TestMemoryAllowExact(t *testing.T) {
	s := newManualMemory(t)
	ctx := t.Context()
	r := state.Rate{Per: time.Second, Burst: 4} // a token every 250ms
	allow := func(want bool, wantRetry time.Duration) {
		t.Helper()
		ok, retry, err := s.Allow(ctx, "k", r)
		if err != nil || ok != want || retry != wantRetry {
			t.Fatalf("Allow = %v, %v, %v; want %v, %v, nil", ok, retry, err, want, wantRetry)
		}
	}
	for range 4 {
		allow(true, 0)
	}
	allow(false, 250*time.Millisecond)
	s.Advance(249 * time.Millisecond)
	allow(false, time.Millisecond)
	s.Advance(time.Millisecond)
	allow(true, 0)
	allow(false, 250*time.Millisecond)
	// Sustained: one event per interval, forever.
	for range 10 {
		s.Advance(250 * time.Millisecond)
		allow(true, 0)
		allow(false, 250*time.Millisecond)
	}
	// The interval is rounded up to whole microseconds, as Redis counts.
	odd := state.Rate{Per: time.Millisecond, Burst: 3} // 333.333µs
	for range 3 {
		if ok, _, _ := s.Allow(ctx, "odd", odd); !ok {
			t.Fatal("burst of 3 denied")
		}
	}
	if ok, retry, _ := s.Allow(ctx, "odd", odd); ok || retry != 334*time.Microsecond {
		t.Fatalf("Allow after the burst = %v, %v; want false, 334µs", ok, retry)
	}
}

// TestMemoryExactExpiry checks that an entry lives exactly its TTL.
func TestMemoryExactExpiry(t *testing.T) {
	s := newManualMemory(t)
	ctx := t.Context()
	if _, err := s.PutDialog(ctx, 1, state.Dialog{Flow: "f"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.FirstSeen(ctx, "k", time.Minute); !first {
		t.Fatal("FirstSeen of a new key = false")
	}
	s.Advance(time.Minute - time.Nanosecond)
	if _, ok, _ := s.GetDialog(ctx, 1); !ok {
		t.Fatal("dialog gone before its TTL")
	}
	if first, _ := s.FirstSeen(ctx, "k", time.Minute); first {
		t.Fatal("key forgotten before its TTL")
	}
	s.Advance(time.Nanosecond)
	if _, ok, _ := s.GetDialog(ctx, 1); ok {
		t.Fatal("dialog alive at its TTL")
	}
	if first, _ := s.FirstSeen(ctx, "k", time.Minute); !first {
		t.Fatal("key remembered at its TTL")
	}
}
