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
