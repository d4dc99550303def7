package partners

import (
	"context"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
)

// About says where the directory's data comes from.
func (s *Service) About(ctx context.Context, r *handlers.Request) error {
	return r.ReplyText(ctx, "about.text", locales.Args{"Count": len(s.Dir.Places())})
}
