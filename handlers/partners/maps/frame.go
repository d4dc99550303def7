package maps

import "math"

// Preset frames, in degrees.
var (
	// westFrame is Belarus and Russia's western part: Kaliningrad to the
	// Urals, the Caucasus to the Kola peninsula.
	westFrame = extent{west: 20, south: 42.5, east: 60, north: 69.5}
	// russiaFrame is the whole of Russia; its east edge lies past the
	// antimeridian.
	russiaFrame = extent{west: 20, south: 41.5, east: 190, north: 77.5}
)

const (
	westMeridian   = 40.0
	russiaMeridian = 100.0
	// urals is the longitude past which a point needs the whole of Russia.
	urals = 60.0
)

// marginPx keeps markers and their labels off a Fit frame's edges.
const marginPx = 70.0

// frame chooses the projection and pixel transform for the request.
func frame(req *Request) *lambert {
	w, h := req.Size.W, req.Size.H
	var pts [][2]float64 // lon (east of -90 kept east: Chukotka), lat
	add := func(p Point) {
		lon := p.Lon
		if lon < -90 {
			lon += 360
		}
		pts = append(pts, [2]float64{lon, p.Lat})
	}
	if req.Home != nil {
		add(*req.Home)
	}
	for _, p := range req.Points {
		add(p)
	}
	east := false
	for _, p := range pts {
		east = east || p[0] > urals
	}
	preset := func(russia bool) *lambert {
		f, lon0 := westFrame, westMeridian
		if russia {
			f, lon0 = russiaFrame, russiaMeridian
		}
		l := newLambert(lon0)
		l.fit(l.boxRect(f.west, f.south, f.east, f.north), w, h)
		return l
	}
	switch req.View {
	case West:
		return preset(false)
	case Russia:
		return preset(true)
	case Overview:
		return preset(east)
	}
	if len(pts) == 0 {
		return preset(false)
	}
	minLon, maxLon := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		minLon, maxLon = min(minLon, p[0]), max(maxLon, p[0])
	}
	if east && minLon < urals-15 {
		return preset(true)
	}
	lon0 := min(max(math.Round((minLon+maxLon)/2), 20), 160)
	l := newLambert(lon0)
	r := emptyRect()
	for _, p := range pts {
		r.add(l.raw(p[0], p[1]))
	}
	// At least MinSpanKm across, in the projection's units (earth radii,
	// nearly true to scale between the standard parallels).
	span := MinSpanKm / earthRadiusKm
	if d := span - (r.maxX - r.minX); d > 0 {
		r.minX, r.maxX = r.minX-d/2, r.maxX+d/2
	}
	if d := span*float64(h)/float64(w) - (r.maxY - r.minY); d > 0 {
		r.minY, r.maxY = r.minY-d/2, r.maxY+d/2
	}
	// Grow by a margin in pixels: fit the points into the image less its
	// margins to learn the scale, then add the margins at that scale.
	l.fit(r, w-int(2*marginPx), h-int(2*marginPx))
	m := marginPx / l.scale
	l.fit(rect{r.minX - m, r.minY - m, r.maxX + m, r.maxY + m}, w, h)
	return l
}
