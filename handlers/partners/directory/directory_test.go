package directory

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	loadOnce sync.Once
	loaded   *Directory
	loadErr  error
)

// testDirectory loads the embedded directory once for all tests; tests that
// add places load their own.
func testDirectory(t testing.TB) *Directory {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = Load() })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return loaded
}

func TestLoadContents(t *testing.T) {
	d := testDirectory(t)
	perCountry := map[string]int{}
	for _, p := range d.Places() {
		perCountry[p.Country]++
		if p.ID <= 0 {
			t.Errorf("place %+v: id %d", p, p.ID)
		}
		if p.Name("ru") == "" || p.Name("en") == "" {
			t.Errorf("place %d has no name", p.ID)
		}
		if _, ok := d.Region(p.RegionCode); !ok {
			t.Errorf("place %d (%s): unknown region %q", p.ID, p.Name("en"), p.RegionCode)
		}
		if !strings.HasPrefix(p.RegionCode, p.Country+".") {
			t.Errorf("place %d: region %q outside country %s", p.ID, p.RegionCode, p.Country)
		}
		// Russia and Belarus lie between these parallels and meridians
		// (Kaliningrad to Chukotka, which crosses 180°).
		if p.Lat < 41 || p.Lat > 82 || !(p.Lon > 19 || p.Lon < -168) {
			t.Errorf("place %d (%s): position %v, %v outside Russia and Belarus", p.ID, p.Name("en"), p.Lat, p.Lon)
		}
		if p.TimeZone == "" || (p.Country == "BY" && p.TimeZone != "Europe/Minsk") {
			t.Errorf("place %d: time zone %q", p.ID, p.TimeZone)
		}
		if p.Kind < Town || p.Kind > Capital {
			t.Errorf("place %d: kind %d", p.ID, p.Kind)
		}
	}
	if perCountry["RU"] < 4500 || perCountry["BY"] < 250 || len(perCountry) != 2 {
		t.Errorf("places per country = %v, want about 4850 RU and 300 BY", perCountry)
	}
	if got := len(d.Regions()); got != 90 {
		t.Errorf("%d regions, want 90 (83 Russian federal subjects in GeoNames, 6 oblasts and Minsk City)", got)
	}
}

