package broadcasts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

func control(action string, id int64) callback.Data {
	return callback.New(FeatureControl, action, itoa(id))
}

// confirm records the composed broadcast and queues it, or asks for
// approval when approval is on.
func (s *Service) confirm(ctx context.Context, r *handlers.Request, d state.Dialog) error {
	draft := s.draft(r, d)
	if draft.Body == "" && draft.FileID == "" {
		return callback.ErrInvalid
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		return fmt.Errorf("broadcasts: end dialog: %w", err)
	}
	draft.State = store.BroadcastApproval
	b, err := s.DB.CreateBroadcast(ctx, draft, s.now())
	if err != nil {
		return fmt.Errorf("broadcasts: confirm: %w", err)
	}
	if err := s.DB.Audit(ctx, r.User.ID, "broadcast", "broadcast:"+itoa(b.ID), b.Audience, s.now()); err != nil {
		return err
	}
	if !s.Approval {
		return s.queue(ctx, r, b, 0)
	}
	if err := r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.awaiting_approval", nil)}); err != nil {
		return err
	}
	return s.askApproval(ctx, b)
}

// askApproval sends the broadcast to every reachable coordinator and
// admin but its author, with approve and reject buttons.
func (s *Service) askApproval(ctx context.Context, b store.Broadcast) error {
	all, err := s.DB.BroadcastRecipients(ctx)
	if err != nil {
		return err
	}
	_, entries, err := s.Recipients(ctx, b)
	if err != nil {
		return err
	}
	author := s.authorName(ctx, b.AuthorID)
	asked := 0
	for _, m := range all {
		if m.UserID == b.AuthorID || !m.AtLeast(store.RoleCoordinator) {
			continue
		}
		lang := m.Language
		a, _ := audience.Decode(b.Audience)
		text := s.Text.Plural(lang, "broadcast.approval.request", len(entries), locales.Args{
			"Author": author, "Audience": locales.HTML(describe(s.Text, s.Dir, lang, a, s.forumName(ctx, a.Forum))),
		})
		if _, err := s.Out.Send(ctx, m.UserID, handlers.Message{Text: text}); err != nil {
			s.log().Warn("broadcasts: approval request not delivered", "err", err)
			continue
		}
		preview := Render(s.Text, lang, b)
		preview.Buttons = nil // the recipients' buttons are not the approver's to press
		if _, err := s.Out.Send(ctx, m.UserID, preview); err != nil {
			continue
		}
		s.Out.Send(ctx, m.UserID, handlers.Message{Text: s.Text.Text(lang, "broadcast.approval.decide", nil),
			Buttons: [][]handlers.Button{handlers.Row(
				handlers.Button{Text: s.Text.Text(lang, "broadcast.button.approve", nil), Data: control("approve", b.ID)},
				handlers.Button{Text: s.Text.Text(lang, "broadcast.button.reject", nil), Data: control("reject", b.ID)},
			)}})
		asked++
	}
	if asked == 0 {
		s.log().Warn("broadcasts: nobody to approve a broadcast", "broadcast", b.ID)
	}
	return nil
}

func (s *Service) forumName(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	if f, err := s.DB.Forum(ctx, id); err == nil {
		return f.Name
	}
	return ""
}

func (s *Service) authorName(ctx context.Context, id int64) string {
	m, err := s.DB.Member(ctx, id)
	if err != nil {
		return "—"
	}
	return displayName(m)
}

// queue writes the outbox of a broadcast waiting in state approval and
// shows its author the progress message.
func (s *Service) queue(ctx context.Context, r *handlers.Request, b store.Broadcast, approver int64) error {
	_, entries, err := s.Recipients(ctx, b)
	if err != nil {
		return err
	}
	if err := s.DB.QueueBroadcast(ctx, b.ID, store.BroadcastApproval, approver, entries, s.now()); err != nil {
		return fmt.Errorf("broadcasts: queue %d: %w", b.ID, err)
	}
	b, err = s.DB.Broadcast(ctx, b.ID)
	if err != nil {
		return err
	}
	lang := s.authorLang(ctx, b)
	m := ProgressMessage(s.Text, lang, b, store.OutboxCounts{Pending: b.Recipients}, 0)
	var id int
	if r != nil && r.ChatID == b.ProgressChat && r.Callback != nil {
		err = r.EditOrReply(ctx, m)
		id = r.Callback.MessageID
	} else {
		id, err = s.Out.Send(ctx, b.ProgressChat, m)
	}
	if err != nil {
		s.log().Warn("broadcasts: progress message", "err", err)
	} else if err := s.DB.SetBroadcastProgress(ctx, b.ID, b.ProgressChat, id); err != nil {
		return err
	}
	s.wake()
	return nil
}

func (s *Service) authorLang(ctx context.Context, b store.Broadcast) string {
	if m, err := s.DB.Member(ctx, b.AuthorID); err == nil && locales.Supported(m.Language) {
		return m.Language
	}
	return locales.Default
}

