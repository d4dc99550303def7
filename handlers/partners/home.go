package partners

import (
	"context"
	"fmt"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
)

// Municipality answers "/municipality <place>": the member says which
// municipality they represent. Without a place it shows the current one.
func (s *Service) Municipality(ctx context.Context, r *handlers.Request) error {
	if strings.TrimSpace(r.Args) == "" {
		if p, ok := s.Dir.ByID(r.Member.MunicipalityID); ok {
			return r.ReplyText(ctx, "home.current", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)})
		}
		return r.ReplyText(ctx, "home.usage", nil)
	}
	p, ok, err := s.resolve(ctx, r, r.Args, FeatureHome)
	if !ok {
		return err
	}
	return s.setHome(ctx, r, p)
}

// HomeButton handles a picked homonym for /municipality.
func (s *Service) HomeButton(ctx context.Context, r *handlers.Request) error {
	if r.Callback.Data.Action != "pick" {
		return callback.ErrInvalid
	}
	p, err := s.placeFromButton(r, 0)
	if err != nil {
		return err
	}
	return s.setHome(ctx, r, p)
}

func (s *Service) setHome(ctx context.Context, r *handlers.Request, p directory.Place) error {
	if err := s.DB.SetMunicipality(ctx, r.User.ID, p.ID, s.Now()); err != nil {
		return fmt.Errorf("partners: set municipality: %w", err)
	}
	r.Member.MunicipalityID = p.ID
	if err := r.ReplyText(ctx, "home.saved", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)}); err != nil {
		return err
	}
	// Proposals that waited for someone from this municipality.
	return s.deliverPending(ctx, r, p)
}
