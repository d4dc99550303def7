package when

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind uint8

const (
	numberToken tokenKind = iota + 1
	wordToken
	punctToken
)

// maxTokens bounds the work done on long messages: the longest phrase the
// grammar accepts is far shorter, and everything after it is only sliced.
const maxTokens = 64

// maxDigits bounds the digit runs given a numeric value; longer runs are
// never part of a date or a time.
const maxDigits = 6

// token is one number, word or punctuation mark of the input.
type token struct {
	kind tokenKind
	// text is the normalised form: words lower-cased with ё folded to е,
	// numbers as typed, punctuation as the single rune.
	text string
	// start and end are byte offsets into the original text.
	start, end int
	// spaced reports whitespace between this token and the previous one.
	spaced bool
	// value is the number's value, or -1 for runs longer than maxDigits.
	value int
	// entries are the lexicon entries of a word.
	entries []entry
}

// tokenize splits the beginning of s into at most maxTokens tokens.
func tokenize(s string) []token {
	toks := make([]token, 0, 16)
	spaced := false
	for i := 0; i < len(s) && len(toks) < maxTokens; {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			spaced = true
			i += size
			continue
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, token{kind: numberToken, text: s[i:j], start: i, end: j, spaced: spaced, value: digitsValue(s[i:j])})
			i = j
		case unicode.IsLetter(r):
			j := wordEnd(s, i+size)
			text := normaliseWord(s[i:j])
			toks = append(toks, token{kind: wordToken, text: text, start: i, end: j, spaced: spaced, entries: lookup(text)})
			i = j
		default:
			toks = append(toks, token{kind: punctToken, text: s[i : i+size], start: i, end: i + size, spaced: spaced})
			i += size
		}
		spaced = false
	}
	return toks
}

// wordEnd returns the end of the word that continues at j: letters, combining
// marks, and apostrophes between letters (Belarusian writes "пад'езд").
func wordEnd(s string, j int) int {
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			j += n
			continue
		}
		if isApostrophe(r) {
			if next, _ := utf8.DecodeRuneInString(s[j+n:]); unicode.IsLetter(next) {
				j += n
				continue
			}
		}
		break
	}
	return j
}

func digitsValue(d string) int {
	if len(d) > maxDigits {
		return -1
	}
	v := 0
	for i := 0; i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' || r == '`'
}

// normaliseWord lower-cases w, folds ё to е, joins a base letter with a
// combining breve (и+˘ → й, у+˘ → ў), drops other combining marks (stress
// accents), unifies apostrophes and, in a word that has Cyrillic letters,
// replaces Latin look-alikes (a, c, e, i, o, p, x, y …) with their Cyrillic
// twins, as mixed keyboards produce them.
func normaliseWord(w string) string {
	cyrillic := false
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			cyrillic = true
			break
		}
	}
	var b strings.Builder
	b.Grow(len(w))
	var last rune = -1
	flush := func() {
		if last >= 0 {
			b.WriteRune(last)
		}
	}
	for _, r := range w {
		if unicode.Is(unicode.Mn, r) {
			if last >= 0 {
				last = compose(last, r)
			}
			continue
		}
		if isApostrophe(r) {
			r = '\''
		}
		if cyrillic {
			r = cyrillicTwin(r)
		}
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		flush()
		last = r
	}
	flush()
	return b.String()
}

func compose(base, mark rune) rune {
	if mark == '\u0306' { // combining breve
		switch base {
		case 'и':
			return 'й'
		case 'у':
			return 'ў'
		}
	}
	return base
}

// cyrillicTwin maps Latin letters that look like Cyrillic ones.
func cyrillicTwin(r rune) rune {
	switch r {
	case 'a':
		return 'а'
	case 'c':
		return 'с'
	case 'e':
		return 'е'
	case 'i':
		return 'і'
	case 'o':
		return 'о'
	case 'p':
		return 'р'
	case 'x':
		return 'х'
	case 'y':
		return 'у'
	case 'A':
		return 'А'
	case 'B':
		return 'В'
	case 'C':
		return 'С'
	case 'E':
		return 'Е'
	case 'H':
		return 'Н'
	case 'I':
		return 'І'
	case 'K':
		return 'К'
	case 'M':
		return 'М'
	case 'O':
		return 'О'
	case 'P':
		return 'Р'
	case 'T':
		return 'Т'
	case 'X':
		return 'Х'
	case 'Y':
		return 'У'
	}
	return r
}

// fold erases the spelling differences people make when a keyboard lacks
// a letter: ў → у, і → и, ї → и, and apostrophes dropped.
func fold(s string) string {
	if !strings.ContainsAny(s, "ўії'") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case 'ў':
			r = 'у'
		case 'і', 'ї':
			r = 'и'
		case '\'':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
