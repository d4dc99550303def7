// Package translit turns place names written in Cyrillic or in any of the
// common Latin romanisations of Russian and Belarusian into comparable search
// keys, and tells Russian spellings from Belarusian ones.
//
// A key is a coarse phonetic skeleton: Cyrillic is first romanised letter by
// letter, Latin diacritics are spelled out, and then the differences between
// the romanisation systems in use (ICAO Doc 9303, GOST 7.79 and GOST R 52535,
// BGN/PCGN for Russian and Belarusian, the Belarusian national system of 2007
// and Łacinka) are merged: "zh", "ž" and "ж" become one symbol, as do "ts",
// "c" and "ц"; "y", "j", "i", "й", "ы" and "і" become "i"; "ye", "ie" and "е"
// become "e"; "h", "g", "kh", "x", "г" and "х" become one symbol (Belarusian
// writes г as h); soft and hard signs, apostrophes, spaces and hyphens vanish;
// doubled letters collapse. Both the stored names and the query pass through
// the same function, so "Vitsyebsk", "Viciebsk" and "Віцебск" share the key of
// the Belarusian name, and "Vitebsk" and "Витебск" the key of the Russian one.
//
// Keys are ASCII except for letters of other scripts, which pass through
// unchanged (they then match only themselves).
package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Placeholders used inside keys for letters that several systems spell
// differently. They are upper case because every other letter in a key is
// lower case.
const (
	symZh   = 'Z' // ж, zh, ž, ż
	symSh   = 'S' // ш, sh, š
	symCh   = 'Q' // ч, ch, č
	symTs   = 'C' // ц, ts, tc, tz, cz, c, ć
	symG    = 'G' // г, х, g, h, kh, x
	symShch = "SQ"
)

// cyrLower romanises the lower-case letters а (U+0430) to я (U+044F).
var cyrLower = [32]string{
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
}

// cyrExtra romanises U+0450 to U+045F (ѐ ё ђ ѓ є ѕ і ї ј љ њ ћ ќ ѝ ў џ).
var cyrExtra = [16]string{
	"e", "e", "dj", "g", "ye", "dz", "i", "yi", "j", "l", "n", "c", "k", "i", "w", "dzh",
}

// latinSpecial spells out the Latin letters whose diacritic carries meaning in
// the romanisation systems; other diacritics are simply dropped.
var latinSpecial = map[rune]string{
	'ž': "zh", 'ż': "zh", 'š': "sh", 'č': "ch", 'ŝ': "shch", 'û': "yu", 'â': "ya",
	'ŭ': "u", 'ł': "l", 'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'đ': "d",
	'ħ': "h", 'ı': "i", 'ǧ': "g", 'ğ': "g",
}

// variant selects alternative romanisations of ambiguous Cyrillic letters.
type variant uint8

const (
	yoAsIo   variant = 1 << iota // ё as "yo" rather than "e"
	khAsCh                       // х as the Belarusian national system's "ch"
	variants                     // number of combinations
)

// Key returns the search key of s in its most common reading: ё read as е and
// х as kh. Queries are keyed with Key; stored names with Keys.
func Key(s string) string {
	var buf [64]byte
	return string(appendKey(buf[:0], s, 0))
}

// AppendKey appends the key of s to dst, for callers that reuse a buffer.
func AppendKey(dst []byte, s string) []byte {
	return appendKey(dst, s, 0)
}

// Keys returns every key under which a stored name should be found: besides
// Key(s), the reading of ё as "yo" (Oryol for Орёл) and, for Belarusian
// spellings, the national system's "ch" for х (Chojniki for Хойнікі).
// The first element is always Key(s); the rest are distinct from it.
func Keys(s string) []string {
	return AppendKeys(nil, s)
}

// AppendKeys appends the keys of s (as Keys returns them) to dst.
func AppendKeys(dst []string, s string) []string {
	var mask variant
	for _, r := range s {
		switch r {
		case 'ё', 'Ё':
			mask |= yoAsIo
		case 'х', 'Х':
			mask |= khAsCh
		}
	}
	if mask&khAsCh != 0 && !strings.ContainsAny(s, "іІўЎ") {
		mask &^= khAsCh
	}
	var buf [64]byte
	first := len(dst)
	for v := variant(0); v < variants; v++ {
		if v&^mask != 0 {
			continue
		}
		k := appendKey(buf[:0], s, v)
		dup := false
		for _, have := range dst[first:] {
			if have == string(k) {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, string(k))
		}
	}
	return dst
}

func appendKey(dst []byte, s string, v variant) []byte {
	var rbuf [96]byte
	roman := romanise(rbuf[:0], s, v)
	return reduce(dst, roman)
}

