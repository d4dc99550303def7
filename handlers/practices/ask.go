package practices

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// ask sends the members of a practice's municipality a request from the
// member to talk about it: who asks — name, position, municipality — and
// accept / decline. Contacts are exchanged only on accept.
func (s *Service) ask(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	if r.Member.MunicipalityID == 0 {
		return r.ReplyText(ctx, "home.needed", nil)
	}
	if r.Member.MunicipalityID == p.MunicipalityID {
		return r.ReplyText(ctx, "practice.ask.own", nil)
	}
	if p.Status != store.PracticePublished {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	if !p.ContactOK {
		return r.ReplyText(ctx, "practice.ask.no_contact", nil)
	}
	recipients, err := s.DB.VerifiedMembersOf(ctx, p.MunicipalityID)
	if err != nil {
		return fmt.Errorf("practices: ask: %w", err)
	}
	recipients = reachable(recipients)
	name, _ := s.placeLine(p.MunicipalityID, r.Lang)
	if len(recipients) == 0 {
		return r.ReplyText(ctx, "practice.ask.nobody", locales.Args{"Place": name})
	}
	a, err := s.DB.AskAboutPractice(ctx, p.ID, r.User.ID, r.Member.MunicipalityID, s.now())
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "practice.ask.already", locales.Args{"Title": p.Title})
	}
	if errors.Is(err, store.ErrNotFound) {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	if err != nil {
		return fmt.Errorf("practices: ask: %w", err)
	}
	delivered := 0
	for _, m := range recipients {
		if err := s.deliverAsk(ctx, r, a, p, m); err != nil {
			r.Log.Warn("practice ask not delivered", "ask", a.ID, "member", m.UserID, "err", err)
			continue
		}
		delivered++
	}
	if delivered == 0 {
		return r.ReplyText(ctx, "practice.ask.nobody", locales.Args{"Place": name})
	}
	_, err = r.Reply(ctx, handlers.Message{Text: r.N("practice.ask.sent", delivered, locales.Args{"Place": name, "Title": p.Title})})
	return err
}

func reachable(ms []store.Member) []store.Member {
	out := ms[:0:0]
	for _, m := range ms {
		if m.Reachable {
			out = append(out, m)
		}
	}
	return out
}

// deliverAsk shows an ask to one member of the practice's municipality, in
// their language.
func (s *Service) deliverAsk(ctx context.Context, r *handlers.Request, a store.PracticeAsk, p store.Practice, m store.Member) error {
	lang := langOf(m)
	tr := r.Translator()
	from, region := s.placeLine(a.AskerMunicipality, lang)
	position := r.Member.Position
	if position == "" {
		position = tr.Text(lang, "practice.ask.no_position", nil)
	}
	text := tr.Text(lang, "practice.ask.incoming", locales.Args{
		"Name": displayName(r.Member), "Position": position, "From": from, "Region": region, "Title": p.Title,
	})
	msg := handlers.Message{Text: text, Buttons: [][]handlers.Button{
		handlers.Row(
			handlers.Button{Text: tr.Text(lang, "practice.button.accept", nil), Data: callback.New(FeaturePractice, "yes", id(a.ID))},
			handlers.Button{Text: tr.Text(lang, "practice.button.decline", nil), Data: callback.New(FeaturePractice, "no", id(a.ID))},
		),
		handlers.Row(handlers.Button{Text: tr.Text(lang, "practices.button.open", nil), Data: callback.New(FeaturePractice, "open", id(p.ID))}),
	}}
	_, err := r.SendTo(ctx, m.UserID, msg)
	return err
}

