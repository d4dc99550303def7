package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

const token = "1000:test"

var (
	ivan  = telegramtest.User{ID: 501, FirstName: "Іван", LastName: "Казлоў", Username: "ivan_k", LanguageCode: "be"}
	olga  = telegramtest.User{ID: 502, FirstName: "Ольга", Username: "olga", LanguageCode: "ru"}
	group = models.Chat{ID: -1001234567890, Title: "Побратимы"}
)

// newServer starts a server that is closed when the test ends.
func newServer(t *testing.T, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	s := telegramtest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// waitCtx bounds a wait in a test; nothing in these tests should take long.
func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// errLog collects the errors the client reports while polling.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

// newClient creates the real client against the server without polling.
func newClient(t *testing.T, s *telegramtest.Server, opts ...tg.Option) *tg.Bot {
	t.Helper()
	log := &errLog{}
	opts = append([]tg.Option{
		tg.WithServerURL(s.URL()),
		tg.WithErrorsHandler(log.add),
		tg.WithDefaultHandler(func(context.Context, *tg.Bot, *models.Update) {}),
	}, opts...)
	b, err := tg.New(token, opts...)
	if err != nil {
		t.Fatalf("tg.New: %v", err)
	}
	return b
}

// startBot creates the real client with a handler and polls until the test ends.
func startBot(t *testing.T, s *telegramtest.Server, h tg.HandlerFunc, opts ...tg.Option) *tg.Bot {
	t.Helper()
	b := newClient(t, s, append([]tg.Option{tg.WithDefaultHandler(h)}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Start(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

// forward returns a handler that passes every update to the returned channel.
func forward() (tg.HandlerFunc, <-chan *models.Update) {
	ch := make(chan *models.Update, 1000)
	return func(_ context.Context, _ *tg.Bot, upd *models.Update) {
		ch <- upd
	}, ch
}

func receive(t *testing.T, ch <-chan *models.Update) *models.Update {
	t.Helper()
	select {
	case upd := <-ch:
		return upd
	case <-waitCtx(t).Done():
		t.Fatal("no update reached the handler")
		return nil
	}
}

func TestGetMe(t *testing.T) {
	me := models.User{ID: 777, IsBot: true, FirstName: "Twin", Username: "twin_bot"}
	s := newServer(t, telegramtest.WithBotUser(me))
	b := newClient(t, s)
	got, err := b.GetMe(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if *got != me {
		t.Errorf("getMe = %+v, want %+v", *got, me)
	}
	if s.Bot() != me {
		t.Errorf("Bot() = %+v", s.Bot())
	}
	if n := s.Calls("getMe"); n != 2 {
		t.Errorf("Calls(getMe) = %d, want 2 (tg.New and GetMe)", n)
	}
	if toks := s.Tokens(); len(toks) != 1 || toks[0] != token {
		t.Errorf("Tokens() = %q", toks)
	}

	def := telegramtest.NewServer()
	defer def.Close()
	want := models.User{ID: 1000, IsBot: true, FirstName: "Pobratim", Username: "pobratim_test_bot"}
	if def.Bot() != want {
		t.Errorf("default bot %+v, want %+v", def.Bot(), want)
	}
}

func TestTextWithCommandsReachesHandler(t *testing.T) {
	s := newServer(t)
	h, updates := forward()
	startBot(t, s, h)

	text := "👋 Привет! /partners@pobratim_test_bot Витебск /help"
	id := s.SendText(ivan, text)
	upd := receive(t, updates)
	if upd.ID != id {
		t.Errorf("update_id %d, want %d", upd.ID, id)
	}
	m := upd.Message
	if m == nil {
		t.Fatalf("no message in %+v", upd)
	}
	if m.Text != text || m.Chat.ID != ivan.ID || m.Chat.Type != models.ChatTypePrivate || m.From == nil || m.From.ID != ivan.ID || m.From.LanguageCode != "be" {
		t.Errorf("message %+v from %+v", m, m.From)
	}
	if m.Date == 0 || m.ID == 0 {
		t.Errorf("message id %d date %d", m.ID, m.Date)
	}
	// 👋 takes two UTF-16 units, "Привет!" seven: the first command starts at 11.
	want := []models.MessageEntity{
		{Type: models.MessageEntityTypeBotCommand, Offset: 11, Length: 27},
		{Type: models.MessageEntityTypeBotCommand, Offset: 47, Length: 5},
	}
	if len(m.Entities) != len(want) {
		t.Fatalf("entities %+v, want %+v", m.Entities, want)
	}
	for i := range want {
		if m.Entities[i] != want[i] {
			t.Errorf("entity %d = %+v, want %+v", i, m.Entities[i], want[i])
		}
	}
	if s.Pending() != 0 {
		// The client confirms with its next poll, which is under way.
		if err := s.WaitUntil(waitCtx(t), func() bool { return s.Pending() == 0 }); err != nil {
			t.Error(err)
		}
	}
}

func TestGroupTextAndContact(t *testing.T) {
	s := newServer(t)
	h, updates := forward()
	startBot(t, s, h)

	s.SendGroupText(group, olga, "/partners@pobratim_test_bot Минск")
	m := receive(t, updates).Message
	if m.Chat.ID != group.ID || m.Chat.Type != models.ChatTypeSupergroup || m.Chat.Title != group.Title {
		t.Errorf("chat %+v", m.Chat)
	}
	if len(m.Entities) != 1 || m.Entities[0].Offset != 0 || m.Entities[0].Length != 27 {
		t.Errorf("entities %+v", m.Entities)
	}

	s.SendContact(olga, "+375291234567")
	m = receive(t, updates).Message
	if m.Contact == nil || m.Contact.PhoneNumber != "+375291234567" || m.Contact.UserID != olga.ID || m.Contact.FirstName != olga.FirstName {
		t.Errorf("contact %+v", m.Contact)
	}
}

// choiceBot greets /start with an HTML message and an inline keyboard, and answers a
// pressed button by answering the query and editing the message.
func choiceBot(seen chan<- *models.CallbackQuery) tg.HandlerFunc {
	return func(ctx context.Context, b *tg.Bot, upd *models.Update) {
		switch {
		case upd.Message != nil && upd.Message.Text == "/start":
			_, _ = b.SendMessage(ctx, &tg.SendMessageParams{
				ChatID:    upd.Message.Chat.ID,
				Text:      "<b>Привет</b>, выберите &lt;город&gt;:",
				ParseMode: models.ParseModeHTML,
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "Да", CallbackData: "choice:yes"}, {Text: "Нет", CallbackData: "choice:no"}},
				}},
			})
		case upd.CallbackQuery != nil:
			q := upd.CallbackQuery
			seen <- q
			_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Принято"})
			if q.Message.Message != nil {
				_, _ = b.EditMessageText(ctx, &tg.EditMessageTextParams{
					ChatID:    q.Message.Message.Chat.ID,
					MessageID: q.Message.Message.ID,
					Text:      "Вы выбрали: <i>" + q.Data + "</i>",
					ParseMode: models.ParseModeHTML,
				})
			}
		}
	}
}

func TestKeyboardPressAndEdit(t *testing.T) {
	s := newServer(t)
	queries := make(chan *models.CallbackQuery, 10)
	startBot(t, s, choiceBot(queries))
	ctx := waitCtx(t)

	s.SendText(ivan, "/start")
	sent, err := s.WaitFor(ctx, func(x telegramtest.Sent) bool { return x.Method == "sendMessage" && x.ChatID == ivan.ID })
	if err != nil {
		t.Fatal(err)
	}
	if sent.ParseMode != "HTML" || sent.Text != "<b>Привет</b>, выберите &lt;город&gt;:" || sent.Plain != "Привет, выберите <город>:" {
		t.Errorf("sent %+v", sent)
	}
	if sent.Markup == nil || len(sent.Markup.InlineKeyboard) != 1 || sent.Markup.InlineKeyboard[0][1].CallbackData != "choice:no" {
		t.Fatalf("markup %+v", sent.Markup)
	}
	if got := fmt.Sprint(sent.Buttons()); got != "[[Да Нет]]" {
		t.Errorf("Buttons() = %s", got)
	}
	text, markup, ok := s.Message(ivan.ID, sent.MessageID)
	if !ok || text != sent.Text || markup == nil {
		t.Errorf("Message() = %q, %+v, %v", text, markup, ok)
	}
	cm, _ := s.ChatMessage(ivan.ID, sent.MessageID)
	if len(cm.Entities) != 1 || cm.Entities[0].Type != models.MessageEntityTypeBold || cm.Entities[0].Length != 6 {
		t.Errorf("entities %+v", cm.Entities)
	}

	if _, err := s.PressButtonLabeled(ivan, sent.MessageID, "Сябры"); err == nil {
		t.Error("pressing a button that does not exist succeeded")
	}
	if _, err := s.PressButtonLabeled(ivan, sent.MessageID, "Да"); err != nil {
		t.Fatal(err)
	}
	var q *models.CallbackQuery
	select {
	case q = <-queries:
	case <-ctx.Done():
		t.Fatal("no callback query reached the handler")
	}
	if q.Data != "choice:yes" || q.From.ID != ivan.ID || q.ID == "" || q.ChatInstance == "" {
		t.Errorf("query %+v", q)
	}
	if q.Message.Type != models.MaybeInaccessibleMessageTypeMessage || q.Message.Message == nil {
		t.Fatalf("query message %+v", q.Message)
	}
	if qm := q.Message.Message; qm.ID != sent.MessageID || qm.Text != "Привет, выберите <город>:" || qm.From == nil || qm.From.ID != s.Bot().ID || qm.ReplyMarkup == nil {
		t.Errorf("query message %+v", qm)
	}

	edit, err := s.WaitFor(ctx, func(x telegramtest.Sent) bool { return x.Method == "editMessageText" })
	if err != nil {
		t.Fatal(err)
	}
	if edit.MessageID != sent.MessageID || edit.Plain != "Вы выбрали: choice:yes" {
		t.Errorf("edit %+v", edit)
	}
	text, markup, ok = s.Message(ivan.ID, sent.MessageID)
	if !ok || text != "Вы выбрали: <i>choice:yes</i>" {
		t.Errorf("after edit Message() = %q, %v", text, ok)
	}
	if markup != nil {
		t.Errorf("an edit without reply_markup kept the keyboard: %+v", markup)
	}
	if err := s.WaitUntil(ctx, func() bool { return len(s.CallbackAnswers()) == 1 }); err != nil {
		t.Fatal(err)
	}
	if a := s.CallbackAnswers()[0]; a.QueryID != q.ID || a.Text != "Принято" || a.ShowAlert {
		t.Errorf("answer %+v", a)
	}
}

func TestPressButtonOnMissingMessage(t *testing.T) {
	s := newServer(t)
	h, updates := forward()
	startBot(t, s, h)
	s.PressButton(ivan, 99, "stale")
	q := receive(t, updates).CallbackQuery
	if q == nil || q.Message.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage || q.Message.InaccessibleMessage.MessageID != 99 {
		t.Fatalf("query %+v", q)
	}
}

func TestSendReturnsMessagesNumberedPerChat(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	send := func(chat int64, text string) *models.Message {
		t.Helper()
		m, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a1, a2, o1 := send(ivan.ID, "a1"), send(ivan.ID, "a2"), send(olga.ID, "o1")
	if a1.ID != 1 || a2.ID != 2 || o1.ID != 1 {
		t.Errorf("ids %d %d %d, want 1 2 1", a1.ID, a2.ID, o1.ID)
	}
	if a1.From == nil || a1.From.ID != s.Bot().ID || !a1.From.IsBot || a1.Chat.ID != ivan.ID || a1.Date == 0 || a1.Text != "a1" {
		t.Errorf("message %+v", a1)
	}
	s.SendText(ivan, "hi") // takes id 3 in Ivan's chat
	if a4 := send(ivan.ID, "a4"); a4.ID != 4 {
		t.Errorf("id after the user's message %d, want 4", a4.ID)
	}
	if got := s.SentTo(olga.ID); len(got) != 1 || got[0].Text != "o1" {
		t.Errorf("SentTo(olga) = %v", got)
	}
	if got := s.Sent(); len(got) != 4 || got[0].Seq != 1 || got[3].Seq != 4 || got[3].Text != "a4" {
		t.Errorf("Sent() = %v", got)
	}
}

func TestEditsAndDeletes(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	kb := func(data string) *models.InlineKeyboardMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "OK", CallbackData: data}}}}
	}
	m, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: olga.ID, Text: "v1", ReplyMarkup: kb("a")})
	if err != nil {
		t.Fatal(err)
	}

	_, err = b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: olga.ID, MessageID: m.ID, Text: "v1", ReplyMarkup: kb("a")})
	if !errors.Is(err, tg.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("identical edit: %v", err)
	}
	_, err = b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: olga.ID, MessageID: 42, Text: "x"})
	if !errors.Is(err, tg.ErrorBadRequest) || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of a missing message: %v", err)
	}

	edited, err := b.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{ChatID: olga.ID, MessageID: m.ID, ReplyMarkup: kb("b")})
	if err != nil {
		t.Fatal(err)
	}
	if edited == nil || edited.Text != "v1" || edited.EditDate == 0 || edited.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "b" {
		t.Errorf("edited %+v", edited)
	}
	if text, markup, _ := s.Message(olga.ID, m.ID); text != "v1" || markup.InlineKeyboard[0][0].CallbackData != "b" {
		t.Errorf("Message() = %q %+v", text, markup)
	}

	if _, err := b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: olga.ID, MessageID: m.ID, Text: "v2", ReplyMarkup: kb("b")}); err != nil {
		t.Fatal(err)
	}
	if text, markup, _ := s.Message(olga.ID, m.ID); text != "v2" || markup == nil {
		t.Errorf("Message() = %q %+v", text, markup)
	}

	if ok, err := b.DeleteMessage(ctx, &tg.DeleteMessageParams{ChatID: olga.ID, MessageID: m.ID}); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if _, _, ok := s.Message(olga.ID, m.ID); ok {
		t.Error("deleted message still there")
	}
	if _, err := b.DeleteMessage(ctx, &tg.DeleteMessageParams{ChatID: olga.ID, MessageID: m.ID}); !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("second delete: %v", err)
	}
	var methods []string
	for _, x := range s.SentTo(olga.ID) {
		methods = append(methods, x.Method)
	}
	if got := strings.Join(methods, " "); got != "sendMessage editMessageReplyMarkup editMessageText deleteMessage" {
		t.Errorf("recorded %s", got)
	}
}

