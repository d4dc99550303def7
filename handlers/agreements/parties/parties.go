// Package parties finds, for a party of an agreement as its text names it
// ("Администрация города Смоленска", "Лідскі раённы выканаўчы камітэт",
// "Витебский областной исполнительный комитет"), the municipality or the
// region of the directory it is.
//
// Agreements name a town in the genitive ("города Пскова"), as an adjective
// ("Оршанский районный …", "Вяземскі раён") or in quotes ("«Город Великие
// Луки»"). The matcher turns each word into the nominative forms it may
// come from, asks the directory's resolver for each, and scores the
// answers, using the country and the region the text mentions to choose
// between homonyms. It says when it is not sure, so that the bot asks the
// person to check the match.
package parties

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// Match is what a party of an agreement was found to be.
type Match struct {
	// PlaceID is the municipality's directory id, or 0.
	PlaceID int64
	// Region is the region's code ("BY.07") when the party is a region,
	// or "".
	Region string
	// Sure is set when the match is exact and has no close rival; when it
	// is not, the person should check it.
	Sure bool
}

// Found reports whether the party was matched to anything.
func (m Match) Found() bool { return m.PlaceID != 0 || m.Region != "" }

// Find matches a party. name is the party's name as written; raw is the
// whole phrase that introduced it (which often names the country), or "".
func Find(dir *directory.Directory, name, raw string) Match {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 400 {
		return Match{}
	}
	lower := strings.ToLower(name)
	hints := readHints(dir, lower, strings.ToLower(raw))
	if isRegionParty(lower) {
		if code := regionOfParty(dir, name); code != "" {
			return Match{Region: code, Sure: true}
		}
	}
	return findPlace(dir, regionPhrase.ReplaceAllString(name, " "), hints)
}

// hints are what the text says about where a party is.
type hints struct {
	country string // "RU", "BY" or ""
	region  string // a region code, or ""
}

var (
	ruCountry = []string{"российск", "расійск", "russian federation", "russia"}
	byCountry = []string{"беларусь", "беларусі", "belarus"}
	// Executive committees are Belarusian local government.
	byInstitution = []string{"исполнительный комитет", "исполнительного комитета", "исполком", "выканаўчы камітэт",
		"выканаўчага камітэта", "выканкам", "executive committee"}
	regionPhrase = regexp.MustCompile(`(?i)(\p{L}+)\s+(?:области|обл\.|края|вобласці|oblast|region)`)
)

