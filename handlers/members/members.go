// Package members handles who people are to the bot: greeting them, their
// language, help, leaving a dialog, joining the association and being
// verified, invites, roles, the members of a municipality, and their
// personal data.
package members

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Service answers /start, /language, /help, /cancel, what the bot does not
// understand, and everything about membership.
type Service struct {
	DB       *store.DB
	Dir      *directory.Directory
	Dialogs  handlers.Dialogs
	Commands []handlers.Command // listed by /help
	Now      func() time.Time
	// BotUsername is the bot's @username, for invite links.
	BotUsername func() string
	// OnJoined runs when a member has been verified (by a coordinator or an
	// invite), for example to deliver what waited for their municipality.
	OnJoined func(ctx context.Context, r *handlers.Request, m store.Member) error
}

// Callback feature name of this package's buttons.
const Feature = "lang"

// Start greets the member in their language and offers the language
// choice. "/start <token>" opens an invite; a newcomer is then asked which
// municipality they represent.
func (s *Service) Start(ctx context.Context, r *handlers.Request) error {
	if r.Args != "" {
		return s.acceptInvite(ctx, r, r.Args)
	}
	name := strings.TrimSpace(r.User.FirstName)
	if name == "" {
		name = r.T("start.anonymous", nil)
	}
	text := r.T("start.greeting", locales.Args{"Name": name}) + "\n\n" + r.T("start.what_i_do", nil)
	if _, err := r.Reply(ctx, handlers.Message{Text: text, Buttons: languageButtons(r)}); err != nil {
		return err
	}
	if r.Member.Verified() {
		return nil
	}
	return s.beginJoin(ctx, r)
}

// Language offers the languages to choose from.
func (s *Service) Language(ctx context.Context, r *handlers.Request) error {
	_, err := r.Reply(ctx, handlers.Message{Text: r.T("language.choose", nil), Buttons: languageButtons(r)})
	return err
}

// SetLanguage handles a press on a language button.
func (s *Service) SetLanguage(ctx context.Context, r *handlers.Request) error {
	lang := r.Callback.Data.Arg(0)
	if r.Callback.Data.Action != "set" || len(r.Callback.Data.Args) != 1 || !locales.Supported(lang) {
		return callback.ErrInvalid
	}
	if err := s.DB.SetLanguage(ctx, r.User.ID, lang, s.Now()); err != nil {
		return fmt.Errorf("members: set language: %w", err)
	}
	r.Lang = lang
	r.Member.Language, r.Member.LanguageChosen = lang, true
	r.Toast(r.T("language.saved", nil))
	return r.EditOrReply(ctx, handlers.Message{Text: r.T("language.saved", nil) + "\n\n" + r.T("language.next", nil)})
}

// Help lists what the bot can do.
func (s *Service) Help(ctx context.Context, r *handlers.Request) error {
	var b strings.Builder
	b.WriteString(r.T("help.intro", nil))
	b.WriteString("\n")
	for _, c := range s.Commands {
		if !r.Member.AtLeast(c.Role) {
			continue
		}
		b.WriteString("\n/" + c.Name + " — " + r.T(c.DescriptionID, nil))
	}
	b.WriteString("\n\n" + r.T("help.outro", nil))
	_, err := r.Reply(ctx, handlers.Message{Text: b.String()})
	return err
}

// Cancel ends the active dialog, if any.
func (s *Service) Cancel(ctx context.Context, r *handlers.Request) error {
	_, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("members: cancel: %w", err)
	}
	if !active {
		return r.ReplyText(ctx, "cancel.nothing", nil)
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		return fmt.Errorf("members: cancel: %w", err)
	}
	return r.ReplyText(ctx, "cancel.done", nil)
}

// Unknown answers a command the bot does not know.
func (s *Service) Unknown(ctx context.Context, r *handlers.Request) error {
	return r.ReplyText(ctx, "unknown.command", locales.Args{"Command": "/" + r.Command})
}

// Fallback answers text outside any dialog.
func (s *Service) Fallback(ctx context.Context, r *handlers.Request) error {
	return r.ReplyText(ctx, "unknown.text", nil)
}

func languageButtons(r *handlers.Request) [][]handlers.Button {
	row := make([]handlers.Button, 0, len(locales.Languages))
	for _, l := range locales.Languages {
		row = append(row, handlers.Button{
			Text: r.Translator().Text(l, "language.name", nil),
			Data: callback.New(Feature, "set", l),
		})
	}
	return [][]handlers.Button{row}
}
