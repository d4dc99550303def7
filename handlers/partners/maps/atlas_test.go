package maps

import (
	"testing"
)

func TestEmbeddedAtlas(t *testing.T) {
	a, err := loadAtlas()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{"RU": {"Russia", "Россия", "Расія"}, "BY": {"Belarus", "Беларусь", "Беларусь"}, "LT": {"Lithuania", "Литва", "Літва"}}
	for _, c := range a.countries {
		if w, ok := want[c.ISO]; ok {
			if got := [3]string{c.Name("en"), c.Name("ru"), c.Name("be")}; got != w {
				t.Errorf("%s: names %q, want %q", c.ISO, got, w)
			}
			delete(want, c.ISO)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing countries %v", want)
	}
	scales := map[int]bool{}
	for _, l := range a.layers {
		scales[l.scale] = true
		if len(l.polygons) == 0 || len(l.arcs) == 0 {
			t.Errorf("layer 1:%dm is empty", l.scale)
		}
	}
	if !scales[10] || !scales[50] {
		t.Errorf("layers %v, want 1:10m and 1:50m", scales)
	}
	if a.layerFor(0.5).scale != 10 || a.layerFor(5).scale != 50 {
		t.Error("close views should use 1:10m, wide ones 1:50m")
	}
}

func TestFontsCoverTheAlphabets(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFaces(fs, 1)
	if err != nil {
		t.Fatal(err)
	}
	letters := "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіўАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЎ’ʼ" +
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,()«»—–"
	for _, r := range letters {
		if _, ok := f.label.GlyphAdvance(r); !ok {
			t.Errorf("bold face lacks %q", r)
		}
		if _, ok := f.region.GlyphAdvance(r); !ok {
			t.Errorf("regular face lacks %q", r)
		}
	}
}