func TestRefusesWhatTelegramRefuses(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	tests := []struct {
		name   string
		params *tg.SendMessageParams
		want   string
	}{
		{"unescaped <", &tg.SendMessageParams{ChatID: 1, Text: "a < b", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"br tag", &tg.SendMessageParams{ChatID: 1, Text: "a<br>b", ParseMode: models.ParseModeHTML}, `Unsupported start tag "br"`},
		{"empty text", &tg.SendMessageParams{ChatID: 1, Text: "  "}, "message text is empty"},
		{"too long", &tg.SendMessageParams{ChatID: 1, Text: strings.Repeat("я", 4097)}, "message is too long"},
		{"long callback data", &tg.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: strings.Repeat("d", 65)}}}}}, "BUTTON_DATA_INVALID"},
		{"text-only inline button", &tg.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x"}}}}}, "Text buttons are unallowed"},
		{"unknown chat username", &tg.SendMessageParams{ChatID: "@nobody", Text: "x"}, "chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.SendMessage(ctx, tt.params)
			if !errors.Is(err, tg.ErrorBadRequest) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want a bad request with %q", err, tt.want)
			}
		})
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("%d refused calls recorded", n)
	}
	// 64 bytes of callback data and "a &lt; b" are fine.
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: 1, Text: "a &lt; b", ParseMode: models.ParseModeHTML, ReplyMarkup: &models.InlineKeyboardMarkup{
		InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: strings.Repeat("d", 64)}}}}}); err != nil {
		t.Error(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: "123"}); !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("answer to an unknown query: %v", err)
	}
}

