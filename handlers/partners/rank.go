package partners

import (
	"math"
	"sort"

	"github.com/pobratim/pobratim/handlers/partners/directory"
)

// Facts are what the association knows beyond the directory: declared
// areas, agreements and members, by municipality id.
type Facts struct {
	Areas   map[int64][]string
	Ties    map[int64][]int64
	Members map[int64]int
}

// Filter narrows suggestions.
type Filter struct {
	SameCountry bool   // suggest places in the origin's own country
	Area        string // only places that declared this area ("" = any)
	Band        int    // population band, see bands; 0 = any
	Region      string // only places in this region ("RU.69"); "" = any
}

// bands are population ranges people think in.
var bands = []struct{ min, max int }{
	{0, math.MaxInt}, {0, 20_000}, {20_000, 100_000}, {100_000, 500_000}, {500_000, math.MaxInt},
}

// ReasonKind names why a place is suggested.
type ReasonKind int

// The reasons a suggestion can have.
const (
	ReasonSize ReasonKind = iota + 1
	ReasonLevel
	ReasonAreas
	ReasonPartnerOfPartner
	ReasonRegionTies
	ReasonBorder
	ReasonNear
	ReasonMembers
)

// Reason is one signal that fired for a suggestion.
type Reason struct {
	Kind   ReasonKind
	Weight float64
	Areas  []string // ReasonAreas: the shared areas
	Via    int64    // ReasonPartnerOfPartner: the common partner
	Count  int      // ReasonMembers
}

// Suggestion is a ranked partner candidate.
type Suggestion struct {
	Place   directory.Place
	Score   float64
	Km      float64
	Reasons []Reason // strongest first, at most three
}

// borderRegions are the GeoNames admin1 codes of the regions on the
// Russian–Belarusian border: Pskov, Smolensk and Bryansk oblasts in Russia,
// Vitebsk, Mogilev and Gomel oblasts in Belarus.
var borderRegions = map[string]bool{
	"RU.60": true, "RU.69": true, "RU.10": true,
	"BY.07": true, "BY.06": true, "BY.02": true,
}

// Candidates are the places Rank chooses from, prepared once: each place's
// position as a unit vector, so that distances need no trigonometry per
// query beyond one arcsine.
type Candidates struct {
	places []directory.Place
	vec    [][3]float64
}

// NewCandidates prepares places for ranking.
func NewCandidates(places []directory.Place) *Candidates {
	c := &Candidates{places: places, vec: make([][3]float64, len(places))}
	for i, p := range places {
		c.vec[i] = unitVector(p)
	}
	return c
}

