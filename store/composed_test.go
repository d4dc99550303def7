package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

func TestQueueBroadcastOnceByAudience(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	next := store.Job{Kind: "digest", Key: "digest:2026-04", DueAt: t0.Add(30 * 24 * time.Hour)}
	b := store.Broadcast{Kind: "text", Body: "{}", Audience: "composed:digest:2026-03"}
	entries := []store.OutboxEntry{{RecipientID: 10, Language: "ru"}, {RecipientID: 11, Language: "be"}, {RecipientID: 10}}

	// Two instances run the same job at once: one broadcast, one next job.
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	queued := make([]bool, 2)
	for i := range 2 {
		wg.Go(func() {
			var err error
			ids[i], queued[i], err = db.QueueBroadcastOnce(ctx, b, entries, store.JobChange{Add: []store.Job{next}}, t0)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if queued[0] == queued[1] || ids[0] != ids[1] || ids[0] == 0 {
		t.Fatalf("queued %v, ids %v: want exactly one queued, both naming it", queued, ids)
	}
	got, err := db.Broadcast(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.BroadcastQueued || got.Recipients != 2 || got.QueuedAt.IsZero() || got.AuthorID != 0 {
		t.Fatalf("broadcast %+v", got)
	}
	rows, err := db.OutboxReport(ctx, got.ID)
	if err != nil || len(rows) != 2 || rows[0].Language != "ru" || rows[1].Language != "be" {
		t.Fatalf("outbox %+v, %v", rows, err)
	}
	jobs, err := db.FindJobs(ctx, store.JobFilter{Kinds: []string{"digest"}}, "")
	if err != nil || len(jobs) != 1 || jobs[0].Key != next.Key {
		t.Fatalf("next jobs %+v, %v", jobs, err)
	}
	// Its rows are sent by the worker like any broadcast's.
	claimed, err := db.ClaimOutbox(ctx, "w", t0, time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %+v, %v", claimed, err)
	}

	// Another month is another broadcast; no audience is refused.
	b.Audience = "composed:digest:2026-04"
	if _, ok, err := db.QueueBroadcastOnce(ctx, b, entries, store.JobChange{}, t0); err != nil || !ok {
		t.Fatalf("next month: %v, %v", ok, err)
	}
	b.Audience = ""
	if _, _, err := db.QueueBroadcastOnce(ctx, b, entries, store.JobChange{}, t0); err == nil {
		t.Fatal("a broadcast without an audience to name it was queued once")
	}
}

func TestRecommendPracticeWritesItsJobs(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	p := addPractice(t, db, store.Practice{AuthorID: 5, MunicipalityID: 1, Title: "T", Areas: []string{"tourism"}, Result: "r"}, t0)
	job := store.Job{Kind: "digest", Key: "digest:x", DueAt: t0.Add(time.Hour)}
	if _, err := db.RecommendPractice(ctx, p.ID, 99, true, t0, job); err != nil {
		t.Fatal(err)
	}
	// Again: no change, and the key is unique anyway.
	if _, err := db.RecommendPractice(ctx, p.ID, 99, true, t0, job); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountPendingJobs(ctx); err != nil || n != 1 {
		t.Fatalf("%d pending jobs, %v; want 1", n, err)
	}
	// A failed recommendation writes none.
	bad := store.Job{Kind: "digest", Key: "digest:y", DueAt: t0.Add(time.Hour)}
	if _, err := db.RecommendPractice(ctx, p.ID+100, 99, true, t0, bad); err == nil {
		t.Fatal("recommended a practice that does not exist")
	}
	if n, _ := db.CountPendingJobs(ctx); n != 1 {
		t.Fatalf("%d pending jobs after a failed recommendation", n)
	}
}
