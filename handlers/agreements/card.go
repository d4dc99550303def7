package agreements

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/deadline"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// texts renders messages in one reader's language; *handlers.Request is
// one, and so is a reader of a job's recipient.
type texts interface {
	T(id string, args locales.Args) string
	N(id string, count int, args locales.Args) string
}

// reader renders in a language outside any request (reminders).
type reader struct {
	tr   handlers.Translator
	lang string
}

func (rd reader) T(id string, args locales.Args) string { return rd.tr.Text(rd.lang, id, args) }
func (rd reader) N(id string, n int, args locales.Args) string {
	return rd.tr.Plural(rd.lang, id, n, args)
}

// view is what rendering needs: texts and the language of place names.
type view struct {
	texts
	lang string
}

func viewOf(r *handlers.Request) view { return view{r, r.Lang} }

// formatDay shows "YYYY-MM-DD" as "15.05.2019"; a bare year stays as it is.
func formatDay(s string) string {
	if t, ok := deadline.ParseDay(s); ok {
		return t.Format("02.01.2006")
	}
	return s
}

// placeName is a party's name in the reader's language.
func placeName(dir *directory.Directory, v view, p party) string {
	if p.PlaceID != 0 {
		if pl, ok := dir.ByID(p.PlaceID); ok {
			return pl.Name(v.lang)
		}
	}
	if p.Region != "" {
		if rg, ok := dir.Region(p.Region); ok {
			return rg.Name(v.lang)
		}
	}
	return ""
}

// partyLine shows a party: the place it was matched to, with its region,
// and the name the text gives it.
func partyLine(dir *directory.Directory, v view, p party) string {
	var b strings.Builder
	b.WriteString("• ")
	switch {
	case p.PlaceID != 0:
		pl, _ := dir.ByID(p.PlaceID)
		b.WriteString("<b>" + html.EscapeString(pl.Name(v.lang)) + "</b>")
		if rn := dir.RegionName(pl, v.lang); rn != "" {
			b.WriteString(" (" + html.EscapeString(rn) + ")")
		}
	case p.Region != "":
		b.WriteString("<b>" + html.EscapeString(placeName(dir, v, p)) + "</b>")
	default:
		b.WriteString("❓ " + v.T("agreements.card.party_unmatched", nil))
	}
	if p.Written != "" {
		b.WriteString(" — «" + html.EscapeString(p.Written) + "»")
	}
	if p.found() && !p.Sure {
		b.WriteString(" ⚠️ " + v.T("agreements.card.party_unsure", nil))
	}
	return b.String()
}

// termText describes the term, renewal and notice in one line.
func termText(v view, d draft) string {
	var parts []string
	switch {
	case d.Indefinite:
		parts = append(parts, v.T("agreements.term.indefinite", nil))
	case d.TermMonths > 0 && d.TermMonths%12 == 0:
		parts = append(parts, v.N("agreements.term.years", d.TermMonths/12, nil))
	case d.TermMonths > 0:
		parts = append(parts, v.N("agreements.term.months", d.TermMonths, nil))
	default:
		parts = append(parts, v.T("agreements.term.unknown", nil))
	}
	if d.AutoRenewal {
		parts = append(parts, v.T("agreements.term.renews", nil))
	}
	if d.NoticeMonths > 0 {
		parts = append(parts, v.N("agreements.term.notice", d.NoticeMonths, nil))
	}
	return strings.Join(parts, ", ")
}

// deadlineText describes one deadline.
func deadlineText(v view, dl deadline.Deadline) string {
	return v.T("agreements.deadline."+string(dl.Kind), locales.Args{"Date": dl.On.Format("02.01.2006")})
}

// leadingClause matches a clause number the sentence starts with.
var leadingClause = regexp.MustCompile(`^\s*(?:\d+(?:\.\d+)*\.?|[Сс]татья\s+\d+\.?|[Аа]ртыкул\s+\d+\.?|Article\s+\d+\.?)\s+`)

// sentenceLine shows a sentence of the text tagged with its clause.
func sentenceLine(v view, s store.Sentence) string {
	text := s.Text
	if s.Clause != "" {
		text = leadingClause.ReplaceAllString(text, "")
		return "• <i>" + v.T("agreements.card.clause", locales.Args{"Name": s.Clause}) + "</i> " + html.EscapeString(text)
	}
	return "• " + html.EscapeString(text)
}

// fileSize shows a size in KB or MB.
func fileSize(v view, n int64) string {
	if n < 1<<20 {
		return v.T("agreements.size.kb", locales.Args{"Count": max(1, int((n+512)>>10))})
	}
	return v.T("agreements.size.mb", locales.Args{"Count": int((n + 1<<19) >> 20)})
}

// maxCardRunes bounds a card before its last lines, leaving room for them
// and for a question under the card within Telegram's 4096 characters.
const maxCardRunes = 3400

// cardInfo is what a card shows besides the draft's own fields.
type cardInfo struct {
	Header string // the first line
	Added  string // who added the agreement and when, for stored ones
	Today  time.Time
}

