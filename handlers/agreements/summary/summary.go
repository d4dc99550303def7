// Package summary reads the text of a cooperation agreement between
// municipalities (in Russian, Belarusian, English, or two of them side by
// side) and builds a summary card: parties, dates, term, renewal and notice,
// areas of cooperation, an extractive summary and the key clauses.
//
// Everything is rule-based and deterministic: the same text always gives
// the same card, and no outside service is consulted.
package summary

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Party is one side of the agreement as written in it.
type Party struct {
	// Name is the party's name as written, without representation or
	// aliases: "Администрация города Смоленска".
	Name string `json:"name"`
	// Raw is the whole phrase that introduces the party, including "в лице
	// …, действующего на основании …".
	Raw string `json:"raw,omitempty"`
}

// Date is a calendar date without a time zone.
type Date struct {
	Year  int `json:"year"`
	Month int `json:"month"`
	Day   int `json:"day"`
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Term is a duration: the agreement's term or a notice period.
type Term struct {
	Years  int `json:"years,omitempty"`
	Months int `json:"months,omitempty"`
	// Indefinite is set for "на неопределённый срок" and the like, with
	// Years and Months zero.
	Indefinite bool   `json:"indefinite,omitempty"`
	Raw        string `json:"raw,omitempty"` // the phrase it was read from
}

// Sentence is a sentence of the agreement with the clause it belongs to.
type Sentence struct {
	Text   string `json:"text"`
	Clause string `json:"clause,omitempty"` // "2.1", "Статья 3", or ""
}

// Card is what the bot shows for an uploaded agreement.
type Card struct {
	Languages   []string   `json:"languages"` // "ru", "be", "en", in order of appearance
	Title       string     `json:"title,omitempty"`
	Parties     []Party    `json:"parties,omitempty"`
	Signed      *Date      `json:"signed,omitempty"`
	InForce     *Date      `json:"in_force,omitempty"`
	Term        *Term      `json:"term,omitempty"`
	AutoRenewal bool       `json:"auto_renewal"`
	RenewalRaw  string     `json:"renewal_raw,omitempty"`
	Notice      *Term      `json:"notice,omitempty"`
	Areas       []string   `json:"areas,omitempty"` // area keys, sorted
	Summary     []Sentence `json:"summary,omitempty"`
	Clauses     []Sentence `json:"clauses,omitempty"`
	// Looks is false when the text does not look like an agreement at all;
	// then only Languages and Summary are filled.
	Looks bool `json:"looks"`
}

// Options tune Summarise.
type Options struct {
	// Lang picks the language of Summary and Clauses in a bilingual text
	// ("ru", "be", "en"); by default the first language of the text.
	Lang string
	// MaxSentences caps Summary (3–5 by default, by length of the text).
	MaxSentences int
	// Paragraphs says that every line of the text is a paragraph, as in
	// text extracted from .docx and .odt; by default lines may be wrapped
	// inside a sentence, as in PDF and plain text.
	Paragraphs bool
}

// MaxInputRunes bounds the text Summarise reads; the rest is ignored.
const MaxInputRunes = 600_000

// Summarise builds the card for an agreement's text.
func Summarise(text string, opt Options) Card {
	text = prepare(text)
	lines := strings.Split(text, "\n")
	segs := splitSegments(text, opt.Paragraphs)
	card := Card{Languages: detectLanguages(segs)}
	if card.Languages == nil {
		card.Languages = []string{}
	}
	lang := opt.Lang
	if !contains(card.Languages, lang) && len(card.Languages) > 0 {
		lang = card.Languages[0]
	}

	titleText, titleLine := title(lines)
	preambleLine := -1
	for _, s := range segs {
		if !s.Heading && preambleCueLC.MatchString(s.lower) {
			preambleLine = s.Line
			break
		}
	}
	ps := parties(segs, titleText)
	card.Looks = looksLikeAgreement(text, titleText, segs, ps)
	card.Summary = summarise(segs, lang, max(titleLine, preambleLine), opt.MaxSentences)
	if !card.Looks {
		return card
	}
	card.Title = titleText
	card.Parties = ps
	card.Signed = signedDate(segs, lines, preambleLine)
	card.InForce = inForce(segs, card.Signed)
	card.Term = term(segs)
	var renewalIdx int
	card.AutoRenewal, card.RenewalRaw, renewalIdx = renewal(segs)
	card.Notice = notice(segs, renewalIdx)
	card.Areas = areas(segs)
	card.Clauses = keyClauses(segs, lang)
	return card
}

// prepare normalises line breaks and spaces and bounds the input.
func prepare(text string) string {
	if utf8.RuneCountInString(text) > MaxInputRunes {
		text = string([]rune(text)[:MaxInputRunes])
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	r := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00A0", " ", "\u202F", " ", "\u00AD", "", "\u200B", "", "\uFEFF", "",
		"\u2028", "\n", "\u2029", "\n", "\f", "\n", "\v", "\n")
	return r.Replace(text)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// looksLikeAgreement needs an agreement word in the title or near the top,
// and either numbered clauses or identified parties.
func looksLikeAgreement(text, titleText string, segs []segment, ps []Party) bool {
	head := text
	if len(head) > 3000 {
		head = head[:3000]
	}
	if titleText == "" && !agreementAnyRe.MatchString(head) {
		return false
	}
	clauses := 0
	for _, s := range segs {
		if s.Clause != "" {
			clauses++
		}
	}
	lower := strings.ToLower(text)
	mentions := 0
	for _, w := range []string{"сторон", "бакі", "бакоў", "бакам", "parties", "party"} {
		mentions += strings.Count(lower, w)
	}
	return (clauses >= 3 && mentions >= 2) || len(ps) >= 2
}

var (
	signatureRe   = regexp.MustCompile(`(?i)(_{3,}|^(за|от|ад|for|on behalf of)\s)`)
	obligationRe  = regexp.MustCompile(`(?i)(обязу[ею]тся|обязан|абавязваюцца|абавязаны|undertake|shall\s)`)
	keyTermRe     = regexp.MustCompile(`(?i)(срок\p{L}*\s|тэрмін|for a period|term of)`)
	maxKeyClauses = 8
)

// Case-insensitive matching of Cyrillic is slow in RE2 (every rune is
// case-folded); sentences are lower-cased once and matched with these
// case-sensitive twins of the patterns, which are written in lower case.
var (
	obligationLC  = lowerTwin(obligationRe)
	inForceLC     = lowerTwin(inForceRe)
	renewalLC     = lowerTwin(renewalRe)
	terminationLC = lowerTwin(terminationRe)
	noticeCueLC   = lowerTwin(noticeCueRe)
	keyTermLC     = lowerTwin(keyTermRe)
	indefLC       = lowerTwin(indefRe)
	signatureLC   = lowerTwin(signatureRe)
	preambleCueLC = lowerTwin(preambleCueRe)
	signedCueLC   = lowerTwin(signedCueRe)
	renewWordLC   = lowerTwin(renewWordRe)
)

func lowerTwin(re *regexp.Regexp) *regexp.Regexp {
	return regexp.MustCompile(strings.Replace(re.String(), "(?i)", "", 1))
}

// hasUnit is a quick test for a duration unit before running durationRe.
func hasUnit(lower string) bool {
	for _, u := range []string{"лет", "год", "гад", "месяц", "year", "month"} {
		if strings.Contains(lower, u) {
			return true
		}
	}
	return false
}

// summarise picks 3–5 sentences by LexRank among the body sentences of the
// chosen language and returns them in document order.
func summarise(segs []segment, lang string, headerEnd, maxSentences int) []Sentence {
	// When the text is divided into clauses, the summary comes from the
	// clauses: the preamble restates the parties, which the card shows anyway.
	numbered := 0
	for _, s := range segs {
		if s.Clause != "" {
			numbered++
		}
	}
	var cand []segment
	var docs [][]string
	for _, s := range segs {
		if s.Heading || s.Line <= headerEnd || s.Lang != lang || signatureLC.MatchString(s.lower) ||
			numbered >= 3 && s.Clause == "" {
			continue
		}
		if len(strings.Fields(s.Text)) < 6 {
			continue
		}
		st := stems(s.Text, s.Lang)
		if len(st) < 3 {
			continue
		}
		cand = append(cand, s)
		docs = append(docs, st)
		if len(cand) >= maxRankSentences {
			break
		}
	}
	if len(cand) == 0 {
		return nil
	}
	k := 5
	switch {
	case len(cand) <= 10:
		k = 3
	case len(cand) <= 25:
		k = 4
	}
	if maxSentences > 0 && maxSentences < k {
		k = maxSentences
	}
	// A mild lead bias: agreements state their subject first.
	scores := lexRank(docs)
	for i := range scores {
		scores[i] *= 1 + 0.25*float64(len(scores)-i)/float64(len(scores))
	}
	var out []Sentence
	for _, i := range topInOrder(scores, k) {
		out = append(out, Sentence{Text: cand[i].Text, Clause: cand[i].Clause})
	}
	return out
}

// keyClauses picks the sentences on obligations, entry into force, term,
// renewal and termination, in document order.
func keyClauses(segs []segment, lang string) []Sentence {
	var out []Sentence
	for _, s := range segs {
		if s.Heading || s.Lang != lang || signatureLC.MatchString(s.lower) {
			continue
		}
		l := s.lower
		if obligationLC.MatchString(l) || inForceLC.MatchString(l) || renewalLC.MatchString(l) ||
			terminationLC.MatchString(l) && noticeCueLC.MatchString(l) ||
			keyTermLC.MatchString(l) && hasUnit(l) || indefLC.MatchString(l) {
			out = append(out, Sentence{Text: s.Text, Clause: s.Clause})
			if len(out) >= maxKeyClauses {
				break
			}
		}
	}
	return out
}
