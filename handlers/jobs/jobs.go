// Package jobs runs the jobs features write to the job table in SQLite
// (store.Job): meeting reminders and notices today, broadcast messages
// later. It knows nothing of Telegram; a feature registers a Handler per
// job kind, and the handler does the sending.
//
// # How a job runs
//
// A feature writes a job in the same transaction as the change that causes
// it, with a unique key, so a change and its jobs exist together or not at
// all, and writing a job twice is harmless. The Scheduler sleeps until the
// earliest pending job is due (store.DB.NextJobDue) — one timer, no polling
// — and is woken early by Wake when a feature has written a job that may be
// earlier. When it wakes it takes the scheduler lock, claims the due jobs in
// batches (an UPDATE … RETURNING that leases each job to this instance for
// ClaimLease), runs each job's handler, and records the outcome: done,
// dropped, or pending again after a backoff.
//
// Only one instance runs jobs at a time: the scheduler lock (Lease) is held
// while a round of jobs runs and renewed before each batch; an instance that
// finds it taken looks again after RetryDelay. Instances that share the
// database but not this process are not woken by its Wake; they find new
// jobs at their next wake-up, which is never further away than MaxSleep.
// Even if two instances ran at once, the claim leases would keep them from
// running the same job.
//
// # After downtime
//
// A job that came due while no instance ran is claimed on start like any
// other, and its handler sees by Job.DueAt how late it is: a reminder says
// it is late, or is dropped when the meeting has started. A job whose
// instance died while holding it is claimed again when its lease runs out.
//
// # The crash window
//
// A job is marked done after its handler returned. If the process dies (or
// loses the database) between the moment Telegram accepted a message and
// the moment FinishJob committed, the job is still pending with a lease;
// when the lease runs out it is claimed and run again, and the person
// receives the message twice. The window is the few milliseconds between a
// send returning and one SQLite write; nothing narrower is possible without
// Telegram taking an idempotency key, which the Bot API does not. Every
// other failure — a crash before the send, a send that failed, a restart
// while the job waited — leads to exactly one delivery.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/pobratim/pobratim/store"
)

// Store is the job table.
type Store interface {
	ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Job, error)
	FinishJob(ctx context.Context, id int64, owner string, o store.JobOutcome, now time.Time) error
	NextJobDue(ctx context.Context) (time.Time, bool, error)
}

// Lease is a lock shared by the instances that run jobs from one database;
// *store.Leases and the state store's Redis and Memory implementations are
// ones.
type Lease interface {
	TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	Unlock(ctx context.Context, key, owner string) error
}

// Handler runs one job. It returns nil when the job is done, an error
// wrapping ErrDrop when it must not run again (Drop builds one), or any
// other error to have it retried after a backoff.
type Handler func(ctx context.Context, j store.Job) error

// ErrDrop marks a job that must not run again.
var ErrDrop = errors.New("jobs: dropped")

// Drop returns an error that drops the job, with the reason recorded.
func Drop(reason string) error { return fmt.Errorf("%w: %s", ErrDrop, reason) }

// LockKey is the name of the scheduler lock.
const LockKey = "jobs:scheduler"

// Options tune a Scheduler. Zero values take the defaults noted.
type Options struct {
	Owner       string // this instance's name in leases; default host, pid and random
	Now         func() time.Time
	ClaimLease  time.Duration // how long a claimed job is ours; default 5 min
	LockTTL     time.Duration // the scheduler lock's lease; default 2 min
	MaxSleep    time.Duration // longest sleep between looks at the table; default 1 min
	RetryDelay  time.Duration // wait after the table or the lock failed, or another instance held it; default 5 s
	Batch       int           // jobs claimed at once; default 32
	Workers     int           // jobs run in parallel; default 4
	MaxAttempts int           // runs before a failing job is dropped; default 10
	JobTimeout  time.Duration // per job; default 2 min
	Log         *slog.Logger
}

// Scheduler runs due jobs. Register handlers with Handle, then call Run.
type Scheduler struct {
	st       Store
	lease    Lease
	opts     Options
	log      *slog.Logger
	handlers map[string]Handler
	wake     chan struct{}

	mu    sync.Mutex
	sleep time.Time // when Run looks at the table next; zero while it looks
}

