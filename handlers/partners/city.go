package partners

import (
	"context"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
)

// City answers "/city <place>" with the place's profile card and a pin.
func (s *Service) City(ctx context.Context, r *handlers.Request) error {
	if strings.TrimSpace(r.Args) == "" {
		return r.ReplyText(ctx, "city.usage", nil)
	}
	p, ok, err := places.Find(ctx, r, s.Dir, r.Args, FeatureCity)
	if !ok {
		return err
	}
	return s.sendProfile(ctx, r, p)
}

// CityButton opens a profile from a button.
func (s *Service) CityButton(ctx context.Context, r *handlers.Request) error {
	if r.Callback.Data.Action != "pick" {
		return callback.ErrInvalid
	}
	p, err := places.FromButton(r, s.Dir, 0)
	if err != nil {
		return err
	}
	return s.sendProfile(ctx, r, p)
}

func (s *Service) sendProfile(ctx context.Context, r *handlers.Request, p directory.Place) error {
	text, err := s.profile(ctx, r, p)
	if err != nil {
		return err
	}
	suggest := view{origin: p.ID}
	rows := [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("city.button.partners", nil), Data: suggest.data("page")})}
	text, rows = withHighlights(r, text, rows, s.highlightsFor(ctx, r, []int64{p.ID}, "")[p.ID])
	if _, err := r.Reply(ctx, handlers.Message{Text: text, Buttons: rows}); err != nil {
		return err
	}
	if err := s.sendLocator(ctx, r, p); err != nil {
		return err
	}
	// The pin opens the place in the person's own maps app.
	_, err = r.Reply(ctx, handlers.Message{Location: &handlers.Location{Latitude: p.Lat, Longitude: p.Lon}})
	return err
}

// profile renders a place's card.
func (s *Service) profile(ctx context.Context, r *handlers.Request, p directory.Place) (string, error) {
	var b strings.Builder
	b.WriteString(r.T("city.title", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)}))
	var names []string
	for _, lang := range locales.Languages {
		if n := p.Name(lang); n != "" && n != p.Name(r.Lang) && !containsString(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		b.WriteString("\n" + r.T("city.also", locales.Args{"List": strings.Join(names, " · ")}))
	}
	b.WriteString("\n" + r.T("city.kind."+places.KindKey(p.Kind), nil))
	b.WriteString("\n" + r.T("city.population", locales.Args{"Population": places.Population(r.Lang, p.Population)}))
	if loc, err := time.LoadLocation(p.TimeZone); err == nil {
		b.WriteString("\n" + r.T("city.time", locales.Args{"Zone": p.TimeZone, "Time": s.Now().In(loc).Format("15:04")}))
	}
	agreements, err := s.DB.AgreementsOf(ctx, p.ID)
	if err != nil {
		return "", err
	}
	if len(agreements) > 0 {
		var lines []string
		for _, a := range agreements {
			for _, party := range a.Parties {
				if q, ok := s.Dir.ByID(party); ok && party != p.ID {
					year, _, _ := strings.Cut(a.SignedOn, "-")
					line := q.Name(r.Lang) + " — " + r.T("stage."+a.Stage, nil)
					if year != "" {
						line += ", " + year
					}
					lines = append(lines, "• "+line)
				}
			}
		}
		b.WriteString("\n\n" + r.T("city.partners", nil) + "\n" + strings.Join(lines, "\n"))
	} else {
		b.WriteString("\n\n" + r.T("city.no_partners", nil))
	}
	areas, err := s.DB.Areas(ctx, p.ID)
	if err != nil {
		return "", err
	}
	if len(areas) > 0 {
		b.WriteString("\n" + r.T("city.areas", locales.Args{"List": areaNames(r, areas)}))
	}
	members, err := s.DB.CountMembersOf(ctx, p.ID)
	if err != nil {
		return "", err
	}
	b.WriteString("\n" + r.N("city.members", members, nil))
	return b.String(), nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
