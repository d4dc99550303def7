package bot

import (
	"strings"
	"testing"
)

func TestSplitHTMLShortTextIsOneChunk(t *testing.T) {
	s := "<b>Витебск</b> &amp; Смоленск"
	if got := splitHTML(s, maxMessageLen); len(got) != 1 || got[0] != s {
		t.Fatalf("got %q", got)
	}
}

func TestSplitHTMLOnParagraphs(t *testing.T) {
	para := strings.Repeat("слово ", 150) // 900 characters
	text := strings.Join([]string{para, para, para, para, para, para}, "\n\n")
	chunks := splitHTML(text, maxMessageLen)
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	total := 0
	for _, c := range chunks {
		if utf16Len(c) > maxMessageLen {
			t.Fatalf("chunk of %d units", utf16Len(c))
		}
		total += strings.Count(c, "слово")
		if strings.HasPrefix(c, "\n") || strings.HasSuffix(c, " ") {
			t.Errorf("chunk not trimmed: %q…", c[:20])
		}
	}
	if total != 900 {
		t.Fatalf("%d words after splitting, want 900: text lost or doubled", total)
	}
}

func TestSplitHTMLKeepsTagsAndEntitiesWhole(t *testing.T) {
	text := "<b>" + strings.Repeat("a&amp;b ", 1200) + "</b> <i>end</i>"
	chunks := splitHTML(text, maxMessageLen)
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	for i, c := range chunks {
		if utf16Len(c) > maxMessageLen {
			t.Fatalf("chunk %d has %d units", i, utf16Len(c))
		}
		if strings.Count(c, "<b>") != strings.Count(c, "</b>") {
			t.Errorf("chunk %d has unbalanced <b>: %q … %q", i, c[:10], c[len(c)-10:])
		}
		if strings.Contains(c, "&am ") || strings.HasSuffix(strings.TrimSuffix(c, "</b>"), "&") {
			t.Errorf("chunk %d cuts an entity", i)
		}
	}
}

func TestSplitHTMLOneLongWordAndEmoji(t *testing.T) {
	text := strings.Repeat("🏰", 5000) // 10000 UTF-16 units, no spaces
	chunks := splitHTML(text, maxMessageLen)
	n := 0
	for _, c := range chunks {
		if utf16Len(c) > maxMessageLen {
			t.Fatalf("chunk of %d units", utf16Len(c))
		}
		if !strings.HasPrefix(c, "🏰") {
			t.Fatalf("chunk starts inside a character: %q", c[:4])
		}
		n += strings.Count(c, "🏰")
	}
	if n != 5000 {
		t.Fatalf("%d emoji after splitting, want 5000", n)
	}
}

func FuzzSplitHTML(f *testing.F) {
	f.Add("<b>x</b> &amp; y\n\nz", 80)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 200 || limit > 5000 {
			return
		}
		for _, c := range splitHTML(s, limit) {
			if utf16Len(c) > limit+200 {
				t.Fatalf("chunk of %d units for limit %d", utf16Len(c), limit)
			}
		}
	})
}
