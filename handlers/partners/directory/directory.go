// Package directory is Pobratim's directory of Russian and Belarusian
// municipalities: towns and cities with their names in Russian, Belarusian
// and English, region, kind, population, position and time zone, and a
// resolver that finds them from what officials type ("Vitebsk", "Віцебск",
// "г. Витебск", "Kirovsk, Murmansk", a typo).
//
// The data is embedded: cmd/gendirectory builds data/directory.tsv.gz from
// GeoNames and libphonenumber (docs/DIRECTORY.md tells how, and what the
// sources give and lack).
package directory

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed data/directory.tsv.gz
var embedded []byte

// Kind is what a place is in the administrative hierarchy.
type Kind int

// Kinds, from the least to the most important.
const (
	Town           Kind = iota // any other town, settlement or village
	DistrictCentre             // centre of a district (raion) or a city of region rank
	RegionCentre               // centre of an oblast, krai, republic or autonomous okrug
	Capital                    // Moscow, Minsk
)

var kindNames = [...]string{"town", "district centre", "region centre", "capital"}

// String returns the kind's name in English, for logs.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Place is a municipality. Values returned by the Directory share their
// Alternates slice with it: treat it as read-only.
type Place struct {
	// ID is the GeoNames id for places from the embedded data; places
	// added with Add choose their own (see Add).
	ID      int64
	Country string // "RU" or "BY"
	// NameRU, NameBE and NameEN are the names in Russian, Belarusian and
	// English; any may be empty where the sources give none.
	NameRU, NameBE, NameEN string
	// Alternates are other spellings and names the resolver also matches:
	// other romanisations, historical and local names.
	Alternates []string
	// RegionCode identifies the first-level division, GeoNames style:
	// "RU.47" (Moscow Oblast), "BY.07" (Vitebsk Region).
	RegionCode string
	Kind       Kind
	Population int
	Lat, Lon   float64 // degrees, WGS 84
	TimeZone   string  // IANA name, such as "Europe/Minsk"
	// Heuristic reports that the Russian or the Belarusian name was
	// chosen by rule among untagged spellings, and has not been checked.
	Heuristic bool
}

// Name returns the place's name in lang ("ru", "be", "en", or a tag such as
// "be-BY"), falling back to the closest language that has one: Belarusian
// to Russian, Russian to Belarusian, both to English, English to Russian.
// Any other language is treated as English.
func (p Place) Name(lang string) string {
	return pickName(lang, p.NameRU, p.NameBE, p.NameEN)
}

func pickName(lang, ru, be, en string) string {
	var order [3]string
	switch baseLang(lang) {
	case "be":
		order = [3]string{be, ru, en}
	case "ru":
		order = [3]string{ru, be, en}
	default:
		order = [3]string{en, ru, be}
	}
	for _, n := range order {
		if n != "" {
			return n
		}
	}
	return ""
}

func baseLang(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// Region is a first-level division: a Russian federal subject or a
// Belarusian oblast (or Minsk City).
type Region struct {
	Code    string // "RU.47"
	Country string
	// NameRU, NameBE and NameEN are the names in the three languages. The
	// sources give Belarusian names for few Russian regions; NameBE is
	// empty for the others, and Name("be") falls back to Russian.
	NameRU, NameBE, NameEN string
	// Aliases are other spellings the sources give, used to read region
	// qualifiers in queries.
	Aliases []string
}

// Name returns the region's name in lang, with the fallbacks of Place.Name.
func (r Region) Name(lang string) string {
	return pickName(lang, r.NameRU, r.NameBE, r.NameEN)
}

// Directory holds the places and the index the resolver searches.
//
// All methods are safe for concurrent use. Add and Put take an exclusive
// lock and so briefly block resolving; import extra municipalities before
// serving where possible.
type Directory struct {
	mu       sync.RWMutex
	places   []Place
	byID     map[int64]int32
	regions  map[string]*Region
	regOrder []string
	idx      *index
	quals    *qualifiers
}

// Load reads the embedded directory and builds its search index.
func Load() (*Directory, error) {
	return load(embedded)
}

func load(gz []byte) (*Directory, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("directory: load: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("directory: load: %w", err)
	}
	d, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("directory: load: %w", err)
	}
	return d, nil
}

