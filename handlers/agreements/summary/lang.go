package summary

import "unicode"

// Language codes reported in Card.Languages.
const (
	LangRU = "ru"
	LangBE = "be"
	LangEN = "en"
)

// langScores counts the letters that tell Russian, Belarusian and English
// apart: і and ў exist only in Belarusian, и, щ and ъ only in Russian, and
// Latin letters mean English here.
type langScores struct {
	ru, be, en, cyr int
}

func scoreLang(s string) langScores {
	var sc langScores
	for _, r := range s {
		switch unicode.ToLower(r) {
		case 'і', 'ў':
			sc.be += 2
		case 'и', 'щ', 'ъ':
			sc.ru += 2
		}
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			sc.cyr++
		case r < 0x250 && unicode.IsLetter(r):
			sc.en++
		}
	}
	return sc
}

// lang returns the language of a piece of text, or "" when it has no
// telling letters.
func (sc langScores) lang() string {
	switch {
	case sc.en > sc.cyr && sc.en >= 3:
		return LangEN
	case sc.be > sc.ru:
		return LangBE
	case sc.ru > sc.be:
		return LangRU
	case sc.cyr > 0:
		return ""
	}
	return ""
}

// detectLanguages labels each segment with a language (inheriting from its
// neighbours when it has no telling letters) and returns the document's
// languages in order of first appearance: each must hold at least a fifth
// of the letters, so a quoted name in another language does not count.
func detectLanguages(segs []segment) []string {
	letters := map[string]int{}
	first := map[string]int{}
	total := 0
	prev := ""
	for i := range segs {
		sc := scoreLang(segs[i].Text)
		l := sc.lang()
		if l == "" {
			l = prev
		}
		segs[i].Lang = l
		if l == "" {
			continue
		}
		prev = l
		n := sc.cyr + sc.en
		letters[l] += n
		total += n
		if _, ok := first[l]; !ok {
			first[l] = i
		}
	}
	// Segments before the first telling one take the first language seen.
	for i := range segs {
		if segs[i].Lang != "" {
			break
		}
		for j := i; j < len(segs); j++ {
			if segs[j].Lang != "" {
				segs[i].Lang = segs[j].Lang
				break
			}
		}
	}
	var out []string
	for _, l := range []string{LangRU, LangBE, LangEN} {
		if total > 0 && letters[l]*5 >= total {
			out = append(out, l)
		}
	}
	// Order by first appearance.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && first[out[j]] < first[out[j-1]]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
