package practices

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/handlers/stem"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// view is one page of a practice search. It travels in button data as
// query:offset:area:country:band:recommended:region:municipality, where
// query is the id of the search text (0 for none), area is 1 + the index in
// partners.Areas (0 for any), and "-" stands for any country or region.
type view struct {
	query        int64
	offset       int
	area         string
	country      string
	band         int
	recommended  bool
	region       string
	municipality int64
}

func (v view) args() []string {
	country, region := v.country, v.region
	if country == "" {
		country = "-"
	}
	if region == "" {
		region = "-"
	}
	rec := "0"
	if v.recommended {
		rec = "1"
	}
	return []string{id(v.query), strconv.Itoa(v.offset), strconv.Itoa(areaIndex(v.area) + 1), country,
		strconv.Itoa(v.band), rec, region, id(v.municipality)}
}

func (v view) data(action string) callback.Data {
	return callback.New(FeatureList, action, v.args()...)
}

func parseView(args []string) (view, error) {
	if len(args) != 8 {
		return view{}, callback.ErrInvalid
	}
	q, err1 := strconv.ParseInt(args[0], 10, 64)
	offset, err2 := strconv.Atoi(args[1])
	area, err3 := strconv.Atoi(args[2])
	band, err4 := strconv.Atoi(args[4])
	muni, err5 := strconv.ParseInt(args[7], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || q < 0 || offset < 0 || offset > 100_000 ||
		area < 0 || area > len(partners.Areas) || band < 0 || band >= len(bands) ||
		(args[3] != "-" && args[3] != "RU" && args[3] != "BY") || (args[5] != "0" && args[5] != "1") {
		return view{}, callback.ErrInvalid
	}
	v := view{query: q, offset: offset, band: band, recommended: args[5] == "1", municipality: muni}
	if area > 0 {
		v.area = partners.Areas[area-1]
	}
	if args[3] != "-" {
		v.country = args[3]
	}
	if args[6] != "-" {
		v.region = args[6]
	}
	return v, nil
}

// Practices answers "/practices [area or words]".
func (s *Service) Practices(ctx context.Context, r *handlers.Request) error {
	text := strings.TrimSpace(r.Args)
	v := view{}
	if text != "" {
		if len([]rune(text)) > MaxQuery {
			text = string([]rune(text)[:MaxQuery])
		}
		// A search that is one area name is that area's filter: it reads
		// better and needs no search text.
		if area, ok := s.onlyArea(r, text); ok {
			v.area = area
		} else {
			q, err := s.DB.PracticeQueryID(ctx, text, s.now())
			if err != nil {
				return fmt.Errorf("practices: store query: %w", err)
			}
			v.query = q
		}
	}
	m, err := s.page(ctx, r, v)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// onlyArea reports whether text names an area of cooperation — the area's
// name in any language, or its first word in any form ("туризма",
// "адукацыя") — rather than words to search for.
func (s *Service) onlyArea(r *handlers.Request, text string) (string, bool) {
	text = strings.ToLower(strings.TrimSpace(text))
	words := stem.Tokens(text)
	for _, a := range partners.Areas {
		for _, lang := range locales.Languages {
			name := strings.ToLower(r.Translator().Text(lang, "area."+a, nil))
			if text == name {
				return a, true
			}
			first := stem.Tokens(name)
			if len(words) == 1 && len(first) > 0 && stem.Key(words[0], lang) == stem.Key(first[0], lang) {
				return a, true
			}
		}
	}
	return "", false
}

// ListButton handles the result list's buttons: pages and filters.
func (s *Service) ListButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	v, err := parseView(d.Args)
	if err != nil {
		return err
	}
	if v.region != "" {
		if _, ok := s.Dir.Region(v.region); !ok {
			return callback.ErrInvalid
		}
	}
	switch d.Action {
	case "p":
		m, err := s.page(ctx, r, v)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	case "areas":
		return r.EditOrReply(ctx, s.areaPicker(r, v))
	case "sizes":
		return r.EditOrReply(ctx, s.sizePicker(r, v))
	case "regions":
		m, err := s.regionPicker(ctx, r, v)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	}
	return callback.ErrInvalid
}

// filter turns a view into the store's filter.
func (s *Service) filter(ctx context.Context, r *handlers.Request, v view) (index.Query, string, error) {
	f := index.Query{Area: v.area, Country: v.country, Region: v.region, Municipality: v.municipality,
		Recommended: v.recommended}
	if v.band > 0 {
		f.MinPopulation = bands[v.band].min
		if bands[v.band].max < bands[0].max {
			f.MaxPopulation = bands[v.band].max
		}
	}
	var text string
	if v.query != 0 {
		var err error
		text, err = s.DB.PracticeQueryText(ctx, v.query)
		if errors.Is(err, store.ErrNotFound) {
			return f, "", callback.ErrInvalid
		}
		if err != nil {
			return f, "", err
		}
		f.Terms = Terms(text, r.Lang)
	}
	return f, text, nil
}

// page renders one page of results for a view.
func (s *Service) page(ctx context.Context, r *handlers.Request, v view) (handlers.Message, error) {
	f, text, err := s.filter(ctx, r, v)
	if err != nil {
		return handlers.Message{}, err
	}
	list, total, err := s.find(ctx, f, v.offset, pageSize)
	if err != nil {
		return handlers.Message{}, err
	}
	if len(list) == 0 && v.offset > 0 && total > 0 {
		v.offset = (total - 1) / pageSize * pageSize
		if list, total, err = s.find(ctx, f, v.offset, pageSize); err != nil {
			return handlers.Message{}, err
		}
	}

	var b strings.Builder
	if text != "" {
		b.WriteString(r.T("practices.header_query", locales.Args{"Query": text}) + "\n")
	}
	if line := s.filterLine(r, v); line != "" {
		b.WriteString(line + "\n")
	}
	if total == 0 {
		b.WriteString(r.T("practices.none", nil))
	} else {
		b.WriteString(r.N("practices.found", total, nil))
	}
	var rows [][]handlers.Button
	for i, p := range list {
		n := v.offset + i + 1
		b.WriteString(fmt.Sprintf("\n\n%d. ", n) + s.item(r.Translator(), r.Lang, p))
		row := []handlers.Button{{Text: r.T("practices.button.details", locales.Args{"Count": n}), Data: callback.New(FeaturePractice, "open", id(p.ID))}}
		if s.askable(r.Member, p) {
			row = append(row, handlers.Button{Text: r.T("practice.button.ask", nil), Data: callback.New(FeaturePractice, "ask", id(p.ID))})
		}
		rows = append(rows, row)
	}
	var nav []handlers.Button
	if v.offset > 0 {
		prev := v
		prev.offset = max(0, v.offset-pageSize)
		nav = append(nav, handlers.Button{Text: r.T("practices.button.back", nil), Data: prev.data("p")})
	}
	if v.offset+pageSize < total {
		next := v
		next.offset = v.offset + pageSize
		nav = append(nav, handlers.Button{Text: r.T("practices.button.more", nil), Data: next.data("p")})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	reset := v
	reset.offset = 0
	rec := reset
	rec.recommended = !v.recommended
	recLabel := "practices.button.recommended"
	if v.recommended {
		recLabel = "practices.button.all"
	}
	country := reset
	country.region = ""
	country.country, _ = nextCountry(v.country)
	rows = append(rows,
		handlers.Row(
			handlers.Button{Text: r.T("practices.button.area", nil), Data: reset.data("areas")},
			handlers.Button{Text: r.T("practices.button.size", nil), Data: reset.data("sizes")},
			handlers.Button{Text: r.T("practices.button.region", nil), Data: reset.data("regions")},
		),
		handlers.Row(
			handlers.Button{Text: r.T("practices.button.country."+countryKey(v.country), nil), Data: country.data("p")},
			handlers.Button{Text: r.T(recLabel, nil), Data: rec.data("p")},
		),
	)
	return handlers.Message{Text: b.String(), Buttons: rows}, nil
}

// nextCountry cycles the country filter: any → Russia → Belarus → any.
func nextCountry(c string) (string, bool) {
	switch c {
	case "":
		return "RU", true
	case "RU":
		return "BY", true
	}
	return "", false
}

func countryKey(c string) string {
	if c == "" {
		return "any"
	}
	return strings.ToLower(c)
}

// filterLine names the filters of a view, or returns "" when there are
// none.
func (s *Service) filterLine(r *handlers.Request, v view) string {
	var parts []string
	if v.municipality != 0 {
		name, region := s.placeLine(v.municipality, r.Lang)
		parts = append(parts, r.T("practices.filter.place", locales.Args{"Place": name, "Region": region}))
	}
	if v.area != "" {
		parts = append(parts, r.T("area."+v.area, nil))
	}
	if v.country != "" {
		parts = append(parts, r.T("practices.country."+countryKey(v.country), nil))
	}
	if v.region != "" {
		if reg, ok := s.Dir.Region(v.region); ok {
			parts = append(parts, reg.Name(r.Lang))
		}
	}
	if v.band > 0 {
		parts = append(parts, r.T("band."+strconv.Itoa(v.band), nil))
	}
	if v.recommended {
		parts = append(parts, r.T("practices.filter.recommended", nil))
	}
	if len(parts) == 0 {
		return ""
	}
	return r.T("practices.filter_line", locales.Args{"List": strings.Join(parts, "; ")})
}

func (s *Service) areaPicker(r *handlers.Request, v view) handlers.Message {
	var rows [][]handlers.Button
	var buttons []handlers.Button
	for _, a := range append([]string{""}, partners.Areas...) {
		w := v
		w.area = a
		label := r.T("practices.any_area", nil)
		if a != "" {
			label = r.T("area."+a, nil)
		}
		buttons = append(buttons, handlers.Button{Text: label, Data: w.data("p")})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	return handlers.Message{Text: r.T("practices.choose_area", nil), Buttons: rows}
}

func (s *Service) sizePicker(r *handlers.Request, v view) handlers.Message {
	var rows [][]handlers.Button
	for band := range bands {
		w := v
		w.band = band
		rows = append(rows, handlers.Row(handlers.Button{Text: r.T("band."+strconv.Itoa(band), nil), Data: w.data("p")}))
	}
	return handlers.Message{Text: r.T("practices.choose_size", nil), Buttons: rows}
}

// regionPickerSize is how many regions the region filter offers: those
// with the most practices under the view's other filters.
const regionPickerSize = 20

func (s *Service) regionPicker(ctx context.Context, r *handlers.Request, v view) (handlers.Message, error) {
	w := v
	w.region = ""
	f, _, err := s.filter(ctx, r, w)
	if err != nil {
		return handlers.Message{}, err
	}
	idx, err := s.index(ctx)
	if err != nil {
		return handlers.Message{}, err
	}
	counts := idx.Regions(f)
	type region struct {
		code string
		n    int
	}
	var list []region
	for code, n := range counts {
		if _, ok := s.Dir.Region(code); ok {
			list = append(list, region{code, n})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].code < list[j].code
	})
	anyRegion := w
	rows := [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("practices.any_region", nil), Data: anyRegion.data("p")})}
	var buttons []handlers.Button
	for _, reg := range list[:min(len(list), regionPickerSize)] {
		x := w
		x.region = reg.code
		info, _ := s.Dir.Region(reg.code)
		buttons = append(buttons, handlers.Button{Text: fmt.Sprintf("%s (%d)", info.Name(r.Lang), reg.n), Data: x.data("p")})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	text := r.T("practices.choose_region", nil)
	if len(list) == 0 {
		text = r.T("practices.none", nil)
	}
	return handlers.Message{Text: text, Buttons: rows}, nil
}
