package members

import (
	"context"
	"html"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// FeatureMembers is the feature of /members's place buttons.
const FeatureMembers = "members"

// Members answers "/members <place>" for verified members: who from that
// municipality is in the bot, with their positions. Contacts are shown to
// coordinators, to the same municipality, and to municipalities whose
// partnership proposal was accepted.
func (s *Service) Members(ctx context.Context, r *handlers.Request) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	if strings.TrimSpace(r.Args) == "" {
		return r.ReplyText(ctx, "members.usage", nil)
	}
	p, ok, err := places.Find(ctx, r, s.Dir, r.Args, FeatureMembers)
	if !ok {
		return err
	}
	return s.listMembers(ctx, r, p.ID)
}

// MembersButton lists the members of a picked homonym.
func (s *Service) MembersButton(ctx context.Context, r *handlers.Request) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	p, err := places.FromButton(r, s.Dir, 0)
	if err != nil {
		return err
	}
	return s.listMembers(ctx, r, p.ID)
}

func (s *Service) listMembers(ctx context.Context, r *handlers.Request, placeID int64) error {
	p, _ := s.Dir.ByID(placeID)
	list, err := s.DB.VerifiedMembersOf(ctx, placeID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return r.ReplyText(ctx, "members.none", locales.Args{"Place": p.Name(r.Lang)})
	}
	contacts := r.Member.AtLeast(store.RoleCoordinator) || r.Member.MunicipalityID == placeID
	if !contacts {
		if contacts, err = s.DB.Partnered(ctx, r.Member.MunicipalityID, placeID); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString(r.N("members.title", len(list), locales.Args{"Place": p.Name(r.Lang)}))
	for _, m := range list {
		line := html.EscapeString(strings.TrimSpace(m.FirstName + " " + m.LastName))
		if m.Position != "" {
			line += ", " + html.EscapeString(m.Position)
		}
		if m.Role == store.RoleCoordinator || m.Role == store.RoleAdmin {
			line += " (" + r.T("role."+string(m.Role), nil) + ")"
		}
		if contacts {
			line = Contact(m)
			if m.Phone != "" {
				line += ", " + html.EscapeString(m.Phone)
			}
		}
		b.WriteString("\n• " + line)
	}
	if !contacts {
		b.WriteString("\n\n" + r.T("members.contacts_hidden", nil))
	}
	_, err = r.Reply(ctx, handlers.Message{Text: b.String()})
	return err
}
