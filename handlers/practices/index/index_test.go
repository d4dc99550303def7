package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

func sample() *Index {
	x := New()
	for _, d := range []Doc{
		{ID: 1, Municipality: 10, Country: "BY", Region: "BY.07", Population: 340_000, Areas: []string{"tourism", "culture"}, Rank: 5, Keys: []string{"туристичн", "маршрут", "шагал"}},
		{ID: 2, Municipality: 20, Country: "RU", Region: "RU.69", Population: 330_000, Areas: []string{"urban"}, Rank: 3, Keys: []string{"благаустрайств", "набережн"}},
		{ID: 3, Municipality: 30, Country: "RU", Region: "RU.60", Population: 9_000, Areas: []string{"tourism", "urban"}, Rank: 9, Recommended: true, Keys: []string{"туристическ", "маршрут", "парк"}},
		{ID: 4, Municipality: 10, Country: "BY", Region: "BY.07", Population: 340_000, Areas: []string{"education"}, Rank: 5, Keys: []string{"школ", "музей"}},
	} {
		x.Put(d)
	}
	return x
}

func TestSearch(t *testing.T) {
	x := sample()
	for _, tc := range []struct {
		name string
		q    Query
		want []int64
	}{
		{"all, best rank first, ties by id", Query{}, []int64{3, 4, 1, 2}},
		{"prefix of a key", Query{Terms: []Term{{Keys: []string{"турист"}}}}, []int64{3, 1}},
		{"whole key", Query{Terms: []Term{{Keys: []string{"маршрут"}}}}, []int64{3, 1}},
		{"longer than any key", Query{Terms: []Term{{Keys: []string{"маршрутами"}}}}, nil},
		{"key or area", Query{Terms: []Term{{Keys: []string{"школ"}, Areas: []string{"urban"}}}}, []int64{3, 4, 2}},
		{"two terms", Query{Terms: []Term{{Keys: []string{"маршрут"}}, {Keys: []string{"парк"}}}}, []int64{3}},
		{"a term matching nothing", Query{Terms: []Term{{Keys: []string{"маршрут"}}, {Keys: []string{"квант"}}}}, nil},
		{"empty term", Query{Terms: []Term{{}}}, nil},
		{"area filter", Query{Area: "tourism"}, []int64{3, 1}},
		{"unknown area", Query{Area: "space"}, nil},
		{"country", Query{Country: "BY"}, []int64{4, 1}},
		{"region", Query{Region: "RU.69"}, []int64{2}},
		{"size band", Query{MinPopulation: 100_000, MaxPopulation: 335_000}, []int64{2}},
		{"municipality", Query{Municipality: 10}, []int64{4, 1}},
		{"recommended", Query{Recommended: true}, []int64{3}},
		{"words, area and country", Query{Terms: []Term{{Keys: []string{"маршрут"}}}, Area: "culture", Country: "BY"}, []int64{1}},
	} {
		got, total := x.Search(tc.q, 0, 10)
		if !slices.Equal(got, tc.want) || total != len(tc.want) {
			t.Errorf("%s: got %v (total %d), want %v", tc.name, got, total, tc.want)
		}
	}
}

func TestPagingAndRegions(t *testing.T) {
	x := sample()
	if got, total := x.Search(Query{}, 1, 2); !slices.Equal(got, []int64{4, 1}) || total != 4 {
		t.Fatalf("page: %v %d", got, total)
	}
	if got, total := x.Search(Query{}, 10, 2); len(got) != 0 || total != 4 {
		t.Fatalf("past the end: %v %d", got, total)
	}
	if got := x.Regions(Query{Area: "tourism"}); len(got) != 2 || got["BY.07"] != 1 || got["RU.60"] != 1 {
		t.Fatalf("regions: %v", got)
	}
}

