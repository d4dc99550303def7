package partners

import (
	"context"
	"fmt"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
)

// Interests shows the member's municipality's areas of cooperation as
// buttons that switch them on and off.
func (s *Service) Interests(ctx context.Context, r *handlers.Request) error {
	home, ok, err := s.home(ctx, r)
	if !ok {
		return err
	}
	m, err := s.interestsMessage(ctx, r, home.ID)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// InterestsButton switches one area.
func (s *Service) InterestsButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	area := d.Arg(0)
	if d.Action != "toggle" || len(d.Args) != 1 || areaIndex(area) < 0 {
		return callback.ErrInvalid
	}
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	home, ok, err := s.home(ctx, r)
	if !ok {
		return err
	}
	if _, err := s.DB.ToggleArea(ctx, home.ID, area, r.User.ID, s.Now()); err != nil {
		return fmt.Errorf("partners: toggle area: %w", err)
	}
	m, err := s.interestsMessage(ctx, r, home.ID)
	if err != nil {
		return err
	}
	return r.EditOrReply(ctx, m)
}

func (s *Service) interestsMessage(ctx context.Context, r *handlers.Request, municipality int64) (handlers.Message, error) {
	declared, err := s.DB.Areas(ctx, municipality)
	if err != nil {
		return handlers.Message{}, err
	}
	home, _ := s.Dir.ByID(municipality)
	var rows [][]handlers.Button
	var buttons []handlers.Button
	for _, a := range Areas {
		mark := "▫️ "
		if containsString(declared, a) {
			mark = "✅ "
		}
		buttons = append(buttons, handlers.Button{Text: mark + r.T("area."+a, nil), Data: callback.New(FeatureInterests, "toggle", a)})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	return handlers.Message{
		Text:    r.T("interests.title", locales.Args{"Place": home.Name(r.Lang)}),
		Buttons: rows,
	}, nil
}
