package maps

import (
	"math"
	"sort"
)

// marker is a point's symbol on the image.
type marker struct {
	home   bool
	kind   Kind
	number int
	label  string
	ax, ay float64 // where the place is, in pixels
	x, y   float64 // where the symbol is drawn: moved off its neighbours
	r      float64
	index  int // in Request.Points; -1 for Home
}

// box is a rectangle in pixels.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(o box) bool {
	return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1
}

func (b box) inside(w, h float64) bool {
	return b.x0 >= 0 && b.y0 >= 0 && b.x1 <= w && b.y1 <= h
}

func (b box) grow(d float64) box { return box{b.x0 - d, b.y0 - d, b.x1 + d, b.y1 + d} }

// markers projects the request's points and moves apart the symbols that
// would hide one another: each stays within reach of its place, joined to
// it by a leader line. The home marker stays put.
func markers(req *Request, l *lambert, unit float64) []*marker {
	var ms []*marker
	if req.Home != nil {
		x, y := l.pixel(req.Home.Lon, req.Home.Lat)
		ms = append(ms, &marker{home: true, kind: req.Home.Kind, label: req.Home.Label, ax: x, ay: y, x: x, y: y, r: homeRadius * unit, index: -1})
	}
	for i, p := range req.Points {
		x, y := l.pixel(p.Lon, p.Lat)
		r := suggestionRadius
		if p.Kind != Suggestion {
			r = partnerRadius
		}
		ms = append(ms, &marker{kind: p.Kind, number: p.Number, label: p.Label, ax: x, ay: y, x: x, y: y, r: r * unit, index: i})
	}
	separate(ms, markerGap*unit, float64(req.Size.W), float64(req.Size.H))
	return ms
}

// separate pushes overlapping markers apart, a few pixels at a time, the
// same way every time: pairs in a fixed order, coincident ones split along
// a direction fixed by their order.
func separate(ms []*marker, gap, w, h float64) {
	for iter := 0; iter < 500; iter++ {
		moved := false
		for i := 0; i < len(ms); i++ {
			for j := i + 1; j < len(ms); j++ {
				a, b := ms[i], ms[j]
				need := a.r + b.r + gap
				dx, dy := b.x-a.x, b.y-a.y
				d := math.Hypot(dx, dy)
				if d >= need-1e-9 {
					continue
				}
				moved = true
				if d < 1e-6 {
					angle := float64(j) * 2.399963 // the golden angle spreads them evenly
					dx, dy, d = math.Cos(angle), math.Sin(angle), 1
				}
				push := (need - d) / d * 0.5
				switch {
				case a.home:
					b.x += dx * push * 2
					b.y += dy * push * 2
				case b.home:
					a.x -= dx * push * 2
					a.y -= dy * push * 2
				default:
					a.x -= dx * push
					a.y -= dy * push
					b.x += dx * push
					b.y += dy * push
				}
			}
		}
		if !moved {
			return
		}
		if iter >= 400 {
			continue
		}
		// Drift back towards the places a little, so that a crowd packs
		// tightly around them instead of flying apart.
		for _, m := range ms {
			m.x += (m.ax - m.x) * 0.05
			m.y += (m.ay - m.y) * 0.05
			m.x = min(max(m.x, m.r+1), w-m.r-1)
			m.y = min(max(m.y, m.r+1), h-m.r-1)
		}
	}
}

// drawOrder returns the markers bottom to top: partners, suggestions from
// the last number to the first, venues, home.
func drawOrder(ms []*marker) []*marker {
	out := append([]*marker(nil), ms...)
	rank := func(m *marker) int {
		switch {
		case m.home:
			return 3
		case m.kind == Venue:
			return 2
		case m.kind == Suggestion:
			return 1
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].number > out[j].number
	})
	return out
}

// labelOrder returns the markers in the order their labels claim room:
// home, suggestions by number, venues, partners.
func labelOrder(ms []*marker) []*marker {
	out := drawOrder(ms)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// placer hands out room for labels that must not cover one another.
type placer struct {
	w, h  float64
	taken []box
}

func (p *placer) free(b box) bool {
	if !b.inside(p.w, p.h) {
		return false
	}
	for _, t := range p.taken {
		if t.overlaps(b) {
			return false
		}
	}
	return true
}

func (p *placer) take(b box) { p.taken = append(p.taken, b) }

// labelSpot finds room for a w×h label (asc above the baseline) beside a
// marker and returns its baseline origin.
func (p *placer) labelSpot(m *marker, w, asc, desc, pad float64) (x, y float64, ok bool) {
	r := m.r + pad + 1
	h := asc + desc
	// Right, left, above, below, then the corners.
	cands := [][2]float64{
		{m.x + r, m.y - h/2},
		{m.x - r - w, m.y - h/2},
		{m.x - w/2, m.y - r - h},
		{m.x - w/2, m.y + r},
		{m.x + r*0.7, m.y - r*0.7 - h},
		{m.x + r*0.7, m.y + r*0.7},
		{m.x - r*0.7 - w, m.y - r*0.7 - h},
		{m.x - r*0.7 - w, m.y + r*0.7},
	}
	for _, c := range cands {
		b := box{c[0], c[1], c[0] + w, c[1] + h}
		if p.free(b) {
			p.take(b)
			return c[0], c[1] + asc, true
		}
	}
	return 0, 0, false
}
