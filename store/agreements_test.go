package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

func TestAgreementRoundTripWithJobsInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	in := store.Agreement{
		Title: "Соглашение", Stage: store.StageTwinning, SignedOn: "2019-05-15", InForceOn: "2019-06-01",
		TermMonths: 60, AutoRenewal: true, NoticeMonths: 6, Areas: []string{"tourism", "culture"},
		Parties: []int64{20, 10, 20}, Regions: []string{"BY.07"}, Languages: []string{"ru", "be"},
		Summary: []store.Sentence{{Text: "Стороны сотрудничают.", Clause: "1.1"}},
		Clauses: []store.Sentence{{Text: "Срок пять лет.", Clause: "5.1"}},
		Source:  store.Source{Name: "a.docx", FileID: "F1", Size: 1234, SHA256: "abc"},
		Origin:  store.OriginDocument, AddedBy: 7,
	}
	jobs := func(a store.Agreement) []store.Job {
		return []store.Job{{Kind: "agreement.deadline", Key: "k1", Subject: store.AgreementSubject(a.ID), DueAt: now.Add(time.Hour)}}
	}
	a, err := db.CreateAgreement(ctx, in, jobs, now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Agreement(ctx, a.ID)
	if err != nil || got.Title != "Соглашение" || got.Stage != store.StageTwinning || got.InForceOn != "2019-06-01" ||
		got.TermMonths != 60 || !got.AutoRenewal || got.NoticeMonths != 6 || got.Status != store.StatusInForce ||
		!slices.Equal(got.Parties, []int64{20, 10}) || !slices.Equal(got.Regions, []string{"BY.07"}) ||
		!slices.Equal(got.Languages, []string{"ru", "be"}) || got.Summary[0].Clause != "1.1" || got.Clauses[0].Text != "Срок пять лет." ||
		got.Source != in.Source || got.AddedBy != 7 || got.Revision != 1 || !got.CreatedAt.Equal(now) || !got.UpdatedAt.IsZero() {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	listed, err := db.AgreementsOf(ctx, 10)
	if err != nil || len(listed) != 1 || listed[0].Title != got.Title || !slices.Equal(listed[0].Parties, got.Parties) ||
		!slices.Equal(listed[0].Areas, got.Areas) || listed[0].Summary != nil || listed[0].Clauses != nil {
		t.Fatalf("listed (without texts): %+v, %v", listed, err)
	}
	if j, _ := db.FindJobs(ctx, store.JobFilter{Subject: store.AgreementSubject(a.ID)}, store.JobPending); len(j) != 1 {
		t.Fatalf("jobs: %+v", j)
	}
	if b, err := db.AgreementBySource(ctx, "abc"); err != nil || b.ID != a.ID {
		t.Fatalf("by source: %+v, %v", b, err)
	}
	if _, err := db.AgreementBySource(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown source: %v", err)
	}
	if _, err := db.Agreement(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}

	// The same document again is a conflict, and its jobs are not written.
	dup := in
	dup.Parties = []int64{30, 40}
	if _, err := db.CreateAgreement(ctx, dup, func(store.Agreement) []store.Job {
		return []store.Job{{Kind: "agreement.deadline", Key: "k2", DueAt: now}}
	}, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same document twice: %v", err)
	}
	if j, _ := db.FindJobs(ctx, store.JobFilter{Kinds: []string{"agreement.deadline"}}, ""); len(j) != 1 {
		t.Fatalf("the refused agreement's jobs were written: %+v", j)
	}
	// A region and a municipality are two parties; two regions are not.
	if _, err := db.AddAgreement(ctx, store.Agreement{Regions: []string{"BY.07", "RU.69"}}, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("regions only: %v", err)
	}
}

func TestUpdateAgreementIsCompareAndSetAndReplacesJobs(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	a, err := db.CreateAgreement(ctx, store.Agreement{Title: "A", Parties: []int64{1, 2}}, func(a store.Agreement) []store.Job {
		return []store.Job{{Kind: "agreement.deadline", Key: "old", Subject: store.AgreementSubject(a.ID), DueAt: now.Add(time.Hour)}}
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	edit := a
	edit.Title, edit.Status, edit.Parties = "B", store.StatusTerminated, []int64{1, 3}
	later := now.Add(time.Minute)
	b, err := db.UpdateAgreement(ctx, edit, 42, func(a store.Agreement) []store.Job {
		return []store.Job{{Kind: "agreement.deadline", Key: "new", Subject: store.AgreementSubject(a.ID), DueAt: later}}
	}, later)
	if err != nil || b.Title != "B" || b.Revision != 2 || !slices.Equal(b.Parties, []int64{1, 3}) || !b.UpdatedAt.Equal(later) {
		t.Fatalf("update: %+v, %v", b, err)
	}
	pending, _ := db.FindJobs(ctx, store.JobFilter{Subject: store.AgreementSubject(a.ID)}, store.JobPending)
	if len(pending) != 1 || pending[0].Key != "new" {
		t.Fatalf("jobs after the edit: %+v", pending)
	}
	if audit, _ := db.RecentAudit(ctx, 1); len(audit) != 1 || audit[0].Actor != 42 || audit[0].Action != "edit" {
		t.Fatalf("audit: %+v", audit)
	}
	// An edit made from the first revision lost the race.
	if _, err := db.UpdateAgreement(ctx, edit, 43, nil, later); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale edit: %v", err)
	}
	edit.ID = 999
	if _, err := db.UpdateAgreement(ctx, edit, 43, nil, later); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("edit of nothing: %v", err)
	}
	// A terminated agreement is no tie.
	ties, _ := db.Ties(ctx)
	if len(ties[1]) != 0 {
		t.Fatalf("ties: %v", ties)
	}
}

func TestImportAgreementsIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	now := time.Now()
	_, err := db.ImportAgreements(ctx, []store.Agreement{{Title: "ok", Parties: []int64{1, 2}}, {Title: "bad", Parties: []int64{1}}}, nil, now)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("import with a bad agreement: %v", err)
	}
	if list, _ := db.AgreementsOf(ctx, 1); len(list) != 0 {
		t.Fatalf("half imported: %+v", list)
	}
	list, err := db.ImportAgreements(ctx, []store.Agreement{{Title: "ok", Parties: []int64{1, 2}}}, nil, now)
	if err != nil || len(list) != 1 || list[0].Origin != store.OriginImport {
		t.Fatalf("import: %+v, %v", list, err)
	}
}