// centres lists every capital and region centre with its names in Russian,
// Belarusian and English.
var centres = []struct {
	id         int64
	ru, be, en string
}{
	{620127, "Витебск", "Віцебск", "Vitebsk"},
	{627907, "Гомель", "Гомель", "Gomel"},
	{629634, "Брест", "Брэст", "Brest"},
	{627904, "Гродно", "Гродна", "Grodno"},
	{625665, "Могилёв", "Магілёў", "Mogilev"},
	{625144, "Минск", "Мінск", "Minsk"},
	{524901, "Москва", "Масква", "Moscow"},
	{498817, "Санкт-Петербург", "Санкт-Пецярбург", "Saint Petersburg"},
	{491687, "Смоленск", "Смаленск", "Smolensk"},
	{504341, "Псков", "Пскоў", "Pskov"},
	{571476, "Брянск", "Бранск", "Bryansk"},
	{1512236, "Абакан", "Абакан", "Abakan"},
	{2127202, "Анадырь", "Анадыр", "Anadyr"},
	{581049, "Архангельск", "Архангельск", "Arkhangelsk"},
	{580497, "Астрахань", "Астрахань", "Astrakhan"},
	{1510853, "Барнаул", "Барнаул", "Barnaul"},
	{578072, "Белгород", "Белгарад", "Belgorod"},
	{2026643, "Биробиджан", "Бірабіджан", "Birobidzhan"},
	{2026609, "Благовещенск", "Благавешчанск", "Blagoveshchensk"},
	{569696, "Чебоксары", "Чэбаксары", "Cheboksary"},
	{1508291, "Челябинск", "Чалябінск", "Chelyabinsk"},
	{569154, "Черкесск", "Чаркеск", "Cherkessk"},
	{2025339, "Чита", "Чыта", "Chita"},
	{563514, "Элиста", "Эліста", "Elista"},
	{1506271, "Горно-Алтайск", "Горна-Алтайск", "Gorno-Altaysk"},
	{558418, "Грозный", "Грозны", "Grozny"},
	{2023469, "Иркутск", "Іркуцк", "Irkutsk"},
	{555312, "Иваново", "Іванава", "Ivanovo"},
	{554840, "Ижевск", "Іжэўск", "Izhevsk"},
	{554234, "Калининград", "Калінінград", "Kaliningrad"},
	{553915, "Калуга", "Калуга", "Kaluga"},
	{551487, "Казань", "Казань", "Kazan"},
	{1503901, "Кемерово", "Кемерава", "Kemerovo"},
	{2022890, "Хабаровск", "Хабараўск", "Khabarovsk"},
	{1503772, "Ханты-Мансийск", "Ханты-Мансійск", "Khanty-Mansiysk"},
	{548408, "Киров", "Кіраў", "Kirov"},
	{543878, "Кострома", "Кастрама", "Kostroma"},
	{542420, "Краснодар", "Краснадар", "Krasnodar"},
	{1502026, "Красноярск", "Краснаярск", "Krasnoyarsk"},
	{1501321, "Курган", "Курган", "Kurgan"},
	{538560, "Курск", "Курск", "Kursk"},
	{1500973, "Кызыл", "Кызыл", "Kyzyl"},
	{535121, "Липецк", "Ліпецк", "Lipetsk"},
	{2123628, "Магадан", "Магадан", "Magadan"},
	{6313621, "Магас", "Магас", "Magas"},
	{532096, "Махачкала", "Махачкала", "Makhachkala"},
	{528293, "Майкоп", "Майкоп", "Maykop"},
	{524305, "Мурманск", "Мурманск", "Murmansk"},
	{523523, "Нальчик", "Нальчык", "Nalchik"},
	{523392, "Нарьян-Мар", "Нар’ян-Мар", "Naryan-Mar"},
	{520555, "Нижний Новгород", "Ніжні Ноўгарад", "Nizhny Novgorod"},
	{1496747, "Новосибирск", "Новасібірск", "Novosibirsk"},
	{1496153, "Омск", "Омск", "Omsk"},
	{515003, "Оренбург", "Арэнбург", "Orenburg"},
	{515012, "Орёл", "Арол", "Oryol"},
	{511565, "Пенза", "Пенза", "Penza"},
	{511196, "Пермь", "Перм", "Perm"},
	{2122104, "Петропавловск-Камчатский", "Петрапаўлаўск-Камчацкі", "Petropavlovsk-Kamchatskiy"},
	{509820, "Петрозаводск", "Петразаводск", "Petrozavodsk"},
	{501175, "Ростов-на-Дону", "Растоў-на-Доне", "Rostov-on-Don"},
	{500096, "Рязань", "Разань", "Ryazan"},
	{1493197, "Салехард", "Салехард", "Salekhard"},
	{499099, "Самара", "Самара", "Samara"},
	{498698, "Саранск", "Саранск", "Saransk"},
	{498677, "Саратов", "Саратаў", "Saratov"},
	{487846, "Ставрополь", "Стаўрапаль", "Stavropol"},
	{485239, "Сыктывкар", "Сыктыўкар", "Syktyvkar"},
	{484646, "Тамбов", "Тамбоў", "Tambov"},
	{1489425, "Томск", "Томск", "Tomsk"},
	{480562, "Тула", "Тула", "Tula"},
	{480060, "Тверь", "Цвер", "Tver"},
	{1488754, "Тюмень", "Цюмень", "Tyumen"},
	{479561, "Уфа", "Уфа", "Ufa"},
	{2014407, "Улан-Удэ", "Улан-Удэ", "Ulan-Ude"},
	{479123, "Ульяновск", "Ульянаўск", "Ulyanovsk"},
	{519336, "Великий Новгород", "Вялікі Ноўгарад", "Veliky Novgorod"},
	{473249, "Владикавказ", "Уладзікаўказ", "Vladikavkaz"},
	{473247, "Владимир", "Уладзімір", "Vladimir"},
	{2013348, "Владивосток", "Уладзівасток", "Vladivostok"},
	{472757, "Волгоград", "Валгаград", "Volgograd"},
	{472459, "Вологда", "Волагда", "Vologda"},
	{472045, "Воронеж", "Варонеж", "Voronezh"},
	{2013159, "Якутск", "Якуцк", "Yakutsk"},
	{468902, "Ярославль", "Яраслаўль", "Yaroslavl"},
	{1486209, "Екатеринбург", "Екацярынбург", "Yekaterinburg"},
	{466806, "Йошкар-Ола", "Ёшкар-Ала", "Yoshkar-Ola"},
	{2119441, "Южно-Сахалинск", "Южна-Сахалінск", "Yuzhno-Sakhalinsk"},
}

