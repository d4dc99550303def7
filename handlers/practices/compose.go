package practices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/handlers/stem"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// Steps of the /practice dialog, in order. The edit dialog uses the steps
// of the text fields, "areas" and "file".
const (
	stepTitle   = "title"
	stepAreas   = "areas"
	stepProblem = "problem"
	stepActions = "actions"
	stepResult  = "result"
	stepPeriod  = "period"
	stepFile    = "file"
	stepContact = "contact"
	stepPreview = "preview"
)

// steps numbers the questions for "step n of 8".
var steps = []string{stepTitle, stepAreas, stepProblem, stepActions, stepResult, stepPeriod, stepFile, stepContact}

// Keys of the dialog data.
const (
	keyPlace    = "m" // the municipality, a directory id
	keyAreas    = "areas"
	keyFileKind = "fk"
	keyFileID   = "fid"
	keyFileName = "fn"
	keyContact  = "contact" // "1" or "0"
	keyPractice = "id"      // the practice being edited
)

// textLimits are the text fields and their limits.
var textLimits = map[string]int{
	stepTitle: MaxTitle, stepProblem: MaxProblem, stepActions: MaxActions, stepResult: MaxResult, stepPeriod: MaxPeriod,
}

// Practice answers /practice: it starts the dialog that writes a practice
// of the member's municipality. A coordinator may name another
// municipality: "/practice Vitebsk".
func (s *Service) Practice(ctx context.Context, r *handlers.Request) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	if r.ChatType != "" && r.ChatType != "private" {
		return r.ReplyText(ctx, "practice.private_only", nil)
	}
	if args := strings.TrimSpace(r.Args); args != "" {
		if !canModerate(r.Member) {
			return r.ReplyText(ctx, "practice.own_only", nil)
		}
		p, ok, err := places.Find(ctx, r, s.Dir, args, FeaturePractice)
		if !ok {
			return err
		}
		return s.begin(ctx, r, p.ID)
	}
	if _, ok := s.Dir.ByID(r.Member.MunicipalityID); !ok {
		if canModerate(r.Member) {
			return r.ReplyText(ctx, "practice.which_place", nil)
		}
		return r.ReplyText(ctx, "home.needed", nil)
	}
	return s.begin(ctx, r, r.Member.MunicipalityID)
}

// begin starts the dialog for a municipality, replacing any other dialog.
func (s *Service) begin(ctx context.Context, r *handlers.Request, municipalityID int64) error {
	d := state.Dialog{Flow: FlowNew, Step: stepTitle, Data: map[string]string{keyPlace: id(municipalityID)}}
	cur, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("practices: begin: %w", err)
	}
	if active {
		d.Version = cur.Version
	}
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("practices: begin: %w", err)
	}
	name, region := s.placeLine(municipalityID, r.Lang)
	intro := r.T("practice.new.intro", locales.Args{"Place": name, "Region": region})
	_, err = r.Reply(ctx, handlers.Message{Text: intro + "\n\n" + s.question(r, d).Text})
	return err
}

// question is what the dialog asks at its step.
func (s *Service) question(r *handlers.Request, d state.Dialog) handlers.Message {
	n := 0
	for i, st := range steps {
		if st == d.Step {
			n = i + 1
		}
	}
	args := locales.Args{"Page": n, "Pages": len(steps), "Count": textLimits[d.Step]}
	text := r.T("practice.q."+d.Step, args)
	if d.Flow == FlowEdit {
		text = r.T("practice.edit.q."+d.Step, args)
	}
	switch d.Step {
	case stepAreas:
		return handlers.Message{Text: text, Buttons: s.areaToggles(r, splitAreas(d.Data[keyAreas]))}
	case stepFile:
		action, label := "skip", "practice.button.skip"
		if d.Flow == FlowEdit {
			action, label = "nofile", "practice.button.no_file"
		}
		return handlers.Message{Text: text, Buttons: [][]handlers.Button{handlers.Row(
			handlers.Button{Text: r.T(label, nil), Data: callback.New(FeaturePractice, action)})}}
	case stepContact:
		return handlers.Message{Text: text, Buttons: [][]handlers.Button{handlers.Row(
			handlers.Button{Text: r.T("practice.button.contact_yes", nil), Data: callback.New(FeaturePractice, "ok", "1")},
			handlers.Button{Text: r.T("practice.button.contact_no", nil), Data: callback.New(FeaturePractice, "ok", "0")},
		)}}
	}
	return handlers.Message{Text: text}
}

