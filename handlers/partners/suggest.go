package partners

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
)

// Partners answers "/partners <place> [area]": ranked suggestions on the
// other side of the border. Without a place it uses the member's own
// municipality.
func (s *Service) Partners(ctx context.Context, r *handlers.Request) error {
	query, area := splitArea(r, r.Args)
	var origin directory.Place
	if query == "" {
		if r.Member.MunicipalityID == 0 {
			return r.ReplyText(ctx, "partners.usage", nil)
		}
		var ok bool
		if origin, ok = s.Dir.ByID(r.Member.MunicipalityID); !ok {
			return r.ReplyText(ctx, "partners.usage", nil)
		}
	} else {
		var ok bool
		var err error
		if origin, ok, err = places.Find(ctx, r, s.Dir, query, FeaturePartners); !ok {
			return err
		}
	}
	m, err := s.page(ctx, r, view{origin: origin.ID, filter: Filter{Area: area}})
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// PartnersButton handles the suggestion list's buttons: a picked homonym,
// paging, filters, and proposing partnership.
func (s *Service) PartnersButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	switch d.Action {
	case "pick":
		p, err := places.FromButton(r, s.Dir, 0)
		if err != nil {
			return err
		}
		m, err := s.page(ctx, r, view{origin: p.ID})
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	case "page":
		v, err := parseView(d.Args)
		if err != nil {
			return err
		}
		if _, ok := s.Dir.ByID(v.origin); !ok {
			return callback.ErrInvalid
		}
		if _, ok := s.Dir.Region(v.filter.Region); v.filter.Region != "" && !ok {
			return callback.ErrInvalid
		}
		m, err := s.page(ctx, r, v)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	case "areas":
		v, err := parseView(d.Args)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, s.areaPicker(r, v))
	case "bands":
		v, err := parseView(d.Args)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, s.bandPicker(r, v))
	case "regions":
		v, err := parseView(d.Args)
		if err != nil {
			return err
		}
		origin, ok := s.Dir.ByID(v.origin)
		if !ok {
			return callback.ErrInvalid
		}
		return r.EditOrReply(ctx, s.regionPicker(r, origin, v))
	case "propose":
		p, err := places.FromButton(r, s.Dir, 0)
		if err != nil {
			return err
		}
		return s.propose(ctx, r, p)
	case "map":
		v, err := parseView(d.Args)
		if err != nil {
			return err
		}
		return s.sendMap(ctx, r, v)
	}
	return callback.ErrInvalid
}

// view is one page of suggestions: its origin, filter and offset. It travels
// in button data as origin:offset:mode:area:band:region ("-" for any).
type view struct {
	origin int64
	offset int
	filter Filter
}

func (v view) args() []string {
	mode := "o"
	if v.filter.SameCountry {
		mode = "s"
	}
	region := v.filter.Region
	if region == "" {
		region = "-"
	}
	return []string{places.ID(v.origin), strconv.Itoa(v.offset), mode, strconv.Itoa(areaIndex(v.filter.Area) + 1), strconv.Itoa(v.filter.Band), region}
}

func (v view) data(action string) callback.Data {
	return callback.New(FeaturePartners, action, v.args()...)
}

func parseView(args []string) (view, error) {
	if len(args) != 6 {
		return view{}, callback.ErrInvalid
	}
	origin, err1 := strconv.ParseInt(args[0], 10, 64)
	offset, err2 := strconv.Atoi(args[1])
	area, err3 := strconv.Atoi(args[3])
	band, err4 := strconv.Atoi(args[4])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || offset < 0 || offset > 10_000 ||
		area < 0 || area > len(Areas) || band < 0 || band >= len(bands) || (args[2] != "o" && args[2] != "s") {
		return view{}, callback.ErrInvalid
	}
	v := view{origin: origin, offset: offset, filter: Filter{SameCountry: args[2] == "s", Band: band}}
	if area > 0 {
		v.filter.Area = Areas[area-1]
	}
	if args[5] != "-" {
		v.filter.Region = args[5]
	}
	return v, nil
}