// romanise lower-cases s, spells Cyrillic and special Latin letters in plain
// ASCII and drops everything that is not a letter or a digit.
func romanise(dst []byte, s string, v variant) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				dst = append(dst, c)
			case 'A' <= c && c <= 'Z':
				dst = append(dst, c+('a'-'A'))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= 0x400 && r <= 0x40F:
			r += 0x50
		case r >= 0x410 && r <= 0x42F:
			r += 0x20
		}
		switch {
		case r == 'ё':
			if v&yoAsIo != 0 {
				dst = append(dst, "yo"...)
			} else {
				dst = append(dst, 'e')
			}
		case r == 'х':
			if v&khAsCh != 0 {
				dst = append(dst, "ch"...)
			} else {
				dst = append(dst, "kh"...)
			}
		case r >= 0x430 && r <= 0x44F:
			dst = append(dst, cyrLower[r-0x430]...)
		case r >= 0x450 && r <= 0x45F:
			dst = append(dst, cyrExtra[r-0x450]...)
		case r == 'ґ' || r == 'Ґ':
			dst = append(dst, 'g')
		case r == utf8.RuneError:
			// Invalid input contributes nothing.
		default:
			dst = appendLatin(dst, r)
		}
	}
	return dst
}

// appendLatin spells a non-ASCII rune: special Latin letters as in
// latinSpecial, other accented Latin letters as their base letter, letters of
// other scripts as themselves; marks and punctuation vanish.
func appendLatin(dst []byte, r rune) []byte {
	lr := unicode.ToLower(r)
	if sp, ok := latinSpecial[lr]; ok {
		return append(dst, sp...)
	}
	if !unicode.IsLetter(lr) && !unicode.IsDigit(lr) || unicode.Is(unicode.Lm, lr) {
		// Modifier letters (ʹ, ʼ) mark soft and hard signs; they vanish
		// like apostrophes.
		return dst
	}
	if unicode.Is(unicode.Latin, lr) {
		var b [utf8.UTFMax]byte
		n := utf8.EncodeRune(b[:], lr)
		d := norm.NFD.Properties(b[:n]).Decomposition()
		if len(d) > 0 && d[0] < utf8.RuneSelf {
			c := d[0]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			return append(dst, c)
		}
	}
	return utf8.AppendRune(dst, lr)
}

// reduce merges the spellings of the romanisation systems (see the package
// comment) and collapses doubled letters.
func reduce(dst, b []byte) []byte {
	start := len(dst)
	push := func(c byte) {
		n := len(dst)
		if c < utf8.RuneSelf && n > start {
			last := dst[n-1]
			if c == 'e' && last == 'i' {
				dst = dst[:n-1]
				n--
				if n > start {
					last = dst[n-1]
				} else {
					last = 0
				}
			}
			if last == c {
				return
			}
		}
		dst = append(dst, c)
	}
	has := func(i int, s string) bool {
		return len(b)-i >= len(s) && string(b[i:i+len(s)]) == s
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case has(i, "shch"):
			push(symSh)
			push(symCh)
			i += 4
		case has(i, "shh"):
			push(symSh)
			push(symCh)
			i += 3
		case has(i, "zh"):
			push(symZh)
			i += 2
		case has(i, "kh"):
			push(symG)
			i += 2
		case has(i, "ch"):
			push(symCh)
			i += 2
		case has(i, "sh"):
			push(symSh)
			i += 2
		case has(i, "ts"), has(i, "tc"), has(i, "tz"), has(i, "cz"):
			push(symTs)
			i += 2
		default:
			i++
			switch c {
			case 'c':
				push(symTs)
			case 'x', 'h', 'g':
				push(symG)
			case 'j', 'y':
				push('i')
			case 'w':
				push('u')
			case 'q':
				push('k')
			default:
				push(c)
			}
		}
	}
	return dst
}

// IsCyrillic reports whether s has at least one letter and all its letters
// are Cyrillic.
func IsCyrillic(s string) bool {
	return onlyScript(s, unicode.Cyrillic)
}

// IsLatin reports whether s has at least one letter and all its letters are
// Latin.
func IsLatin(s string) bool {
	return onlyScript(s, unicode.Latin)
}

func onlyScript(s string, t *unicode.RangeTable) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(t, r) {
				return false
			}
			letters++
		}
	}
	return letters > 0
}

const (
	russianLetters    = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
	belarusianLetters = "абвгдеёжзійклмнопрстуўфхцчшыьэюя"
)

