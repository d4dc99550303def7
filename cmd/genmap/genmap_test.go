package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers/partners/maps/geodata"
)

// tiny is a TopoJSON topology in world-atlas's shape: Belarus and Russia
// sharing one border arc, and a far-away island outside the kept area.
const tiny = `{"type":"Topology",
 "transform":{"scale":[0.1,0.1],"translate":[0,0]},
 "objects":{"countries":{"type":"GeometryCollection","geometries":[
  {"type":"Polygon","id":"112","properties":{"name":"Belarus"},"arcs":[[0,1]]},
  {"type":"MultiPolygon","id":"643","properties":{"name":"Russia"},"arcs":[[[-1,2]]]},
  {"type":"Polygon","properties":{"name":"Somewhere"},"arcs":[[3]]}
 ]},"land":{"type":"GeometryCollection","geometries":[]}},
 "arcs":[
  [[300,500],[0,50]],
  [[300,550],[-50,0],[0,-50],[50,0]],
  [[300,500],[100,0],[0,50],[-100,0]],
  [[-1700,-600],[10,0],[0,10],[-10,-10]]
 ]}`

func writeTiny(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sc := range scales {
		if err := os.WriteFile(filepath.Join(dir, sc.file), []byte(tiny), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuildKeepsTopologyAndNames(t *testing.T) {
	dir := writeTiny(t)
	out := filepath.Join(t.TempDir(), "atlas.bin.gz")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-atlas", dir, "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	a, err := geodata.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Countries) != 2 {
		t.Fatalf("countries %+v, want Belarus and Russia only (the island is outside)", a.Countries)
	}
	by, ru := a.Countries[0], a.Countries[1]
	if by.ISO != "BY" || by.NameRU != "Беларусь" || by.NameBE != "Беларусь" || by.NameEN != "Belarus" {
		t.Errorf("Belarus: %+v", by)
	}
	if ru.ISO != "RU" || ru.NameRU != "Россия" || ru.NameBE != "Расія" || ru.NameEN != "Russia" || ru.Code != 643 {
		t.Errorf("Russia: %+v", ru)
	}
	if len(a.Layers) != len(scales) {
		t.Fatalf("%d layers", len(a.Layers))
	}
	l := a.Layers[0]
	if len(l.Polygons) != 2 || len(l.Arcs) != 3 {
		t.Fatalf("%d polygons, %d arcs", len(l.Polygons), len(l.Arcs))
	}
	border := l.Arcs[0]
	if border.Left != 0 || border.Right != 1 {
		t.Errorf("shared arc sides %d, %d; want Belarus and Russia", border.Left, border.Right)
	}
	if coast := l.Arcs[1]; coast.Left != 0 || coast.Right != -1 {
		t.Errorf("Belarus-only arc sides %d, %d", coast.Left, coast.Right)
	}
	if got := l.Polygons[1].Rings[0][0]; got != ^int32(0) {
		t.Errorf("Russia's ring starts with %d, want the shared arc reversed", got)
	}
	if want := []int32{300, 500, 300, 550}; !equal(border.Points, want) {
		t.Errorf("border points %v", border.Points)
	}
	if !strings.Contains(stdout.String(), "2 countries") {
		t.Errorf("summary: %q", stdout.String())
	}

	// The same sources give the same bytes.
	out2 := filepath.Join(t.TempDir(), "again.bin.gz")
	if err := run([]string{"-atlas", dir, "-out", out2}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(out2); !bytes.Equal(raw, again) {
		t.Error("two runs gave different files")
	}
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(nil, &stdout, &stderr); err == nil {
		t.Error("no -atlas: no error")
	}
	if err := run([]string{"-atlas", t.TempDir()}, &stdout, &stderr); err == nil {
		t.Error("empty directory: no error")
	}
}