// page renders suggestions for a view.
func (s *Service) page(ctx context.Context, r *handlers.Request, v view) (handlers.Message, error) {
	origin, ok := s.Dir.ByID(v.origin)
	if !ok {
		return handlers.Message{}, callback.ErrInvalid
	}
	partners, top, total, err := s.rank(ctx, origin, v.filter, v.offset+pageSize)
	if err != nil {
		return handlers.Message{}, err
	}
	if v.offset >= len(top) {
		v.offset = max(0, (len(top)-1)/pageSize*pageSize)
	}
	pageItems := top[min(v.offset, len(top)):]

	var b strings.Builder
	b.WriteString(r.T("partners.header", locales.Args{
		"Place": origin.Name(r.Lang), "Region": s.Dir.RegionName(origin, r.Lang),
		"Population": places.Population(r.Lang, origin.Population),
	}))
	if f := s.filterLine(r, v.filter); f != "" {
		b.WriteString("\n" + f)
	}
	if len(partners) > 0 {
		names := make([]string, 0, len(partners))
		for _, pid := range partners {
			if p, ok := s.Dir.ByID(pid); ok {
				names = append(names, p.Name(r.Lang))
			}
		}
		b.WriteString("\n" + r.T("partners.already", locales.Args{"List": strings.Join(names, ", ")}))
	}
	if len(pageItems) == 0 {
		b.WriteString("\n\n" + r.T("partners.none", nil))
	}
	ids := make([]int64, 0, len(pageItems))
	for _, sug := range pageItems {
		ids = append(ids, sug.Place.ID)
	}
	highlights := s.highlightsFor(ctx, r, ids, v.filter.Area)
	var rows [][]handlers.Button
	for i, sug := range pageItems {
		n := v.offset + i + 1
		fmt.Fprintf(&b, "\n\n%d. %s", n, r.T("partners.item", locales.Args{
			"Place": sug.Place.Name(r.Lang), "Region": s.Dir.RegionName(sug.Place, r.Lang),
			"Population": places.Population(r.Lang, sug.Place.Population), "Km": int(sug.Km + 0.5),
		}))
		if reasons := s.reasons(r, origin, sug); reasons != "" {
			b.WriteString("\n   " + reasons)
		}
		for _, h := range highlights[sug.Place.ID] {
			b.WriteString("\n   " + h.Line)
		}
		rows = append(rows, handlers.Row(
			handlers.Button{Text: fmt.Sprintf("%d. %s", n, sug.Place.Name(r.Lang)), Data: callback.New(FeatureCity, "pick", places.ID(sug.Place.ID))},
			handlers.Button{Text: r.T("partners.button.propose", nil), Data: callback.New(FeaturePartners, "propose", places.ID(sug.Place.ID))},
		))
	}
	var nav []handlers.Button
	if v.offset > 0 {
		prev := v
		prev.offset = max(0, v.offset-pageSize)
		nav = append(nav, handlers.Button{Text: r.T("partners.button.back", nil), Data: prev.data("page")})
	}
	if len(pageItems) > 0 {
		nav = append(nav, handlers.Button{Text: r.T("map.button.show", nil), Data: v.data("map")})
	}
	if v.offset+pageSize < total {
		next := v
		next.offset = v.offset + pageSize
		nav = append(nav, handlers.Button{Text: r.T("partners.button.more", nil), Data: next.data("page")})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	other := v
	other.offset, other.filter.SameCountry, other.filter.Region = 0, !v.filter.SameCountry, ""
	modeLabel := "partners.button.same_country"
	if v.filter.SameCountry {
		modeLabel = "partners.button.other_country"
	}
	rows = append(rows, handlers.Row(
		handlers.Button{Text: r.T(modeLabel, nil), Data: other.data("page")},
		handlers.Button{Text: r.T("partners.button.areas", nil), Data: v.data("areas")},
		handlers.Button{Text: r.T("partners.button.size", nil), Data: v.data("bands")},
		handlers.Button{Text: r.T("partners.button.region", nil), Data: v.data("regions")},
	))
	return handlers.Message{Text: b.String(), Buttons: rows}, nil
}

func (s *Service) filterLine(r *handlers.Request, f Filter) string {
	var parts []string
	if f.Area != "" {
		parts = append(parts, r.T("area."+f.Area, nil))
	}
	if f.Band > 0 {
		parts = append(parts, r.T("band."+strconv.Itoa(f.Band), nil))
	}
	if f.Region != "" {
		if reg, ok := s.Dir.Region(f.Region); ok {
			parts = append(parts, reg.Name(r.Lang))
		}
	}
	if f.SameCountry {
		parts = append(parts, r.T("partners.filter_same_country", nil))
	}
	if len(parts) == 0 {
		return ""
	}
	return r.T("partners.filter_line", locales.Args{"List": strings.Join(parts, "; ")})
}

// reasons renders a suggestion's reasons in the reader's language.
func (s *Service) reasons(r *handlers.Request, origin directory.Place, sug Suggestion) string {
	var out []string
	for _, why := range sug.Reasons {
		switch why.Kind {
		case ReasonSize:
			out = append(out, r.T("reason.size", nil))
		case ReasonLevel:
			out = append(out, r.T("reason.level."+places.KindKey(sug.Place.Kind), nil))
		case ReasonAreas:
			out = append(out, r.T("reason.areas", locales.Args{"List": areaNames(r, why.Areas)}))
		case ReasonPartnerOfPartner:
			via, _ := s.Dir.ByID(why.Via)
			out = append(out, r.T("reason.partner_of_partner", locales.Args{"Partner": via.Name(r.Lang)}))
		case ReasonBorder:
			out = append(out, r.T("reason.border", nil))
		case ReasonNear:
			out = append(out, r.T("reason.near", nil))
		case ReasonMembers:
			out = append(out, r.N("reason.members", why.Count, nil))
		}
	}
	return strings.Join(out, "; ")
}

func (s *Service) areaPicker(r *handlers.Request, v view) handlers.Message {
	var rows [][]handlers.Button
	var buttons []handlers.Button
	for _, a := range append([]string{""}, Areas...) {
		w := v
		w.offset, w.filter.Area = 0, a
		label := r.T("partners.any_area", nil)
		if a != "" {
			label = r.T("area."+a, nil)
		}
		buttons = append(buttons, handlers.Button{Text: label, Data: w.data("page")})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	return handlers.Message{Text: r.T("partners.choose_area", nil), Buttons: rows}
}

func (s *Service) bandPicker(r *handlers.Request, v view) handlers.Message {
	var rows [][]handlers.Button
	for band := range bands {
		w := v
		w.offset, w.filter.Band = 0, band
		rows = append(rows, handlers.Row(handlers.Button{Text: r.T("band."+strconv.Itoa(band), nil), Data: w.data("page")}))
	}
	return handlers.Message{Text: r.T("partners.choose_size", nil), Buttons: rows}
}

// regionPickerSize is how many regions the region filter offers: the
// nearest ones to the origin.
const regionPickerSize = 20

// regionPicker offers the regions of the country the view searches, the
// nearest to origin first (by their largest place).
func (s *Service) regionPicker(r *handlers.Request, origin directory.Place, v view) handlers.Message {
	type near struct {
		code string
		km   float64
	}
	biggest := map[string]directory.Place{}
	for _, p := range s.allCandidates().places {
		if (p.Country == origin.Country) != v.filter.SameCountry {
			continue
		}
		if b, ok := biggest[p.RegionCode]; !ok || p.Population > b.Population {
			biggest[p.RegionCode] = p
		}
	}
	var regions []near
	for code, p := range biggest {
		regions = append(regions, near{code, directory.Distance(origin, p)})
	}
	sort.Slice(regions, func(i, j int) bool {
		if regions[i].km != regions[j].km {
			return regions[i].km < regions[j].km
		}
		return regions[i].code < regions[j].code
	})
	any := v
	any.offset, any.filter.Region = 0, ""
	rows := [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("partners.any_region", nil), Data: any.data("page")})}
	var buttons []handlers.Button
	for _, reg := range regions[:min(len(regions), regionPickerSize)] {
		w := v
		w.offset, w.filter.Region = 0, reg.code
		label := reg.code
		if info, ok := s.Dir.Region(reg.code); ok {
			label = info.Name(r.Lang)
		}
		buttons = append(buttons, handlers.Button{Text: label, Data: w.data("page")})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	return handlers.Message{Text: r.T("partners.choose_region", nil), Buttons: rows}
}

// splitArea takes area words off the end of a query ("Vitebsk tourism",
// "Віцебск турызм") and returns the place part and the area key.
func splitArea(r *handlers.Request, args string) (query, area string) {
	query = strings.TrimSpace(args)
	words := strings.Fields(query)
	if len(words) < 2 {
		return query, ""
	}
	last := strings.ToLower(strings.TrimFunc(words[len(words)-1], func(c rune) bool { return !unicode.IsLetter(c) }))
	if len([]rune(last)) < 4 {
		return query, ""
	}
	tr := r.Translator()
	for _, a := range Areas {
		for _, lang := range locales.Languages {
			name := strings.ToLower(tr.Text(lang, "area."+a, nil))
			if strings.HasPrefix(name, last) || a == last {
				return strings.Join(words[:len(words)-1], " "), a
			}
		}
	}
	return query, ""
}
