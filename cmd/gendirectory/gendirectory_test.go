package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeMO encodes a gettext catalogue the way msgfmt does (without the hash
// table, which readers do not need).
func makeMO(order binary.ByteOrder, entries [][2]string) []byte {
	n := len(entries)
	headerLen := 28
	origTable := headerLen
	transTable := origTable + 8*n
	strings := transTable + 8*n
	var body bytes.Buffer
	var hdr = make([]byte, strings)
	magic := uint32(0x950412de)
	order.PutUint32(hdr[0:], magic)
	order.PutUint32(hdr[8:], uint32(n))
	order.PutUint32(hdr[12:], uint32(origTable))
	order.PutUint32(hdr[16:], uint32(transTable))
	put := func(table, i int, s string) {
		order.PutUint32(hdr[table+8*i:], uint32(len(s)))
		order.PutUint32(hdr[table+8*i+4:], uint32(strings+body.Len()))
		body.WriteString(s)
		body.WriteByte(0)
	}
	for i, e := range entries {
		put(origTable, i, e[0])
	}
	for i, e := range entries {
		put(transTable, i, e[1])
	}
	return append(hdr, body.Bytes()...)
}

func TestParseMO(t *testing.T) {
	entries := [][2]string{
		{"", "Project-Id-Version: geonames\n"},
		{"620127", "Віцебск"},
		{"BY.07", "Віцебская вобласць"},
		{"ctx\x04625665", "Магілёў"},
		{"1\x00plural", "форма\x00формы"},
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		m, err := parseMO(makeMO(order, entries))
		if err != nil {
			t.Fatalf("%v: %v", order, err)
		}
		want := map[string]string{"620127": "Віцебск", "BY.07": "Віцебская вобласць", "625665": "Магілёў", "1": "форма"}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%v: m[%q] = %q, want %q", order, k, m[k], v)
			}
		}
		if len(m) != len(want) {
			t.Errorf("%v: %d entries, want %d (the header entry dropped)", order, len(m), len(want))
		}
		cat := splitMO(m)
		if cat.Places[620127] != "Віцебск" || cat.Regions["BY.07"] == "" {
			t.Errorf("splitMO = %+v", cat)
		}
	}
	good := makeMO(binary.LittleEndian, entries)
	for name, data := range map[string][]byte{
		"short":     good[:10],
		"bad magic": append([]byte{1, 2, 3, 4}, good[4:]...),
		"truncated": good[:40],
	} {
		if _, err := parseMO(data); err == nil {
			t.Errorf("%s: parseMO succeeded", name)
		}
	}
}

