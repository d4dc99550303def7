package geodata

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"reflect"
	"testing"
)

func sample() *Atlas {
	return &Atlas{
		Countries: []Country{
			{Code: 112, ISO: "BY", NameEN: "Belarus", NameRU: "Беларусь", NameBE: "Беларусь"},
			{Code: 643, ISO: "RU", NameEN: "Russia", NameRU: "Россия", NameBE: "Расія"},
			{NameEN: "Somewhere"},
		},
		Layers: []Layer{{
			Scale: 50,
			Grid:  Grid{LonStep: 0.0036, LatStep: 0.0017, LonOrigin: -180, LatOrigin: -90},
			Arcs: []Arc{
				{Left: 0, Right: 1, Points: []int32{100, 200, 101, 199, -5, 70000}},
				{Left: 2, Right: -1, Points: []int32{0, 0, 1, 1}},
			},
			Polygons: []Polygon{{Country: 0, Rings: [][]int32{{0, ^1}}}, {Country: 2, Rings: [][]int32{{1}, {^0}}}},
		}},
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sample()) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, sample())
	}
	var again bytes.Buffer
	Encode(&again, sample())
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two encodings differ")
	}
}

func TestDecodeRejectsBadData(t *testing.T) {
	var good bytes.Buffer
	Encode(&good, sample())
	bad := sample()
	bad.Layers[0].Polygons[0].Rings[0][0] = 7 // no arc 7
	var badRef bytes.Buffer
	Encode(&badRef, bad)
	for name, raw := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("PBMAP\x01"),
		"bad arc":   badRef.Bytes(),
		"truncated": truncate(t, good.Bytes()),
	} {
		if _, err := Decode(bytes.NewReader(raw)); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "bad arc" && !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	if err := Encode(&bytes.Buffer{}, &Atlas{Layers: []Layer{{Arcs: []Arc{{Points: []int32{1}}}}}}); err == nil {
		t.Error("encoded an arc of one coordinate")
	}
}

// truncate re-compresses the atlas less its last bytes.
func truncate(t *testing.T, gz []byte) []byte {
	t.Helper()
	a, err := Decode(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	a.Layers[0].Polygons = a.Layers[0].Polygons[:1]
	var buf bytes.Buffer
	Encode(&buf, a)
	raw := buf.Bytes()
	return raw[:len(raw)-12]
}

func TestCountryName(t *testing.T) {
	c := sample().Countries[1]
	for lang, want := range map[string]string{"ru": "Россия", "be": "Расія", "en": "Russia", "de": "Russia"} {
		if got := c.Name(lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := (Country{NameEN: "X", NameRU: "Икс"}).Name("be"); got != "Икс" {
		t.Errorf("Belarusian falls back to Russian: got %q", got)
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	Encode(&buf, sample())
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		f.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, raw []byte) {
		decodeRaw(raw) // must not panic nor allocate without bound
	})
}
