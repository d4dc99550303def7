package agreements

import (
	"context"
	"errors"
	"github.com/pobratim/pobratim/handlers/csvimport"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

var loadDir = sync.OnceValues(directory.Load)

func testDir(t *testing.T) *directory.Directory {
	t.Helper()
	d, err := loadDir()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pobratim.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func placeID(t *testing.T, dir *directory.Directory, q string) int64 {
	t.Helper()
	res := dir.Resolve(q, 1)
	if len(res.Matches) == 0 {
		t.Fatalf("no place %q", q)
	}
	return res.Matches[0].Place.ID
}

const goodCSV = `party_a,party_b,stage,signed_on,title,areas,in_force_on,term,auto_renewal,notice_months
Смоленск,Витебск,agreement,15.05.2019,Соглашение о сотрудничестве,culture;tourism,2019-05-15,5y,yes,6
"Кировск, Мурманская",Orsha,twinning,2021,Побратимство,,,,,
625144,region:BY.07,programme,2023-10-05,Программа,economy,,3,no,
`

func TestImportCSV(t *testing.T) {
	ctx := context.Background()
	dir, db := testDir(t), openDB(t)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	rep, err := ImportCSV(ctx, db, dir, strings.NewReader(goodCSV), now)
	if err != nil || rep.Rows != 3 || len(rep.Errors) != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	smolensk := placeID(t, dir, "Smolensk")
	list, _ := db.AgreementsOf(ctx, smolensk)
	if len(list) != 1 {
		t.Fatalf("Smolensk: %+v", list)
	}
	a := list[0]
	if !slices.Equal(a.Parties, []int64{smolensk, placeID(t, dir, "Vitebsk")}) || a.SignedOn != "2019-05-15" ||
		a.TermMonths != 60 || !a.AutoRenewal || a.NoticeMonths != 6 || a.Origin != store.OriginImport ||
		!slices.Equal(a.Areas, []string{"tourism", "culture"}) {
		t.Fatalf("imported: %+v", a)
	}
	kirovsk := placeID(t, dir, "Кировск, Мурманская")
	if l, _ := db.AgreementsOf(ctx, kirovsk); len(l) != 1 || l[0].Stage != store.StageTwinning || l[0].SignedOn != "2021" {
		t.Fatalf("Kirovsk: %+v", l)
	}
	if l, _ := db.AgreementsOf(ctx, 625144); len(l) != 1 || !slices.Equal(l[0].Regions, []string{"BY.07"}) || l[0].TermMonths != 36 {
		t.Fatalf("Minsk with the Vitebsk Region: %+v", l)
	}
	// Imported agreements are ties for the partner ranking.
	ties, _ := db.Ties(ctx)
	if !slices.Contains(ties[smolensk], placeID(t, dir, "Vitebsk")) {
		t.Fatalf("ties of Smolensk: %v", ties[smolensk])
	}
	// Their deadlines are reminders, written in the same transaction.
	jobs, _ := db.FindJobs(ctx, store.JobFilter{Subject: store.AgreementSubject(a.ID)}, store.JobPending)
	if len(jobs) == 0 {
		t.Fatal("no reminders for the imported agreement")
	}

	// Importing the same file again imports nothing and says why.
	rep, err = ImportCSV(ctx, db, dir, strings.NewReader(goodCSV), now)
	if !errors.Is(err, csvimport.ErrBadRows) || len(rep.Errors) != 3 || !strings.Contains(rep.Errors[0].Reason, "already in the registry") {
		t.Fatalf("second import: %+v, %v", rep, err)
	}
}

func TestImportCSVReportsEveryBadRowAndImportsNothing(t *testing.T) {
	ctx := context.Background()
	dir, db := testDir(t), openDB(t)
	file := `title,party_a,party_b,stage,signed_on,areas
Good,Смоленск,Витебск,agreement,2019,culture
Homonym,Кировск,Витебск,agreement,2019,
Unknown place,Смоленск,Нетакогогорода,agreement,2019,
Same party twice,Смоленск,Smolensk,agreement,2019,
Bad stage,Смоленск,Минск,alliance,2019,
Bad date,Смоленск,Гомель,agreement,31.02.2019,
Bad area,Смоленск,Брест,agreement,2019,space
Only regions,region:BY.07,region:RU.69,agreement,2019,
Missing party,Смоленск,,agreement,2019,
Good,Смоленск,Витебск,agreement,2019,culture
Bad id,999999999,Витебск,agreement,2019,
`
	rep, err := ImportCSV(ctx, db, dir, strings.NewReader(file), time.Now())
	if !errors.Is(err, csvimport.ErrBadRows) || rep.Rows != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	want := map[int]string{
		3:  "names several places",
		4:  "is not in the directory",
		5:  "already a party",
		6:  `stage "alliance"`,
		7:  `signed_on "31.02.2019"`,
		8:  `area "space"`,
		9:  "at least one party must be a municipality",
		10: "party_b is empty",
		11: "the same agreement as line 2",
		12: "is not a directory id",
	}
	got := map[int]string{}
	for _, e := range rep.Errors {
		got[e.Line] = e.Reason
	}
	for line, reason := range want {
		if !strings.Contains(got[line], reason) {
			t.Errorf("line %d: %q, want it to say %q", line, got[line], reason)
		}
	}
	if len(rep.Errors) != len(want) {
		t.Errorf("%d bad rows reported, want %d: %+v", len(rep.Errors), len(want), rep.Errors)
	}
	if list, _ := db.AgreementsOf(ctx, placeID(t, dir, "Smolensk")); len(list) != 0 {
		t.Fatalf("half imported: %+v", list)
	}

	if _, err := ImportCSV(ctx, db, dir, strings.NewReader("party_a,party_b,title\n"), time.Now()); err == nil ||
		!strings.Contains(err.Error(), `"stage"`) {
		t.Fatalf("header without stage: %v", err)
	}
}