const formatHeader = "#pobratim-directory\t1"

// parse reads the format cmd/gendirectory writes (see its output.go).
func parse(raw []byte) (*Directory, error) {
	if !bytes.HasPrefix(raw, []byte(formatHeader+"\n")) {
		return nil, errors.New("not a version 1 directory file")
	}
	d := &Directory{byID: map[int64]int32{}, regions: map[string]*Region{}}
	d.places = make([]Place, 0, bytes.Count(raw, []byte("\nP\t")))
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	var fields [14]string
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		n := splitTabs(text, fields[:])
		switch {
		case fields[0] == "R" && n == 6:
			r := &Region{
				Code: fields[1], NameRU: fields[2], NameBE: fields[3], NameEN: fields[4],
				Aliases: splitList(fields[5]),
			}
			r.Country, _, _ = strings.Cut(r.Code, ".")
			d.regions[r.Code] = r
			d.regOrder = append(d.regOrder, r.Code)
		case fields[0] == "P" && n == 14:
			p, err := parsePlace(fields[:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			if _, dup := d.byID[p.ID]; dup {
				return nil, fmt.Errorf("line %d: duplicate id %d", line, p.ID)
			}
			d.byID[p.ID] = int32(len(d.places))
			d.places = append(d.places, p)
		default:
			return nil, fmt.Errorf("line %d: unknown record %q with %d fields", line, fields[0], n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	d.idx = newIndex(len(d.places))
	for i := range d.places {
		d.idx.addPlace(int32(i), &d.places[i])
	}
	d.idx.finish()
	d.quals = newQualifiers(d)
	return d, nil
}

func splitTabs(s string, out []string) int {
	n := 0
	for n < len(out)-1 {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			break
		}
		out[n] = s[:i]
		s = s[i+1:]
		n++
	}
	out[n] = s
	return n + 1
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

var kindByCode = map[string]Kind{"T": Town, "D": DistrictCentre, "R": RegionCentre, "C": Capital}

func parsePlace(f []string) (Place, error) {
	p := Place{
		Country: f[2], RegionCode: f[3], TimeZone: f[8], Heuristic: strings.Contains(f[9], "h"),
		NameRU: f[10], NameBE: f[11], NameEN: f[12], Alternates: splitList(f[13]),
	}
	kind, ok := kindByCode[f[4]]
	if !ok {
		return p, fmt.Errorf("unknown kind %q", f[4])
	}
	p.Kind = kind
	var errs [4]error
	p.ID, errs[0] = strconv.ParseInt(f[1], 10, 64)
	p.Population, errs[1] = strconv.Atoi(f[5])
	p.Lat, errs[2] = strconv.ParseFloat(f[6], 64)
	p.Lon, errs[3] = strconv.ParseFloat(f[7], 64)
	if err := errors.Join(errs[:]...); err != nil {
		return p, err
	}
	return p, nil
}

// ByID returns the place with the given id.
func (d *Directory) ByID(id int64) (Place, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	i, ok := d.byID[id]
	if !ok {
		return Place{}, false
	}
	return d.places[i], true
}

// Places returns all places: the embedded ones by country and id, then the
// added ones in the order they were added. The slice is the caller's.
func (d *Directory) Places() []Place {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return slices.Clone(d.places)
}

// Len returns the number of places.
func (d *Directory) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.places)
}

// Region returns the region with the given code ("RU.47").
func (d *Directory) Region(code string) (Region, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	r, ok := d.regions[code]
	if !ok {
		return Region{}, false
	}
	return *r, true
}

// Regions returns all regions, ordered by code.
func (d *Directory) Regions() []Region {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Region, 0, len(d.regOrder))
	for _, c := range d.regOrder {
		out = append(out, *d.regions[c])
	}
	return out
}

// RegionName returns the name of p's region in lang (with the fallbacks of
// Place.Name), or "" if the region is unknown.
func (d *Directory) RegionName(p Place, lang string) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	r, ok := d.regions[p.RegionCode]
	if !ok {
		return ""
	}
	return r.Name(lang)
}

