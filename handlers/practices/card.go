package practices

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/places"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// item renders a practice as an entry of a list: title, municipality,
// areas and the result line.
func (s *Service) item(tr handlers.Translator, lang string, p store.Practice) string {
	name, region := s.placeLine(p.MunicipalityID, lang)
	text := tr.Text(lang, "practices.item", locales.Args{
		"Title": p.Title, "Place": name, "Region": region, "List": areaNames(tr, lang, p.Areas), "Result": p.Result,
	})
	if p.Recommended {
		text += "\n" + tr.Text(lang, "practice.recommended_mark", nil)
	}
	return text
}

// askable reports whether the ask button belongs under a practice for a
// member: the author agreed to be asked, and it is not the member's own
// municipality. Whether the member may ask is checked when they press it.
func (s *Service) askable(m store.Member, p store.Practice) bool {
	return p.ContactOK && p.Status == store.PracticePublished && m.MunicipalityID != p.MunicipalityID
}

// details renders the whole practice for a reader.
func (s *Service) details(tr handlers.Translator, lang string, p store.Practice, author store.Member) string {
	var b strings.Builder
	b.WriteString(tr.Text(lang, "practice.title", locales.Args{"Title": p.Title}))
	if p.Status == store.PracticeHidden {
		b.WriteString("\n" + tr.Text(lang, "practice.hidden_mark", nil))
	}
	if p.Recommended {
		b.WriteString("\n" + tr.Text(lang, "practice.recommended_mark", nil))
	}
	name, region := s.placeLine(p.MunicipalityID, lang)
	b.WriteString("\n" + tr.Text(lang, "practice.place", locales.Args{"Place": name, "Region": region,
		"Population": places.Population(lang, p.Population)}))
	if len(p.Areas) > 0 {
		b.WriteString("\n" + tr.Text(lang, "practice.areas", locales.Args{"List": areaNames(tr, lang, p.Areas)}))
	}
	for _, sec := range []struct{ label, text string }{
		{"period", p.Period}, {"problem", p.Problem}, {"actions", p.Actions}, {"result", p.Result},
	} {
		if strings.TrimSpace(sec.text) != "" {
			b.WriteString("\n\n<b>" + tr.Text(lang, "practice.label."+sec.label, nil) + "</b>\n" + html.EscapeString(sec.text))
		}
	}
	if author.Position != "" {
		b.WriteString("\n\n" + tr.Text(lang, "practice.author", locales.Args{"Position": author.Position, "Place": name}))
	}
	b.WriteString("\n" + tr.Plural(lang, "practice.stats", p.Asks, locales.Args{"Date": p.CreatedAt.Format("02.01.2006")}))
	return b.String()
}

// detailButtons are the buttons under a practice's details, by what the
// viewer may do.
func (s *Service) detailButtons(tr handlers.Translator, lang string, p store.Practice, viewer store.Member) [][]handlers.Button {
	pid := id(p.ID)
	btn := func(label, action string) handlers.Button {
		return handlers.Button{Text: tr.Text(lang, label, nil), Data: callback.New(FeaturePractice, action, pid)}
	}
	var rows [][]handlers.Button
	var first []handlers.Button
	if s.askable(viewer, p) {
		first = append(first, btn("practice.button.ask", "ask"))
	}
	if p.FileID != "" {
		first = append(first, btn("practice.button.file", "file"))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	if canEdit(viewer, p) {
		rows = append(rows, handlers.Row(btn("practice.button.edit", "edit"), btn("practice.button.withdraw", "wd")))
	}
	if canModerate(viewer) {
		rec, hide := btn("practice.button.recommend", "rec"), btn("practice.button.hide", "hide")
		if p.Recommended {
			rec = btn("practice.button.unrecommend", "unrec")
		}
		if p.Status == store.PracticeHidden {
			hide = btn("practice.button.show", "show")
		}
		rows = append(rows, handlers.Row(rec, hide))
	}
	name, _ := s.placeLine(p.MunicipalityID, lang)
	more := view{municipality: p.MunicipalityID}
	rows = append(rows, handlers.Row(handlers.Button{
		Text: tr.Text(lang, "practice.button.more_of", locales.Args{"Place": name}), Data: more.data("p"),
	}))
	return rows
}

// load returns the practice a button names, if the member may see it.
func (s *Service) load(ctx context.Context, r *handlers.Request, arg int) (store.Practice, error) {
	pid, err := strconv.ParseInt(r.Callback.Data.Arg(arg), 10, 64)
	if err != nil {
		return store.Practice{}, callback.ErrInvalid
	}
	p, err := s.DB.Practice(ctx, pid)
	if errors.Is(err, store.ErrNotFound) {
		return store.Practice{}, callback.ErrInvalid
	}
	if err != nil {
		return store.Practice{}, fmt.Errorf("practices: load %d: %w", pid, err)
	}
	return p, nil
}

// detailsMessage is the practice's details with the viewer's buttons.
func (s *Service) detailsMessage(ctx context.Context, r *handlers.Request, p store.Practice) (handlers.Message, error) {
	var author store.Member
	if p.AuthorID != 0 {
		a, err := s.DB.Member(ctx, p.AuthorID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return handlers.Message{}, fmt.Errorf("practices: author: %w", err)
		}
		author = a
	}
	tr := r.Translator()
	return handlers.Message{Text: s.details(tr, r.Lang, p, author), Buttons: s.detailButtons(tr, r.Lang, p, r.Member)}, nil
}

// open shows a practice's details, or says it is no longer there.
func (s *Service) open(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !canSee(r.Member, p) {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	m, err := s.detailsMessage(ctx, r, p)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// sendFile sends a practice's photo or document.
func (s *Service) sendFile(ctx context.Context, r *handlers.Request, p store.Practice) error {
	if !canSee(r.Member, p) {
		return r.ReplyText(ctx, "practice.gone", nil)
	}
	if p.FileID == "" {
		return callback.ErrInvalid
	}
	_, err := r.Reply(ctx, handlers.Message{Document: &handlers.File{
		FileID: p.FileID, Name: p.FileName, Photo: p.FileKind == store.PracticePhoto,
		Caption: r.T("practice.title", locales.Args{"Title": p.Title}),
	}})
	return err
}
