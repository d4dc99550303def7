package main

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// choice is the outcome of picking a name among a place's untagged
// alternates: the name, its score (lower is better) and the candidates that
// were weighed, best first, for the review file.
type choice struct {
	Name       string
	Score      float64
	Candidates []scored
}

type scored struct {
	Name  string
	Score float64
	Model float64 // mean log-probability under the language's letter model
}

// Penalties, in edits of the search key, added to a candidate's distance
// from the Latin name.
const (
	// penaltyOtherLanguage applies to a spelling that another Cyrillic
	// language's tagged name for the place uses (Ukrainian, Bulgarian, …),
	// and to a Belarusian candidate ending in о after a consonant, as
	// Ukrainian spellings of Russian names do (Belarusian writes unstressed
	// final о as а: Іванава, Пушкіна).
	penaltyOtherLanguage = 2
	// penaltyNoBelarusianLetters applies to a Belarusian candidate without
	// і or ў.
	penaltyNoBelarusianLetters = 3
	// contrastWeight scales, for places in Belarus, how much more a
	// candidate looks like the language than like the other one (the
	// log-likelihood ratio of the two letter models) against its distance
	// from the Latin name. The Latin names of Belarusian places are
	// romanised from Belarusian, so the distance alone would give the
	// Russian name in its Belarusian spelling (Краснае for Красное).
	contrastWeight = 0.5
)

// pickParams says which language a name is picked for and what to compare
// candidates with.
type pickParams struct {
	Lang      string   // "ru" or "be"
	Belarus   bool     // the place is in Belarus
	Refs      []string // Latin names the transliteration is compared with
	Others    []string // tagged names of the place in other Cyrillic languages
	AvoidSame string   // the chosen Russian name, when picking a Belarusian one
	// Model is the letter model of the language, Contrast that of the
	// other one (Belarusian when picking Russian and the reverse).
	Model, Contrast *letterModel
}

// pickName chooses, among the Cyrillic strings in cands, the one whose
// transliteration is closest to the Latin reference names, after the
// penalties above. It returns a zero choice if no candidate is spelled
// validly for the language and close enough to a reference.
func pickName(cands []string, p pickParams) choice {
	refKeys := make([]string, 0, len(p.Refs))
	maxDist := 2
	for _, r := range p.Refs {
		if r == "" {
			continue
		}
		k := translit.Key(r)
		refKeys = append(refKeys, k)
		// Russian names of Russian places follow the Latin ones closely;
		// Belarusian ones differ more (Пятроў Вал for Petrov Val), and so
		// do Russian names of Belarusian places, whose Latin names are
		// romanised from Belarusian (Берёзовка for Byarozawka).
		limit := len(k) / 3
		if p.Lang == "be" || p.Belarus {
			limit = len(k) / 2
		}
		maxDist = max(maxDist, limit)
	}
	var out []scored
	seen := map[string]bool{}
	for _, c := range cands {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] || !translit.IsCyrillic(c) {
			continue
		}
		seen[c] = true
		if !p.admits(c) {
			continue
		}
		ck := translit.Key(c)
		dist := 0
		if len(refKeys) > 0 {
			dist = 1 << 20
			for _, rk := range refKeys {
				if d := translit.Distance(ck, rk, 64); d < dist {
					dist = d
				}
			}
		}
		if dist > maxDist {
			// Further from the Latin name than that, it is a different
			// name (a former or a neighbouring one), not a spelling of it.
			continue
		}
		score := float64(dist)
		if slices.Contains(p.Others, c) {
			score += penaltyOtherLanguage
		}
		if p.Lang == "be" {
			if !translit.HasBelarusianLetters(c) {
				score += penaltyNoBelarusianLetters
			}
			if c == p.AvoidSame {
				score++ // among equals, prefer a spelling of its own
			}
			if !hasBelarusianOnlyMarks(c) && endsInConsonantO(c) {
				score += penaltyOtherLanguage
			}
		}
		if p.Belarus {
			score -= contrastWeight * p.contrast(c)
		}
		out = append(out, scored{Name: c, Score: score, Model: p.Model.score(c)})
	}
	if len(out) == 0 {
		return choice{}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(b.Model, a.Model), strings.Compare(a.Name, b.Name))
	})
	return choice{Name: out[0].Name, Score: out[0].Score, Candidates: out}
}

// contrast is the log-likelihood ratio of c under the language's letter
// model against the other language's: positive when c looks more like the
// language.
func (p pickParams) contrast(c string) float64 {
	return p.Model.logLikelihood(c) - p.Contrast.logLikelihood(c)
}

