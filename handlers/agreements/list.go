package agreements

import (
	"context"
	"errors"
	"html"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// listPage is how many agreements one list message shows.
const listPage = 10

// Agreements answers /agreements <place>: the place's agreements, newest
// first, each a button to its card. Without a place it lists the member's
// own municipality's.
func (s *Service) Agreements(ctx context.Context, r *handlers.Request) error {
	query := strings.TrimSpace(r.Args)
	if query == "" {
		if p, ok := s.Dir.ByID(r.Member.MunicipalityID); ok && r.Member.MunicipalityID != 0 {
			m, err := s.listMessage(ctx, r, p, 0)
			if err != nil {
				return err
			}
			_, err = r.Reply(ctx, m)
			return err
		}
		return r.ReplyText(ctx, "agreements.list.usage", nil)
	}
	p, ok, err := places.Find(ctx, r, s.Dir, query, FeatureList)
	if err != nil || !ok {
		return err
	}
	m, err := s.listMessage(ctx, r, p, 0)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// ListPick handles the choice of a place for /agreements among several.
func (s *Service) ListPick(ctx context.Context, r *handlers.Request) error {
	if r.Callback.Data.Action != "pick" {
		return callback.ErrInvalid
	}
	p, err := places.FromButton(r, s.Dir, 0)
	if err != nil {
		return err
	}
	m, err := s.listMessage(ctx, r, p, 0)
	if err != nil {
		return err
	}
	return r.EditOrReply(ctx, m)
}

// listButton turns the pages of a list.
func (s *Service) listButton(ctx context.Context, r *handlers.Request) error {
	id, err := intArg(r.Callback.Data, 0)
	if err != nil {
		return err
	}
	page, err := intArg(r.Callback.Data, 1)
	if err != nil || page < 0 {
		return callback.ErrInvalid
	}
	p, ok := s.Dir.ByID(id)
	if !ok {
		return callback.ErrInvalid
	}
	m, err := s.listMessage(ctx, r, p, int(page))
	if err != nil {
		return err
	}
	return r.EditOrReply(ctx, m)
}

// listMessage renders one page of a place's agreements.
func (s *Service) listMessage(ctx context.Context, r *handlers.Request, p directory.Place, page int) (handlers.Message, error) {
	list, err := s.DB.AgreementsOf(ctx, p.ID)
	if err != nil {
		return handlers.Message{}, err
	}
	name := p.Name(r.Lang)
	if len(list) == 0 {
		return handlers.Message{Text: r.T("agreements.list.empty", locales.Args{"Place": name})}, nil
	}
	pages := (len(list) + listPage - 1) / listPage
	page = min(page, pages-1)
	v := viewOf(r)
	var b strings.Builder
	b.WriteString(r.N("agreements.list.header", len(list), locales.Args{"Place": name}))
	if pages > 1 {
		b.WriteString(" " + r.T("agreements.list.page", locales.Args{"Page": page + 1, "Pages": pages}))
	}
	var rows [][]handlers.Button
	for i := page * listPage; i < min(len(list), (page+1)*listPage); i++ {
		a := list[i]
		partners := s.partnersOf(v, a, p.ID)
		year := yearOf(a.SignedOn)
		if year == "" {
			year = "—"
		}
		line := strconv.Itoa(i+1) + ". <b>" + html.EscapeString(partners) + "</b> — " + r.T("stage."+a.Stage, nil) + ", " + year
		if len(a.Areas) > 0 {
			names := make([]string, 0, len(a.Areas))
			for _, k := range a.Areas {
				names = append(names, r.T("area."+k, nil))
			}
			line += " · " + strings.Join(names, ", ")
		}
		if a.Status != store.StatusInForce {
			line += " (" + r.T("agreements.status."+a.Status, nil) + ")"
		}
		b.WriteString("\n" + line)
		rows = append(rows, handlers.Row(handlers.Button{
			Text: strconv.Itoa(i+1) + ". " + clip(partners, 40) + " · " + year,
			Data: button("card", itoa(a.ID)),
		}))
	}
	var nav []handlers.Button
	if page > 0 {
		nav = append(nav, handlers.Button{Text: r.T("agreements.button.previous", nil), Data: button("list", itoa(p.ID), strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, handlers.Button{Text: r.T("agreements.button.next", nil), Data: button("list", itoa(p.ID), strconv.Itoa(page+1))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return handlers.Message{Text: b.String(), Buttons: rows}, nil
}

// partnersOf names an agreement's parties other than the place the list is
// for.
func (s *Service) partnersOf(v view, a store.Agreement, self int64) string {
	var names []string
	for _, id := range a.Parties {
		if id == self {
			continue
		}
		if n := placeName(s.Dir, v, party{PlaceID: id}); n != "" {
			names = append(names, n)
		}
	}
	for _, code := range a.Regions {
		if n := placeName(s.Dir, v, party{Region: code}); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

// Agreement answers /agreement <number> with the agreement's card.
func (s *Service) Agreement(ctx context.Context, r *handlers.Request) error {
	arg := strings.TrimLeft(strings.TrimSpace(r.Args), "#№ ")
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return r.ReplyText(ctx, "agreements.card.usage", nil)
	}
	return s.sendCard(ctx, r, id)
}

// cardButton opens a card from a list or a reminder.
func (s *Service) cardButton(ctx context.Context, r *handlers.Request) error {
	id, err := intArg(r.Callback.Data, 0)
	if err != nil {
		return err
	}
	return s.sendCard(ctx, r, id)
}

func (s *Service) sendCard(ctx context.Context, r *handlers.Request, id int64) error {
	a, err := s.DB.Agreement(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r.ReplyText(ctx, "agreements.card.not_found", nil)
	}
	if err != nil {
		return err
	}
	v := viewOf(r)
	_, err = r.Reply(ctx, handlers.Message{
		Text:    cardText(s.Dir, v, draftOf(a), savedInfo(v, a, s.addedBy(ctx, a), s.now())),
		Buttons: savedButtons(v, a, canEdit(r.Member, a.Parties)),
	})
	return err
}
