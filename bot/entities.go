package bot

import (
	"html"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// entityTags are the formatting entities kept as HTML, and their tags.
var entityTags = map[models.MessageEntityType][2]string{
	models.MessageEntityTypeBold:          {"<b>", "</b>"},
	models.MessageEntityTypeItalic:        {"<i>", "</i>"},
	models.MessageEntityTypeUnderline:     {"<u>", "</u>"},
	models.MessageEntityTypeStrikethrough: {"<s>", "</s>"},
	models.MessageEntityTypeSpoiler:       {"<tg-spoiler>", "</tg-spoiler>"},
	models.MessageEntityTypeCode:          {"<code>", "</code>"},
	models.MessageEntityTypePre:           {"<pre>", "</pre>"},
	models.MessageEntityTypeBlockquote:    {"<blockquote>", "</blockquote>"},
}

// formatHTML renders a message's text with its formatting entities as
// Telegram HTML, every character escaped, so that a coordinator's bold,
// italics and links survive being sent again. Offsets count UTF-16 units.
// Telegram nests entities without partial overlaps; an entity that would
// overlap anyway, or falls outside the text, is dropped.
func formatHTML(text string, entities []models.MessageEntity) string {
	units := utf16.Encode([]rune(text))
	type span struct {
		start, end  int
		open, close string
	}
	var spans []span
	for _, e := range entities {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		tags, ok := entityTags[e.Type]
		switch {
		case ok:
		case e.Type == models.MessageEntityTypeTextLink && safeLink(e.URL):
			tags = [2]string{`<a href="` + html.EscapeString(e.URL) + `">`, "</a>"}
		default:
			continue
		}
		spans = append(spans, span{e.Offset, e.Offset + e.Length, tags[0], tags[1]})
	}
	// Outer entities first: by start, then the longer one.
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var b strings.Builder
	var open []span
	next := 0
	for i := 0; i <= len(units); i++ {
		for len(open) > 0 && open[len(open)-1].end == i {
			b.WriteString(open[len(open)-1].close)
			open = open[:len(open)-1]
		}
		for next < len(spans) && spans[next].start == i {
			s := spans[next]
			next++
			if len(open) > 0 && s.end > open[len(open)-1].end {
				continue // would overlap its parent
			}
			b.WriteString(s.open)
			open = append(open, s)
		}
		if i == len(units) {
			break
		}
		n := 1
		if utf16.IsSurrogate(rune(units[i])) && i+1 < len(units) {
			n = 2
		}
		b.WriteString(html.EscapeString(string(utf16.Decode(units[i : i+n]))))
		if n == 2 {
			i++ // the low surrogate
		}
	}
	// An entity ending inside a character (not from Telegram) is closed here.
	for len(open) > 0 {
		b.WriteString(open[len(open)-1].close)
		open = open[:len(open)-1]
	}
	return b.String()
}

// safeLink allows the link schemes Telegram allows in text links.
func safeLink(u string) bool {
	for _, p := range []string{"https://", "http://", "tg://", "mailto:"} {
		if strings.HasPrefix(strings.ToLower(u), p) {
			return true
		}
	}
	return false
}