func readHints(dir *directory.Directory, name, raw string) hints {
	var h hints
	text := name + " " + raw
	ru, by := containsAny(text, ruCountry), containsAny(text, byCountry)
	switch {
	case ru && !by:
		h.country = "RU"
	case by && !ru:
		h.country = "BY"
	case !ru && !by && containsAny(name, byInstitution):
		h.country = "BY"
	}
	if m := regionPhrase.FindStringSubmatch(name); m != nil {
		h.region = regionByAdjective(dir, m[1])
	}
	return h
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// regionParty marks a party that is a region's government rather than a
// municipality's.
var regionParty = regexp.MustCompile(`(областн|абласн|облисполком|аблвыканкам|правительств|урад\s|губернатор|` +
	`regional (?:executive|administration|government)|oblast executive|^(?:администрация|адміністрацыя)\s+\p{L}+\s+(?:области|края|вобласці)$)`)

func isRegionParty(lower string) bool { return regionParty.MatchString(lower) }

// regionOfParty finds the region named by the adjective before "областной"
// or "области" (or the like) in a region party's name.
func regionOfParty(dir *directory.Directory, name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	for i, w := range words {
		lw := strings.ToLower(w)
		if (strings.HasPrefix(lw, "област") || strings.HasPrefix(lw, "абласн") || strings.HasPrefix(lw, "вобласц") ||
			strings.HasPrefix(lw, "кра") || lw == "region" || lw == "oblast" || lw == "regional") && i > 0 {
			if code := regionByAdjective(dir, words[i-1]); code != "" {
				return code
			}
		}
	}
	for _, w := range words {
		if code := regionByAdjective(dir, w); code != "" && startsUpper(w) {
			return code
		}
	}
	return ""
}

// regionByAdjective finds the region whose name's first word has the stem
// of adj: "Смоленской" → "Смоленская область".
func regionByAdjective(dir *directory.Directory, adj string) string {
	stem := translit.Key(adjectiveStem(strings.ToLower(adj)))
	if utf8.RuneCountInString(stem) < 3 {
		return ""
	}
	for _, r := range dir.Regions() {
		for _, n := range []string{r.NameRU, r.NameBE, r.NameEN} {
			first, _, _ := strings.Cut(n, " ")
			if first == "" {
				continue
			}
			other := translit.Key(adjectiveStem(strings.ToLower(first)))
			if other == stem || len(stem) >= 5 && translit.Distance(other, stem, 1) <= 1 {
				return r.Code
			}
		}
	}
	return ""
}

// adjectiveStem strips an adjective's ending and its "-ск-" suffix:
// "витебский" → "витеб", "смаленскай" → "смален". Other words are
// returned as they are.
func adjectiveStem(w string) string {
	for _, end := range adjectiveEndings {
		if strings.HasSuffix(w, end) {
			base := strings.TrimSuffix(w, end)
			if strings.HasSuffix(base, "ск") || strings.HasSuffix(base, "цк") {
				return strings.TrimSuffix(strings.TrimSuffix(base, "к"), "с")
			}
		}
	}
	if strings.HasSuffix(w, "sk") {
		return strings.TrimSuffix(w, "sk")
	}
	return w
}

// adjectiveEndings are the endings of Russian and Belarusian adjectives,
// longest first.
var adjectiveEndings = []string{
	"ого", "ому", "ими", "ыми", "ага", "аму", "ога", "ому",
	"ий", "ый", "ой", "ая", "ое", "ие", "ые", "их", "ых", "им", "ым", "ом", "ую", "юю",
	"ай", "ае", "ія", "ыя", "іх", "ім", "ую",
	"і", "ы",
}

// nounEndings are the case endings of nouns that name towns, longest
// first; after one is removed the nominative is tried with "", "ь", "а" or
// "я".
var nounEndings = []string{"ами", "ями", "ом", "ем", "ём", "ой", "ей", "ою", "ах", "ях", "ам", "ям", "а", "я", "у", "ю", "е", "і", "и", "ы"}

// stopWords start words that are never a place name: institutions, kinds
// of municipality, countries.
var stopWords = []string{
	"администрац", "адміністрац", "муниципальн", "муніцыпальн", "образован", "утварэнн", "городск", "гарадск",
	"районн", "раённ", "район", "раён", "исполнительн", "выканаўч", "комитет", "камітэт", "совет", "савет",
	"депутат", "глав", "кіраўн", "российск", "расійск", "федерац", "федэрац", "республик", "рэспублік",
	"беларус", "сельсовет", "сельск", "поселен", "пасялен", "округ", "акруг", "город", "горад", "мэри", "мэрыя",
	"областн", "абласн", "област", "вобласц", "край", "краю", "city", "town", "administration", "executive",
	"committee", "council", "district", "municipal", "the", "of", "and", "republic", "russian", "federation",
}

func isStopWord(w string) bool {
	lw := strings.ToLower(w)
	for _, s := range stopWords {
		if strings.HasPrefix(lw, s) {
			return true
		}
	}
	return false
}

// candidate is a spelling to look up, with its cost: 0 for a word as
// written, more for forms derived from it.
type candidate struct {
	text  string
	cost  float64
	words int
}

// findPlace scores every place the candidates of name resolve to and
// returns the best.
func findPlace(dir *directory.Directory, name string, h hints) Match {
	type scored struct {
		id    int64
		score float64
		edits int
	}
	best := map[int64]scored{}
	for _, c := range candidates(name) {
		res := dir.Resolve(c.text, 10)
		for _, m := range res.Matches {
			s := c.cost + 3*float64(m.Edits) - 0.5*float64(c.words-1)
			if m.Alternate {
				s += 1.5
			}
			switch {
			case h.country != "" && m.Place.Country == h.country:
				s -= 1
			case h.country != "":
				s += 4
			}
			switch {
			case h.region != "" && m.Place.RegionCode == h.region:
				s -= 2
			case h.region != "":
				s += 2
			}
			s -= 0.4 * float64(m.Place.Kind)
			if prev, ok := best[m.Place.ID]; !ok || s < prev.score {
				best[m.Place.ID] = scored{m.Place.ID, s, m.Edits}
			}
		}
	}
	var first, second *scored
	for _, s := range best {
		s := s
		switch {
		case first == nil || s.score < first.score || s.score == first.score && s.id < first.id:
			second, first = first, &s
		case second == nil || s.score < second.score:
			second = &s
		}
	}
	if first == nil || first.score > 6 {
		return Match{}
	}
	sure := first.edits == 0 && (second == nil || second.score-first.score >= 1)
	return Match{PlaceID: first.id, Sure: sure}
}

// maxCandidates bounds the lookups for one party.
const maxCandidates = 60

// candidates returns the spellings a party's name may name a place by:
// quoted names first, then each capitalised word that is not a stop word
// (and pairs of such words, for "Великие Луки") with the nominative forms
// it may come from.
func candidates(name string) []candidate {
	var out []candidate
	seen := map[string]bool{}
	add := func(text string, cost float64, words int) {
		if utf8.RuneCountInString(text) < 3 || seen[text] || len(out) >= maxCandidates {
			return
		}
		seen[text] = true
		out = append(out, candidate{text, cost, words})
	}
	groups := [][]string{}
	for _, q := range quoted(name) {
		groups = append(groups, placeWords(q))
	}
	groups = append(groups, placeWords(unquoted(name)))
	for gi, words := range groups {
		bonus := 0.0
		if gi < len(groups)-1 {
			bonus = -0.5 // a quoted name is the municipality's own
		}
		for i := 0; i+1 < len(words); i++ {
			if startsUpper(words[i]) && startsUpper(words[i+1]) {
				add(words[i]+" "+words[i+1], bonus, 2)
			}
		}
		for _, w := range words {
			if !startsUpper(w) {
				continue
			}
			for _, f := range forms(w) {
				add(f.text, f.cost+bonus, 1)
			}
		}
	}
	return out
}

// placeWords splits text into words and drops the stop words.
func placeWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' }) {
		w = strings.Trim(w, "-'’")
		if w == "" || isStopWord(w) {
			out = append(out, "") // keeps words on either side of a stop word apart
			continue
		}
		out = append(out, w)
	}
	return out
}

