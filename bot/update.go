package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// handleUpdate is the way of one update: dedupe, filter, throttle, member,
// language, route, handler, error reply, callback answer. It runs inside the
// update's lane.
func (b *Bot) handleUpdate(parent context.Context, upd *models.Update) {
	// Handlers finish even when shutdown has begun: the context only bounds
	// each update's time.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), b.opts.HandlerTimeout)
	defer cancel()
	if b.handled != nil {
		defer b.handled(upd.ID)
	}
	start := time.Now()
	defer func() { b.metrics.observe(updateKind(upd), time.Since(start)) }()

	if upd.MyChatMember != nil {
		b.chatMemberChanged(ctx, upd.MyChatMember)
		return
	}
	r := b.request(upd)
	if r == nil {
		return
	}
	log := b.log.With("update_id", upd.ID, "chat_id", r.ChatID)
	r.Log = log

	first, err := b.deps.State.FirstSeen(ctx, "update:"+strconv.FormatInt(upd.ID, 10), dedupeTTL)
	if err != nil {
		log.Warn("dedupe unavailable, handling anyway", "err", err)
	} else if !first {
		log.Info("duplicate update skipped")
		return
	}

	defer func() {
		if p := recover(); p != nil {
			log.Error("panic in handler", "panic", p, "stack", string(debug.Stack()))
			handlers.ErrorReply(ctx, r, fmt.Errorf("panic: %v", p))
		}
		if r.Callback != nil {
			if err := b.sender.AnswerCallback(ctx, r.Callback.ID, r.ToastText()); err != nil {
				log.Warn("answer callback", "err", err)
			}
		}
	}()

	if !b.allowed(ctx, r) {
		b.metrics.throttled.Inc()
		r.Callback = nil // a throttled press is left unanswered like a dropped message
		return
	}

	m, _, err := b.deps.DB.TouchMember(ctx, store.Profile{
		UserID: r.User.ID, FirstName: r.User.FirstName, LastName: r.User.LastName,
		Username: r.User.Username, Language: locales.Match(r.User.LanguageCode),
	}, b.opts.Now())
	if err != nil {
		handlers.ErrorReply(ctx, r, fmt.Errorf("bot: load member: %w", err))
		return
	}
	if b.admins[m.UserID] && m.Role != store.RoleAdmin {
		if err := b.deps.DB.SetRole(ctx, m.UserID, store.RoleAdmin, b.opts.Now()); err != nil {
			log.Error("could not grant admin role", "err", err)
		} else {
			m.Role = store.RoleAdmin
		}
	}
	r.Member = m
	r.Lang = m.Language
	if !locales.Supported(r.Lang) {
		r.Lang = locales.Match(r.User.LanguageCode)
	}

	h, err := b.router.route(ctx, r, b.deps.State)
	if err == nil {
		err = h(ctx, r)
	}
	if err != nil {
		handlers.ErrorReply(ctx, r, err)
	}
}

// request turns an update into a Request, or nil when the update is nothing
// the bot answers (a channel post, a message in a group not addressed to it).
func (b *Bot) request(upd *models.Update) *handlers.Request {
	r := handlers.NewRequest(b.sender, b.deps.Catalog)
	r.UpdateID = upd.ID
	switch {
	case upd.Message != nil:
		msg := upd.Message
		if msg.From == nil || msg.From.IsBot {
			return nil
		}
		r.ChatID, r.ChatType, r.User = msg.Chat.ID, string(msg.Chat.Type), user(msg.From)
		r.Text = msg.Text
		entities := msg.Entities
		if msg.Document != nil {
			r.Text, entities = msg.Caption, msg.CaptionEntities
			r.Document = &handlers.Document{FileID: msg.Document.FileID, Name: msg.Document.FileName,
				MIMEType: msg.Document.MimeType, Size: msg.Document.FileSize}
		}
		if n := len(msg.Photo); n > 0 {
			r.Text, entities = msg.Caption, msg.CaptionEntities
			r.Photo = &handlers.Document{FileID: msg.Photo[n-1].FileID, MIMEType: "image/jpeg", Size: int64(msg.Photo[n-1].FileSize)}
		}
		if msg.Contact != nil {
			r.Contact = &handlers.Contact{Phone: msg.Contact.PhoneNumber, UserID: msg.Contact.UserID}
		}
		r.HTML = formatHTML(r.Text, entities)
		if c, ok := parseCommand(r.Text, entities, b.username); ok {
			if c.ForOther {
				return nil
			}
			r.Command, r.Args = c.Name, c.Args
		}
		if r.ChatType != string(models.ChatTypePrivate) && r.Command == "" {
			return nil // in groups the bot answers only commands addressed to it
		}
	case upd.CallbackQuery != nil:
		q := upd.CallbackQuery
		r.User = user(&q.From)
		r.ChatID, r.ChatType = q.From.ID, string(models.ChatTypePrivate)
		cb := &handlers.Callback{ID: q.ID}
		if m := q.Message.Message; m != nil {
			r.ChatID, r.ChatType, cb.MessageID = m.Chat.ID, string(m.Chat.Type), m.ID
		} else if m := q.Message.InaccessibleMessage; m != nil {
			r.ChatID, cb.MessageID = m.Chat.ID, m.MessageID
		}
		// Invalid data stays zero; the router answers it as a stale button.
		cb.Data, _ = callback.Parse(q.Data)
		r.Callback = cb
	default:
		return nil
	}
	return r
}

// allowed applies the per-user throttle. Over the limit the user is told
// once to slow down, and further updates are dropped until the bucket
// refills. With the state store down, nobody is throttled.
func (b *Bot) allowed(ctx context.Context, r *handlers.Request) bool {
	key := "throttle:" + strconv.FormatInt(r.User.ID, 10)
	ok, retry, err := b.deps.State.Allow(ctx, key, b.opts.Throttle)
	if err != nil {
		r.Log.Warn("throttle unavailable", "err", err)
		return true
	}
	if ok {
		return true
	}
	first, err := b.deps.State.FirstSeen(ctx, "slowdown:"+strconv.FormatInt(r.User.ID, 10), retry)
	if err == nil && first {
		r.Lang = locales.Match(r.User.LanguageCode)
		if m, err := b.deps.DB.Member(ctx, r.User.ID); err == nil && locales.Supported(m.Language) {
			r.Lang = m.Language
		}
		if err := r.ReplyText(ctx, "throttle.slow_down", nil); err != nil {
			r.Log.Warn("could not send slow-down notice", "err", err)
		}
	}
	return false
}

// chatMemberChanged notices when a user blocks or unblocks the bot.
func (b *Bot) chatMemberChanged(ctx context.Context, u *models.ChatMemberUpdated) {
	if u.Chat.Type != models.ChatTypePrivate {
		return
	}
	reachable := u.NewChatMember.Type != models.ChatMemberTypeBanned && u.NewChatMember.Type != models.ChatMemberTypeLeft
	if err := b.deps.DB.SetReachable(ctx, u.From.ID, reachable, b.opts.Now()); err != nil {
		b.log.Warn("could not record chat member change", "err", err)
	}
}

// updateKind names an update for metrics.
func updateKind(upd *models.Update) string {
	switch {
	case upd.Message != nil && upd.Message.Document != nil:
		return "document"
	case upd.Message != nil && strings.HasPrefix(upd.Message.Text, "/"):
		return "command"
	case upd.Message != nil:
		return "message"
	case upd.CallbackQuery != nil:
		return "callback"
	case upd.MyChatMember != nil:
		return "chat_member"
	}
	return "other"
}

func user(u *models.User) handlers.User {
	return handlers.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}
