package maps

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// scene is a planned map: its projection and where each marker goes.
type scene struct {
	req     Request
	atlas   *atlas
	proj    *lambert
	layer   *layer
	visible extent
	unit    float64 // pixels per design pixel (1 at 1280 across)
	kmpp    float64 // kilometres per pixel at the image's centre
	markers []*marker
	cache   map[int32]*projected // arcs projected so far
}

func plan(req Request) (*scene, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	a, err := loadAtlas()
	if err != nil {
		return nil, err
	}
	s := &scene{req: req, atlas: a, unit: float64(req.Size.W) / 1280, cache: map[int32]*projected{}}
	// Small maps keep their type a little larger than scale, to stay
	// readable on a phone.
	s.unit = max(s.unit, 0.8)
	s.proj = frame(&s.req)
	_, midLat := s.proj.unpixel(float64(s.req.Size.W)/2, float64(s.req.Size.H)/2)
	s.kmpp = s.proj.kmPerPixel(midLat)
	s.layer = a.layerFor(s.kmpp)
	s.visible = s.proj.visible(s.req.Size.W, s.req.Size.H)
	s.markers = markers(&s.req, s.proj, s.unit)
	return s, nil
}

// paint renders a request into an image.
func paint(req Request) (*image.RGBA, *scene, error) {
	s, err := plan(req)
	if err != nil {
		return nil, nil, err
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, nil, err
	}
	f, err := newFaces(fs, s.unit)
	if err != nil {
		return nil, nil, err
	}
	w, h := s.req.Size.W, s.req.Size.H
	dc := gg.NewContext(w, h)
	dc.SetColor(seaColour)
	dc.Clear()
	s.fillLand(dc)
	s.strokeLines(dc)

	img, ok := dc.Image().(*image.RGBA)
	if !ok {
		return nil, nil, fmt.Errorf("maps: unexpected image type %T", dc.Image())
	}
	pl := &placer{w: float64(w), h: float64(h)}
	for _, m := range s.markers {
		pl.take(box{m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r}.grow(markerRimPx * s.unit))
	}
	finish := s.furniture(f, pl)
	labels := s.placeLabels(f, pl)
	countries := s.countryLabels(f, pl)
	regions := s.regionLabels(f, pl)

	for _, t := range regions {
		t.draw(img)
	}
	for _, t := range countries {
		t.draw(img)
	}
	s.drawMarkers(dc, img, f)
	for _, t := range labels {
		t.draw(img)
	}
	finish(dc, img)
	return img, s, nil
}

// pathBuilder turns projected points into a path for gg, dropping points
// that add nothing at this scale: those within half a pixel of the last
// one, and the middle of runs that stay off one side of the image.
type pathBuilder struct {
	w, h, pad float64
	pts       []float64
	codes     []uint8
}

func (b *pathBuilder) reset() { b.pts, b.codes = b.pts[:0], b.codes[:0] }

func (b *pathBuilder) outcode(x, y float64) uint8 {
	var c uint8
	switch {
	case x < -b.pad:
		c |= 1
	case x > b.w+b.pad:
		c |= 2
	}
	switch {
	case y < -b.pad:
		c |= 4
	case y > b.h+b.pad:
		c |= 8
	}
	return c
}

func (b *pathBuilder) add(x, y float64) {
	n := len(b.codes)
	if n > 0 && math.Abs(x-b.pts[2*n-2]) < 0.5 && math.Abs(y-b.pts[2*n-1]) < 0.5 {
		return
	}
	c := b.outcode(x, y)
	// Points n-2, n-1 and this one all off the same side: the middle one
	// only bends the path where nothing is seen.
	if n >= 2 && b.codes[n-2]&b.codes[n-1]&c != 0 {
		b.pts[2*n-2], b.pts[2*n-1], b.codes[n-1] = x, y, c
		return
	}
	b.pts = append(b.pts, x, y)
	b.codes = append(b.codes, c)
}

// emit adds the points to dc's path as one sub-path.
func (b *pathBuilder) emit(dc *gg.Context, closed bool) {
	if len(b.codes) < 2 {
		return
	}
	dc.MoveTo(b.pts[0], b.pts[1])
	for i := 2; i < len(b.pts); i += 2 {
		dc.LineTo(b.pts[i], b.pts[i+1])
	}
	if closed {
		dc.ClosePath()
	}
	dc.NewSubPath()
}

