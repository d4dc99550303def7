package partners

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// A kept ranking must not outlive the records it was made from: an
// agreement, a declared area or a member added by anyone (another process
// included) shows on the next page.
func TestKeptRankingFollowsTheRecords(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	dir, err := directory.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Dir: dir, DB: db, Now: time.Now}
	vitebsk, ok := dir.ByID(620127)
	if !ok {
		t.Fatal("Vitebsk is not in the directory")
	}
	_, first, total, err := s.rank(ctx, vitebsk, Filter{}, pageSize)
	if err != nil || len(first) != pageSize || total < pageSize {
		t.Fatalf("first ranking: %d of %d, %v", len(first), total, err)
	}
	_, again, _, _ := s.rank(ctx, vitebsk, Filter{}, pageSize)
	if &again[0] != &first[0] {
		t.Fatal("the same ranking was computed again with nothing changed")
	}

	// Test fixture: an agreement with the best suggestion.
	best := first[0].Place.ID
	if _, err := db.AddAgreement(ctx, store.Agreement{Title: "test fixture", Parties: []int64{vitebsk.ID, best}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	partners, after, _, err := s.rank(ctx, vitebsk, Filter{}, pageSize)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(partners, best) {
		t.Errorf("the new partner %d is not listed as a partner: %v", best, partners)
	}
	if after[0].Place.ID == best {
		t.Error("the new partner is still the first suggestion")
	}

	// A filter is part of what is kept.
	_, small, _, _ := s.rank(ctx, vitebsk, Filter{Band: 1}, pageSize)
	for _, sug := range small {
		if sug.Place.Population >= 20_000 {
			t.Fatalf("a kept ranking without the filter was given for one with it: %s, %d", sug.Place.Name("en"), sug.Place.Population)
		}
	}
}
