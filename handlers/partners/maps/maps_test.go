package maps

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// vitebsk is a suggestion list as /partners Vitebsk gives it: Russian
// towns across the border, numbered, and an existing partner.
func vitebsk(lang string) Request {
	names := map[string][]string{
		"ru": {"Витебск", "Смоленск", "Великие Луки", "Невель", "Велиж", "Рудня", "Себеж", "Пустошка", "Демидов", "Псков", "Ярцево", "Брянск"},
		"be": {"Віцебск", "Смаленск", "Вялікія Лукі", "Невель", "Веліж", "Рудня", "Себеж", "Пустошка", "Дзямідаў", "Пскоў", "Ярцава", "Бранск"},
		"en": {"Vitebsk", "Smolensk", "Velikiye Luki", "Nevel", "Velizh", "Rudnya", "Sebezh", "Pustoshka", "Demidov", "Pskov", "Yartsevo", "Bryansk"},
	}[lang]
	pos := [][2]float64{
		{55.1904, 30.2049}, {54.7818, 32.0401}, {56.3400, 30.5455}, {56.0201, 29.9239}, {55.6057, 31.1856},
		{54.9441, 31.0794}, {56.2908, 28.4725}, {56.3381, 29.3672}, {55.2679, 31.5096}, {57.8136, 28.3496},
		{55.0698, 32.6923}, {53.2521, 34.3717},
	}
	req := Request{
		Lang: lang,
		Home: &Point{Lat: pos[0][0], Lon: pos[0][1], Label: names[0]},
		Legend: map[string]Legend{
			"ru": {Home: "Ваш город", Suggestion: "Предложения", Partner: "Партнёры", Venue: "Место встречи", Km: "км"},
			"be": {Home: "Ваш горад", Suggestion: "Прапановы", Partner: "Партнёры", Venue: "Месца сустрэчы", Km: "км"},
			"en": {Home: "Your town", Suggestion: "Suggestions", Partner: "Partners", Venue: "Venue", Km: "km"},
		}[lang],
		Regions: map[string][]Area{
			"ru": {{55.0, 32.8, "Смоленская область"}, {57.2, 29.3, "Псковская область"}, {55.4, 28.6, "Витебская область"}, {53.4, 30.2, "Могилёвская область"}, {56.9, 33.0, "Тверская область"}},
			"be": {{55.0, 32.8, "Смаленская вобласць"}, {57.2, 29.3, "Пскоўская вобласць"}, {55.4, 28.6, "Віцебская вобласць"}, {53.4, 30.2, "Магілёўская вобласць"}, {56.9, 33.0, "Цвярская вобласць"}},
			"en": {{55.0, 32.8, "Smolensk Oblast"}, {57.2, 29.3, "Pskov Oblast"}, {55.4, 28.6, "Vitebsk Region"}, {53.4, 30.2, "Mogilev Region"}, {56.9, 33.0, "Tver Oblast"}},
		}[lang],
	}
	for i := 1; i <= 10; i++ {
		req.Points = append(req.Points, Point{Lat: pos[i][0], Lon: pos[i][1], Label: names[i], Number: i, Kind: Suggestion})
	}
	req.Points = append(req.Points, Point{Lat: pos[11][0], Lon: pos[11][1], Label: names[11], Kind: Partner})
	return req
}

func decodePNG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// golden compares got with testdata/name, allowing small differences (a
// different CPU may round a few edge pixels otherwise), or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	a, b := decodePNG(t, want), decodePNG(t, got)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("%s: size %v, golden %v", name, b.Bounds(), a.Bounds())
	}
	// Tolerance: at most 0.5% of pixels may differ, each by at most a
	// little; anything more is a changed picture.
	differ, far := 0, 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := colourDistance(a.At(x, y), b.At(x, y))
			if d > 6 {
				differ++
			}
			if d > 96 {
				far++
			}
		}
	}
	total := r.Dx() * r.Dy()
	if differ > total/200 || far > total/2000 {
		out := filepath.Join(t.TempDir(), name)
		os.WriteFile(out, got, 0o644)
		t.Errorf("%s: %d pixels differ (%d by much) of %d; got %s (go test -update if the change is meant)", name, differ, far, total, out)
	}
}

func colourDistance(a, b color.Color) int {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
}

func absDiff(a, b uint32) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestGoldenSuggestions(t *testing.T) {
	for _, lang := range []string{"ru", "be", "en"} {
		t.Run(lang, func(t *testing.T) {
			png, err := Render(vitebsk(lang))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, fmt.Sprintf("vitebsk.%s.png", lang), png)
		})
	}
}

func TestGoldenLocators(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Point
		lang string
	}{
		{"locator.pinsk.be.png", Point{Lat: 52.1115, Lon: 26.1031, Label: "Пінск"}, "be"},
		{"locator.kazan.ru.png", Point{Lat: 55.7887, Lon: 49.1221, Label: "Казань"}, "ru"},
		{"locator.vladivostok.en.png", Point{Lat: 43.1056, Lon: 131.8735, Label: "Vladivostok"}, "en"},
		{"venue.minsk.ru.png", Point{Lat: 53.9, Lon: 27.5667, Label: "Минск", Kind: Venue}, "ru"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			png, err := Locator(tc.p, tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, png)
		})
	}
}
