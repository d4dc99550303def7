package translit

import (
	"slices"
	"testing"
)

func TestKeySameName(t *testing.T) {
	// Each group spells one name in different scripts and systems.
	groups := [][]string{
		{"Vitebsk", "Витебск", "ВИТЕБСК", "Vitebsk'", "Vittebsk"},
		{"Віцебск", "Vitsyebsk", "Viciebsk", "Vitsiebsk", "Вiцебск"},
		{"Гомель", "Gomel", "Gomel'", "Homyel'", "Homiel", "Гомєль"},
		{"Магілёў", "Mahilyow", "Mahilioŭ", "Mahiliou"},
		{"Могилёв", "Могилев", "Mogilev", "Mogilëv", "Mogiljov"},
		{"Орёл", "Orel", "Oryol", "Orël", "Orjol"},
		{"Хабаровск", "Khabarovsk", "Xabarovsk", "Habarovsk"},
		{"Ярославль", "Yaroslavl'", "Iaroslavl", "Jaroslavl", "Jaroslavlʹ"},
		{"Нижний Новгород", "Nizhniy Novgorod", "Nizhnii Novgorod", "Nizhnij Novgorod", "Nižnij Novgorod", "Nizhny-Novgorod"},
		{"Щучин", "Shchuchin", "Shhuchin", "Ŝučin", "Šč učin"},
		{"Шчучын", "Shchuchyn", "Ščučyn"},
		{"Жодзіна", "Zhodzina", "Žodzina", "Żodzina"},
		{"Хойнікі", "Khoyniki", "Chojniki"},
		{"Нарьян-Мар", "Nar'yan-Mar", "Narian-Mar", "Nar’jan-Mar"},
		{"Подъездной", "Pod\"yezdnoy", "Podieezdnoi", "Podjezdnoj"},
		{"Йошкар-Ола", "Yoshkar-Ola", "Ioshkar-Ola", "Joškar-Ola", "Yoshkar Ola", "Yoshkarola"},
		{"Чебоксары", "Cheboksary", "Čeboksary"},
		{"Петропавловск-Камчатский", "Petropavlovsk-Kamchatskiy", "Petropavlovsk-Kamchatsky", "Petropavlovsk-Kamčatskij"},
		{"Сергеевка", "Sergeyevka", "Sergeevka"},
	}
	for _, g := range groups {
		keys := Keys(g[0])
		for _, s := range g[1:] {
			if k := Key(s); !slices.Contains(keys, k) {
				t.Errorf("Key(%q) = %q, not among Keys(%q) = %q", s, k, g[0], keys)
			}
		}
	}
}

func TestKeyDifferentNames(t *testing.T) {
	pairs := [][2]string{
		{"Витебск", "Віцебск"}, // the Russian and Belarusian names differ
		{"Кировск", "Кировская"},
		{"Москва", "Масква"},
		{"Орша", "Орёл"},
		{"Тула", "Тюль"},
		{"Чита", "Шита"},
	}
	for _, p := range pairs {
		if Key(p[0]) == Key(p[1]) {
			t.Errorf("Key(%q) == Key(%q) == %q", p[0], p[1], Key(p[0]))
		}
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Витебск", []string{"vitebsk"}},
		{"Орёл", []string{"orel", "oriol"}},
		{"Хойнікі", []string{"Goiniki", "Qoiniki"}},
		{"Хабаровск", []string{"Gabarovsk"}}, // Russian: х stays kh
		{"", []string{""}},
		{"维捷布斯克", []string{"维捷布斯克"}},
	}
	for _, tt := range tests {
		if got := Keys(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Keys(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Key(tt.in); got != tt.want[0] {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want[0])
		}
		if got := string(AppendKey([]byte("x"), tt.in)); got != "x"+tt.want[0] {
			t.Errorf("AppendKey(x, %q) = %q", tt.in, got)
		}
	}
}

func TestKeyInvalidUTF8(t *testing.T) {
	if got := Key("Vi\xfftebsk"); got != "vitebsk" {
		t.Errorf("Key with an invalid byte = %q, want vitebsk", got)
	}
}

func TestSpelling(t *testing.T) {
	tests := []struct {
		s          string
		ru, be     bool
		belLetters bool
	}{
		{"Витебск", true, false, false},
		{"Віцебск", false, true, true},
		{"Вітебськ", false, false, true}, // Ukrainian
		{"Гомель", true, true, false},
		{"Гродно", true, false, false}, // two unstressed-looking о
		{"Гродна", true, true, false},
		{"Брянск", true, false, false}, // р is hard in Belarusian
		{"Бранск", true, true, false},
		{"Братск", true, false, false}, // тс becomes ц
		{"Грозный", true, false, false},
		{"Грозны", true, true, false},
		{"Тверь", true, false, false},
		{"Магілёў", false, true, true},
		{"Нар’ян-Мар", false, true, false},
		{"Подъезд", true, false, false},
		{"Витьбьскъ", false, false, false}, // old orthography
		{"Чырвоная Слабада", false, true, false},
		{"Торопець", false, false, false},
		{"Соьлж-ГІала", false, false, true}, // Chechen
		{"Vitebsk", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		if got := IsRussianSpelling(tt.s); got != tt.ru {
			t.Errorf("IsRussianSpelling(%q) = %v, want %v", tt.s, got, tt.ru)
		}
		if got := IsBelarusianSpelling(tt.s); got != tt.be {
			t.Errorf("IsBelarusianSpelling(%q) = %v, want %v", tt.s, got, tt.be)
		}
		if got := HasBelarusianLetters(tt.s); got != tt.belLetters {
			t.Errorf("HasBelarusianLetters(%q) = %v, want %v", tt.s, got, tt.belLetters)
		}
	}
}

func TestScript(t *testing.T) {
	tests := []struct {
		s            string
		cyril, latin bool
	}{
		{"Витебск", true, false},
		{"Vitebsk", false, true},
		{"Жодзiна", false, false}, // a Latin i among Cyrillic letters
		{"Санкт-Петербург 2", true, false},
		{"123", false, false},
		{"维捷布斯克", false, false},
	}
	for _, tt := range tests {
		if got := IsCyrillic(tt.s); got != tt.cyril {
			t.Errorf("IsCyrillic(%q) = %v", tt.s, got)
		}
		if got := IsLatin(tt.s); got != tt.latin {
			t.Errorf("IsLatin(%q) = %v", tt.s, got)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"vitebsk", "vitebsk", 2, 0},
		{"vitebsk", "vitbesk", 2, 1}, // transposition
		{"vitebsk", "vitebk", 2, 1},
		{"vitebsk", "vitebsks", 2, 1},
		{"vitebsk", "witebsk", 2, 1},
		{"gomel", "gmeol", 2, 2},
		{"gomel", "xyz", 2, 3}, // capped at max+1
		{"", "abc", 5, 3},
		{"abc", "", 1, 2},
		{"novosibirsk", "nvoosbirisk", 5, 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
		if got := Distance(tt.b, tt.a, tt.max); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d (reversed)", tt.b, tt.a, tt.max, got, tt.want)
		}
	}
	long := string(make([]byte, 100))
	if got := Distance(long, long+"a", 2); got != 1 {
		t.Errorf("Distance of long strings = %d", got)
	}
}

func BenchmarkKeys(b *testing.B) {
	names := []string{"Петропавловск-Камчатский", "Vitsyebsk", "Орёл", "Хойнікі", "Nizhniy Novgorod"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Keys(names[i%len(names)])
		i++
	}
}