// IsRussianSpelling reports whether s could be a Russian name: Cyrillic
// letters of the Russian alphabet only, the hard sign only before a
// iotated vowel, жи and ши rather than жы and шы (and the like), and none of
// the Ukrainian "-ськ" and final "-ць".
func IsRussianSpelling(s string) bool {
	s = strings.ToLower(s)
	letters := 0
	prev := rune(0)
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !strings.ContainsRune(russianLetters, r) {
				return false
			}
			if prev == 'ъ' && !strings.ContainsRune("еёюя", r) {
				return false
			}
			letters++
		} else if prev == 'ъ' {
			return false
		} else if r == '\'' || r == '’' || r == 'ʼ' {
			return false
		}
		prev = r
	}
	if prev == 'ъ' {
		return false
	}
	if letters == 0 || strings.Contains(s, "ськ") || hasWordEnding(s, "ць") {
		return false
	}
	// Russian spelling writes жи, ши, ча, ща, чу, щу after the hushing
	// consonants, never жы, шы, чя, щю and the like.
	for _, bad := range []string{"жы", "шы", "чы", "щы", "жя", "шя", "чя", "щя", "жю", "шю", "чю", "щю"} {
		if strings.Contains(s, bad) {
			return false
		}
	}
	return true
}

// hasWordEnding reports whether a word of s ends in suffix.
func hasWordEnding(s, suffix string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if strings.HasSuffix(w, suffix) {
			return true
		}
	}
	return false
}

// IsBelarusianSpelling reports whether s could be a name in standard
// Belarusian orthography. Besides the alphabet (і and ў, no и, щ or ъ) it
// checks rules Belarusian spelling keeps and its neighbours do not: т and д
// are never soft (so never before е, ё, і, ю, я or ь), р, ч, ш and ж are
// always hard, тс and дс assimilate to ц, the soft sign follows only з, л,
// н, с and ц, a vowel after і is iotated, adjectives end in -ы or -і
// without й, and, because unstressed о is written а, a word has at most one
// о or ё.
func IsBelarusianSpelling(s string) bool {
	s = strings.ToLower(s)
	letters := 0
	var prev rune
	for _, word := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’' && r != 'ʼ'
	}) {
		o := 0
		prev = 0
		for _, r := range word {
			if r == '\'' || r == '’' || r == 'ʼ' {
				prev = r
				continue
			}
			if !strings.ContainsRune(belarusianLetters, r) {
				return false
			}
			letters++
			if r == 'о' || r == 'ё' {
				o++
			}
			switch prev {
			case 'т', 'д', 'р', 'ч', 'ш', 'ж':
				if strings.ContainsRune("еёіюяь", r) {
					return false
				}
			case 'і':
				// After і a vowel is iotated: ія, іё, ію, іе.
				if strings.ContainsRune("аоуэ", r) {
					return false
				}
			}
			if r == 'ь' && !strings.ContainsRune("злнсц", prev) {
				return false
			}
			if r == 'с' && (prev == 'т' || prev == 'д') {
				return false
			}
			prev = r
		}
		if o > 1 || strings.HasSuffix(word, "ый") || strings.HasSuffix(word, "ій") {
			return false
		}
	}
	return letters > 0 && !strings.Contains(s, "ськ")
}

// HasBelarusianLetters reports whether s contains і or ў, letters that
// Belarusian has and Russian lacks.
func HasBelarusianLetters(s string) bool {
	return strings.ContainsAny(s, "іІўЎ")
}

// Distance returns the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and transpositions of neighbours each
// cost one), compared byte by byte, or max+1 if it exceeds max.
func Distance(a, b string, max int) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > max {
		return max + 1
	}
	if len(a) == 0 {
		return len(b)
	}
	const stack = 64
	var r0, r1, r2 [stack + 1]int
	var prev2, prev, cur []int
	if len(a) < stack {
		prev2, prev, cur = r0[:len(a)+1], r1[:len(a)+1], r2[:len(a)+1]
	} else {
		prev2, prev, cur = make([]int, len(a)+1), make([]int, len(a)+1), make([]int, len(a)+1)
	}
	for i := range prev {
		prev[i] = i
	}
	for j := 1; j <= len(b); j++ {
		cur[0] = j
		rowMin := cur[0]
		for i := 1; i <= len(a); i++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := prev[i-1] + cost
			if v := prev[i] + 1; v < d {
				d = v
			}
			if v := cur[i-1] + 1; v < d {
				d = v
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				if v := prev2[i-2] + 1; v < d {
					d = v
				}
			}
			cur[i] = d
			if d < rowMin {
				rowMin = d
			}
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(a)] > max {
		return max + 1
	}
	return prev[len(a)]
}
