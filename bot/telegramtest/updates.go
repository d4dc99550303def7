package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// User is a simulated person talking to the bot. Their private chat with the bot has
// the same id as the user, as in Telegram.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// TelegramUser returns the user as the Bot API describes them in updates.
func (u User) TelegramUser() models.User {
	return models.User{
		ID:           u.ID,
		FirstName:    u.FirstName,
		LastName:     u.LastName,
		Username:     u.Username,
		LanguageCode: u.LanguageCode,
	}
}

// PrivateChat returns the user's private chat with the bot.
func (u User) PrivateChat() models.Chat {
	return models.Chat{
		ID:        u.ID,
		Type:      models.ChatTypePrivate,
		FirstName: u.FirstName,
		LastName:  u.LastName,
		Username:  u.Username,
	}
}

// queuedUpdate is an update waiting to be confirmed by the bot.
type queuedUpdate struct {
	id        int64
	kind      string // the update's type, e.g. "message"; empty when it has none
	raw       json.RawMessage
	forced    bool // injected with an id the bot has already seen: delivered once anyway
	delivered bool
}

// poller is a getUpdates request waiting for updates.
type poller struct {
	kicked chan struct{} // closed when a newer getUpdates request takes over
}

// defaultExcluded are the update types Telegram does not deliver unless they are
// listed in allowed_updates.
var defaultExcluded = map[string]bool{
	models.AllowedUpdateChatMember:           true,
	models.AllowedUpdateMessageReaction:      true,
	models.AllowedUpdateMessageReactionCount: true,
}

// SendText injects a text message from the user in their private chat with the bot
// and returns its update_id. Like Telegram, it marks every /command token (including
// "/command@SomeBot") with a bot_command entity, offsets and lengths counted in UTF-16
// code units.
func (s *Server) SendText(u User, text string) int64 {
	return s.userMessage(u.PrivateChat(), u, func(m *models.Message) {
		m.Text = text
		m.Entities = CommandEntities(text)
	})
}

// SendGroupText injects a text message from the user in a group chat and returns its
// update_id. An empty chat type is taken to be "supergroup" for ids of the -100…
// form and "group" otherwise.
func (s *Server) SendGroupText(chat models.Chat, u User, text string) int64 {
	if chat.Type == "" {
		chat.Type = inferChatType(chat.ID)
	}
	return s.userMessage(chat, u, func(m *models.Message) {
		m.Text = text
		m.Entities = CommandEntities(text)
	})
}

// SendDocument injects a document sent by the user in their private chat and returns
// its update_id. The file is stored, so getFile and the download URL serve it; the
// message carries file_id, file_unique_id, file_name, mime_type and file_size, and the
// caption gets bot_command entities like a text does.
func (s *Server) SendDocument(u User, fileName, mimeType string, content []byte, caption string) int64 {
	return s.userMessage(u.PrivateChat(), u, func(m *models.Message) {
		f := s.storeFile("documents", fileName, mimeType, bytes.Clone(content))
		m.Document = &models.Document{
			FileID:       f.id,
			FileUniqueID: f.uniqueID,
			FileName:     f.name,
			MimeType:     f.mime,
			FileSize:     int64(len(content)),
		}
		m.Caption = caption
		m.CaptionEntities = CommandEntities(caption)
	})
}

// SendContact injects the user sharing their own phone number (a contact with their
// user_id, as the request_contact keyboard button sends it) and returns its update_id.
func (s *Server) SendContact(u User, phone string) int64 {
	return s.userMessage(u.PrivateChat(), u, func(m *models.Message) {
		m.Contact = &models.Contact{
			PhoneNumber: phone,
			FirstName:   u.FirstName,
			LastName:    u.LastName,
			UserID:      u.ID,
		}
	})
}

// SendLocation injects the user sharing a location in their private chat and returns
// its update_id.
func (s *Server) SendLocation(u User, latitude, longitude float64) int64 {
	return s.userMessage(u.PrivateChat(), u, func(m *models.Message) {
		m.Location = &models.Location{Latitude: latitude, Longitude: longitude}
	})
}