func TestCentreNames(t *testing.T) {
	d := testDirectory(t)
	listed := map[int64]bool{}
	for _, c := range centres {
		listed[c.id] = true
		p, ok := d.ByID(c.id)
		if !ok {
			t.Errorf("%s (%d) missing", c.en, c.id)
			continue
		}
		if p.NameRU != c.ru || p.NameBE != c.be || p.NameEN != c.en {
			t.Errorf("%d: names %q / %q / %q, want %q / %q / %q", c.id, p.NameRU, p.NameBE, p.NameEN, c.ru, c.be, c.en)
		}
		if p.Heuristic {
			t.Errorf("%s: names not checked (heuristic)", c.en)
		}
		if p.Kind != RegionCentre && p.Kind != Capital {
			t.Errorf("%s: kind %v, want a region centre or capital", c.en, p.Kind)
		}
	}
	for _, p := range d.Places() {
		if (p.Kind == RegionCentre || p.Kind == Capital) && !listed[p.ID] {
			t.Errorf("centre %d %s is not in the table", p.ID, p.Name("en"))
		}
	}
}

func TestRegionNames(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		code, lang, want string
	}{
		{"BY.07", "ru", "Витебская область"},
		{"BY.07", "be", "Віцебская вобласць"},
		{"BY.07", "en", "Vitebsk Region"},
		{"BY.01", "be", "Брэсцкая вобласць"},
		{"BY.04", "be", "Мінск"},
		{"RU.47", "be", "Маскоўская вобласць"},
		{"RU.47", "en", "Moscow Oblast"},
		{"RU.48", "be", "Масква"},
		{"RU.66", "be", "Санкт-Пецярбург"},
		// No source gives a Belarusian name: Russian stands in.
		{"RU.49", "be", "Мурманская область"},
		{"RU.86", "en", "Voronezh Oblast"},
		{"RU.08", "ru", "Республика Башкортостан"},
	}
	for _, tt := range tests {
		r, ok := d.Region(tt.code)
		if !ok {
			t.Errorf("region %s missing", tt.code)
			continue
		}
		if got := r.Name(tt.lang); got != tt.want {
			t.Errorf("Region(%s).Name(%s) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	vitebsk, _ := d.ByID(620127)
	if got := d.RegionName(vitebsk, "be-BY"); got != "Віцебская вобласць" {
		t.Errorf("RegionName(Vitebsk, be-BY) = %q", got)
	}
	if got := d.RegionName(Place{RegionCode: "XX.99"}, "ru"); got != "" {
		t.Errorf("RegionName(unknown) = %q, want empty", got)
	}
}

func TestPlaceName(t *testing.T) {
	full := Place{NameRU: "Витебск", NameBE: "Віцебск", NameEN: "Vitebsk"}
	noBE := Place{NameRU: "Кировск", NameEN: "Kirovsk"}
	onlyBE := Place{NameBE: "Рудаўка", NameEN: "Rudawka"}
	tests := []struct {
		p          Place
		lang, want string
	}{
		{full, "ru", "Витебск"},
		{full, "be", "Віцебск"},
		{full, "en", "Vitebsk"},
		{full, "be-BY", "Віцебск"},
		{full, "RU_ru", "Витебск"},
		{full, "de", "Vitebsk"},
		{full, "", "Vitebsk"},
		{noBE, "be", "Кировск"},
		{onlyBE, "ru", "Рудаўка"},
		{Place{NameRU: "Анадырь"}, "en", "Анадырь"},
		{Place{}, "ru", ""},
	}
	for _, tt := range tests {
		if got := tt.p.Name(tt.lang); got != tt.want {
			t.Errorf("%+v.Name(%q) = %q, want %q", tt.p, tt.lang, got, tt.want)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Town: "town", DistrictCentre: "district centre", RegionCentre: "region centre", Capital: "capital", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	d := testDirectory(t)
	get := func(id int64) Place {
		p, ok := d.ByID(id)
		if !ok {
			t.Fatalf("no place %d", id)
		}
		return p
	}
	tests := []struct {
		a, b     int64
		min, max float64
	}{
		{625144, 524901, 660, 690}, // Minsk–Moscow
		{620127, 491687, 115, 135}, // Vitebsk–Smolensk
		{629634, 627907, 490, 520}, // Brest–Gomel
	}
	for _, tt := range tests {
		a, b := get(tt.a), get(tt.b)
		if got := Distance(a, b); got < tt.min || got > tt.max {
			t.Errorf("Distance(%s, %s) = %.1f km, want %v–%v", a.NameEN, b.NameEN, got, tt.min, tt.max)
		}
		if Distance(a, b) != Distance(b, a) || Distance(a, a) != 0 {
			t.Errorf("Distance(%s, %s) is not symmetric or not zero to itself", a.NameEN, b.NameEN)
		}
	}
	antipodes := Distance(Place{Lat: 0, Lon: 0}, Place{Lat: 0, Lon: 180})
	if math.Abs(antipodes-math.Pi*6371.0088) > 1 {
		t.Errorf("half the equator = %.1f km", antipodes)
	}
}

func TestAdd(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	before := d.Len()
	p := Place{
		ID: -1, Country: "BY", NameRU: "Новоселки-Тестовые", NameBE: "Навасёлкі-Тэставыя", NameEN: "Navasyolki-Testavyya",
		RegionCode: "BY.07", Kind: Town, Population: 120, Lat: 55.1, Lon: 30.1, TimeZone: "Europe/Minsk",
	}
	if err := d.Add(p); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if d.Len() != before+1 {
		t.Errorf("Len = %d, want %d", d.Len(), before+1)
	}
	if got, ok := d.ByID(-1); !ok || got.NameBE != p.NameBE {
		t.Errorf("ByID(-1) = %+v, %v", got, ok)
	}
	for _, q := range []string{"Навасёлкі-Тэставыя", "Новоселки Тестовые", "Navasyolki-Testavyya", "Novoselki-Testovye", "Новоселки-Теставые"} {
		if !hasMatch(d.Resolve(q, 0), -1) {
			t.Errorf("Resolve(%q) does not find the added place", q)
		}
	}
	if err := d.Add(p); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("Add(duplicate) = %v, want ErrDuplicateID", err)
	}
	if err := d.Add(Place{ID: 620127, Country: "BY", NameRU: "Витебск"}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("Add(GeoNames id) = %v, want ErrDuplicateID", err)
	}
	invalid := []Place{
		{ID: -2, Country: "PL", NameRU: "Х"},
		{ID: -3, Country: "RU"},
		{ID: 0, Country: "RU", NameRU: "Ноль"},
		{ID: -4, Country: "RU", NameRU: "Север", Lat: 95},
		{ID: -5, Country: "RU", NameRU: "Плохо", Kind: 7},
		{ID: -6, Country: "RU", NameRU: "\xff"},
		{ID: -7, Country: "RU", NameRU: "Минус", Population: -1},
	}
	for _, p := range invalid {
		if err := d.Add(p); !errors.Is(err, ErrInvalidPlace) {
			t.Errorf("Add(%+v) = %v, want ErrInvalidPlace", p, err)
		}
	}
}

// TestAddWhileResolving exercises the lock: run with -race to check it.
func TestAddWhileResolving(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				if !hasMatch(d.Resolve("Vitebsk", 3), 620127) {
					t.Error("Vitebsk not found while adding")
					return
				}
				d.Resolve("Kirovks", 3)
			}
		})
	}
	for i := 1; i <= 50; i++ {
		if err := d.Add(Place{ID: int64(-100 - i), Country: "RU", NameRU: "Тестовка", Lat: 56, Lon: 40}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if got := len(d.Resolve("Тестовка", 0).Matches); got != 50 {
		t.Errorf("%d matches for the 50 added homonyms", got)
	}
}

func hasMatch(r Resolution, id int64) bool {
	for _, m := range r.Matches {
		if m.Place.ID == id {
			return true
		}
	}
	return false
}

func TestParseRejectsBadData(t *testing.T) {
	tests := map[string]string{
		"no header":      "P\t1\n",
		"unknown record": formatHeader + "\nX\t1\n",
		"short place":    formatHeader + "\nP\t1\tRU\n",
		"bad kind":       formatHeader + "\nP\t1\tRU\tRU.48\tQ\t1\t55\t37\tEurope/Moscow\t\tА\tБ\tC\t\n",
		"bad number":     formatHeader + "\nP\tx\tRU\tRU.48\tT\t1\t55\t37\tEurope/Moscow\t\tА\tБ\tC\t\n",
		"duplicate id":   formatHeader + "\nP\t1\tRU\tRU.48\tT\t1\t55\t37\tZ\t\tА\t\t\t\nP\t1\tRU\tRU.48\tT\t1\t55\t37\tZ\t\tА\t\t\t\n",
	}
	for name, raw := range tests {
		if _, err := parse([]byte(raw)); err == nil {
			t.Errorf("%s: parse succeeded", name)
		}
	}
	if _, err := load([]byte("not gzip")); err == nil {
		t.Error("load of non-gzip data succeeded")
	}
}

func TestPut(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	before := d.Len()
	// A correction of a GeoNames row.
	old, _ := d.ByID(idOrshaPut)
	fixed := old
	fixed.NameBE, fixed.Alternates, fixed.Population = "Ворша", nil, 110000
	if err := d.Put(fixed); err != nil {
		t.Fatalf("Put(correction): %v", err)
	}
	if d.Len() != before {
		t.Errorf("Len = %d after a correction, want %d", d.Len(), before)
	}
	got, _ := d.ByID(idOrshaPut)
	if got.NameBE != "Ворша" || got.Population != 110000 || !slices.Contains(got.Alternates, "Орша") && got.NameRU != "Орша" {
		t.Errorf("after Put: %+v", got)
	}
	for _, q := range []string{"Ворша", "Орша", "Orsha"} {
		r := d.Resolve(q, 0)
		if !hasMatch(r, idOrshaPut) {
			t.Errorf("Resolve(%q) misses the corrected place: %s", q, describe(r))
		}
		n := 0
		for _, m := range r.Matches {
			if m.Place.ID == idOrshaPut {
				n++
				if m.Place.NameBE != "Ворша" {
					t.Errorf("Resolve(%q) returns the old place %+v", q, m.Place)
				}
			}
		}
		if n != 1 {
			t.Errorf("Resolve(%q): the corrected place %d times", q, n)
		}
	}
	// With alternates given (here none), the old ones go.
	if r := d.Resolve("Orscha", 0); !hasMatch(r, idOrshaPut) {
		t.Errorf("Resolve(Orscha) misses the place before its alternates are replaced: %s", describe(r))
	}
	fixed.Alternates = []string{}
	if err := d.Put(fixed); err != nil {
		t.Fatal(err)
	}
	if r := d.Resolve("Orscha", 0); hasMatch(r, idOrshaPut) {
		t.Errorf("Resolve(Orscha) still finds the place after its alternates were replaced: %s", describe(r))
	}
	// A new place.
	if err := d.Put(Place{ID: -9, Country: "RU", NameRU: "Новоимпортск", Lat: 55, Lon: 37}); err != nil || d.Len() != before+1 {
		t.Errorf("Put(new) = %v, Len %d", err, d.Len())
	}
	if err := d.Put(Place{ID: -10, Country: "XX", NameRU: "Нигде"}); !errors.Is(err, ErrInvalidPlace) {
		t.Errorf("Put(invalid) = %v", err)
	}
}

const idOrshaPut = 624079