// admits reports whether c may be the name at all: spelled validly for the
// language, and, where the two languages' alternates mix, not a spelling of
// the other one.
func (p pickParams) admits(c string) bool {
	switch p.Lang {
	case "ru":
		if !translit.IsRussianSpelling(c) {
			return false
		}
		// In Belarus, a candidate both languages could spell that looks
		// Belarusian (Лясны, Гальшаны) is the Belarusian name.
		return !p.Belarus || !translit.IsBelarusianSpelling(c) || p.contrast(c) >= 0
	case "be":
		if !translit.IsBelarusianSpelling(c) {
			return false
		}
		if p.Belarus {
			return translit.HasBelarusianLetters(c) || !translit.IsRussianSpelling(c) || p.contrast(c) >= 0
		}
		// Alternates of Russian places hold Ukrainian and Russian spellings
		// that pass the orthography checks, and a Russian spelling that
		// happens to be valid Belarusian (Красноярск) is rarely the
		// Belarusian name.
		return distinctBelarusian(c, p.AvoidSame)
	}
	return false
}

// cleanEnglish removes the apostrophes that romanisations use for soft and
// hard signs ("Tver'", "Kazan’"); English names do without them.
func cleanEnglish(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\'', '’', 'ʹ', 'ʼ', '′', '″', '`':
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isCode reports whether s looks like an airport or other code (VTB, MVQ)
// rather than a name.
func isCode(s string) bool {
	if utf8.RuneCountInString(s) > 4 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// foldName is the comparison form used to match names across sources:
// lower case, ё as е, typographic apostrophes as ASCII.
func foldName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("ё", "е", "’", "'", "ʼ", "'", "‘", "'").Replace(s)
}

// distinctBelarusian reports whether c, a valid Belarusian spelling among the
// alternates of a Russian place whose Russian name is ru, is likely the
// Belarusian name: it has і or ў (and, with і only, does not end in an
// unstressed-looking о as Ukrainian spellings do), or it differs from a
// Russian name that Belarusian could not spell that way (Перасвет for
// Пересвет).
func distinctBelarusian(c, ru string) bool {
	if translit.HasBelarusianLetters(c) {
		return hasBelarusianOnlyMarks(c) || !endsInConsonantO(c)
	}
	return ru != "" && c != ru && !translit.IsBelarusianSpelling(ru)
}

// hasBelarusianOnlyMarks reports whether s has a letter Belarusian has and
// both Russian and Ukrainian lack (ў), or і together with a letter
// Ukrainian lacks (ы, э, ё).
func hasBelarusianOnlyMarks(s string) bool {
	if strings.ContainsAny(s, "ўЎ") {
		return true
	}
	return strings.ContainsAny(s, "іІ") && strings.ContainsAny(s, "ыэёЫЭЁ")
}

// endsInConsonantO reports whether a word of s ends in a consonant followed
// by о.
func endsInConsonantO(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		r := []rune(w)
		if len(r) >= 3 && r[len(r)-1] == 'о' && !strings.ContainsRune("аеёіоуўыэюя", r[len(r)-2]) {
			return true
		}
	}
	return false
}

// letterModel is a letter-trigram model of a language's place names, trained
// on the names the sources tag with that language.
type letterModel struct {
	tri, bi map[string]int
	letters int
}

func trainLetterModel(names []string) *letterModel {
	m := &letterModel{tri: map[string]int{}, bi: map[string]int{}}
	seen := map[rune]bool{}
	for _, n := range names {
		r := modelRunes(n)
		for i := 0; i+2 < len(r); i++ {
			m.tri[string(r[i:i+3])]++
			m.bi[string(r[i:i+2])]++
		}
		for _, c := range r {
			seen[c] = true
		}
	}
	m.letters = len(seen)
	return m
}

func modelRunes(s string) []rune {
	return []rune("^^" + strings.ToLower(s) + "$")
}

// logLikelihood returns the log-probability of s's letter trigrams, with
// add-one smoothing. A nil model gives 0.
func (m *letterModel) logLikelihood(s string) float64 {
	if m == nil {
		return 0
	}
	r := modelRunes(s)
	sum := 0.0
	for i := 0; i+2 < len(r); i++ {
		sum += math.Log(float64(m.tri[string(r[i:i+3])]+1) / float64(m.bi[string(r[i:i+2])]+m.letters+1))
	}
	return sum
}

// score returns the mean log-probability of s's letter trigrams; higher is
// more typical of the language.
func (m *letterModel) score(s string) float64 {
	n := len(modelRunes(s)) - 2
	if m == nil || n <= 0 {
		return 0
	}
	return m.logLikelihood(s) / float64(n)
}