func TestAnswerCallbackQueryOnce(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	s.PressButton(ivan, 1, "x")
	// The client has not polled: read the query id the way the bot would see it.
	upds := pollRaw(t, s, map[string]string{"timeout": "0"})
	if len(upds) != 1 || upds[0].CallbackQuery == nil {
		t.Fatalf("updates %+v", upds)
	}
	id := upds[0].CallbackQuery.ID
	if _, err := b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: "!", ShowAlert: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id}); !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("second answer: %v", err)
	}
	if a := s.CallbackAnswers(); len(a) != 1 || a[0].QueryID != id || !a[0].ShowAlert || a[0].Text != "!" {
		t.Errorf("answers %+v", a)
	}
}

func TestReplyKeyboardIsKeptRaw(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	_, err := b.SendMessage(waitCtx(t), &tg.SendMessageParams{ChatID: ivan.ID, Text: "Поделитесь номером", ReplyMarkup: &models.ReplyKeyboardMarkup{
		Keyboard:       [][]models.KeyboardButton{{{Text: "📱 Номер", RequestContact: true}}},
		ResizeKeyboard: true,
	}})
	if err != nil {
		t.Fatal(err)
	}
	x := s.Sent()[0]
	var kb models.ReplyKeyboardMarkup
	if x.Markup != nil || json.Unmarshal(x.ReplyKeyboard, &kb) != nil || !kb.Keyboard[0][0].RequestContact || !kb.ResizeKeyboard {
		t.Errorf("markup %+v, reply keyboard %s", x.Markup, x.ReplyKeyboard)
	}
	if x.Fields["chat_id"] != "501" || x.Fields["text"] != "Поделитесь номером" {
		t.Errorf("fields %v", x.Fields)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	s := newServer(t)
	type download struct {
		name string
		data []byte
		err  error
	}
	downloads := make(chan download, 1)
	startBot(t, s, func(ctx context.Context, b *tg.Bot, upd *models.Update) {
		d := upd.Message.Document
		if d == nil {
			return
		}
		got := download{name: d.FileName}
		defer func() { downloads <- got }()
		f, err := b.GetFile(ctx, &tg.GetFileParams{FileID: d.FileID})
		if err != nil {
			got.err = err
			return
		}
		got.data, got.err = fetch(ctx, b.FileDownloadLink(f))
		if got.err == nil {
			_, got.err = b.SendDocument(ctx, &tg.SendDocumentParams{
				ChatID:    upd.Message.Chat.ID,
				Document:  &models.InputFileUpload{Filename: "summary-" + d.FileName, Data: bytes.NewReader(got.data)},
				Caption:   "<b>Сводка</b>",
				ParseMode: models.ParseModeHTML,
			})
		}
	})
	ctx := waitCtx(t)

	content := append([]byte("%PDF-1.7\x00\xff\xfe binary \r\n"), bytes.Repeat([]byte{0, 1, 2, 250}, 5000)...)
	s.SendDocument(ivan, "Соглашение Витебск–Смоленск.pdf", "application/pdf", content, "/summary")
	var got download
	select {
	case got = <-downloads:
	case <-ctx.Done():
		t.Fatal("the bot did not download the document")
	}
	if got.err != nil {
		t.Fatal(got.err)
	}
	if got.name != "Соглашение Витебск–Смоленск.pdf" || !bytes.Equal(got.data, content) {
		t.Fatalf("downloaded %q, %d bytes, equal %v", got.name, len(got.data), bytes.Equal(got.data, content))
	}

	sent, err := s.WaitFor(ctx, func(x telegramtest.Sent) bool { return x.Method == "sendDocument" })
	if err != nil {
		t.Fatal(err)
	}
	if sent.FileName != "summary-Соглашение Витебск–Смоленск.pdf" || !bytes.Equal(sent.FileData, content) || sent.Caption != "<b>Сводка</b>" || sent.Plain != "Сводка" {
		t.Errorf("sent %s, file %q, %d bytes", sent, sent.FileName, len(sent.FileData))
	}
	// What the bot uploaded is served back too.
	m, ok := s.ChatMessage(ivan.ID, sent.MessageID)
	if !ok || m.Document == nil || m.Document.MimeType != "application/pdf" || m.Document.FileSize != int64(len(content)) {
		t.Fatalf("stored message %+v", m)
	}
	b := newClient(t, s)
	f, err := b.GetFile(ctx, &tg.GetFileParams{FileID: m.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	data, err := fetch(ctx, b.FileDownloadLink(f))
	if err != nil || !bytes.Equal(data, content) || f.FileSize != int64(len(content)) {
		t.Errorf("download of the upload: %v, %d bytes", err, len(data))
	}
	if _, err := b.GetFile(ctx, &tg.GetFileParams{FileID: "nope"}); !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("getFile of an unknown id: %v", err)
	}
	if _, err := fetch(ctx, s.URL()+"/file/bot"+token+"/documents/missing.pdf"); err == nil {
		t.Error("download of a missing file succeeded")
	}
}

func fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func TestSendPhotoAndLocationAndChatAction(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	// A 2×1 PNG.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x02\x00\x00\x00\x7b\x40\xe8\xdd")
	m, err := b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: ivan.ID, Photo: &models.InputFileUpload{Filename: "map.png", Data: bytes.NewReader(png)}, Caption: "Карта"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Photo) != 1 || m.Photo[0].Width != 2 || m.Photo[0].Height != 1 || m.Caption != "Карта" {
		t.Errorf("photo message %+v", m)
	}
	loc, err := b.SendLocation(ctx, &tg.SendLocationParams{ChatID: ivan.ID, Latitude: 55.1904, Longitude: 30.2049})
	if err != nil {
		t.Fatal(err)
	}
	if loc.Location == nil || loc.Location.Latitude != 55.1904 {
		t.Errorf("location message %+v", loc)
	}
	if ok, err := b.SendChatAction(ctx, &tg.SendChatActionParams{ChatID: ivan.ID, Action: models.ChatActionTyping}); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got := s.ChatActions(ivan.ID); len(got) != 1 || got[0] != "typing" {
		t.Errorf("ChatActions = %q", got)
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[0].Method != "sendPhoto" || sent[0].FileName != "map.png" || sent[1].Method != "sendLocation" || sent[1].Latitude != 55.1904 || sent[1].Longitude != 30.2049 {
		t.Errorf("sent %v", sent)
	}
}

func TestCommandsPerLanguageAndScope(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	ru := []models.BotCommand{{Command: "partners", Description: "Найти побратимов"}, {Command: "cancel", Description: "Отменить"}}
	be := []models.BotCommand{{Command: "partners", Description: "Знайсці пабрацімаў"}}
	en := []models.BotCommand{{Command: "partners", Description: "Find partners"}}
	for _, p := range []*tg.SetMyCommandsParams{
		{Commands: ru, LanguageCode: "ru"},
		{Commands: be, LanguageCode: "be", Scope: &models.BotCommandScopeDefault{}},
		{Commands: en, LanguageCode: "en", Scope: &models.BotCommandScopeAllPrivateChats{}},
	} {
		if _, err := b.SetMyCommands(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Commands("ru"); fmt.Sprint(got) != fmt.Sprint(ru) {
		t.Errorf("Commands(ru) = %v", got)
	}
	if got := s.Commands("be"); fmt.Sprint(got) != fmt.Sprint(be) {
		t.Errorf("Commands(be) = %v", got)
	}
	if got := s.Commands("en"); got != nil {
		t.Errorf("Commands(en) in the default scope = %v", got)
	}
	if got := s.CommandsFor(&models.BotCommandScopeAllPrivateChats{}, "en"); fmt.Sprint(got) != fmt.Sprint(en) {
		t.Errorf("CommandsFor(all_private_chats, en) = %v", got)
	}
	sets := s.CommandSets()
	if len(sets) != 3 || sets[0].Scope != `{"type":"all_private_chats"}` || sets[1].Scope != `{"type":"default"}` || sets[1].LanguageCode != "be" {
		t.Errorf("CommandSets = %+v", sets)
	}
	got, err := b.GetMyCommands(ctx, &tg.GetMyCommandsParams{LanguageCode: "be"})
	if err != nil || fmt.Sprint(got) != fmt.Sprint(be) {
		t.Errorf("getMyCommands(be) = %v, %v", got, err)
	}
	if _, err := b.DeleteMyCommands(ctx, &tg.DeleteMyCommandsParams{LanguageCode: "ru"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands("ru"); got != nil {
		t.Errorf("after delete Commands(ru) = %v", got)
	}
	for _, bad := range [][]models.BotCommand{
		{{Command: "Partners", Description: "upper case"}},
		{{Command: "partners", Description: ""}},
	} {
		if _, err := b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: bad}); !errors.Is(err, tg.ErrorBadRequest) {
			t.Errorf("setMyCommands(%v): %v", bad, err)
		}
	}
}

func TestFailNext(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	send := func() error {
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "x"})
		return err
	}

	s.FailNext("sendMessage", 1, http.StatusTooManyRequests, "", 7)
	err := send()
	var tooMany *tg.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 || !strings.Contains(tooMany.Message, "Too Many Requests: retry after 7") {
		t.Fatalf("429: %v", err)
	}
	if err := send(); err != nil {
		t.Fatalf("the call after the injected failure: %v", err)
	}

	s.FailNext("SENDMESSAGE", 2, http.StatusForbidden, "", 0)
	for i := range 2 {
		if err := send(); !errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
			t.Fatalf("403 #%d: %v", i+1, err)
		}
	}
	s.FailNext("sendMessage", 1, http.StatusInternalServerError, "Internal Server Error: restart", 0)
	if err := send(); err == nil || errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "restart") {
		t.Fatalf("500: %v", err)
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if n := s.TooManyRequests(); n != 1 {
		t.Errorf("TooManyRequests = %d, want 1", n)
	}
	if n := s.Calls("sendMessage"); n != 6 {
		t.Errorf("Calls(sendMessage) = %d, want 6", n)
	}
	if n := len(s.Sent()); n != 2 {
		t.Errorf("%d calls recorded, want the 2 that succeeded", n)
	}
}

func TestBlock(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	s.Block(ivan.ID)
	s.Block(group.ID)
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "x"}); !errors.Is(err, tg.ErrorForbidden) {
		t.Errorf("blocked user: %v", err)
	}
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: group.ID, Text: "x"}); !errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "kicked") {
		t.Errorf("kicked from group: %v", err)
	}
	s.SendText(ivan, "/start") // writing to the bot again unblocks it
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "x"}); err != nil {
		t.Errorf("after the user wrote again: %v", err)
	}
}

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRateLimits(t *testing.T) {
	clk := &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newServer(t, telegramtest.WithRateLimits(), telegramtest.WithClock(clk.Now))
	b := newClient(t, s)
	ctx := waitCtx(t)
	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: "x"})
		return err
	}
	retryAfter := func(err error) int {
		var tooMany *tg.TooManyRequestsError
		if !errors.As(err, &tooMany) {
			return 0
		}
		return tooMany.RetryAfter
	}

	if err := send(ivan.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(999 * time.Millisecond)
	err := send(ivan.ID)
	if retryAfter(err) != 1 || !strings.Contains(err.Error(), "Too Many Requests: retry after 1") {
		t.Fatalf("second message within a second: %v", err)
	}
	if err := send(olga.ID); err != nil {
		t.Fatalf("another chat at the same time: %v", err)
	}
	clk.Advance(time.Millisecond)
	if err := send(ivan.ID); err != nil {
		t.Fatalf("message spaced by a second: %v", err)
	}
	// Edits count as messages too.
	if _, err := b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: ivan.ID, MessageID: 1, Text: "y"}); retryAfter(err) != 1 {
		t.Fatalf("edit right after a message: %v", err)
	}

	// 20 messages a minute in a group.
	for i := range 20 {
		clk.Advance(time.Second)
		if err := send(group.ID); err != nil {
			t.Fatalf("group message %d: %v", i+1, err)
		}
	}
	clk.Advance(time.Second)
	if got := retryAfter(send(group.ID)); got != 40 {
		t.Fatalf("21st group message: retry_after %d, want 40", got)
	}

	// 30 messages a second overall.
	clk.Advance(time.Minute)
	for i := range 30 {
		if err := send(int64(9000 + i)); err != nil {
			t.Fatalf("message %d of 30: %v", i+1, err)
		}
	}
	if got := retryAfter(send(9999)); got != 1 {
		t.Fatalf("31st message in a second: retry_after %d, want 1", got)
	}
	if n := s.TooManyRequests(); n != 4 {
		t.Errorf("TooManyRequests = %d, want 4", n)
	}

	// Without WithRateLimits nothing is limited.
	free := newServer(t)
	fb := newClient(t, free)
	for range 3 {
		if _, err := fb.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRateLimitsRealClock(t *testing.T) {
	s := newServer(t, telegramtest.WithRateLimits())
	b := newClient(t, s)
	ctx := waitCtx(t)
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "1"}); err != nil {
		t.Fatal(err)
	}
	_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: "2"})
	var tooMany *tg.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter < 1 {
		t.Fatalf("two messages in a row: %v", err)
	}
}

