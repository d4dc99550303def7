package agreements

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// Steps of the card dialog: reviewing with the buttons, or typing a field.
const (
	stepReview  = "review"
	stepTitle   = "title"
	stepSigned  = "signed"
	stepInForce = "in_force"
	stepParty   = "party"
)

// Options offered for the fields chosen with buttons.
var (
	termOptions   = []string{"12", "24", "36", "60", "120", "ind", "0"}
	noticeOptions = []string{"1", "3", "6", "12", "0"}
)

// Button handles the buttons of cards, lists and unsaved cards.
func (s *Service) Button(ctx context.Context, r *handlers.Request) error {
	data := r.Callback.Data
	switch data.Action {
	case "card":
		return s.cardButton(ctx, r)
	case "list":
		return s.listButton(ctx, r)
	case "edit":
		return s.editButton(ctx, r)
	}
	token := data.Arg(0)
	if token == "" {
		return callback.ErrInvalid
	}
	dlg, d, err := s.loadDraft(ctx, r.ChatID, token)
	if errors.Is(err, errDraftGone) {
		r.Toast(r.T("agreements.draft.gone", nil))
		return r.ReplyText(ctx, "agreements.draft.gone", nil)
	}
	if err != nil {
		return err
	}
	switch data.Action {
	case "save":
		return s.save(ctx, r, dlg, d)
	case "drop":
		if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
			return fmt.Errorf("agreements: discard: %w", err)
		}
		r.Toast(r.T("agreements.draft.discarded", nil))
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("agreements.draft.discarded", nil)})
	case "back":
		if dlg.Step != stepReview {
			if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
				return err
			}
		}
		return r.EditOrReply(ctx, s.draftCard(r, d))
	case "fix":
		return r.EditOrReply(ctx, s.fieldMenu(r, d))
	case "f":
		return s.chooseField(ctx, r, dlg, d, data.Arg(1))
	case "set":
		return s.setField(ctx, r, dlg, d, data.Arg(1), data.Arg(2))
	case "party":
		return s.askParty(ctx, r, dlg, d, data.Arg(1))
	case "rm":
		i, err := strconv.Atoi(data.Arg(1))
		if err != nil || i < 0 || i >= len(d.Parties) {
			return callback.ErrInvalid
		}
		d.Parties = slices.Delete(d.Parties, i, i+1)
		if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
			return err
		}
		return r.EditOrReply(ctx, s.partiesMenu(r, d))
	}
	return callback.ErrInvalid
}

// draftHeader is the first line of an unsaved card.
func draftHeader(v view, d draft) string {
	if d.ID != 0 {
		return v.T("agreements.card.edit_header", locales.Args{"Count": int(d.ID)})
	}
	return v.T("agreements.card.draft_header", locales.Args{"Name": d.Source.Name})
}

// draftCard is an unsaved card with its save, correct and discard buttons.
func (s *Service) draftCard(r *handlers.Request, d draft) handlers.Message {
	v := viewOf(r)
	text := cardText(s.Dir, v, d, cardInfo{Header: draftHeader(v, d), Today: s.now()})
	return handlers.Message{Text: text + "\n\n" + r.T("agreements.card.review", nil), Buttons: draftButtons(v, d)}
}

// fieldMenu is the card with a button per field to correct.
func (s *Service) fieldMenu(r *handlers.Request, d draft) handlers.Message {
	v := viewOf(r)
	f := func(field string) handlers.Button {
		return handlers.Button{Text: r.T("agreements.field."+field, nil), Data: button("f", d.Token, field)}
	}
	renewal := "agreements.field.renewal_on"
	if d.AutoRenewal {
		renewal = "agreements.field.renewal_off"
	}
	text := cardText(s.Dir, v, d, cardInfo{Header: draftHeader(v, d), Today: s.now()})
	return handlers.Message{
		Text: text + "\n\n" + r.T("agreements.fix.choose", nil),
		Buttons: [][]handlers.Button{
			handlers.Row(f("parties"), f("title")),
			handlers.Row(f("stage"), f("status")),
			handlers.Row(f("signed"), f("in_force")),
			handlers.Row(f("term"), f("notice")),
			handlers.Row(handlers.Button{Text: r.T(renewal, nil), Data: button("set", d.Token, "renewal", strconv.FormatBool(!d.AutoRenewal))}, f("areas")),
			handlers.Row(handlers.Button{Text: r.T("agreements.button.save", nil), Data: button("save", d.Token)},
				handlers.Button{Text: r.T("agreements.button.back", nil), Data: button("back", d.Token)}),
		},
	}
}

