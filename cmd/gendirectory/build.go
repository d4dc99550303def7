package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// sources is everything the directory is built from.
type sources struct {
	Cities []cityRow
	// MO holds the geonames.mo catalogues by language: "ru", "be", "en" and
	// the other Cyrillic languages in otherCyrillic.
	MO        map[string]moCatalogue
	Phones    []phoneName // Belarusian geocoding entries of libphonenumber
	Overrides []*override
}

// otherCyrillic are the languages whose tagged names tell a Ukrainian,
// Bulgarian or other spelling among a place's untagged alternates.
var otherCyrillic = []string{"uk", "bg", "sr", "mk", "kk", "ky", "tt", "cv", "ce", "os", "mn", "tg", "sah", "mhr"}

// droppedCodes are feature codes left out: parts of a city (PPLX, folded
// into the city they belong to), historical (PPLH, PPLCH), abandoned (PPLQ)
// and destroyed (PPLW) places.
var droppedCodes = map[string]bool{"PPLX": true, "PPLH": true, "PPLCH": true, "PPLQ": true, "PPLW": true}

type region struct {
	Code       string
	RU, BE, EN string
	Aliases    []string
}

type place struct {
	ID           int64
	Country      string
	Region       string
	Kind         byte
	Population   int
	Lat, Lon     float64
	TimeZone     string
	RU, BE, EN   string
	HeurRU       bool
	HeurBE       bool
	Alternates   []string
	Latin        string // GeoNames' main name, for the review file
	ChoiceRU     choice
	ChoiceBE     choice
	FeatureCode  string
	PhoneMatched bool
}

func (p *place) Heuristic() bool { return p.HeurRU || p.HeurBE }

// stats are the counts docs/DIRECTORY.md reports.
type stats struct {
	Read, Dropped    int
	ByCountry        map[string]int
	Heuristic        map[string]int
	Kinds            map[string]map[byte]int
	PhoneMatched     int
	PhoneUnmatched   []string
	NoRU, NoBE, NoEN map[string]int
	RegionsWithoutBE []string
	OverridesApplied int
	Big              map[string]int // places over 10,000 people
}

type result struct {
	Regions []region
	Places  []*place
	Stats   stats
}

