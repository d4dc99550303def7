package practices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/handlers/stem"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// editable are the fields the edit menu offers, in order.
var editable = []string{stepTitle, stepAreas, stepProblem, stepActions, stepResult, stepPeriod, stepFile, stepContact}

// PracticeButton handles the buttons of single practices, of the dialogs,
// of asks and of the digest.
func (s *Service) PracticeButton(ctx context.Context, r *handlers.Request) error {
	d := r.Callback.Data
	switch d.Action {
	case "ar", "ard", "skip", "nofile", "ok", "pub", "drop":
		return s.dialogButton(ctx, r)
	case "pick":
		if !canModerate(r.Member) {
			return handlers.ErrForbidden
		}
		p, err := places.FromButton(r, s.Dir, 0)
		if err != nil {
			return err
		}
		return s.begin(ctx, r, p.ID)
	case "yes", "no":
		return s.answer(ctx, r)
	case "digest":
		return s.digestButton(ctx, r)
	}
	if len(d.Args) < 1 {
		return callback.ErrInvalid
	}
	p, err := s.load(ctx, r, 0)
	if err != nil {
		return err
	}
	switch d.Action {
	case "open":
		return s.open(ctx, r, p)
	case "file":
		return s.sendFile(ctx, r, p)
	case "ask":
		return s.ask(ctx, r, p)
	case "visit":
		return s.planVisit(ctx, r, p)
	case "edit":
		return s.editMenu(ctx, r, p)
	case "ef":
		return s.editField(ctx, r, p, d.Arg(1))
	case "wd":
		return s.confirmWithdraw(ctx, r, p)
	case "wdy":
		return s.withdraw(ctx, r, p)
	case "hide", "show":
		return s.hide(ctx, r, p, d.Action == "hide")
	case "rec", "unrec":
		return s.recommend(ctx, r, p, d.Action == "rec")
	}
	return callback.ErrInvalid
}

func (s *Service) editMenu(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !canEdit(r.Member, p) {
		return handlers.ErrForbidden
	}
	if p.Status == store.PracticeWithdrawn {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	var rows [][]handlers.Button
	var buttons []handlers.Button
	for _, f := range editable {
		label := r.T("practice.field."+f, nil)
		if f == stepContact {
			label = r.T("practice.field.contact_"+strconv.FormatBool(p.ContactOK), nil)
		}
		buttons = append(buttons, handlers.Button{Text: label, Data: callback.New(FeaturePractice, "ef", id(p.ID), f)})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	_, err := r.Reply(ctx, handlers.Message{Text: r.T("practice.edit.menu", locales.Args{"Title": p.Title}), Buttons: rows})
	return err
}

// editField starts editing one field; the consent to be contacted is
// switched at once.
func (s *Service) editField(ctx context.Context, r *handlers.Request, p store.Practice, field string) error {
	if !canEdit(r.Member, p) {
		return handlers.ErrForbidden
	}
	if !containsString(editable, field) {
		return callback.ErrInvalid
	}
	if field == stepContact {
		p.ContactOK = !p.ContactOK
		if _, err := s.update(ctx, r, p); err != nil {
			return err
		}
		r.Toast(r.T("practice.saved", nil))
		return s.refresh(ctx, r, p.ID)
	}
	d := state.Dialog{Flow: FlowEdit, Step: field, Data: map[string]string{
		keyPractice: id(p.ID), keyAreas: strings.Join(p.Areas, ","),
		keyFileKind: p.FileKind, keyFileID: p.FileID, keyFileName: p.FileName,
	}}
	cur, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("practices: edit: %w", err)
	}
	if active {
		d.Version = cur.Version
	}
	if d, err = s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("practices: edit: %w", err)
	}
	_, err = r.Reply(ctx, s.question(r, d))
	return err
}

// EditStep takes the new value of the field being edited.
func (s *Service) EditStep(ctx context.Context, r *handlers.Request) error {
	d, ok, err := s.dialog(ctx, r, FlowEdit)
	if err != nil || !ok {
		return err
	}
	switch d.Step {
	case stepTitle, stepProblem, stepActions, stepResult, stepPeriod:
		text, ok, err := s.readText(ctx, r, d.Step)
		if !ok {
			return err
		}
		d.Data[d.Step] = text
	case stepFile:
		if ok, err := s.readFile(ctx, r, d); !ok {
			return err
		}
	default:
		return r.ReplyText(ctx, "practice.use_buttons", nil)
	}
	return s.saveEdit(ctx, r, d)
}

// saveEdit applies the edit dialog's field to its practice and ends the
// dialog.
func (s *Service) saveEdit(ctx context.Context, r *handlers.Request, d state.Dialog) error {
	pid, err := strconv.ParseInt(d.Data[keyPractice], 10, 64)
	if err != nil {
		return callback.ErrInvalid
	}
	p, err := s.DB.Practice(ctx, pid)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return fmt.Errorf("practices: edit: %w", err)
	}
	if !canEdit(r.Member, p) {
		return handlers.ErrForbidden
	}
	switch d.Step {
	case stepTitle:
		p.Title = d.Data[stepTitle]
	case stepProblem:
		p.Problem = d.Data[stepProblem]
	case stepActions:
		p.Actions = d.Data[stepActions]
	case stepResult:
		p.Result = d.Data[stepResult]
	case stepPeriod:
		p.Period = d.Data[stepPeriod]
	case stepAreas:
		p.Areas = splitAreas(d.Data[keyAreas])
	case stepFile:
		p.FileKind, p.FileID, p.FileName = d.Data[keyFileKind], d.Data[keyFileID], d.Data[keyFileName]
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		return fmt.Errorf("practices: end edit: %w", err)
	}
	if _, err := s.update(ctx, r, p); errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "practice.gone", nil)
	} else if err != nil {
		return err
	}
	if r.Callback != nil {
		if err := r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.saved", nil)}); err != nil {
			return err
		}
	} else if err := r.ReplyText(ctx, "practice.saved", nil); err != nil {
		return err
	}
	p, err = s.DB.Practice(ctx, pid)
	if err != nil {
		return fmt.Errorf("practices: edit: %w", err)
	}
	return s.open(ctx, r, p)
}

