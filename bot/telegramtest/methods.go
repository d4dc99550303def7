package telegramtest

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// method is a Bot API method the server implements. fn runs with s.mu held; long,
// for methods that wait, runs without it.
type method struct {
	name string
	fn   func(s *Server, req *request) (any, *apiError)
	long func(s *Server, ctx context.Context, req *request) (any, *apiError)
}

// methodTable maps lower-case method names to their implementation.
var methodTable = map[string]method{}

func init() {
	for _, m := range []method{
		{name: "getMe", fn: (*Server).getMe},
		{name: "getUpdates", long: (*Server).getUpdates},
		{name: "sendMessage", fn: (*Server).sendMessage},
		{name: "editMessageText", fn: (*Server).editMessageText},
		{name: "editMessageReplyMarkup", fn: (*Server).editMessageReplyMarkup},
		{name: "deleteMessage", fn: (*Server).deleteMessage},
		{name: "answerCallbackQuery", fn: (*Server).answerCallbackQuery},
		{name: "sendDocument", fn: (*Server).sendDocument},
		{name: "sendPhoto", fn: (*Server).sendPhoto},
		{name: "sendLocation", fn: (*Server).sendLocation},
		{name: "sendChatAction", fn: (*Server).sendChatAction},
		{name: "getFile", fn: (*Server).getFile},
		{name: "setMyCommands", fn: (*Server).setMyCommands},
		{name: "deleteMyCommands", fn: (*Server).deleteMyCommands},
		{name: "getMyCommands", fn: (*Server).getMyCommands},
		{name: "setWebhook", fn: (*Server).setWebhook},
		{name: "deleteWebhook", fn: (*Server).deleteWebhook},
		{name: "getWebhookInfo", fn: (*Server).getWebhookInfo},
	} {
		methodTable[strings.ToLower(m.name)] = m
	}
}

// Telegram's limits on what a message carries.
const (
	maxTextLength    = 4096
	maxCaptionLength = 1024
)

// chatState is a chat as the server knows it: its description and its messages.
type chatState struct {
	chat     models.Chat
	lastID   int
	messages map[int]*storedMessage
}

// storedMessage is a message in a chat in its current state.
type storedMessage struct {
	msg       models.Message // as the Bot API returns it: text after parse mode, entities
	raw       string         // text or caption as the bot sent it, before parse mode
	parseMode string
	markupKey string // canonical reply_markup, for "message is not modified"
	markup    *models.InlineKeyboardMarkup
	fromBot   bool
}

// chatState returns the state of a chat described by an update, creating it or
// refreshing its description. The caller holds s.mu.
func (s *Server) chatState(c models.Chat) *chatState {
	cs := s.chats[c.ID]
	if cs == nil {
		cs = &chatState{chat: c, messages: map[int]*storedMessage{}}
		s.chats[c.ID] = cs
	} else if c.Type != "" {
		cs.chat = c
	}
	return cs
}

// chatByID returns the state of a chat the bot addresses by id, creating it with a
// description inferred from the id when the chat has not been seen. The caller holds
// s.mu.
func (s *Server) chatByID(id int64) *chatState {
	if cs := s.chats[id]; cs != nil {
		return cs
	}
	c := models.Chat{ID: id, Type: inferChatType(id)}
	if u, ok := s.users[id]; ok {
		c = u.PrivateChat()
	}
	return s.chatState(c)
}

// target resolves the chat_id of a call and refuses chats that blocked the bot. The
// caller holds s.mu.
func (s *Server) target(req *request) (*chatState, *apiError) {
	v := strings.TrimSpace(req.str("chat_id"))
	if v == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		if !strings.HasPrefix(v, "@") {
			return nil, badRequest("chat not found")
		}
		found := false
		for cid, cs := range s.chats {
			if strings.EqualFold("@"+cs.chat.Username, v) {
				id, found = cid, true
				break
			}
		}
		if !found {
			return nil, badRequest("chat not found")
		}
	}
	if s.blocked[id] {
		if id > 0 {
			return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
		}
		return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was kicked from the group chat"}
	}
	return s.chatByID(id), nil
}

