package partners

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/partners/directory"
)

// Test fixtures: invented places with invented ids, not real data.
var (
	origin   = directory.Place{ID: 1, Country: "BY", NameEN: "Fixture Origin", RegionCode: "BY.07", Kind: directory.RegionCentre, Population: 300_000, Lat: 55.2, Lon: 30.2}
	twin     = directory.Place{ID: 2, Country: "RU", NameEN: "Fixture Twin", RegionCode: "RU.69", Kind: directory.RegionCentre, Population: 310_000, Lat: 54.8, Lon: 32.0}
	village  = directory.Place{ID: 3, Country: "RU", NameEN: "Fixture Village", RegionCode: "RU.69", Kind: directory.Town, Population: 900, Lat: 54.9, Lon: 31.0}
	far      = directory.Place{ID: 4, Country: "RU", NameEN: "Fixture Far", RegionCode: "RU.25", Kind: directory.RegionCentre, Population: 300_000, Lat: 43.1, Lon: 131.9}
	neighbor = directory.Place{ID: 5, Country: "BY", NameEN: "Fixture Neighbour", RegionCode: "BY.06", Kind: directory.RegionCentre, Population: 280_000, Lat: 53.9, Lon: 30.3}
	partner  = directory.Place{ID: 6, Country: "RU", NameEN: "Fixture Partner", RegionCode: "RU.60", Kind: directory.RegionCentre, Population: 200_000, Lat: 57.8, Lon: 28.3}
	friend   = directory.Place{ID: 7, Country: "RU", NameEN: "Fixture Friend", RegionCode: "RU.48", Kind: directory.DistrictCentre, Population: 40_000, Lat: 56, Lon: 37}
	fixtures = []directory.Place{origin, twin, village, far, neighbor, partner, friend}
)

func ids(s []Suggestion) []int64 {
	var out []int64
	for _, x := range s {
		out = append(out, x.Place.ID)
	}
	return out
}

func kinds(s Suggestion) []ReasonKind {
	var out []ReasonKind
	for _, r := range s.Reasons {
		out = append(out, r.Kind)
	}
	return out
}

func TestRank(t *testing.T) {
	facts := Facts{
		Ties:    map[int64][]int64{1: {6}, 6: {1, 7}, 7: {6}},
		Areas:   map[int64][]string{1: {"tourism", "culture"}, 7: {"culture"}, 3: {"tourism"}},
		Members: map[int64]int{2: 3},
	}
	partners, top, total := Rank(NewCandidates(fixtures), origin, facts, Filter{}, 10)
	if !slices.Equal(partners, []int64{6}) {
		t.Fatalf("partners = %v", partners)
	}
	if total != 4 || !slices.Equal(ids(top), []int64{2, 7, 4, 3}) {
		t.Fatalf("ranking = %v of %d; want twin, friend, far, village of 4 (no origin, no partner, no Belarusian place)", ids(top), total)
	}
	if k := kinds(top[0]); !slices.Contains(k, ReasonSize) || !slices.Contains(k, ReasonLevel) {
		t.Errorf("twin's reasons = %v", k)
	}
	if k := kinds(top[3]); !slices.Contains(k, ReasonBorder) || !slices.Contains(k, ReasonNear) {
		t.Errorf("village's reasons = %v", k)
	}
	if k := kinds(top[1]); !slices.Contains(k, ReasonPartnerOfPartner) || !slices.Contains(k, ReasonAreas) || top[1].Reasons[0].Weight < top[1].Reasons[len(top[1].Reasons)-1].Weight {
		t.Errorf("friend's reasons = %+v", top[1].Reasons)
	}
	if top[0].Km < 100 || top[0].Km > 150 {
		t.Errorf("distance to twin = %.0f km", top[0].Km)
	}

	_, same, _ := Rank(NewCandidates(fixtures), origin, facts, Filter{SameCountry: true}, 10)
	if !slices.Equal(ids(same), []int64{5}) {
		t.Errorf("same country = %v", ids(same))
	}
	_, tourism, _ := Rank(NewCandidates(fixtures), origin, facts, Filter{Area: "tourism"}, 10)
	if !slices.Equal(ids(tourism), []int64{3}) {
		t.Errorf("tourism filter = %v", ids(tourism))
	}
	_, small, _ := Rank(NewCandidates(fixtures), origin, facts, Filter{Band: 1}, 10)
	if !slices.Equal(ids(small), []int64{3}) {
		t.Errorf("under 20,000 = %v", ids(small))
	}
	_, members, _ := Rank(NewCandidates(fixtures), origin, Facts{Members: map[int64]int{3: 2}}, Filter{Band: 1}, 10)
	if k := kinds(members[0]); !slices.Contains(k, ReasonMembers) || members[0].Reasons[slices.Index(k, ReasonMembers)].Count != 2 {
		t.Errorf("members reason = %+v", members[0].Reasons)
	}
}

