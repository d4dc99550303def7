package bot

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// benchRecipients is the size of the benchmark broadcasts:
// POBRATIM_BENCH_RECIPIENTS, 500 by default (10,000 for the figures in
// docs/BENCHMARKS.md).
func benchRecipients() int {
	if n, err := strconv.Atoi(os.Getenv("POBRATIM_BENCH_RECIPIENTS")); err == nil && n > 0 {
		return n
	}
	return 500
}

// runBroadcast sends one broadcast to n members through a real Bot against
// srv and returns how long the sending took from queueing to the last row
// recorded, and the CPU time the process used meanwhile.
func runBroadcast(b *testing.B, srv *telegramtest.Server, opts Options, n int) (time.Duration, time.Duration) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	for i := range n {
		id := int64(1_000_000 + i)
		if _, _, err := db.TouchMember(ctx, store.Profile{UserID: id, FirstName: "M", Language: "ru"}, now); err != nil {
			b.Fatal(err)
		}
		if err := db.SetRole(ctx, id, store.RoleMember, now); err != nil {
			b.Fatal(err)
		}
	}
	catalog, err := locales.Load(testLog)
	if err != nil {
		b.Fatal(err)
	}
	dir, err := loadDirectory()
	if err != nil {
		b.Fatal(err)
	}
	opts.Token, opts.APIURL, opts.Log = "1000:bench", srv.URL(), testLog
	opts.Throttle = state.Rate{Per: time.Second, Burst: 1000}
	bot, err := New(opts, Deps{DB: db, State: state.NewMemory(nil), Catalog: catalog, Directory: dir})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	if err := bot.Prepare(runCtx); err != nil {
		b.Fatal(err)
	}
	go func() { done <- bot.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	bc, err := db.CreateBroadcast(ctx, store.Broadcast{AuthorID: 1, State: store.BroadcastApproval, Body: "Форум регионов Беларуси и России"}, now)
	if err != nil {
		b.Fatal(err)
	}
	rs, err := db.BroadcastRecipients(ctx)
	if err != nil {
		b.Fatal(err)
	}
	entries := make([]store.OutboxEntry, len(rs))
	for i, r := range rs {
		entries[i] = store.OutboxEntry{RecipientID: r.UserID, Language: r.Language}
	}
	cpu0 := cpuTime()
	start := time.Now()
	if err := db.QueueBroadcast(ctx, bc.ID, store.BroadcastApproval, 0, entries, time.Now()); err != nil {
		b.Fatal(err)
	}
	bot.outbox.Wake()
	for {
		c, err := db.OutboxCounts(ctx, bc.ID)
		if err != nil {
			b.Fatal(err)
		}
		if c.Pending == 0 {
			if c.Sent != n {
				b.Fatalf("%d sent of %d: %+v", c.Sent, n, c)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start), cpuTime() - cpu0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBroadcastDefaultRate sends a broadcast at the default rate
// against a fake server that enforces Telegram's limits, and reports how
// far the duration is from n/25 s and how many 429 answers there were.
func BenchmarkBroadcastDefaultRate(b *testing.B) {
	n := benchRecipients()
	for range b.N {
		srv := telegramtest.NewServer(telegramtest.WithRateLimits())
		took, cpu := runBroadcast(b, srv, Options{}, n)
		ideal := time.Duration(float64(n) / DefaultBroadcastRate * float64(time.Second))
		b.ReportMetric(took.Seconds(), "s/broadcast")
		b.ReportMetric(100*(took.Seconds()-ideal.Seconds())/ideal.Seconds(), "%over_ideal")
		b.ReportMetric(float64(srv.TooManyRequests()), "429s")
		b.ReportMetric(float64(n)/took.Seconds(), "msgs/s")
		b.ReportMetric(cpu.Seconds(), "cpu_s")
		srv.Close()
	}
}

// BenchmarkBroadcastPaidRate sends a broadcast at 1000 messages a second
// (paid broadcasts) against a fake server without limits, to show whether
// the sender itself keeps up.
func BenchmarkBroadcastPaidRate(b *testing.B) {
	n := benchRecipients()
	for range b.N {
		srv := telegramtest.NewServer()
		took, cpu := runBroadcast(b, srv, Options{BroadcastRate: 1000, PaidBroadcast: true}, n)
		b.ReportMetric(float64(n)/took.Seconds(), "msgs/s")
		b.ReportMetric(cpu.Seconds()/took.Seconds(), "cpu_cores")
		if got := srv.Calls("sendMessage"); got < n {
			b.Fatalf("%d sendMessage calls for %d recipients", got, n)
		}
		if f := srv.SentTo(1_000_000)[0].Fields["allow_paid_broadcast"]; f != "true" {
			b.Fatalf("allow_paid_broadcast = %q", f)
		}
		srv.Close()
	}
}
