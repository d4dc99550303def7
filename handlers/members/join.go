package members

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// FlowJoin is the dialog of a request to join: municipality, position,
// phone. FeatureJoin is its buttons' feature.
const (
	FlowJoin    = "join"
	FeatureJoin = "join"
)

const maxPositionRunes = 100

// beginJoin asks a newcomer which municipality they represent, unless a
// request of theirs is already waiting.
func (s *Service) beginJoin(ctx context.Context, r *handlers.Request) error {
	if _, pending, err := s.DB.PendingJoinRequest(ctx, r.User.ID); err != nil {
		return err
	} else if pending {
		return r.ReplyText(ctx, "join.pending", nil)
	}
	if err := s.putJoin(ctx, r, state.Dialog{Flow: FlowJoin, Step: "place"}, true); err != nil {
		return err
	}
	return r.ReplyText(ctx, "join.ask_place", nil)
}

// Municipality answers "/municipality [place]": without a place it shows
// the member's municipality; with one it starts a request to represent it,
// which a coordinator confirms.
func (s *Service) Municipality(ctx context.Context, r *handlers.Request) error {
	if strings.TrimSpace(r.Args) == "" {
		if p, ok := s.Dir.ByID(r.Member.MunicipalityID); ok && r.Member.Verified() {
			return r.ReplyText(ctx, "home.current", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)})
		}
		return s.beginJoin(ctx, r)
	}
	if _, pending, err := s.DB.PendingJoinRequest(ctx, r.User.ID); err != nil {
		return err
	} else if pending {
		return r.ReplyText(ctx, "join.pending", nil)
	}
	if err := s.putJoin(ctx, r, state.Dialog{Flow: FlowJoin, Step: "place"}, true); err != nil {
		return err
	}
	p, ok, err := places.Find(ctx, r, s.Dir, r.Args, FeatureJoin)
	if !ok {
		return err
	}
	return s.placeChosen(ctx, r, p)
}

// JoinStep takes the answer to the join dialog's current question.
func (s *Service) JoinStep(ctx context.Context, r *handlers.Request) error {
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return err
	}
	if !active || d.Flow != FlowJoin {
		return r.ReplyText(ctx, "unknown.text", nil)
	}
	switch d.Step {
	case "place":
		if strings.TrimSpace(r.Text) == "" {
			return r.ReplyText(ctx, "join.ask_place", nil)
		}
		p, ok, err := places.Find(ctx, r, s.Dir, r.Text, FeatureJoin)
		if !ok {
			return err
		}
		return s.placeChosen(ctx, r, p)
	case "position":
		pos := strings.Join(strings.Fields(r.Text), " ")
		if n := utf8.RuneCountInString(pos); n < 2 || n > maxPositionRunes || !strings.ContainsFunc(pos, unicode.IsLetter) {
			return r.ReplyText(ctx, "join.bad_position", locales.Args{"Count": maxPositionRunes})
		}
		d.Step = "phone"
		d.Data["position"] = pos
		if err := s.putJoin(ctx, r, d, false); err != nil {
			return err
		}
		_, err := r.Reply(ctx, handlers.Message{Text: r.T("join.ask_phone", nil), Keyboard: &handlers.Keyboard{Rows: [][]handlers.KeyboardButton{
			{{Text: r.T("join.button.share_phone", nil), RequestContact: true}},
			{{Text: r.T("join.button.skip", nil)}},
		}}})
		return err
	case "phone":
		phone := ""
		switch {
		case r.Contact != nil && r.Contact.UserID == r.User.ID:
			phone = r.Contact.Phone
		case r.Contact != nil:
			return r.ReplyText(ctx, "join.phone_not_yours", nil)
		case strings.EqualFold(strings.TrimSpace(r.Text), r.T("join.button.skip", nil)):
		default:
			return r.ReplyText(ctx, "join.ask_phone", nil)
		}
		return s.submit(ctx, r, d, phone)
	}
	return s.Dialogs.DeleteDialog(ctx, r.ChatID)
}

// JoinButton handles a picked municipality in the dialog and the
// coordinators' approve / reject buttons.
func (s *Service) JoinButton(ctx context.Context, r *handlers.Request) error {
	switch r.Callback.Data.Action {
	case "pick":
		p, err := places.FromButton(r, s.Dir, 0)
		if err != nil {
			return err
		}
		d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
		if err != nil {
			return err
		}
		if !active || d.Flow != FlowJoin || d.Step != "place" {
			return callback.ErrInvalid
		}
		return s.placeChosen(ctx, r, p)
	case "approve", "reject":
		return s.decide(ctx, r, r.Callback.Data.Action == "approve")
	}
	return callback.ErrInvalid
}

func (s *Service) placeChosen(ctx context.Context, r *handlers.Request, p directory.Place) error {
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return err
	}
	if !active || d.Flow != FlowJoin {
		d = state.Dialog{Flow: FlowJoin}
	}
	d.Step = "position"
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	d.Data["place"] = places.ID(p.ID)
	if err := s.putJoin(ctx, r, d, !active); err != nil {
		return err
	}
	return r.ReplyText(ctx, "join.ask_position", locales.Args{"Place": p.Name(r.Lang), "Region": s.Dir.RegionName(p, r.Lang)})
}

