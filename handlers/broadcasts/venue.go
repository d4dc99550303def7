package broadcasts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/meetings/ics"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/maps"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// sendVenue sends a small map of a forum's city after its card. A city the
// directory does not know gets no map. The map is drawn and
// uploaded once per place and language.
func (s *Service) sendVenue(ctx context.Context, r *handlers.Request, f store.Forum) error {
	p, ok := s.venue(f)
	if !ok {
		return nil
	}
	_, err := r.Reply(ctx, handlers.Message{
		Document: partners.LocatorFile(maps.Point{Lat: p.Lat, Lon: p.Lon, Label: p.Name(r.Lang), Kind: maps.Venue}, r.Lang,
			fmt.Sprintf("forum-%d-venue.png", f.ID),
			r.T("forum.venue", locales.Args{"Name": f.Name, "Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)})),
		Buttons: [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("map.button.open", nil), URL: partners.OSMURL(p.Lat, p.Lon)})},
	})
	return err
}

// forumEvent describes a forum for a calendar: whole days from the first
// to the last, at the venue, in the reader's language.
func (s *Service) forumEvent(r *handlers.Request, f store.Forum) ics.Event {
	e := ics.Event{
		UID:      fmt.Sprintf("forum-%d@pobratim", f.ID),
		Start:    f.StartsOn,
		Duration: f.EndsOn.Sub(f.StartsOn) + 24*time.Hour,
		AllDay:   true,
		Summary:  f.Name,
		Location: f.City,
	}
	if p, ok := s.venue(f); ok {
		e.Location = p.Name(r.Lang)
		if region := s.Dir.RegionName(p, r.Lang); region != "" {
			e.Location += ", " + region
		}
		e.Lat, e.Lon = p.Lat, p.Lon
	}
	if len(f.Sections) > 0 {
		e.Description = r.T("forum.ics.sections", locales.Args{"Sections": locales.HTML(strings.Join(f.Sections, ", "))})
	}
	return e
}

// sendICS sends a forum as an iCalendar file.
func (s *Service) sendICS(ctx context.Context, r *handlers.Request, f store.Forum) error {
	data, err := ics.Write([]ics.Event{s.forumEvent(r, f)}, s.now())
	if err != nil {
		return fmt.Errorf("broadcasts: forum calendar: %w", err)
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{
		Name: fmt.Sprintf("forum-%d.ics", f.ID), Data: data, Caption: r.T("forum.ics.caption", locales.Args{"Name": f.Name}),
	}})
	return err
}