// cardText renders a draft or a stored agreement as a card.
func cardText(dir *directory.Directory, v view, d draft, info cardInfo) string {
	var b strings.Builder
	line := func(s string) {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	line(info.Header)
	title := d.Title
	if title == "" {
		title = v.T("agreements.card.untitled", nil)
	}
	line("<b>" + html.EscapeString(title) + "</b>")
	line(v.T("agreements.card.stage", locales.Args{"Name": locales.HTML(v.T("stage."+d.Stage, nil)),
		"List": locales.HTML(v.T("agreements.status."+d.Status, nil))}))
	line("")
	line(v.T("agreements.card.parties", nil))
	if len(d.Parties) == 0 {
		line("• ❓ " + v.T("agreements.card.no_parties", nil))
	}
	for _, p := range d.Parties {
		line(partyLine(dir, v, p))
	}
	line("")
	unknown := v.T("agreements.card.unknown", nil)
	signed, inForce := unknown, unknown
	if d.Signed != "" {
		signed = formatDay(d.Signed)
	}
	if d.InForce != "" {
		inForce = formatDay(d.InForce)
	}
	line(v.T("agreements.card.signed", locales.Args{"Date": signed}))
	line(v.T("agreements.card.in_force", locales.Args{"Date": inForce}))
	line(v.T("agreements.card.term", locales.Args{"List": locales.HTML(termText(v, d))}))
	areas := make([]string, 0, len(d.Areas))
	for _, a := range d.Areas {
		areas = append(areas, v.T("area."+a, nil))
	}
	if len(areas) == 0 {
		areas = append(areas, v.T("agreements.card.none", nil))
	}
	line(v.T("agreements.card.areas", locales.Args{"List": locales.HTML(strings.Join(areas, ", "))}))
	if len(d.Languages) > 0 {
		langs := make([]string, 0, len(d.Languages))
		for _, l := range d.Languages {
			langs = append(langs, v.T("agreements.lang."+l, nil))
		}
		line(v.T("agreements.card.languages", locales.Args{"List": locales.HTML(strings.Join(langs, ", "))}))
	}
	if ds := deadline.Upcoming(d.terms(), info.Today); len(ds) > 0 {
		line("")
		line(v.T("agreements.card.deadlines", nil))
		for _, dl := range ds {
			line("• " + deadlineText(v, dl))
		}
	}
	// The summary and the key clauses fill what is left of one message, so
	// that a card can be edited in place (an edit cannot be split).
	sentencesIn := func(header string, list []store.Sentence) {
		var lines []string
		for _, s := range list {
			l := sentenceLine(v, s)
			if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(strings.Join(lines, "\n"))+utf8.RuneCountInString(l) > maxCardRunes {
				break
			}
			lines = append(lines, l)
		}
		if len(lines) > 0 {
			line("")
			line(header)
			for _, l := range lines {
				line(l)
			}
		}
	}
	sentencesIn(v.T("agreements.card.summary", nil), d.Summary)
	sentencesIn(v.T("agreements.card.clauses", nil), d.Clauses)
	if d.Truncated {
		line("")
		line(v.T("agreements.card.truncated", nil))
	}
	if d.Source.Name != "" || info.Added != "" {
		line("")
	}
	if d.Source.Name != "" {
		line(v.T("agreements.card.source", locales.Args{"Name": d.Source.Name, "Size": locales.HTML(fileSize(v, d.Source.Size))}))
	}
	if info.Added != "" {
		line(info.Added)
	}
	return strings.TrimRight(b.String(), "\n")
}

// savedInfo is the header and the "added" line of a stored agreement;
// addedBy is the name of the member who added it, or "".
func savedInfo(v view, a store.Agreement, addedBy string, today time.Time) cardInfo {
	args := locales.Args{"Date": a.CreatedAt.Format("02.01.2006"), "Name": addedBy}
	id := "agreements.card.added"
	switch {
	case a.Origin == store.OriginImport:
		id = "agreements.card.imported"
	case addedBy != "":
		id = "agreements.card.added_by"
	}
	return cardInfo{
		Header: v.T("agreements.card.saved_header", locales.Args{"Count": int(a.ID)}),
		Added:  v.T(id, args),
		Today:  today,
	}
}

// addedBy is the name of the member who added an agreement, or "" when
// it was imported or the member is gone.
func (s *Service) addedBy(ctx context.Context, a store.Agreement) string {
	if a.AddedBy == 0 {
		return ""
	}
	m, err := s.DB.Member(ctx, a.AddedBy)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(m.FirstName + " " + m.LastName)
}

// draftButtons are the buttons of an unsaved card.
func draftButtons(v view, d draft) [][]handlers.Button {
	return [][]handlers.Button{handlers.Row(
		handlers.Button{Text: v.T("agreements.button.save", nil), Data: button("save", d.Token)},
		handlers.Button{Text: v.T("agreements.button.correct", nil), Data: button("fix", d.Token)},
		handlers.Button{Text: v.T("agreements.button.discard", nil), Data: button("drop", d.Token)},
	)}
}

// savedButtons are the buttons of a stored agreement's card.
func savedButtons(v view, a store.Agreement, editable bool) [][]handlers.Button {
	if !editable {
		return nil
	}
	return [][]handlers.Button{handlers.Row(
		handlers.Button{Text: v.T("agreements.button.edit", nil), Data: button("edit", itoa(a.ID))},
	)}
}

func yearOf(day string) string {
	y, _, _ := strings.Cut(day, "-")
	if _, err := strconv.Atoi(y); err != nil || len(y) != 4 {
		return ""
	}
	return y
}
