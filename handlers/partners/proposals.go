package partners

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/members"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// propose sends a partnership proposal from the member's municipality to
// target's members. A municipality with no members keeps it until one joins.
func (s *Service) propose(ctx context.Context, r *handlers.Request, target directory.Place) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	home, ok, err := s.home(ctx, r)
	if !ok {
		return err
	}
	if home.ID == target.ID {
		return r.ReplyText(ctx, "proposal.self", nil)
	}
	p, err := s.DB.CreateProposal(ctx, r.User.ID, home.ID, target.ID, s.Now())
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "proposal.already", locales.Args{"Place": target.Name(r.Lang)})
	}
	if err != nil {
		return fmt.Errorf("partners: propose: %w", err)
	}
	recipients, err := s.DB.MembersOf(ctx, target.ID, 0)
	if err != nil {
		return fmt.Errorf("partners: propose: %w", err)
	}
	delivered := 0
	for _, m := range recipients {
		if err := s.deliver(ctx, r, p, m); err != nil {
			r.Log.Warn("proposal not delivered", "proposal", p.ID, "member", m.UserID, "err", err)
			continue
		}
		delivered++
	}
	if delivered == 0 {
		return r.ReplyText(ctx, "proposal.kept", locales.Args{"Place": target.Name(r.Lang)})
	}
	_, err = r.Reply(ctx, handlers.Message{Text: r.N("proposal.sent", delivered, locales.Args{"Place": target.Name(r.Lang)})})
	return err
}

// deliver shows proposal p to member m, in m's language, and records it.
func (s *Service) deliver(ctx context.Context, r *handlers.Request, p store.Proposal, m store.Member) error {
	from, _ := s.Dir.ByID(p.FromMunicipality)
	to, _ := s.Dir.ByID(p.ToMunicipality)
	author, err := s.DB.Member(ctx, p.FromMember)
	if err != nil {
		return err
	}
	lang := langOf(m)
	tr := r.Translator()
	text := tr.Text(lang, "proposal.incoming", locales.Args{
		"From": from.Name(lang), "Region": s.Dir.RegionName(from, lang), "Place": to.Name(lang),
		"Name": locales.HTML(members.Contact(author)),
	})
	msg := handlers.Message{Text: text, Buttons: [][]handlers.Button{handlers.Row(
		handlers.Button{Text: tr.Text(lang, "proposal.button.accept", nil), Data: callback.New(FeatureProposal, "accept", places.ID(p.ID))},
		handlers.Button{Text: tr.Text(lang, "proposal.button.decline", nil), Data: callback.New(FeatureProposal, "decline", places.ID(p.ID))},
	)}}
	if _, err := r.SendTo(ctx, m.UserID, msg); err != nil {
		return err
	}
	return s.DB.MarkProposalDelivered(ctx, p.ID, m.UserID, s.Now())
}

// DeliverPending shows a member who has just been verified the proposals
// that waited for someone from their municipality.
func (s *Service) DeliverPending(ctx context.Context, r *handlers.Request, m store.Member) error {
	pending, err := s.DB.UndeliveredProposals(ctx, m.MunicipalityID, m.UserID)
	if err != nil {
		return fmt.Errorf("partners: pending proposals: %w", err)
	}
	for _, p := range pending {
		if err := s.deliver(ctx, r, p, m); err != nil {
			return fmt.Errorf("partners: deliver proposal %d: %w", p.ID, err)
		}
	}
	return nil
}

// ProposalButton accepts or declines a proposal. Only members of the
// proposed municipality may answer, and the first answer stands.
func (s *Service) ProposalButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	pid, err := strconv.ParseInt(d.Arg(0), 10, 64)
	if err != nil || len(d.Args) != 1 || (d.Action != "accept" && d.Action != "decline") {
		return callback.ErrInvalid
	}
	p, err := s.DB.Proposal(ctx, pid)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	if !r.Member.Verified() || r.Member.MunicipalityID != p.ToMunicipality {
		return handlers.ErrForbidden
	}
	p, err = s.DB.AnswerProposal(ctx, pid, r.User.ID, d.Action == "accept", s.Now())
	if errors.Is(err, store.ErrConflict) {
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("proposal.answered_already", nil)})
	}
	if err != nil {
		return fmt.Errorf("partners: answer proposal: %w", err)
	}
	from, _ := s.Dir.ByID(p.FromMunicipality)
	to, _ := s.Dir.ByID(p.ToMunicipality)
	author, err := s.DB.Member(ctx, p.FromMember)
	if err != nil {
		return err
	}
	alang := langOf(author)
	tr := r.Translator()
	if d.Action == "decline" {
		if _, err := r.SendTo(ctx, author.UserID, handlers.Message{Text: tr.Text(alang, "proposal.declined",
			locales.Args{"Place": to.Name(alang)})}); err != nil {
			r.Log.Warn("could not tell the author", "err", err)
		}
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("proposal.you_declined", locales.Args{"Place": from.Name(r.Lang)})})
	}
	if _, err := r.SendTo(ctx, author.UserID, handlers.Message{Text: tr.Text(alang, "proposal.accepted", locales.Args{
		"Place": to.Name(alang), "Name": locales.HTML(members.Contact(r.Member)),
	})}); err != nil {
		r.Log.Warn("could not tell the author", "err", err)
	}
	return r.EditOrReply(ctx, handlers.Message{Text: r.T("proposal.you_accepted", locales.Args{
		"Place": from.Name(r.Lang), "Name": locales.HTML(members.Contact(author)),
	})})
}

func langOf(m store.Member) string {
	if locales.Supported(m.Language) {
		return m.Language
	}
	return locales.Default
}