// rawUpdate is what the tests read of an update polled without the client.
type rawUpdate struct {
	ID            int64                 `json:"update_id"`
	Message       *models.Message       `json:"message"`
	CallbackQuery *models.CallbackQuery `json:"callback_query"`
}

type rawResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// call makes a Bot API call with a multipart form, as the client does.
func call(ctx context.Context, s *telegramtest.Server, method string, fields map[string]string) (int, rawResponse, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+token+"/"+method, &body)
	if err != nil {
		return 0, rawResponse{}, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, rawResponse{}, err
	}
	defer resp.Body.Close()
	var r rawResponse
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return resp.StatusCode, r, fmt.Errorf("decode %s: %w", data, err)
	}
	return resp.StatusCode, r, nil
}

// pollRaw calls getUpdates and decodes the batch.
func pollRaw(t *testing.T, s *telegramtest.Server, fields map[string]string) []rawUpdate {
	t.Helper()
	_, r, err := call(waitCtx(t), s, "getUpdates", fields)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Fatalf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var upds []rawUpdate
	if err := json.Unmarshal(r.Result, &upds); err != nil {
		t.Fatalf("decode %s: %v", r.Result, err)
	}
	return upds
}

func ids(upds []rawUpdate) string {
	var out []string
	for _, u := range upds {
		out = append(out, fmt.Sprint(u.ID))
	}
	return "[" + strings.Join(out, " ") + "]"
}