// Keeping only the best k must give the same order as sorting everything.
func TestRankTopKMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var places []directory.Place
	for i := range 3000 {
		places = append(places, directory.Place{
			ID: int64(i + 10), Country: []string{"RU", "BY"}[rng.IntN(2)], Kind: directory.Kind(rng.IntN(3)),
			Population: 500 + rng.IntN(1_000_000), Lat: 50 + rng.Float64()*10, Lon: 25 + rng.Float64()*20,
		})
	}
	o := places[0]
	_, all, total := Rank(NewCandidates(places), o, Facts{}, Filter{}, len(places))
	if len(all) != total {
		t.Fatalf("%d of %d", len(all), total)
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return better(all[i].Score, all[i].Place.ID, all[j].Score, all[j].Place.ID) }) {
		t.Fatal("full ranking not sorted")
	}
	for _, k := range []int{1, 10, 20, 137} {
		_, top, _ := Rank(NewCandidates(places), o, Facts{}, Filter{}, k)
		if !slices.Equal(ids(top), ids(all[:k])) {
			t.Fatalf("top %d differs from the full sort", k)
		}
	}
}

var benchQueries = []string{
	"Vitebsk", "Витебск", "Віцебск", "Vitsyebsk", "Smolensk", "Гомель", "Магілёў", "Kirovsk, Murmansk",
	"Октябрьский", "г. Пскоў", "Orsha", "Бобруйск", "Kaliningrad", "Новосибирск", "Brest", "Мозыр",
}

func BenchmarkRank(b *testing.B) {
	dir, err := directory.Load()
	if err != nil {
		b.Fatal(err)
	}
	vitebsk, _ := dir.ByID(620127)
	cands := NewCandidates(dir.Places())
	for b.Loop() {
		Rank(cands, vitebsk, Facts{}, Filter{}, pageSize)
	}
}

// BenchmarkResolveAndRank measures what /partners does in process: find
// the place, then rank the whole directory for the first page.
func BenchmarkResolveAndRank(b *testing.B) {
	dir, err := directory.Load()
	if err != nil {
		b.Fatal(err)
	}
	cands := NewCandidates(dir.Places())
	facts := Facts{Areas: map[int64][]string{}, Ties: map[int64][]int64{}, Members: map[int64]int{}}
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		res := dir.Resolve(benchQueries[i%len(benchQueries)], 8)
		i++
		if len(res.Matches) == 0 {
			b.Fatalf("no match for %q", benchQueries[(i-1)%len(benchQueries)])
		}
		Rank(cands, res.Matches[0].Place, facts, Filter{}, pageSize)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}

func ExampleRank() {
	_, top, _ := Rank(NewCandidates(fixtures), origin, Facts{}, Filter{}, 1)
	fmt.Println(top[0].Place.NameEN, len(top[0].Reasons))
	// Output: Fixture Twin 3
}
