package maps

import "math"

// earthRadiusKm is the radius of the sphere the projection uses.
const earthRadiusKm = 6371.0

// Standard parallels of the Lambert conformal conic projection: true scale
// at 52° and 64° N, with little distortion from Belarus and the Black Earth
// region up to the White Sea.
const (
	parallel1 = 52.0
	parallel2 = 64.0
)

// lambert is a spherical Lambert conformal conic projection with its
// pixel transform: north is up along lon0.
type lambert struct {
	lon0       float64 // central meridian, degrees
	n, f, rho0 float64
	scale      float64 // pixels per earth radius
	x0, y0     float64 // projected coordinates of pixel (0, 0)
}

func newLambert(lon0 float64) *lambert {
	p1, p2 := rad(parallel1), rad(parallel2)
	n := math.Log(math.Cos(p1)/math.Cos(p2)) / math.Log(math.Tan(math.Pi/4+p2/2)/math.Tan(math.Pi/4+p1/2))
	f := math.Cos(p1) * math.Pow(math.Tan(math.Pi/4+p1/2), n) / n
	rho0 := f / math.Pow(math.Tan(math.Pi/4+rad(parallel1+parallel2)/4), n)
	return &lambert{lon0: lon0, n: n, f: f, rho0: rho0, scale: 1}
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }
func deg(rad float64) float64 { return rad * 180 / math.Pi }

// delta returns lon-lon0 in degrees, wrapped into [-180, 180).
func (l *lambert) delta(lon float64) float64 {
	d := math.Mod(lon-l.lon0+540, 360) - 180
	return d
}

// raw projects to unscaled coordinates (earth radius 1), y up.
func (l *lambert) raw(lon, lat float64) (x, y float64) {
	rho := l.f / math.Pow(math.Tan(math.Pi/4+rad(lat)/2), l.n)
	theta := l.n * rad(l.delta(lon))
	return rho * math.Sin(theta), l.rho0 - rho*math.Cos(theta)
}

// unraw inverts raw.
func (l *lambert) unraw(x, y float64) (lon, lat float64) {
	dy := l.rho0 - y
	rho := math.Copysign(math.Hypot(x, dy), l.n)
	theta := math.Atan2(x, dy)
	lat = deg(2*math.Atan(math.Pow(l.f/rho, 1/l.n)) - math.Pi/2)
	lon = l.lon0 + deg(theta/l.n)
	return lon, lat
}

// pixel projects to image coordinates, y down.
func (l *lambert) pixel(lon, lat float64) (px, py float64) {
	x, y := l.raw(lon, lat)
	return (x - l.x0) * l.scale, (l.y0 - y) * l.scale
}

// unpixel inverts pixel.
func (l *lambert) unpixel(px, py float64) (lon, lat float64) {
	return l.unraw(px/l.scale+l.x0, l.y0-py/l.scale)
}

// kmPerPixel is the scale along the frame's central parallel.
func (l *lambert) kmPerPixel(lat float64) float64 {
	phi := rad(lat)
	rho := l.f / math.Pow(math.Tan(math.Pi/4+phi/2), l.n)
	k := rho * l.n / math.Cos(phi) // scale factor: map length per ground length
	return earthRadiusKm / (l.scale * k)
}

// rect is an extent in unscaled projected coordinates, y up.
type rect struct{ minX, minY, maxX, maxY float64 }

func emptyRect() rect {
	return rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (r *rect) add(x, y float64) {
	r.minX, r.maxX = min(r.minX, x), max(r.maxX, x)
	r.minY, r.maxY = min(r.minY, y), max(r.maxY, y)
}

// boxRect returns the projected extent of a longitude/latitude box,
// sampled along its edges.
func (l *lambert) boxRect(west, south, east, north float64) rect {
	r := emptyRect()
	const steps = 32
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		lon := west + (east-west)*t
		lat := south + (north-south)*t
		r.add(l.raw(lon, south))
		r.add(l.raw(lon, north))
		r.add(l.raw(west, lat))
		r.add(l.raw(east, lat))
	}
	return r
}

// fit sets the pixel transform so that r, grown to the image's aspect
// ratio, fills a w×h image.
func (l *lambert) fit(r rect, w, h int) {
	rw, rh := r.maxX-r.minX, r.maxY-r.minY
	aspect := float64(w) / float64(h)
	if rw/rh < aspect {
		grow := rh*aspect - rw
		r.minX -= grow / 2
		r.maxX += grow / 2
	} else {
		grow := rw/aspect - rh
		r.minY -= grow / 2
		r.maxY += grow / 2
	}
	l.scale = float64(w) / (r.maxX - r.minX)
	l.x0, l.y0 = r.minX, r.maxY
}

// visible returns a longitude/latitude box (longitudes relative to lon0)
// that holds everything the w×h image shows, with a margin.
func (l *lambert) visible(w, h int) extent {
	e := emptyExtent()
	const steps = 16
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		for _, p := range [][2]float64{{t * float64(w), 0}, {t * float64(w), float64(h)}, {0, t * float64(h)}, {float64(w), t * float64(h)}} {
			lon, lat := l.unpixel(p[0], p[1])
			e.add(lon-l.lon0, lat)
		}
	}
	// The parallels bulge between the samples: the top edge's middle is
	// further north than any sampled point only by a little.
	e.west, e.east, e.south, e.north = e.west-2, e.east+2, e.south-1, min(90, e.north+1)
	return e
}

// sees reports whether an extent (absolute longitudes) may show within v
// (longitudes relative to lon0).
func (l *lambert) sees(v, e extent) bool {
	if e.south > v.north || e.north < v.south {
		return false
	}
	w := l.delta(e.west)
	east := w + (e.east - e.west)
	return w <= v.east && east >= v.west || w+360 <= v.east || east-360 >= v.west
}
