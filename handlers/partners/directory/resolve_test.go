package directory

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// GeoNames ids of places the tests name.
const (
	idVitebsk     = 620127
	idGomel       = 627907
	idGrodno      = 627904
	idBrest       = 629634
	idMogilev     = 625665
	idMinsk       = 625144
	idMoscow      = 524901
	idPetersburg  = 498817
	idSmolensk    = 491687
	idPskov       = 504341
	idBryansk     = 571476
	idOryol       = 515012
	idKhabarovsk  = 2022890
	idYaroslavl   = 468902
	idNizhny      = 520555
	idYoshkarOla  = 466806
	idNaryanMar   = 523392
	idKrasnoyarsk = 1502026
	idYekaterinb  = 1486209
	idNovosibirsk = 1496747
	idPetrozavods = 509820
	idOrsha       = 624079
	idZhodino     = 618800
	idKhoyniki    = 627362
	idBabruysk    = 630468
)

func TestResolveSpellings(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query string
		want  int64
	}{
		// Vitebsk in every common system.
		{"Vitebsk", idVitebsk},
		{"Vitsyebsk", idVitebsk}, // BGN/PCGN Belarusian
		{"Viciebsk", idVitebsk},  // Belarusian national system
		{"Віцебск", idVitebsk},
		{"Витебск", idVitebsk},
		{"ВИТЕБСК", idVitebsk},
		{"витебск", idVitebsk},
		{"Witebsk", idVitebsk},
		{"  Vitebsk  ", idVitebsk},
		{"«Витебск»", idVitebsk},
		// Prefixes and suffixes.
		{"г. Витебск", idVitebsk},
		{"г.Витебск", idVitebsk},
		{"г Витебск", idVitebsk},
		{"город Витебск", idVitebsk},
		{"горад Віцебск", idVitebsk},
		{"city of Vitebsk", idVitebsk},
		{"Vitebsk city", idVitebsk},
		{"town of Orsha", idOrsha},
		// The oblast centres, Minsk and Moscow in three languages.
		{"Гомель", idGomel},
		{"Gomel", idGomel},
		{"Homyel'", idGomel},
		{"Homiel", idGomel},
		{"Гродна", idGrodno},
		{"Гродно", idGrodno},
		{"Grodno", idGrodno},
		{"Hrodna", idGrodno},
		{"Брэст", idBrest},
		{"Brest", idBrest},
		{"Магілёў", idMogilev},
		{"Могилев", idMogilev},
		{"Могилёв", idMogilev},
		{"Mogilev", idMogilev},
		{"Mahilyow", idMogilev},
		{"Mahilioŭ", idMogilev},
		{"Mahiliou", idMogilev},
		{"Мінск", idMinsk},
		{"Minsk", idMinsk},
		{"Масква", idMoscow},
		{"Moskva", idMoscow},
		{"Moscow", idMoscow},
		{"Санкт-Пецярбург", idPetersburg},
		{"Санкт Петербург", idPetersburg},
		{"Sankt-Peterburg", idPetersburg},
		{"Saint Petersburg", idPetersburg},
		{"Смаленск", idSmolensk},
		{"Smalensk", idSmolensk},
		{"Пскоў", idPskov},
		{"Pskow", idPskov},
		{"Бранск", idBryansk},
		{"Briansk", idBryansk}, // ICAO
		// ё = е, and the systems that spell ё as yo.
		{"Орел", idOryol},
		{"Орёл", idOryol},
		{"Oryol", idOryol},
		{"Orel", idOryol},
		{"Orël", idOryol},
		{"Арол", idOryol},
		// GOST 7.79 B, ICAO, BGN/PCGN, GOST 7.79 A.
		{"Xabarovsk", idKhabarovsk},
		{"Khabarovsk", idKhabarovsk},
		{"Habarovsk", idKhabarovsk},
		{"Iaroslavl", idYaroslavl},
		{"Yaroslavl'", idYaroslavl},
		{"Jaroslavl", idYaroslavl},
		{"Nizhnii Novgorod", idNizhny},
		{"Nizhnij Novgorod", idNizhny},
		{"Nizhniy Novgorod", idNizhny},
		{"Nižnij Novgorod", idNizhny},
		{"Ніжні Ноўгарад", idNizhny},
		{"Yoshkar-Ola", idYoshkarOla},
		{"Ioshkar-Ola", idYoshkarOla},
		{"Joškar-Ola", idYoshkarOla},
		{"Ёшкар-Ала", idYoshkarOla},
		{"Nar'yan-Mar", idNaryanMar},
		{"Narian-Mar", idNaryanMar},
		{"Нарьян Мар", idNaryanMar},
		{"Ekaterinburg", idYekaterinb},
		{"Yekaterinburg", idYekaterinb},
		{"Екацярынбург", idYekaterinb},
		// Belarusian district centres.
		{"Жодзіна", idZhodino},
		{"Жодино", idZhodino},
		{"Zhodzina", idZhodino},
		{"Žodzina", idZhodino},
		{"Хойнікі", idKhoyniki},
		{"Хойники", idKhoyniki},
		{"Chojniki", idKhoyniki}, // national system: х is ch
		{"Khoyniki", idKhoyniki},
		{"Бабруйск", idBabruysk},
		{"Бобруйск", idBabruysk},
		{"Babrujsk", idBabruysk},
		{"Babruysk", idBabruysk},
		{"Bobruisk", idBabruysk},
	}
	for _, tt := range tests {
		r := d.Resolve(tt.query, 5)
		if r.Problem != ProblemNone {
			t.Errorf("Resolve(%q): problem %v", tt.query, r.Problem)
			continue
		}
		if len(r.Matches) == 0 || r.Matches[0].Place.ID != tt.want {
			t.Errorf("Resolve(%q) = %s, want %d first", tt.query, describe(r), tt.want)
			continue
		}
		if r.Matches[0].Edits != 0 {
			t.Errorf("Resolve(%q): first match %q with %d edits, want an exact match", tt.query, r.Matches[0].Name, r.Matches[0].Edits)
		}
	}
}