func build(src sources) (*result, error) {
	st := stats{
		ByCountry: map[string]int{}, Heuristic: map[string]int{}, Kinds: map[string]map[byte]int{},
		NoRU: map[string]int{}, NoBE: map[string]int{}, NoEN: map[string]int{}, Big: map[string]int{},
	}
	moRU, moBE, moEN := src.MO["ru"], src.MO["be"], src.MO["en"]

	var rows []cityRow
	for _, r := range src.Cities {
		st.Read++
		if droppedCodes[r.FeatureCode] {
			st.Dropped++
			continue
		}
		rows = append(rows, r)
	}
	before := len(rows)
	rows = foldCityUnits(rows)
	st.Dropped += before - len(rows)

	phoneByID, unmatched := matchPhones(src.Phones, rows, moRU, moBE)
	st.PhoneUnmatched = unmatched

	regions, err := buildRegions(rows, src, phoneByID)
	if err != nil {
		return nil, err
	}

	// The letter models learn from every name the catalogues tag with the
	// language (places across the world, transliterated by the same
	// orthography) and from libphonenumber's Belarusian entries.
	var ruNames, beNames []string
	for _, n := range moRU.Places {
		if translit.IsCyrillic(n) {
			ruNames = append(ruNames, n)
		}
	}
	for _, n := range moBE.Places {
		if translit.IsCyrillic(n) {
			beNames = append(beNames, n)
		}
	}
	for _, ph := range src.Phones {
		ruNames = append(ruNames, ph.RU)
		beNames = append(beNames, ph.BE)
	}
	slices.Sort(ruNames) // map order must not reach the output
	slices.Sort(beNames)
	ruModel, beModel := trainLetterModel(ruNames), trainLetterModel(beNames)

	var places []*place
	for i := range rows {
		r := &rows[i]
		p := &place{
			ID: r.ID, Country: r.Country, Region: r.Country + "." + r.Admin1, Population: r.Population,
			Lat: r.Lat, Lon: r.Lon, TimeZone: r.TimeZone, Latin: r.Name, FeatureCode: r.FeatureCode,
		}
		switch r.FeatureCode {
		case "PPLC":
			p.Kind = 'C'
		case "PPLA":
			p.Kind = 'R'
		case "PPLA2":
			p.Kind = 'D'
		default:
			p.Kind = 'T'
		}
		ph, hasPhone := phoneByID[r.ID]
		if hasPhone {
			p.PhoneMatched = true
			st.PhoneMatched++
			if p.Kind == 'T' {
				// Every Belarusian area code in libphonenumber belongs to
				// a district centre or a city of oblast rank.
				p.Kind = 'D'
			}
		}

		var others []string
		for _, l := range otherCyrillic {
			if n, ok := src.MO[l].Places[r.ID]; ok {
				others = append(others, n)
			}
		}
		cands := append([]string{r.Name, r.ASCIIName}, r.Alternates...)
		refs := []string{r.Name, r.ASCIIName}

		// English: libphonenumber for Belarus (it spells the Russian-based
		// forms the association uses: Gomel, Grodno), then the tagged
		// GeoNames name, then GeoNames' main Latin name.
		switch {
		case hasPhone:
			p.EN = ph.EN
		case moEN.Places[r.ID] != "" && translit.IsLatin(moEN.Places[r.ID]):
			p.EN = moEN.Places[r.ID]
		case translit.IsLatin(r.Name):
			p.EN = r.Name
		case translit.IsLatin(r.ASCIIName):
			p.EN = r.ASCIIName
		}
		p.EN = cleanEnglish(p.EN)
		if p.EN != "" {
			refs = append(refs, p.EN)
		}

		// Russian.
		switch {
		case hasPhone && foldName(ph.RU) == foldName(moRU.Places[r.ID]):
			p.RU = moRU.Places[r.ID] // the same name, spelled with ё
		case hasPhone:
			p.RU = ph.RU
		case isRussianTag(moRU.Places[r.ID]):
			p.RU = moRU.Places[r.ID]
		default:
			p.ChoiceRU = pickName(cands, pickParams{
				Lang: "ru", Belarus: r.Country == "BY", Refs: refs, Others: append(others, moBE.Places[r.ID]),
				Model: ruModel, Contrast: beModel,
			})
			p.RU = p.ChoiceRU.Name
			p.HeurRU = p.RU != ""
		}

		// Belarusian.
		switch {
		case hasPhone:
			p.BE = ph.BE
		case moBE.Places[r.ID] != "" && translit.IsCyrillic(moBE.Places[r.ID]):
			p.BE = moBE.Places[r.ID]
		default:
			p.ChoiceBE = pickName(cands, pickParams{
				Lang: "be", Belarus: r.Country == "BY", Refs: refs, Others: others, AvoidSame: p.RU,
				Model: beModel, Contrast: ruModel,
			})
			p.BE = p.ChoiceBE.Name
			p.HeurBE = p.BE != ""
		}

		alts := append([]string{}, cands...)
		for _, l := range []string{"ru", "be", "en"} {
			alts = append(alts, src.MO[l].Places[r.ID])
		}
		if hasPhone {
			alts = append(alts, ph.RU, ph.BE, ph.EN)
		}
		p.Alternates = alts // filtered after overrides
		places = append(places, p)
	}

	if err := applyOverrides(src.Overrides, places, regions, &st); err != nil {
		return nil, err
	}
	places = slices.DeleteFunc(places, func(p *place) bool { return p == nil })
	nameCityRegions(regions, places)

	for _, p := range places {
		p.Alternates = filterAlternates(p.Alternates, p.RU, p.BE, p.EN)
		st.ByCountry[p.Country]++
		if st.Kinds[p.Country] == nil {
			st.Kinds[p.Country] = map[byte]int{}
		}
		st.Kinds[p.Country][p.Kind]++
		if p.Heuristic() {
			st.Heuristic[p.Country]++
		}
		if p.RU == "" {
			st.NoRU[p.Country]++
		}
		if p.BE == "" {
			st.NoBE[p.Country]++
		}
		if p.EN == "" {
			st.NoEN[p.Country]++
		}
		if p.Population > 10000 {
			st.Big[p.Country]++
		}
	}
	for _, rg := range regions {
		if rg.BE == "" {
			st.RegionsWithoutBE = append(st.RegionsWithoutBE, rg.Code)
		}
	}
	slices.SortFunc(places, func(a, b *place) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), cmp.Compare(a.ID, b.ID))
	})
	return &result{Regions: regions, Places: places, Stats: st}, nil
}

