package practices

import (
	"context"
	"fmt"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/locales"
)

// showcaseSize is how many practices a suggestion or profile shows.
const showcaseSize = 2

// Highlights returns, for each of the municipalities, up to two of its
// practices in the areas given (in any area when none are given), as a line
// with the title and the result and a button that opens the practice. It
// makes Service a partners.Highlighter.
func (s *Service) Highlights(ctx context.Context, r *handlers.Request, municipalities []int64, areas []string) (map[int64][]partners.Highlight, error) {
	top, err := s.DB.TopPractices(ctx, municipalities, areas, showcaseSize)
	if err != nil {
		return nil, fmt.Errorf("practices: highlights: %w", err)
	}
	out := make(map[int64][]partners.Highlight, len(top))
	for muni, list := range top {
		for _, p := range list {
			out[muni] = append(out[muni], partners.Highlight{
				Line: r.T("practices.highlight", locales.Args{"Title": p.Title, "Result": p.Result}),
				Button: handlers.Button{
					Text: r.T("practices.highlight_button", locales.Args{"Title": shorten(p.Title, 40)}),
					Data: callback.New(FeaturePractice, "open", id(p.ID)),
				},
			})
		}
	}
	return out, nil
}

// shorten cuts s to at most n characters, with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
