package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

var practiceT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func addPractice(t *testing.T, db *store.DB, p store.Practice, at time.Time) store.Practice {
	t.Helper()
	if p.AuthorID == 0 {
		p.AuthorID = 1
	}
	got, err := db.CreatePractice(context.Background(), p, at)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func ids(list []store.Practice) []int64 {
	out := make([]int64, 0, len(list))
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}

func TestPracticeCreateAndRead(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	p := addPractice(t, db, store.Practice{
		MunicipalityID: 620127, Country: "BY", RegionCode: "BY.07", Population: 366000, AuthorID: 7, Lang: "be",
		Title: "Турыстычны маршрут", Areas: []string{"tourism", "culture"}, Problem: "p", Actions: "a", Result: "+40%",
		Period: "2023–2025", FileKind: store.PracticePhoto, FileID: "AgAD", ContactOK: true, Terms: "турист маршрут",
	}, practiceT0)
	if p.ID == 0 || p.Status != store.PracticePublished || !p.CreatedAt.Equal(practiceT0) || p.Asks != 0 ||
		!slices.Equal(p.Areas, []string{"tourism", "culture"}) || p.FileKind != store.PracticePhoto || !p.ContactOK ||
		p.Recommended || p.Country != "BY" {
		t.Fatalf("created = %+v", p)
	}
	if _, err := db.Practice(ctx, p.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing practice: %v", err)
	}
	if _, err := db.CreatePractice(ctx, store.Practice{MunicipalityID: 1, Title: " "}, practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("empty title: %v", err)
	}
}

func TestPracticeChangesFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	day := 24 * time.Hour
	old := addPractice(t, db, store.Practice{MunicipalityID: 1, Country: "BY", RegionCode: "BY.07", Population: 366000,
		Title: "old", Areas: []string{"tourism"}, Terms: "туризм фестивал"}, practiceT0)
	mid := addPractice(t, db, store.Practice{MunicipalityID: 2, Title: "mid", Terms: "парк"}, practiceT0.Add(10*day))
	fresh := addPractice(t, db, store.Practice{MunicipalityID: 3, Title: "new", Terms: "маршрут"}, practiceT0.Add(20*day))

	changes, err := db.PracticeChanges(ctx, 0)
	if err != nil || len(changes) != 3 {
		t.Fatalf("changes = %+v, %v", changes, err)
	}
	e := changes[0]
	if e.ID != old.ID || e.Terms != "туризм фестивал" || e.Country != "BY" || e.RegionCode != "BY.07" || e.Population != 366000 ||
		!slices.Equal(e.Areas, []string{"tourism"}) || e.Status != store.PracticePublished || e.Seq != 1 {
		t.Fatalf("first change = %+v", e)
	}
	// Newer ranks higher.
	if !(changes[2].Rank > changes[1].Rank && changes[1].Rank > changes[0].Rank) {
		t.Fatalf("ranks not by date: %v %v %v", changes[0].Rank, changes[1].Rank, changes[2].Rank)
	}
	seq, err := db.PracticeSeq(ctx)
	if err != nil || seq != 3 {
		t.Fatalf("seq = %d, %v", seq, err)
	}

	// Asks lift a practice: seven asks count like three months of news.
	for asker := int64(100); asker < 107; asker++ {
		if _, err := db.AskAboutPractice(ctx, old.ID, asker, 9, practiceT0.Add(21*day)); err != nil {
			t.Fatal(err)
		}
	}
	changes, _ = db.PracticeChanges(ctx, seq)
	if len(changes) != 1 || changes[0].ID != old.ID || changes[0].Seq != seq+7 {
		t.Fatalf("changes after asks = %+v", changes)
	}
	if f, _ := db.Practice(ctx, fresh.ID); changes[0].Rank <= f.Rank {
		t.Fatalf("7 asks did not lift the old practice over the new one: %v <= %v", changes[0].Rank, f.Rank)
	}
	if p, _ := db.Practice(ctx, old.ID); p.Asks != 7 {
		t.Fatalf("asks = %d", p.Asks)
	}

	// Hiding is a change too, and the entry says so.
	if _, err := db.HidePractice(ctx, mid.ID, 99, true, "", practiceT0); err != nil {
		t.Fatal(err)
	}
	changes, _ = db.PracticeChanges(ctx, seq+7)
	if len(changes) != 1 || changes[0].ID != mid.ID || changes[0].Status != store.PracticeHidden {
		t.Fatalf("changes after hiding = %+v", changes)
	}

	got, err := db.PracticesByID(ctx, []int64{fresh.ID, 999, old.ID})
	if err != nil || !slices.Equal(ids(got), []int64{fresh.ID, old.ID}) {
		t.Fatalf("by id = %v, %v", ids(got), err)
	}
}

