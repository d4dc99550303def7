package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/store"
)

// TestBroadcastSurvivesKill kills the bot process with SIGKILL at about 40%
// of a 2,000-recipient broadcast, starts it again on the same database,
// and counts what the fake Bot API received: every recipient gets the
// announcement, and only the copies in flight at the kill (the crash window
// between a send and its mark, at most one claimed batch) may arrive twice.
func TestBroadcastSurvivesKill(t *testing.T) {
	const recipients, batch = 2000, 8
	dir := t.TempDir()
	bin := filepath.Join(dir, "pobratim")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("build the bot: %v", err)
	}

	// Test fixtures: synthetic members, all verified, all in Vitebsk.
	ctx := context.Background()
	dbPath := filepath.Join(dir, "pobratim.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	const author = 1
	var entries []store.OutboxEntry
	for id := int64(author); id <= recipients; id++ {
		if _, _, err := db.TouchMember(ctx, store.Profile{UserID: id, FirstName: fmt.Sprintf("Synthetic %d", id), Language: "ru"}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRole(ctx, id, store.RoleMember, now); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, store.OutboxEntry{RecipientID: id, Language: "ru", DueAt: now})
	}
	db.SetRole(ctx, author, store.RoleCoordinator, now)
	b, err := db.CreateBroadcast(ctx, store.Broadcast{AuthorID: author, Body: "Форум регионов: регистрация открыта",
		Audience: "all", ProgressChat: author}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueueBroadcast(ctx, b.ID, store.BroadcastApproval, 0, entries, now); err != nil {
		t.Fatal(err)
	}
	db.Close()

	srv := telegramtest.NewServer()
	defer srv.Close()
	var mu sync.Mutex
	copies := map[int64]int{}
	feed, unsubscribe := srv.Subscribe()
	defer unsubscribe()
	go func() {
		for s := range feed {
			if s.Method == "sendMessage" && strings.Contains(s.Text, "Форум регионов") {
				mu.Lock()
				copies[s.ChatID]++
				mu.Unlock()
			}
		}
	}()
	delivered := func() (chats, total int) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range copies {
			chats++
			total += n
		}
		return chats, total
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "run")
		cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN=1000:kill-test", "TELEGRAM_API_URL="+srv.URL(),
			"POBRATIM_DB="+dbPath, "POBRATIM_LISTEN=127.0.0.1:0", "REDIS_URL=",
			"POBRATIM_PAID_BROADCAST=on", "POBRATIM_BROADCAST_RATE=200", "POBRATIM_LOG=json")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	waitFor := func(what string, limit time.Duration, cond func() bool) {
		deadline := time.Now().Add(limit)
		for !cond() {
			if time.Now().After(deadline) {
				chats, total := delivered()
				t.Fatalf("%s not reached within %v: %d chats, %d copies", what, limit, chats, total)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	first := start()
	waitFor("40% delivered", time.Minute, func() bool { _, total := delivered(); return total >= recipients*4/10 })
	if err := first.Process.Kill(); err != nil { // SIGKILL: no drain, no release
		t.Fatal(err)
	}
	first.Wait()
	_, atKill := delivered()
	t.Logf("killed after %d copies", atKill)

	second := start()
	stopped := false
	stopSecond := func() {
		if !stopped {
			stopped = true
			second.Process.Signal(os.Interrupt)
			second.Wait()
		}
	}
	defer stopSecond()
	// Rows claimed by the killed process come back when their lease (two
	// minutes) runs out: wait until every recipient has the announcement and
	// no row is left pending, then stop the bot gracefully and count.
	waitFor("every recipient", 4*time.Minute, func() bool { chats, _ := delivered(); return chats == recipients })
	watch, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	waitFor("an empty outbox", 4*time.Minute, func() bool {
		c, err := watch.OutboxCounts(ctx, b.ID)
		return err == nil && c.Pending == 0
	})
	stopSecond()
	chats, total := delivered()
	twice := 0
	mu.Lock()
	for id, n := range copies {
		if n > 2 || id < 1 || id > recipients {
			t.Errorf("chat %d got %d copies", id, n)
		}
		if n == 2 {
			twice++
		}
	}
	mu.Unlock()
	t.Logf("%d recipients, %d copies, %d twice (in flight at the kill)", chats, total, twice)
	if twice > batch {
		t.Fatalf("%d recipients got the announcement twice; at most one claimed batch (%d) may", twice, batch)
	}

	if err := watch.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	counts, err := watch.OutboxCounts(ctx, b.ID)
	if err != nil || counts.Sent != recipients {
		t.Fatalf("outbox after the restart: %+v, %v", counts, err)
	}
}