// unwrapper keeps longitudes continuous along a line, so a ring that
// crosses the far side of the central meridian is drawn in one piece.
type unwrapper struct {
	l       *lambert
	started bool
	prevLon float64
	prevRel float64
}

// peek returns what rel would return for lon, without moving on.
func (u *unwrapper) peek(lon float64) float64 {
	if !u.started {
		return u.l.delta(lon)
	}
	d := lon - u.prevLon
	if d > 180 {
		d -= 360
	} else if d < -180 {
		d += 360
	}
	return u.prevRel + d
}

func (u *unwrapper) rel(lon float64) float64 {
	if !u.started {
		u.started = true
		u.prevLon, u.prevRel = lon, u.l.delta(lon)
		return u.prevRel
	}
	d := lon - u.prevLon
	if d > 180 {
		d -= 360
	} else if d < -180 {
		d += 360
	}
	u.prevLon, u.prevRel = lon, u.prevRel+d
	return u.prevRel
}

// projected is an arc in pixels, projected with its longitudes unwrapped
// from its first point.
type projected struct {
	xy                []float64
	relFirst          float64 // first point's longitude relative to lon0
	relLast           float64
	lonFirst, lonLast float64
}

// arcPixels projects arc i once per map: fills, strokes and the country
// grid all walk the same arcs.
func (s *scene) arcPixels(i int32) *projected {
	if p := s.cache[i]; p != nil {
		return p
	}
	a := &s.layer.arcs[i]
	n := len(a.pts) / 2
	p := &projected{xy: make([]float64, 2*n)}
	u := &unwrapper{l: s.proj}
	l := s.proj
	for k := 0; k < n; k++ {
		lon, lat := float64(a.pts[2*k]), float64(a.pts[2*k+1])
		rel := u.rel(lon)
		if k == 0 {
			p.relFirst, p.lonFirst = rel, lon
		}
		p.relLast, p.lonLast = rel, lon
		x, y := l.raw(l.lon0+rel, lat)
		p.xy[2*k], p.xy[2*k+1] = (x-l.x0)*l.scale, (l.y0-y)*l.scale
	}
	s.cache[i] = p
	return p
}

// projectArc appends arc ref's points, in the direction ref gives,
// skipping the first (the previous arc's last) when join is set. u carries
// the unwrapped longitude along a ring; an arc that the ring reaches
// 360° away from where the arc's own projection puts it (far off screen,
// across the back of the cone) is projected afresh.
func (s *scene) projectArc(b *pathBuilder, u *unwrapper, ref int32, join bool) {
	p := s.arcPixels(arcIndex(ref))
	n := len(p.xy) / 2
	startLon, startRel, endLon, endRel := p.lonFirst, p.relFirst, p.lonLast, p.relLast
	if ref < 0 {
		startLon, startRel, endLon, endRel = endLon, endRel, startLon, startRel
	}
	if math.Abs(u.peek(startLon)-startRel) > 1e-6 {
		s.projectArcAfresh(b, u, ref, join)
		return
	}
	u.started, u.prevLon, u.prevRel = true, endLon, endRel
	for k := 0; k < n; k++ {
		if join && k == 0 {
			continue
		}
		i := k
		if ref < 0 {
			i = n - 1 - k
		}
		b.add(p.xy[2*i], p.xy[2*i+1])
	}
}

func (s *scene) projectArcAfresh(b *pathBuilder, u *unwrapper, ref int32, join bool) {
	a := &s.layer.arcs[arcIndex(ref)]
	n := len(a.pts) / 2
	l := s.proj
	for k := 0; k < n; k++ {
		i := k
		if ref < 0 {
			i = n - 1 - k
		}
		lon, lat := float64(a.pts[2*i]), float64(a.pts[2*i+1])
		rel := u.rel(lon)
		if join && k == 0 {
			continue
		}
		x, y := l.raw(l.lon0+rel, lat)
		b.add((x-l.x0)*l.scale, (l.y0-y)*l.scale)
	}
}