// makePrefixMap encodes prefixes the way github.com/nyaruka/phonenumbers
// serialises its geocoding data.
func makePrefixMap(t *testing.T, m map[int64]string) []byte {
	t.Helper()
	var values []string
	index := map[string]uint16{}
	var prefixes []int64
	for p, v := range m {
		prefixes = append(prefixes, p)
		if _, ok := index[v]; !ok {
			index[v] = uint16(len(values))
			values = append(values, v)
		}
	}
	slices.Sort(prefixes)
	var raw bytes.Buffer
	vb := strings.Join(values, "\n")
	binary.Write(&raw, binary.LittleEndian, uint32(len(vb)))
	raw.WriteString(vb)
	binary.Write(&raw, binary.LittleEndian, uint32(len(prefixes)))
	last := int64(0)
	for _, p := range prefixes {
		raw.Write(binary.AppendUvarint(nil, uint64(p-last)))
		last = p
		binary.Write(&raw, binary.LittleEndian, index[m[p]])
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	return gz.Bytes()
}

func TestReadPhoneNames(t *testing.T) {
	dir := t.TempDir()
	files := map[string]map[int64]string{
		"be": {375212: "Віцебск", 375214: "Полацк/Наваполацк", 3752131: "Бешанковічы, Віцебская вобласць", 7495: "Масква"},
		"ru": {375212: "Витебск", 375214: "Полоцк/Новополоцк", 3752131: "Бешенковичи, Витебская область", 7495: "Москва"},
		"en": {375212: "Vitebsk", 375214: "Polotsk/Navapolatsk", 3752131: "Beshenkovichi, Vitebsk Region", 7495: "Moscow"},
	}
	for lang, m := range files {
		if err := os.WriteFile(filepath.Join(dir, lang+".txt.gz"), makePrefixMap(t, m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := readPhoneNames(dir, "375")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b phoneName) int { return strings.Compare(a.RU, b.RU) })
	want := []phoneName{
		{Prefix: 3752131, BE: "Бешанковічы", RU: "Бешенковичи", EN: "Beshenkovichi", RegionBE: "Віцебская вобласць", RegionRU: "Витебская область", RegionEN: "Vitebsk Region"},
		{Prefix: 375212, BE: "Віцебск", RU: "Витебск", EN: "Vitebsk"},
		{Prefix: 375214, BE: "Наваполацк", RU: "Новополоцк", EN: "Navapolatsk"},
		{Prefix: 375214, BE: "Полацк", RU: "Полоцк", EN: "Polotsk"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("readPhoneNames =\n%+v\nwant\n%+v", got, want)
	}
}

func TestPickName(t *testing.T) {
	tests := []struct {
		name  string
		cands []string
		p     pickParams
		want  string
	}{
		{"Russian spelling closest to the Latin name", []string{"Витебск", "Віцебск", "Витепск", "Vitebsk"},
			pickParams{Lang: "ru", Refs: []string{"Vitebsk"}}, "Витебск"},
		{"Ukrainian spelling of a tie loses", []string{"Твер", "Тверь"},
			pickParams{Lang: "ru", Refs: []string{"Tver"}, Others: []string{"Твер"}}, "Тверь"},
		{"Belarusian prefers і and ў", []string{"Кировск", "Кіраўск", "Кировськ"},
			pickParams{Lang: "be", Refs: []string{"Kirovsk"}, AvoidSame: "Кировск"}, "Кіраўск"},
		{"Belarusian of a Russian place: a Russian spelling is not one", []string{"Красноярск"},
			pickParams{Lang: "be", Refs: []string{"Krasnoyarsk"}, AvoidSame: "Красноярск"}, ""},
		{"Belarusian of a Russian place: akanie makes a spelling its own", []string{"Пересвет", "Перасвет"},
			pickParams{Lang: "be", Refs: []string{"Peresvet"}, AvoidSame: "Пересвет"}, "Перасвет"},
		{"Belarusian of a Russian place: Ukrainian final о", []string{"Пушкіно"},
			pickParams{Lang: "be", Refs: []string{"Pushkino"}, AvoidSame: "Пушкино"}, ""},
		{"a different name is not a spelling", []string{"Дурычы", "Дуричи"},
			pickParams{Lang: "ru", Refs: []string{"Znamenka"}}, ""},
		{"no Cyrillic candidate", []string{"Vitebsk", ""}, pickParams{Lang: "ru", Refs: []string{"Vitebsk"}}, ""},
	}
	for _, tt := range tests {
		if got := pickName(tt.cands, tt.p).Name; got != tt.want {
			t.Errorf("%s: pickName(%q) = %q, want %q", tt.name, tt.cands, got, tt.want)
		}
	}
}

func TestLetterModelContrast(t *testing.T) {
	ru := trainLetterModel([]string{"Красное", "Сосновое", "Высокое", "Зелёное", "Лесной", "Боровое"})
	be := trainLetterModel([]string{"Краснае", "Сасновае", "Высокае", "Зялёнае", "Лясны", "Баравое"})
	p := pickParams{Lang: "ru", Belarus: true, Refs: []string{"Krasnaye"}, Model: ru, Contrast: be}
	if got := pickName([]string{"Краснае", "Красное"}, p).Name; got != "Красное" {
		t.Errorf("Russian name of a Belarusian place = %q, want Красное", got)
	}
	p = pickParams{Lang: "be", Belarus: true, Refs: []string{"Krasnaye"}, Model: be, Contrast: ru}
	if got := pickName([]string{"Красное", "Краснае"}, p).Name; got != "Краснае" {
		t.Errorf("Belarusian name = %q, want Краснае", got)
	}
}

func TestFoldCityUnits(t *testing.T) {
	rows := []cityRow{
		{ID: 1, Name: "Pinsk", Country: "BY", FeatureCode: "PPL", Lat: 52.12, Lon: 26.09, Population: 130000},
		{ID: 2, Name: "Horad Pinsk", Country: "BY", FeatureCode: "PPLA2", Lat: 52.121, Lon: 26.07},
		{ID: 3, Name: "Horad Zhodzina", Country: "BY", FeatureCode: "PPLA2", Population: 65000},
		{ID: 4, Name: "Horad Faraway", Country: "BY", FeatureCode: "PPLA2", Lat: 10, Lon: 10},
		{ID: 5, Name: "Faraway", Country: "BY", FeatureCode: "PPL", Lat: 50, Lon: 30},
	}
	got := foldCityUnits(rows)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{1, 3, 4, 5}) {
		t.Errorf("kept %v, want 1 3 4 5", ids)
	}
	if got[0].FeatureCode != "PPLA2" {
		t.Errorf("Pinsk feature code %q, want PPLA2 from its city unit", got[0].FeatureCode)
	}
}

func TestParseOverrides(t *testing.T) {
	good := "# comment\n\nplace\t1\tru\tАнадырь\twhy\nplace\t2\tkind\tdistrict\twhy\nplace\t3\tdrop\t-\twhy\nregion\tRU.86\ten\tVoronezh Oblast\twhy\n"
	ovs, err := parseOverrides(strings.NewReader(good))
	if err != nil || len(ovs) != 4 {
		t.Fatalf("parseOverrides = %d, %v", len(ovs), err)
	}
	if ovs[0].ID != 1 || ovs[0].Value != "Анадырь" || ovs[3].Code != "RU.86" {
		t.Errorf("parsed %+v, %+v", ovs[0], ovs[3])
	}
	for _, bad := range []string{
		"place\t1\tru\tX\n",
		"place\tx\tru\tX\twhy\n",
		"place\t1\tde\tX\twhy\n",
		"place\t1\tru\t\twhy\n",
		"place\t1\tkind\tvillage\twhy\n",
		"region\tRU86\ten\tX\twhy\n",
		"region\tRU.86\tkind\tX\twhy\n",
		"city\t1\tru\tX\twhy\n",
		"place\t1\tru\tX\t\n",
	} {
		if _, err := parseOverrides(strings.NewReader(bad)); err == nil {
			t.Errorf("parseOverrides(%q) succeeded", bad)
		}
	}
	f, err := os.Open("overrides.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := parseOverrides(f); err != nil {
		t.Errorf("overrides.tsv: %v", err)
	}
}

func TestFilterAlternates(t *testing.T) {
	got := filterAlternates([]string{"VTB", "Vitebsk", "Витебск", "Vitsyebsk", "Віцебск", "Witebsk", "维捷布斯克", "Witebsk", "", "a|b"},
		"Витебск", "Віцебск", "Vitebsk")
	want := []string{"Witebsk"}
	if !slices.Equal(got, want) {
		t.Errorf("filterAlternates = %q, want %q", got, want)
	}
}

func TestCleanEnglish(t *testing.T) {
	for in, want := range map[string]string{"Tver'": "Tver", "Kazan’": "Kazan", "Nar'yan-Mar": "Naryan-Mar", " Saint  Petersburg ": "Saint Petersburg"} {
		if got := cleanEnglish(in); got != want {
			t.Errorf("cleanEnglish(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBuild runs the whole pipeline on a few rows.
func TestBuild(t *testing.T) {
	src := sources{
		Cities: []cityRow{
			{ID: 620127, Name: "Vitebsk", ASCIIName: "Vitebsk", Alternates: []string{"VTB", "Витебск", "Віцебск", "Vitsyebsk", "Вітебськ"}, FeatureCode: "PPLA", Country: "BY", Admin1: "07", Population: 342700, Lat: 55.19, Lon: 30.2, TimeZone: "Europe/Minsk"},
			{ID: 630429, Name: "Byeshankovichy", Alternates: []string{"Бешенковичи", "Бешанковічы"}, FeatureCode: "PPL", Country: "BY", Admin1: "07", Population: 7000, Lat: 55.05, Lon: 29.45, TimeZone: "Europe/Minsk"},
			{ID: 548391, Name: "Kirovsk", Alternates: []string{"Kirovsk", "Кировск", "Кіраўск"}, FeatureCode: "PPL", Country: "RU", Admin1: "42", Population: 24678, Lat: 59.87, Lon: 30.98, TimeZone: "Europe/Moscow"},
			{ID: 1, Name: "Some District", Country: "RU", Admin1: "42", FeatureCode: "PPLX"},
		},
		MO: map[string]moCatalogue{
			"ru": {Places: map[int64]string{620127: "Витебск"}, Regions: map[string]string{"BY.07": "Витебская Область", "RU.42": "Ленинградская область"}},
			"be": {Places: map[int64]string{620127: "Віцебск"}, Regions: map[string]string{"BY.07": "Віцебская Вобласць"}},
			"en": {Places: map[int64]string{620127: "Vitebsk"}, Regions: map[string]string{"BY.07": "Vitebsk Region", "RU.42": "Leningradskaya Oblast'"}},
		},
		Phones: []phoneName{{Prefix: 3752131, BE: "Бешанковічы", RU: "Бешенковичи", EN: "Beshenkovichi", RegionBE: "Віцебская вобласць", RegionRU: "Витебская область", RegionEN: "Vitebsk Region"}},
	}
	ovs, err := parseOverrides(strings.NewReader("region\tRU.42\ten\tLeningrad Oblast\tsource spelling\n"))
	if err != nil {
		t.Fatal(err)
	}
	src.Overrides = ovs
	res, err := build(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Places) != 3 || res.Stats.Dropped != 1 {
		t.Fatalf("%d places, %d dropped; want 3 and 1", len(res.Places), res.Stats.Dropped)
	}
	byID := map[int64]*place{}
	for _, p := range res.Places {
		byID[p.ID] = p
	}
	if p := byID[630429]; p.RU != "Бешенковичи" || p.BE != "Бешанковічы" || p.EN != "Beshenkovichi" || p.Kind != 'D' || p.Heuristic() {
		t.Errorf("Beshankovichy = %+v, want libphonenumber's names, a district centre, not heuristic", p)
	}
	if p := byID[548391]; p.RU != "Кировск" || p.BE != "Кіраўск" || !p.HeurRU || !p.HeurBE {
		t.Errorf("Kirovsk = %+v, want heuristic Кировск / Кіраўск", p)
	}
	if p := byID[620127]; p.Kind != 'R' || slices.Contains(p.Alternates, "VTB") || slices.Contains(p.Alternates, "Витебск") {
		t.Errorf("Vitebsk = %+v", p)
	}
	if res.Regions[0].Code != "BY.07" || res.Regions[0].BE != "Віцебская вобласць" || res.Regions[1].EN != "Leningrad Oblast" {
		t.Errorf("regions = %+v", res.Regions)
	}
	var out bytes.Buffer
	if err := encodeDirectory(&out, res); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		formatHeader + "\n",
		"R\tBY.07\tВитебская область\tВіцебская вобласць\tVitebsk Region\t",
		"P\t548391\tRU\tRU.42\tT\t24678\t59.87\t30.98\tEurope/Moscow\th\tКировск\tКіраўск\tKirovsk\t",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	var again bytes.Buffer
	res2, _ := build(src)
	encodeDirectory(&again, res2)
	if again.String() != text {
		t.Error("two builds from the same sources differ")
	}
}