// areaToggles are the area buttons of the dialog, chosen ones ticked, and
// "done".
func (s *Service) areaToggles(r *handlers.Request, chosen []string) [][]handlers.Button {
	var rows [][]handlers.Button
	var buttons []handlers.Button
	for i, a := range partners.Areas {
		label := r.T("area."+a, nil)
		if containsString(chosen, a) {
			label = "✅ " + label
		}
		buttons = append(buttons, handlers.Button{Text: label, Data: callback.New(FeaturePractice, "ar", strconv.Itoa(i))})
	}
	rows = append(rows, handlers.Columns(buttons, 2)...)
	return append(rows, handlers.Row(handlers.Button{Text: r.T("practice.button.areas_done", nil), Data: callback.New(FeaturePractice, "ard")}))
}

func splitAreas(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// NewStep takes the answer to the /practice dialog's current question.
func (s *Service) NewStep(ctx context.Context, r *handlers.Request) error {
	d, ok, err := s.dialog(ctx, r, FlowNew)
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
		return s.advance(ctx, r, d, next(d.Step))
	case stepFile:
		ok, err := s.readFile(ctx, r, d)
		if !ok {
			return err
		}
		return s.advance(ctx, r, d, stepContact)
	}
	// Areas, consent and the preview are answered with buttons.
	return r.ReplyText(ctx, "practice.use_buttons", nil)
}

// dialog returns the chat's dialog when it is of flow.
func (s *Service) dialog(ctx context.Context, r *handlers.Request, flows ...string) (state.Dialog, bool, error) {
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return d, false, fmt.Errorf("practices: dialog: %w", err)
	}
	if !active {
		return d, false, nil
	}
	for _, f := range flows {
		if d.Flow == f {
			if d.Data == nil {
				d.Data = map[string]string{}
			}
			return d, true, nil
		}
	}
	return d, false, nil
}

func next(step string) string {
	for i, st := range steps {
		if st == step && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return stepPreview
}

// readText checks a text answer: present and within the field's limit.
// When it is not, it says so and returns ok false.
func (s *Service) readText(ctx context.Context, r *handlers.Request, field string) (string, bool, error) {
	text := strings.TrimSpace(r.Text)
	if r.Document != nil || r.Photo != nil || text == "" {
		return "", false, r.ReplyText(ctx, "practice.need_text", nil)
	}
	if n := utf8.RuneCountInString(text); n > textLimits[field] {
		return "", false, r.ReplyText(ctx, "practice.too_long", locales.Args{"Count": textLimits[field], "Total": n})
	}
	return text, true, nil
}

// readFile takes a photo or a document into the dialog data.
func (s *Service) readFile(ctx context.Context, r *handlers.Request, d state.Dialog) (bool, error) {
	switch {
	case r.Photo != nil:
		d.Data[keyFileKind], d.Data[keyFileID], d.Data[keyFileName] = store.PracticePhoto, r.Photo.FileID, ""
	case r.Document != nil && r.Document.Size <= MaxFile:
		d.Data[keyFileKind], d.Data[keyFileID], d.Data[keyFileName] = store.PracticeDocument, r.Document.FileID, r.Document.Name
	default:
		return false, r.ReplyText(ctx, "practice.need_file", nil)
	}
	return true, nil
}

// advance stores the dialog at step and asks its question (or shows the
// preview).
func (s *Service) advance(ctx context.Context, r *handlers.Request, d state.Dialog, step string) error {
	d.Step = step
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("practices: dialog step %s: %w", step, err)
	}
	m := s.question(r, d)
	if step == stepPreview {
		m = s.preview(r, d)
	}
	if r.Callback != nil {
		return r.EditOrReply(ctx, m)
	}
	_, err := r.Reply(ctx, m)
	return err
}

// draft builds the practice the dialog describes.
func (s *Service) draft(r *handlers.Request, d state.Dialog) (store.Practice, error) {
	muni, err := strconv.ParseInt(d.Data[keyPlace], 10, 64)
	if err != nil {
		return store.Practice{}, callback.ErrInvalid
	}
	place, ok := s.Dir.ByID(muni)
	if !ok {
		return store.Practice{}, callback.ErrInvalid
	}
	p := store.Practice{
		MunicipalityID: muni, Country: place.Country, RegionCode: place.RegionCode, Population: place.Population,
		AuthorID: r.User.ID, Title: d.Data[stepTitle], Areas: splitAreas(d.Data[keyAreas]),
		Problem: d.Data[stepProblem], Actions: d.Data[stepActions], Result: d.Data[stepResult], Period: d.Data[stepPeriod],
		FileKind: d.Data[keyFileKind], FileID: d.Data[keyFileID], FileName: d.Data[keyFileName],
		ContactOK: d.Data[keyContact] != "0",
	}
	p.Lang = stem.Lang(strings.Join([]string{p.Title, p.Problem, p.Actions, p.Result}, " "), r.Lang)
	return p, nil
}

