package state

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestMemorySweep checks that expired entries nobody asks for again (most
// dedupe keys) are dropped, so that memory does not grow without bound.
func TestMemorySweep(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 12, 25, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	m := NewMemory(clock)
	ctx := t.Context()
	const n = 1000
	for i := range n {
		key := fmt.Sprint(i)
		if _, err := m.FirstSeen(ctx, key, time.Second); err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Allow(ctx, key, Rate{Per: time.Second, Burst: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.TryLock(ctx, key, "owner", time.Second); err != nil {
			t.Fatal(err)
		}
		if _, err := m.PutDialog(ctx, int64(i), Dialog{Flow: "f"}, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.entries(); got != 4*n {
		t.Fatalf("holding %d entries, want %d", got, 4*n)
	}
	// The long-lived entry must survive the sweep.
	if _, err := m.FirstSeen(ctx, "keep", time.Hour); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Second)
	if err := m.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.entries(); got != 4*n+1 {
		t.Fatalf("holding %d entries before the sweep is due, want %d (sweeps are periodic)", got, 4*n+1)
	}
	advance(sweepEvery)
	if err := m.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.entries(); got != 1 {
		t.Fatalf("holding %d entries after the sweep, want 1", got)
	}
	if first, _ := m.FirstSeen(ctx, "keep", time.Hour); first {
		t.Fatal("the sweep dropped a live entry")
	}
}

func TestRateInterval(t *testing.T) {
	for _, tc := range []struct {
		r    Rate
		want time.Duration
	}{
		{Rate{Per: time.Second, Burst: 1}, time.Second},
		{Rate{Per: time.Minute, Burst: 20}, 3 * time.Second},
		{Rate{Per: time.Millisecond, Burst: 3}, 334 * time.Microsecond},
		{Rate{Per: time.Nanosecond, Burst: 1000}, time.Microsecond},
		{Rate{Per: time.Second, Burst: 30}, 33334 * time.Microsecond},
	} {
		got, err := tc.r.interval()
		if err != nil || got != tc.want {
			t.Errorf("%+v.interval() = %v, %v; want %v", tc.r, got, err, tc.want)
		}
	}
	for _, r := range []Rate{{}, {Per: time.Second}, {Burst: 1}, {Per: -time.Second, Burst: 1}, {Per: time.Second, Burst: -1}} {
		if _, err := r.interval(); err == nil {
			t.Errorf("%+v.interval() accepted", r)
		}
	}
}

func TestMillis(t *testing.T) {
	for in, want := range map[time.Duration]int64{
		time.Nanosecond:           1,
		time.Millisecond:          1,
		time.Millisecond + 1:      2,
		150 * time.Millisecond:    150,
		24 * time.Hour:            86_400_000,
		1500*time.Microsecond - 1: 2,
	} {
		if got := millis(in); got != want {
			t.Errorf("millis(%v) = %d, want %d", in, got, want)
		}
	}
}