// userMessage stores a message from a user in a chat and queues it as an update.
func (s *Server) userMessage(chat models.Chat, u User, fill func(*models.Message)) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	if chat.Type == models.ChatTypePrivate {
		// A person who writes to the bot has not blocked it (any more).
		delete(s.blocked, chat.ID)
	}
	cs := s.chatState(chat)
	cs.lastID++
	from := u.TelegramUser()
	m := models.Message{
		ID:   cs.lastID,
		From: &from,
		Date: int(s.now().Unix()),
		Chat: cs.chat,
	}
	fill(&m)
	cs.messages[m.ID] = &storedMessage{msg: m}
	return s.injectLocked(models.Update{Message: &m})
}

// PressButton injects a callback query: the user pressed an inline button carrying
// data under the bot's message messageID in their private chat. The query carries the
// message in its current state; if there is no such message it is an inaccessible
// message, as for a deleted one. It returns the update_id.
func (s *Server) PressButton(u User, messageID int, data string) int64 {
	return s.press(u.PrivateChat(), u, messageID, data)
}

// PressGroupButton is PressButton for a message in a group chat.
func (s *Server) PressGroupButton(chat models.Chat, u User, messageID int, data string) int64 {
	if chat.Type == "" {
		chat.Type = inferChatType(chat.ID)
	}
	return s.press(chat, u, messageID, data)
}

// PressButtonLabeled presses the inline button labeled label under the bot's message
// messageID in the user's private chat, as a person tapping it would, and returns the
// update_id. It fails when the message has no callback button with that label.
func (s *Server) PressButtonLabeled(u User, messageID int, label string) (int64, error) {
	s.mu.Lock()
	var data string
	found := false
	if cs := s.chats[u.ID]; cs != nil {
		if sm := cs.messages[messageID]; sm != nil && sm.markup != nil {
		rows:
			for _, row := range sm.markup.InlineKeyboard {
				for _, b := range row {
					if b.Text == label && b.CallbackData != "" {
						data, found = b.CallbackData, true
						break rows
					}
				}
			}
		}
	}
	s.mu.Unlock()
	if !found {
		return 0, fmt.Errorf("telegramtest: message %d in chat %d has no callback button %q", messageID, u.ID, label)
	}
	return s.PressButton(u, messageID, data), nil
}

func (s *Server) press(chat models.Chat, u User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	cs := s.chatState(chat)
	s.nextQueryID++
	q := &models.CallbackQuery{
		ID:           strconv.FormatInt(4000000000000000000+s.nextQueryID, 10),
		From:         u.TelegramUser(),
		ChatInstance: strconv.FormatInt(chatInstance(chat.ID), 10),
		Data:         data,
	}
	if sm := cs.messages[messageID]; sm != nil {
		m := sm.msg
		q.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &m}
	} else {
		q.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: cs.chat, MessageID: messageID},
		}
	}
	return s.injectLocked(models.Update{CallbackQuery: q})
}

// chatInstance derives a stable opaque chat_instance from a chat id.
func chatInstance(chatID int64) int64 {
	x := uint64(chatID) * 0x9E3779B97F4A7C15
	return int64(x >> 1)
}

// InjectUpdate queues an update as it is. If upd.ID is 0 the next update_id is
// assigned; otherwise that id is used unchanged, so a test can deliver the same update
// twice. An update injected with an id the bot has already received or confirmed is
// delivered once more, whatever offset the bot asks for next. It returns the update_id.
func (s *Server) InjectUpdate(upd models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.injectLocked(upd)
}

