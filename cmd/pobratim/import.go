package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/pobratim/pobratim/handlers/agreements"
	"github.com/pobratim/pobratim/handlers/csvimport"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// importKinds are the registries `pobratim import` loads.
var importKinds = []string{"municipalities", "agreements"}

// importFile loads one of the association's registries from a CSV file, in
// one transaction, and prints every bad row.
func importFile(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	kind, path := cfg.Args[0], cfg.Args[1]
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	dir, err := directory.Load()
	if err != nil {
		return err
	}
	if err := partners.ApplyRegistry(ctx, db, dir); err != nil {
		return err
	}
	var rep csvimport.Report
	switch kind {
	case "municipalities":
		rep, err = partners.ImportMunicipalities(ctx, db, dir, f, time.Now())
	case "agreements":
		rep, err = agreements.ImportCSV(ctx, db, dir, f, time.Now())
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(stdout, "%s:%d: %s\n", path, e.Line, e.Reason)
	}
	if errors.Is(err, csvimport.ErrBadRows) {
		return fmt.Errorf("import: %d bad rows in %s; nothing was imported", len(rep.Errors), path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d %s from %s\n", rep.Rows, kind, path)
	return nil
}