func TestPracticeEditHideWithdrawAndAudit(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	p := addPractice(t, db, store.Practice{MunicipalityID: 1, AuthorID: 7, Title: "t", Areas: []string{"tourism"}, Terms: "туризм"}, practiceT0)
	status := func() string {
		got, err := db.Practice(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	// The author edits: nothing is audited.
	p.Title, p.Terms, p.Areas = "t2", "музей", []string{"culture"}
	got, err := db.UpdatePractice(ctx, p, 7, practiceT0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "t2" || !slices.Equal(got.Areas, []string{"culture"}) {
		t.Fatalf("after edit: %+v", got)
	}
	if changes, _ := db.PracticeChanges(ctx, p.Seq); len(changes) != 1 || changes[0].Terms != "музей" {
		t.Fatalf("edit not among the changes: %+v", changes)
	}

	// A coordinator hides it with a reason, and shows it again.
	if _, err := db.HidePractice(ctx, p.ID, 99, true, "advertising", practiceT0); err != nil {
		t.Fatal(err)
	}
	if status() != store.PracticeHidden {
		t.Fatal("not hidden")
	}
	if _, err := db.HidePractice(ctx, p.ID, 99, true, "", practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("hiding twice: %v", err)
	}
	if _, err := db.AskAboutPractice(ctx, p.ID, 5, 2, practiceT0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("asking about a hidden practice: %v", err)
	}
	if _, err := db.HidePractice(ctx, p.ID, 99, false, "", practiceT0); err != nil {
		t.Fatal(err)
	}
	if status() != store.PracticePublished {
		t.Fatal("not shown again")
	}
	// A coordinator edits someone else's practice: audited.
	p.Title = "t3"
	if _, err := db.UpdatePractice(ctx, p, 99, practiceT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecommendPractice(ctx, p.ID, 99, true, practiceT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WithdrawPractice(ctx, p.ID, 7, practiceT0); err != nil {
		t.Fatal(err)
	}
	if status() != store.PracticeWithdrawn {
		t.Fatal("not withdrawn")
	}
	if _, err := db.WithdrawPractice(ctx, p.ID, 7, practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("withdrawing twice: %v", err)
	}
	if _, err := db.UpdatePractice(ctx, p, 7, practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("editing a withdrawn practice: %v", err)
	}

	entries, err := db.RecentAudit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if e.Subject != p.Subject() || e.Actor != 99 {
			t.Errorf("audit entry %+v", e)
		}
		actions = append(actions, e.Action+":"+e.Detail)
	}
	want := []string{"practice.recommend:", "practice.edit:", "practice.show:", "practice.hide:advertising"}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit = %q, want %q (the author's own edit and withdrawal are not audited)", actions, want)
	}
}

func TestPracticeAsks(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	p := addPractice(t, db, store.Practice{MunicipalityID: 1, Title: "t", Terms: "x"}, practiceT0)
	a, err := db.AskAboutPractice(ctx, p.ID, 5, 2, practiceT0)
	if err != nil || a.Status != "pending" || a.AskerID != 5 || a.AskerMunicipality != 2 {
		t.Fatalf("ask = %+v, %v", a, err)
	}
	if _, err := db.AskAboutPractice(ctx, p.ID, 5, 2, practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second ask: %v", err)
	}
	if _, err := db.AskAboutPractice(ctx, p.ID+1, 5, 2, practiceT0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ask about a missing practice: %v", err)
	}
	got, err := db.AnswerPracticeAsk(ctx, a.ID, 8, true, practiceT0)
	if err != nil || got.Status != "accepted" || got.AnsweredBy != 8 {
		t.Fatalf("answer = %+v, %v", got, err)
	}
	if _, err := db.AnswerPracticeAsk(ctx, a.ID, 9, false, practiceT0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second answer: %v", err)
	}
	if _, err := db.AnswerPracticeAsk(ctx, a.ID+1, 9, false, practiceT0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer to a missing ask: %v", err)
	}
	if p, _ := db.Practice(ctx, p.ID); p.Asks != 1 {
		t.Fatalf("asks = %d", p.Asks)
	}
}

func TestTopPractices(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	day := 24 * time.Hour
	var made []store.Practice
	for i, areas := range [][]string{{"tourism"}, {"urban"}, {"tourism"}, {"tourism", "culture"}} {
		made = append(made, addPractice(t, db, store.Practice{MunicipalityID: 1, Title: "t", Areas: areas, Terms: "x"},
			practiceT0.Add(time.Duration(i)*day)))
	}
	other := addPractice(t, db, store.Practice{MunicipalityID: 2, Title: "t", Areas: []string{"urban"}, Terms: "x"}, practiceT0)
	addPractice(t, db, store.Practice{MunicipalityID: 3, Title: "t", Areas: []string{"urban"}, Terms: "x"}, practiceT0)

	top, err := db.TopPractices(ctx, []int64{1, 2}, []string{"tourism", "culture"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(top[1]); !slices.Equal(got, []int64{made[3].ID, made[2].ID}) || len(top[2]) != 0 || len(top) != 1 {
		t.Fatalf("top in tourism = %v", top)
	}
	top, _ = db.TopPractices(ctx, []int64{1, 2}, nil, 2)
	if !slices.Equal(ids(top[1]), []int64{made[3].ID, made[2].ID}) || !slices.Equal(ids(top[2]), []int64{other.ID}) {
		t.Fatalf("top in any area = %v", top)
	}
}

func TestRecommendedPracticesAndDigestRecipients(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := addPractice(t, db, store.Practice{MunicipalityID: 1, Title: "a", Terms: "x"}, march)
	b := addPractice(t, db, store.Practice{MunicipalityID: 1, Title: "b", Terms: "x"}, march)
	c := addPractice(t, db, store.Practice{MunicipalityID: 1, Title: "c", Terms: "x"}, march)
	db.RecommendPractice(ctx, b.ID, 99, true, march.AddDate(0, 0, 10))
	db.RecommendPractice(ctx, a.ID, 99, true, march.AddDate(0, 0, 20))
	db.RecommendPractice(ctx, c.ID, 99, true, march.AddDate(0, 1, 1)) // April
	got, err := db.RecommendedPractices(ctx, march, march.AddDate(0, 1, 0))
	if err != nil || !slices.Equal(ids(got), []int64{b.ID, a.ID}) {
		t.Fatalf("recommended in March = %v, %v", ids(got), err)
	}
	// Marking again keeps the date; unmarking removes it from the digest.
	db.RecommendPractice(ctx, b.ID, 99, true, march.AddDate(0, 2, 0))
	db.RecommendPractice(ctx, a.ID, 99, false, march.AddDate(0, 2, 0))
	if got, _ := db.RecommendedPractices(ctx, march, march.AddDate(0, 1, 0)); !slices.Equal(ids(got), []int64{b.ID}) {
		t.Fatalf("after changes = %v", ids(got))
	}

	for _, id := range []int64{1, 2, 3} {
		if _, _, err := db.TouchMember(ctx, store.Profile{UserID: id, Language: "ru"}, march); err != nil {
			t.Fatal(err)
		}
	}
	db.SetRole(ctx, 1, store.RoleMember, march)
	db.SetRole(ctx, 2, store.RoleCoordinator, march)
	// 3 stays a newcomer.
	if err := db.SetPracticeDigest(ctx, 2, false, march); err != nil {
		t.Fatal(err)
	}
	rec, err := db.PracticeDigestRecipients(ctx)
	if err != nil || len(rec) != 1 || rec[0].UserID != 1 {
		t.Fatalf("recipients = %+v, %v", rec, err)
	}
	db.SetPracticeDigest(ctx, 2, true, march)
	if rec, _ := db.PracticeDigestRecipients(ctx); len(rec) != 2 {
		t.Fatalf("after opting in again: %d recipients", len(rec))
	}
}

func TestPracticeQueries(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	id, err := db.PracticeQueryID(ctx, "туризм фестиваль", practiceT0)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := db.PracticeQueryID(ctx, "туризм фестиваль", practiceT0.Add(time.Hour))
	if again != id {
		t.Fatalf("same text got ids %d and %d", id, again)
	}
	if text, err := db.PracticeQueryText(ctx, id); err != nil || text != "туризм фестиваль" {
		t.Fatalf("text = %q, %v", text, err)
	}
	// A new text long after drops the old ones.
	if _, err := db.PracticeQueryID(ctx, "парк", practiceT0.Add(100*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PracticeQueryText(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old text kept: %v", err)
	}
}
