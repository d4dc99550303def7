package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// topology is the part of a world-atlas TopoJSON file genmap reads: the
// quantised arcs and the countries object.
type topology struct {
	file      string
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	// Arcs are delta-encoded quantised positions, as TopoJSON stores them.
	Arcs    [][][2]int64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []geometry `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

// geometry is one country: a Polygon (rings of arc references) or a
// MultiPolygon (polygons of rings).
type geometry struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// polygons returns the geometry's polygons, each a list of rings of arc
// references.
func (g geometry) polygons() ([][][]int64, error) {
	switch g.Type {
	case "Polygon":
		var rings [][]int64
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return nil, fmt.Errorf("%s: %w", g.Properties.Name, err)
		}
		return [][][]int64{rings}, nil
	case "MultiPolygon":
		var polys [][][]int64
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return nil, fmt.Errorf("%s: %w", g.Properties.Name, err)
		}
		return polys, nil
	case "", "null":
		return nil, nil
	}
	return nil, fmt.Errorf("%s: unexpected geometry type %q", g.Properties.Name, g.Type)
}

// readTopology reads name from dir, or from dir/package (an unpacked npm
// tarball).
func readTopology(dir, name string) (*topology, error) {
	path := filepath.Join(dir, name)
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		path = filepath.Join(dir, "package", name)
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read topology: %w", err)
	}
	t := &topology{file: name}
	if err := json.Unmarshal(raw, t); err != nil {
		return nil, fmt.Errorf("read topology %s: %w", path, err)
	}
	if t.Transform.Scale[0] <= 0 || t.Transform.Scale[1] <= 0 {
		return nil, fmt.Errorf("read topology %s: not quantised (no transform)", path)
	}
	if len(t.Objects.Countries.Geometries) == 0 {
		return nil, fmt.Errorf("read topology %s: no countries", path)
	}
	return t, nil
}

// absolute decodes arc i into absolute grid positions.
func (t *topology) absolute(i int) []int32 {
	out := make([]int32, 0, 2*len(t.Arcs[i]))
	var x, y int64
	for _, d := range t.Arcs[i] {
		x += d[0]
		y += d[1]
		out = append(out, int32(x), int32(y))
	}
	return out
}
