// Package partners is the heart of Pobratim: finding a place from whatever
// people type, suggesting partner municipalities across the border with the
// reasons they fit, profiles, declared areas of cooperation and partnership
// proposals with double opt-in.
package partners

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	FeaturePartners  = "partners"
	FeatureCity      = "city"
	FeatureHome      = "home"
	FeatureInterests = "interests"
	FeatureProposal  = "proposal"
)

// pageSize is how many suggestions one message shows.
const pageSize = 10

// Service answers /partners, /city, /interests, /municipality, /about and
// their buttons.
type Service struct {
	Dir *directory.Directory
	DB  *store.DB
	Now func() time.Time

	candidatesOnce sync.Once
	candidates     *Candidates
}

// allCandidates prepares the directory for ranking once: municipalities are
// imported before the bot serves, and ranking must not copy the directory
// for every query.
func (s *Service) allCandidates() *Candidates {
	s.candidatesOnce.Do(func() { s.candidates = NewCandidates(s.Dir.Places()) })
	return s.candidates
}

// resolve finds the one place a query names. When it cannot, it answers the
// person itself — a problem with the query, nothing found with the closest
// names, or a choice between homonyms as buttons for purpose — and returns
// ok false.
func (s *Service) resolve(ctx context.Context, r *handlers.Request, query, purpose string) (directory.Place, bool, error) {
	res := s.Dir.Resolve(query, 8)
	if res.Problem != directory.ProblemNone {
		return directory.Place{}, false, r.ReplyText(ctx, "place.problem."+problemKey(res.Problem), nil)
	}
	if len(res.Matches) == 0 {
		if len(res.Closest) == 0 {
			return directory.Place{}, false, r.ReplyText(ctx, "place.not_found", locales.Args{"Query": query})
		}
		_, err := r.Reply(ctx, handlers.Message{
			Text:    r.T("place.did_you_mean", locales.Args{"Query": query}),
			Buttons: s.placeButtons(r, res.Closest, purpose),
		})
		return directory.Place{}, false, err
	}
	if len(res.Matches) == 1 {
		return res.Matches[0].Place, true, nil
	}
	places := make([]directory.Place, 0, len(res.Matches))
	for _, m := range res.Matches {
		places = append(places, m.Place)
	}
	_, err := r.Reply(ctx, handlers.Message{
		Text:    r.N("place.several", len(places), locales.Args{"Query": query}),
		Buttons: s.placeButtons(r, places, purpose),
	})
	return directory.Place{}, false, err
}

// placeButtons lists places as buttons: name, region, population.
func (s *Service) placeButtons(r *handlers.Request, places []directory.Place, purpose string) [][]handlers.Button {
	rows := make([][]handlers.Button, 0, len(places))
	for _, p := range places {
		label := fmt.Sprintf("%s — %s, %s", p.Name(r.Lang), s.Dir.RegionName(p, r.Lang), population(r.Lang, p.Population))
		rows = append(rows, handlers.Row(handlers.Button{Text: label, Data: callback.New(purpose, "pick", id(p.ID))}))
	}
	return rows
}

// placeFromButton returns the place a button's first argument names.
func (s *Service) placeFromButton(r *handlers.Request, arg int) (directory.Place, error) {
	n, err := strconv.ParseInt(r.Callback.Data.Arg(arg), 10, 64)
	if err != nil {
		return directory.Place{}, callback.ErrInvalid
	}
	p, ok := s.Dir.ByID(n)
	if !ok {
		return directory.Place{}, callback.ErrInvalid
	}
	return p, nil
}

// home returns the member's municipality, or answers how to set it.
func (s *Service) home(ctx context.Context, r *handlers.Request) (directory.Place, bool, error) {
	if r.Member.MunicipalityID != 0 {
		if p, ok := s.Dir.ByID(r.Member.MunicipalityID); ok {
			return p, true, nil
		}
	}
	return directory.Place{}, false, r.ReplyText(ctx, "home.needed", nil)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// population formats a head count the way each language groups digits;
// an unknown count (0 in the sources) is a dash.
func population(lang string, n int) string {
	if n <= 0 {
		return "—"
	}
	sep := " " // narrow no-break space, as in Russian and Belarusian typography
	if lang == "en" {
		sep = ","
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// areaNames renders area keys in the reader's language.
func areaNames(r *handlers.Request, keys []string) string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, r.T("area."+k, nil))
	}
	return strings.Join(names, ", ")
}

// problemKey names a query problem in message ids.
func problemKey(p directory.Problem) string {
	switch p {
	case directory.ProblemInvalidUTF8:
		return "invalid_utf8"
	case directory.ProblemTooLong:
		return "too_long"
	case directory.ProblemNoLetters:
		return "no_letters"
	case directory.ProblemTooShort:
		return "too_short"
	}
	return "empty"
}

// kindKey names a place's kind in message ids.
func kindKey(k directory.Kind) string {
	switch k {
	case directory.Capital:
		return "capital"
	case directory.RegionCentre:
		return "region_centre"
	case directory.DistrictCentre:
		return "district_centre"
	}
	return "town"
}
