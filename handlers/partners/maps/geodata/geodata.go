// Package geodata is the compact file format of the map data that package
// maps embeds: countries with their names in Russian, Belarusian and
// English, and their outlines as a topology (shared borders stored once),
// at one or more Natural Earth scales. cmd/genmap writes it from Natural
// Earth's TopoJSON; package maps reads it.
//
// The format, all integers as Go varints (encoding/binary):
//
//	"PBMAP" 0x01
//	countries: n, then per country: numeric code (uvarint), ISO alpha-2,
//	    English, Russian and Belarusian names (each: uvarint length, bytes)
//	layers: n, then per layer: scale (uvarint, 50 for 1:50m), the grid
//	    (lon step, lat step, lon origin, lat origin: float64 bits, uvarint),
//	    arcs: n, then per arc: left and right country (uvarint, index+1,
//	    0 for none), point count, the first point and then the deltas
//	    (zigzag varints, in grid steps);
//	    polygons: n, then per polygon: country (uvarint index), ring count,
//	    per ring: arc count and arc references (zigzag varints; ^i is arc i
//	    reversed).
package geodata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const magic = "PBMAP\x01"

// Atlas is the whole map data.
type Atlas struct {
	Countries []Country
	Layers    []Layer
}

// Country is one country (a Natural Earth admin-0 unit).
type Country struct {
	Code int    // ISO 3166-1 numeric, 0 where Natural Earth gives none
	ISO  string // ISO 3166-1 alpha-2, "" where there is none
	// NameEN, NameRU and NameBE are the country's names in English, Russian
	// and Belarusian.
	NameEN, NameRU, NameBE string
}

// Name returns the country's name in lang ("ru", "be", anything else for
// English), falling back to English.
func (c Country) Name(lang string) string {
	switch lang {
	case "ru":
		if c.NameRU != "" {
			return c.NameRU
		}
	case "be":
		if c.NameBE != "" {
			return c.NameBE
		}
		if c.NameRU != "" {
			return c.NameRU
		}
	}
	return c.NameEN
}

// Grid is how a layer's coordinates are quantised: lon = LonOrigin +
// x*LonStep, lat = LatOrigin + y*LatStep for integer x, y.
type Grid struct {
	LonStep, LatStep, LonOrigin, LatOrigin float64
}

// Layer is the outlines at one scale.
type Layer struct {
	Scale    int // Natural Earth scale in millions: 10, 50 or 110
	Grid     Grid
	Arcs     []Arc
	Polygons []Polygon
}

// Arc is a polyline shared by the polygons on its two sides: a land border
// when both sides are countries, a coastline when one is.
type Arc struct {
	// Left and Right are the indices of the countries on either side, or
	// -1 for none (sea, or a country not in the atlas).
	Left, Right int
	// Points are integer grid positions (see Grid), X (longitude) and Y
	// (latitude) interleaved.
	Points []int32
}

// Polygon is one piece of a country: an outer ring and holes, each a
// sequence of arc references.
type Polygon struct {
	Country int
	Rings   [][]int32 // per ring, arc indices; ^i means arc i reversed
}

// Encode writes a gzip-compressed atlas. The same atlas always gives the
// same bytes.
func Encode(w io.Writer, a *Atlas) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("geodata: encode: %w", err)
	}
	e := &encoder{w: bufio.NewWriter(zw)}
	e.w.WriteString(magic)
	e.uint(uint64(len(a.Countries)))
	for _, c := range a.Countries {
		if c.Code < 0 {
			return fmt.Errorf("geodata: encode: country %q has a negative code", c.NameEN)
		}
		e.uint(uint64(c.Code))
		for _, s := range []string{c.ISO, c.NameEN, c.NameRU, c.NameBE} {
			e.string(s)
		}
	}
	e.uint(uint64(len(a.Layers)))
	for _, l := range a.Layers {
		e.uint(uint64(l.Scale))
		for _, f := range []float64{l.Grid.LonStep, l.Grid.LatStep, l.Grid.LonOrigin, l.Grid.LatOrigin} {
			e.uint(math.Float64bits(f))
		}
		e.uint(uint64(len(l.Arcs)))
		for i, arc := range l.Arcs {
			if len(arc.Points)%2 != 0 || len(arc.Points) < 4 {
				return fmt.Errorf("geodata: encode: layer 1:%dm arc %d has %d coordinates", l.Scale, i, len(arc.Points))
			}
			e.uint(uint64(arc.Left + 1))
			e.uint(uint64(arc.Right + 1))
			e.uint(uint64(len(arc.Points) / 2))
			var px, py int32
			for j := 0; j < len(arc.Points); j += 2 {
				x, y := arc.Points[j], arc.Points[j+1]
				e.int(int64(x - px))
				e.int(int64(y - py))
				px, py = x, y
			}
		}
		e.uint(uint64(len(l.Polygons)))
		for _, p := range l.Polygons {
			e.uint(uint64(p.Country))
			e.uint(uint64(len(p.Rings)))
			for _, ring := range p.Rings {
				e.uint(uint64(len(ring)))
				for _, ref := range ring {
					e.int(int64(ref))
				}
			}
		}
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("geodata: encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("geodata: encode: %w", err)
	}
	return nil
}

