package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts"
)

// bulkTransport delivers broadcast copies: paced at bulk priority, one
// attempt each, with allow_paid_broadcast when paid broadcasts are on.
// Errors are told apart for the broadcast worker: a 429 is
// *broadcasts.SlowDown, a 403 wraps handlers.ErrUnreachable (and marks the
// member unreachable).
type bulkTransport struct {
	api         *tg.Bot
	pacer       *Pacer
	paid        bool
	metrics     *metrics
	onForbidden func(ctx context.Context, chatID int64)
}

// chatPaced is a handlers.Sender that keeps the per-chat limits the pacer
// keeps for bulk traffic: the broadcast worker's progress edits, summaries
// and reports go to one chat in quick succession.
type chatPaced struct {
	s     *Sender
	pacer *Pacer
}

func (c chatPaced) Send(ctx context.Context, chatID int64, m handlers.Message) (int, error) {
	if err := c.pacer.WaitChat(ctx, chatID); err != nil {
		return 0, err
	}
	return c.s.Send(ctx, chatID, m)
}

func (c chatPaced) Edit(ctx context.Context, chatID int64, messageID int, m handlers.Message) error {
	if err := c.pacer.WaitChat(ctx, chatID); err != nil {
		return err
	}
	return c.s.Edit(ctx, chatID, messageID, m)
}

// Pause holds bulk traffic for d.
func (t *bulkTransport) Pause(d time.Duration) { t.pacer.Pause(d) }

// Deliver sends one broadcast copy. Its text must fit one message and its
// caption one caption: the composer checks both.
func (t *bulkTransport) Deliver(ctx context.Context, chatID int64, m handlers.Message) (int, error) {
	if err := t.pacer.Wait(ctx, chatID, Bulk); err != nil {
		return 0, err
	}
	// Once paced, the call runs to its end even when shutdown begins: a
	// copy Telegram accepted must be recorded as sent, not sent again.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	markup := keyboard(m.Buttons)
	var sent *models.Message
	var err error
	method := "sendMessage"
	switch {
	case m.Document != nil && m.Document.Photo:
		method = "sendPhoto"
		p := &tg.SendPhotoParams{ChatID: chatID, Photo: &models.InputFileString{Data: m.Document.FileID},
			Caption: m.Document.Caption, ParseMode: models.ParseModeHTML, AllowPaidBroadcast: t.paid}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		sent, err = t.api.SendPhoto(ctx, p)
	case m.Document != nil:
		method = "sendDocument"
		p := &tg.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: m.Document.FileID},
			Caption: m.Document.Caption, ParseMode: models.ParseModeHTML, AllowPaidBroadcast: t.paid}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		sent, err = t.api.SendDocument(ctx, p)
	default:
		p := &tg.SendMessageParams{ChatID: chatID, Text: m.Text, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}, AllowPaidBroadcast: t.paid}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		sent, err = t.api.SendMessage(ctx, p)
	}
	var tooMany *tg.TooManyRequestsError
	switch {
	case err == nil:
		if t.metrics != nil {
			t.metrics.sent.WithLabelValues(method).Inc()
		}
		return sent.ID, nil
	case errors.As(err, &tooMany):
		if t.metrics != nil {
			t.metrics.tooMany.Inc()
		}
		return 0, &broadcasts.SlowDown{RetryAfter: time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
	case errors.Is(err, tg.ErrorForbidden):
		if t.metrics != nil {
			t.metrics.forbidden.Inc()
		}
		if t.onForbidden != nil {
			t.onForbidden(ctx, chatID)
		}
		return 0, fmt.Errorf("bot: %s to %d: %w: %w", method, chatID, handlers.ErrUnreachable, err)
	}
	return 0, fmt.Errorf("bot: %s: %w", method, err)
}
