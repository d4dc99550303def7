package maps

import (
	"image"
	"math"
	"strconv"

	"github.com/fogleman/gg"
)

// attribution credits the base map's source on every map.
const attribution = "Natural Earth"

// furniture reserves room for the legend, the scale bar and the credit, and
// returns what draws them once everything else is on the map.
func (s *scene) furniture(f faces, pl *placer) func(dc *gg.Context, img *image.RGBA) {
	u := s.unit
	w, h := float64(s.req.Size.W), float64(s.req.Size.H)
	pad := 10 * u

	// Credit, bottom right.
	cw, casc, cdesc := measure(f.small, attribution)
	credit := text{s: attribution, face: f.small, x: w - pad - cw, y: h - pad*0.6 - cdesc, colour: regionText, halo: 1.5 * u}
	pl.take(box{credit.x, credit.y - casc, credit.x + cw, credit.y + cdesc})

	// Scale bar, bottom left: a round distance near a sixth of the width,
	// shown when the caller gave the unit's name.
	showScale := s.req.Legend.Km != ""
	kmpp := s.kmpp
	km := niceKm(w / 6 * kmpp)
	barPx := km / kmpp
	label := strconv.Itoa(int(km)) + " " + s.req.Legend.Km
	lw, lasc, ldesc := measure(f.small, label)
	bx0, by := pad, h-pad-ldesc
	scaleBox := box{bx0 - 2*u, by - lasc - 8*u, bx0 + max(barPx, lw) + 2*u, by + ldesc}
	if showScale {
		pl.take(scaleBox)
	} else {
		scaleBox.y0 = h - pad
	}

	// Legend, in the first corner free of markers.
	type entry struct {
		m    marker
		text string
	}
	var entries []entry
	lg := s.req.Legend
	present := map[string]bool{}
	if s.req.Home != nil {
		present["home"] = true
	}
	for _, p := range s.req.Points {
		present[[...]string{"suggestion", "partner", "venue"}[min(int(p.Kind), 2)]] = true
	}
	add := func(key, t string, m marker) {
		if present[key] && t != "" {
			entries = append(entries, entry{m, t})
		}
	}
	add("home", lg.Home, marker{home: true, kind: kindOfHome(s.req.Home), r: homeRadius * u * 0.8})
	add("suggestion", lg.Suggestion, marker{kind: Suggestion, r: suggestionRadius * u * 0.7})
	add("partner", lg.Partner, marker{kind: Partner, r: partnerRadius * u * 0.8})
	add("venue", lg.Venue, marker{kind: Venue, r: partnerRadius * u * 0.8})
	var legendBox box
	rowH := 24 * u
	if len(entries) > 0 {
		tw := 0.0
		for _, e := range entries {
			ew, _, _ := measure(f.legend, e.text)
			tw = max(tw, ew)
		}
		lbw := pad + 22*u + tw + pad
		lbh := pad + rowH*float64(len(entries)) + pad*0.4
		corners := []box{
			{pad, pad, pad + lbw, pad + lbh},
			{w - pad - lbw, pad, w - pad, pad + lbh},
			{w - pad - lbw, h - pad*2 - casc - lbh, w - pad, h - pad*2 - casc},
			{pad, scaleBox.y0 - pad - lbh, pad + lbw, scaleBox.y0 - pad},
		}
		legendBox = corners[0]
		for _, c := range corners {
			if !s.coversMarker(c.grow(4 * u)) {
				legendBox = c
				break
			}
		}
		pl.take(legendBox)
	}

	return func(dc *gg.Context, img *image.RGBA) {
		credit.draw(img)
		if showScale {
			s.drawScale(dc, img, f, bx0, by, barPx, lasc, label)
		}
		if len(entries) == 0 {
			return
		}
		b := legendBox
		dc.DrawRoundedRectangle(b.x0, b.y0, b.x1-b.x0, b.y1-b.y0, 6*u)
		dc.SetColor(legendFill)
		dc.FillPreserve()
		dc.SetColor(legendEdge)
		dc.SetLineWidth(1 * u)
		dc.Stroke()
		_, asc, _ := measure(f.legend, "Ag")
		for i, e := range entries {
			cy := b.y0 + pad + rowH*(float64(i)+0.5)
			m := e.m
			m.x, m.y = b.x0+pad+9*u, cy
			s.drawSymbol(dc, &m)
			text{s: e.text, face: f.legend, x: b.x0 + pad + 22*u, y: cy + asc*0.35, colour: labelText}.draw(img)
		}
	}
}

func kindOfHome(p *Point) Kind {
	if p == nil {
		return Suggestion
	}
	return p.Kind
}

// coversMarker reports whether b hides part of a marker.
func (s *scene) coversMarker(b box) bool {
	for _, m := range s.markers {
		if b.overlaps(box{m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r}) {
			return true
		}
	}
	return false
}

// niceKm rounds a distance down to 1, 2 or 5 times a power of ten.
func niceKm(km float64) float64 {
	if km < 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(km)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= km {
			return m * p
		}
	}
	return p
}

// drawScale draws the scale bar: a line with end ticks, the distance below.
func (s *scene) drawScale(dc *gg.Context, img *image.RGBA, f faces, bx0, by, barPx, lasc float64, label string) {
	u := s.unit
	dc.SetColor(halo)
	dc.SetLineWidth(4 * u)
	dc.DrawLine(bx0, by-lasc-4*u, bx0+barPx, by-lasc-4*u)
	dc.Stroke()
	dc.SetColor(scaleColour)
	dc.SetLineWidth(1.6 * u)
	dc.MoveTo(bx0, by-lasc-8*u)
	dc.LineTo(bx0, by-lasc-4*u)
	dc.LineTo(bx0+barPx, by-lasc-4*u)
	dc.LineTo(bx0+barPx, by-lasc-8*u)
	dc.Stroke()
	text{s: label, face: f.small, x: bx0, y: by, colour: scaleColour, halo: 1.5 * u}.draw(img)
}
