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

func TestPartnerFactsRevisionMovesWithWhatRankingUses(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	rev := func() int64 {
		t.Helper()
		n, err := db.Revision(ctx, store.RevisionPartnerFacts)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := time.Now()
	last := rev()
	step := func(what string, moves bool, change func() error) {
		t.Helper()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		n := rev()
		if moved := n != last; moved != moves {
			t.Errorf("%s: revision moved %v, want %v (%d → %d)", what, moved, moves, last, n)
		}
		last = n
	}
	step("a newcomer writes", false, func() error {
		_, _, err := db.TouchMember(ctx, store.Profile{UserID: 1, FirstName: "x"}, now)
		return err
	})
	step("a language is chosen", false, func() error { return db.SetLanguage(ctx, 1, "be", now) })
	step("a member names a municipality", true, func() error { return db.SetMunicipality(ctx, 1, 620127, now) })
	step("the same municipality again", false, func() error { return db.SetMunicipality(ctx, 1, 620127, now) })
	step("an area is declared", true, func() error {
		_, err := db.ToggleArea(ctx, 620127, "culture", 1, now)
		return err
	})
	var id int64
	step("an agreement is added", true, func() error {
		var err error
		id, err = db.AddAgreement(ctx, store.Agreement{Title: "test fixture", Parties: []int64{620127, 498817}}, now)
		return err
	})
	step("it is terminated", true, func() error {
		a, err := db.Agreement(ctx, id)
		if err != nil {
			return err
		}
		a.Status = store.StatusTerminated
		_, err = db.UpdateAgreement(ctx, a, 1, nil, now)
		return err
	})
	step("the member forgets", true, func() error {
		_, err := db.ForgetMember(ctx, 1)
		return err
	})
	if n, err := db.Revision(ctx, "no such thing"); err == nil {
		t.Fatalf("unknown revision: %d, want an error", n)
	}
}