// partiesMenu lists the parties with buttons to correct, remove or add one.
func (s *Service) partiesMenu(r *handlers.Request, d draft) handlers.Message {
	v := viewOf(r)
	var rows [][]handlers.Button
	for i, p := range d.Parties {
		name := placeName(s.Dir, v, p)
		if name == "" {
			name = clip(p.Written, 30)
		}
		if name == "" {
			name = "?"
		}
		rows = append(rows, handlers.Row(
			handlers.Button{Text: "✏️ " + strconv.Itoa(i+1) + ". " + name, Data: button("party", d.Token, strconv.Itoa(i))},
			handlers.Button{Text: "✖", Data: button("rm", d.Token, strconv.Itoa(i))},
		))
	}
	if len(d.Parties) < maxParties {
		rows = append(rows, handlers.Row(handlers.Button{Text: r.T("agreements.button.add_party", nil), Data: button("party", d.Token, "new")}))
	}
	rows = append(rows, handlers.Row(handlers.Button{Text: r.T("agreements.button.back", nil), Data: button("fix", d.Token)}))
	var b strings.Builder
	b.WriteString(r.T("agreements.fix.parties", nil))
	for _, p := range d.Parties {
		b.WriteString("\n" + partyLine(s.Dir, v, p))
	}
	return handlers.Message{Text: b.String(), Buttons: rows}
}

// chooseField answers a press on a field: options as buttons, or a
// question to answer by typing.
func (s *Service) chooseField(ctx context.Context, r *handlers.Request, dlg state.Dialog, d draft, field string) error {
	options := func(prompt, field string, values []string, label func(string) string) error {
		var rows [][]handlers.Button
		for _, v := range values {
			rows = append(rows, handlers.Row(handlers.Button{Text: label(v), Data: button("set", d.Token, field, v)}))
		}
		rows = append(rows, handlers.Row(handlers.Button{Text: r.T("agreements.button.back", nil), Data: button("fix", d.Token)}))
		return r.EditOrReply(ctx, handlers.Message{Text: r.T(prompt, nil), Buttons: rows})
	}
	ask := func(step, prompt string) error {
		if _, err := s.putDraft(ctx, r.ChatID, dlg, d, step, nil); err != nil {
			return err
		}
		return r.ReplyText(ctx, prompt, locales.Args{"Field": locales.HTML(r.T("agreements.field."+field, nil))})
	}
	switch field {
	case "parties":
		return r.EditOrReply(ctx, s.partiesMenu(r, d))
	case "title":
		return ask(stepTitle, "agreements.prompt.title")
	case "signed":
		return ask(stepSigned, "agreements.prompt.date")
	case "in_force":
		return ask(stepInForce, "agreements.prompt.date")
	case "stage":
		return options("agreements.fix.stage", "stage", store.Stages, func(v string) string { return r.T("stage."+v, nil) })
	case "status":
		return options("agreements.fix.status", "status", store.Statuses, func(v string) string { return r.T("agreements.status."+v, nil) })
	case "term":
		return options("agreements.fix.term", "term", termOptions, func(v string) string { return termLabel(r, v) })
	case "notice":
		return options("agreements.fix.notice", "notice", noticeOptions, func(v string) string {
			n, _ := strconv.Atoi(v)
			if n == 0 {
				return r.T("agreements.fix.no_notice", nil)
			}
			return r.N("agreements.term.notice", n, nil)
		})
	case "areas":
		return r.EditOrReply(ctx, s.areasMenu(r, d))
	}
	return callback.ErrInvalid
}

func termLabel(r *handlers.Request, v string) string {
	switch v {
	case "ind":
		return r.T("agreements.term.indefinite", nil)
	case "0":
		return r.T("agreements.term.unknown", nil)
	}
	n, _ := strconv.Atoi(v)
	return r.N("agreements.term.years", n/12, nil)
}

// areasMenu offers every area of cooperation to switch on or off.
func (s *Service) areasMenu(r *handlers.Request, d draft) handlers.Message {
	var rows [][]handlers.Button
	for _, a := range areaKeys() {
		mark := "▫️ "
		if slices.Contains(d.Areas, a) {
			mark = "✅ "
		}
		rows = append(rows, handlers.Row(handlers.Button{Text: mark + r.T("area."+a, nil), Data: button("set", d.Token, "area", a)}))
	}
	rows = append(rows, handlers.Row(handlers.Button{Text: r.T("agreements.button.done", nil), Data: button("fix", d.Token)}))
	return handlers.Message{Text: r.T("agreements.fix.areas", nil), Buttons: rows}
}

