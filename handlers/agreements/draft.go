package agreements

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/deadline"
	"github.com/pobratim/pobratim/handlers/agreements/parties"
	"github.com/pobratim/pobratim/handlers/agreements/summary"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// draft is a card being reviewed before it is saved: read from a document,
// or a stored agreement being edited (ID set). It lives in the chat's
// dialog state as JSON.
type draft struct {
	// Token is in every button of the card, so that a button of an older
	// card is refused once another document was sent.
	Token    string `json:"token"`
	ID       int64  `json:"id,omitempty"`
	Revision int    `json:"rev,omitempty"`

	Title        string           `json:"title,omitempty"`
	Stage        string           `json:"stage"`
	Status       string           `json:"status"`
	Parties      []party          `json:"parties,omitempty"`
	Signed       string           `json:"signed,omitempty"`
	InForce      string           `json:"in_force,omitempty"`
	TermMonths   int              `json:"term,omitempty"`
	Indefinite   bool             `json:"indefinite,omitempty"`
	AutoRenewal  bool             `json:"renewal,omitempty"`
	NoticeMonths int              `json:"notice,omitempty"`
	Areas        []string         `json:"areas,omitempty"`
	Languages    []string         `json:"langs,omitempty"`
	Summary      []store.Sentence `json:"summary,omitempty"`
	Clauses      []store.Sentence `json:"clauses,omitempty"`
	Source       store.Source     `json:"source"`
	Truncated    bool             `json:"truncated,omitempty"`
}

// party is one party of a draft: as the text names it, and what it was
// matched to.
type party struct {
	Written string `json:"written,omitempty"`
	PlaceID int64  `json:"place,omitempty"`
	Region  string `json:"region,omitempty"`
	// Sure is false for a match the person should check.
	Sure bool `json:"sure,omitempty"`
}

func (p party) found() bool { return p.PlaceID != 0 || p.Region != "" }

// Bounds on what a card keeps of a document.
const (
	maxTitleRunes    = 300
	maxWrittenRunes  = 200
	maxSentenceRunes = 400
	maxCardClauses   = 6
	maxParties       = 8
)

// newDraft builds the draft of a document's card.
func newDraft(dir *directory.Directory, reading Reading, doc handlers.Document, sha string, today time.Time) draft {
	c := reading.Card
	d := draft{
		Title:     clip(c.Title, maxTitleRunes),
		Stage:     stageOf(c.Title),
		Status:    store.StatusInForce,
		Languages: c.Languages,
		Source:    store.Source{Name: clip(doc.Name, 200), FileID: doc.FileID, Size: doc.Size, SHA256: sha},
		Truncated: reading.Text.Truncated,
	}
	for _, p := range c.Parties {
		if len(d.Parties) == maxParties {
			break
		}
		m := parties.Find(dir, p.Name, p.Raw)
		d.Parties = append(d.Parties, party{Written: clip(p.Name, maxWrittenRunes), PlaceID: m.PlaceID, Region: m.Region, Sure: m.Sure})
	}
	if c.Signed != nil {
		d.Signed = c.Signed.String()
	}
	if c.InForce != nil {
		d.InForce = c.InForce.String()
	}
	if c.Term != nil {
		d.TermMonths, d.Indefinite = c.Term.Years*12+c.Term.Months, c.Term.Indefinite
	}
	d.AutoRenewal = c.AutoRenewal
	if c.Notice != nil {
		d.NoticeMonths = c.Notice.Years*12 + c.Notice.Months
	}
	for _, a := range c.Areas {
		if isArea(a) {
			d.Areas = append(d.Areas, a)
		}
	}
	d.Areas = sortAreas(d.Areas)
	d.Summary = sentences(c.Summary, len(c.Summary))
	// A key clause already in the summary is not shown twice.
	var clauses []summary.Sentence
	for _, cl := range c.Clauses {
		if !slices.ContainsFunc(c.Summary, func(s summary.Sentence) bool { return s.Text == cl.Text }) {
			clauses = append(clauses, cl)
		}
	}
	d.Clauses = sentences(clauses, maxCardClauses)
	// An agreement whose term ran out without renewal is no longer in force.
	if t := d.terms(); !t.Start.IsZero() && d.TermMonths > 0 && !d.AutoRenewal && !d.Indefinite &&
		deadline.AddMonths(t.Start, d.TermMonths).Before(deadline.Day(today)) {
		d.Status = store.StatusExpired
	}
	return d
}