func TestOffsetsLimitAndRedelivery(t *testing.T) {
	s := newServer(t)
	for _, text := range []string{"a", "b", "c"} {
		s.SendText(olga, text)
	}
	if got := ids(pollRaw(t, s, map[string]string{"limit": "2"})); got != "[1 2]" {
		t.Errorf("limit 2: %s", got)
	}
	if got := ids(pollRaw(t, s, nil)); got != "[1 2 3]" {
		t.Errorf("unconfirmed updates are delivered again: %s", got)
	}
	if got := ids(pollRaw(t, s, map[string]string{"offset": "3"})); got != "[3]" || s.Pending() != 1 {
		t.Errorf("offset 3: %s, pending %d", got, s.Pending())
	}
	if got := ids(pollRaw(t, s, map[string]string{"offset": "4"})); got != "[]" || s.Pending() != 0 {
		t.Errorf("offset 4: %s, pending %d", got, s.Pending())
	}
	// An update injected again with an id already confirmed is delivered once more.
	s.InjectUpdate(models.Update{ID: 2, Message: &models.Message{ID: 2, Date: 1, Chat: olga.PrivateChat(), Text: "b"}})
	upds := pollRaw(t, s, map[string]string{"offset": "4"})
	if ids(upds) != "[2]" || upds[0].Message.Text != "b" {
		t.Errorf("re-injected update: %s", ids(upds))
	}
	if got := ids(pollRaw(t, s, map[string]string{"offset": "4"})); got != "[]" {
		t.Errorf("re-injected update delivered twice: %s", got)
	}
	if id := s.SendText(olga, "d"); id != 4 {
		t.Errorf("next assigned id %d, want 4", id)
	}
	if id := s.InjectUpdate(models.Update{ID: 100}); id != 100 {
		t.Errorf("explicit id %d", id)
	}
	if id := s.SendText(olga, "e"); id != 101 {
		t.Errorf("id after an explicit one %d, want 101", id)
	}
	if got := ids(pollRaw(t, s, map[string]string{"offset": "-1"})); got != "[101]" || s.Pending() != 1 {
		t.Errorf("offset -1: %s, pending %d", got, s.Pending())
	}
}

