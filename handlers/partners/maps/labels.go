package maps

import (
	"image"
	"math"
	"sort"
	"strings"

	"golang.org/x/image/vector"
)

// cellPx is the size of the cells in which country labels look for room.
const cellPx = 8.0

// countryLabels names the countries in view, each where it has the most
// room, in capitals. A country too small or too crowded stays unnamed.
func (s *scene) countryLabels(f faces, pl *placer) []text {
	w, h := s.req.Size.W, s.req.Size.H
	gw, gh := int(math.Ceil(float64(w)/cellPx)), int(math.Ceil(float64(h)/cellPx))
	owner := make([]int32, gw*gh)
	for i := range owner {
		owner[i] = -1
	}
	ras := vector.NewRasterizer(gw, gh)
	mask := image.NewAlpha(image.Rect(0, 0, gw, gh))
	b := &pathBuilder{w: float64(w), h: float64(h), pad: 2 * cellPx}
	cells := map[int]int{}
	var order []int
	for c := range s.atlas.countries {
		ras.Reset(gw, gh)
		drawn := false
		for pi := range s.layer.polygons {
			p := &s.layer.polygons[pi]
			if p.country != c || !s.proj.sees(s.visible, p.ext) {
				continue
			}
			for _, ring := range p.rings {
				b.reset()
				u := &unwrapper{l: s.proj}
				for k, ref := range ring {
					s.projectArc(b, u, ref, k > 0)
				}
				if len(b.codes) < 3 {
					continue
				}
				ras.MoveTo(float32(b.pts[0]/cellPx), float32(b.pts[1]/cellPx))
				for i := 2; i < len(b.pts); i += 2 {
					ras.LineTo(float32(b.pts[i]/cellPx), float32(b.pts[i+1]/cellPx))
				}
				ras.ClosePath()
				drawn = true
			}
		}
		if !drawn {
			continue
		}
		clear(mask.Pix)
		ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
		n := 0
		for i, a := range mask.Pix {
			if a >= 128 {
				owner[i] = int32(c)
				n++
			}
		}
		if n > 0 {
			order = append(order, c)
		}
	}
	for _, o := range owner {
		if o >= 0 {
			cells[int(o)]++
		}
	}
	// Russia and Belarus first, then the larger in view.
	sort.SliceStable(order, func(i, j int) bool {
		hi, hj := s.atlas.home[order[i]], s.atlas.home[order[j]]
		if hi != hj {
			return hi
		}
		return cells[order[i]] > cells[order[j]]
	})
	var out []text
	dist := make([]int32, len(owner))
	for _, c := range order {
		if cells[c] < 12 {
			continue
		}
		name := strings.ToUpper(s.atlas.countries[c].Name(s.req.Lang))
		if t, ok := s.fitCountry(f, pl, owner, dist, gw, gh, int32(c), name); ok {
			out = append(out, t)
		}
	}
	return out
}

// fitCountry finds a spot for a country's name inside the country, as deep
// inside as possible.
func (s *scene) fitCountry(f faces, pl *placer, owner, dist []int32, gw, gh int, c int32, name string) (text, bool) {
	chessboard(owner, dist, gw, gh, c)
	type cand struct {
		i int
		d int32
	}
	var cands []cand
	for i, d := range dist {
		if d > 1 {
			cands = append(cands, cand{i, d})
		}
	}
	cx, cy := float64(gw)/2, float64(gh)/2
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].d != cands[b].d {
			return cands[a].d > cands[b].d
		}
		ax, ay := float64(cands[a].i%gw)-cx, float64(cands[a].i/gw)-cy
		bx, by := float64(cands[b].i%gw)-cx, float64(cands[b].i/gw)-cy
		da, db := ax*ax+ay*ay, bx*bx+by*by
		if da != db {
			return da < db
		}
		return cands[a].i < cands[b].i
	})
	w, asc, desc := measure(f.country, name)
	asc *= 0.8
	for k, cd := range cands {
		if k >= 4000 {
			break
		}
		x := (float64(cd.i%gw) + 0.5) * cellPx
		y := (float64(cd.i/gw) + 0.5) * cellPx
		bx := box{x - w/2, y - (asc+desc)/2, x + w/2, y + (asc+desc)/2}
		if !coveredBy(owner, gw, gh, c, bx) || !pl.free(bx.grow(2*s.unit)) {
			continue
		}
		pl.take(bx)
		return text{s: name, face: f.country, x: bx.x0, y: bx.y0 + asc, colour: countryText}, true
	}
	return text{}, false
}

// chessboard sets d, per cell of country c, to how many cells away the
// nearest cell outside it (or the image's edge) is; 0 outside c.
func chessboard(owner, d []int32, gw, gh int, c int32) {
	const inf = 1 << 20
	for i, o := range owner {
		d[i] = 0
		if o == c {
			d[i] = inf
		}
	}
	get := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= gw || y >= gh {
			return 0
		}
		return d[y*gw+x]
	}
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			i := y*gw + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], get(x-1, y)+1, get(x-1, y-1)+1, get(x, y-1)+1, get(x+1, y-1)+1)
		}
	}
	for y := gh - 1; y >= 0; y-- {
		for x := gw - 1; x >= 0; x-- {
			i := y*gw + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], get(x+1, y)+1, get(x+1, y+1)+1, get(x, y+1)+1, get(x-1, y+1)+1)
		}
	}
}

// coveredBy reports whether every cell under b belongs to country c.
func coveredBy(owner []int32, gw, gh int, c int32, b box) bool {
	x0, y0 := int(math.Floor(b.x0/cellPx)), int(math.Floor(b.y0/cellPx))
	x1, y1 := int(math.Ceil(b.x1/cellPx)), int(math.Ceil(b.y1/cellPx))
	if x0 < 0 || y0 < 0 || x1 > gw || y1 > gh {
		return false
	}
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if owner[y*gw+x] != c {
				return false
			}
		}
	}
	return true
}

// regionKmPerPixel is the coarsest scale at which region names are shown:
// beyond it they crowd the map.
const regionKmPerPixel = 2.5

// regionLabels places the region names where there is room, in the order
// given.
func (s *scene) regionLabels(f faces, pl *placer) []text {
	if len(s.req.Regions) == 0 || s.kmpp > regionKmPerPixel {
		return nil
	}
	var out []text
	for _, a := range s.req.Regions {
		if a.Name == "" {
			continue
		}
		x, y := s.proj.pixel(a.Lon, a.Lat)
		w, asc, desc := measure(f.region, a.Name)
		asc *= 0.8
		b := box{x - w/2, y - (asc+desc)/2, x + w/2, y + (asc+desc)/2}
		if !pl.free(b.grow(4 * s.unit)) {
			continue
		}
		pl.take(b)
		out = append(out, text{s: a.Name, face: f.region, x: b.x0, y: b.y0 + asc, colour: regionText, halo: 1.5 * s.unit})
	}
	return out
}