func unitVector(p directory.Place) [3]float64 {
	lat, lon := p.Lat*math.Pi/180, p.Lon*math.Pi/180
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

// earthRadiusKm is the mean radius used for great-circle distances.
const earthRadiusKm = 6371.0

// km is the great-circle distance between two unit vectors.
func km(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	chord := math.Sqrt(dx*dx + dy*dy + dz*dz)
	return 2 * earthRadiusKm * math.Asin(math.Min(chord/2, 1))
}

// Rank returns the existing partners of origin, the best `limit`
// suggestions, best first, and how many places passed the filter. Places
// already tied to origin are not suggested.
func Rank(cands *Candidates, origin directory.Place, facts Facts, f Filter, limit int) (partners []int64, top []Suggestion, total int) {
	places := cands.places
	sc := newScorer(origin, facts, f)
	partners = sc.partners
	// Keep the best `limit` in a small sorted slice: the directory has tens
	// of thousands of places and a page shows ten.
	type scored struct {
		i     int
		score float64
	}
	best := make([]scored, 0, limit+1)
	for i := range places {
		c := &places[i]
		if !sc.eligible(c) {
			continue
		}
		total++
		score := sc.score(c, cands.vec[i], nil)
		if len(best) == limit && !better(score, c.ID, best[limit-1].score, places[best[limit-1].i].ID) {
			continue
		}
		at := sort.Search(len(best), func(k int) bool {
			return better(score, c.ID, best[k].score, places[best[k].i].ID)
		})
		best = append(best, scored{})
		copy(best[at+1:], best[at:])
		best[at] = scored{i, score}
		if len(best) > limit {
			best = best[:limit]
		}
	}
	top = make([]Suggestion, 0, len(best))
	for _, b := range best {
		s := Suggestion{Place: places[b.i]}
		s.Score = sc.score(&s.Place, cands.vec[b.i], &s)
		top = append(top, s)
	}
	return partners, top, total
}

func better(a float64, aID int64, b float64, bID int64) bool {
	if a != b {
		return a > b
	}
	return aID < bID
}

type scorer struct {
	origin      directory.Place
	facts       Facts
	filter      Filter
	band        struct{ min, max int }
	partners    []int64
	tied        map[int64]bool
	second      map[int64]int64 // partner of a partner → the partner
	originAreas []string
	originVec   [3]float64
	border      bool
}

func newScorer(origin directory.Place, facts Facts, f Filter) *scorer {
	sc := &scorer{origin: origin, facts: facts, filter: f, band: bands[0], tied: map[int64]bool{}, second: map[int64]int64{}}
	if f.Band > 0 && f.Band < len(bands) {
		sc.band = bands[f.Band]
	}
	sc.partners = facts.Ties[origin.ID]
	for _, id := range sc.partners {
		sc.tied[id] = true
	}
	for _, p := range sc.partners {
		for _, q := range facts.Ties[p] {
			if q != origin.ID && !sc.tied[q] {
				sc.second[q] = p
			}
		}
	}
	sc.originAreas = facts.Areas[origin.ID]
	sc.border = borderRegions[origin.RegionCode]
	sc.originVec = unitVector(origin)
	return sc
}

func (sc *scorer) eligible(c *directory.Place) bool {
	if c.ID == sc.origin.ID || sc.tied[c.ID] || (c.Country == sc.origin.Country) != sc.filter.SameCountry {
		return false
	}
	if c.Population < sc.band.min || c.Population >= sc.band.max {
		return false
	}
	if sc.filter.Region != "" && c.RegionCode != sc.filter.Region {
		return false
	}
	return sc.filter.Area == "" || contains(sc.facts.Areas[c.ID], sc.filter.Area)
}

// score computes a candidate's score; with s not nil it also fills the
// distance and the reasons (strongest first, at most three).
func (sc *scorer) score(c *directory.Place, vec [3]float64, s *Suggestion) float64 {
	var total float64
	var reasons []Reason
	note := func(r Reason, show bool) {
		total += r.Weight
		if s != nil && show {
			reasons = append(reasons, r)
		}
	}
	o := sc.origin
	// Similar size: the ratio of the smaller to the larger population (that
	// is, e to the minus log-distance), so equal sizes give 3 and a factor of
	// two 1.5.
	if o.Population > 0 && c.Population > 0 {
		ratio := float64(min(o.Population, c.Population)) / float64(max(o.Population, c.Population))
		note(Reason{Kind: ReasonSize, Weight: 3 * ratio}, ratio > 0.5)
	}
	if c.Kind == o.Kind && c.Kind != directory.Town {
		note(Reason{Kind: ReasonLevel, Weight: 2}, true)
	}
	if len(sc.originAreas) > 0 {
		if shared := intersect(sc.originAreas, sc.facts.Areas[c.ID]); len(shared) > 0 {
			note(Reason{Kind: ReasonAreas, Weight: 2 * math.Min(float64(len(shared)), 3), Areas: shared}, true)
		}
	}
	if via, ok := sc.second[c.ID]; ok {
		note(Reason{Kind: ReasonPartnerOfPartner, Weight: 2.5, Via: via}, true)
	}
	if sc.border && borderRegions[c.RegionCode] && c.Country != o.Country {
		note(Reason{Kind: ReasonBorder, Weight: 1}, true)
	}
	dist := km(sc.originVec, vec)
	note(Reason{Kind: ReasonNear, Weight: 2 * math.Exp(-dist/500)}, dist < 300)
	if n := sc.facts.Members[c.ID]; n > 0 {
		note(Reason{Kind: ReasonMembers, Weight: 0.5, Count: n}, true)
	}
	if s != nil {
		sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].Weight > reasons[j].Weight })
		if len(reasons) > 3 {
			reasons = reasons[:3]
		}
		s.Km, s.Reasons = dist, reasons
	}
	return total
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