func describe(r Resolution) string {
	var b strings.Builder
	b.WriteString("[")
	for i, m := range r.Matches {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Place.Name("en") + " " + m.Place.RegionCode)
	}
	b.WriteString("] closest [")
	for i, p := range r.Closest {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name("en"))
	}
	b.WriteString("] problem " + r.Problem.String())
	return b.String()
}

func TestResolveTypos(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query string
		want  int64
		edits int
	}{
		{"Vitbesk", idVitebsk, 1},  // transposition
		{"Vitebk", idVitebsk, 1},   // deletion
		{"Vittebsk", idVitebsk, 0}, // a doubled letter is not an error
		{"Витепск", idVitebsk, 0},  // an alternate spelling
		{"Гомкль", idGomel, 1},     // substitution
		{"Gomell", idGomel, 0},     // doubled
		{"Gomek", idGomel, 1},      // short name, one substitution
		{"Krasnoyarks", idKrasnoyarsk, 1},
		{"Екатеренбург", idYekaterinb, 1},
		{"Yekaterinbrug", idYekaterinb, 1},
		{"Novosibrisk", idNovosibirsk, 1},
		{"Novosibrsk", idNovosibirsk, 1},
		{"Nvosibirks", idNovosibirsk, 2}, // eight letters or more: two errors
		{"Petrozavotsk", idPetrozavods, 1},
		{"Pertozavodks", idPetrozavods, 2},
		{"Магилёв", idMogilev, 1},
	}
	for _, tt := range tests {
		r := d.Resolve(tt.query, 5)
		if len(r.Matches) == 0 || !hasMatch(r, tt.want) {
			t.Errorf("Resolve(%q) = %s, want %d", tt.query, describe(r), tt.want)
			continue
		}
		if m := r.Matches[0]; m.Edits != tt.edits {
			t.Errorf("Resolve(%q): first match %s with %d edits, want %d", tt.query, m.Place.Name("en"), m.Edits, tt.edits)
		}
	}
	// Beyond the budget: two errors in a short name, three in a long one.
	for _, q := range []string{"Gmeol", "Vtiebks", "Nvoosbirisk"} {
		r := d.Resolve(q, 5)
		if len(r.Matches) != 0 {
			t.Errorf("Resolve(%q) = %s, want no match", q, describe(r))
		}
	}
	// "Did you mean": a name too far for a match still gets suggestions.
	r := d.Resolve("Vtiebks", 5)
	if len(r.Closest) == 0 || !slices.ContainsFunc(r.Closest, func(p Place) bool { return p.ID == idVitebsk }) {
		t.Errorf("Resolve(Vtiebks).Closest = %s, want Vitebsk among them", describe(r))
	}
}

