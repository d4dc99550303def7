package practices

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/store"
)

// The benchmarks search 20,000 SYNTHETIC practices: titles and texts are
// drawn at random from the word lists below, in Russian, Belarusian and
// English, over random municipalities of the real directory. Every
// synthetic title starts with "[synthetic]". They measure the search, not
// the quality of the texts.

const benchPractices = 20_000

var synthWords = map[string][]string{
	"ru": strings.Fields(`туристический маршрут фестиваль музей набережная благоустройство двор парк сквер освещение
		школа детский сад молодёжь спорт стадион волонтёры больница поликлиника реабилитация санаторий предприятие
		экспорт ярмарка инвестиции бизнес инкубатор ферма урожай молоко автобус дорога велосипедные дорожки вокзал
		цифровая платформа открытые данные жители конкурс проектов бренд сувениры ремесло библиотека театр концерт`),
	"be": strings.Fields(`турыстычны маршрут фестываль музей набярэжная добраўпарадкаванне двор парк сквер асвятленне
		школа дзіцячы сад моладзь спорт стадыён валанцёры бальніца паліклініка рэабілітацыя санаторый прадпрыемства
		экспарт кірмаш інвестыцыі бізнес інкубатар ферма ураджай малако аўтобус дарога веласіпедныя дарожкі вакзал
		лічбавая платформа адкрытыя дадзеныя жыхары конкурс праектаў брэнд сувеніры рамяство бібліятэка тэатр канцэрт`),
	"en": strings.Fields(`tourist route festival museum embankment improvement yard park square lighting school
		kindergarten youth sport stadium volunteers hospital clinic rehabilitation sanatorium enterprise export fair
		investment business incubator farm harvest dairy bus road cycling lanes station digital platform open data
		residents project contest brand souvenirs crafts library theatre concert`),
}

func synthText(rng *rand.Rand, lang string, n int) string {
	words := synthWords[lang]
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(out, " ")
}

// benchDir holds the benchmark database; TestMain removes it.
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB is a database with benchPractices synthetic practices, built
// once per process (it takes a while) under the system's temporary
// directory.
var benchDB = sync.OnceValues(func() (*store.DB, error) {
	dir, err := os.MkdirTemp("", "pobratim-practices-bench-")
	if err != nil {
		return nil, err
	}
	benchDir = dir
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return nil, err
	}
	d, err := loadDirectory()
	if err != nil {
		return nil, err
	}
	places := d.Places()
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	langs := []string{"ru", "be", "en"}
	for i := range benchPractices {
		place := places[rng.IntN(len(places))]
		region, _ := d.Region(place.RegionCode)
		lang := langs[rng.IntN(len(langs))]
		areas := []string{partners.Areas[rng.IntN(len(partners.Areas))]}
		if rng.IntN(3) == 0 {
			if a := partners.Areas[rng.IntN(len(partners.Areas))]; a != areas[0] {
				areas = append(areas, a)
			}
		}
		sortAreas(areas)
		p := store.Practice{
			MunicipalityID: place.ID, Country: place.Country, RegionCode: place.RegionCode, Population: place.Population,
			AuthorID: int64(1000 + i), Lang: lang, Areas: areas, ContactOK: true,
			Title:   "[synthetic] " + synthText(rng, lang, 4),
			Problem: synthText(rng, lang, 30), Actions: synthText(rng, lang, 60), Result: synthText(rng, lang, 8),
			Period: "2023–2025",
		}
		p.Terms = practiceTerms(p, place, region)
		created, err := db.CreatePractice(ctx, p, t0.Add(time.Duration(rng.IntN(3*365*24))*time.Hour))
		if err != nil {
			return nil, fmt.Errorf("synthetic practice %d: %w", i, err)
		}
		for a := range rng.IntN(4) {
			if _, err := db.AskAboutPractice(ctx, created.ID, int64(500_000+a), 1, t0); err != nil {
				return nil, err
			}
		}
		if rng.IntN(50) == 0 {
			if _, err := db.RecommendPractice(ctx, created.ID, 1, true, t0); err != nil {
				return nil, err
			}
		}
	}
	return db, nil
})

// benchQuery is one kind of search people make.
type benchQuery struct {
	name string
	text string
	lang string
	f    index.Query
}