// setField applies a value chosen with a button.
func (s *Service) setField(ctx context.Context, r *handlers.Request, dlg state.Dialog, d draft, field, value string) error {
	switch field {
	case "stage":
		if !isStage(value) {
			return callback.ErrInvalid
		}
		d.Stage = value
	case "status":
		if !isStatus(value) {
			return callback.ErrInvalid
		}
		d.Status = value
	case "term":
		if !slices.Contains(termOptions, value) {
			return callback.ErrInvalid
		}
		d.Indefinite = value == "ind"
		d.TermMonths, _ = strconv.Atoi(value)
	case "notice":
		if !slices.Contains(noticeOptions, value) {
			return callback.ErrInvalid
		}
		d.NoticeMonths, _ = strconv.Atoi(value)
	case "renewal":
		on, err := strconv.ParseBool(value)
		if err != nil {
			return callback.ErrInvalid
		}
		d.AutoRenewal = on
	case "area":
		if !isArea(value) {
			return callback.ErrInvalid
		}
		if i := slices.Index(d.Areas, value); i >= 0 {
			d.Areas = slices.Delete(slices.Clone(d.Areas), i, i+1)
		} else {
			d.Areas = sortAreas(append(slices.Clone(d.Areas), value))
		}
		if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
			return err
		}
		return r.EditOrReply(ctx, s.areasMenu(r, d))
	default:
		return callback.ErrInvalid
	}
	if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
		return err
	}
	r.Toast(r.T("agreements.fix.done", nil))
	return r.EditOrReply(ctx, s.fieldMenu(r, d))
}

// askParty asks which municipality party i (or a new party) is.
func (s *Service) askParty(ctx context.Context, r *handlers.Request, dlg state.Dialog, d draft, arg string) error {
	written := ""
	if arg != "new" {
		i, err := strconv.Atoi(arg)
		if err != nil || i < 0 || i >= len(d.Parties) {
			return callback.ErrInvalid
		}
		written = d.Parties[i].Written
	} else if len(d.Parties) >= maxParties {
		return callback.ErrInvalid
	}
	if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepParty, map[string]string{"party": arg}); err != nil {
		return err
	}
	if written == "" {
		return r.ReplyText(ctx, "agreements.prompt.new_party", nil)
	}
	return r.ReplyText(ctx, "agreements.prompt.party", locales.Args{"Name": written})
}

// Answer handles what a person types while a card is open; another
// document replaces the card.
func (s *Service) Answer(ctx context.Context, r *handlers.Request) error {
	if r.Document != nil {
		return s.Upload(ctx, r)
	}
	dlg, d, err := s.loadDraft(ctx, r.ChatID, "")
	if errors.Is(err, errDraftGone) {
		return r.ReplyText(ctx, "agreements.draft.gone", nil)
	}
	if err != nil {
		return err
	}
	text := strings.TrimSpace(r.Text)
	switch dlg.Step {
	case stepTitle:
		if text == "" || utf8.RuneCountInString(text) > maxTitleRunes || !utf8.ValidString(text) {
			return r.ReplyText(ctx, "agreements.fix.bad_title", nil)
		}
		d.Title = text
	case stepSigned, stepInForce:
		day, ok := parseDay(text, dlg.Step == stepSigned)
		if !ok {
			return r.ReplyText(ctx, "agreements.fix.bad_date", nil)
		}
		if dlg.Step == stepSigned {
			d.Signed = day
		} else {
			d.InForce = day
		}
	case stepParty:
		p, ok, err := places.Find(ctx, r, s.Dir, text, FeaturePick)
		if err != nil || !ok {
			return err // Find has answered: a choice, a suggestion or a problem
		}
		d = withParty(d, dlg.Data["party"], p.ID)
	default:
		return r.ReplyText(ctx, "agreements.draft.use_buttons", nil)
	}
	if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
		return err
	}
	_, err = r.Reply(ctx, s.draftCard(r, d))
	return err
}

// PickButton handles the choice of a place for a party among several.
func (s *Service) PickButton(ctx context.Context, r *handlers.Request) error {
	if r.Callback.Data.Action != "pick" {
		return callback.ErrInvalid
	}
	p, err := places.FromButton(r, s.Dir, 0)
	if err != nil {
		return err
	}
	dlg, d, err := s.loadDraft(ctx, r.ChatID, "")
	if errors.Is(err, errDraftGone) || err == nil && dlg.Step != stepParty {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	d = withParty(d, dlg.Data["party"], p.ID)
	if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
		return err
	}
	return r.EditOrReply(ctx, s.draftCard(r, d))
}

// withParty sets party arg ("new" or an index) to the place with id.
func withParty(d draft, arg string, id int64) draft {
	d.Parties = slices.Clone(d.Parties)
	if i, err := strconv.Atoi(arg); err == nil && i >= 0 && i < len(d.Parties) {
		d.Parties[i] = party{Written: d.Parties[i].Written, PlaceID: id, Sure: true}
		return d
	}
	if len(d.Parties) < maxParties {
		d.Parties = append(d.Parties, party{PlaceID: id, Sure: true})
	}
	return d
}

