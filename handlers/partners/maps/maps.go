// Package maps draws Pobratim's maps as PNG pictures: partner suggestions
// around the searcher's municipality, a small locator for a profile, a
// forum's venue. It knows nothing of Telegram: it takes points and labels
// in the reader's language and returns image bytes.
//
// The base map is Natural Earth's country outlines (public domain), cut to
// Russia, Belarus and their surroundings by cmd/genmap and embedded
// (docs/MAPS.md). The projection is a Lambert conformal conic one with
// standard parallels 52° and 64° N. Labels use the embedded PT Sans, which
// covers Russian and Belarusian.
//
// Rendering is deterministic: the same Request gives the same bytes, so a
// sent picture can be reused.
package maps

import (
	"bytes"
	"errors"
	"fmt"
	"math"
)

// Kind is what a point on the map is.
type Kind int

// Kinds of points.
const (
	Suggestion Kind = iota // a suggested partner, numbered as in the list
	Partner                // an existing partner
	Venue                  // where a forum or meeting takes place
)

// Point is a place on the map.
type Point struct {
	Lat, Lon float64 // degrees, WGS 84
	Label    string  // the place's name in the reader's language
	Number   int     // shown in a suggestion's marker; 0 for none
	Kind     Kind
}

// Area is a label for a region, placed at its centre when there is room.
type Area struct {
	Lat, Lon float64
	Name     string
}

// Legend holds the words of the legend and the scale bar, in the reader's
// language. An empty entry is left out of the legend.
type Legend struct {
	Home, Suggestion, Partner, Venue string
	Km                               string // the unit after the scale bar's number, "km"
}

// Size is an image size in pixels.
type Size struct{ W, H int }

// Sizes: Large for suggestion maps, Small for locators.
var (
	Large = Size{W: 1280, H: 960}
	Small = Size{W: 640, H: 480}
)

// View is how the frame is chosen.
type View int

const (
	// Fit frames the points closely (at least MinSpanKm across), and shows
	// the whole of Russia when they spread from the west past the Urals.
	Fit View = iota
	// Overview shows Belarus and Russia's western part, or the whole of
	// Russia when a point lies east of the Urals.
	Overview
	// West shows Belarus and Russia's western part.
	West
	// Russia shows the whole of Russia and Belarus.
	Russia
)

// MinSpanKm is the least distance a Fit frame spans across, so that even
// close points show their surroundings.
const MinSpanKm = 700

// Request is a map to draw.
type Request struct {
	Lang    string // "ru", "be" or "en": the language of country names
	Home    *Point // the searcher's municipality (or the place a locator is about), highlighted
	Points  []Point
	Regions []Area // optional region labels
	Legend  Legend
	Size    Size // zero for Large
	View    View
}

// Limits on a Request.
const (
	maxPoints = 200
	maxSide   = 2560
	minSide   = 200
)

// ErrRequest reports a Request that cannot be drawn.
var ErrRequest = errors.New("maps: bad request")

// Render draws the map and returns it as PNG bytes.
func Render(req Request) ([]byte, error) {
	img, _, err := paint(req)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(256 << 10)
	if err := encodePNG(&buf, img); err != nil {
		return nil, fmt.Errorf("maps: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Locator draws a small overview map with p highlighted: a venue marker
// when p.Kind is Venue, the municipality marker otherwise.
func Locator(p Point, lang string) ([]byte, error) {
	return Render(Request{Lang: lang, Home: &p, Size: Small, View: Overview})
}

func (r *Request) validate() error {
	if r.Size == (Size{}) {
		r.Size = Large
	}
	if r.Size.W < minSide || r.Size.H < minSide || r.Size.W > maxSide || r.Size.H > maxSide {
		return fmt.Errorf("%w: size %dx%d", ErrRequest, r.Size.W, r.Size.H)
	}
	if len(r.Points) > maxPoints || len(r.Regions) > 4*maxPoints {
		return fmt.Errorf("%w: %d points, %d regions", ErrRequest, len(r.Points), len(r.Regions))
	}
	check := func(lat, lon float64) error {
		if math.IsNaN(lat) || math.IsNaN(lon) || lat < -80 || lat > 85 || lon < -180 || lon > 180 {
			return fmt.Errorf("%w: position %v, %v", ErrRequest, lat, lon)
		}
		return nil
	}
	if r.Home != nil {
		if err := check(r.Home.Lat, r.Home.Lon); err != nil {
			return err
		}
		if r.Home.Kind < Suggestion || r.Home.Kind > Venue {
			return fmt.Errorf("%w: kind %d", ErrRequest, r.Home.Kind)
		}
	}
	for _, p := range r.Points {
		if err := check(p.Lat, p.Lon); err != nil {
			return err
		}
		if p.Kind < Suggestion || p.Kind > Venue {
			return fmt.Errorf("%w: kind %d", ErrRequest, p.Kind)
		}
	}
	for _, a := range r.Regions {
		if err := check(a.Lat, a.Lon); err != nil {
			return err
		}
	}
	return nil
}