// fillLand fills the countries: Russia and Belarus in their own colours,
// the others in one.
func (s *scene) fillLand(dc *gg.Context) {
	b := &pathBuilder{w: float64(s.req.Size.W), h: float64(s.req.Size.H), pad: 16}
	dc.SetFillRuleEvenOdd()
	for _, pass := range []struct {
		colour color.RGBA
		want   func(c int) bool
	}{
		{landColour, func(c int) bool { return !s.atlas.home[c] }},
		{russiaColour, func(c int) bool { return s.atlas.countries[c].ISO == "RU" }},
		{belarusColour, func(c int) bool { return s.atlas.countries[c].ISO == "BY" }},
	} {
		for pi := range s.layer.polygons {
			p := &s.layer.polygons[pi]
			if !pass.want(p.country) || !s.proj.sees(s.visible, p.ext) {
				continue
			}
			for _, ring := range p.rings {
				b.reset()
				u := &unwrapper{l: s.proj}
				for k, ref := range ring {
					s.projectArc(b, u, ref, k > 0)
				}
				b.emit(dc, true)
			}
		}
		dc.SetColor(pass.colour)
		dc.Fill()
	}
}

// strokeLines draws coasts and borders, the Russia–Belarus border on top.
func (s *scene) strokeLines(dc *gg.Context) {
	b := &pathBuilder{w: float64(s.req.Size.W), h: float64(s.req.Size.H), pad: 8}
	home := func(c int) bool { return c >= 0 && s.atlas.home[c] }
	iso := func(c int) string {
		if c < 0 {
			return ""
		}
		return s.atlas.countries[c].ISO
	}
	type style struct {
		colour color.RGBA
		width  float64
		want   func(a *arc) bool
	}
	border := func(a *arc) bool { return a.left >= 0 && a.right >= 0 && a.left != a.right }
	styles := []style{
		{coastColour, 0.9, func(a *arc) bool { return (a.left < 0) != (a.right < 0) }},
		{borderColour, 0.9, func(a *arc) bool { return border(a) && !home(a.left) && !home(a.right) }},
		{homeBorder, 1.4, func(a *arc) bool {
			return border(a) && home(a.left) != home(a.right)
		}},
		{ruByBorder, 2.0, func(a *arc) bool {
			return border(a) && home(a.left) && home(a.right) && iso(a.left) != iso(a.right)
		}},
	}
	dc.SetLineJoinRound()
	dc.SetLineCapRound()
	for _, st := range styles {
		any := false
		for ai := range s.layer.arcs {
			a := &s.layer.arcs[ai]
			if a.meridian || !st.want(a) || !s.proj.sees(s.visible, a.ext) {
				continue
			}
			b.reset()
			s.projectArc(b, &unwrapper{l: s.proj}, int32(ai), false)
			b.emit(dc, false)
			any = true
		}
		if any {
			dc.SetColor(st.colour)
			dc.SetLineWidth(st.width * s.unit)
			dc.Stroke()
		}
		dc.ClearPath()
	}
}

// text is a label ready to draw: a string at a baseline origin.
type text struct {
	s      string
	face   font.Face
	x, y   float64
	colour color.RGBA
	halo   float64 // width of the white outline, 0 for none
}

func (t text) draw(img *image.RGBA) {
	w, asc, desc := measure(t.face, t.s)
	pad := int(math.Ceil(t.halo)) + 2
	x0, y0 := int(math.Floor(t.x))-pad, int(math.Floor(t.y-asc))-pad
	bounds := image.Rect(x0, y0, int(math.Ceil(t.x+w))+pad, int(math.Ceil(t.y+desc))+pad)
	if !bounds.Overlaps(img.Bounds()) {
		return
	}
	// Glyphs are drawn once into a mask; the halo is that mask grown.
	mask := image.NewAlpha(bounds)
	d := &font.Drawer{Dst: mask, Src: image.Opaque, Face: t.face, Dot: fixedPoint(t.x, t.y)}
	d.DrawString(t.s)
	if t.halo > 0 {
		draw.DrawMask(img, bounds, image.NewUniform(halo), image.Point{}, dilate(mask, t.halo), bounds.Min, draw.Over)
	}
	draw.DrawMask(img, bounds, image.NewUniform(t.colour), image.Point{}, mask, bounds.Min, draw.Over)
}