// ControlButton handles approve, reject, pause, resume, cancel and report.
func (s *Service) ControlButton(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	id, err := argID(r, 0)
	if err != nil {
		return err
	}
	b, err := s.DB.Broadcast(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	now := s.now()
	switch r.Callback.Data.Action {
	case "approve", "reject":
		if b.AuthorID == r.User.ID {
			r.Toast(r.T("broadcast.approval.own", nil))
			return r.ReplyText(ctx, "broadcast.approval.own", nil)
		}
		if b.State != store.BroadcastApproval {
			return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.approval.decided", nil)})
		}
		if r.Callback.Data.Action == "reject" {
			if err := s.DB.SetBroadcastState(ctx, id, store.BroadcastRejected, now, store.BroadcastApproval); errors.Is(err, store.ErrConflict) {
				return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.approval.decided", nil)})
			} else if err != nil {
				return err
			}
			s.DB.Audit(ctx, r.User.ID, "reject_broadcast", "broadcast:"+itoa(id), "", now)
			lang := s.authorLang(ctx, b)
			s.Out.Send(ctx, b.ProgressChat, handlers.Message{Text: s.Text.Text(lang, "broadcast.approval.rejected",
				locales.Args{"Name": displayNameOf(ctx, s, r.User.ID)})})
			return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.approval.you_rejected", nil)})
		}
		if err := s.queue(ctx, nil, b, r.User.ID); errors.Is(err, store.ErrConflict) {
			return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.approval.decided", nil)})
		} else if err != nil {
			return err
		}
		s.DB.Audit(ctx, r.User.ID, "approve_broadcast", "broadcast:"+itoa(id), "", now)
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.approval.you_approved", nil)})
	}
	if b.AuthorID != r.User.ID && !r.Member.AtLeast(store.RoleAdmin) {
		return handlers.ErrForbidden
	}
	switch r.Callback.Data.Action {
	case "pause":
		err = s.DB.SetBroadcastState(ctx, id, store.BroadcastPaused, now, store.BroadcastQueued)
	case "resume":
		err = s.DB.SetBroadcastState(ctx, id, store.BroadcastQueued, now, store.BroadcastPaused)
		s.wake()
	case "cancel":
		err = s.DB.SetBroadcastState(ctx, id, store.BroadcastCancelled, now, store.BroadcastQueued, store.BroadcastPaused, store.BroadcastApproval)
		if err == nil {
			s.DB.Audit(ctx, r.User.ID, "cancel_broadcast", "broadcast:"+itoa(id), "", now)
		}
	case "report":
		return s.sendReport(ctx, r.ChatID, r.Lang, b)
	default:
		return callback.ErrInvalid
	}
	if errors.Is(err, store.ErrConflict) {
		r.Toast(r.T("broadcast.control.too_late", nil))
	} else if err != nil {
		return err
	}
	if b, err = s.DB.Broadcast(ctx, id); err != nil {
		return err
	}
	counts, err := s.DB.OutboxCounts(ctx, id)
	if err != nil {
		return err
	}
	if b.State == store.BroadcastCancelled && b.ProgressChat != 0 {
		s.sendReport(ctx, b.ProgressChat, r.Lang, b)
	}
	return r.EditOrReply(ctx, ProgressMessage(s.Text, r.Lang, b, counts, 0))
}

func displayNameOf(ctx context.Context, s *Service, id int64) string { return s.authorName(ctx, id) }

// sendReport sends the delivery report of a broadcast as CSV.
func (s *Service) sendReport(ctx context.Context, chatID int64, lang string, b store.Broadcast) error {
	data, err := Report(ctx, s.DB, b.ID)
	if err != nil {
		return err
	}
	_, err = s.Out.Send(ctx, chatID, handlers.Message{Document: &handlers.File{
		Name: fmt.Sprintf("broadcast-%d.csv", b.ID), Data: data,
		Caption: s.Text.Text(lang, "broadcast.report.caption", locales.Args{"ID": b.ID}),
	}})
	return err
}

// Mute answers /mute: "/mute" or "/mute on" mutes announcements, "/mute
// off" unmutes them. Mandatory announcements still arrive.
func (s *Service) Mute(ctx context.Context, r *handlers.Request) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	muted, err := s.DB.Muted(ctx, r.User.ID)
	if err != nil {
		return err
	}
	switch arg {
	case "", "on":
		muted = arg == "on" || !muted
	case "off":
		muted = false
	default:
		return r.ReplyText(ctx, "broadcast.mute.usage", nil)
	}
	if err := s.DB.SetMuted(ctx, r.User.ID, muted, s.now()); err != nil {
		return err
	}
	if muted {
		return r.ReplyText(ctx, "broadcast.mute.on", nil)
	}
	return r.ReplyText(ctx, "broadcast.mute.off", nil)
}
