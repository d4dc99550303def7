package bot

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxMessageLen is Telegram's limit on a message's text. Telegram counts
// characters after parsing the HTML; measuring the HTML source in UTF-16
// units is stricter, so a chunk that fits here always fits there.
const maxMessageLen = 4096

// splitHTML cuts HTML text into chunks of at most limit UTF-16 units:
// between paragraphs where it can, then between lines, then between words,
// and only as a last resort inside a word — never inside a tag or an entity.
// Tags open at a cut are closed at the end of the chunk and opened again at
// the start of the next one, so every chunk is valid HTML on its own.
func splitHTML(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var chunks []string
	var open []string // tags open at the start of the remaining text
	for text != "" {
		prefix := strings.Join(open, "")
		budget := limit - utf16Len(prefix) - closingLen(open) - 64 // room for tags opened inside the chunk
		if budget < 64 {
			budget = 64
		}
		cut := len(text)
		if utf16Len(text) > budget {
			cut = cutPoint(text, budget)
		}
		piece := text[:cut]
		stillOpen := openTags(open, piece)
		chunks = append(chunks, prefix+strings.TrimRight(piece, " \n")+closeAll(stillOpen))
		open = stillOpen
		text = strings.TrimLeft(text[cut:], " \n")
	}
	return chunks
}

// cutPoint returns a byte index ≤ the budget where text may be cut.
func cutPoint(text string, budget int) int {
	// The longest prefix within the budget.
	units, max := 0, 0
	for i, r := range text {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > budget {
			break
		}
		units += n
		max = i + utf8.RuneLen(r)
	}
	head := text[:max]
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i > max/2 {
			if safe(text, i) {
				return i
			}
		}
	}
	for i := max; i > 0; i-- {
		if utf8.RuneStart(text[i]) && safe(text, i) {
			return i
		}
	}
	return max
}

// safe reports whether cutting at i leaves tags and entities whole.
func safe(text string, i int) bool {
	lt := strings.LastIndexByte(text[:i], '<')
	gt := strings.LastIndexByte(text[:i], '>')
	if lt > gt {
		return false
	}
	amp := strings.LastIndexByte(text[:i], '&')
	semi := strings.LastIndexByte(text[:i], ';')
	return !(amp > semi && i-amp < 10)
}

// openTags returns the tags open after piece, given those open before it.
func openTags(open []string, piece string) []string {
	stack := append([]string(nil), open...)
	for {
		lt := strings.IndexByte(piece, '<')
		if lt < 0 {
			return stack
		}
		gt := strings.IndexByte(piece[lt:], '>')
		if gt < 0 {
			return stack
		}
		tag := piece[lt : lt+gt+1]
		piece = piece[lt+gt+1:]
		if strings.HasPrefix(tag, "</") {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		stack = append(stack, tag)
	}
}

func tagName(open string) string {
	name := strings.TrimPrefix(strings.TrimSuffix(open, ">"), "<")
	name, _, _ = strings.Cut(name, " ")
	return name
}

func closeAll(open []string) string {
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + tagName(open[i]) + ">")
	}
	return b.String()
}

func closingLen(open []string) int { return utf16Len(closeAll(open)) }

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
