package partners

import (
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/csvimport"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/store"
)

var kindByName = map[string]directory.Kind{
	"town": directory.Town, "district_centre": directory.DistrictCentre,
	"region_centre": directory.RegionCentre, "capital": directory.Capital,
}

var codePattern = regexp.MustCompile(`^[0-9]{8,11}$`)

// ImportMunicipalities reads the association's municipality registry, a CSV
// file with a header row, and stores it in one transaction. Columns (any
// order): id, country, name_ru, name_be, name_en, region, kind, population,
// lat, lon, time_zone, oktmo, areas. A row either corrects a directory place
// (id = its GeoNames id) or adds a municipality the directory lacks (no id;
// then country, name_ru, lat, lon and oktmo — OKTMO in Russia, SOATO in
// Belarus — are required and the id is derived from the code). areas lists
// area keys separated by ";". Every bad row is reported; if there is any,
// nothing is imported.
func ImportMunicipalities(ctx context.Context, db *store.DB, dir *directory.Directory, r io.Reader, now time.Time) (csvimport.Report, error) {
	var rows []store.Municipality
	seen := map[int64]int{}
	errs, err := csvimport.Read(r, []string{"country", "name_ru"}, func(row csvimport.Row) []string {
		m, problems := municipalityRow(dir, row.Get)
		if prev, dup := seen[m.ID]; dup && m.ID != 0 {
			problems = append(problems, fmt.Sprintf("the same municipality as line %d", prev))
		}
		seen[m.ID] = row.Line
		if len(problems) == 0 {
			rows = append(rows, m)
		}
		return problems
	})
	if err != nil {
		return csvimport.Report{}, fmt.Errorf("partners: import: %w", err)
	}
	if len(errs) > 0 {
		return csvimport.Report{Errors: errs}, csvimport.ErrBadRows
	}
	if err := db.ImportMunicipalities(ctx, rows, now); err != nil {
		return csvimport.Report{}, err
	}
	return csvimport.Report{Rows: len(rows)}, nil
}

