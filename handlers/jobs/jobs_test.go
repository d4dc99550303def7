package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// countingStore is the real SQLite job table, counting how often the
// scheduler looks at it.
type countingStore struct {
	*store.DB
	claims atomic.Int64
}

func (c *countingStore) ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	c.claims.Add(1)
	return c.DB.ClaimJobs(ctx, owner, now, lease, limit)
}

// bubble runs f in a synctest bubble with a fresh database opened inside it,
// so that the database's goroutines belong to the bubble too.
func bubble(t *testing.T, f func(t *testing.T, db *store.DB)) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "jobs.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		f(t, db)
	})
}

// recorder is a handler that records when each job ran.
type recorder struct {
	mu   sync.Mutex
	runs map[string][]time.Time
	fail map[string]int // key → failures left
}

func newRecorder() *recorder {
	return &recorder{runs: map[string][]time.Time{}, fail: map[string]int{}}
}

func (r *recorder) handle(_ context.Context, j store.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs[j.Key] = append(r.runs[j.Key], time.Now())
	if r.fail[j.Key] > 0 {
		r.fail[j.Key]--
		return errors.New("telegram said no")
	}
	if j.Payload == "drop" {
		return jobs.Drop("not wanted")
	}
	return nil
}

func (r *recorder) times(key string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.runs[key]...)
}

func start(t *testing.T, st jobs.Store, lease jobs.Lease, opts jobs.Options, rec *recorder) (*jobs.Scheduler, func()) {
	opts.Log = quiet
	s := jobs.New(st, lease, opts)
	s.Handle("test", rec.handle)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	return s, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

func add(t *testing.T, db *store.DB, key string, due time.Time, payload string) {
	t.Helper()
	if _, err := db.AddJobs(context.Background(), []store.Job{{Kind: "test", Key: key, DueAt: due, Payload: payload}}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestJobRunsAtItsTimeAndIdleSchedulerSleeps(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		// 10,000 reminders far ahead, and one due in 10 minutes.
		var far []store.Job
		for i := range 10000 {
			far = append(far, store.Job{Kind: "test", Key: fmt.Sprint("far", i), DueAt: t0.Add(48*time.Hour + time.Duration(i)*time.Second)})
		}
		if _, err := db.AddJobs(context.Background(), far, t0); err != nil {
			t.Fatal(err)
		}
		add(t, db, "soon", t0.Add(10*time.Minute), "")
		cs := &countingStore{DB: db}
		rec := newRecorder()
		_, stop := start(t, cs, db.Leases(nil), jobs.Options{MaxSleep: time.Hour}, rec)
		defer stop()

		time.Sleep(10*time.Minute - time.Millisecond)
		synctest.Wait()
		if n := len(rec.times("soon")); n != 0 {
			t.Fatalf("job ran %d times before it was due", n)
		}
		time.Sleep(2 * time.Millisecond)
		synctest.Wait()
		runs := rec.times("soon")
		if len(runs) != 1 || runs[0].Sub(t0) != 10*time.Minute {
			t.Fatalf("job ran at %v, want once at +10m", runs)
		}
		// Idle for a day with 10,000 jobs pending: the scheduler wakes at
		// most once per MaxSleep.
		before := cs.claims.Load()
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if n := cs.claims.Load() - before; n > 25 {
			t.Fatalf("%d claims in an idle day; the scheduler polls", n)
		}
	})
}

func TestWakeForAnEarlierJob(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		add(t, db, "later", t0.Add(time.Hour), "")
		rec := newRecorder()
		s, stop := start(t, db, db.Leases(nil), jobs.Options{MaxSleep: 24 * time.Hour}, rec)
		defer stop()
		time.Sleep(time.Minute)
		synctest.Wait()
		add(t, db, "earlier", t0.Add(5*time.Minute), "")
		s.Wake()
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		if runs := rec.times("earlier"); len(runs) != 1 || runs[0].Sub(t0) != 5*time.Minute {
			t.Fatalf("earlier job ran at %v, want at +5m", runs)
		}
		add(t, db, "now", time.Now(), "")
		s.Wake()
		synctest.Wait()
		if runs := rec.times("now"); len(runs) != 1 {
			t.Fatalf("a job due now ran %d times after Wake", len(runs))
		}
	})
}