func sentences(list []summary.Sentence, max int) []store.Sentence {
	var out []store.Sentence
	for _, s := range list {
		if len(out) == max {
			break
		}
		out = append(out, store.Sentence{Text: clip(s.Text, maxSentenceRunes), Clause: clip(s.Clause, 30)})
	}
	return out
}

// draftOf is the draft for editing a stored agreement.
func draftOf(a store.Agreement) draft {
	d := draft{
		ID: a.ID, Revision: a.Revision, Title: a.Title, Stage: a.Stage, Status: a.Status,
		Signed: a.SignedOn, InForce: a.InForceOn, TermMonths: a.TermMonths, Indefinite: a.Indefinite,
		AutoRenewal: a.AutoRenewal, NoticeMonths: a.NoticeMonths, Areas: a.Areas, Languages: a.Languages,
		Summary: a.Summary, Clauses: a.Clauses, Source: a.Source,
	}
	for _, id := range a.Parties {
		d.Parties = append(d.Parties, party{PlaceID: id, Sure: true})
	}
	for _, code := range a.Regions {
		d.Parties = append(d.Parties, party{Region: code, Sure: true})
	}
	return d
}

// agreement is the record a draft saves.
func (d draft) agreement() store.Agreement {
	a := store.Agreement{
		ID: d.ID, Revision: d.Revision, Title: d.Title, Stage: d.Stage, Status: d.Status,
		SignedOn: d.Signed, InForceOn: d.InForce, TermMonths: d.TermMonths, Indefinite: d.Indefinite,
		AutoRenewal: d.AutoRenewal, NoticeMonths: d.NoticeMonths, Areas: d.Areas, Languages: d.Languages,
		Summary: d.Summary, Clauses: d.Clauses, Source: d.Source,
	}
	if d.Source.SHA256 != "" {
		a.Origin = store.OriginDocument
	}
	for _, p := range d.Parties {
		switch {
		case p.PlaceID != 0:
			a.Parties = append(a.Parties, p.PlaceID)
		case p.Region != "":
			a.Regions = append(a.Regions, p.Region)
		}
	}
	return a
}

// terms are what the draft's deadlines follow from.
func (d draft) terms() deadline.Terms { return termsOf(d.agreement()) }

// termsOf returns what an agreement's deadlines follow from.
func termsOf(a store.Agreement) deadline.Terms {
	start, ok := deadline.ParseDay(a.InForceOn)
	if !ok {
		start, _ = deadline.ParseDay(a.SignedOn)
	}
	return deadline.Terms{
		Start: start, TermMonths: a.TermMonths, Indefinite: a.Indefinite, AutoRenewal: a.AutoRenewal,
		NoticeMonths: a.NoticeMonths, Programme: a.Stage == store.StageProgramme, Ended: a.Status != store.StatusInForce,
	}
}

// errDraftGone means the card's dialog expired, ended, or belongs to a
// newer card.
var errDraftGone = errors.New("agreements: the card is no longer being edited")

// loadDraft returns the chat's draft dialog; token, unless "", must be the
// draft's.
func (s *Service) loadDraft(ctx context.Context, chatID int64, token string) (state.Dialog, draft, error) {
	dlg, ok, err := s.Dialogs.GetDialog(ctx, chatID)
	if err != nil {
		return state.Dialog{}, draft{}, fmt.Errorf("agreements: load card: %w", err)
	}
	if !ok || dlg.Flow != FlowDraft {
		return state.Dialog{}, draft{}, errDraftGone
	}
	var d draft
	if err := json.Unmarshal([]byte(dlg.Data["draft"]), &d); err != nil {
		return state.Dialog{}, draft{}, errDraftGone
	}
	if token != "" && d.Token != token {
		return state.Dialog{}, draft{}, errDraftGone
	}
	return dlg, d, nil
}

// putDraft stores d in the dialog dlg (compare-and-set on its version) at
// step, with extra data for the step.
func (s *Service) putDraft(ctx context.Context, chatID int64, dlg state.Dialog, d draft, step string, extra map[string]string) (state.Dialog, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return state.Dialog{}, fmt.Errorf("agreements: encode card: %w", err)
	}
	data := map[string]string{"draft": string(b)}
	for k, v := range extra {
		data[k] = v
	}
	dlg.Flow, dlg.Step, dlg.Data = FlowDraft, step, data
	dlg, err = s.Dialogs.PutDialog(ctx, chatID, dlg, handlers.DialogTTL)
	if err != nil {
		return state.Dialog{}, fmt.Errorf("agreements: save card: %w", err)
	}
	return dlg, nil
}

// newToken returns a short random token for a draft's buttons.
func newToken() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [8]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b[:])
}

// clip shortens s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