// putJoin saves the dialog; fresh starts it anew whatever was there.
func (s *Service) putJoin(ctx context.Context, r *handlers.Request, d state.Dialog, fresh bool) error {
	if fresh {
		if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
			return err
		}
		d.Version = 0
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	_, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL)
	return err
}

// submit files the request and tells the coordinators.
func (s *Service) submit(ctx context.Context, r *handlers.Request, d state.Dialog, phone string) error {
	placeID, _ := strconv.ParseInt(d.Data["place"], 10, 64)
	p, ok := s.Dir.ByID(placeID)
	if !ok {
		return callback.ErrInvalid
	}
	j, err := s.DB.CreateJoinRequest(ctx, r.User.ID, p.ID, d.Data["position"], phone, s.Now())
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "join.pending", nil)
	}
	if err != nil {
		return fmt.Errorf("members: join request: %w", err)
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		r.Log.Warn("join dialog not deleted", "err", err)
	}
	if _, err := r.Reply(ctx, handlers.Message{Text: r.T("join.sent", locales.Args{"Place": p.Name(r.Lang)}),
		Keyboard: &handlers.Keyboard{Remove: true}}); err != nil {
		return err
	}
	deciders, err := s.DB.Deciders(ctx)
	if err != nil {
		return err
	}
	applicant, err := s.DB.Member(ctx, r.User.ID)
	if err != nil {
		return err
	}
	for _, m := range deciders {
		lang := langOf(m)
		tr := r.Translator()
		phoneLine := ""
		if phone != "" {
			phoneLine = "\n" + tr.Text(lang, "join.phone_line", locales.Args{"Phone": phone})
		}
		msg := handlers.Message{
			Text: tr.Text(lang, "join.request", locales.Args{
				"Name": locales.HTML(Contact(applicant)), "Place": p.Name(lang), "Region": s.Dir.RegionName(p, lang),
				"Position": j.Position,
			}) + phoneLine,
			Buttons: [][]handlers.Button{handlers.Row(
				handlers.Button{Text: tr.Text(lang, "join.button.approve", nil), Data: callback.New(FeatureJoin, "approve", strconv.FormatInt(j.ID, 10))},
				handlers.Button{Text: tr.Text(lang, "join.button.reject", nil), Data: callback.New(FeatureJoin, "reject", strconv.FormatInt(j.ID, 10))},
			)},
		}
		if _, err := r.SendTo(ctx, m.UserID, msg); err != nil {
			r.Log.Warn("join request not delivered to a coordinator", "coordinator", m.UserID, "err", err)
		}
	}
	return nil
}

// decide approves or rejects a join request; only coordinators and admins
// may, and the first decision stands.
func (s *Service) decide(ctx context.Context, r *handlers.Request, approve bool) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	id, err := strconv.ParseInt(r.Callback.Data.Arg(0), 10, 64)
	if err != nil || len(r.Callback.Data.Args) != 1 {
		return callback.ErrInvalid
	}
	j, err := s.DB.DecideJoinRequest(ctx, id, r.User.ID, approve, s.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return callback.ErrInvalid
	case errors.Is(err, store.ErrConflict):
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("join.already_decided", nil)})
	case err != nil:
		return fmt.Errorf("members: decide: %w", err)
	}
	applicant, err := s.DB.Member(ctx, j.UserID)
	if err != nil {
		return err
	}
	p, _ := s.Dir.ByID(j.MunicipalityID)
	lang := langOf(applicant)
	tr := r.Translator()
	verdict, told := "join.you_rejected", "join.rejected"
	if approve {
		verdict, told = "join.you_approved", "join.approved"
	}
	if _, err := r.SendTo(ctx, applicant.UserID, handlers.Message{Text: tr.Text(lang, told, locales.Args{"Place": p.Name(lang)})}); err != nil {
		r.Log.Warn("applicant not told", "err", err)
	}
	if approve && s.OnJoined != nil {
		if err := s.OnJoined(ctx, r, applicant); err != nil {
			r.Log.Warn("after joining", "err", err)
		}
	}
	return r.EditOrReply(ctx, handlers.Message{Text: r.T(verdict, locales.Args{"Name": locales.HTML(Contact(applicant)), "Place": p.Name(r.Lang)})})
}

// Contact renders a member as a link that opens a chat with them, plus
// their @username and position. The result is safe HTML.
func Contact(m store.Member) string {
	name := strings.TrimSpace(m.FirstName + " " + m.LastName)
	if name == "" {
		name = "#" + strconv.FormatInt(m.UserID, 10)
	}
	out := fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>`, m.UserID, html.EscapeString(name))
	if m.Username != "" {
		out += " @" + html.EscapeString(m.Username)
	}
	if m.Position != "" {
		out += ", " + html.EscapeString(m.Position)
	}
	return out
}

func langOf(m store.Member) string {
	if locales.Supported(m.Language) {
		return m.Language
	}
	return locales.Default
}
