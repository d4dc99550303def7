package agreements

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// button is the data of one of this package's buttons.
func button(action string, args ...string) callback.Data {
	return callback.New(Feature, action, args...)
}

// answerTimeout bounds the answer to a document that took the update's
// whole time.
const answerTimeout = 10 * time.Second

// imageExtensions are the names of pictures, which are answered before
// they are downloaded.
var imageExtensions = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".heic": true,
	".webp": true, ".bmp": true, ".tif": true, ".tiff": true}

// Picture answers a photo sent outside any dialog: agreements are read as
// text, not from pictures.
func (s *Service) Picture(ctx context.Context, r *handlers.Request) error {
	return r.ReplyText(ctx, "agreements.upload.image", nil)
}

// Upload reads a document a person sent and answers with its summary card,
// or with why it cannot be read.
func (s *Service) Upload(ctx context.Context, r *handlers.Request) error {
	doc := *r.Document
	if doc.Size > MaxFileSize {
		return r.ReplyText(ctx, "agreements.upload.too_large", nil)
	}
	if strings.HasPrefix(doc.MIMEType, "image/") || imageExtensions[strings.ToLower(path.Ext(doc.Name))] {
		return r.ReplyText(ctx, "agreements.upload.image", nil)
	}
	if doc.Name == "" {
		doc.Name = "document"
	}
	if err := r.ReplyText(ctx, "agreements.upload.reading", locales.Args{"Name": doc.Name}); err != nil {
		return err
	}
	// Downloading and reading may use up the update's time; the answer
	// saying so still goes out.
	answer := func(id string) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
		defer cancel()
		return r.ReplyText(ctx, id, nil)
	}
	data, err := s.Files.Download(ctx, doc.FileID, MaxFileSize)
	switch {
	case errors.Is(err, handlers.ErrFileTooBig):
		return answer("agreements.upload.too_large")
	case errors.Is(err, context.DeadlineExceeded):
		return answer("agreements.upload.timeout")
	case err != nil:
		r.Log.Warn("agreements: download failed", "err", err)
		return answer("agreements.upload.download_failed")
	}
	doc.Size = int64(len(data))
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if known, err := s.DB.AgreementBySource(ctx, sha); err == nil {
		_, err := r.Reply(ctx, handlers.Message{
			Text:    r.T("agreements.upload.known", locales.Args{"Count": int(known.ID), "Title": titleOf(r, known.Title)}),
			Buttons: [][]handlers.Button{handlers.Row(handlers.Button{Text: r.T("agreements.button.open", nil), Data: button("card", itoa(known.ID))})},
		})
		return err
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("agreements: upload: %w", err)
	}

	reading, err := s.reader().Read(ctx, doc.Name, data, r.Lang)
	if err != nil {
		id := readErrorID(err)
		if id == "agreements.upload.corrupt" || id == "agreements.upload.timeout" {
			r.Log.Info("agreements: document not read", "name", doc.Name, "size", doc.Size, "err", err)
		}
		return answer(id)
	}
	if !reading.Card.Looks {
		return answer("agreements.upload.not_agreement")
	}
	d := newDraft(s.Dir, reading, doc, sha, s.now())
	d.Token = newToken()
	v := viewOf(r)
	info := cardInfo{Header: r.T("agreements.card.draft_header", locales.Args{"Name": doc.Name}), Today: s.now()}
	text := cardText(s.Dir, v, d, info)

	dlg, _, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err == nil {
		// A document starts a new card, whatever the chat was doing.
		dlg.Data = nil
		_, err = s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil)
	}
	if errors.Is(err, state.ErrUnavailable) {
		// The card can still be shown; it cannot be saved without state.
		r.Log.Warn("agreements: card shown without saving", "err", err)
		_, err := r.Reply(ctx, handlers.Message{Text: text + "\n\n" + r.T("agreements.upload.cannot_save_now", nil)})
		return err
	}
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, handlers.Message{Text: text + "\n\n" + r.T("agreements.card.review", nil), Buttons: draftButtons(v, d)})
	return err
}

// readErrorID is the message that explains why a document was not read.
func readErrorID(err error) string {
	for _, e := range []struct {
		err error
		id  string
	}{
		{ErrBusy, "busy"},
		{doctext.ErrEmpty, "empty"},
		{doctext.ErrTooLarge, "too_large"},
		{doctext.ErrImage, "image"},
		{doctext.ErrWrongExtension, "wrong_extension"},
		{doctext.ErrUnsupported, "unsupported"},
		{doctext.ErrEncrypted, "encrypted"},
		{doctext.ErrNoTextLayer, "scan"},
		{doctext.ErrZipBomb, "zip_bomb"},
		{doctext.ErrTimeout, "timeout"},
		{context.DeadlineExceeded, "timeout"},
	} {
		if errors.Is(err, e.err) {
			return "agreements.upload." + e.id
		}
	}
	return "agreements.upload.corrupt"
}

// titleOf is a title to show, or the word for an untitled agreement.
func titleOf(t texts, title string) string {
	if title == "" {
		return t.T("agreements.card.untitled", nil)
	}
	return title
}
