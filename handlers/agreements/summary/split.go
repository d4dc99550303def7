package summary

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// segment is a sentence with where it sits in the document.
type segment struct {
	Text    string
	Clause  string // "2.1", "Статья 3", or "" before the first clause
	Line    int    // index of the line the sentence starts on
	Heading bool   // a heading line such as "Статья 3" or "1. ОБЩИЕ ПОЛОЖЕНИЯ"
	Lang    string
	lower   string // Text in lower case, for case-sensitive (faster) matching
}

var (
	// A numbered clause at the start of a line: "1.", "2.1.", "3.2.1", "4)".
	clauseNumRe = regexp.MustCompile(`^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))?\s+\S`)
	// "Статья 3", "Артыкул 3", "Article 3", "Раздел 2", "Раздзел 2", "Section 2".
	articleRe = regexp.MustCompile(`(?i)^(статья|артыкул|article|раздел|раздзел|section|глава|chapter)\s+(\d{1,3}|[IVXLC]{1,6})\b`)
	// A list item: "- ", "– ", "• ", "а) ", "1) ".
	listItemRe = regexp.MustCompile(`^(?:[-–—•·*]\s+|[а-яёіўa-z]\)\s+|\d{1,2}\)\s+)`)
)

// abbreviations never end a sentence when followed by a capital letter:
// "г. Витебск", "им. Я. Купалы", "ул. Ленина", "Смоленской обл. Российской".
var abbreviations = map[string]bool{
	"г": true, "гг": true, "ст": true, "п": true, "пп": true, "ч": true, "им": true, "ул": true,
	"д": true, "обл": true, "р-н": true, "стар": true, "арт": true, "пр": true, "просп": true,
	"пер": true, "пл": true, "кв": true, "корп": true, "тел": true, "руб": true, "коп": true,
	"тыс": true, "млн": true, "млрд": true, "проф": true, "акад": true, "доц": true, "канд": true,
	"см": true, "напр": true, "т.ч": true, "в т.ч": true, "гр": true, "г-н": true, "г-жа": true,
	"т.е": true, "т.к": true, "вул": true, "вул.": true, "мкр": true, "пос": true, "дер": true,
	"в.о": true, "и.о": true, "і.а": true, "рэсп": true, "респ": true, "зам": true, "нач": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "no": true, "art": true, "para": true,
	"e.g": true, "i.e": true, "vs": true, "st": true, "cf": true, "ibid": true, "fig": true,
}

// listEnders end a list and may end a sentence: "… и т.д. Стороны …".
var listEnders = map[string]bool{"т.д": true, "т.п": true, "інш": true, "і інш": true, "etc": true, "і г.д": true, "г.д": true}

// SplitSentences splits text into sentences with rules that know Russian and
// Belarusian legal prose: abbreviations (г., гг., ст., п., пп., т.е., т.д.,
// т.п., им., ул., д., обл., р-н, стар., арт., і інш.), initials ("И.И.
// Иванов"), numbered clauses ("1.2."), decimal numbers, headings, list items
// and lines wrapped inside a sentence.
func SplitSentences(text string) []string {
	segs := splitSegments(text, false)
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		out = append(out, s.Text)
	}
	return out
}

// block is a run of lines that belong together before sentence splitting.
type block struct {
	text    string
	line    int
	clause  string // clause marker that opens the block, if any
	heading bool
}

func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if unicode.IsLower(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \t»\"”’)")
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?…;:", r)
}

// lineClause returns the clause label that a line opens with.
func lineClause(line string) (label string, heading bool) {
	if m := articleRe.FindStringSubmatch(line); m != nil {
		word := capitalize(strings.ToLower(m[1]))
		rest := strings.TrimSpace(line[len(m[0]):])
		rest = strings.TrimLeft(rest, ".:–— ")
		return word + " " + m[2], rest == "" || !endsSentence(rest) && utf8.RuneCountInString(rest) < 80
	}
	if m := clauseNumRe.FindStringSubmatch(line); m != nil {
		n := m[1]
		if first := strings.SplitN(n, ".", 2)[0]; len(first) > 0 && atoi(first) <= 60 && !looksLikeDate(line) {
			rest := strings.TrimSpace(line[len(m[1]):])
			rest = strings.TrimLeft(rest, ".) ")
			return n, !endsSentence(rest) && utf8.RuneCountInString(rest) < 80 && !strings.Contains(n, ".")
		}
	}
	return "", false
}

var dateStartRe = regexp.MustCompile(`^\d{1,2}\.\d{1,2}\.\d{2,4}|^\d{1,2}\s+\p{L}+\s+\d{4}`)