// municipalityRow validates one row and says everything wrong with it.
func municipalityRow(dir *directory.Directory, get func(string) string) (store.Municipality, []string) {
	var m store.Municipality
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, f := range []string{"id", "country", "name_ru", "name_be", "name_en", "region", "kind", "population", "lat", "lon", "time_zone", "oktmo", "areas"} {
		if v := get(f); !utf8.ValidString(v) {
			bad("%s is not valid UTF-8", f)
			return m, problems
		}
	}
	var known directory.Place
	correcting := false
	if s := get("id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			bad("id %q is not a GeoNames id", s)
		} else if known, correcting = dir.ByID(id); !correcting {
			bad("id %d is not in the directory", id)
		}
		m.ID = id
	}
	m.OKTMO = get("oktmo")
	if m.OKTMO != "" && !codePattern.MatchString(m.OKTMO) {
		bad("oktmo %q is not an 8–11 digit code", m.OKTMO)
	}
	if s := get("id"); s == "" {
		if m.OKTMO == "" {
			bad("a new municipality needs its oktmo (or soato) code")
		} else if codePattern.MatchString(m.OKTMO) {
			code, _ := strconv.ParseInt(m.OKTMO, 10, 64)
			m.ID = -code
		}
	}
	m.Country = strings.ToUpper(get("country"))
	if m.Country == "" && correcting {
		m.Country = known.Country
	}
	if m.Country != "RU" && m.Country != "BY" {
		bad("country %q is not RU or BY", get("country"))
	}
	m.NameRU, m.NameBE, m.NameEN = get("name_ru"), get("name_be"), get("name_en")
	if correcting {
		m.NameRU, m.NameBE, m.NameEN = or(m.NameRU, known.NameRU), or(m.NameBE, known.NameBE), or(m.NameEN, known.NameEN)
	}
	if m.NameRU == "" {
		bad("name_ru is empty")
	}
	for _, n := range []string{m.NameRU, m.NameBE, m.NameEN} {
		if utf8.RuneCountInString(n) > 200 {
			bad("a name is longer than 200 characters")
		}
	}
	m.RegionCode = known.RegionCode
	if s := get("region"); s != "" {
		if code, ok := regionCode(dir, s); ok {
			m.RegionCode = code
		} else {
			bad("region %q is unknown (use a code such as RU.69 or the region's name)", s)
		}
	}
	m.Kind = places.KindKey(known.Kind)
	if s := get("kind"); s != "" {
		if _, ok := kindByName[s]; !ok {
			bad("kind %q is not town, district_centre, region_centre or capital", s)
		}
		m.Kind = s
	}
	m.Population = known.Population
	if s := get("population"); s != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
		if err != nil || n < 0 {
			bad("population %q is not a whole number", s)
		}
		m.Population = n
	}
	m.Lat, m.Lon = known.Lat, known.Lon
	lat, latErr := parseCoord(get("lat"), 90)
	lon, lonErr := parseCoord(get("lon"), 180)
	switch {
	case get("lat") == "" && get("lon") == "" && correcting:
	case latErr != nil || lonErr != nil:
		bad("lat/lon %q, %q are not coordinates in degrees", get("lat"), get("lon"))
	default:
		m.Lat, m.Lon = lat, lon
	}
	m.TimeZone = known.TimeZone
	if s := get("time_zone"); s != "" {
		if _, err := time.LoadLocation(s); err != nil || !strings.Contains(s, "/") {
			bad("time_zone %q is not an IANA zone such as Europe/Moscow", s)
		}
		m.TimeZone = s
	} else if m.TimeZone == "" {
		m.TimeZone = nearestZone(dir, m.Lat, m.Lon)
	}
	if s := get("areas"); s != "" {
		for _, a := range strings.Split(s, ";") {
			a = strings.TrimSpace(a)
			if areaIndex(a) < 0 {
				bad("area %q is unknown (one of %s)", a, strings.Join(Areas, ", "))
				continue
			}
			m.Areas = append(m.Areas, a)
		}
	}
	return m, problems
}

// ApplyRegistry adds the imported municipalities the directory lacks and
// applies the corrections of those it has. It runs once at start.
func ApplyRegistry(ctx context.Context, db *store.DB, dir *directory.Directory) error {
	rows, err := db.Municipalities(ctx)
	if err != nil {
		return err
	}
	for _, m := range rows {
		p := directory.Place{
			ID: m.ID, Country: m.Country, NameRU: m.NameRU, NameBE: m.NameBE, NameEN: m.NameEN,
			RegionCode: m.RegionCode, Kind: kindByName[m.Kind], Population: m.Population,
			Lat: m.Lat, Lon: m.Lon, TimeZone: m.TimeZone,
		}
		if err := dir.Put(p); err != nil {
			return fmt.Errorf("partners: apply registry row %d: %w", m.ID, err)
		}
	}
	return nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func parseCoord(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > limit {
		return 0, fmt.Errorf("bad coordinate %q", s)
	}
	return v, nil
}

func regionCode(dir *directory.Directory, s string) (string, bool) {
	for _, r := range dir.Regions() {
		if strings.EqualFold(r.Code, s) || strings.EqualFold(r.NameRU, s) || strings.EqualFold(r.NameBE, s) || strings.EqualFold(r.NameEN, s) {
			return r.Code, true
		}
	}
	return "", false
}

// nearestZone is the time zone of the directory place nearest to a point.
func nearestZone(dir *directory.Directory, lat, lon float64) string {
	best, zone := math.Inf(1), ""
	at := directory.Place{Lat: lat, Lon: lon}
	for _, p := range dir.Places() {
		if d := directory.Distance(at, p); d < best && p.TimeZone != "" {
			best, zone = d, p.TimeZone
		}
	}
	return zone
}