var quotedRe = regexp.MustCompile(`[«"“„]([^»"”“]{2,80})[»"”]`)

func quoted(s string) []string {
	var out []string
	for _, m := range quotedRe.FindAllStringSubmatch(s, 4) {
		out = append(out, m[1])
	}
	return out
}

func unquoted(s string) string { return quotedRe.ReplaceAllString(s, " ") }

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// forms returns w and the nominatives it may be an inflected form of.
func forms(w string) []candidate {
	lw := strings.ToLower(w)
	// A word that looks like an adjective is rarely the place's own name.
	out := []candidate{{text: w}}
	if adjectiveStem(lw) != lw {
		out[0].cost = 1.5
	}
	restore := func(s string) string { return matchCase(w, s) }
	n := utf8.RuneCountInString(lw)
	for _, end := range adjectiveEndings {
		if !strings.HasSuffix(lw, end) || n-utf8.RuneCountInString(end) < 4 {
			continue
		}
		base := strings.TrimSuffix(lw, end)
		switch {
		case strings.HasSuffix(base, "цк"): // Полоцкий → Полоцк
			out = append(out, candidate{text: restore(base), cost: 1})
		case strings.HasSuffix(base, "ск"):
			s := strings.TrimSuffix(base, "ск") // Витебский → Витеб
			out = append(out,
				candidate{text: restore(base), cost: 1},      // Витебск
				candidate{text: restore(s), cost: 1},         // Брест, Гомель
				candidate{text: restore(s + "а"), cost: 1.5}, // Лида
				candidate{text: restore(s + "ь"), cost: 1.5}, // Рославль
				candidate{text: restore(s + "ак"), cost: 2},  // Навагрудак
				candidate{text: restore(s + "ок"), cost: 2},  // Новогрудок
			)
			for suffix, vowel := range map[string]string{"ан": "а", "ян": "я"} { // Оршанский → Орша
				if strings.HasSuffix(s, suffix) {
					out = append(out, candidate{text: restore(strings.TrimSuffix(s, suffix) + vowel), cost: 1.5})
				}
			}
		}
		break
	}
	for _, end := range nounEndings {
		if !strings.HasSuffix(lw, end) || n-utf8.RuneCountInString(end) < 3 {
			continue
		}
		base := strings.TrimSuffix(lw, end)
		for _, add := range []string{"", "ь", "а", "я"} {
			out = append(out, candidate{text: restore(base + add), cost: 1})
		}
		break
	}
	return out
}

// matchCase gives s the capital first letter of like.
func matchCase(like, s string) string {
	if !startsUpper(like) {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