// dilate grows a mask by r pixels: each pixel takes the largest value
// within a disc of radius r, so text gets an outline.
func dilate(m *image.Alpha, r float64) *image.Alpha {
	b := m.Bounds()
	out := image.NewAlpha(b)
	ri := int(math.Ceil(r))
	var offs [][2]int
	for dy := -ri; dy <= ri; dy++ {
		for dx := -ri; dx <= ri; dx++ {
			if float64(dx*dx+dy*dy) <= r*r+0.5 {
				offs = append(offs, [2]int{dx, dy})
			}
		}
	}
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v uint8
			for _, o := range offs {
				xx, yy := x+o[0], y+o[1]
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					continue
				}
				v = max(v, m.Pix[yy*m.Stride+xx])
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

func fixedPoint(x, y float64) fixed.Point26_6 {
	return fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
}

// measure returns a string's advance width and the face's ascent and
// descent, in pixels.
func measure(f font.Face, s string) (w, asc, desc float64) {
	m := f.Metrics()
	return float64(font.MeasureString(f, s)) / 64, float64(m.Ascent) / 64, float64(m.Descent) / 64
}

// placeLabels finds room for the markers' names.
func (s *scene) placeLabels(f faces, pl *placer) []text {
	var out []text
	for _, m := range labelOrder(s.markers) {
		if m.label == "" {
			continue
		}
		w, asc, desc := measure(f.label, m.label)
		// Text boxes sit tight on the glyphs: ascent includes room for
		// accents that names rarely have.
		asc *= 0.8
		x, y, ok := pl.labelSpot(m, w, asc, desc, (markerRimPx+3)*s.unit)
		if !ok {
			continue
		}
		out = append(out, text{s: m.label, face: f.label, x: x, y: y, colour: labelText, halo: haloWidth * s.unit})
	}
	return out
}

// drawMarkers draws the leader lines, then the symbols.
func (s *scene) drawMarkers(dc *gg.Context, img *image.RGBA, f faces) {
	for _, m := range s.markers {
		if math.Hypot(m.x-m.ax, m.y-m.ay) < 1 {
			continue
		}
		dc.SetColor(leaderColour)
		dc.SetLineWidth(1.2 * s.unit)
		dc.DrawLine(m.ax, m.ay, m.x, m.y)
		dc.Stroke()
		dc.DrawCircle(m.ax, m.ay, 2.2*s.unit)
		dc.Fill()
	}
	for _, m := range drawOrder(s.markers) {
		s.drawSymbol(dc, m)
		if m.number > 0 && !m.home {
			label := fmt.Sprint(m.number)
			w, _, _ := measure(f.number, label)
			capHeight := 0.7 * 14 * s.unit
			text{s: label, face: f.number, x: m.x - w/2, y: m.y + capHeight/2, colour: markerRim}.draw(img)
		}
	}
}

// drawSymbol draws a marker's shape, without its number.
func (s *scene) drawSymbol(dc *gg.Context, m *marker) {
	fill := markerFill(m)
	rim := markerRimPx * s.unit
	switch {
	case m.kind == Venue:
		dc.SetColor(markerRim)
		dc.DrawRegularPolygon(4, m.x, m.y, m.r*1.4+rim*1.4, math.Pi/4)
		dc.Fill()
		dc.SetColor(fill)
		dc.DrawRegularPolygon(4, m.x, m.y, m.r*1.4, math.Pi/4)
		dc.Fill()
	case m.home:
		dc.SetColor(markerRim)
		dc.DrawCircle(m.x, m.y, m.r+rim)
		dc.Fill()
		dc.SetColor(fill)
		dc.DrawCircle(m.x, m.y, m.r)
		dc.Fill()
		dc.SetColor(markerRim)
		dc.DrawCircle(m.x, m.y, m.r*0.62)
		dc.Fill()
		dc.SetColor(fill)
		dc.DrawCircle(m.x, m.y, m.r*0.34)
		dc.Fill()
	default:
		dc.SetColor(markerRim)
		dc.DrawCircle(m.x, m.y, m.r+rim)
		dc.Fill()
		dc.SetColor(fill)
		dc.DrawCircle(m.x, m.y, m.r)
		dc.Fill()
	}
}
