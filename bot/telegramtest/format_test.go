package telegramtest

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// entityText returns the part of text an entity covers, counting in UTF-16 units.
func entityText(text string, e models.MessageEntity) string {
	u := utf16.Encode([]rune(text))
	if e.Offset < 0 || e.Offset+e.Length > len(u) {
		return "<out of range>"
	}
	return string(utf16.Decode(u[e.Offset : e.Offset+e.Length]))
}

func TestCommandEntities(t *testing.T) {
	tests := []struct {
		text string
		want []string // the texts of the bot_command entities
	}{
		{"/start", []string{"/start"}},
		{"/start payload", []string{"/start"}},
		{"/partners@pobratim_test_bot Витебск", []string{"/partners@pobratim_test_bot"}},
		{"👋 Привет! /help и /partners", []string{"/help", "/partners"}},
		{"🇧🇾🇷🇺 /start", []string{"/start"}},
		{"and/or", nil},
		{"a /b/c", nil},
		{"/старт", nil},
		{"/startЖ", nil},
		{"/start-now", []string{"/start"}},
		{"/cmd@ab", nil},
		{"/cmd@abc.", []string{"/cmd@abc"}},
		{"//x", nil},
		{"(/help)", []string{"/help"}},
		{"/", nil},
		{"text /" + strings.Repeat("a", 65), nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, e := range CommandEntities(tt.text) {
				if e.Type != models.MessageEntityTypeBotCommand {
					t.Errorf("entity type %q", e.Type)
				}
				got = append(got, entityText(tt.text, e))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CommandEntities(%q) covers %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestCommandEntitiesUTF16Offsets(t *testing.T) {
	// 👋 is two UTF-16 units, each Cyrillic letter one: byte offsets would differ.
	got := CommandEntities("👋 Привет! /help")
	want := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 11, Length: 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestParseHTML(t *testing.T) {
	type ent = models.MessageEntity
	tests := []struct {
		name string
		in   string
		text string
		ents []ent
	}{
		{"plain", "Привет, мир", "Привет, мир", nil},
		{"bold cyrillic", "<b>Витебск</b> — Смоленск", "Витебск — Смоленск",
			[]ent{{Type: "bold", Offset: 0, Length: 7}}},
		{"offsets after emoji", "😀<i>x</i>", "😀x", []ent{{Type: "italic", Offset: 2, Length: 1}}},
		{"nested", "<b>a<i>b</i></b>", "ab",
			[]ent{{Type: "bold", Offset: 0, Length: 2}, {Type: "italic", Offset: 1, Length: 1}}},
		{"escapes", "a &lt; b &amp;&amp; c &gt; d &quot;e&quot; &#1046;&#x416;", `a < b && c > d "e" ЖЖ`, nil},
		{"bare ampersand and gt", "R&D > 0", "R&D > 0", nil},
		{"link", `<a href="https://example.org/?a=1&amp;b=2">сайт</a>`, "сайт",
			[]ent{{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.org/?a=1&b=2"}}},
		{"mention", `<a href="tg://user?id=42">Ivan</a>`, "Ivan",
			[]ent{{Type: "text_mention", Offset: 0, Length: 4, User: &models.User{ID: 42}}}},
		{"pre with language", `<pre><code class="language-go">x := 1</code></pre>`, "x := 1",
			[]ent{{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{"spoiler span", `<span class="tg-spoiler">s</span>`, "s", []ent{{Type: "spoiler", Offset: 0, Length: 1}}},
		{"expandable quote", `<blockquote expandable>q</blockquote>`, "q",
			[]ent{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{"upper-case tags", "<B>x</B>", "x", []ent{{Type: "bold", Offset: 0, Length: 1}}},
		{"empty entity dropped", "<b></b>x", "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ents, err := ParseHTML(tt.in)
			if err != nil {
				t.Fatalf("ParseHTML(%q): %v", tt.in, err)
			}
			if text != tt.text {
				t.Errorf("text %q, want %q", text, tt.text)
			}
			if !reflect.DeepEqual(ents, tt.ents) {
				t.Errorf("entities %+v, want %+v", ents, tt.ents)
			}
		})
	}
}

func TestParseHTMLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a < b", `Unsupported start tag "" at byte offset 2`},
		{"line<br>break", `Unsupported start tag "br" at byte offset 4`},
		{"<b>open", `Can't find end tag corresponding to start tag "b"`},
		{"</b>", "Unexpected end tag at byte offset 0"},
		{"<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"<b", "Unclosed start tag at byte offset 0"},
		{`<a href="x>y`, "Unclosed start tag at byte offset 0"},
		{"<span>x</span>", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, _, err := ParseHTML(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ParseHTML(%q) error %v, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestFormatTextTrimsAndChecks(t *testing.T) {
	plain, ents, e := formatText("  \n<b>Да</b> ", "HTML", "")
	if e != nil {
		t.Fatal(e.desc)
	}
	if plain != "Да" || len(ents) != 1 || ents[0].Offset != 0 || ents[0].Length != 2 {
		t.Fatalf("got %q %+v", plain, ents)
	}
	if _, _, e := formatText("x", "Markdown3", ""); e == nil || e.desc != "Bad Request: unsupported parse_mode" {
		t.Fatalf("unknown parse mode: %+v", e)
	}
	if _, _, e := messageText(" \n ", "", "", maxTextLength, "message text is empty", "too long"); e == nil || e.desc != "Bad Request: message text is empty" {
		t.Fatalf("blank text: %+v", e)
	}
	if _, _, e := messageText(strings.Repeat("ж", 4096), "", "", maxTextLength, "empty", "message is too long"); e != nil {
		t.Fatalf("4096 characters refused: %s", e.desc)
	}
	if _, _, e := messageText(strings.Repeat("ж", 4097), "", "", maxTextLength, "empty", "message is too long"); e == nil {
		t.Fatal("4097 characters accepted")
	}
}

func TestRateLimiter(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := newRateLimiter()
	if w := l.allow(t0, 42); w != 0 {
		t.Fatalf("first message refused: %d", w)
	}
	if w := l.allow(t0.Add(500*time.Millisecond), 42); w != 1 {
		t.Fatalf("second message within a second: retry %d, want 1", w)
	}
	if w := l.allow(t0.Add(time.Second), 42); w != 0 {
		t.Fatalf("message a second later refused: %d", w)
	}

	// A group takes 20 a minute.
	g := newRateLimiter()
	for i := range 20 {
		if w := g.allow(t0.Add(time.Duration(i)*time.Second), -100123); w != 0 {
			t.Fatalf("group message %d refused: %d", i+1, w)
		}
	}
	if w := g.allow(t0.Add(20*time.Second), -100123); w != 40 {
		t.Fatalf("21st group message: retry %d, want 40", w)
	}
	if w := g.allow(t0.Add(60*time.Second), -100123); w != 0 {
		t.Fatalf("group message after the window refused: %d", w)
	}

	// 30 a second overall.
	a := newRateLimiter()
	for i := range 30 {
		if w := a.allow(t0, int64(i+1)); w != 0 {
			t.Fatalf("message %d refused: %d", i+1, w)
		}
	}
	if w := a.allow(t0.Add(100*time.Millisecond), 31); w != 1 {
		t.Fatalf("31st message in a second: retry %d, want 1", w)
	}
}