func TestAllowedUpdates(t *testing.T) {
	s := newServer(t)
	s.InjectRaw(json.RawMessage(`{"chat_member":{"chat":{"id":-5,"type":"group"}}}`))
	s.SendText(ivan, "hi")
	if upds := pollRaw(t, s, nil); ids(upds) != "[2]" {
		t.Errorf("chat_member is not delivered by default: %s", ids(upds))
	}
	s.InjectRaw(json.RawMessage(`{"chat_member":{"chat":{"id":-5,"type":"group"}}}`))
	s.SendText(ivan, "hi")
	if upds := pollRaw(t, s, map[string]string{"offset": "3", "allowed_updates": `["chat_member"]`}); ids(upds) != "[3]" {
		t.Errorf("allowed_updates [chat_member]: %s", ids(upds))
	}
}

func TestLongPollWakesOnInjection(t *testing.T) {
	s := newServer(t)
	ctx := waitCtx(t)
	type result struct {
		r   rawResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		// Far longer than the test may take: only an injection can end it in time.
		_, r, err := call(ctx, s, "getUpdates", map[string]string{"timeout": "300"})
		done <- result{r, err}
	}()
	if err := s.WaitUntil(ctx, func() bool { return s.Pollers() == 1 }); err != nil {
		t.Fatal(err)
	}
	id := s.SendText(ivan, "/start")
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		t.Fatal("the long poll did not wake on injection")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	var upds []rawUpdate
	if err := json.Unmarshal(res.r.Result, &upds); err != nil || len(upds) != 1 || upds[0].ID != id {
		t.Fatalf("woken poll returned %s (%v)", res.r.Result, err)
	}
}