func benchQueries(d *directory.Directory) []benchQuery {
	vitebsk := d.Resolve("Vitebsk", 1).Matches[0].Place
	return []benchQuery{
		{name: "all", lang: "ru"},
		{name: "area", lang: "ru", f: index.Query{Area: "tourism"}},
		{name: "area+country+size", lang: "ru", f: index.Query{Area: "urban", Country: "BY", MinPopulation: 20_000, MaxPopulation: 100_000}},
		{name: "region", lang: "ru", f: index.Query{Region: vitebsk.RegionCode}},
		{name: "municipality", lang: "ru", f: index.Query{Municipality: vitebsk.ID}},
		{name: "recommended", lang: "ru", f: index.Query{Recommended: true}},
		{name: "ru one word", text: "фестиваль", lang: "ru"},
		{name: "ru two words", text: "туристический маршрут", lang: "ru"},
		{name: "be two words", text: "добраўпарадкаванне двароў", lang: "be"},
		{name: "en two words", text: "open data", lang: "en"},
		{name: "ru words+area+country", text: "велосипедные дорожки", lang: "ru", f: index.Query{Area: "transport", Country: "RU"}},
		{name: "place name", text: "Витебск", lang: "ru"},
		{name: "ru three words", text: "школа спорт молодёжь", lang: "ru"},
		{name: "no match", text: "квантовый компьютер", lang: "ru"},
	}
}

// BenchmarkSearchPractices runs the search behind /practices — reading
// the words into terms, checking the index is up to date with the records,
// searching it and loading the page of practices from SQLite — over 20,000
// synthetic practices, cycling through the kinds of query, and reports the
// 50th and 99th percentile of one search.
func BenchmarkSearchPractices(b *testing.B) {
	db, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s := &Service{DB: db, Dir: testDirectory(b)}
	loadStart := time.Now()
	if _, err := s.index(ctx); err != nil {
		b.Fatal(err)
	}
	load := time.Since(loadStart)
	queries := benchQueries(testDirectory(b))
	perQuery := make([][]time.Duration, len(queries))
	totals := make([]int, len(queries))
	var all []time.Duration
	for i := 0; b.Loop(); i++ {
		k := i % len(queries)
		q := queries[k]
		start := time.Now()
		f := q.f
		if q.text != "" {
			f.Terms = Terms(q.text, q.lang)
		}
		_, total, err := s.find(ctx, f, 0, pageSize)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		all = append(all, d)
		perQuery[k] = append(perQuery[k], d)
		totals[k] = total
	}
	b.ReportMetric(float64(percentile(all, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(all, 99).Microseconds()), "p99-µs")
	if testing.Verbose() {
		b.Logf("index loaded from SQLite in %v", load.Round(time.Millisecond))
		for k, q := range queries {
			if len(perQuery[k]) > 0 {
				b.Logf("%-24s %6d found  p50 %5d µs  p99 %5d µs  (n=%d)", q.name, totals[k],
					percentile(perQuery[k], 50).Microseconds(), percentile(perQuery[k], 99).Microseconds(), len(perQuery[k]))
			}
		}
	}
}

// BenchmarkPracticesPage is the whole /practices answer for a query:
// storing the search text, searching and rendering the page with its
// buttons.
func BenchmarkPracticesPage(b *testing.B) {
	db, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := loadCatalog()
	if err != nil {
		b.Fatal(err)
	}
	s := &Service{DB: db, Dir: testDirectory(b), Now: func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }}
	if _, err := s.index(context.Background()); err != nil { // the load at start is measured apart
		b.Fatal(err)
	}
	out := &outbox{}
	texts := []string{"туристический маршрут", "добраўпарадкаванне", "open data", "Витебск", "", "фестиваль"}
	var all []time.Duration
	for i := 0; b.Loop(); i++ {
		r := newBenchRequest(out, cat)
		r.Args = texts[i%len(texts)]
		start := time.Now()
		if err := s.Practices(context.Background(), r); err != nil {
			b.Fatal(err)
		}
		all = append(all, time.Since(start))
		if len(out.list) > 1000 {
			out.list = out.list[:0]
		}
	}
	b.ReportMetric(float64(percentile(all, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(all, 99).Microseconds()), "p99-µs")
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func newBenchRequest(out *outbox, cat handlers.Translator) *handlers.Request {
	r := handlers.NewRequest(out, cat)
	r.Log = quiet
	r.ChatID, r.ChatType, r.Lang = 42, "private", "ru"
	r.User = handlers.User{ID: 42}
	r.Member = store.Member{UserID: 42, Role: store.RoleMember, Language: "ru"}
	r.Command = "practices"
	return r
}
