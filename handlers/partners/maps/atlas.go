package maps

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/pobratim/pobratim/handlers/partners/maps/geodata"
)

// atlasData is written by cmd/genmap (docs/MAPS.md).
//
//go:embed data/atlas.bin.gz
var atlasData []byte

// atlas is the decoded map data with what rendering needs precomputed:
// coordinates in degrees and extents for culling.
type atlas struct {
	countries []geodata.Country
	home      []bool // per country: Russia or Belarus, drawn highlighted
	layers    []layer
}

type layer struct {
	scale    int // Natural Earth scale in millions
	arcs     []arc
	polygons []polygon
}

// arc is a border or coast line in degrees (lon, lat interleaved).
type arc struct {
	left, right int
	pts         []float32
	ext         extent
	meridian    bool // runs along the antimeridian: a cut, not a line to draw
}

type polygon struct {
	country int
	rings   [][]int32
	ext     extent
}

// extent is a longitude/latitude box in degrees. Natural Earth cuts every
// line at the antimeridian, so west <= east always holds.
type extent struct{ west, south, east, north float64 }

func (e *extent) add(lon, lat float64) {
	e.west, e.east = min(e.west, lon), max(e.east, lon)
	e.south, e.north = min(e.south, lat), max(e.north, lat)
}

func (e *extent) union(o extent) {
	e.west, e.east = min(e.west, o.west), max(e.east, o.east)
	e.south, e.north = min(e.south, o.south), max(e.north, o.north)
}

func emptyExtent() extent {
	return extent{west: math.Inf(1), south: math.Inf(1), east: math.Inf(-1), north: math.Inf(-1)}
}

var loadAtlas = sync.OnceValues(func() (*atlas, error) { return decodeAtlas(atlasData) })

func decodeAtlas(raw []byte) (*atlas, error) {
	g, err := geodata.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("maps: load atlas: %w", err)
	}
	a := &atlas{countries: g.Countries, home: make([]bool, len(g.Countries))}
	for i, c := range g.Countries {
		a.home[i] = c.ISO == "RU" || c.ISO == "BY"
	}
	for _, gl := range g.Layers {
		l := layer{scale: gl.Scale, arcs: make([]arc, len(gl.Arcs)), polygons: make([]polygon, len(gl.Polygons))}
		for i, ga := range gl.Arcs {
			ar := arc{left: ga.Left, right: ga.Right, pts: make([]float32, len(ga.Points)), ext: emptyExtent(), meridian: true}
			for j := 0; j < len(ga.Points); j += 2 {
				lon := gl.Grid.LonOrigin + float64(ga.Points[j])*gl.Grid.LonStep
				lat := gl.Grid.LatOrigin + float64(ga.Points[j+1])*gl.Grid.LatStep
				ar.pts[j], ar.pts[j+1] = float32(lon), float32(lat)
				ar.ext.add(lon, lat)
				if math.Abs(math.Abs(lon)-180) > 1e-6 {
					ar.meridian = false
				}
			}
			l.arcs[i] = ar
		}
		for i, gp := range gl.Polygons {
			p := polygon{country: gp.Country, rings: gp.Rings, ext: emptyExtent()}
			for _, ring := range gp.Rings {
				for _, ref := range ring {
					p.ext.union(l.arcs[arcIndex(ref)].ext)
				}
			}
			l.polygons[i] = p
		}
		a.layers = append(a.layers, l)
	}
	if len(a.layers) == 0 {
		return nil, fmt.Errorf("maps: load atlas: no layers")
	}
	return a, nil
}

func arcIndex(ref int32) int32 {
	if ref < 0 {
		return ^ref
	}
	return ref
}

// layerFor returns the most detailed layer worth drawing at kmPerPixel:
// 1:10m when a pixel is under 2 km, 1:50m otherwise.
func (a *atlas) layerFor(kmPerPixel float64) *layer {
	want := 50
	if kmPerPixel < 2 {
		want = 10
	}
	best := &a.layers[0]
	for i := range a.layers {
		if a.layers[i].scale == want {
			return &a.layers[i]
		}
	}
	return best
}
