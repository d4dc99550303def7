package members

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Grant answers "/grant <@username|id> <coordinator|admin>" for admins.
func (s *Service) Grant(ctx context.Context, r *handlers.Request) error {
	return s.changeRole(ctx, r, true)
}

// Revoke answers "/revoke <@username|id>" for admins: the person becomes
// an ordinary member.
func (s *Service) Revoke(ctx context.Context, r *handlers.Request) error {
	return s.changeRole(ctx, r, false)
}

func (s *Service) changeRole(ctx context.Context, r *handlers.Request, grant bool) error {
	if !r.Member.AtLeast(store.RoleAdmin) {
		return handlers.ErrForbidden
	}
	words := strings.Fields(r.Args)
	usage := "roles.usage_revoke"
	if grant {
		usage = "roles.usage_grant"
	}
	if len(words) != 1 && !(grant && len(words) == 2) {
		return r.ReplyText(ctx, usage, nil)
	}
	role := store.RoleMember
	if grant {
		if len(words) != 2 {
			return r.ReplyText(ctx, usage, nil)
		}
		switch strings.ToLower(words[1]) {
		case "coordinator":
			role = store.RoleCoordinator
		case "admin":
			role = store.RoleAdmin
		default:
			return r.ReplyText(ctx, usage, nil)
		}
	}
	target, err := s.findMember(ctx, words[0])
	if errors.Is(err, store.ErrNotFound) {
		return r.ReplyText(ctx, "roles.no_such_member", locales.Args{"Query": words[0]})
	}
	if err != nil {
		return err
	}
	if target.UserID == r.User.ID {
		return r.ReplyText(ctx, "roles.self", nil)
	}
	if err := s.DB.ChangeRole(ctx, r.User.ID, target.UserID, role, s.Now()); err != nil {
		return fmt.Errorf("members: change role: %w", err)
	}
	return r.ReplyText(ctx, "roles.changed", locales.Args{"Name": locales.HTML(Contact(target)), "Role": r.T("role."+string(role), nil)})
}

func (s *Service) findMember(ctx context.Context, who string) (store.Member, error) {
	if strings.HasPrefix(who, "@") {
		return s.DB.MemberByUsername(ctx, strings.TrimPrefix(who, "@"))
	}
	id, err := strconv.ParseInt(who, 10, 64)
	if err != nil {
		return store.Member{}, store.ErrNotFound
	}
	return s.DB.Member(ctx, id)
}

// Audit answers /audit for admins: the 20 newest privileged actions.
func (s *Service) Audit(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleAdmin) {
		return handlers.ErrForbidden
	}
	entries, err := s.DB.RecentAudit(ctx, 20)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return r.ReplyText(ctx, "audit.empty", nil)
	}
	var b strings.Builder
	b.WriteString(r.T("audit.title", nil))
	zone := readerZone(r)
	for _, e := range entries {
		actor := r.T("audit.former_member", nil)
		if m, err := s.DB.Member(ctx, e.Actor); err == nil {
			actor = Contact(m)
		}
		b.WriteString("\n" + r.T("audit.line", locales.Args{
			"Time": e.At.In(zone).Format("02.01 15:04"), "Name": locales.HTML(actor),
			"Action": e.Action, "Subject": e.Subject, "Detail": e.Detail,
		}))
	}
	_, err = r.Reply(ctx, handlers.Message{Text: b.String()})
	return err
}