// Block makes every call addressing the chat fail with 403, "Forbidden: bot was
// blocked by the user" for a private chat and "Forbidden: bot was kicked from the
// group chat" for a group, until Unblock, or until the user writes to the bot again.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// newBotMessage allocates the next message of the bot in a chat. The caller holds
// s.mu.
func (s *Server) newBotMessage(cs *chatState) models.Message {
	cs.lastID++
	bot := s.bot
	return models.Message{
		ID:   cs.lastID,
		From: &bot,
		Date: int(s.now().Unix()),
		Chat: cs.chat,
	}
}

// rateCheck applies WithRateLimits to a message for a chat. The caller holds s.mu.
func (s *Server) rateCheck(chatID int64) *apiError {
	if s.limits == nil {
		return nil
	}
	if wait := s.limits.allow(s.now(), chatID); wait > 0 {
		return &apiError{
			code:       http.StatusTooManyRequests,
			desc:       "Too Many Requests: retry after " + strconv.Itoa(wait),
			retryAfter: wait,
		}
	}
	return nil
}

func (s *Server) getMe(*request) (any, *apiError) {
	return s.bot, nil
}

// messageText validates a text or caption and returns it as the user sees it.
func messageText(raw, parseMode, entities string, limit int, empty, tooLong string) (string, []models.MessageEntity, *apiError) {
	plain, ents, e := formatText(raw, parseMode, entities)
	if e != nil {
		return "", nil, e
	}
	if empty != "" && plain == "" {
		return "", nil, badRequest("%s", empty)
	}
	if utf8.RuneCountInString(plain) > limit {
		return "", nil, badRequest("%s", tooLong)
	}
	return plain, ents, nil
}