// foldCityUnits drops the rows GeoNames keeps for a city as an
// administrative unit ("Horad Pinsk", "Gorod Shebekino": no population, a
// few kilometres from the town itself), giving the town their district
// centre rank. A row that has a population ("Horad Zhodzina") is the town.
func foldCityUnits(rows []cityRow) []cityRow {
	byName := map[string][]int{}
	for i, r := range rows {
		byName[r.Country+"|"+r.Name] = append(byName[r.Country+"|"+r.Name], i)
	}
	drop := map[int]bool{}
	for i, r := range rows {
		if r.Population != 0 {
			continue
		}
		var rest string
		for _, prefix := range []string{"Horad ", "Gorod ", "Gorad "} {
			if after, ok := strings.CutPrefix(r.Name, prefix); ok {
				rest = after
			}
		}
		if rest == "" {
			continue
		}
		for _, j := range byName[r.Country+"|"+rest] {
			t := &rows[j]
			if haversineKm(r.Lat, r.Lon, t.Lat, t.Lon) > 25 {
				continue
			}
			drop[i] = true
			if r.FeatureCode == "PPLA2" && t.FeatureCode != "PPLA" && t.FeatureCode != "PPLC" {
				t.FeatureCode = "PPLA2"
			}
			break
		}
	}
	out := rows[:0]
	for i, r := range rows {
		if !drop[i] {
			out = append(out, r)
		}
	}
	return out
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadiusKm = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// nameCityRegions gives a region that is a city (Moscow, Saint Petersburg,
// Minsk City: its Russian name is its centre's) the centre's Belarusian name
// when the catalogues give the region none.
func nameCityRegions(regions []region, places []*place) {
	for i := range regions {
		rg := &regions[i]
		if rg.BE != "" {
			continue
		}
		for _, p := range places {
			if p.Region == rg.Code && (p.Kind == 'C' || p.Kind == 'R') && p.RU == rg.RU && p.BE != "" {
				rg.BE = p.BE
				break
			}
		}
	}
}

// isRussianTag reports whether a tagged "ru" name is usable: some are Latin
// ("Gomel’") or otherwise not Russian spellings.
func isRussianTag(s string) bool {
	return s != "" && translit.IsCyrillic(s) && translit.IsRussianSpelling(s)
}

// matchPhones finds the GeoNames place of each Belarusian geocoding entry:
// a place of the same oblast (where the entry names one) that has the
// entry's Russian or Belarusian name among its names, preferring
// administrative centres and then the most populous.
func matchPhones(phones []phoneName, rows []cityRow, moRU, moBE moCatalogue) (map[int64]phoneName, []string) {
	byName := map[string][]*cityRow{}
	for i := range rows {
		r := &rows[i]
		if r.Country != "BY" {
			continue
		}
		names := append([]string{r.Name, moRU.Places[r.ID], moBE.Places[r.ID]}, r.Alternates...)
		seen := map[string]bool{}
		for _, n := range names {
			f := foldName(n)
			if f != "" && !seen[f] {
				seen[f] = true
				byName[f] = append(byName[f], r)
			}
		}
	}
	candidates := func(p phoneName) []*cityRow {
		var out []*cityRow
		seen := map[int64]bool{}
		for _, n := range []string{p.RU, p.BE} {
			for _, r := range byName[foldName(n)] {
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
			}
		}
		return out
	}
	rank := func(r *cityRow) int {
		switch r.FeatureCode {
		case "PPLC", "PPLA":
			return 0
		case "PPLA2":
			return 1
		}
		return 2
	}
	best := func(cs []*cityRow) *cityRow {
		slices.SortStableFunc(cs, func(a, b *cityRow) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Population, a.Population), cmp.Compare(a.ID, b.ID))
		})
		return cs[0]
	}
	// The entries' oblast names are mapped to GeoNames admin1 codes by the
	// places that match without doubt.
	votes := map[string]map[string]int{}
	for _, p := range phones {
		cs := candidates(p)
		if p.RegionRU == "" || len(cs) != 1 {
			continue
		}
		if votes[p.RegionRU] == nil {
			votes[p.RegionRU] = map[string]int{}
		}
		votes[p.RegionRU][cs[0].Admin1]++
	}
	regionCode := map[string]string{}
	for name, v := range votes {
		bestCode, bestN := "", 0
		for code, n := range v {
			if n > bestN || n == bestN && code < bestCode {
				bestCode, bestN = code, n
			}
		}
		regionCode[name] = bestCode
	}
	out := map[int64]phoneName{}
	var unmatched []string
	for _, p := range phones {
		cs := candidates(p)
		if p.RegionRU != "" {
			cs = slices.DeleteFunc(cs, func(r *cityRow) bool { return r.Admin1 != regionCode[p.RegionRU] })
		}
		if len(cs) == 0 {
			unmatched = append(unmatched, p.RU)
			continue
		}
		r := best(cs)
		if _, dup := out[r.ID]; dup {
			unmatched = append(unmatched, p.RU+" (same place as another entry)")
			continue
		}
		out[r.ID] = p
	}
	sort.Strings(unmatched)
	return out, unmatched
}

