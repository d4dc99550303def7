package partners

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/partners/maps"
	"github.com/pobratim/pobratim/locales"
)

// renderSlots bounds how many maps are drawn at once: each takes a few
// tens of milliseconds of a core and up to about 20 MB.
var renderSlots = make(chan struct{}, 2)

// render draws a map, waiting for a free slot.
func render(ctx context.Context, req maps.Request) ([]byte, error) {
	select {
	case renderSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("partners: map: %w", ctx.Err())
	}
	defer func() { <-renderSlots }()
	png, err := maps.Render(req)
	if err != nil {
		return nil, fmt.Errorf("partners: map: %w", err)
	}
	return png, nil
}

// mapLegend is the map's legend in the reader's language.
func mapLegend(r *handlers.Request) maps.Legend {
	return maps.Legend{
		Home:       r.T("map.legend.home", nil),
		Suggestion: r.T("map.legend.suggestion", nil),
		Partner:    r.T("map.legend.partner", nil),
		Venue:      r.T("map.legend.venue", nil),
		Km:         r.T("map.km", nil),
	}
}

// sendMap answers the suggestion list's map button: the page's
// suggestions, numbered as in the list, around the origin, with the
// origin's existing partners.
func (s *Service) sendMap(ctx context.Context, r *handlers.Request, v view) error {
	origin, ok := s.Dir.ByID(v.origin)
	if !ok {
		return callback.ErrInvalid
	}
	if _, ok := s.Dir.Region(v.filter.Region); v.filter.Region != "" && !ok {
		return callback.ErrInvalid
	}
	partners, top, _, err := s.rank(ctx, origin, v.filter, v.offset+pageSize)
	if err != nil {
		return err
	}
	if v.offset >= len(top) {
		v.offset = max(0, (len(top)-1)/pageSize*pageSize)
	}
	items := top[min(v.offset, len(top)):]
	req := maps.Request{
		Lang:    r.Lang,
		Home:    &maps.Point{Lat: origin.Lat, Lon: origin.Lon, Label: origin.Name(r.Lang)},
		Legend:  mapLegend(r),
		Regions: s.regionLabels(r.Lang, origin),
	}
	for i, sug := range items {
		req.Points = append(req.Points, maps.Point{
			Lat: sug.Place.Lat, Lon: sug.Place.Lon, Label: sug.Place.Name(r.Lang),
			Number: v.offset + i + 1, Kind: maps.Suggestion,
		})
	}
	for _, id := range partners {
		if p, ok := s.Dir.ByID(id); ok {
			req.Points = append(req.Points, maps.Point{Lat: p.Lat, Lon: p.Lon, Label: p.Name(r.Lang), Kind: maps.Partner})
		}
	}
	png, err := render(ctx, req)
	if err != nil {
		return err
	}
	caption := r.T("map.caption_empty", locales.Args{"Place": origin.Name(r.Lang)})
	if len(items) > 0 {
		caption = r.T("map.caption", locales.Args{"Place": origin.Name(r.Lang), "From": v.offset + 1, "To": v.offset + len(items)})
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{
		Name: fmt.Sprintf("map-%d.png", origin.ID), Data: png, Caption: caption, Photo: true,
	}})
	return err
}

// sendLocator sends a small map of where p lies, with a button that opens
// sendLocator sends a small map that shows where p is.
func (s *Service) sendLocator(ctx context.Context, r *handlers.Request, p directory.Place) error {
	_, err := r.Reply(ctx, handlers.Message{
		Document: LocatorFile(maps.Point{Lat: p.Lat, Lon: p.Lon, Label: p.Name(r.Lang)}, r.Lang,
			fmt.Sprintf("locator-%d.png", p.ID),
			r.T("map.locator", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)})),
		Buttons: [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("map.button.open", nil), URL: OSMURL(p.Lat, p.Lon)})},
	})
	return err
}

// LocatorFile is a photo of maps.Locator(p, lang) — a profile's locator, or
// a forum's venue when p.Kind is maps.Venue — named by what it shows, so
// that it is drawn (waiting for a free slot like every other map) and
// uploaded once and then sent again by Telegram's file id: maps are
// deterministic, and a place is asked for far more often than its map
// changes.
func LocatorFile(p maps.Point, lang, name, caption string) *handlers.File {
	return &handlers.File{
		Name: name, Caption: caption, Photo: true,
		Key: fmt.Sprintf("locator|%s|%.5f|%.5f|%s|%d", lang, p.Lat, p.Lon, p.Label, p.Kind),
		Draw: func(ctx context.Context) ([]byte, error) {
			return render(ctx, maps.Request{Lang: lang, Home: &p, Size: maps.Small, View: maps.Overview})
		},
	}
}

// OSMURL opens a place on OpenStreetMap.
func OSMURL(lat, lon float64) string {
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.4f&mlon=%.4f#map=11/%.4f/%.4f", lat, lon, lat, lon)
}

// regionCentre is where a region's name goes on a map: the mean position
// of its places, which sits well inside all but oddly shaped regions.
type regionCentre struct {
	code     string
	lat, lon float64
}

var (
	centresMu sync.Mutex
	centres   = map[*directory.Directory][]regionCentre{}
)

func (s *Service) regionCentres() []regionCentre {
	centresMu.Lock()
	defer centresMu.Unlock()
	if c, ok := centres[s.Dir]; ok {
		return c
	}
	type sum struct {
		lat, lon float64
		n        int
	}
	sums := map[string]*sum{}
	for _, p := range s.Dir.Places() {
		acc := sums[p.RegionCode]
		if acc == nil {
			acc = &sum{}
			sums[p.RegionCode] = acc
		}
		lon := p.Lon
		if lon < 0 { // Chukotka east of the antimeridian
			lon += 360
		}
		acc.lat, acc.lon, acc.n = acc.lat+p.Lat, acc.lon+lon, acc.n+1
	}
	out := make([]regionCentre, 0, len(sums))
	for code, acc := range sums {
		lon := acc.lon / float64(acc.n)
		if lon > 180 {
			lon -= 360
		}
		out = append(out, regionCentre{code: code, lat: acc.lat / float64(acc.n), lon: lon})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	centres[s.Dir] = out
	return out
}

// regionLabels names the regions for a map around origin, the nearest
// first: the map keeps the names it has room for in this order.
func (s *Service) regionLabels(lang string, origin directory.Place) []maps.Area {
	all := s.regionCentres()
	type near struct {
		area maps.Area
		km   float64
	}
	list := make([]near, 0, len(all))
	for _, c := range all {
		reg, ok := s.Dir.Region(c.code)
		if !ok {
			continue
		}
		list = append(list, near{maps.Area{Lat: c.lat, Lon: c.lon, Name: reg.Name(lang)}, directory.Distance(origin, directory.Place{Lat: c.lat, Lon: c.lon})})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].km < list[j].km })
	out := make([]maps.Area, 0, len(list))
	for _, n := range list {
		out = append(out, n.area)
	}
	return out
}
