package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

var t0 = time.Date(2026, 12, 24, 12, 0, 0, 0, time.UTC)

func job(key string, due time.Time) store.Job {
	return store.Job{Kind: "test", Key: key, Subject: "thing:1", Recipient: 7, DueAt: due, Payload: `{"k":"` + key + `"}`}
}

func TestAddJobsIsIdempotentByKey(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	n, err := db.AddJobs(ctx, []store.Job{job("a", t0), job("b", t0)}, t0)
	if err != nil || n != 2 {
		t.Fatalf("first add = %d, %v; want 2", n, err)
	}
	n, err = db.AddJobs(ctx, []store.Job{job("a", t0.Add(time.Hour)), job("c", t0)}, t0)
	if err != nil || n != 1 {
		t.Fatalf("second add = %d, %v; want 1 (a exists)", n, err)
	}
	jobs, err := db.FindJobs(ctx, store.JobFilter{}, store.JobPending)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("pending = %d, %v; want 3", len(jobs), err)
	}
	if !jobs[0].DueAt.Equal(t0) || jobs[0].Key != "a" {
		t.Fatalf("job a was overwritten: %+v", jobs[0])
	}
	if _, err := db.AddJobs(ctx, []store.Job{{Kind: "test", DueAt: t0}}, t0); err == nil {
		t.Fatal("a job without a key was accepted")
	}
}

func TestClaimOnlyDueAndUnleased(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	db.AddJobs(ctx, []store.Job{job("late", t0.Add(-time.Minute)), job("now", t0), job("later", t0.Add(time.Hour))}, t0)

	got, err := db.ClaimJobs(ctx, "A", t0, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if keys(got) != "late,now" {
		t.Fatalf("claimed %s, want late,now", keys(got))
	}
	if got[0].Attempts != 1 {
		t.Fatalf("attempts = %d, want 1", got[0].Attempts)
	}
	// Leased: nobody else gets them until the lease ends.
	if again, _ := db.ClaimJobs(ctx, "B", t0.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("B claimed leased jobs %s", keys(again))
	}
	if next, ok, _ := db.NextJobDue(ctx); !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("next due = %v %v, want the end of the lease %v", next, ok, t0.Add(time.Minute))
	}
	// A finishes one; the other's lease runs out (A crashed) and B takes it.
	if err := db.FinishJob(ctx, got[0].ID, "A", store.JobOutcome{State: store.JobDone}, t0); err != nil {
		t.Fatal(err)
	}
	again, _ := db.ClaimJobs(ctx, "B", t0.Add(time.Minute), time.Minute, 10)
	if keys(again) != "now" || again[0].Attempts != 2 {
		t.Fatalf("after the lease ran out B claimed %s (%+v), want now with 2 attempts", keys(again), again)
	}
	// A's late mark must not finish B's claim.
	err = db.FinishJob(ctx, got[1].ID, "A", store.JobOutcome{State: store.JobDone}, t0)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("finish by the old owner: %v, want ErrConflict", err)
	}
	if err := db.FinishJob(ctx, again[0].ID, "B", store.JobOutcome{State: store.JobDone}, t0); err != nil {
		t.Fatal(err)
	}
	// A done job is never claimed again.
	if again, _ := db.ClaimJobs(ctx, "C", t0.Add(24*time.Hour), time.Minute, 10); keys(again) != "later" {
		t.Fatalf("a day later C claimed %s, want later only", keys(again))
	}
}

