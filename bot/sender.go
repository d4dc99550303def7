package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/handlers"
)

// maxRetries bounds how often one call is retried after 429 answers.
const maxRetries = 5

// Sender delivers handlers.Messages through the Telegram client: HTML parse
// mode, long texts split into several messages, 429 answers waited out and
// retried, 403 answers reported once through OnForbidden.
type Sender struct {
	api         *tg.Bot
	log         *slog.Logger
	onForbidden func(ctx context.Context, chatID int64)
	sleep       func(ctx context.Context, d time.Duration) error
	metrics     *metrics // nil: not counted
	pacer       *Pacer   // nil: not paced
	uploads     *uploads
}

// NewSender returns a Sender over api. onForbidden, if not nil, is called
// when a chat turns out to be unreachable.
func NewSender(api *tg.Bot, log *slog.Logger, onForbidden func(ctx context.Context, chatID int64)) *Sender {
	return &Sender{api: api, log: log, onForbidden: onForbidden, sleep: sleepCtx, uploads: newUploads(maxUploads)}
}

// Send delivers m to chatID and returns the id of the last message sent.
func (s *Sender) Send(ctx context.Context, chatID int64, m handlers.Message) (int, error) {
	markup := keyboard(m.Buttons)
	switch {
	case m.Document != nil:
		return s.sendFile(ctx, chatID, *m.Document, markup)
	case m.Location != nil:
		var sent *models.Message
		err := s.call(ctx, chatID, "sendLocation", func() (err error) {
			p := &tg.SendLocationParams{ChatID: chatID, Latitude: m.Location.Latitude, Longitude: m.Location.Longitude}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			sent, err = s.api.SendLocation(ctx, p)
			return err
		})
		if err != nil {
			return 0, err
		}
		return sent.ID, nil
	}
	chunks := splitHTML(m.Text, maxMessageLen)
	var id int
	for i, chunk := range chunks {
		p := &tg.SendMessageParams{
			ChatID:             chatID,
			Text:               chunk,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
		}
		if i == len(chunks)-1 {
			if markup != nil {
				p.ReplyMarkup = markup
			} else if m.Keyboard != nil {
				p.ReplyMarkup = replyKeyboard(m.Keyboard)
			}
		}
		err := s.call(ctx, chatID, "sendMessage", func() error {
			sent, err := s.api.SendMessage(ctx, p)
			if err == nil {
				id = sent.ID
			}
			return err
		})
		if err != nil {
			return id, err
		}
	}
	return id, nil
}

// sendFile sends a document or a photo: by the id Telegram gave an earlier
// upload under the same key when there is one, else uploaded (drawn first
// when the file has Draw), remembering the new id under the key.
func (s *Sender) sendFile(ctx context.Context, chatID int64, f handlers.File, markup *models.InlineKeyboardMarkup) (int, error) {
	if f.FileID == "" && f.Key != "" {
		if id, ok := s.uploads.get(f.Key); ok {
			sent, err := s.postFile(ctx, chatID, f, &models.InputFileString{Data: id}, markup)
			if err == nil || !errors.Is(err, tg.ErrorBadRequest) {
				return messageID(sent), err
			}
			// Telegram no longer knows the file: upload it again.
			s.log.Warn("a kept file id was refused; uploading again", "key", f.Key, "err", err)
			s.uploads.forget(f.Key)
		}
	}
	var file models.InputFile = &models.InputFileString{Data: f.FileID}
	if f.FileID == "" {
		if f.Data == nil && f.Draw != nil {
			data, err := f.Draw(ctx)
			if err != nil {
				return 0, fmt.Errorf("bot: draw %s: %w", f.Name, err)
			}
			f.Data = data
		}
		file = &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
	}
	sent, err := s.postFile(ctx, chatID, f, file, markup)
	if err != nil {
		return 0, err
	}
	if id := uploadedID(sent); f.Key != "" && f.FileID == "" && id != "" {
		s.uploads.put(f.Key, id)
	}
	return sent.ID, nil
}

