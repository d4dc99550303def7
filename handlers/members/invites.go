package members

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// FeatureInvite is the feature of the invite buttons.
const FeatureInvite = "invite"

// Invite defaults and limits.
const (
	inviteTTL     = 7 * 24 * time.Hour
	maxInviteUses = 1000
)

// Invite answers "/invite <place> [uses] [coordinator]" for coordinators:
// a deep link that makes whoever opens it a verified member of the
// municipality at once, for the given number of uses (default 1) within
// seven days. Only admins may invite coordinators.
func (s *Service) Invite(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	query, uses, role := parseInviteArgs(r)
	if query == "" {
		return r.ReplyText(ctx, "invite.usage", nil)
	}
	if uses < 1 || uses > maxInviteUses {
		return r.ReplyText(ctx, "invite.bad_uses", locales.Args{"Count": maxInviteUses})
	}
	if role == store.RoleCoordinator && !r.Member.AtLeast(store.RoleAdmin) {
		return handlers.ErrForbidden
	}
	p, ok, err := places.Find(ctx, r, s.Dir, query, FeatureInvite)
	if !ok {
		return err
	}
	return s.createInvite(ctx, r, p, uses, role)
}

// InviteButton continues an invite after a homonym was picked:
// invite:pick:<place>:<uses>:<role>.
func (s *Service) InviteButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	if d.Action != "pick" {
		return callback.ErrInvalid
	}
	p, err := places.FromButton(r, s.Dir, 0)
	if err != nil {
		return err
	}
	uses, err := strconv.Atoi(d.Arg(1))
	role := store.Role(d.Arg(2))
	if err != nil || uses < 1 || uses > maxInviteUses || (role != store.RoleMember && role != store.RoleCoordinator) {
		return callback.ErrInvalid
	}
	if role == store.RoleCoordinator && !r.Member.AtLeast(store.RoleAdmin) {
		return handlers.ErrForbidden
	}
	return s.createInvite(ctx, r, p, uses, role)
}

// parseInviteArgs reads "[place words…] [uses] [coordinator]" in any order
// of the trailing words.
func parseInviteArgs(r *handlers.Request) (query string, uses int, role store.Role) {
	uses, role = 1, store.RoleMember
	words := strings.Fields(r.Args)
	for len(words) > 0 {
		last := strings.ToLower(words[len(words)-1])
		if n, err := strconv.Atoi(last); err == nil {
			uses = n
		} else if isCoordinatorWord(r, last) {
			role = store.RoleCoordinator
		} else {
			break
		}
		words = words[:len(words)-1]
	}
	return strings.Join(words, " "), uses, role
}

func isCoordinatorWord(r *handlers.Request, w string) bool {
	for _, lang := range locales.Languages {
		if w == strings.ToLower(r.Translator().Text(lang, "role.word.coordinator", nil)) {
			return true
		}
	}
	return w == "coordinator"
}

func (s *Service) createInvite(ctx context.Context, r *handlers.Request, p directory.Place, uses int, role store.Role) error {
	token, err := newToken()
	if err != nil {
		return err
	}
	expires := s.Now().Add(inviteTTL)
	if err := s.DB.CreateInvite(ctx, hashToken(token), store.Invite{MunicipalityID: p.ID, Role: role, UsesLeft: uses, ExpiresAt: expires},
		r.User.ID, s.Now()); err != nil {
		return fmt.Errorf("members: invite: %w", err)
	}
	link := "https://t.me/" + s.BotUsername() + "?start=" + token
	return r.ReplyText(ctx, "invite.created", locales.Args{
		"Place": p.Name(r.Lang), "Role": r.T("role."+string(role), nil), "Count": uses,
		"Date": expires.In(readerZone(r)).Format("02.01.2006 15:04"), "Link": link,
	})
}

// acceptInvite handles "/start <token>".
func (s *Service) acceptInvite(ctx context.Context, r *handlers.Request, token string) error {
	if !validToken(token) {
		return r.ReplyText(ctx, "invite.invalid", nil)
	}
	inv, err := s.DB.UseInvite(ctx, hashToken(token), r.User.ID, s.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return r.ReplyText(ctx, "invite.invalid", nil)
	case errors.Is(err, store.ErrInviteExpired):
		return r.ReplyText(ctx, "invite.expired", nil)
	case errors.Is(err, store.ErrInviteUsedUp):
		return r.ReplyText(ctx, "invite.used_up", nil)
	case err != nil:
		return fmt.Errorf("members: accept invite: %w", err)
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		r.Log.Warn("dialog not cleared after invite", "err", err)
	}
	m, err := s.DB.Member(ctx, r.User.ID)
	if err != nil {
		return err
	}
	r.Member = m
	p, _ := s.Dir.ByID(inv.MunicipalityID)
	if err := r.ReplyText(ctx, "invite.welcome", locales.Args{"Place": p.Name(r.Lang), "Role": r.T("role."+string(m.Role), nil)}); err != nil {
		return err
	}
	if s.OnJoined != nil {
		return s.OnJoined(ctx, r, m)
	}
	return nil
}

// newToken returns 24 characters of [A-Za-z0-9_-] with 144 random bits,
// within Telegram's 64-character deep-link limit.
func newToken() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("members: invite token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func validToken(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// readerZone is the member's own time zone, or Moscow time.
func readerZone(r *handlers.Request) *time.Location {
	if loc, err := time.LoadLocation(r.Member.TimeZone); err == nil && r.Member.TimeZone != "" {
		return loc
	}
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return time.UTC
	}
	return loc
}
