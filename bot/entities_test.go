package bot

import (
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

func TestFormatHTML(t *testing.T) {
	e := func(typ models.MessageEntityType, off, n int) models.MessageEntity {
		return models.MessageEntity{Type: typ, Offset: off, Length: n}
	}
	link := models.MessageEntity{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 5, URL: "https://forum.example.org/?a=1&b=2"}
	tests := []struct {
		text     string
		entities []models.MessageEntity
		want     string
	}{
		{"plain <b> & text", nil, "plain &lt;b&gt; &amp; text"},
		{"Форум регионов", []models.MessageEntity{e("bold", 0, 5)}, "<b>Форум</b> регионов"},
		{"🏛 Форум в Минске", []models.MessageEntity{e("bold", 3, 5), e("italic", 11, 6)}, "🏛 <b>Форум</b> в <i>Минске</i>"},
		{"bold italic", []models.MessageEntity{e("bold", 0, 11), e("italic", 5, 6)}, "<b>bold <i>italic</i></b>"},
		{"Сайт", []models.MessageEntity{link}, "Сайт"},
		{"Сайт!", []models.MessageEntity{link}, `<a href="https://forum.example.org/?a=1&amp;b=2">Сайт!</a>`},
		{"bad link", []models.MessageEntity{{Type: models.MessageEntityTypeTextLink, Length: 3, URL: "javascript:alert(1)"}}, "bad link"},
		{"x", []models.MessageEntity{e("bold", 0, 5)}, "x"},
		{"overlap", []models.MessageEntity{e("bold", 0, 4), e("italic", 2, 5)}, "<b>over</b>lap"}, // the overlapping italic is dropped
		{"@mention #tag", []models.MessageEntity{e("mention", 0, 8)}, "@mention #tag"},
	}
	for _, tt := range tests {
		got := formatHTML(tt.text, tt.entities)
		if got != tt.want {
			t.Errorf("formatHTML(%q) = %q, want %q", tt.text, got, tt.want)
		}
		if _, _, err := telegramtest.ParseHTML(got); err != nil {
			t.Errorf("formatHTML(%q) is not valid Telegram HTML: %v", tt.text, err)
		}
	}
}

func FuzzFormatHTML(f *testing.F) {
	f.Add("Форум <регионов> & 🏛", 1, 3, 2, 4)
	f.Fuzz(func(t *testing.T, text string, o1, l1, o2, l2 int) {
		got := formatHTML(text, []models.MessageEntity{
			{Type: models.MessageEntityTypeBold, Offset: o1, Length: l1},
			{Type: models.MessageEntityTypeItalic, Offset: o2, Length: l2},
		})
		if _, _, err := telegramtest.ParseHTML(got); err != nil {
			t.Fatalf("formatHTML(%q) = %q: %v", text, got, err)
		}
	})
}
