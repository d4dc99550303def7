package state_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store/state"
	"github.com/pobratim/pobratim/store/state/statetest"
)

// benchStores runs bench against each store: Memory on the real clock, and
// Redis at REDIS_URL (or the local default).
func benchStores(b *testing.B, bench func(b *testing.B, s statetest.Store)) {
	b.Run("memory", func(b *testing.B) {
		m := state.NewMemory(time.Now)
		b.Cleanup(func() { m.Close() })
		bench(b, m)
	})
	b.Run("redis", func(b *testing.B) {
		s, _ := newRedis(b)
		bench(b, s)
	})
}

func benchDialog() state.Dialog {
	return state.Dialog{
		Flow: "meeting.new",
		Step: "time",
		Data: map[string]string{"city": "Віцебск", "partner": "Смоленск", "date": "2025-12-25"},
	}
}

// BenchmarkPutDialog measures one dialog step: a compare-and-set update of
// the same chat's dialog, one after another.
func BenchmarkPutDialog(b *testing.B) {
	benchStores(b, func(b *testing.B, s statetest.Store) {
		ctx := b.Context()
		d := benchDialog()
		for b.Loop() {
			got, err := s.PutDialog(ctx, 1, d, time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			d = got
		}
	})
}

// BenchmarkPutDialogParallel measures dialog steps of many chats at once.
func BenchmarkPutDialogParallel(b *testing.B) {
	benchStores(b, func(b *testing.B, s statetest.Store) {
		ctx := b.Context()
		var chats atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			chat := chats.Add(1)
			d := benchDialog()
			for pb.Next() {
				got, err := s.PutDialog(ctx, chat, d, time.Hour)
				if err != nil {
					b.Error(err)
					return
				}
				d = got
			}
		})
	})
}

// BenchmarkAllow measures the per-user throttle, one user after another.
func BenchmarkAllow(b *testing.B) {
	benchStores(b, func(b *testing.B, s statetest.Store) {
		ctx := b.Context()
		r := state.Rate{Per: time.Second, Burst: 30}
		i := 0
		for b.Loop() {
			i++
			if _, _, err := s.Allow(ctx, "user:"+strconv.Itoa(i%1000), r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAllowParallel measures the per-user throttle under concurrent
// updates.
func BenchmarkAllowParallel(b *testing.B) {
	benchStores(b, func(b *testing.B, s statetest.Store) {
		ctx := b.Context()
		r := state.Rate{Per: time.Second, Burst: 30}
		var workers atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			key := "user:" + strconv.FormatInt(workers.Add(1), 10)
			for pb.Next() {
				if _, _, err := s.Allow(ctx, key, r); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