// lookCounter counts the scheduler's looks at the table: each takes the lock.
type lookCounter struct {
	jobs.Lease
	mu    sync.Mutex
	looks int
}

func (c *lookCounter) TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	c.mu.Lock()
	c.looks++
	c.mu.Unlock()
	return c.Lease.TryLock(ctx, key, owner, ttl)
}

func (c *lookCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.looks
}

func TestWakeForOnlyWhenEarlierThanTheNextLook(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		add(t, db, "in an hour", t0.Add(time.Hour), "")
		rec := newRecorder()
		lease := &lookCounter{Lease: db.Leases(nil)}
		s, stop := start(t, db, lease, jobs.Options{MaxSleep: 24 * time.Hour}, rec)
		defer stop()
		time.Sleep(time.Minute)
		synctest.Wait()
		before := lease.count()
		for i := range 100 {
			due := t0.Add(2 * time.Hour)
			add(t, db, fmt.Sprintf("later %d", i), due, "")
			s.WakeFor(due)
			synctest.Wait()
		}
		if n := lease.count() - before; n != 0 {
			t.Fatalf("100 jobs due after the next look woke the scheduler %d times", n)
		}
		add(t, db, "earlier", t0.Add(5*time.Minute), "")
		s.WakeFor(t0.Add(5 * time.Minute))
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		if runs := rec.times("earlier"); len(runs) != 1 || runs[0].Sub(t0) != 5*time.Minute {
			t.Fatalf("earlier job ran at %v, want at +5m", runs)
		}
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if runs := rec.times("later 99"); len(runs) != 1 || runs[0].Sub(t0) != 2*time.Hour {
			t.Fatalf("a job that did not wake the scheduler ran at %v, want at +2h", runs)
		}
	})
}

func TestLateJobsRunOnStart(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		add(t, db, "missed", t0.Add(-3*time.Hour), "")
		rec := newRecorder()
		_, stop := start(t, db, db.Leases(nil), jobs.Options{}, rec)
		defer stop()
		synctest.Wait()
		if runs := rec.times("missed"); len(runs) != 1 || !runs[0].Equal(t0) {
			t.Fatalf("missed job ran at %v, want once at start", runs)
		}
	})
}

func TestRetryDropAndUnknownKinds(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Now()
		add(t, db, "flaky", t0, "")
		add(t, db, "unwanted", t0, "drop")
		add(t, db, "hopeless", t0, "")
		if _, err := db.AddJobs(ctx, []store.Job{{Kind: "from-the-future", Key: "x", DueAt: t0}}, t0); err != nil {
			t.Fatal(err)
		}
		rec := newRecorder()
		rec.fail["flaky"] = 2
		rec.fail["hopeless"] = 1000
		_, stop := start(t, db, db.Leases(nil), jobs.Options{MaxAttempts: 3}, rec)
		defer stop()
		time.Sleep(10 * time.Minute)
		synctest.Wait()

		flaky := rec.times("flaky")
		if len(flaky) != 3 || flaky[1].Sub(flaky[0]) != 30*time.Second || flaky[2].Sub(flaky[1]) != time.Minute {
			t.Fatalf("flaky job ran at %v; want 3 runs, 30 s then 1 min apart", flaky)
		}
		if n := len(rec.times("unwanted")); n != 1 {
			t.Fatalf("dropped job ran %d times", n)
		}
		if n := len(rec.times("hopeless")); n != 3 {
			t.Fatalf("failing job ran %d times, want MaxAttempts = 3", n)
		}
		done, _ := db.FindJobs(ctx, store.JobFilter{}, store.JobDone)
		dropped, _ := db.FindJobs(ctx, store.JobFilter{}, store.JobDropped)
		pending, _ := db.FindJobs(ctx, store.JobFilter{}, store.JobPending)
		if len(done) != 1 || len(dropped) != 2 || len(pending) != 1 || pending[0].Kind != "from-the-future" {
			t.Fatalf("done %v, dropped %v, pending %v", done, dropped, pending)
		}
		if !pending[0].DueAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("a job of an unknown kind is due again at %v, want in an hour", pending[0].DueAt)
		}
	})
}