// postFile makes the sendPhoto or sendDocument call.
func (s *Sender) postFile(ctx context.Context, chatID int64, f handlers.File, file models.InputFile, markup *models.InlineKeyboardMarkup) (*models.Message, error) {
	var sent *models.Message
	method := "sendDocument"
	if f.Photo {
		method = "sendPhoto"
	}
	err := s.call(ctx, chatID, method, func() (err error) {
		if up, ok := file.(*models.InputFileUpload); ok {
			up.Data = bytes.NewReader(f.Data) // a retry after a 429 reads it again
		}
		if f.Photo {
			p := &tg.SendPhotoParams{ChatID: chatID, Photo: file, Caption: f.Caption, ParseMode: models.ParseModeHTML}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			sent, err = s.api.SendPhoto(ctx, p)
			return err
		}
		p := &tg.SendDocumentParams{ChatID: chatID, Document: file, Caption: f.Caption, ParseMode: models.ParseModeHTML}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		sent, err = s.api.SendDocument(ctx, p)
		return err
	})
	return sent, err
}

// uploadedID is the id Telegram gave the file a message carries: the
// largest size of a photo, or the document.
func uploadedID(m *models.Message) string {
	switch {
	case m == nil:
		return ""
	case len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileID
	case m.Document != nil:
		return m.Document.FileID
	}
	return ""
}

func messageID(m *models.Message) int {
	if m == nil {
		return 0
	}
	return m.ID
}

// Edit replaces the text and buttons of a message the bot sent. A text too
// long for one message is cut to the first chunk.
func (s *Sender) Edit(ctx context.Context, chatID int64, messageID int, m handlers.Message) error {
	p := &tg.EditMessageTextParams{
		ChatID:             chatID,
		MessageID:          messageID,
		Text:               splitHTML(m.Text, maxMessageLen)[0],
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
	}
	if markup := keyboard(m.Buttons); markup != nil {
		p.ReplyMarkup = markup
	}
	err := s.call(ctx, chatID, "editMessageText", func() error {
		_, err := s.api.EditMessageText(ctx, p)
		return err
	})
	if err != nil && strings.Contains(err.Error(), "message is not modified") {
		return nil
	}
	return err
}

// AnswerCallback stops the spinner on a pressed button, with an optional
// short notice.
func (s *Sender) AnswerCallback(ctx context.Context, id, text string) error {
	return s.call(ctx, 0, "answerCallbackQuery", func() error {
		_, err := s.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
}

// call runs one Bot API call, waiting out 429 answers.
func (s *Sender) call(ctx context.Context, chatID int64, method string, do func() error) error {
	for attempt := 0; ; attempt++ {
		if s.pacer != nil && method != "answerCallbackQuery" {
			if err := s.pacer.Wait(ctx, chatID, Interactive); err != nil {
				return fmt.Errorf("bot: %s: %w", method, err)
			}
		}
		err := do()
		if err == nil {
			if s.metrics != nil {
				s.metrics.sent.WithLabelValues(method).Inc()
			}
			return nil
		}
		var tooMany *tg.TooManyRequestsError
		if s.metrics != nil {
			switch {
			case errors.As(err, &tooMany):
				s.metrics.tooMany.Inc()
			case errors.Is(err, tg.ErrorForbidden):
				s.metrics.forbidden.Inc()
			}
		}
		switch {
		case errors.As(err, &tooMany) && attempt < maxRetries:
			wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			s.log.Warn("telegram asks to slow down", "method", method, "retry_after", wait)
			if err := s.sleep(ctx, wait); err != nil {
				return fmt.Errorf("bot: %s: waiting after 429: %w", method, err)
			}
		case errors.Is(err, tg.ErrorForbidden):
			if s.onForbidden != nil && chatID != 0 {
				s.onForbidden(ctx, chatID)
			}
			return fmt.Errorf("bot: %s to %d: %w: %w", method, chatID, handlers.ErrUnreachable, err)
		default:
			return fmt.Errorf("bot: %s: %w", method, err)
		}
	}
}

func keyboard(rows [][]handlers.Button) *models.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		out := make([]models.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			btn := models.InlineKeyboardButton{Text: b.Text, URL: b.URL}
			if b.URL == "" {
				btn.CallbackData = b.Data.String()
			}
			out = append(out, btn)
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb
}

func replyKeyboard(k *handlers.Keyboard) models.ReplyMarkup {
	if k.Remove {
		return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	}
	kb := &models.ReplyKeyboardMarkup{ResizeKeyboard: true, OneTimeKeyboard: true}
	for _, row := range k.Rows {
		var out []models.KeyboardButton
		for _, b := range row {
			out = append(out, models.KeyboardButton{Text: b.Text, RequestContact: b.RequestContact})
		}
		kb.Keyboard = append(kb.Keyboard, out)
	}
	return kb
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
