package maps

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math"
	"runtime"
	"testing"

	"github.com/fogleman/gg"
)

func TestDeterministic(t *testing.T) {
	req := vitebsk("ru")
	first, err := Render(req)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		again, err := Render(vitebsk("ru"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("the same request gave different bytes")
		}
	}
	other := vitebsk("ru")
	other.Points = other.Points[:5]
	if b, _ := Render(other); bytes.Equal(first, b) {
		t.Fatal("a different request gave the same bytes")
	}
}

// hitColour encodes a marker's position in the list as a colour.
func hitColour(i int) color.RGBA { return color.RGBA{uint8(i + 1), 0x80, uint8(255 - i), 0xff} }

// hitMap draws every marker's shape in a colour of its own, in the order
// the map draws them: a marker whose centre shows its own colour is not
// hidden by another.
func hitMap(s *scene) *image.RGBA {
	dc := gg.NewContext(s.req.Size.W, s.req.Size.H)
	order := drawOrder(s.markers)
	for _, m := range order {
		i := indexOf(s.markers, m)
		dc.SetColor(hitColour(i))
		dc.DrawCircle(m.x, m.y, m.r+markerRimPx*s.unit)
		dc.Fill()
	}
	return dc.Image().(*image.RGBA)
}

func indexOf(ms []*marker, m *marker) int {
	for i, x := range ms {
		if x == m {
			return i
		}
	}
	return -1
}

func near(a, b color.Color, tol int) bool { return colourDistance(a, b) <= tol }

// checkEverySuggestionShows checks that each numbered suggestion of req has
// its own marker, unhidden, in the suggestion colour, within reach of its
// place, on the rendered image.
func checkEverySuggestionShows(t *testing.T, req Request) {
	t.Helper()
	img, s, err := paint(req)
	if err != nil {
		t.Fatal(err)
	}
	hits := hitMap(s)
	seen := map[int]bool{}
	for i, m := range s.markers {
		if m.home || m.kind != Suggestion {
			continue
		}
		p := req.Points[m.index]
		if m.number != p.Number || seen[p.Number] {
			t.Fatalf("marker %d carries number %d, point has %d", i, m.number, p.Number)
		}
		seen[p.Number] = true
		cx, cy := int(math.Round(m.x)), int(math.Round(m.y))
		if !image.Pt(cx, cy).In(img.Bounds()) {
			t.Errorf("suggestion %d (%s) is off the map at %d,%d", p.Number, p.Label, cx, cy)
			continue
		}
		if got := hits.RGBAAt(cx, cy); got != hitColour(i) {
			t.Errorf("suggestion %d (%s) is hidden by another marker", p.Number, p.Label)
		}
		// The rendered image shows the suggestion colour on the marker's
		// disc, left of the number.
		if got := img.At(int(m.x-m.r*0.75), cy); !near(got, suggestionFill, 40) {
			t.Errorf("suggestion %d (%s): colour %v at its marker, want %v", p.Number, p.Label, got, suggestionFill)
		}
		if d := math.Hypot(m.x-m.ax, m.y-m.ay); d > 6*m.r {
			t.Errorf("suggestion %d (%s) drawn %.0f px from its place", p.Number, p.Label, d)
		}
	}
	for _, p := range req.Points {
		if p.Kind == Suggestion && !seen[p.Number] {
			t.Errorf("suggestion %d (%s) has no marker", p.Number, p.Label)
		}
	}
}

func TestEverySuggestionShows(t *testing.T) {
	t.Run("vitebsk", func(t *testing.T) { checkEverySuggestionShows(t, vitebsk("en")) })

	// Ten suggestions in one spot must still show ten numbers.
	t.Run("crowded", func(t *testing.T) {
		req := vitebsk("en")
		for i := range req.Points {
			req.Points[i].Lat, req.Points[i].Lon = 54.78+float64(i%3)*0.01, 32.04
		}
		checkEverySuggestionShows(t, req)
	})

	// Suggestions spread from Brest to Vladivostok: the whole of Russia.
	t.Run("far east", func(t *testing.T) {
		req := vitebsk("ru")
		req.Points[3].Lat, req.Points[3].Lon = 43.1056, 131.8735
		req.Points[4].Lat, req.Points[4].Lon = 64.7314, 177.5015 // Anadyr
		req.Points[5].Lat, req.Points[5].Lon = 52.0976, 23.7341  // Brest
		checkEverySuggestionShows(t, req)
	})
}

func TestFrames(t *testing.T) {
	// A town across the antimeridian (Chukotka's east, at negative
	// longitude) lands in the east beside Kamchatka, not on the far left.
	req := Request{Points: []Point{{Lat: 53.0, Lon: 158.65}, {Lat: 66.0, Lon: -169.8}, {Lat: 55.75, Lon: 37.62}}, Size: Large}
	s, err := plan(req)
	if err != nil {
		t.Fatal(err)
	}
	kam, chu, msk := s.markers[0], s.markers[1], s.markers[2]
	w := float64(s.req.Size.W)
	if !(msk.ax < w/3 && kam.ax > 2*w/3 && chu.ax > 2*w/3 && chu.ax < w && chu.ay < kam.ay) {
		t.Errorf("Moscow at %.0f,%.0f, Kamchatka at %.0f,%.0f, Chukotka at %.0f,%.0f", msk.ax, msk.ay, kam.ax, kam.ay, chu.ax, chu.ay)
	}
	// Close points are framed closely, but at least MinSpanKm across.
	s, err = plan(Request{Home: &Point{Lat: 53.9, Lon: 27.57}, Points: []Point{{Lat: 53.95, Lon: 27.6}}})
	if err != nil {
		t.Fatal(err)
	}
	if km := s.proj.kmPerPixel(53.9) * float64(s.req.Size.W); km < MinSpanKm || km > 2*MinSpanKm {
		t.Errorf("two points in Minsk: frame %.0f km across", km)
	}
}

func TestConcurrentRendersAgree(t *testing.T) {
	want, err := Render(vitebsk("be"))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			got, err := Render(vitebsk("be"))
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestBadRequests(t *testing.T) {
	for _, req := range []Request{
		{Size: Size{W: 10, H: 10}},
		{Size: Size{W: 99999, H: 500}},
		{Home: &Point{Lat: math.NaN()}},
		{Points: []Point{{Lat: 91}}},
		{Points: make([]Point, maxPoints+1)},
		{Points: []Point{{Lat: 55, Lon: 30, Kind: Kind(7)}}},
	} {
		if _, err := Render(req); err == nil {
			t.Errorf("%+v: no error", req.Size)
		}
	}
}

// BenchmarkRender measures a suggestion map: go test -bench Render
// -benchmem ./handlers/partners/maps/ (docs/MAPS.md has the figures).
func BenchmarkRender(b *testing.B) {
	for _, bc := range []struct {
		name string
		req  Request
	}{
		{"suggestions", vitebsk("ru")},
		{"locator", Request{Lang: "ru", Home: &Point{Lat: 55.79, Lon: 49.12, Label: "Казань"}, Size: Small, View: Overview}},
		{"russia", Request{Lang: "ru", Home: &Point{Lat: 43.11, Lon: 131.87, Label: "Владивосток"}, View: Russia}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := Render(bc.req); err != nil { // loads the atlas and fonts once
				b.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			var size int
			for b.Loop() {
				png, err := Render(bc.req)
				if err != nil {
					b.Fatal(err)
				}
				size = len(png)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(size), "png-bytes")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
		})
	}
}
