package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

func openTemp(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pobratim.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("schema version = %d, %v; want >= 1", v, err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	if _, _, err := db.TouchMember(ctx, store.Profile{UserID: 7, FirstName: "Anna", Language: "be"}, now); err != nil {
		t.Fatal(err)
	}
	db.Close()

	again, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	v2, _ := again.SchemaVersion(ctx)
	if v2 != v {
		t.Fatalf("version changed on reopen: %d → %d", v, v2)
	}
	m, err := again.Member(ctx, 7)
	if err != nil || m.FirstName != "Anna" {
		t.Fatalf("member after reopen = %+v, %v", m, err)
	}
	if err := again.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTouchMember(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))

	m, created, err := db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "Иван", Language: "ru"}, t0)
	if err != nil || !created {
		t.Fatalf("first touch: created=%v err=%v", created, err)
	}
	if m.Role != store.RoleNewcomer || !m.Reachable || m.Language != "ru" || m.CreatedAt.Location() != time.UTC ||
		!m.CreatedAt.Equal(t0) {
		t.Fatalf("new member = %+v", m)
	}

	// Telegram's language follows the user until they choose one.
	m, created, err = db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "Іван", Language: "be"}, t0.Add(time.Minute))
	if err != nil || created || m.Language != "be" || m.FirstName != "Іван" {
		t.Fatalf("second touch: %+v created=%v err=%v", m, created, err)
	}
	if err := db.SetLanguage(ctx, 1, "en", t0); err != nil {
		t.Fatal(err)
	}
	m, _, _ = db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "Іван", Language: "ru"}, t0)
	if m.Language != "en" || !m.LanguageChosen {
		t.Fatalf("chosen language overwritten: %+v", m)
	}

	// A member who blocked the bot is reachable again once they write.
	if err := db.SetReachable(ctx, 1, false, t0); err != nil {
		t.Fatal(err)
	}
	if m, _ = db.Member(ctx, 1); m.Reachable {
		t.Fatal("still reachable after SetReachable(false)")
	}
	if m, _, _ = db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "Іван", Language: "ru"}, t0); !m.Reachable {
		t.Fatal("not reachable after writing again")
	}
}

func TestMemberErrors(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	if _, err := db.Member(ctx, 42); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Member(missing) = %v, want ErrNotFound", err)
	}
	if err := db.SetRole(ctx, 42, store.RoleAdmin, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetRole(missing) = %v, want ErrNotFound", err)
	}
	db.TouchMember(ctx, store.Profile{UserID: 5}, time.Now())
	if err := db.SetRole(ctx, 5, store.Role("pope"), time.Now()); err == nil {
		t.Fatal("SetRole accepted an unknown role")
	}
}

func TestBackupWhileOpen(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	for i := int64(1); i <= 50; i++ {
		db.TouchMember(ctx, store.Profile{UserID: i, FirstName: "x"}, time.Now())
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if _, err := cp.Member(ctx, 50); err != nil {
		t.Fatalf("backup lacks member 50: %v", err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file succeeded")
	}
}

func TestDataVersionChangesWithEveryCommit(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	v1, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v2, _ := db.DataVersion(ctx); v2 != v1 {
		t.Fatalf("version moved without a write: %d → %d", v1, v2)
	}
	db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "x"}, time.Now())
	v3, _ := db.DataVersion(ctx)
	if v3 == v1 {
		t.Fatal("version did not move after a commit")
	}
	db.ToggleArea(ctx, 1, "culture", 1, time.Now())
	if v4, _ := db.DataVersion(ctx); v4 == v3 {
		t.Fatal("version did not move after a second commit")
	}
}
