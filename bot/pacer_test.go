package bot

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestPacerKeepsTheRateInEveryWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPacer(25)
		var mu sync.Mutex
		var times []time.Time
		var wg sync.WaitGroup
		start := time.Now()
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					if err := p.Wait(context.Background(), int64(w*1000+i+1), Bulk); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					times = append(times, time.Now())
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		// 400 messages at 25/s: 16 s less the bucket the pacer starts with.
		if took < 15*time.Second || took > 16*time.Second+200*time.Millisecond {
			t.Fatalf("400 bulk messages took %v, want about 16 s", took)
		}
		for i := range times {
			n := 0
			for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
				n++
			}
			if n > 28 {
				t.Fatalf("%d messages within one second from %v", n, times[i].Sub(start))
			}
		}
	})
}

func TestPacerPerChatAndGroupLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPacer(25)
		ctx := context.Background()
		start := time.Now()
		for range 3 {
			p.Wait(ctx, 42, Bulk)
		}
		if d := time.Since(start); d < 2*time.Second {
			t.Fatalf("3 bulk messages to one chat in %v, want ≥ 2 s", d)
		}
		start = time.Now()
		for range 3 {
			p.Wait(ctx, -100, Bulk)
		}
		if d := time.Since(start); d < 6*time.Second {
			t.Fatalf("3 bulk messages to a group in %v, want ≥ 6 s (20 a minute)", d)
		}
		// Interactive replies are not held per chat.
		start = time.Now()
		for range 3 {
			p.Wait(ctx, 43, Interactive)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Fatalf("3 interactive replies took %v", d)
		}
	})
}

func TestPacerInteractiveFirstAndPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPacer(25)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var bulk int
		var mu sync.Mutex
		go func() {
			for i := int64(1); ; i++ {
				if p.Wait(ctx, i, Bulk) != nil {
					return
				}
				mu.Lock()
				bulk++
				mu.Unlock()
			}
		}()
		time.Sleep(2 * time.Second) // bulk traffic saturates the bucket
		start := time.Now()
		for i := range 5 {
			p.Wait(ctx, int64(-i-1), Interactive)
		}
		if d := time.Since(start); d > 300*time.Millisecond {
			t.Fatalf("5 interactive replies under bulk load took %v", d)
		}
		p.Pause(3 * time.Second)
		mu.Lock()
		before := bulk
		mu.Unlock()
		time.Sleep(2900 * time.Millisecond)
		mu.Lock()
		during := bulk - before
		mu.Unlock()
		if during > 0 {
			t.Fatalf("%d bulk messages during a pause", during)
		}
		start = time.Now()
		p.Wait(ctx, 7, Interactive)
		if time.Since(start) > 100*time.Millisecond {
			t.Fatal("a pause held an interactive reply")
		}
		time.Sleep(time.Second)
		mu.Lock()
		after := bulk - before
		mu.Unlock()
		if after == 0 {
			t.Fatal("bulk traffic did not resume after the pause")
		}
		cancel()
		synctest.Wait()
	})
}
