package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// markup is a decoded reply_markup.
type markup struct {
	inline *models.InlineKeyboardMarkup // an inline keyboard with at least one row
	other  json.RawMessage              // a reply keyboard, keyboard removal or force reply
	key    string                       // canonical form, empty for none
}

const badMarkup = "can't parse reply keyboard markup JSON object"

// parseMarkup decodes and checks a reply_markup field the way Telegram does: inline
// buttons need an action besides their text, and callback_data is 1–64 bytes. An
// inline keyboard without rows is no keyboard.
func parseMarkup(raw string) (markup, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return markup{}, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &probe); err != nil || probe == nil {
		return markup{}, badRequest(badMarkup)
	}
	if _, ok := probe["inline_keyboard"]; ok {
		var m models.InlineKeyboardMarkup
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return markup{}, badRequest(badMarkup)
		}
		if len(m.InlineKeyboard) == 0 {
			return markup{}, nil
		}
		for _, row := range m.InlineKeyboard {
			for _, b := range row {
				if e := checkInlineButton(b); e != nil {
					return markup{}, e
				}
			}
		}
		key, _ := json.Marshal(&m)
		return markup{inline: &m, key: string(key)}, nil
	}
	for _, k := range []string{"keyboard", "remove_keyboard", "force_reply"} {
		if _, ok := probe[k]; ok {
			key, _ := json.Marshal(probe) // sorted keys, compact
			return markup{other: json.RawMessage(raw), key: string(key)}, nil
		}
	}
	return markup{}, badRequest(badMarkup)
}