// preview shows the practice as others will see it, with publish and
// cancel buttons.
func (s *Service) preview(r *handlers.Request, d state.Dialog) handlers.Message {
	p, err := s.draft(r, d)
	if err != nil {
		return handlers.Message{Text: r.T("error.stale_button", nil)}
	}
	p.Status = store.PracticePublished
	p.CreatedAt = s.now()
	text := r.T("practice.preview", nil) + "\n\n" + s.details(r.Translator(), r.Lang, p, r.Member)
	if p.FileID != "" {
		text += "\n" + r.T("practice.has_file", nil)
	}
	if !p.ContactOK {
		text += "\n" + r.T("practice.no_contact", nil)
	}
	return handlers.Message{Text: text, Buttons: [][]handlers.Button{handlers.Row(
		handlers.Button{Text: r.T("practice.button.publish", nil), Data: callback.New(FeaturePractice, "pub")},
		handlers.Button{Text: r.T("practice.button.drop", nil), Data: callback.New(FeaturePractice, "drop")},
	)}}
}

// dialogButton handles the buttons of both dialogs. A button of a dialog
// that has moved on or ended is stale.
func (s *Service) dialogButton(ctx context.Context, r *handlers.Request) error {
	d, ok, err := s.dialog(ctx, r, FlowNew, FlowEdit)
	if err != nil {
		return err
	}
	if !ok {
		return callback.ErrInvalid
	}
	act := r.Callback.Data
	switch {
	case act.Action == "ar" && d.Step == stepAreas:
		i, err := strconv.Atoi(act.Arg(0))
		if err != nil || i < 0 || i >= len(partners.Areas) {
			return callback.ErrInvalid
		}
		chosen := splitAreas(d.Data[keyAreas])
		if a := partners.Areas[i]; containsString(chosen, a) {
			chosen = removeString(chosen, a)
		} else {
			chosen = append(chosen, a)
		}
		sortAreas(chosen)
		d.Data[keyAreas] = strings.Join(chosen, ",")
		return s.advance(ctx, r, d, stepAreas)
	case act.Action == "ard" && d.Step == stepAreas:
		if d.Data[keyAreas] == "" {
			r.Toast(r.T("practice.areas_needed", nil))
			return nil
		}
		if d.Flow == FlowEdit {
			return s.saveEdit(ctx, r, d)
		}
		return s.advance(ctx, r, d, stepProblem)
	case act.Action == "skip" && d.Step == stepFile && d.Flow == FlowNew:
		return s.advance(ctx, r, d, stepContact)
	case act.Action == "nofile" && d.Step == stepFile && d.Flow == FlowEdit:
		d.Data[keyFileKind], d.Data[keyFileID], d.Data[keyFileName] = "", "", ""
		return s.saveEdit(ctx, r, d)
	case act.Action == "ok" && d.Step == stepContact && (act.Arg(0) == "1" || act.Arg(0) == "0"):
		d.Data[keyContact] = act.Arg(0)
		return s.advance(ctx, r, d, stepPreview)
	case act.Action == "pub" && d.Step == stepPreview:
		return s.publish(ctx, r, d)
	case act.Action == "drop" && d.Step == stepPreview:
		if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
			return fmt.Errorf("practices: drop draft: %w", err)
		}
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.dropped", nil)})
	}
	return callback.ErrInvalid
}

// publish stores the practice of the dialog and ends it. The dialog is
// ended first, with compare-and-set, so that two fast taps publish once.
func (s *Service) publish(ctx context.Context, r *handlers.Request, d state.Dialog) error {
	p, err := s.draft(r, d)
	if err != nil {
		return err
	}
	// Claim the dialog: a second tap finds it moved on and is stale.
	d.Step = "publishing"
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("practices: publish: %w", err)
	}
	place, _ := s.Dir.ByID(p.MunicipalityID)
	region, _ := s.Dir.Region(place.RegionCode)
	p.Terms = practiceTerms(p, place, region)
	p, err = s.DB.CreatePractice(ctx, p, s.now())
	if err != nil {
		return fmt.Errorf("practices: publish: %w", err)
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil && !errors.Is(err, state.ErrUnavailable) {
		return fmt.Errorf("practices: end dialog: %w", err)
	}
	if err := r.EditOrReply(ctx, handlers.Message{Text: r.T("practice.published", nil)}); err != nil {
		return err
	}
	return s.open(ctx, r, p)
}

func removeString(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