func TestResolveQualifier(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query      string
		wantRegion string // every match in it
		minMatches int
	}{
		{"Kirovsk, Leningrad", "RU.42", 1},
		{"Kirovsk, Leningrad Oblast", "RU.42", 1},
		{"Kirovsk (Leningradskaya oblast')", "RU.42", 1},
		{"Кировск, Ленинградская область", "RU.42", 1},
		{"Кировск Мурманская", "RU.49", 1},
		{"Кировск Мурманской обл.", "RU.49", 1},
		{"Kirovsk Murmansk", "RU.49", 1},
		{"Кіраўск, Магілёўская вобласць", "BY.06", 1},
		{"Кировск Могилевская", "BY.06", 1},
		{"Октябрьский Башкортостан", "RU.08", 1},
		{"Oktyabrsky, Bashkortostan", "RU.08", 1},
		{"Октябрьский, Рязанская", "RU.62", 1},
		{"Советск Калининградская", "RU.23", 1},
		{"Советск, Кировская", "RU.33", 1},
		{"Vitebsk, Belarus", "BY.07", 1},
		{"Витебск Беларусь", "BY.07", 1},
		{"Кировск, Кировская", "", 0},
	}
	for _, tt := range tests {
		r := d.Resolve(tt.query, 0)
		if len(r.Matches) < tt.minMatches {
			t.Errorf("Resolve(%q) = %s, want at least %d matches", tt.query, describe(r), tt.minMatches)
			continue
		}
		for _, m := range r.Matches {
			if m.Place.RegionCode != tt.wantRegion {
				t.Errorf("Resolve(%q): match %s in %s, want only %s", tt.query, m.Place.Name("en"), m.Place.RegionCode, tt.wantRegion)
			}
		}
		if len(r.Within) == 0 {
			t.Errorf("Resolve(%q): Within is empty, want the qualifier's scope", tt.query)
		}
	}

	// Without the qualifier all three Kirovsks match; with one naming a
	// region that has none, they are offered as suggestions.
	all := d.Resolve("Кировск", 0)
	if len(all.Matches) < 3 {
		t.Fatalf("Resolve(Кировск) = %s, want three or more", describe(all))
	}
	r := d.Resolve("Кировск, Тульская область", 0)
	if len(r.Matches) != 0 || len(r.Closest) < 3 || !slices.Equal(r.Within, []string{"RU.76"}) {
		t.Errorf("Resolve(Кировск, Тульская область) = %s within %v, want no match, the Kirovsks as suggestions, within RU.76", describe(r), r.Within)
	}
	// A qualifier naming no region is ignored.
	r = d.Resolve("Кировск, Атлантида", 0)
	if len(r.Matches) != len(all.Matches) || r.Within != nil {
		t.Errorf("Resolve(Кировск, Атлантида) = %s within %v, want all Kirovsks", describe(r), r.Within)
	}
	// A typo together with a qualifier.
	r = d.Resolve("Kirovks, Murmansk", 0)
	if len(r.Matches) != 1 || r.Matches[0].Place.RegionCode != "RU.49" {
		t.Errorf("Resolve(Kirovks, Murmansk) = %s, want Kirovsk in RU.49", describe(r))
	}
	// Names that end in a region's name still match whole.
	for q, id := range map[string]int64{"Нижний Новгород": idNizhny, "Великий Новгород": 519336, "Ростов-на-Дону": 501175} {
		if r := d.Resolve(q, 1); len(r.Matches) == 0 || r.Matches[0].Place.ID != id || r.Within != nil {
			t.Errorf("Resolve(%q) = %s within %v", q, describe(r), r.Within)
		}
	}
}

