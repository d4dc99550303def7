package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// command is a parsed "/name@bot args" message.
type command struct {
	Name     string // lower-case, without the slash and the bot name
	Args     string
	ForOther bool // addressed to another bot ("/start@OtherBot")
}

// parseCommand reads the command at the start of a message. Telegram marks
// commands with a bot_command entity whose offset and length count UTF-16
// code units, not bytes; the library's own matcher gets this wrong and misses
// "/cmd@BotName", so the transport parses commands itself. A leading
// "/word" without an entity is accepted too (forwarded or console text).
func parseCommand(text string, entities []models.MessageEntity, botUsername string) (command, bool) {
	var token, rest string
	found := false
	for _, e := range entities {
		if e.Type != models.MessageEntityTypeBotCommand || e.Offset != 0 {
			continue
		}
		units := utf16.Encode([]rune(text))
		if e.Length <= 0 || e.Length > len(units) {
			return command{}, false
		}
		token = string(utf16.Decode(units[:e.Length]))
		rest = string(utf16.Decode(units[e.Length:]))
		found = true
		break
	}
	if !found {
		if !strings.HasPrefix(text, "/") {
			return command{}, false
		}
		token, rest, _ = strings.Cut(text, " ")
		if i := strings.IndexAny(token, "\n\t"); i >= 0 {
			token, rest = token[:i], token[i:]+" "+rest
		}
	}
	name, target, addressed := strings.Cut(strings.TrimPrefix(token, "/"), "@")
	if !validCommandName(name) {
		return command{}, false
	}
	c := command{Name: strings.ToLower(name), Args: strings.TrimSpace(rest)}
	if addressed && !strings.EqualFold(target, botUsername) {
		c.ForOther = true
	}
	return c, true
}

// validCommandName accepts what Telegram allows in commands: 1–32 Latin
// letters, digits and underscores.
func validCommandName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