func (s *Server) injectLocked(upd models.Update) int64 {
	if upd.ID == 0 {
		upd.ID = s.nextUpdateID
	}
	raw, err := json.Marshal(&upd)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode update: %v", err))
	}
	if upd.CallbackQuery != nil && upd.CallbackQuery.ID != "" {
		if _, ok := s.queries[upd.CallbackQuery.ID]; !ok {
			s.queries[upd.CallbackQuery.ID] = false
		}
	}
	s.enqueue(upd.ID, updateKind(raw), raw)
	return upd.ID
}

// InjectRaw queues a raw JSON update, e.g. of a type the client does not know. A
// missing or zero update_id is replaced by the next one. It returns the update_id and
// panics if raw is not a JSON object.
func (s *Server) InjectRaw(raw json.RawMessage) int64 {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		panic(fmt.Sprintf("telegramtest: InjectRaw needs a JSON object: %s", raw))
	}
	var id int64
	if v, ok := obj["update_id"]; ok {
		_ = json.Unmarshal(v, &id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data := append(json.RawMessage(nil), raw...)
	if id == 0 {
		id = s.nextUpdateID
		obj["update_id"] = json.RawMessage(strconv.FormatInt(id, 10))
		data, _ = json.Marshal(obj)
	}
	if cq, ok := obj["callback_query"]; ok {
		var q struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(cq, &q) == nil && q.ID != "" {
			if _, seen := s.queries[q.ID]; !seen {
				s.queries[q.ID] = false
			}
		}
	}
	s.enqueue(id, updateKind(data), data)
	return id
}

// updateKind returns the type of an encoded update: its field other than update_id.
func updateKind(raw json.RawMessage) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	kinds := make([]string, 0, 1)
	for k := range obj {
		if k != "update_id" {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	slices.Sort(kinds)
	return kinds[0]
}

// enqueue adds an update to the queue and wakes the waiting poller. The caller holds
// s.mu.
func (s *Server) enqueue(id int64, kind string, raw json.RawMessage) {
	if id >= s.nextUpdateID {
		s.nextUpdateID = id + 1
	}
	s.queue = append(s.queue, &queuedUpdate{id: id, kind: kind, raw: raw, forced: id <= s.seen})
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.notify()
}

// Pending returns how many injected updates the bot has not confirmed yet (by asking
// for a higher offset).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Pollers returns how many getUpdates requests the server is serving right now; a
// long-polling bot that waits for updates counts one.
func (s *Server) Pollers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pollers
}

// getUpdates serves long polling. offset confirms, and drops, the updates with lower
// ids; timeout is how many seconds to wait when nothing is pending; limit caps the
// batch (1–100, default 100). A newer getUpdates request ends a waiting one with 409,
// as Telegram does when two bot instances poll.
func (s *Server) getUpdates(ctx context.Context, req *request) (any, *apiError) {
	offset, _, e := req.int64Field("offset")
	if e != nil {
		return nil, e
	}
	limit := int64(100)
	if n, ok, e := req.int64Field("limit"); e != nil {
		return nil, e
	} else if ok && n > 0 {
		limit = min(n, 100)
	}
	timeout, _, e := req.int64Field("timeout")
	if e != nil {
		return nil, e
	}
	var allowed []string
	hasAllowed := req.str("allowed_updates") != ""
	if hasAllowed {
		if err := json.Unmarshal([]byte(req.str("allowed_updates")), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if hasAllowed {
		s.allowed = allowed
	}
	s.confirm(offset)
	if s.poll != nil {
		close(s.poll.kicked)
	}
	me := &poller{kicked: make(chan struct{})}
	s.poll = me
	s.pollers++
	s.notify()
	defer func() {
		// Runs with s.mu held, see the returns below.
		if s.poll == me {
			s.poll = nil
		}
		s.pollers--
		s.mu.Unlock()
	}()

	var timer *time.Timer
	for {
		batch, n := s.collect(int(limit))
		if n > 0 || timeout <= 0 {
			return batch, nil
		}
		if timer == nil {
			timer = time.NewTimer(time.Duration(timeout) * time.Second)
			defer timer.Stop()
		}
		ch := s.arrived
		s.mu.Unlock()
		select {
		case <-ch:
			s.mu.Lock()
		case <-ctx.Done():
			s.mu.Lock()
			return batch, nil
		case <-s.closed:
			s.mu.Lock()
			return batch, nil
		case <-me.kicked:
			s.mu.Lock()
			return nil, &apiError{code: http.StatusConflict, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		case <-timer.C:
			s.mu.Lock()
			batch, _ = s.collect(int(limit))
			return batch, nil
		}
	}
}

// confirm drops the updates an offset confirms. A negative offset keeps only the last
// -offset updates, as in the Bot API. The caller holds s.mu.
func (s *Server) confirm(offset int64) {
	switch {
	case offset > 0:
		kept := s.queue[:0]
		for _, u := range s.queue {
			if u.id < offset && (!u.forced || u.delivered) {
				continue
			}
			kept = append(kept, u)
		}
		clear(s.queue[len(kept):])
		s.queue = kept
		s.seen = max(s.seen, offset-1)
	case offset < 0:
		if n := int(-offset); len(s.queue) > n {
			s.queue = append([]*queuedUpdate(nil), s.queue[len(s.queue)-n:]...)
		}
	}
}

// collect returns a JSON array of up to limit deliverable updates, oldest first, and
// their number, marking them delivered; it drops the queued updates allowed_updates
// excludes. The caller holds s.mu.
func (s *Server) collect(limit int) (json.RawMessage, int) {
	n := 0
	var buf []byte
	buf = append(buf, '[')
	kept := s.queue[:0]
	for _, u := range s.queue {
		if !s.isAllowed(u.kind) {
			continue
		}
		kept = append(kept, u)
		if n < limit {
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, u.raw...)
			u.delivered = true
			s.seen = max(s.seen, u.id)
			n++
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	return append(buf, ']'), n
}

func (s *Server) isAllowed(kind string) bool {
	if kind == "" {
		return true
	}
	if len(s.allowed) == 0 {
		return !defaultExcluded[kind]
	}
	return slices.Contains(s.allowed, kind)
}

// CommandEntities returns the bot_command entities Telegram attaches to a text: one
// for every "/command" or "/command@username" token that stands on its own, with
// offsets and lengths in UTF-16 code units.
func CommandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	isASCIIWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	isBoundary := func(r rune) bool {
		return isWordRune(r) || r == '/' || r == '<' || r == '>'
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '/' {
			continue
		}
		if i > 0 {
			if prev, _ := utf8.DecodeLastRuneInString(text[:i]); isBoundary(prev) {
				continue
			}
		}
		j := i + 1
		for j < len(text) && isASCIIWord(text[j]) {
			j++
		}
		if j == i+1 || j-(i+1) > 64 {
			continue
		}
		end := j
		if j < len(text) && text[j] == '@' {
			k := j + 1
			for k < len(text) && isASCIIWord(text[k]) {
				k++
			}
			if n := k - (j + 1); n < 3 || n > 32 {
				continue
			}
			end = k
		}
		if end < len(text) {
			if next, _ := utf8.DecodeRuneInString(text[end:]); isBoundary(next) {
				continue
			}
		}
		out = append(out, models.MessageEntity{
			Type:   models.MessageEntityTypeBotCommand,
			Offset: utf16Len(text[:i]),
			Length: utf16Len(text[i:end]),
		})
		i = end - 1
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// utf16Len returns the length of s in UTF-16 code units, the unit of entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16RuneLen(r)
	}
	return n
}

func utf16RuneLen(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// inferChatType guesses the type of a chat from its id, as Telegram numbers them:
// users are positive, supergroups and channels are -100…, basic groups are other
// negative ids.
func inferChatType(id int64) models.ChatType {
	switch {
	case id > 0:
		return models.ChatTypePrivate
	case id <= -1000000000000:
		return models.ChatTypeSupergroup
	default:
		return models.ChatTypeGroup
	}
}