func TestResolveHomonyms(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query string
		min   int
	}{
		{"Октябрьский", 4},
		{"Oktyabrskiy", 4},
		{"Кировск", 3},
		{"Советск", 2},
		{"Первомайский", 3},
		{"Красное", 2},
	}
	for _, tt := range tests {
		r := d.Resolve(tt.query, 0)
		if len(r.Matches) < tt.min {
			t.Errorf("Resolve(%q): %d matches, want at least %d: %s", tt.query, len(r.Matches), tt.min, describe(r))
			continue
		}
		for i := 1; i < len(r.Matches); i++ {
			a, b := r.Matches[i-1], r.Matches[i]
			if a.Alternate == b.Alternate && a.Place.Population < b.Place.Population {
				t.Errorf("Resolve(%q): %s (%d) before %s (%d)", tt.query, a.Place.Name("en"), a.Place.Population, b.Place.Name("en"), b.Place.Population)
			}
			if a.Alternate && !b.Alternate {
				t.Errorf("Resolve(%q): alternate match %q before own name %q", tt.query, a.Name, b.Name)
			}
		}
		if r.Matches[0].Place.ID == 0 {
			t.Errorf("Resolve(%q): empty place", tt.query)
		}
	}
	if r := d.Resolve("Октябрьский", 2); len(r.Matches) != 2 || r.Matches[0].Place.RegionCode != "RU.08" {
		t.Errorf("Resolve(Октябрьский, limit 2) = %s, want the Bashkir one first, two in all", describe(r))
	}
}

func TestResolveBadInput(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query string
		want  Problem // ProblemNone: searched, but must not match
	}{
		{"", ProblemEmpty},
		{"   \t\n", ProblemEmpty},
		{"a", ProblemTooShort},
		{"Ф", ProblemTooShort},
		{"г.", ProblemTooShort},
		{"г. Ф", ProblemTooShort},
		{strings.Repeat("а", 500), ProblemTooLong},
		{strings.Repeat("Витебск ", 13), ProblemTooLong},
		{"😀😀😀", ProblemNoLetters},
		{"%", ProblemNoLetters},
		{"*", ProblemNoLetters},
		{`"`, ProblemNoLetters},
		{"'", ProblemNoLetters},
		{"''''", ProblemNoLetters},
		{"12345", ProblemNoLetters},
		{"-- ;", ProblemNoLetters},
		{"\xff\xfe", ProblemInvalidUTF8},
		{"Vitebsk\xc3", ProblemInvalidUTF8},
		{`"a" OR b*`, ProblemNone},
		{"'; DROP TABLE places; --", ProblemNone},
		{"Robert'); DROP TABLE Students;--", ProblemNone},
		{"<script>alert(1)</script>", ProblemNone},
		{"%%%Витебск%%%", ProblemNone}, // searched: the name survives
	}
	for _, tt := range tests {
		r := d.Resolve(tt.query, 5)
		if r.Problem != tt.want {
			t.Errorf("Resolve(%.40q).Problem = %v, want %v", tt.query, r.Problem, tt.want)
		}
		if tt.want != ProblemNone && (len(r.Matches) > 0 || len(r.Closest) > 0) {
			t.Errorf("Resolve(%.40q) with problem %v returned places", tt.query, r.Problem)
		}
		if tt.want == ProblemNone && !strings.Contains(tt.query, "Витебск") && len(r.Matches) > 0 {
			t.Errorf("Resolve(%.40q) = %s, want no match", tt.query, describe(r))
		}
	}
	if r := d.Resolve("%%%Витебск%%%", 5); !hasMatch(r, idVitebsk) {
		t.Errorf("Resolve(%%%%%%Витебск%%%%%%) = %s", describe(r))
	}
	if r := d.Resolve(strings.Repeat("я", MaxQueryRunes), 5); r.Problem != ProblemNone {
		t.Errorf("a query of exactly MaxQueryRunes: problem %v", r.Problem)
	}
	for p := ProblemNone; p <= ProblemTooShort+1; p++ {
		if p.String() == "" {
			t.Errorf("Problem(%d) has no name", p)
		}
	}
}