func TestFinishRetryAndDrop(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	db.AddJobs(ctx, []store.Job{job("r", t0), job("d", t0)}, t0)
	got, _ := db.ClaimJobs(ctx, "A", t0, time.Minute, 10)
	if len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	retryAt := t0.Add(5 * time.Minute)
	if err := db.FinishJob(ctx, got[0].ID, "A", store.JobOutcome{State: store.JobPending, RetryAt: retryAt, Note: "boom"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishJob(ctx, got[1].ID, "A", store.JobOutcome{State: store.JobDropped, Note: "gone"}, t0); err != nil {
		t.Fatal(err)
	}
	if next, ok, _ := db.NextJobDue(ctx); !ok || !next.Equal(retryAt) {
		t.Fatalf("next due = %v, want the retry time %v", next, retryAt)
	}
	if early, _ := db.ClaimJobs(ctx, "A", retryAt.Add(-time.Second), time.Minute, 10); len(early) != 0 {
		t.Fatal("a job was claimed before its retry time")
	}
	dropped, _ := db.FindJobs(ctx, store.JobFilter{}, store.JobDropped)
	if len(dropped) != 1 || dropped[0].Note != "gone" {
		t.Fatalf("dropped = %+v", dropped)
	}
	all, _ := db.FindJobs(ctx, store.JobFilter{}, "")
	if len(all) != 2 {
		t.Fatalf("all jobs = %d, want 2", len(all))
	}
}

func TestNextJobDueEmpty(t *testing.T) {
	db, _ := openTemp(t)
	if _, ok, err := db.NextJobDue(context.Background()); ok || err != nil {
		t.Fatalf("empty table: ok %v, err %v", ok, err)
	}
}

func TestChangeJobsCancelsBySelection(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	jobs := []store.Job{
		{Kind: "remind", Key: "1", Subject: "meeting:1", Recipient: 1, DueAt: t0},
		{Kind: "remind", Key: "2", Subject: "meeting:1", Recipient: 2, DueAt: t0},
		{Kind: "notice", Key: "3", Subject: "meeting:1", Recipient: 2, DueAt: t0},
		{Kind: "remind", Key: "4", Subject: "meeting:2", Recipient: 2, DueAt: t0},
	}
	db.AddJobs(ctx, jobs, t0)
	for _, tc := range []struct {
		cancel store.JobFilter
		left   string
	}{
		{store.JobFilter{Subject: "meeting:1", Kinds: []string{"remind"}}, "3,4"},
		{store.JobFilter{Recipient: 2, Kinds: []string{"remind", "notice"}}, ""},
	} {
		if err := db.ChangeJobs(ctx, store.JobChange{Cancel: tc.cancel}, t0); err != nil {
			t.Fatal(err)
		}
		left, _ := db.FindJobs(ctx, store.JobFilter{}, store.JobPending)
		if keys(left) != tc.left {
			t.Fatalf("after cancelling %+v: %s left, want %s", tc.cancel, keys(left), tc.left)
		}
	}
	// A cancelled key can be written again.
	if n, _ := db.AddJobs(ctx, jobs[:1], t0); n != 1 {
		t.Fatal("a cancelled job's key could not be reused")
	}
}

func TestConcurrentClaimsNeverShareAJob(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	var jobs []store.Job
	for i := range 200 {
		jobs = append(jobs, job(fmt.Sprint(i), t0.Add(-time.Duration(i)*time.Second)))
	}
	db.AddJobs(ctx, jobs, t0)
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprint("w", w)
			for {
				got, err := db.ClaimJobs(ctx, owner, t0, time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					if prev, dup := seen[j.ID]; dup {
						t.Errorf("job %d claimed by %s and %s", j.ID, prev, owner)
					}
					seen[j.ID] = owner
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 200 {
		t.Fatalf("%d jobs claimed, want 200", len(seen))
	}
}

func TestLeases(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := t0
	l := db.Leases(func() time.Time { return now })
	mustLock := func(owner string, want bool) {
		t.Helper()
		ok, err := l.TryLock(ctx, "jobs", owner, time.Minute)
		if err != nil || ok != want {
			t.Fatalf("TryLock(%s) at %v = %v, %v; want %v", owner, now, ok, err, want)
		}
	}
	mustLock("A", true)
	mustLock("B", false)
	now = now.Add(50 * time.Second)
	mustLock("A", true) // renewed until +110 s
	now = now.Add(50 * time.Second)
	mustLock("B", false)
	now = now.Add(11 * time.Second)
	mustLock("B", true) // A's lease ran out
	if err := l.Unlock(ctx, "jobs", "A"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("unlock by a former owner: %v", err)
	}
	if err := l.Unlock(ctx, "jobs", "B"); err != nil {
		t.Fatal(err)
	}
	mustLock("A", true)
}

func keys(jobs []store.Job) string {
	s := ""
	for i, j := range jobs {
		if i > 0 {
			s += ","
		}
		s += j.Key
	}
	return s
}

// BenchmarkSchedulerWake measures what one wake-up of an idle scheduler
// costs with 10,000 reminders pending: a claim that finds nothing due and
// the look-up of the next due time.
func BenchmarkSchedulerWake(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var jobs []store.Job
	for i := range 10000 {
		jobs = append(jobs, job(fmt.Sprint(i), t0.Add(time.Hour+time.Duration(i)*time.Minute)))
	}
	if _, err := db.AddJobs(ctx, jobs, t0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if got, err := db.ClaimJobs(ctx, "bench", t0, time.Minute, 32); err != nil || len(got) != 0 {
			b.Fatal(got, err)
		}
		if _, ok, err := db.NextJobDue(ctx); err != nil || !ok {
			b.Fatal(err)
		}
	}
}
