package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// cityRow is one line of GeoNames' cities500.txt (see
// https://download.geonames.org/export/dump/readme.txt for the columns).
type cityRow struct {
	ID          int64
	Name        string
	ASCIIName   string
	Alternates  []string
	Lat, Lon    float64
	FeatureCode string
	Country     string
	Admin1      string
	Admin2      string
	Population  int
	TimeZone    string
}

// findFile returns the first of dir/rel for rel in rels that exists.
func findFile(dir string, rels ...string) (string, error) {
	for _, rel := range rels {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s found under %s", strings.Join(rels, ", "), dir)
}

// readCities reads the rows of cities500.txt whose country is in countries.
func readCities(path string, countries map[string]bool) ([]cityRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read cities: %w", err)
	}
	defer f.Close()
	var rows []cityRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 19 {
			return nil, fmt.Errorf("read cities: %s:%d: %d fields, want 19", path, line, len(fields))
		}
		if !countries[fields[8]] {
			continue
		}
		r := cityRow{
			Name:        fields[1],
			ASCIIName:   fields[2],
			FeatureCode: fields[7],
			Country:     fields[8],
			Admin1:      fields[10],
			Admin2:      fields[11],
			TimeZone:    fields[17],
		}
		if fields[3] != "" {
			r.Alternates = strings.Split(fields[3], ",")
		}
		var errs []error
		var e error
		r.ID, e = strconv.ParseInt(fields[0], 10, 64)
		errs = append(errs, e)
		r.Lat, e = strconv.ParseFloat(fields[4], 64)
		errs = append(errs, e)
		r.Lon, e = strconv.ParseFloat(fields[5], 64)
		errs = append(errs, e)
		r.Population, e = strconv.Atoi(fields[14])
		errs = append(errs, e)
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("read cities: %s:%d: %w", path, line, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read cities: %w", err)
	}
	return rows, nil
}

// readMO reads a GNU gettext message catalogue and returns its translations
// keyed by msgid. Plural forms and contexts do not occur in geonames.mo; for
// such entries only the first form is kept.
func readMO(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mo: %w", err)
	}
	m, err := parseMO(data)
	if err != nil {
		return nil, fmt.Errorf("read mo %s: %w", path, err)
	}
	return m, nil
}

func parseMO(data []byte) (map[string]string, error) {
	if len(data) < 28 {
		return nil, errors.New("too short for a .mo header")
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(data) {
	case 0x950412de:
		bo = binary.LittleEndian
	case 0xde120495:
		bo = binary.BigEndian
	default:
		return nil, errors.New("not a .mo file (bad magic number)")
	}
	n := int(bo.Uint32(data[8:]))
	origs := int(bo.Uint32(data[12:]))
	trans := int(bo.Uint32(data[16:]))
	str := func(table, i int) (string, error) {
		at := table + 8*i
		if at < 0 || at+8 > len(data) {
			return "", fmt.Errorf("entry %d outside the file", i)
		}
		l, off := int(bo.Uint32(data[at:])), int(bo.Uint32(data[at+4:]))
		if off < 0 || l < 0 || off+l > len(data) {
			return "", fmt.Errorf("string %d outside the file", i)
		}
		s := string(data[off : off+l])
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return s, nil
	}
	m := make(map[string]string, n)
	for i := 0; i < n; i++ {
		k, err := str(origs, i)
		if err != nil {
			return nil, err
		}
		v, err := str(trans, i)
		if err != nil {
			return nil, err
		}
		if j := strings.IndexByte(k, 4); j >= 0 { // msgctxt EOT msgid
			k = k[j+1:]
		}
		if k != "" && v != "" {
			m[k] = v
		}
	}
	return m, nil
}

// moCatalogue holds the names one geonames.mo gives: places keyed by
// geonameid and administrative divisions keyed by codes such as "RU.47".
type moCatalogue struct {
	Places  map[int64]string
	Regions map[string]string
}

func splitMO(m map[string]string) moCatalogue {
	c := moCatalogue{Places: map[int64]string{}, Regions: map[string]string{}}
	for k, v := range m {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil {
			c.Places[id] = v
		} else if strings.Contains(k, ".") {
			c.Regions[k] = v
		}
	}
	return c
}

// readPrefixMap decodes one file of the geocoding data that
// github.com/nyaruka/phonenumbers serialises from libphonenumber: gzip of a
// little-endian uint32 byte length, that many bytes of newline-separated
// values, a uint32 count, then count pairs of (uvarint prefix delta, uint16
// value index).
func readPrefixMap(path string) (map[int64]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read geocoding: %w", err)
	}
	m, err := parsePrefixMap(raw)
	if err != nil {
		return nil, fmt.Errorf("read geocoding %s: %w", path, err)
	}
	return m, nil
}

