package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

func TestAreasToggle(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Now()
	for _, a := range []string{"tourism", "culture", "tourism"} {
		if _, err := db.ToggleArea(ctx, 625665, a, 1, now); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Areas(ctx, 625665)
	if err != nil || !slices.Equal(got, []string{"culture"}) {
		t.Fatalf("areas = %v, %v; want [culture] (tourism toggled twice)", got, err)
	}
	all, _ := db.AllAreas(ctx)
	if len(all) != 1 || !slices.Equal(all[625665], []string{"culture"}) {
		t.Fatalf("all areas = %v", all)
	}
}

func TestAgreementsAndTies(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Now()
	if _, err := db.AddAgreement(ctx, store.Agreement{Parties: []int64{1}}, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("one-party agreement: %v", err)
	}
	db.AddAgreement(ctx, store.Agreement{Title: "A", SignedOn: "2019-05-15", Parties: []int64{1, 2}, Areas: []string{"culture"}}, now)
	db.AddAgreement(ctx, store.Agreement{Title: "B", SignedOn: "2021", Parties: []int64{1, 3}}, now)
	db.AddAgreement(ctx, store.Agreement{Title: "C", Status: "terminated", Parties: []int64{1, 4}}, now)
	list, err := db.AgreementsOf(ctx, 1)
	if err != nil || len(list) != 3 || list[0].Title != "B" || !slices.Equal(list[1].Parties, []int64{1, 2}) {
		t.Fatalf("agreements of 1 = %+v, %v", list, err)
	}
	ties, _ := db.Ties(ctx)
	slices.Sort(ties[1])
	if !slices.Equal(ties[1], []int64{2, 3}) || !slices.Equal(ties[2], []int64{1}) {
		t.Fatalf("ties = %v (a terminated agreement is no tie)", ties)
	}
}

func TestProposalDoubleOptIn(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Now()
	p, err := db.CreateProposal(ctx, 10, 1, 2, now)
	if err != nil || p.Status != "pending" {
		t.Fatalf("create: %+v %v", p, err)
	}
	if _, err := db.CreateProposal(ctx, 11, 1, 2, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second pending proposal: %v, want ErrConflict", err)
	}
	undelivered, _ := db.UndeliveredProposals(ctx, 2, 20)
	if len(undelivered) != 1 {
		t.Fatalf("undelivered = %v", undelivered)
	}
	db.MarkProposalDelivered(ctx, p.ID, 20, now)
	db.MarkProposalDelivered(ctx, p.ID, 20, now)
	if u, _ := db.UndeliveredProposals(ctx, 2, 20); len(u) != 0 {
		t.Fatalf("delivered proposal still undelivered: %v", u)
	}
	if u, _ := db.UndeliveredProposals(ctx, 2, 21); len(u) != 1 {
		t.Fatal("another member of the town did not get the proposal")
	}
	a, err := db.AnswerProposal(ctx, p.ID, 20, true, now)
	if err != nil || a.Status != "accepted" || a.AnsweredBy != 20 {
		t.Fatalf("answer: %+v %v", a, err)
	}
	if _, err := db.AnswerProposal(ctx, p.ID, 21, false, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second answer: %v, want ErrConflict", err)
	}
	if _, err := db.AnswerProposal(ctx, 999, 21, false, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer missing: %v, want ErrNotFound", err)
	}
	if _, err := db.CreateProposal(ctx, 10, 1, 2, now); err != nil {
		t.Fatalf("new proposal after the answer: %v", err)
	}
}

func TestMunicipalityMembers(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Now()
	for id := int64(1); id <= 3; id++ {
		db.TouchMember(ctx, store.Profile{UserID: id}, now)
	}
	db.SetMunicipality(ctx, 1, 625665, now)
	db.SetMunicipality(ctx, 2, 625665, now)
	db.SetReachable(ctx, 2, false, now)
	ms, err := db.MembersOf(ctx, 625665, 0)
	if err != nil || len(ms) != 1 || ms[0].UserID != 1 || ms[0].MunicipalityID != 625665 {
		t.Fatalf("members of = %+v, %v", ms, err)
	}
	counts, _ := db.MemberCounts(ctx)
	if counts[625665] != 2 {
		t.Fatalf("counts = %v", counts)
	}
	if n, err := db.CountMembersOf(ctx, 625665); err != nil || n != 1 {
		t.Fatalf("reachable members counted: %d, %v; want 1", n, err)
	}
	db.SetMunicipality(ctx, 3, 625665, now)
	if ms, _ := db.MembersOf(ctx, 625665, 1); len(ms) != 1 || ms[0].UserID != 1 {
		t.Fatalf("the first member by id: %+v", ms)
	}
	if ms, _ := db.MembersOf(ctx, 625665, 0); len(ms) != 2 {
		t.Fatalf("all reachable members: %+v", ms)
	}
}