func TestLongPollTimesOutEmpty(t *testing.T) {
	s := newServer(t)
	if upds := pollRaw(t, s, map[string]string{"timeout": "1"}); len(upds) != 0 {
		t.Fatalf("got %d updates", len(upds))
	}
}

func TestNewerPollTerminatesOlder(t *testing.T) {
	s := newServer(t)
	ctx := waitCtx(t)
	done := make(chan rawResponse, 1)
	go func() {
		_, r, _ := call(ctx, s, "getUpdates", map[string]string{"timeout": "300"})
		done <- r
	}()
	if err := s.WaitUntil(ctx, func() bool { return s.Pollers() == 1 }); err != nil {
		t.Fatal(err)
	}
	pollRaw(t, s, nil)
	select {
	case r := <-done:
		if r.OK || r.ErrorCode != http.StatusConflict {
			t.Errorf("older poll answered %+v", r)
		}
	case <-ctx.Done():
		t.Fatal("the older poll was not terminated")
	}
}

func TestDuplicateUpdatesReachHandler(t *testing.T) {
	s := newServer(t)
	h, updates := forward()
	startBot(t, s, h)
	upd := models.Update{ID: 77, Message: &models.Message{ID: 5, Date: 1, Chat: ivan.PrivateChat(), Text: "dup"}}
	s.InjectUpdate(upd)
	if got := receive(t, updates); got.ID != 77 || got.Message.Text != "dup" {
		t.Fatalf("first %+v", got)
	}
	s.InjectUpdate(upd)
	if got := receive(t, updates); got.ID != 77 {
		t.Fatalf("duplicate %+v", got)
	}
}

func TestUnknownUpdateTypeDoesNotStallPolling(t *testing.T) {
	s := newServer(t)
	h, updates := forward()
	startBot(t, s, h)
	id := s.InjectRaw(json.RawMessage(`{"update_kind_from_the_future":{"id":"x","payload":[1,2,3]}}`))
	got := receive(t, updates)
	if got.ID != id || got.Message != nil || got.CallbackQuery != nil {
		t.Errorf("unknown update decoded as %+v", got)
	}
	next := s.SendText(ivan, "после")
	if got := receive(t, updates); got.ID != next || got.Message.Text != "после" {
		t.Errorf("next update %+v", got)
	}
}

func TestUnknownMethod(t *testing.T) {
	s := newServer(t)
	status, r, err := call(waitCtx(t), s, "frobnicate", map[string]string{"x": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusNotFound || r.OK || r.ErrorCode != 404 || r.Description != "Not Found: method not found" {
		t.Errorf("status %d, %+v", status, r)
	}
	b := newClient(t, s)
	if _, err := b.GetChat(waitCtx(t), &tg.GetChatParams{ChatID: 1}); !errors.Is(err, tg.ErrorNotFound) {
		t.Errorf("getChat: %v", err)
	}
	if s.Calls("frobnicate") != 1 || s.Calls("getChat") != 1 {
		t.Errorf("calls %d %d", s.Calls("frobnicate"), s.Calls("getChat"))
	}
}

func TestCancelledClientStopsPromptly(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Start(ctx)
	}()
	wait := waitCtx(t)
	if err := s.WaitUntil(wait, func() bool { return s.Pollers() == 1 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
	case <-wait.Done():
		t.Fatal("the client's Start did not return after cancel")
	}
	// The server lets go of the abandoned long poll as well.
	if err := s.WaitUntil(wait, func() bool { return s.Pollers() == 0 }); err != nil {
		t.Fatal(err)
	}
}

func TestCloseWithPollerAttached(t *testing.T) {
	s := telegramtest.NewServer()
	startBot(t, s, func(context.Context, *tg.Bot, *models.Update) {})
	wait := waitCtx(t)
	if err := s.WaitUntil(wait, func() bool { return s.Pollers() == 1 }); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-wait.Done():
		t.Fatal("Close hung with a poller attached")
	}
	s.Close() // a second Close is harmless
	if _, err := s.WaitFor(wait, func(telegramtest.Sent) bool { return true }); !errors.Is(err, telegramtest.ErrClosed) {
		t.Errorf("WaitFor after Close: %v", err)
	}
}

func TestOutage(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)

	s.SetOutage(time.Minute, telegramtest.OutageBadGateway)
	if _, err := b.GetMe(ctx); err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("bad gateway: %v", err)
	}
	s.SetOutage(0, 0)
	if _, err := b.GetMe(ctx); err != nil {
		t.Errorf("after the outage: %v", err)
	}

	s.SetOutage(time.Minute, telegramtest.OutageDrop)
	if _, err := b.GetMe(ctx); err == nil {
		t.Error("dropped connection: no error")
	}

	s.SetOutage(time.Minute, telegramtest.OutageHang)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err := b.GetMe(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: %v", err)
	}
	// A hang lasts no longer than the outage: this call is served when it ends.
	s.SetOutage(100*time.Millisecond, telegramtest.OutageHang)
	if _, err := b.GetMe(ctx); err != nil {
		t.Errorf("call held by a short outage: %v", err)
	}
}