// buildRegions names the first-level divisions present in rows. Belarusian
// oblasts take their names from libphonenumber, which spells them
// consistently in all three languages; Minsk City and the Russian federal
// subjects take theirs from geonames.mo. Every source spelling is kept as a
// search alias.
func buildRegions(rows []cityRow, src sources, phoneByID map[int64]phoneName) ([]region, error) {
	codes := map[string]bool{}
	for _, r := range rows {
		codes[r.Country+"."+r.Admin1] = true
	}
	phoneRegion := map[string]phoneName{}
	for id, ph := range phoneByID {
		if ph.RegionRU == "" {
			continue
		}
		for _, r := range rows {
			if r.ID == id {
				phoneRegion[r.Country+"."+r.Admin1] = ph
			}
		}
	}
	var out []region
	for code := range codes {
		rg := region{Code: code}
		ru, be, en := src.MO["ru"].Regions[code], src.MO["be"].Regions[code], src.MO["en"].Regions[code]
		if ph, ok := phoneRegion[code]; ok {
			rg.RU, rg.BE, rg.EN = ph.RegionRU, ph.RegionBE, ph.RegionEN
		} else {
			if translit.IsCyrillic(ru) {
				rg.RU = ru
			}
			if translit.IsCyrillic(be) {
				rg.BE = be
			}
			rg.EN = cleanEnglish(en)
		}
		rg.Aliases = []string{ru, be, en}
		if rg.RU == "" && rg.EN == "" {
			return nil, fmt.Errorf("region %s has no name in the sources", code)
		}
		out = append(out, rg)
	}
	slices.SortFunc(out, func(a, b region) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func applyOverrides(ovs []*override, places []*place, regions []region, st *stats) error {
	idx := map[int64]int{}
	for i, p := range places {
		idx[p.ID] = i
	}
	for _, o := range ovs {
		switch o.Scope {
		case "place":
			i, ok := idx[o.ID]
			if !ok || places[i] == nil {
				return fmt.Errorf("overrides:%d: no place %d in the directory", o.Line, o.ID)
			}
			p := places[i]
			switch o.Field {
			case "ru":
				p.Alternates = append(p.Alternates, p.RU)
				p.RU, p.HeurRU = o.Value, false
			case "be":
				p.Alternates = append(p.Alternates, p.BE)
				p.BE, p.HeurBE = o.Value, false
			case "en":
				p.Alternates = append(p.Alternates, p.EN)
				p.EN = o.Value
			case "kind":
				p.Kind = kindCodes[o.Value]
			case "drop":
				places[i] = nil
			}
		case "region":
			i := slices.IndexFunc(regions, func(r region) bool { return r.Code == o.Code })
			if i < 0 {
				return fmt.Errorf("overrides:%d: no region %s in the directory", o.Line, o.Code)
			}
			rg := &regions[i]
			switch o.Field {
			case "ru":
				rg.Aliases, rg.RU = append(rg.Aliases, rg.RU), o.Value
			case "be":
				rg.Aliases, rg.BE = append(rg.Aliases, rg.BE), o.Value
			case "en":
				rg.Aliases, rg.EN = append(rg.Aliases, rg.EN), o.Value
			}
		}
		o.used = true
		st.OverridesApplied++
	}
	return nil
}

// filterAlternates keeps the Latin and Cyrillic alternates that add a search
// key the chosen names do not already give, without codes and duplicates.
func filterAlternates(alts []string, names ...string) []string {
	keys := map[string]bool{}
	for _, n := range names {
		for _, k := range translit.Keys(n) {
			keys[k] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range alts {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || seen[a] || isCode(a) || len([]rune(a)) > 60 || strings.ContainsAny(a, "|\t") {
			continue
		}
		seen[a] = true
		if !translit.IsCyrillic(a) && !translit.IsLatin(a) {
			continue
		}
		fresh := false
		for _, k := range translit.Keys(a) {
			if !keys[k] {
				fresh = true
				keys[k] = true
			}
		}
		if fresh {
			out = append(out, a)
		}
	}
	return out
}
