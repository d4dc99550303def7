package partners

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/csvimport"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pobratim.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The rows below are test fixtures: the codes and the "Тестовый" district
// are invented.
func TestImportMunicipalities(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	dir, err := directory.Load()
	if err != nil {
		t.Fatal(err)
	}
	good := "\ufeffcountry,name_ru,name_be,name_en,region,kind,population,lat,lon,oktmo,areas,id\n" +
		"RU,Тестовый муниципальный район,,Testovy District,RU.69,district_centre,12000,54.5,32.1,66600000001,tourism;culture,\n" +
		"BY,,,,,,,,,,education,620127\n"
	rep, err := ImportMunicipalities(ctx, db, dir, strings.NewReader(good), time.Now())
	if err != nil || rep.Rows != 2 {
		t.Fatalf("good file: %+v, %v", rep, err)
	}
	if areas, _ := db.Areas(ctx, -66600000001); !slices.Equal(areas, []string{"culture", "tourism"}) {
		t.Fatalf("areas of the new district = %v", areas)
	}
	if areas, _ := db.Areas(ctx, 620127); !slices.Equal(areas, []string{"education"}) {
		t.Fatalf("areas of Vitebsk = %v", areas)
	}
	all, _ := db.Municipalities(ctx)
	if len(all) != 2 || all[0].TimeZone != "Europe/Moscow" || all[1].NameRU != "Витебск" {
		t.Fatalf("stored registry = %+v", all)
	}

	bad := "country,name_ru,region,kind,population,lat,lon,oktmo,areas,id,time_zone\n" +
		"RU,Другой район,RU.69,town,100,54,32,66600000002,,,\n" + // fine
		"XX,Район,RU.69,town,100,54,32,66600000003,,,\n" + // 3: country
		"RU,Район,Нарния,town,-5,54,32,66600000004,,,\n" + // 4: region, population
		"RU,Район,,village,100,95,32,66600000005,,,\n" + // 5: kind, lat
		"RU,Район,,,100,54,32,,,,\n" + // 6: no code
		"RU,Район,,,100,54,32,66600000006,poetry,,Mars/Base\n" + // 7: area, zone
		"RU,Район,,,,,,,,999999999999,\n" + // 8: id not in the directory
		"RU,Другой район,,,,54,32,66600000002,,,\n" // 9: duplicate of line 2
	rep, err = ImportMunicipalities(ctx, db, dir, strings.NewReader(bad), time.Now())
	if !errors.Is(err, csvimport.ErrBadRows) {
		t.Fatalf("bad file: %v", err)
	}
	lines := map[int]string{}
	for _, e := range rep.Errors {
		lines[e.Line] = e.Reason
	}
	for line, want := range map[int]string{3: "country", 4: "region", 5: "kind", 6: "oktmo", 7: "area", 8: "not in the directory", 9: "line 2"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %d: %q, want a reason about %s", line, lines[line], want)
		}
	}
	if !strings.Contains(lines[4], "population") || !strings.Contains(lines[5], "lat") || !strings.Contains(lines[7], "time_zone") {
		t.Errorf("not every problem of a row reported: %v", lines)
	}
	if _, ok := lines[2]; ok || len(rep.Errors) != 7 {
		t.Errorf("errors = %v", rep.Errors)
	}
	if all, _ := db.Municipalities(ctx); len(all) != 2 {
		t.Fatalf("a bad file imported %d rows", len(all)-2)
	}
}

func TestApplyRegistryMakesImportsFindable(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	dir, err := directory.Load()
	if err != nil {
		t.Fatal(err)
	}
	file := "country,name_ru,name_be,name_en,region,kind,population,lat,lon,oktmo,id\n" +
		"RU,Тестовый муниципальный район,,Testovy District,RU.69,district_centre,12000,54.5,32.1,66600000001,\n" +
		"BY,Витебск,Віцебск,Vitsebsk,,,,,,,620127\n"
	if _, err := ImportMunicipalities(ctx, db, dir, strings.NewReader(file), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := ApplyRegistry(ctx, db, dir); err != nil {
		t.Fatal(err)
	}
	res := dir.Resolve("Тестовый муниципальный район", 1)
	if len(res.Matches) == 0 || res.Matches[0].Place.ID != -66600000001 {
		t.Fatalf("imported district not found: %+v", res)
	}
	if p, _ := dir.ByID(620127); p.NameEN != "Vitsebsk" || p.Population == 0 {
		t.Fatalf("correction not applied: %+v", p)
	}
	// Applying twice (a restart) is fine.
	if err := ApplyRegistry(ctx, db, dir); err != nil {
		t.Fatal(err)
	}
}