func TestPutReplacesAndRemoveForgets(t *testing.T) {
	x := sample()
	// New words, new area, new rank.
	x.Put(Doc{ID: 2, Country: "RU", Areas: []string{"culture"}, Rank: 100, Keys: []string{"театр"}})
	if got, _ := x.Search(Query{Terms: []Term{{Keys: []string{"набережн"}}}}, 0, 10); len(got) != 0 {
		t.Fatalf("old key still finds the replaced document: %v", got)
	}
	if got, _ := x.Search(Query{Area: "urban"}, 0, 10); !slices.Equal(got, []int64{3}) {
		t.Fatalf("old area still finds it: %v", got)
	}
	if got, _ := x.Search(Query{Area: "culture"}, 0, 10); !slices.Equal(got, []int64{2, 1}) {
		t.Fatalf("new area and rank: %v", got)
	}
	x.Remove(3)
	x.Remove(99)
	if got, total := x.Search(Query{Terms: []Term{{Keys: []string{"маршрут"}}}}, 0, 10); !slices.Equal(got, []int64{1}) || total != 1 {
		t.Fatalf("after removing: %v", got)
	}
	// The freed slot is reused by the next document.
	x.Put(Doc{ID: 5, Keys: []string{"маршрутк"}, Rank: 1})
	if got, _ := x.Search(Query{Terms: []Term{{Keys: []string{"маршрут"}}}}, 0, 10); !slices.Equal(got, []int64{1, 5}) {
		t.Fatalf("reused slot: %v", got)
	}
	if x.Len() != 4 {
		t.Fatalf("len %d", x.Len())
	}
}

// TestAgainstScan compares the index with a plain scan over random
// documents and queries, changes included.
func TestAgainstScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	words := strings.Fields("парк сквер школа музей маршрут туризм спорт двор дорога ферма театр")
	areas := []string{"tourism", "urban", "culture", "education"}
	x := New()
	docs := map[int64]Doc{}
	randomDoc := func(id int64) Doc {
		d := Doc{ID: id, Municipality: int64(rng.IntN(5)), Country: []string{"RU", "BY"}[rng.IntN(2)],
			Population: rng.IntN(600_000), Recommended: rng.IntN(4) == 0, Rank: float64(rng.IntN(50))}
		for range 1 + rng.IntN(4) {
			d.Keys = append(d.Keys, words[rng.IntN(len(words))])
		}
		for range rng.IntN(3) {
			d.Areas = append(d.Areas, areas[rng.IntN(len(areas))])
		}
		return d
	}
	for i := range 300 {
		id := int64(rng.IntN(200))
		switch rng.IntN(5) {
		case 0:
			x.Remove(id)
			delete(docs, id)
		default:
			d := randomDoc(id)
			x.Put(d)
			docs[id] = d
		}
		if i%10 != 0 {
			continue
		}
		q := Query{Country: []string{"", "RU", "BY"}[rng.IntN(3)], Recommended: rng.IntN(5) == 0}
		if rng.IntN(2) == 0 {
			q.Area = areas[rng.IntN(len(areas))]
		}
		for range rng.IntN(3) {
			w := []rune(words[rng.IntN(len(words))])
			prefix := string(w[:1+rng.IntN(len(w))])
			q.Terms = append(q.Terms, Term{Keys: []string{prefix}, Areas: areas[:rng.IntN(2)]})
		}
		got, total := x.Search(q, 0, 1000)
		want := scan(docs, q)
		if !slices.Equal(got, want) || total != len(want) {
			t.Fatalf("query %+v: index %v, scan %v", q, got, want)
		}
	}
}

func scan(docs map[int64]Doc, q Query) []int64 {
	var hits []Doc
	for _, d := range docs {
		ok := matches(&d, q) && (q.Area == "" || slices.Contains(d.Areas, q.Area))
		for _, t := range q.Terms {
			hit := false
			for _, k := range t.Keys {
				for _, dk := range d.Keys {
					hit = hit || strings.HasPrefix(dk, k)
				}
			}
			for _, a := range t.Areas {
				hit = hit || slices.Contains(d.Areas, a)
			}
			ok = ok && hit
		}
		if ok {
			hits = append(hits, d)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return better(&hits[i], &hits[j]) })
	var ids []int64
	for _, d := range hits {
		ids = append(ids, d.ID)
	}
	return ids
}

func TestConcurrentUse(t *testing.T) {
	x := sample()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if w%2 == 0 {
					x.Put(Doc{ID: int64(100 + i), Keys: []string{fmt.Sprintf("слово%d", i)}, Rank: float64(i)})
				} else {
					x.Search(Query{Terms: []Term{{Keys: []string{"слово"}}}}, 0, 5)
				}
			}
		}()
	}
	wg.Wait()
	if _, total := x.Search(Query{Terms: []Term{{Keys: []string{"слово"}}}}, 0, 5); total != 200 {
		t.Fatalf("total %d", total)
	}
}