func TestResolveLimit(t *testing.T) {
	d := testDirectory(t)
	if r := d.Resolve("Октябрьский", 1); len(r.Matches) != 1 {
		t.Errorf("limit 1: %d matches", len(r.Matches))
	}
	if r := d.Resolve("Qwxzzq Vbnmk", 0); len(r.Closest) > DefaultClosest {
		t.Errorf("limit 0: %d suggestions, want at most %d", len(r.Closest), DefaultClosest)
	}
	if r := d.Resolve("Vtiebks", 2); len(r.Closest) > 2 {
		t.Errorf("limit 2: %d suggestions", len(r.Closest))
	}
}

// noRussianName lists the places of over 10,000 people for which the
// sources give no Russian spelling of the Latin name: no Cyrillic
// alternate (Vorotynsk, Obruchevo), or only one for another name
// (Talovskiy: Таловая; Bologoye-4: Озёрный).
var noRussianName = map[int64]bool{484747: true, 818487: true, 831208: true, 11238229: true}

// TestWholeDirectoryResolves checks that every place of over 10,000 people
// is found from each of its names.
func TestWholeDirectoryResolves(t *testing.T) {
	d := testDirectory(t)
	checked := 0
	for _, p := range d.Places() {
		if p.Population <= 10000 {
			continue
		}
		if p.NameEN == "" || p.NameRU == "" && !noRussianName[p.ID] {
			t.Errorf("place %d (%s) lacks a Russian or English name", p.ID, p.Name("en"))
		}
		for _, name := range []string{p.NameRU, p.NameEN, p.NameBE} {
			if name == "" {
				continue
			}
			checked++
			if r := d.Resolve(name, 0); !hasMatch(r, p.ID) {
				t.Errorf("Resolve(%q) misses place %d (%s %s): %s", name, p.ID, p.Country, p.RegionCode, describe(r))
			}
		}
	}
	if checked < 3000 {
		t.Errorf("only %d names checked", checked)
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"Vitebsk", "Віцебск", "г. Витебск", "Kirovsk, Leningrad", "Кировск Мурманская", "Октябрьский",
		"", "a", "😀", `"a" OR b*`, "'; DROP TABLE", "\xff", "Kirovsk (", ")", ",", "г.,", "Ёё Ўў Іі ʼ’'",
		strings.Repeat("щ", 101), "Nizhnij-Novgorod,,,Россия", "city of ", "с. д. в.",
	} {
		f.Add(s, 5)
	}
	d, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		limit %= 50
		r := d.Resolve(q, limit)
		if r.Problem != ProblemNone && (len(r.Matches) > 0 || len(r.Closest) > 0) {
			t.Fatalf("problem %v with results", r.Problem)
		}
		if !utf8.ValidString(q) && r.Problem != ProblemInvalidUTF8 {
			t.Fatalf("invalid UTF-8 accepted")
		}
		if limit > 0 && (len(r.Matches) > limit || len(r.Closest) > limit) {
			t.Fatalf("limit %d exceeded: %d matches, %d suggestions", limit, len(r.Matches), len(r.Closest))
		}
		for _, m := range r.Matches {
			if _, ok := d.ByID(m.Place.ID); !ok {
				t.Fatalf("match %d not in the directory", m.Place.ID)
			}
		}
	})
}