var (
	dayMonthYear = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)
	yearMonthDay = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	yearOnly     = regexp.MustCompile(`^(\d{4})$`)
)

// parseDay reads a date typed as 15.05.2019, 15/05/2019 or 2019-05-15,
// a bare year when yearOK, or "-" for unknown; it returns the stored form.
func parseDay(s string, yearOK bool) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "г."))
	if s == "-" || s == "—" {
		return "", true
	}
	var y, m, d int
	switch {
	case dayMonthYear.MatchString(s):
		p := dayMonthYear.FindStringSubmatch(s)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case yearMonthDay.MatchString(s):
		p := yearMonthDay.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case yearOK && yearOnly.MatchString(s):
		y = atoi(s)
		if y < 1945 || y > 2100 {
			return "", false
		}
		return s, true
	default:
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1945 || y > 2100 || t.Day() != d || int(t.Month()) != m {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// save stores a reviewed card: a new agreement, or the edited one.
func (s *Service) save(ctx context.Context, r *handlers.Request, dlg state.Dialog, d draft) error {
	a := d.agreement()
	switch {
	case len(a.Parties) == 0 || len(a.Parties)+len(a.Regions) < 2:
		r.Toast(r.T("agreements.save.need_parties", nil))
		return r.ReplyText(ctx, "agreements.save.need_parties", nil)
	case !r.Member.AtLeast(store.RoleMember):
		r.Toast(r.T("agreements.save.newcomer", nil))
		return r.ReplyText(ctx, "agreements.save.newcomer", nil)
	case !canEdit(r.Member, a.Parties):
		r.Toast(r.T("agreements.save.not_yours", nil))
		return r.ReplyText(ctx, "agreements.save.not_yours", nil)
	}
	now := s.now()
	jobs := func(a store.Agreement) []store.Job { return deadlineJobs(s.Dir, a, now) }
	var stored store.Agreement
	var err error
	if d.ID == 0 {
		a.AddedBy = r.User.ID
		stored, err = s.DB.CreateAgreement(ctx, a, jobs, now)
		if errors.Is(err, store.ErrConflict) {
			return r.ReplyText(ctx, "agreements.save.duplicate", nil)
		}
	} else {
		var old store.Agreement
		if old, err = s.DB.Agreement(ctx, d.ID); err != nil {
			return fmt.Errorf("agreements: save %d: %w", d.ID, err)
		}
		if !canEdit(r.Member, old.Parties) {
			return r.ReplyText(ctx, "agreements.edit.forbidden", nil)
		}
		stored, err = s.DB.UpdateAgreement(ctx, a, r.User.ID, jobs, now)
		if errors.Is(err, store.ErrConflict) {
			return r.ReplyText(ctx, "agreements.save.changed", nil)
		}
	}
	if err != nil {
		return fmt.Errorf("agreements: save: %w", err)
	}
	s.wake()
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		r.Log.Warn("agreements: saved, but the card dialog stays", "err", err)
	}
	id := "agreements.saved"
	if d.ID != 0 {
		id = "agreements.updated"
	}
	r.Toast(r.T(id, locales.Args{"Count": int(stored.ID)}))
	v := viewOf(r)
	text := cardText(s.Dir, v, draftOf(stored), savedInfo(v, stored, s.addedBy(ctx, stored), now))
	return r.EditOrReply(ctx, handlers.Message{
		Text:    r.T(id, locales.Args{"Count": int(stored.ID)}) + "\n\n" + text,
		Buttons: savedButtons(v, stored, true),
	})
}

// editButton opens a stored agreement for editing.
func (s *Service) editButton(ctx context.Context, r *handlers.Request) error {
	id, err := intArg(r.Callback.Data, 0)
	if err != nil {
		return err
	}
	a, err := s.DB.Agreement(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r.ReplyText(ctx, "agreements.card.not_found", nil)
	}
	if err != nil {
		return err
	}
	if !canEdit(r.Member, a.Parties) {
		r.Toast(r.T("agreements.edit.forbidden", nil))
		return r.ReplyText(ctx, "agreements.edit.forbidden", nil)
	}
	d := draftOf(a)
	d.Token = newToken()
	dlg, _, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("agreements: edit: %w", err)
	}
	if _, err := s.putDraft(ctx, r.ChatID, dlg, d, stepReview, nil); err != nil {
		return err
	}
	_, err = r.Reply(ctx, s.fieldMenu(r, d))
	return err
}
