package stem

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	got := Tokens("Турыстычны паток +40% за два гады, аб'ект «Гарадскі парк»; e-bike")
	want := []string{"турыстычны", "паток", "40", "за", "два", "гады", "аб'ект", "гарадскі", "парк", "e", "bike"}
	if !slices.Equal(got, want) {
		t.Fatalf("Tokens = %q, want %q", got, want)
	}
}

func TestLang(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Турыстычны маршрут па старым горадзе і наваколлі", BE},
		{"Туристический маршрут по городу", RU},
		{"Tourist route around the town", EN},
		{"парк", RU}, // no telling letters: the fallback
	} {
		if got := Lang(tc.text, RU); got != tc.want {
			t.Errorf("Lang(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
}

// The same root in Russian and Belarusian, in different forms, must give
// the same key: this is what lets a Russian query find a Belarusian text.
func TestKeyAcrossLanguages(t *testing.T) {
	for _, tc := range []struct{ ru, be string }{
		{"туризм", "турызм"},
		{"туризма", "турызму"},
		{"туристов", "турыстаў"},
		{"экономика", "эканоміка"},
		{"фестиваль", "фестываль"},
		{"фестиваля", "фестывалю"},
		{"парков", "паркаў"},
		{"велосипедный", "веласіпедны"},
		{"дорога", "дарога"},
		{"город", "горад"},
		{"центр", "цэнтр"},
		{"медицина", "медыцына"},
		{"музей", "музей"},
		{"культура", "культура"},
		{"транспорт", "транспарт"},
		{"маршрут", "маршрут"},
		{"бренд", "брэнд"},
		{"жильё", "жыллё"},
		{"развитие", "развіццё"},
		{"уличное", "вулічнае"},
	} {
		r, b := Key(tc.ru, RU), Key(tc.be, BE)
		if r != b {
			t.Errorf("%s → %q, %s → %q: keys differ", tc.ru, r, tc.be, b)
		}
	}
}

func TestKeyForms(t *testing.T) {
	for _, tc := range []struct{ a, b, lang string }{
		{"туризм", "туризмом", RU},
		{"парк", "парками", RU},
		{"парк", "паркамі", BE},
		{"schools", "school", EN},
		{"ёлка", "елка", RU},
	} {
		if ka, kb := Key(tc.a, tc.lang), Key(tc.b, tc.lang); ka != kb {
			t.Errorf("%s → %q, %s → %q", tc.a, ka, tc.b, kb)
		}
	}
}

func TestKeysDropsFunctionWordsAndRepeats(t *testing.T) {
	got := Keys("Парк и парки в городе, 2024 — и это всё для людей", RU)
	want := []string{Key("парк", RU), Key("городе", RU), Key("людей", RU)}
	if !slices.Equal(got, want) {
		t.Fatalf("Keys = %q, want %q", got, want)
	}
	if k := Keys("и в на", RU); len(k) != 0 {
		t.Fatalf("function words gave keys %q", k)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"насенне": "насене",
		"дзеці":   "дети",
		"щука":    "шчука",
		"аб'ект":  "абект",
		"school":  "school",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
