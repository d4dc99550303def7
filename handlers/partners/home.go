package partners

import (
	"context"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/partners/directory"
)

// home returns the member's municipality, or answers how to get one.
func (s *Service) home(ctx context.Context, r *handlers.Request) (directory.Place, bool, error) {
	if r.Member.MunicipalityID != 0 && r.Member.Verified() {
		if p, ok := s.Dir.ByID(r.Member.MunicipalityID); ok {
			return p, true, nil
		}
	}
	return directory.Place{}, false, r.ReplyText(ctx, "home.needed", nil)
}
