package bot

import (
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

func cmdEntity(text, token string) []models.MessageEntity {
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(utf16.Encode([]rune(token)))}}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text, token string // token "" means no entity
		want        command
		ok          bool
	}{
		{"/start", "/start", command{Name: "start"}, true},
		{"/partners Витебск", "/partners", command{Name: "partners", Args: "Витебск"}, true},
		{"/partners@pobratim_test_bot Віцебск 🏰", "/partners@pobratim_test_bot", command{Name: "partners", Args: "Віцебск 🏰"}, true},
		{"/Start@POBRATIM_TEST_BOT", "/Start@POBRATIM_TEST_BOT", command{Name: "start"}, true},
		{"/start@OtherBot", "/start@OtherBot", command{Name: "start", ForOther: true}, true},
		{"/visit   Vitebsk 25.12\n15:00", "/visit", command{Name: "visit", Args: "Vitebsk 25.12\n15:00"}, true},
		{"/help", "", command{Name: "help"}, true},
		{"/help\nmore", "", command{Name: "help", Args: "more"}, true},
		{"hello /start", "", command{}, false},
		{"/", "", command{}, false},
		{"/привет", "", command{}, false},
		{"/a-b", "", command{}, false},
		{"Vitebsk", "", command{}, false},
	}
	for _, tt := range tests {
		var ents []models.MessageEntity
		if tt.token != "" {
			ents = cmdEntity(tt.text, tt.token)
		}
		got, ok := parseCommand(tt.text, ents, "pobratim_test_bot")
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

// Entity offsets count UTF-16 units: an emoji before the arguments takes two
// units, and a byte-offset reading would cut the command in half.
func TestParseCommandUTF16Lengths(t *testing.T) {
	text := "/partners@pobratim_test_bot"
	ents := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: 27}}
	if got, ok := parseCommand(text+" 🇧🇾 Гомель", ents, "pobratim_test_bot"); !ok || got.Name != "partners" || got.Args != "🇧🇾 Гомель" {
		t.Fatalf("got %+v %v", got, ok)
	}
	// A command entity that is not at the start is not a command.
	ents = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 3, Length: 6}}
	if _, ok := parseCommand("🙂 /start", ents, "b"); ok {
		t.Fatal("command in the middle of text accepted")
	}
	// A broken entity never panics.
	ents = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: 99}}
	if _, ok := parseCommand("/start", ents, "b"); ok {
		t.Fatal("entity longer than text accepted")
	}
}

func FuzzParseCommand(f *testing.F) {
	f.Add("/start@bot args", 6)
	f.Add("/x\xff", 2)
	f.Fuzz(func(t *testing.T, text string, n int) {
		ents := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: n}}
		parseCommand(text, ents, "bot")
		parseCommand(text, nil, "bot")
	})
}
