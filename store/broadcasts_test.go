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

func queued(t *testing.T, db *store.DB, recipients ...int64) store.Broadcast {
	t.Helper()
	ctx := context.Background()
	b, err := db.CreateBroadcast(ctx, store.Broadcast{AuthorID: 1, State: store.BroadcastApproval, Body: "<b>Hello</b>"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var entries []store.OutboxEntry
	for _, r := range recipients {
		entries = append(entries, store.OutboxEntry{RecipientID: r, Language: "ru"})
	}
	if err := db.QueueBroadcast(ctx, b.ID, store.BroadcastApproval, 2, entries, t0); err != nil {
		t.Fatal(err)
	}
	b, err = db.Broadcast(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestQueueBroadcastOnceAndUniquePerRecipient(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	b := queued(t, db, 10, 11, 10, 12)
	if b.State != store.BroadcastQueued || b.Recipients != 3 || b.ApprovedBy != 2 {
		t.Fatalf("after queueing: %+v", b)
	}
	err := db.QueueBroadcast(ctx, b.ID, store.BroadcastApproval, 3, []store.OutboxEntry{{RecipientID: 13}}, t0)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second approval: %v, want ErrConflict", err)
	}
	c, err := db.OutboxCounts(ctx, b.ID)
	if err != nil || c.Pending != 3 || c.Total() != 3 {
		t.Fatalf("counts %+v, %v; want 3 pending", c, err)
	}
}

func TestClaimOutboxLeasesAndSkipsPaused(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	b := queued(t, db, 10, 11, 12)
	rows, err := db.ClaimOutbox(ctx, "a", t0, time.Minute, 2)
	if err != nil || len(rows) != 2 || rows[0].RecipientID != 10 || rows[1].RecipientID != 11 {
		t.Fatalf("claim = %+v, %v", rows, err)
	}
	more, _ := db.ClaimOutbox(ctx, "b", t0, time.Minute, 10)
	if len(more) != 1 || more[0].RecipientID != 12 {
		t.Fatalf("second owner claimed %+v, want only 12", more)
	}
	// A lease that ran out is claimed again: its owner died.
	again, _ := db.ClaimOutbox(ctx, "c", t0.Add(2*time.Minute), time.Minute, 10)
	if len(again) != 3 {
		t.Fatalf("after leases ran out: %d rows, want 3", len(again))
	}
	if err := db.FinishOutbox(ctx, rows[0].ID, "a", store.OutboxSent, "", 5, t0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("finish by a lost owner: %v, want ErrConflict", err)
	}
	if err := db.FinishOutbox(ctx, again[0].ID, "c", store.OutboxSent, "", 5, t0); err != nil {
		t.Fatal(err)
	}
	for _, r := range again[1:] {
		if err := db.ReleaseOutbox(ctx, r.ID, "c", t0, false, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetBroadcastState(ctx, b.ID, store.BroadcastPaused, t0, store.BroadcastQueued); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ClaimOutbox(ctx, "d", t0.Add(time.Hour), time.Minute, 10); len(got) != 0 {
		t.Fatalf("claimed %d rows of a paused broadcast", len(got))
	}
	if _, ok, _ := db.NextOutboxDue(ctx); ok {
		t.Fatal("a paused broadcast has a next due row")
	}
	if err := db.SetBroadcastState(ctx, b.ID, store.BroadcastCancelled, t0, store.BroadcastQueued, store.BroadcastPaused); err != nil {
		t.Fatal(err)
	}
	c, _ := db.OutboxCounts(ctx, b.ID)
	if c.Sent != 1 || c.Skipped != 2 || c.Pending != 0 {
		t.Fatalf("after cancel: %+v, want 1 sent, 2 skipped", c)
	}
	if done, _ := db.CompleteBroadcast(ctx, b.ID, t0); done {
		t.Fatal("a cancelled broadcast was completed")
	}
}

func TestCompleteBroadcastExactlyOnce(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	b := queued(t, db, 10, 11)
	rows, _ := db.ClaimOutbox(ctx, "a", t0, time.Minute, 10)
	if done, _ := db.CompleteBroadcast(ctx, b.ID, t0); done {
		t.Fatal("completed with rows pending")
	}
	db.FinishOutbox(ctx, rows[0].ID, "a", store.OutboxSent, "", 1, t0)
	db.FinishOutbox(ctx, rows[1].ID, "a", store.OutboxBlocked, "Forbidden: bot was blocked by the user", 0, t0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := db.CompleteBroadcast(ctx, b.ID, t0); err == nil && ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d callers completed the broadcast, want 1", wins)
	}
	report, _ := db.OutboxReport(ctx, b.ID)
	if len(report) != 2 || report[1].Status != store.OutboxBlocked || report[1].Reason == "" {
		t.Fatalf("report %+v", report)
	}
}

func TestBroadcastRecipientsAndMutes(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	for i, role := range []store.Role{store.RoleNewcomer, store.RoleMember, store.RoleCoordinator, store.RoleMember} {
		id := int64(100 + i)
		db.TouchMember(ctx, store.Profile{UserID: id, Language: "ru"}, t0)
		db.SetRole(ctx, id, role, t0)
	}
	db.SetReachable(ctx, 103, false, t0)
	db.SetMuted(ctx, 101, true, t0)
	rs, err := db.BroadcastRecipients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(len(rs), rs[0].UserID, rs[0].Muted, rs[1].UserID, rs[1].Muted)
	if got != "2 101 true 102 false" {
		t.Fatalf("recipients %s, want verified reachable ones with mutes", got)
	}
	db.SetMuted(ctx, 101, false, t0)
	if m, _ := db.Muted(ctx, 101); m {
		t.Fatal("still muted")
	}
}

func TestForumWaitlistPromotion(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	f, err := db.CreateForum(ctx, store.Forum{Name: "Forum of Regions", City: "Vitebsk",
		StartsOn: time.Date(2027, 6, 26, 0, 0, 0, 0, time.UTC), Sections: []string{"Culture", "Economy"}, Capacity: 2}, t0)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(member int64, a, section string, at time.Time) store.RSVPResult {
		t.Helper()
		res, err := db.AnswerForum(ctx, f.ID, member, a, section, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	answer(1, store.RSVPGoing, "Culture", t0)
	answer(2, store.RSVPGoing, "", t0.Add(time.Minute))
	if r := answer(3, store.RSVPGoing, "", t0.Add(2*time.Minute)); !r.Mine.Waitlisted {
		t.Fatal("third going over capacity 2 was not waitlisted")
	}
	if r := answer(4, store.RSVPGoing, "", t0.Add(3*time.Minute)); !r.Mine.Waitlisted {
		t.Fatal("fourth not waitlisted")
	}
	answer(5, store.RSVPMaybe, "", t0.Add(4*time.Minute))
	// Changing one's section keeps one's place.
	if r := answer(2, store.RSVPGoing, "Economy", t0.Add(5*time.Minute)); r.Mine.Waitlisted || r.Mine.Section != "Economy" {
		t.Fatalf("section change: %+v", r.Mine)
	}
	if _, err := db.AnswerForum(ctx, f.ID, 2, store.RSVPGoing, "Astronomy", t0, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("unknown section: %v", err)
	}
	r := answer(1, store.RSVPNotGoing, "", t0.Add(6*time.Minute))
	if len(r.Promoted) != 1 || r.Promoted[0].MemberID != 3 {
		t.Fatalf("promoted %+v, want member 3 (the earliest waitlisted)", r.Promoted)
	}
	// A waitlisted member who withdraws frees no place.
	if r := answer(4, store.RSVPNotGoing, "", t0.Add(7*time.Minute)); len(r.Promoted) != 0 {
		t.Fatalf("withdrawal from the waitlist promoted %+v", r.Promoted)
	}
	all, _ := db.ForumRSVPs(ctx, f.ID)
	going := 0
	for _, a := range all {
		if a.Answer == store.RSVPGoing && !a.Waitlisted {
			going++
		}
	}
	if going != 2 {
		t.Fatalf("%d going with a place, want 2", going)
	}
	up, _ := db.UpcomingForums(ctx, time.Date(2027, 6, 26, 0, 0, 0, 0, time.UTC))
	if len(up) != 1 || up[0].Sections[1] != "Economy" {
		t.Fatalf("upcoming %+v", up)
	}
	if up, _ := db.UpcomingForums(ctx, time.Date(2027, 6, 27, 0, 0, 0, 0, time.UTC)); len(up) != 0 {
		t.Fatal("a forum that ended is upcoming")
	}
}
