package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// override is one line of overrides.tsv: a correction applied after the
// names were chosen from the sources.
//
//	place	<geonameid>	ru|be|en	<name>	<why>
//	place	<geonameid>	kind	capital|region|district|town	<why>
//	place	<geonameid>	drop	-	<why>
//	region	<CC.code>	ru|be|en	<name>	<why>
//
// Setting a name also clears the place's heuristic flag for that language:
// the name has been checked by a person.
type override struct {
	Line   int
	Scope  string // "place" or "region"
	ID     int64  // for places
	Code   string // for regions
	Field  string
	Value  string
	Reason string
	used   bool
}

func parseOverrides(r io.Reader) ([]*override, error) {
	var out []*override
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("overrides:%d: %d fields, want 5 (scope, id, field, value, reason)", line, len(f))
		}
		o := &override{Line: line, Scope: f[0], Field: f[2], Value: strings.TrimSpace(f[3]), Reason: strings.TrimSpace(f[4])}
		if o.Reason == "" {
			return nil, fmt.Errorf("overrides:%d: the reason is missing", line)
		}
		switch o.Scope {
		case "place":
			id, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("overrides:%d: geonameid: %w", line, err)
			}
			o.ID = id
			switch o.Field {
			case "ru", "be", "en":
				if o.Value == "" {
					return nil, fmt.Errorf("overrides:%d: empty name", line)
				}
			case "kind":
				if _, ok := kindCodes[o.Value]; !ok {
					return nil, fmt.Errorf("overrides:%d: unknown kind %q", line, o.Value)
				}
			case "drop":
			default:
				return nil, fmt.Errorf("overrides:%d: unknown place field %q", line, o.Field)
			}
		case "region":
			if !strings.Contains(f[1], ".") {
				return nil, fmt.Errorf("overrides:%d: region code %q is not CC.code", line, f[1])
			}
			o.Code = f[1]
			switch o.Field {
			case "ru", "be", "en":
				if o.Value == "" {
					return nil, fmt.Errorf("overrides:%d: empty name", line)
				}
			default:
				return nil, fmt.Errorf("overrides:%d: unknown region field %q", line, o.Field)
			}
		default:
			return nil, fmt.Errorf("overrides:%d: unknown scope %q", line, o.Scope)
		}
		out = append(out, o)
	}
	return out, sc.Err()
}

// kindCodes maps the kinds' names in overrides.tsv to their codes in the
// directory file.
var kindCodes = map[string]byte{"capital": 'C', "region": 'R', "district": 'D', "town": 'T'}