type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) uint(v uint64) { e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], v)]) }
func (e *encoder) int(v int64)   { e.w.Write(e.buf[:binary.PutVarint(e.buf[:], v)]) }
func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.w.WriteString(s)
}

// ErrFormat reports data that is not a valid atlas.
var ErrFormat = errors.New("geodata: not a valid atlas")

// Decode reads an atlas written by Encode and checks that every reference
// in it points somewhere.
func Decode(r io.Reader) (*Atlas, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("geodata: decode: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("geodata: decode: %w", err)
	}
	return decodeRaw(raw)
}

func decodeRaw(raw []byte) (*Atlas, error) {
	d := &decoder{b: raw}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, fmt.Errorf("%w: bad header", ErrFormat)
	}
	d.b = d.b[len(magic):]
	a := &Atlas{}
	n := d.count(1 << 12)
	a.Countries = make([]Country, n)
	for i := range a.Countries {
		c := &a.Countries[i]
		c.Code = int(d.uint())
		c.ISO, c.NameEN, c.NameRU, c.NameBE = d.string(), d.string(), d.string(), d.string()
	}
	a.Layers = make([]Layer, d.count(16))
	for li := range a.Layers {
		l := &a.Layers[li]
		l.Scale = int(d.uint())
		l.Grid = Grid{d.float(), d.float(), d.float(), d.float()}
		l.Arcs = make([]Arc, d.count(1<<20))
		for i := range l.Arcs {
			arc := &l.Arcs[i]
			arc.Left, arc.Right = int(d.uint())-1, int(d.uint())-1
			if arc.Left >= len(a.Countries) || arc.Right >= len(a.Countries) {
				d.fail("arc side")
			}
			np := d.count(1 << 24)
			arc.Points = make([]int32, 2*np)
			var x, y int64
			for j := 0; j < np; j++ {
				x += d.int()
				y += d.int()
				if x != int64(int32(x)) || y != int64(int32(y)) {
					d.fail("point out of range")
				}
				arc.Points[2*j], arc.Points[2*j+1] = int32(x), int32(y)
			}
		}
		l.Polygons = make([]Polygon, d.count(1<<20))
		for i := range l.Polygons {
			p := &l.Polygons[i]
			p.Country = int(d.uint())
			if p.Country >= len(a.Countries) {
				d.fail("polygon country")
			}
			p.Rings = make([][]int32, d.count(1<<16))
			for j := range p.Rings {
				ring := make([]int32, d.count(1<<16))
				for k := range ring {
					ref := d.int()
					idx := ref
					if idx < 0 {
						idx = ^idx
					}
					if idx >= int64(len(l.Arcs)) {
						d.fail("arc reference")
					}
					ring[k] = int32(ref)
				}
				p.Rings[j] = ring
			}
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrFormat, len(d.b))
	}
	return a, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrFormat, what)
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length, failing above limit (so corrupt data cannot make
// Decode allocate without bound).
func (d *decoder) count(limit int) int {
	v := d.uint()
	// Every counted item takes at least one byte.
	if v > uint64(limit) || v > uint64(len(d.b)) {
		d.fail("count")
		return 0
	}
	return int(v)
}

func (d *decoder) float() float64 { return math.Float64frombits(d.uint()) }

func (d *decoder) string() string {
	n := d.count(1 << 10)
	if n > len(d.b) {
		d.fail("truncated string")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// Bounds returns the arc's extent in grid units.
func (a Arc) Bounds() (minX, minY, maxX, maxY int32) {
	minX, minY, maxX, maxY = math.MaxInt32, math.MaxInt32, math.MinInt32, math.MinInt32
	for i := 0; i < len(a.Points); i += 2 {
		minX, maxX = min(minX, a.Points[i]), max(maxX, a.Points[i])
		minY, maxY = min(minY, a.Points[i+1]), max(maxY, a.Points[i+1])
	}
	return minX, minY, maxX, maxY
}