func (s *Server) sendMessage(req *request) (any, *apiError) {
	cs, e := s.target(req)
	if e != nil {
		return nil, e
	}
	raw, mode := req.str("text"), req.str("parse_mode")
	plain, ents, e := messageText(raw, mode, req.str("entities"), maxTextLength, "message text is empty", "message is too long")
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(req.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	if e := s.rateCheck(cs.chat.ID); e != nil {
		return nil, e
	}
	m := s.newBotMessage(cs)
	m.Text, m.Entities, m.ReplyMarkup = plain, ents, mk.inline
	cs.messages[m.ID] = &storedMessage{msg: m, raw: raw, parseMode: mode, markupKey: mk.key, markup: mk.inline, fromBot: true}
	s.record(Sent{
		Method: "sendMessage", ChatID: cs.chat.ID, MessageID: m.ID,
		Text: raw, ParseMode: mode, Plain: plain,
		Markup: mk.inline, ReplyKeyboard: mk.other,
		Fields: req.fields,
	})
	return m, nil
}

// editable finds the bot's message a call edits. The caller holds s.mu.
func (s *Server) editable(req *request) (*chatState, *storedMessage, *apiError) {
	if req.str("inline_message_id") != "" && req.str("chat_id") == "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	cs, e := s.target(req)
	if e != nil {
		return nil, nil, e
	}
	id, ok, e := req.int64Field("message_id")
	if e != nil {
		return nil, nil, e
	}
	if !ok {
		return nil, nil, badRequest("message identifier is not specified")
	}
	sm := cs.messages[int(id)]
	if sm == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	if !sm.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return cs, sm, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(req *request) (any, *apiError) {
	cs, sm, e := s.editable(req)
	if e != nil {
		return nil, e
	}
	if sm.msg.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	raw, mode := req.str("text"), req.str("parse_mode")
	plain, ents, e := messageText(raw, mode, req.str("entities"), maxTextLength, "message text is empty", "message is too long")
	if e != nil {
		return nil, e
	}
	// Like Telegram, an edit without reply_markup removes the inline keyboard.
	mk, e := parseMarkup(req.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	if mk.other != nil {
		return nil, badRequest("inline keyboard expected")
	}
	if plain == sm.msg.Text && sameEntities(ents, sm.msg.Entities) && mk.key == sm.markupKey {
		return nil, badRequest(notModified)
	}
	if e := s.rateCheck(cs.chat.ID); e != nil {
		return nil, e
	}
	m := sm.msg
	m.Text, m.Entities, m.ReplyMarkup = plain, ents, mk.inline
	m.EditDate = int(s.now().Unix())
	cs.messages[m.ID] = &storedMessage{msg: m, raw: raw, parseMode: mode, markupKey: mk.key, markup: mk.inline, fromBot: true}
	s.record(Sent{
		Method: "editMessageText", ChatID: cs.chat.ID, MessageID: m.ID,
		Text: raw, ParseMode: mode, Plain: plain, Markup: mk.inline,
		Fields: req.fields,
	})
	return m, nil
}

func (s *Server) editMessageReplyMarkup(req *request) (any, *apiError) {
	cs, sm, e := s.editable(req)
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(req.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	if mk.other != nil {
		return nil, badRequest("inline keyboard expected")
	}
	if mk.key == sm.markupKey {
		return nil, badRequest(notModified)
	}
	if e := s.rateCheck(cs.chat.ID); e != nil {
		return nil, e
	}
	m := sm.msg
	m.ReplyMarkup = mk.inline
	m.EditDate = int(s.now().Unix())
	next := *sm
	next.msg, next.markupKey, next.markup = m, mk.key, mk.inline
	cs.messages[m.ID] = &next
	s.record(Sent{
		Method: "editMessageReplyMarkup", ChatID: cs.chat.ID, MessageID: m.ID,
		Markup: mk.inline, Fields: req.fields,
	})
	return m, nil
}

func (s *Server) deleteMessage(req *request) (any, *apiError) {
	cs, e := s.target(req)
	if e != nil {
		return nil, e
	}
	id, ok, e := req.int64Field("message_id")
	if e != nil {
		return nil, e
	}
	if !ok {
		return nil, badRequest("message identifier is not specified")
	}
	sm := cs.messages[int(id)]
	if sm == nil {
		return nil, badRequest("message to delete not found")
	}
	delete(cs.messages, int(id))
	s.record(Sent{
		Method: "deleteMessage", ChatID: cs.chat.ID, MessageID: int(id),
		Text: sm.raw, Fields: req.fields,
	})
	return true, nil
}

// CallbackAnswer is an answerCallbackQuery call the bot made.
type CallbackAnswer struct {
	QueryID   string // callback_query_id
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
}

func (s *Server) answerCallbackQuery(req *request) (any, *apiError) {
	id := req.str("callback_query_id")
	answered, known := s.queries[id]
	if !known || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(req.str("text")) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	cacheTime, _, e := req.int64Field("cache_time")
	if e != nil {
		return nil, e
	}
	s.queries[id] = true
	s.answers = append(s.answers, CallbackAnswer{
		QueryID:   id,
		Text:      req.str("text"),
		ShowAlert: req.boolField("show_alert"),
		URL:       req.str("url"),
		CacheTime: int(cacheTime),
	})
	return true, nil
}

// sendFile serves sendDocument and sendPhoto.
func (s *Server) sendFile(req *request, method, field, kind string) (any, *apiError) {
	cs, e := s.target(req)
	if e != nil {
		return nil, e
	}
	var f *storedFile
	var data []byte
	var name string
	if up, ok := req.files[field]; ok {
		if len(up.data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		data, name = up.data, up.name
	} else if v := req.str(field); v != "" {
		switch {
		case s.files[v] != nil:
			f = s.files[v]
			data, name = f.data, f.name
		case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
			name = v[strings.LastIndex(v, "/")+1:]
		default:
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
	} else {
		return nil, badRequest("there is no %s in the request", field)
	}
	raw, mode := req.str("caption"), req.str("parse_mode")
	plain, ents, e := messageText(raw, mode, req.str("caption_entities"), maxCaptionLength, "", "message caption is too long")
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(req.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	if e := s.rateCheck(cs.chat.ID); e != nil {
		return nil, e
	}
	if f == nil {
		mimeType := ""
		if up, ok := req.files[field]; ok {
			mimeType = up.contentType
		}
		f = s.storeFile(kind, name, mimeType, data)
	}
	m := s.newBotMessage(cs)
	m.Caption, m.CaptionEntities, m.ReplyMarkup = plain, ents, mk.inline
	if field == "photo" {
		w, h := imageSize(f.data)
		m.Photo = []models.PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: w, Height: h, FileSize: len(f.data)}}
	} else {
		m.Document = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mime, FileSize: int64(len(f.data))}
	}
	cs.messages[m.ID] = &storedMessage{msg: m, raw: raw, parseMode: mode, markupKey: mk.key, markup: mk.inline, fromBot: true}
	s.record(Sent{
		Method: method, ChatID: cs.chat.ID, MessageID: m.ID,
		Caption: raw, ParseMode: mode, Plain: plain,
		Markup: mk.inline, ReplyKeyboard: mk.other,
		FileName: name, FileData: data,
		Fields: req.fields,
	})
	return m, nil
}

func (s *Server) sendDocument(req *request) (any, *apiError) {
	return s.sendFile(req, "sendDocument", "document", "documents")
}

func (s *Server) sendPhoto(req *request) (any, *apiError) {
	return s.sendFile(req, "sendPhoto", "photo", "photos")
}

func (s *Server) sendLocation(req *request) (any, *apiError) {
	cs, e := s.target(req)
	if e != nil {
		return nil, e
	}
	lat, okLat, e := req.floatField("latitude")
	if e != nil {
		return nil, e
	}
	lon, okLon, e := req.floatField("longitude")
	if e != nil {
		return nil, e
	}
	if !okLat || lat < -90 || lat > 90 {
		return nil, badRequest("wrong latitude specified")
	}
	if !okLon || lon < -180 || lon > 180 {
		return nil, badRequest("wrong longitude specified")
	}
	mk, e := parseMarkup(req.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	if e := s.rateCheck(cs.chat.ID); e != nil {
		return nil, e
	}
	m := s.newBotMessage(cs)
	m.Location = &models.Location{Latitude: lat, Longitude: lon}
	m.ReplyMarkup = mk.inline
	cs.messages[m.ID] = &storedMessage{msg: m, markupKey: mk.key, markup: mk.inline, fromBot: true}
	s.record(Sent{
		Method: "sendLocation", ChatID: cs.chat.ID, MessageID: m.ID,
		Latitude: lat, Longitude: lon,
		Markup: mk.inline, ReplyKeyboard: mk.other,
		Fields: req.fields,
	})
	return m, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true,
	"choose_sticker": true, "find_location": true, "record_video_note": true,
	"upload_video_note": true,
}

func (s *Server) sendChatAction(req *request) (any, *apiError) {
	cs, e := s.target(req)
	if e != nil {
		return nil, e
	}
	action := req.str("action")
	if !chatActions[action] {
		return nil, badRequest("wrong parameter action in request")
	}
	s.actions[cs.chat.ID] = append(s.actions[cs.chat.ID], action)
	return true, nil
}

// ChatActions returns the actions (typing, upload_document, …) the bot showed in a
// chat with sendChatAction, in order.
func (s *Server) ChatActions(chatID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.actions[chatID]...)
}

// CallbackAnswers returns the bot's answers to callback queries, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// Message returns the current state of a message in a chat, after edits: its text (or
// caption) as the bot sent it, before parse mode, and its inline keyboard. ok is false
// when there is no such message, e.g. after deleteMessage. For a message from a user
// it returns the user's text.
func (s *Server) Message(chatID int64, messageID int) (text string, markup *models.InlineKeyboardMarkup, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil {
		return "", nil, false
	}
	sm := cs.messages[messageID]
	if sm == nil {
		return "", nil, false
	}
	if !sm.fromBot {
		return sm.msg.Text, nil, true
	}
	return sm.raw, sm.markup, true
}

// ChatMessage returns a message in a chat as the Bot API describes it now: text after
// parse mode with its entities, caption, document, inline keyboard, edit date. ok is
// false when there is no such message.
func (s *Server) ChatMessage(chatID int64, messageID int) (m models.Message, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		if sm := cs.messages[messageID]; sm != nil {
			return sm.msg, true
		}
	}
	return models.Message{}, false
}

func sameEntities(a, b []models.MessageEntity) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}
