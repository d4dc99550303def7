package partners

import (
	"context"

	"github.com/pobratim/pobratim/handlers"
)

// Highlight is something worth showing next to a municipality in
// suggestions and profiles, such as one of its best practices.
type Highlight struct {
	Line   string          // safe HTML, one line
	Button handlers.Button // opens it; profiles show it
}

// Highlighter finds highlights of municipalities for a reader, preferring
// the areas given (any area when none).
type Highlighter interface {
	Highlights(ctx context.Context, r *handlers.Request, municipalities []int64, areas []string) (map[int64][]Highlight, error)
}

// highlightsFor returns the highlights of places for the reader, in the
// areas the reader cares about: the area filtered on, or else the areas
// the reader's municipality declared (any area when none). Suggestions and
// profiles go on without them when they cannot be had.
func (s *Service) highlightsFor(ctx context.Context, r *handlers.Request, ids []int64, area string) map[int64][]Highlight {
	if s.Practices == nil || len(ids) == 0 {
		return nil
	}
	var areas []string
	if area != "" {
		areas = []string{area}
	} else if r.Member.MunicipalityID != 0 {
		a, err := s.DB.Areas(ctx, r.Member.MunicipalityID)
		if err != nil {
			r.Log.Warn("partners: reader's areas", "err", err)
		}
		areas = a
	}
	hl, err := s.Practices.Highlights(ctx, r, ids, areas)
	if err != nil {
		r.Log.Warn("partners: highlights", "err", err)
		return nil
	}
	return hl
}

// withHighlights adds a place's highlights to its profile: a heading and
// a line each, and a button each to open them.
func withHighlights(r *handlers.Request, text string, rows [][]handlers.Button, hl []Highlight) (string, [][]handlers.Button) {
	if len(hl) == 0 {
		return text, rows
	}
	text += "\n\n" + r.T("practices.profile_header", nil)
	for _, h := range hl {
		text += "\n" + h.Line
		rows = append(rows, handlers.Row(h.Button))
	}
	return text, rows
}