func TestSubscribe(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	feed, unsubscribe := s.Subscribe()
	// Far more than the channel buffers, without reading: the server must not block.
	const n = 600
	for i := range n {
		if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: ivan.ID, Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		select {
		case x := <-feed:
			if x.Seq != i+1 || x.Text != fmt.Sprint(i) {
				t.Fatalf("item %d is %s", i, x)
			}
		case <-ctx.Done():
			t.Fatalf("feed stopped after %d items", i)
		}
	}
	unsubscribe()
	unsubscribe()
	select {
	case _, open := <-feed:
		if open {
			t.Error("feed delivered after unsubscribe")
		}
	case <-ctx.Done():
		t.Fatal("feed not closed by unsubscribe")
	}

	// Closing the server delivers what is queued, then closes the feed.
	feed2, unsubscribe2 := s.Subscribe()
	defer unsubscribe2()
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: olga.ID, Text: "last"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var got []string
	for x := range feed2 {
		got = append(got, x.Text)
	}
	if len(got) != 1 || got[0] != "last" {
		t.Errorf("after Close the feed gave %q", got)
	}
}

func TestWaitForReportsWhatWasSent(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	if _, err := b.SendMessage(waitCtx(t), &tg.SendMessageParams{ChatID: ivan.ID, Text: "Здравствуйте"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := s.WaitFor(ctx, func(x telegramtest.Sent) bool { return x.ChatID == olga.ID })
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Здравствуйте") {
		t.Errorf("error %v", err)
	}
	got, err := s.WaitCount(ctx, olga.ID, 1)
	if !errors.Is(err, context.DeadlineExceeded) || len(got) != 0 {
		t.Errorf("WaitCount: %v, %v", got, err)
	}
}

func TestWaitForAfter(t *testing.T) {
	s := newServer(t)
	replies := 0
	var mu sync.Mutex
	startBot(t, s, func(ctx context.Context, b *tg.Bot, upd *models.Update) {
		mu.Lock()
		replies++
		n := replies
		mu.Unlock()
		_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: upd.Message.Chat.ID, Text: fmt.Sprint("reply ", n)})
	})
	ctx := waitCtx(t)
	toIvan := func(x telegramtest.Sent) bool { return x.ChatID == ivan.ID }
	if s.LastSeq() != 0 {
		t.Fatalf("LastSeq before anything was sent: %d", s.LastSeq())
	}
	s.SendText(ivan, "one")
	first, err := s.WaitForAfter(ctx, 0, toIvan)
	if err != nil {
		t.Fatal(err)
	}
	seq := s.LastSeq()
	if seq != first.Seq {
		t.Fatalf("LastSeq %d, want %d", seq, first.Seq)
	}
	s.SendText(ivan, "two")
	second, err := s.WaitForAfter(ctx, seq, toIvan)
	if err != nil {
		t.Fatal(err)
	}
	if second.Seq != first.Seq+1 || second.Text != "reply 2" {
		t.Errorf("after #%d got %s", seq, second)
	}
	// A seq from the future waits for calls past it.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := s.WaitForAfter(short, 10, toIvan); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitForAfter(10) with 2 calls: %v", err)
	}
}

func TestWebhook(t *testing.T) {
	s := newServer(t)
	b := newClient(t, s)
	ctx := waitCtx(t)
	s.SendText(ivan, "queued")
	if _, err := b.SetWebhook(ctx, &tg.SetWebhookParams{URL: "https://pobratim.example/tg", SecretToken: "bad secret!"}); !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("bad secret: %v", err)
	}
	if _, err := b.SetWebhook(ctx, &tg.SetWebhookParams{URL: "https://pobratim.example/tg", SecretToken: "s3cr3t_-X"}); err != nil {
		t.Fatal(err)
	}
	if url, secret := s.Webhook(); url != "https://pobratim.example/tg" || secret != "s3cr3t_-X" {
		t.Errorf("Webhook() = %q %q", url, secret)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://pobratim.example/tg" || info.PendingUpdateCount != 1 {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	if _, r, err := call(ctx, s, "getUpdates", nil); err != nil || r.ErrorCode != http.StatusConflict {
		t.Errorf("getUpdates with a webhook set: %+v %v", r, err)
	}
	if _, err := b.DeleteWebhook(ctx, &tg.DeleteWebhookParams{DropPendingUpdates: true}); err != nil {
		t.Fatal(err)
	}
	if url, _ := s.Webhook(); url != "" || s.Pending() != 0 {
		t.Errorf("after deleteWebhook: %q, pending %d", url, s.Pending())
	}
}

func TestConcurrentConversations(t *testing.T) {
	s := newServer(t)
	startBot(t, s, func(ctx context.Context, b *tg.Bot, upd *models.Update) {
		if upd.Message != nil {
			_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: upd.Message.Chat.ID, Text: "re: " + upd.Message.Text})
		}
	})
	const users, each = 20, 5
	var wg sync.WaitGroup
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := telegramtest.User{ID: int64(10_000 + u), FirstName: fmt.Sprint("u", u)}
			for i := range each {
				s.SendText(user, fmt.Sprintf("%d-%d", u, i))
			}
		}()
	}
	wg.Wait()
	ctx := waitCtx(t)
	for u := range users {
		got, err := s.WaitCount(ctx, int64(10_000+u), each)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		ids := map[int]bool{}
		for _, x := range got {
			seen[x.Text] = true
			ids[x.MessageID] = true
		}
		for i := range each {
			if !seen[fmt.Sprintf("re: %d-%d", u, i)] {
				t.Errorf("user %d: no reply to message %d in %v", u, i, got)
			}
		}
		if len(ids) != each {
			t.Errorf("user %d: message ids %v are not distinct", u, ids)
		}
	}
}