// update stores a changed practice with fresh search terms and language.
func (s *Service) update(ctx context.Context, r *handlers.Request, p store.Practice) (store.Practice, error) {
	place, _ := s.Dir.ByID(p.MunicipalityID)
	region, _ := s.Dir.Region(place.RegionCode)
	p.Lang = stem.Lang(strings.Join([]string{p.Title, p.Problem, p.Actions, p.Result}, " "), p.Lang)
	p.Terms = practiceTerms(p, place, region)
	p, err := s.DB.UpdatePractice(ctx, p, r.User.ID, s.now())
	if err != nil {
		return p, fmt.Errorf("practices: update %d: %w", p.ID, err)
	}
	return p, nil
}

// refresh redraws the details a button was pressed under.
func (s *Service) refresh(ctx context.Context, r *handlers.Request, pid int64) error {
	p, err := s.DB.Practice(ctx, pid)
	if err != nil {
		return fmt.Errorf("practices: refresh: %w", err)
	}
	m, err := s.detailsMessage(ctx, r, p)
	if err != nil {
		return err
	}
	return r.EditOrReply(ctx, m)
}

func (s *Service) confirmWithdraw(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !canEdit(r.Member, p) {
		return handlers.ErrForbidden
	}
	_, err := r.Reply(ctx, handlers.Message{
		Text: r.T("practice.withdraw.confirm", locales.Args{"Title": p.Title}),
		Buttons: [][]handlers.Button{handlers.Row(
			handlers.Button{Text: r.T("practice.button.withdraw_yes", nil), Data: callback.New(FeaturePractice, "wdy", id(p.ID))},
			handlers.Button{Text: r.T("practice.button.withdraw_no", nil), Data: callback.New(FeaturePractice, "open", id(p.ID))},
		)},
	})
	return err
}

func (s *Service) withdraw(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !canEdit(r.Member, p) {
		return handlers.ErrForbidden
	}
	_, err := s.DB.WithdrawPractice(ctx, p.ID, r.User.ID, s.now())
	if errors.Is(err, store.ErrConflict) {
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.gone", nil)})
	}
	if err != nil {
		return fmt.Errorf("practices: withdraw: %w", err)
	}
	if p.AuthorID != r.User.ID {
		s.tellAuthor(ctx, r, p, "practice.notice.withdrawn")
	}
	return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.withdrawn", locales.Args{"Title": p.Title})})
}

// hide hides a practice or shows it again; coordinators only.
func (s *Service) hide(ctx context.Context, r *handlers.Request, p store.Practice, hide bool) error {
	if !canModerate(r.Member) {
		return handlers.ErrForbidden
	}
	_, err := s.DB.HidePractice(ctx, p.ID, r.User.ID, hide, "", s.now())
	if errors.Is(err, store.ErrConflict) {
		return s.refresh(ctx, r, p.ID) // someone else was quicker; show how it is now
	}
	if err != nil {
		return fmt.Errorf("practices: hide: %w", err)
	}
	notice, toast := "practice.notice.shown", "practice.shown"
	if hide {
		notice, toast = "practice.notice.hidden", "practice.hidden"
	}
	s.tellAuthor(ctx, r, p, notice)
	r.Toast(r.T(toast, nil))
	return s.refresh(ctx, r, p.ID)
}

// recommend marks a practice recommended for replication or takes the
// mark away; coordinators only.
func (s *Service) recommend(ctx context.Context, r *handlers.Request, p store.Practice, on bool) error {
	if !canModerate(r.Member) {
		return handlers.ErrForbidden
	}
	now := s.now()
	var digest []store.Job
	if on {
		digest = append(digest, DigestJob(now)) // the digest that will list it
	}
	_, err := s.DB.RecommendPractice(ctx, p.ID, r.User.ID, on, now, digest...)
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	if err != nil {
		return fmt.Errorf("practices: recommend: %w", err)
	}
	if on && !p.Recommended {
		s.tellAuthor(ctx, r, p, "practice.notice.recommended")
	}
	return s.refresh(ctx, r, p.ID)
}

// tellAuthor sends the practice's author a notice about it, in their
// language. Failing to tell is logged, not fatal.
func (s *Service) tellAuthor(ctx context.Context, r *handlers.Request, p store.Practice, msgID string) {
	if p.AuthorID == 0 || p.AuthorID == r.User.ID {
		return
	}
	author, err := s.DB.Member(ctx, p.AuthorID)
	if err != nil {
		r.Log.Warn("practice author not found", "practice", p.ID, "err", err)
		return
	}
	lang := langOf(author)
	msg := handlers.Message{Text: r.Translator().Text(lang, msgID, locales.Args{"Title": p.Title})}
	if msgID != "practice.notice.withdrawn" {
		msg.Buttons = [][]handlers.Button{handlers.Row(handlers.Button{
			Text: r.Translator().Text(lang, "practices.button.open", nil), Data: callback.New(FeaturePractice, "open", id(p.ID)),
		})}
	}
	if _, err := r.SendTo(ctx, author.UserID, msg); err != nil {
		r.Log.Warn("could not tell the practice author", "practice", p.ID, "err", err)
	}
}
