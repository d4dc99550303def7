// Command genmap builds the map data that handlers/partners/maps embeds:
// the country outlines of Natural Earth (public domain), as redistributed
// in TopoJSON by the npm package world-atlas, cut to Russia, Belarus and
// their surroundings, with the countries' names in Russian, Belarusian and
// English from the Unicode CLDR (carried by golang.org/x/text).
//
// Usage (docs/MAPS.md has the commands that fetch the source):
//
//	go run ./cmd/genmap -atlas DIR -out handlers/partners/maps/data/atlas.bin.gz
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "genmap:", err)
		}
		os.Exit(1)
	}
}

type config struct {
	Atlas string
	Out   string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("genmap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Atlas, "atlas", "", "directory of the unpacked npm package world-atlas@2.0.2 (holding countries-10m.json and countries-50m.json, or package/countries-50m.json)")
	fs.StringVar(&c.Out, "out", "handlers/partners/maps/data/atlas.bin.gz", "file to write")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.Atlas == "" {
		fs.Usage()
		return c, errors.New("-atlas is required")
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	layers := make([]*topology, 0, len(scales))
	for _, sc := range scales {
		t, err := readTopology(cfg.Atlas, sc.file)
		if err != nil {
			return err
		}
		layers = append(layers, t)
	}
	atlas, stats, err := build(layers)
	if err != nil {
		return err
	}
	if err := writeAtomic(cfg.Out, atlas); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d countries\n", len(atlas.Countries))
	for i, l := range atlas.Layers {
		fmt.Fprintf(stdout, "1:%dm: %d polygons, %d arcs, %d points\n", l.Scale, len(l.Polygons), len(l.Arcs), stats[i].points)
	}
	fi, err := os.Stat(cfg.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", cfg.Out, fi.Size())
	return nil
}