func parsePrefixMap(gz []byte) (map[int64]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(data)
	var size uint32
	if err := binary.Read(r, binary.LittleEndian, &size); err != nil {
		return nil, err
	}
	if int64(size) > int64(r.Len()) {
		return nil, errors.New("value block longer than the file")
	}
	vb := make([]byte, size)
	if _, err := io.ReadFull(r, vb); err != nil {
		return nil, err
	}
	values := strings.Split(string(vb), "\n")
	var count uint32
	if err := binary.Read(r, binary.LittleEndian, &count); err != nil {
		return nil, err
	}
	m := make(map[int64]string, count)
	var prefix int64
	for i := uint32(0); i < count; i++ {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		prefix += int64(d)
		var idx uint16
		if err := binary.Read(r, binary.LittleEndian, &idx); err != nil {
			return nil, err
		}
		if int(idx) >= len(values) {
			return nil, fmt.Errorf("value index %d out of range", idx)
		}
		m[prefix] = values[idx]
	}
	return m, nil
}

// phoneName is one Belarusian geocoding entry in the three languages, split
// into the place and, where the data names it, its oblast.
type phoneName struct {
	Prefix             int64
	BE, RU, EN         string
	RegionBE, RegionRU string
	RegionEN           string
}

// readPhoneNames reads the be, ru and en geocoding files in dir and returns
// the entries for the country calling code cc (375 for Belarus), one per
// place: entries such as "Полацк/Наваполацк" are split.
func readPhoneNames(dir string, cc string) ([]phoneName, error) {
	byLang := map[string]map[int64]string{}
	for _, lang := range []string{"be", "ru", "en"} {
		m, err := readPrefixMap(filepath.Join(dir, lang+".txt.gz"))
		if err != nil {
			return nil, err
		}
		byLang[lang] = m
	}
	seen := map[string]bool{}
	var out []phoneName
	for prefix, be := range byLang["be"] {
		if !strings.HasPrefix(strconv.FormatInt(prefix, 10), cc) {
			continue
		}
		ru, en := byLang["ru"][prefix], byLang["en"][prefix]
		if ru == "" || en == "" {
			return nil, fmt.Errorf("read geocoding: prefix %d has be %q but ru %q, en %q", prefix, be, ru, en)
		}
		bePlace, beRegion := cutRegion(be)
		ruPlace, ruRegion := cutRegion(ru)
		enPlace, enRegion := cutRegion(en)
		bes, rus, ens := strings.Split(bePlace, "/"), strings.Split(ruPlace, "/"), strings.Split(enPlace, "/")
		if len(bes) != len(rus) || len(bes) != len(ens) {
			return nil, fmt.Errorf("read geocoding: prefix %d: %q, %q, %q split unevenly", prefix, be, ru, en)
		}
		for i := range bes {
			p := phoneName{
				Prefix: prefix,
				BE:     strings.TrimSpace(bes[i]), RU: strings.TrimSpace(rus[i]), EN: strings.TrimSpace(ens[i]),
				RegionBE: beRegion, RegionRU: ruRegion, RegionEN: enRegion,
			}
			key := p.BE + "|" + p.RegionBE
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, p)
		}
	}
	return out, nil
}

func cutRegion(s string) (place, region string) {
	place, region, _ = strings.Cut(s, ",")
	return strings.TrimSpace(place), strings.TrimSpace(region)
}

// phonenumbersModule is the version of github.com/nyaruka/phonenumbers whose
// data the directory was built from.
const phonenumbersModule = "github.com/nyaruka/phonenumbers@v1.8.1"

// phonenumbersGeocodingDir asks the go command for the module's directory
// in the module cache, downloading it if needed.
func phonenumbersGeocodingDir() (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", phonenumbersModule).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go mod download %s: %w: %s", phonenumbersModule, err, ee.Stderr)
		}
		return "", fmt.Errorf("go mod download %s: %w", phonenumbersModule, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", phonenumbersModule, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", phonenumbersModule, info.Error)
	}
	return filepath.Join(info.Dir, "data", "prefix_to_geocodings"), nil
}
