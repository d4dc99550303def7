package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/pobratim/pobratim/handlers/partners/maps/geodata"
)

// scales are the Natural Earth scales kept: 1:50m for the large views
// (all of Russia, the western part), 1:10m for the close ones.
// Each keeps the polygons that meet its boxes: the 1:50m layer Russia,
// Belarus and their neighbours with enough around them to fill a frame's
// margins, the 1:10m one Russia and Belarus and what borders them. Russia's
// Chukotka lies across the antimeridian, hence two boxes.
var scales = []struct {
	file  string
	scale int
	keep  []box
}{
	{"countries-50m.json", 50, []box{{west: -15, south: 25, east: 180, north: 85}, {west: -180, south: 25, east: -160, north: 85}}},
	{"countries-10m.json", 10, []box{{west: 12, south: 38, east: 180, north: 83}, {west: -180, south: 60, east: -165, north: 75}}},
}

// box is a longitude/latitude extent in degrees.
type box struct{ west, south, east, north float64 }

func (b box) intersects(o box) bool {
	return b.west <= o.east && o.west <= b.east && b.south <= o.north && o.south <= b.north
}

type layerStats struct{ points int }

// build cuts every topology to the kept area and merges their countries
// into one table.
func build(tops []*topology) (*geodata.Atlas, []layerStats, error) {
	a := &geodata.Atlas{}
	countryIndex := map[string]int{}
	country := func(g geometry) (int, error) {
		key := g.ID
		if key == "" || key == "-99" {
			key = "name:" + g.Properties.Name
		}
		if i, ok := countryIndex[key]; ok {
			return i, nil
		}
		c, err := describe(g)
		if err != nil {
			return 0, err
		}
		countryIndex[key] = len(a.Countries)
		a.Countries = append(a.Countries, c)
		return len(a.Countries) - 1, nil
	}
	var stats []layerStats
	for si, t := range tops {
		layer := geodata.Layer{Scale: scales[si].scale, Grid: geodata.Grid{
			LonStep: t.Transform.Scale[0], LatStep: t.Transform.Scale[1],
			LonOrigin: t.Transform.Translate[0], LatOrigin: t.Transform.Translate[1],
		}}
		abs := make([][]int32, len(t.Arcs))
		for i := range t.Arcs {
			abs[i] = t.absolute(i)
		}
		// Who uses each arc, over the whole world: an arc between a kept
		// and a dropped polygon is still a border, not a coast.
		users := make([][]geometry, len(t.Arcs))
		var all []struct {
			g     geometry
			rings [][]int64
		}
		for _, g := range t.Objects.Countries.Geometries {
			polys, err := g.polygons()
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", t.file, err)
			}
			for _, rings := range polys {
				for _, ring := range rings {
					for _, ref := range ring {
						i := arcIndex(ref)
						if i < 0 || i >= len(t.Arcs) {
							return nil, nil, fmt.Errorf("%s: %s: arc %d out of range", t.file, g.Properties.Name, ref)
						}
						users[i] = append(users[i], g)
					}
				}
				all = append(all, struct {
					g     geometry
					rings [][]int64
				}{g, rings})
			}
		}
		newIndex := map[int]int32{}
		points := 0
		for _, p := range all {
			if len(p.rings) == 0 || !intersects(scales[si].keep, layer.Grid, abs, p.rings[0]) {
				continue
			}
			ci, err := country(p.g)
			if err != nil {
				return nil, nil, err
			}
			poly := geodata.Polygon{Country: ci}
			for _, ring := range p.rings {
				out := make([]int32, 0, len(ring))
				for _, ref := range ring {
					i := arcIndex(ref)
					ni, ok := newIndex[i]
					if !ok {
						ni = int32(len(layer.Arcs))
						newIndex[i] = ni
						arc := geodata.Arc{Left: -1, Right: -1, Points: abs[i]}
						points += len(abs[i]) / 2
						for k, u := range users[i] {
							uc, err := country(u)
							if err != nil {
								return nil, nil, err
							}
							switch k {
							case 0:
								arc.Left = uc
							case 1:
								arc.Right = uc
							}
						}
						layer.Arcs = append(layer.Arcs, arc)
					}
					if ref < 0 {
						ni = ^ni
					}
					out = append(out, ni)
				}
				poly.Rings = append(poly.Rings, out)
			}
			layer.Polygons = append(layer.Polygons, poly)
		}
		a.Layers = append(a.Layers, layer)
		stats = append(stats, layerStats{points: points})
	}
	return a, stats, nil
}

func arcIndex(ref int64) int {
	if ref < 0 {
		return int(^ref)
	}
	return int(ref)
}

// intersects reports whether a ring's extent meets one of the boxes.
func intersects(keep []box, g geodata.Grid, abs [][]int32, ring []int64) bool {
	b := box{west: math.Inf(1), south: math.Inf(1), east: math.Inf(-1), north: math.Inf(-1)}
	for _, ref := range ring {
		pts := abs[arcIndex(ref)]
		for j := 0; j < len(pts); j += 2 {
			lon := g.LonOrigin + float64(pts[j])*g.LonStep
			lat := g.LatOrigin + float64(pts[j+1])*g.LatStep
			b.west, b.east = min(b.west, lon), max(b.east, lon)
			b.south, b.north = min(b.south, lat), max(b.north, lat)
		}
	}
	for _, k := range keep {
		if k.intersects(b) {
			return true
		}
	}
	return false
}

var (
	namesRU = display.Regions(language.Russian)
	namesBE = display.Regions(language.MustParse("be"))
	namesEN = display.Regions(language.English)
)

// describe names a country in the three languages from the CLDR, by its
// ISO 3166-1 numeric code; a unit without one keeps Natural Earth's English
// name in every language.
func describe(g geometry) (geodata.Country, error) {
	c := geodata.Country{NameEN: g.Properties.Name}
	code, err := strconv.Atoi(g.ID)
	if err != nil || code <= 0 {
		return c, nil
	}
	c.Code = code
	r, err := language.ParseRegion(fmt.Sprintf("%03d", code))
	if err != nil {
		return c, nil
	}
	iso := r.String()
	if len(iso) != 2 {
		return c, nil
	}
	c.ISO = iso
	if n := namesEN.Name(r); n != "" {
		c.NameEN = n
	}
	c.NameRU = namesRU.Name(r)
	c.NameBE = namesBE.Name(r)
	return c, nil
}

// writeAtomic encodes the atlas to a temporary file beside path and renames
// it into place.
func writeAtomic(path string, a *geodata.Atlas) error {
	var buf bytes.Buffer
	if err := geodata.Encode(&buf, a); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write atlas: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".atlas-*")
	if err != nil {
		return fmt.Errorf("write atlas: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write atlas: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write atlas: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write atlas: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write atlas: %w", err)
	}
	return nil
}