func checkInlineButton(b models.InlineKeyboardButton) *apiError {
	if b.Text == "" {
		return badRequest("BUTTON_TEXT_INVALID")
	}
	if len(b.CallbackData) > 64 {
		return badRequest("BUTTON_DATA_INVALID")
	}
	actions := 0
	for _, set := range []bool{
		b.CallbackData != "", b.URL != "", b.WebApp != nil, b.LoginURL != nil,
		b.SwitchInlineQuery != nil, b.SwitchInlineQueryCurrentChat != nil,
		b.SwitchInlineQueryChosenChat != nil, b.CopyText != nil, b.CallbackGame != nil,
		b.Pay, b.Disabled != nil,
	} {
		if set {
			actions++
		}
	}
	if actions == 0 {
		return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	return nil
}

// formatText applies a parse mode to a text or caption and returns what the user
// sees, with its entities, trimmed of surrounding white space as Telegram trims it.
// HTML is parsed and checked like Telegram does; Markdown modes are not checked.
func formatText(raw, parseMode, entities string) (string, []models.MessageEntity, *apiError) {
	if !utf8.ValidString(raw) {
		return "", nil, badRequest("text must be encoded in UTF-8")
	}
	var plain string
	var ents []models.MessageEntity
	switch strings.ToLower(parseMode) {
	case "":
		plain = raw
		if strings.TrimSpace(entities) != "" {
			if err := json.Unmarshal([]byte(entities), &ents); err != nil {
				return "", nil, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		var err error
		plain, ents, err = ParseHTML(raw)
		if err != nil {
			return "", nil, badRequest("can't parse entities: %v", err)
		}
	case "markdown", "markdownv2":
		plain = raw
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	plain, ents = trimText(plain, ents)
	return plain, ents, nil
}

// trimText removes leading and trailing white space and moves the entities with the
// text.
func trimText(text string, ents []models.MessageEntity) (string, []models.MessageEntity) {
	body := strings.TrimSpace(text)
	if len(body) == len(text) {
		return text, ents
	}
	if body == "" {
		return "", nil
	}
	lead := utf16Len(text[:strings.Index(text, body)])
	total := utf16Len(body)
	var out []models.MessageEntity
	for _, e := range ents {
		start := max(e.Offset-lead, 0)
		end := min(e.Offset+e.Length-lead, total)
		if end > start {
			e.Offset, e.Length = start, end-start
			out = append(out, e)
		}
	}
	return body, out
}

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
	"tg-time": true,
}

type openTag struct {
	name   string
	start  int // UTF-16 offset in the plain text
	entity models.MessageEntity
}

// ParseHTML parses a text in Telegram's HTML parse mode and returns the plain text
// and its entities (offsets in UTF-16 code units). It fails, with the wording
// Telegram uses after "Bad Request: can't parse entities: ", on an unsupported tag,
// a tag left open or closed out of order, or an unescaped "<". Only &lt; &gt; &amp;
// &quot; and numeric character references are decoded; any other "&" is kept as is.
func ParseHTML(src string) (string, []models.MessageEntity, error) {
	var b strings.Builder
	b.Grow(len(src))
	pos := 0
	emit := func(r rune) {
		b.WriteRune(r)
		pos += utf16RuneLen(r)
	}
	var stack []openTag
	var ents []models.MessageEntity
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	isNameChar := func(c byte) bool {
		return c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}

	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '&':
			if r, n := decodeCharRef(src[i:]); n > 0 {
				emit(r)
				i += n
				continue
			}
			emit('&')
			i++

		case c == '<' && i+1 < len(src) && src[i+1] == '/':
			j := i + 2
			for j < len(src) && isNameChar(src[j]) {
				j++
			}
			name := strings.ToLower(src[i+2 : j])
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			if j >= len(src) || src[j] != '>' {
				return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", i)
			}
			if len(stack) == 0 {
				return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", i)
			}
			top := stack[len(stack)-1]
			if top.name != name {
				return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
			}
			stack = stack[:len(stack)-1]
			if top.entity.Type != "" && pos > top.start {
				e := top.entity
				e.Offset, e.Length = top.start, pos-top.start
				ents = append(ents, e)
			}
			i = j + 1

		case c == '<':
			j := i + 1
			for j < len(src) && isNameChar(src[j]) {
				j++
			}
			name := strings.ToLower(src[i+1 : j])
			if !htmlTags[name] {
				return "", nil, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
			}
			attrs := map[string]string{}
			for {
				for j < len(src) && isSpace(src[j]) {
					j++
				}
				if j >= len(src) {
					return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", i)
				}
				if src[j] == '>' {
					j++
					break
				}
				k := j
				for k < len(src) && isNameChar(src[k]) {
					k++
				}
				if k == j {
					return "", nil, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, j)
				}
				attr := strings.ToLower(src[j:k])
				j = k
				for j < len(src) && isSpace(src[j]) {
					j++
				}
				if j >= len(src) || src[j] != '=' {
					attrs[attr] = ""
					continue
				}
				j++
				for j < len(src) && isSpace(src[j]) {
					j++
				}
				if j >= len(src) {
					return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", i)
				}
				var val string
				if q := src[j]; q == '"' || q == '\'' {
					end := strings.IndexByte(src[j+1:], q)
					if end < 0 {
						return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", i)
					}
					val = src[j+1 : j+1+end]
					j += end + 2
				} else {
					k := j
					for k < len(src) && !isSpace(src[k]) && src[k] != '>' {
						k++
					}
					val = src[j:k]
					j = k
				}
				attrs[attr] = decodeCharRefs(val)
			}
			ent, err := tagEntity(name, attrs, stack, i)
			if err != nil {
				return "", nil, err
			}
			stack = append(stack, openTag{name: name, start: pos, entity: ent})
			i = j

		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			emit(r)
			i += size
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	sort.SliceStable(ents, func(a, b int) bool {
		if ents[a].Offset != ents[b].Offset {
			return ents[a].Offset < ents[b].Offset
		}
		return ents[a].Length > ents[b].Length
	})
	return b.String(), ents, nil
}

// tagEntity returns the entity a start tag opens; its Type is empty for a tag that
// opens none.
func tagEntity(name string, attrs map[string]string, stack []openTag, at int) (models.MessageEntity, error) {
	var e models.MessageEntity
	switch name {
	case "b", "strong":
		e.Type = models.MessageEntityTypeBold
	case "i", "em":
		e.Type = models.MessageEntityTypeItalic
	case "u", "ins":
		e.Type = models.MessageEntityTypeUnderline
	case "s", "strike", "del":
		e.Type = models.MessageEntityTypeStrikethrough
	case "tg-spoiler":
		e.Type = models.MessageEntityTypeSpoiler
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return e, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", at)
		}
		e.Type = models.MessageEntityTypeSpoiler
	case "a":
		href := attrs["href"]
		switch {
		case href == "":
		case strings.HasPrefix(href, "tg://user?id="):
			id, err := strconv.ParseInt(strings.TrimPrefix(href, "tg://user?id="), 10, 64)
			if err != nil {
				return e, fmt.Errorf("Wrong user identifier in \"%s\" at byte offset %d", href, at)
			}
			e.Type = models.MessageEntityTypeTextMention
			e.User = &models.User{ID: id}
		default:
			e.Type = models.MessageEntityTypeTextLink
			e.URL = href
		}
	case "code":
		if n := len(stack); n > 0 && stack[n-1].name == "pre" && strings.HasPrefix(attrs["class"], "language-") {
			stack[n-1].entity.Language = strings.TrimPrefix(attrs["class"], "language-")
			return e, nil
		}
		e.Type = models.MessageEntityTypeCode
	case "pre":
		e.Type = models.MessageEntityTypePre
	case "blockquote":
		e.Type = models.MessageEntityTypeBlockquote
		if _, ok := attrs["expandable"]; ok {
			e.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "tg-emoji":
		if id := attrs["emoji-id"]; id != "" {
			e.Type = models.MessageEntityTypeCustomEmoji
			e.CustomEmojiID = id
		}
	case "tg-time":
		if unix, err := strconv.Atoi(attrs["unix"]); err == nil {
			e.Type = models.MessageEntityTypeDateTime
			e.UnixTime = unix
			e.DateTimeFormat = attrs["format"]
		}
	}
	return e, nil
}

var errNoCharRef = errors.New("no character reference")

// decodeCharRef decodes the character reference at the start of s and returns the
// character and the bytes it took, or 0 bytes when s does not start with one.
func decodeCharRef(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0
	}
	r, err := charRef(s[1:end])
	if err != nil {
		return 0, 0
	}
	return r, end + 1
}

func charRef(name string) (rune, error) {
	switch name {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "quot":
		return '"', nil
	}
	if !strings.HasPrefix(name, "#") {
		return 0, errNoCharRef
	}
	digits, base := name[1:], 10
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n == 0 || n > unicode.MaxRune || n >= 0xD800 && n <= 0xDFFF {
		return 0, errNoCharRef
	}
	return rune(n), nil
}

func decodeCharRefs(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if r, n := decodeCharRef(s[i:]); n > 0 {
				b.WriteRune(r)
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