// answer accepts or declines an ask. Only verified members of the
// practice's municipality may answer, and the first answer stands. On
// accept both sides get each other's contacts, and the asker a button to
// plan a visit.
func (s *Service) answer(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	aid, err := strconv.ParseInt(d.Arg(0), 10, 64)
	if err != nil || len(d.Args) != 1 {
		return callback.ErrInvalid
	}
	a, err := s.DB.PracticeAsk(ctx, aid)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return fmt.Errorf("practices: answer: %w", err)
	}
	p, err := s.DB.Practice(ctx, a.PracticeID)
	if err != nil {
		return fmt.Errorf("practices: answer: %w", err)
	}
	if !r.Member.Verified() || r.Member.MunicipalityID != p.MunicipalityID {
		return handlers.ErrForbidden
	}
	accept := d.Action == "yes"
	a, err = s.DB.AnswerPracticeAsk(ctx, aid, r.User.ID, accept, s.now())
	if errors.Is(err, store.ErrConflict) {
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.ask.answered_already", nil)})
	}
	if err != nil {
		return fmt.Errorf("practices: answer: %w", err)
	}
	asker, err := s.DB.Member(ctx, a.AskerID)
	if errors.Is(err, store.ErrNotFound) {
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.ask.asker_gone", nil)})
	}
	if err != nil {
		return fmt.Errorf("practices: answer: %w", err)
	}
	alang := langOf(asker)
	tr := r.Translator()
	here, _ := s.placeLine(p.MunicipalityID, alang)
	from, _ := s.placeLine(a.AskerMunicipality, r.Lang)
	if !accept {
		if _, err := r.SendTo(ctx, asker.UserID, handlers.Message{Text: tr.Text(alang, "practice.ask.declined",
			locales.Args{"Place": here, "Title": p.Title})}); err != nil {
			r.Log.Warn("could not tell the asker", "ask", a.ID, "err", err)
		}
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.ask.you_declined", locales.Args{"From": from, "Title": p.Title})})
	}
	if _, err := r.SendTo(ctx, asker.UserID, handlers.Message{
		Text: tr.Text(alang, "practice.ask.accepted", locales.Args{
			"Place": here, "Title": p.Title, "Name": locales.HTML(contact(r.Member)),
		}),
		Buttons: [][]handlers.Button{handlers.Row(
			handlers.Button{Text: tr.Text(alang, "practice.button.visit", locales.Args{"Place": here}), Data: callback.New(FeaturePractice, "visit", id(p.ID))},
		)},
	}); err != nil {
		r.Log.Warn("could not tell the asker", "ask", a.ID, "err", err)
	}
	return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.ask.you_accepted", locales.Args{
		"From": from, "Title": p.Title, "Name": locales.HTML(contact(asker)),
	})})
}

// planVisit opens the visit dialog with the practice's municipality filled
// in, through the /visit command when it is available, and otherwise
// says how to plan one.
func (s *Service) planVisit(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden // /visit is for members, and this button leads to it
	}
	place, ok := s.Dir.ByID(p.MunicipalityID)
	if !ok {
		return callback.ErrInvalid
	}
	query := place.Name(r.Lang)
	if region := s.Dir.RegionName(place, r.Lang); region != "" {
		query += " (" + region + ")"
	}
	if s.Visit == nil {
		return r.ReplyText(ctx, "practice.visit_hint", locales.Args{"Command": "/visit " + query})
	}
	visit := *r
	visit.Callback, visit.Command, visit.Args, visit.Text = nil, "visit", query, "/visit "+query
	return s.Visit(ctx, &visit)
}

// displayName is a member's name as plain text.
func displayName(m store.Member) string {
	if name := strings.TrimSpace(m.FirstName + " " + m.LastName); name != "" {
		return name
	}
	if m.Username != "" {
		return "@" + m.Username
	}
	return "#" + id(m.UserID)
}

// contact renders a member as a link that opens a chat with them, their
// @username and phone when known, and position. The result is safe HTML.
func contact(m store.Member) string {
	out := fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>`, m.UserID, html.EscapeString(displayName(m)))
	if m.Username != "" {
		out += " @" + html.EscapeString(m.Username)
	}
	if m.Phone != "" {
		out += ", " + html.EscapeString(m.Phone)
	}
	if m.Position != "" {
		out += ", " + html.EscapeString(m.Position)
	}
	return out
}