// New returns a Scheduler over st, locking with lease.
func New(st Store, lease Lease, opts Options) *Scheduler {
	if opts.Owner == "" {
		opts.Owner = defaultOwner()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClaimLease <= 0 {
		opts.ClaimLease = 5 * time.Minute
	}
	if opts.LockTTL <= 0 {
		opts.LockTTL = 2 * time.Minute
	}
	if opts.MaxSleep <= 0 {
		opts.MaxSleep = time.Minute
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = 5 * time.Second
	}
	if opts.Batch <= 0 {
		opts.Batch = 32
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.JobTimeout <= 0 {
		opts.JobTimeout = 2 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Scheduler{st: st, lease: lease, opts: opts, log: opts.Log,
		handlers: map[string]Handler{}, wake: make(chan struct{}, 1)}
}

// Handle registers the handler of a job kind. It must be called before Run.
func (s *Scheduler) Handle(kind string, h Handler) { s.handlers[kind] = h }

// Wake makes the scheduler look at the table now, for a job just written
// that may be due before the one it sleeps for. It never blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// WakeFor wakes the scheduler for a job just written that is due at due,
// unless it sleeps until no later than that anyway: a feature that writes
// jobs far ahead, many times a second (forum answers), does not make it
// look at the table each time.
func (s *Scheduler) WakeFor(due time.Time) {
	s.mu.Lock()
	sleep := s.sleep
	s.mu.Unlock()
	if !sleep.IsZero() && !due.Before(sleep) {
		return
	}
	s.Wake()
}

func (s *Scheduler) sleepUntil(t time.Time) {
	s.mu.Lock()
	s.sleep = t
	s.mu.Unlock()
}

// Run runs jobs until ctx ends. Jobs already running then are finished and
// recorded; no new ones are claimed.
func (s *Scheduler) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-s.wake:
		}
		// While a round runs, every WakeFor wakes: the round may have
		// looked at the table before the job was written.
		s.sleepUntil(time.Time{})
		next := s.RunDue(ctx)
		now := s.opts.Now()
		d := next.Sub(now)
		if d > s.opts.MaxSleep {
			d = s.opts.MaxSleep
		}
		if d < 0 {
			d = 0
		}
		s.sleepUntil(now.Add(d))
		timer.Reset(d)
	}
}

// RunDue runs every job that is due now, if this instance gets the
// scheduler lock, and returns when to look again. Run calls it whenever it
// wakes; tests and tools may call it directly instead of Run.
func (s *Scheduler) RunDue(ctx context.Context) time.Time {
	held := false
	defer func() {
		if held {
			if err := s.lease.Unlock(context.WithoutCancel(ctx), LockKey, s.opts.Owner); err != nil {
				s.log.Warn("jobs: release the scheduler lock", "err", err)
			}
		}
	}()
	for ctx.Err() == nil {
		ok, err := s.lease.TryLock(ctx, LockKey, s.opts.Owner, s.opts.LockTTL)
		if err != nil {
			s.log.Error("jobs: take the scheduler lock", "err", err)
			return s.opts.Now().Add(s.opts.RetryDelay)
		}
		if !ok {
			// Another instance is running a round. Look again soon: it may
			// have finished claiming before our job was written, and if it
			// died its lock runs out after LockTTL.
			return s.opts.Now().Add(s.opts.RetryDelay)
		}
		held = true
		now := s.opts.Now()
		batch, err := s.st.ClaimJobs(ctx, s.opts.Owner, now, s.opts.ClaimLease, s.opts.Batch)
		if err != nil {
			s.log.Error("jobs: claim", "err", err)
			return now.Add(s.opts.RetryDelay)
		}
		if len(batch) == 0 {
			break
		}
		s.runBatch(ctx, batch)
	}
	next, ok, err := s.st.NextJobDue(context.WithoutCancel(ctx))
	switch {
	case err != nil:
		s.log.Error("jobs: next due", "err", err)
		return s.opts.Now().Add(s.opts.RetryDelay)
	case !ok:
		return s.opts.Now().Add(s.opts.MaxSleep)
	}
	return next
}

func (s *Scheduler) runBatch(ctx context.Context, batch []store.Job) {
	sem := make(chan struct{}, s.opts.Workers)
	var wg sync.WaitGroup
	for _, j := range batch {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.run(ctx, j)
		}()
	}
	wg.Wait()
}

// run runs one claimed job and records its outcome. A job started is
// finished even when ctx ends: it only bounds claiming.
func (s *Scheduler) run(ctx context.Context, j store.Job) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.JobTimeout)
	defer cancel()
	log := s.log.With("job", j.ID, "kind", j.Kind, "key", j.Key)
	var out store.JobOutcome
	h, known := s.handlers[j.Kind]
	var err error
	if known {
		err = safely(ctx, h, j)
	}
	now := s.opts.Now()
	switch {
	case !known:
		// Perhaps written by a newer version of the bot: keep it for one
		// that knows it.
		log.Warn("jobs: no handler for this kind; will look again in an hour")
		out = store.JobOutcome{State: store.JobPending, RetryAt: now.Add(time.Hour), Note: "no handler"}
	case err == nil:
		out = store.JobOutcome{State: store.JobDone}
	case errors.Is(err, ErrDrop):
		log.Info("jobs: dropped", "reason", err)
		out = store.JobOutcome{State: store.JobDropped, Note: err.Error()}
	case j.Attempts >= s.opts.MaxAttempts:
		log.Error("jobs: failed too often, dropped", "attempts", j.Attempts, "err", err)
		out = store.JobOutcome{State: store.JobDropped, Note: err.Error()}
	default:
		retry := Backoff(j.Attempts)
		log.Warn("jobs: failed, will retry", "attempts", j.Attempts, "in", retry, "err", err)
		out = store.JobOutcome{State: store.JobPending, RetryAt: now.Add(retry), Note: err.Error()}
	}
	if err := s.st.FinishJob(ctx, j.ID, s.opts.Owner, out, now); err != nil {
		// The lease ran out and another instance claimed the job, or it
		// was cancelled while it ran. Either way it is no longer ours.
		log.Warn("jobs: record outcome", "err", err)
	}
}

// safely runs h, turning a panic into an error so that one bad job cannot
// stop the scheduler.
func safely(ctx context.Context, h Handler, j store.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// Backoff is the wait before the next run of a job that failed attempts
// times: 30 s, 1 min, 2 min, … up to 30 min.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < 30*time.Minute; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