func TestExpiredClaimIsRunAgain(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Now()
		add(t, db, "orphan", t0, "")
		// An instance claims the job and dies before finishing it.
		if got, _ := db.ClaimJobs(ctx, "dead", t0, 5*time.Minute, 10); len(got) != 1 {
			t.Fatal("could not claim")
		}
		rec := newRecorder()
		_, stop := start(t, db, db.Leases(nil), jobs.Options{}, rec)
		defer stop()
		time.Sleep(5*time.Minute - time.Millisecond)
		synctest.Wait()
		if n := len(rec.times("orphan")); n != 0 {
			t.Fatal("a job was run while another instance held it")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if runs := rec.times("orphan"); len(runs) != 1 || runs[0].Sub(t0) != 5*time.Minute {
			t.Fatalf("orphaned job ran at %v, want once when the lease ran out", runs)
		}
	})
}

// exclusive is a handler that fails the test when two schedulers run jobs
// at the same time.
type exclusive struct {
	rec    *recorder
	active atomic.Int32
	t      *testing.T
}

func (e *exclusive) handle(ctx context.Context, j store.Job) error {
	if e.active.Add(1) > 1 {
		e.t.Errorf("two instances run jobs at once (job %s)", j.Key)
	}
	time.Sleep(time.Second) // a slow send
	e.active.Add(-1)
	return e.rec.handle(ctx, j)
}

func TestOnlyOneInstanceRunsJobs(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		var all []store.Job
		for i := range 40 {
			all = append(all, store.Job{Kind: "test", Key: fmt.Sprint(i), DueAt: t0.Add(time.Duration(i%4) * time.Minute)})
		}
		db.AddJobs(context.Background(), all, t0)
		rec := newRecorder()
		ex := &exclusive{rec: rec, t: t}
		var stops []func()
		for i := range 3 {
			s := jobs.New(db, db.Leases(nil), jobs.Options{Owner: fmt.Sprint("instance", i), Workers: 1, Log: quiet})
			s.Handle("test", ex.handle)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { s.Run(ctx); close(done) }()
			stops = append(stops, func() { cancel(); <-done })
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		for _, stop := range stops {
			stop()
		}
		for _, j := range all {
			if n := len(rec.times(j.Key)); n != 1 {
				t.Errorf("job %s ran %d times", j.Key, n)
			}
		}
	})
}

func TestShutdownFinishesTheRunningJob(t *testing.T) {
	bubble(t, func(t *testing.T, db *store.DB) {
		t0 := time.Now()
		add(t, db, "slow", t0, "")
		started := make(chan struct{})
		s := jobs.New(db, db.Leases(nil), jobs.Options{Log: quiet})
		s.Handle("test", func(ctx context.Context, j store.Job) error {
			close(started)
			time.Sleep(3 * time.Second)
			return nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		<-started
		cancel()
		<-done
		if got, _ := db.FindJobs(context.Background(), store.JobFilter{}, store.JobDone); len(got) != 1 {
			t.Fatal("the job running at shutdown was not recorded as done")
		}
		// The lock is released for the next instance.
		if ok, _ := db.Leases(nil).TryLock(context.Background(), jobs.LockKey, "next", time.Minute); !ok {
			t.Fatal("the scheduler lock is still held after shutdown")
		}
	})
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {7, 30 * time.Minute}, {50, 30 * time.Minute}} {
		if got := jobs.Backoff(tc.attempts); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.attempts, got, tc.want)
		}
	}
}
