// Package csvimport reads the association's registry files: CSV with a
// header row, columns in any order, every bad row reported with its line
// and reason so that a file is either imported whole or not at all.
package csvimport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadRows is returned when a file has bad rows; nothing is imported then.
var ErrBadRows = errors.New("csvimport: the file has bad rows")

// LineError is a bad row of an import file.
type LineError struct {
	Line   int
	Reason string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Report is the outcome of an import.
type Report struct {
	Rows   int         // rows imported (0 when any row was bad)
	Errors []LineError // every bad row, with its line
}

// Row is one data row; Get returns a column's trimmed value by its
// lower-case name, or "" when the file has no such column.
type Row struct {
	Line    int
	Get     func(column string) string
	Columns []string // the header's column names, lower-case, in file order
}

// Read reads the header, checks that the required columns are there, and
// calls check for every data row; check returns what is wrong with the row
// (nothing for a good one). Rows that CSV itself cannot read are reported
// like bad rows.
func Read(r io.Reader, required []string, check func(Row) []string) (errs []LineError, err error) {
	var columns []string
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[name] = i
		columns = append(columns, name)
	}
	for _, need := range required {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("the header has no %q column (needed: %s)", need, strings.Join(required, ", "))
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return errs, nil
		}
		if err != nil {
			// A broken quote may swallow the rest of the file: report it at
			// the line it starts on and stop.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, LineError{pe.StartLine, pe.Err.Error()})
				if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
					continue
				}
			} else {
				errs = append(errs, LineError{0, err.Error()})
			}
			return errs, nil
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if problems := check(Row{Line: line, Get: get, Columns: columns}); len(problems) > 0 {
			errs = append(errs, LineError{line, strings.Join(problems, "; ")})
		}
	}
}