func looksLikeDate(line string) bool { return dateStartRe.MatchString(line) }

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e6 {
			return n
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// blocks groups lines: a blank line, a clause or article marker, a list item
// or a heading starts a new block; other lines continue the previous one,
// since PDF and plain-text files wrap sentences across lines. When
// paragraphs is set (text from .docx or .odt, one paragraph a line), every
// line is a block of its own.
func blocks(text string, paragraphs bool) []block {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []block
	var cur *block
	var b strings.Builder
	prevHeading := false
	flush := func() {
		if cur != nil {
			cur.text = strings.TrimSpace(b.String())
			if cur.text != "" {
				out = append(out, *cur)
			}
		}
		cur = nil
		b.Reset()
	}
	for i, raw := range lines {
		line := strings.TrimSpace(strings.ReplaceAll(raw, "\t", " "))
		if line == "" {
			flush()
			prevHeading = false
			continue
		}
		label, heading := lineClause(line)
		caps := isAllCaps(line)
		// Wide gaps inside a line separate columns of a signature block.
		columns := strings.Contains(raw, "      ")
		startNew := paragraphs || cur == nil || label != "" || listItemRe.MatchString(line) || caps || prevHeading || columns
		if startNew {
			flush()
			cur = &block{line: i, clause: label, heading: heading || caps}
			b.WriteString(line)
		} else {
			prev := b.String()
			// Join a word hyphenated across the line break.
			if strings.HasSuffix(prev, "-") && !strings.HasSuffix(prev, " -") && startsLower(line) {
				b.Reset()
				b.WriteString(strings.TrimSuffix(prev, "-"))
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(line)
		}
		prevHeading = heading || caps || columns
	}
	flush()
	return out
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// splitSegments splits text into sentences and labels each with the clause
// it belongs to; paragraphs is as for blocks.
func splitSegments(text string, paragraphs bool) []segment {
	var out []segment
	clause, article := "", ""
	for _, bl := range blocks(text, paragraphs) {
		// The title of the text in a second language starts it anew: its
		// heading and preamble belong to no clause of the first.
		if bl.heading && bl.clause == "" && agreementWordRe.MatchString(bl.text) {
			clause, article = "", ""
		}
		if bl.clause != "" {
			if strings.ContainsRune(bl.clause, ' ') { // an article heading
				article, clause = bl.clause, bl.clause
			} else {
				clause = bl.clause
			}
		}
		_ = article
		for _, s := range splitBlock(bl.text, bl.clause != "") {
			out = append(out, segment{Text: s, Clause: clause, Line: bl.line, Heading: bl.heading, lower: strings.ToLower(s)})
		}
	}
	return out
}

// splitBlock splits one block at sentence boundaries.
func splitBlock(s string, startsWithClause bool) []string {
	var out []string
	runes := []rune(s)
	start := 0
	skipTo := 0
	if startsWithClause {
		// Do not split inside the leading clause number "1.2.".
		if loc := clauseNumRe.FindStringIndex(s); loc != nil {
			skipTo = utf8.RuneCountInString(s[:loc[1]-1])
		}
	}
	for i := skipTo; i < len(runes); i++ {
		r := runes[i]
		if !strings.ContainsRune(".!?…", r) {
			continue
		}
		// Absorb runs of terminators and closing quotes/brackets.
		j := i + 1
		for j < len(runes) && strings.ContainsRune(".!?…»\"”’)", runes[j]) {
			j++
		}
		if j >= len(runes) || !unicode.IsSpace(runes[j]) {
			i = j - 1
			continue
		}
		k := j
		for k < len(runes) && unicode.IsSpace(runes[k]) {
			k++
		}
		if k >= len(runes) {
			break
		}
		if r == '.' && !periodEnds(runes, start, i, runes[k]) {
			i = j - 1
			continue
		}
		if r != '.' && unicode.IsLower(runes[k]) {
			i = j - 1
			continue
		}
		if !(unicode.IsUpper(runes[k]) || unicode.IsDigit(runes[k]) || strings.ContainsRune("«\"“„([—–-", runes[k])) {
			i = j - 1
			continue
		}
		if seg := strings.TrimSpace(string(runes[start:j])); seg != "" {
			out = append(out, seg)
		}
		start = k
		i = k - 1
	}
	if seg := strings.TrimSpace(string(runes[start:])); seg != "" {
		out = append(out, seg)
	}
	return out
}

// periodEnds decides whether the period at runes[i] ends a sentence, given
// the first character of what follows.
func periodEnds(runes []rune, start, i int, next rune) bool {
	if unicode.IsLower(next) {
		return false
	}
	// The word before the period, with inner dots and hyphens: "т.д", "И.И", "р-н".
	w := i
	for w > start && !unicode.IsSpace(runes[w-1]) && runes[w-1] != '(' && runes[w-1] != '«' {
		w--
	}
	word := strings.ToLower(strings.Trim(string(runes[w:i]), "\"'«»"))
	prevWord := ""
	if w > start {
		p := w - 1
		for p > start && unicode.IsSpace(runes[p]) {
			p--
		}
		q := p
		for q > start && !unicode.IsSpace(runes[q-1]) {
			q--
		}
		prevWord = strings.ToLower(string(runes[q : p+1]))
	}
	if listEnders[word] || prevWord == "і" && word == "інш" {
		return true
	}
	if word == "г" || word == "гг" {
		// "2019 г. Настоящее …" ends a sentence; "в г. Смоленске" does not.
		return len(prevWord) == 4 && allDigits(prevWord)
	}
	if abbreviations[word] {
		return false
	}
	wr := []rune(word)
	// Initials: "И." or "И.И."; a single lower-case letter is an abbreviation.
	if len(wr) == 1 && unicode.IsLetter(wr[0]) {
		return false
	}
	if isInitials(string(runes[w:i])) {
		return false
	}
	// "п. 2.1. Соглашения": a clause reference after an abbreviation.
	if isClauseNumber(word) && (abbreviations[strings.TrimSuffix(prevWord, ".")] || strings.HasPrefix(prevWord, "пункт") || strings.HasPrefix(prevWord, "стать") || strings.HasPrefix(prevWord, "артыкул")) {
		return false
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isClauseNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '.' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// isInitials matches "И.И" and "И.И.И" (the final dot is not included).
func isInitials(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		r := []rune(p)
		if len(r) != 1 || !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return true
}