// Errors Add returns.
var (
	ErrDuplicateID  = errors.New("directory: a place with this id exists")
	ErrInvalidPlace = errors.New("directory: invalid place")
)

// Add adds a municipality the association imports (one the GeoNames data
// lacks, or lists under another id) and indexes its names. Its ID must not
// be taken; GeoNames ids are positive, so imported ones are best negative.
// The place needs a country (RU or BY), a name, and a position (Lat, Lon
// in range; 0, 0 is taken as unknown and allowed). A RegionCode the
// directory does not know is kept, and RegionName gives "" for it.
//
// Add is safe to call while other goroutines resolve; see Directory. Put
// adds or replaces.
func (d *Directory) Add(p Place) error {
	if err := validatePlace(p); err != nil {
		return err
	}
	p.Alternates = slices.Clone(p.Alternates)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.byID[p.ID]; dup {
		return fmt.Errorf("%w: %d", ErrDuplicateID, p.ID)
	}
	i := int32(len(d.places))
	d.byID[p.ID] = i
	d.places = append(d.places, p)
	d.idx.addPlace(i, &d.places[i])
	d.idx.finish()
	return nil
}

// Put adds p like Add, or, if a place with p's ID exists, replaces it: the
// association's registry corrects GeoNames rows this way. When p has no
// Alternates, the replaced place's alternates and those of its names that
// p changes become p's alternates, so the place is still found by them.
func (d *Directory) Put(p Place) error {
	if err := validatePlace(p); err != nil {
		return err
	}
	p.Alternates = slices.Clone(p.Alternates)
	d.mu.Lock()
	defer d.mu.Unlock()
	i, ok := d.byID[p.ID]
	if !ok {
		i = int32(len(d.places))
		d.byID[p.ID] = i
		d.places = append(d.places, p)
		d.idx.addPlace(i, &d.places[i])
		d.idx.finish()
		return nil
	}
	old := d.places[i]
	if p.Alternates == nil {
		for _, n := range append([]string{old.NameRU, old.NameBE, old.NameEN}, old.Alternates...) {
			if n != "" && n != p.NameRU && n != p.NameBE && n != p.NameEN && !slices.Contains(p.Alternates, n) {
				p.Alternates = append(p.Alternates, n)
			}
		}
	}
	d.idx.removePlace(i, &old)
	d.places[i] = p
	d.idx.addPlace(i, &d.places[i])
	d.idx.finish()
	if old.Kind >= RegionCentre || p.Kind >= RegionCentre {
		d.quals = newQualifiers(d)
	}
	return nil
}

func validatePlace(p Place) error {
	var problems []string
	if p.ID == 0 {
		problems = append(problems, "no id")
	}
	if p.Country != "RU" && p.Country != "BY" {
		problems = append(problems, fmt.Sprintf("country %q is not RU or BY", p.Country))
	}
	if strings.TrimSpace(p.NameRU+p.NameBE+p.NameEN) == "" {
		problems = append(problems, "no name")
	}
	for _, n := range append([]string{p.NameRU, p.NameBE, p.NameEN}, p.Alternates...) {
		if !utf8.ValidString(n) || utf8.RuneCountInString(n) > maxNameRunes {
			problems = append(problems, fmt.Sprintf("name %q is not valid UTF-8 of at most %d characters", n, maxNameRunes))
		}
	}
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
		problems = append(problems, "position out of range")
	}
	if p.Kind < Town || p.Kind > Capital {
		problems = append(problems, "unknown kind")
	}
	if p.Population < 0 {
		problems = append(problems, "negative population")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w %d: %s", ErrInvalidPlace, p.ID, strings.Join(problems, "; "))
	}
	return nil
}

const maxNameRunes = 200

// Distance returns the great-circle distance between two places in
// kilometres (haversine, mean Earth radius).
func Distance(a, b Place) float64 {
	const earthRadiusKm = 6371.0088
	const rad = math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
