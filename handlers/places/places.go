// Package places turns what people type into one municipality of the
// directory, asking back when a name is ambiguous, unknown or unusable, and
// formats what every feature shows about a place.
package places

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
)

// Find finds the one place a query names. When it cannot, it answers the
// person itself — a problem with the query, nothing found with the closest
// names, or a choice between homonyms as buttons "<feature>:pick:<id>" —
// and returns ok false.
func Find(ctx context.Context, r *handlers.Request, dir *directory.Directory, query, feature string) (directory.Place, bool, error) {
	res := dir.Resolve(query, 8)
	if res.Problem != directory.ProblemNone {
		return directory.Place{}, false, r.ReplyText(ctx, "place.problem."+problemKey(res.Problem), nil)
	}
	if len(res.Matches) == 0 {
		if len(res.Closest) == 0 {
			return directory.Place{}, false, r.ReplyText(ctx, "place.not_found", locales.Args{"Query": query})
		}
		_, err := r.Reply(ctx, handlers.Message{
			Text:    r.T("place.did_you_mean", locales.Args{"Query": query}),
			Buttons: Buttons(r, dir, res.Closest, feature),
		})
		return directory.Place{}, false, err
	}
	if len(res.Matches) == 1 {
		return res.Matches[0].Place, true, nil
	}
	list := make([]directory.Place, 0, len(res.Matches))
	for _, m := range res.Matches {
		list = append(list, m.Place)
	}
	_, err := r.Reply(ctx, handlers.Message{
		Text:    r.N("place.several", len(list), locales.Args{"Query": query}),
		Buttons: Buttons(r, dir, list, feature),
	})
	return directory.Place{}, false, err
}

// Buttons lists places as buttons "<feature>:pick:<id>" labelled with name,
// region and population.
func Buttons(r *handlers.Request, dir *directory.Directory, list []directory.Place, feature string) [][]handlers.Button {
	rows := make([][]handlers.Button, 0, len(list))
	for _, p := range list {
		label := fmt.Sprintf("%s — %s, %s", p.Name(r.Lang), dir.RegionName(p, r.Lang), Population(r.Lang, p.Population))
		rows = append(rows, handlers.Row(handlers.Button{Text: label, Data: callback.New(feature, "pick", ID(p.ID))}))
	}
	return rows
}

// FromButton returns the place a pressed button's argument i names; a
// forged or stale id is callback.ErrInvalid.
func FromButton(r *handlers.Request, dir *directory.Directory, i int) (directory.Place, error) {
	n, err := strconv.ParseInt(r.Callback.Data.Arg(i), 10, 64)
	if err != nil {
		return directory.Place{}, callback.ErrInvalid
	}
	p, ok := dir.ByID(n)
	if !ok {
		return directory.Place{}, callback.ErrInvalid
	}
	return p, nil
}

// ID formats a place id for button data.
func ID(n int64) string { return strconv.FormatInt(n, 10) }

// Population formats a head count the way each language groups digits;
// an unknown count (0 in the sources) is a dash.
func Population(lang string, n int) string {
	if n <= 0 {
		return "—"
	}
	sep := "\u202f" // narrow no-break space, as in Russian and Belarusian typography
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

// KindKey names a place's kind in message ids.
func KindKey(k directory.Kind) string {
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
