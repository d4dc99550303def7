package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// harness runs a real Bot against the fake Bot API server, with a real
// SQLite file and a real Redis.
type harness struct {
	t       *testing.T
	srv     *telegramtest.Server
	dbPath  string
	prefix  string
	opts    Options
	catalog *locales.Catalog

	db    *store.DB
	state StateStore

	mu      sync.Mutex
	cond    *sync.Cond
	handled map[int64]bool
	bot     *Bot
	cancel  context.CancelFunc
	done    chan error
}

// adminID is the Telegram id the harness makes an admin through
// POBRATIM_ADMINS unless a test chooses its own.
const adminID = 9999

var testLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func redisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

var prefixSeq atomic.Int64

var loadDirectory = sync.OnceValues(directory.Load)

// testDirectory is the real embedded directory, loaded once for all tests.
func testDirectory(t *testing.T) *directory.Directory {
	d, err := loadDirectory()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	catalog, err := locales.Load(testLog)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{
		t:       t,
		srv:     telegramtest.NewServer(),
		dbPath:  filepath.Join(t.TempDir(), "pobratim.db"),
		prefix:  fmt.Sprintf("pobratim-test:%s:%d:%d:", t.Name(), time.Now().UnixNano(), prefixSeq.Add(1)),
		opts:    opts,
		catalog: catalog,
	}
	t.Cleanup(h.srv.Close)
	t.Cleanup(h.cleanRedis)
	h.start()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) openState() StateStore {
	st, err := state.OpenRedis(redisURL(), h.prefix)
	if err != nil {
		h.t.Fatalf("redis: %v", err)
	}
	if err := st.Ping(context.Background()); err != nil {
		h.t.Fatalf("Redis must answer at %s for these tests: %v", redisURL(), err)
	}
	return st
}

func (h *harness) start() {
	h.t.Helper()
	db, err := store.Open(context.Background(), h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	h.db = db
	if h.state == nil {
		h.state = h.openState()
	}
	opts := h.opts
	if opts.Admins == nil {
		opts.Admins = []int64{adminID}
	}
	opts.Token = "1000:test"
	opts.APIURL = h.srv.URL()
	if opts.Log == nil {
		opts.Log = testLog
	}
	if opts.Throttle.Burst == 0 {
		opts.Throttle = state.Rate{Per: time.Second, Burst: 1000}
	}
	b, err := New(opts, Deps{DB: db, State: h.state, Catalog: h.catalog, Directory: testDirectory(h.t)})
	if err != nil {
		h.t.Fatal(err)
	}
	if h.cond == nil {
		h.cond = sync.NewCond(&h.mu)
		h.handled = map[int64]bool{}
	}
	b.handled = func(id int64) {
		h.mu.Lock()
		h.handled[id] = true
		h.mu.Unlock()
		h.cond.Broadcast()
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Prepare(ctx); err != nil {
		h.t.Fatal(err)
	}
	h.bot, h.cancel, h.done = b, cancel, make(chan error, 1)
	go func() { h.done <- b.Run(ctx) }()
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("bot stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Error("bot did not stop within 15 s")
	}
	h.cancel = nil
	h.db.Close()
}

func (h *harness) restart() {
	h.stop()
	h.start()
}

func (h *harness) cleanRedis() {
	opt, _ := redis.ParseURL(redisURL())
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, h.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}

// wait returns the n-th message (1-based) sent to chat, failing after 10 s.
func (h *harness) wait(chatID int64, n int) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sent, err := h.srv.WaitCount(ctx, chatID, n)
	if err != nil {
		h.t.Fatalf("waiting for message %d to %d: %v (got %d)", n, chatID, err, len(h.srv.SentTo(chatID)))
	}
	return sent[n-1]
}

// quiet checks that chat received exactly n messages, allowing time for
// more to arrive.
func (h *harness) quiet(chatID int64, n int) {
	h.t.Helper()
	// Round-trip a marker update through the same chat lane: everything sent
	// before it has been handled once its answer arrives.
	h.srv.SendText(telegramtest.User{ID: chatID, LanguageCode: "en"}, "/help")
	h.wait(chatID, n+1)
	if got := len(h.srv.SentTo(chatID)); got != n+1 {
		h.t.Fatalf("chat %d got %d messages, want %d", chatID, got-1, n)
	}
}

// after waits for the next message to chat sent after seq.
func (h *harness) after(chatID int64, seq int) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := h.srv.WaitForAfter(ctx, seq, func(s telegramtest.Sent) bool { return s.ChatID == chatID })
	if err != nil {
		h.t.Fatalf("waiting for a message to %d after #%d: %v", chatID, seq, err)
	}
	return s
}

// waitHandled waits until the bot has finished handling update id.
func (h *harness) waitHandled(id int64) {
	h.t.Helper()
	deadline := time.AfterFunc(10*time.Second, h.cond.Broadcast)
	defer deadline.Stop()
	start := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	for !h.handled[id] {
		if time.Since(start) > 10*time.Second {
			h.t.Fatalf("update %d not handled within 10 s", id)
		}
		h.cond.Wait()
	}
}

// exchange runs one update and returns what the bot sent to chat while
// handling it; it fails when nothing was sent.
func (h *harness) exchange(chatID int64, send func() int64) telegramtest.Sent {
	h.t.Helper()
	seq := h.srv.LastSeq()
	h.waitHandled(send())
	for _, s := range h.srv.Sent() {
		if s.Seq > seq && s.ChatID == chatID {
			return s
		}
	}
	h.t.Fatalf("the bot sent nothing to %d", chatID)
	return telegramtest.Sent{}
}

// say sends text as u and returns the first message the bot sent back.
func (h *harness) say(u telegramtest.User, text string) telegramtest.Sent {
	h.t.Helper()
	return h.exchange(u.ID, func() int64 { return h.srv.SendText(u, text) })
}

// press presses a button as u and returns the first message (or edit) the
// bot sent back to u's chat.
func (h *harness) press(u telegramtest.User, messageID int, data string) telegramtest.Sent {
	h.t.Helper()
	return h.exchange(u.ID, func() int64 { return h.srv.PressButton(u, messageID, data) })
}

func (h *harness) text(lang, id string, args locales.Args) string {
	return h.catalog.Text(lang, id, args)
}

func TestStartGreetsInTelegramLanguage(t *testing.T) {
	h := newHarness(t, Options{})
	for i, tc := range []struct{ code, lang string }{{"be", "be"}, {"ru", "ru"}, {"en", "en"}, {"uk", "ru"}, {"", "ru"}} {
		u := telegramtest.User{ID: int64(100 + i), FirstName: "Алеся", LanguageCode: tc.code}
		h.srv.SendText(u, "/start")
		got := h.wait(u.ID, 1)
		want := h.text(tc.lang, "start.greeting", locales.Args{"Name": "Алеся"})
		if !strings.Contains(got.Text, want) {
			t.Errorf("language_code %q: got %q, want it to contain %q", tc.code, got.Text, want)
		}
		if got.ParseMode != "HTML" {
			t.Errorf("parse mode %q, want HTML", got.ParseMode)
		}
		if got.Markup == nil || len(got.Markup.InlineKeyboard[0]) != 3 {
			t.Errorf("no language buttons: %+v", got.Markup)
		}
		m, err := h.db.Member(context.Background(), u.ID)
		if err != nil || m.Language != tc.lang || m.FirstName != "Алеся" {
			t.Errorf("member after /start = %+v, %v", m, err)
		}
	}
}

func TestLanguageChoiceSurvivesRestart(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 200, FirstName: "Ivan", LanguageCode: "ru"}
	h.srv.SendText(u, "/language")
	menu := h.wait(u.ID, 1)
	var beData string
	for _, b := range menu.Markup.InlineKeyboard[0] {
		if b.Text == h.text("be", "language.name", nil) {
			beData = b.CallbackData
		}
	}
	if beData == "" {
		t.Fatalf("no Belarusian button in %+v", menu.Markup)
	}
	h.srv.PressButton(u, menu.MessageID, beData)
	edited := h.wait(u.ID, 2)
	if edited.Method != "editMessageText" || !strings.Contains(edited.Text, h.text("be", "language.saved", nil)) {
		t.Fatalf("after choosing be: %s %q", edited.Method, edited.Text)
	}

	h.restart()
	h.srv.SendText(u, "/help") // Telegram still says ru
	help := h.wait(u.ID, 3)
	if !strings.HasPrefix(help.Text, h.text("be", "help.intro", nil)) {
		t.Fatalf("after restart /help = %q, want Belarusian", help.Text)
	}
	for _, cmd := range []string{"/start", "/language", "/cancel"} {
		if !strings.Contains(help.Text, cmd) {
			t.Errorf("/help does not list %s", cmd)
		}
	}
}

func TestCommandMenuPerLanguage(t *testing.T) {
	h := newHarness(t, Options{})
	for _, lang := range locales.Languages {
		cmds := h.srv.Commands(lang)
		if len(cmds) < 4 {
			t.Fatalf("%s: %d commands registered", lang, len(cmds))
		}
		if cmds[0].Command != "start" || cmds[0].Description != h.text(lang, "command.start", nil) {
			t.Errorf("%s: first command %+v", lang, cmds[0])
		}
	}
	if h.srv.Calls("deleteWebhook") == 0 {
		t.Error("long polling started without deleteWebhook")
	}
}

func TestUnknownCommandAndFreeText(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 300, LanguageCode: "en"}
	h.srv.SendText(u, "/frobnicate now")
	if got, want := h.wait(u.ID, 1).Text, h.text("en", "unknown.command", locales.Args{"Command": "/frobnicate"}); got != want {
		t.Errorf("unknown command: %q, want %q", got, want)
	}
	h.srv.SendText(u, "Vitebsk?")
	if got, want := h.wait(u.ID, 2).Text, h.text("en", "unknown.text", nil); got != want {
		t.Errorf("free text: %q, want %q", got, want)
	}
	h.srv.SendText(u, "/cancel")
	if got, want := h.wait(u.ID, 3).Text, h.text("en", "cancel.nothing", nil); got != want {
		t.Errorf("/cancel without dialog: %q, want %q", got, want)
	}
}

func TestHTMLInNamesIsEscaped(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 400, FirstName: "<b>x</b> & co", LanguageCode: "en"}
	h.srv.SendText(u, "/start")
	got := h.wait(u.ID, 1).Text
	if !strings.Contains(got, "&lt;b&gt;x&lt;/b&gt; &amp; co") || strings.Contains(got, "<b>x</b>") {
		t.Fatalf("name not escaped: %q", got)
	}
}

func TestPanickingHandlerDoesNotKillTheBot(t *testing.T) {
	h := newHarness(t, Options{})
	h.bot.router.commands["boom"] = func(context.Context, *handlers.Request) error { panic("boom") }
	u := telegramtest.User{ID: 500, LanguageCode: "be"}
	h.srv.SendText(u, "/boom")
	if got, want := h.wait(u.ID, 1).Text, h.text("be", "error.internal", nil); got != want {
		t.Fatalf("after panic: %q, want %q", got, want)
	}
	h.srv.SendText(u, "/help")
	if got := h.wait(u.ID, 2).Text; !strings.HasPrefix(got, h.text("be", "help.intro", nil)) {
		t.Fatalf("bot not answering after a panic: %q", got)
	}
}

func TestSameChatAnsweredInOrder(t *testing.T) {
	h := newHarness(t, Options{Workers: 8})
	// A slow handler for odd messages: without ordered lanes the fast even
	// ones would overtake them.
	h.bot.router.commands["echo"] = func(ctx context.Context, r *handlers.Request) error {
		var n int
		fmt.Sscan(r.Args, &n)
		if n%2 == 1 {
			time.Sleep(20 * time.Millisecond)
		}
		_, err := r.Reply(ctx, handlers.Message{Text: r.Args})
		return err
	}
	users := []telegramtest.User{{ID: 601, LanguageCode: "ru"}, {ID: 602, LanguageCode: "ru"}}
	const n = 20
	for i := 1; i <= n; i++ {
		for _, u := range users {
			h.srv.SendText(u, fmt.Sprintf("/echo %d", i))
		}
	}
	for _, u := range users {
		h.wait(u.ID, n)
		for i, s := range h.srv.SentTo(u.ID) {
			if s.Text != fmt.Sprint(i+1) {
				t.Fatalf("chat %d: message %d is %q, want %d", u.ID, i+1, s.Text, i+1)
			}
		}
	}
}

func TestDuplicateUpdateAnsweredOnce(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 700, LanguageCode: "ru"}
	upd := models.Update{ID: 777000, Message: &models.Message{
		ID: 1, Date: int(time.Now().Unix()), Text: "/help",
		From:     &models.User{ID: u.ID, FirstName: "Dup", LanguageCode: "ru"},
		Chat:     models.Chat{ID: u.ID, Type: models.ChatTypePrivate},
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 5}},
	}}
	h.srv.InjectUpdate(upd)
	h.wait(u.ID, 1)
	h.srv.InjectUpdate(upd)
	// Redelivery after a restart (the same update_id) is skipped too.
	h.restart()
	h.srv.InjectUpdate(upd)
	h.quiet(u.ID, 1)
}

func TestTooManyRequestsWaitedOutAndRetried(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 800, LanguageCode: "en"}
	h.srv.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1)
	start := time.Now()
	h.srv.SendText(u, "/help")
	got := h.wait(u.ID, 1)
	if !strings.HasPrefix(got.Text, h.text("en", "help.intro", nil)) {
		t.Fatalf("reply after 429: %q", got.Text)
	}
	if h.srv.TooManyRequests() != 1 || h.srv.Calls("sendMessage") != 2 {
		t.Fatalf("429s = %d, sendMessage calls = %d; want 1 and 2", h.srv.TooManyRequests(), h.srv.Calls("sendMessage"))
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("retried after %v, before retry_after (1 s) passed", waited)
	}
}

func TestForbiddenMarksMemberUnreachable(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 900, LanguageCode: "ru"}
	h.srv.SendText(u, "/help")
	h.wait(u.ID, 1)
	h.srv.FailNext("sendMessage", 1, 403, "Forbidden: bot was blocked by the user", 0)
	h.srv.SendText(u, "/help")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		m, err := h.db.Member(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Reachable {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("member still reachable after a 403")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := h.srv.Calls("sendMessage"); n != 2 {
		t.Fatalf("sendMessage called %d times; a 403 must not be retried", n)
	}
}

func TestThrottleTellsOnceAndDrops(t *testing.T) {
	h := newHarness(t, Options{Throttle: state.Rate{Per: time.Hour, Burst: 3}})
	u := telegramtest.User{ID: 1000, LanguageCode: "en"}
	for range 8 {
		h.srv.SendText(u, "/help")
	}
	h.wait(u.ID, 4)
	// Give the remaining updates time to be (not) answered.
	other := telegramtest.User{ID: 1001, LanguageCode: "en"}
	for range 3 {
		h.srv.SendText(other, "/help")
	}
	h.wait(other.ID, 3)
	time.Sleep(100 * time.Millisecond)
	sent := h.srv.SentTo(u.ID)
	if len(sent) != 4 {
		t.Fatalf("throttled user got %d messages, want 3 answers and one notice", len(sent))
	}
	if sent[3].Text != h.text("en", "throttle.slow_down", nil) {
		t.Fatalf("fourth message %q, want the slow-down notice", sent[3].Text)
	}
}

func TestGroupsOnlyCommandsAddressedToUs(t *testing.T) {
	h := newHarness(t, Options{})
	group := models.Chat{ID: -100500, Type: models.ChatTypeSupergroup, Title: "Forum"}
	u := telegramtest.User{ID: 1100, LanguageCode: "ru"}
	h.srv.SendGroupText(group, u, "привет всем")
	h.srv.SendGroupText(group, u, "/help@OtherBot")
	h.srv.SendGroupText(group, u, "/help@pobratim_test_bot")
	got := h.wait(group.ID, 1)
	if !strings.HasPrefix(got.Text, h.text("ru", "help.intro", nil)) {
		t.Fatalf("group reply %q", got.Text)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.srv.SentTo(group.ID)); n != 1 {
		t.Fatalf("group got %d messages, want 1", n)
	}
}

func TestForgedAndStaleButtons(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 1200, LanguageCode: "en"}
	h.srv.SendText(u, "/language")
	menu := h.wait(u.ID, 1)
	for i, data := range []string{"lang:set:xx", "nosuch:feature", "<script>", "lang:set:be:extra:" + strings.Repeat("z", 40)} {
		h.srv.PressButton(u, menu.MessageID, data)
		h.wait(u.ID, 2+i)
	}
	for _, s := range h.srv.SentTo(u.ID)[1:] {
		if s.Text != h.text("en", "error.stale_button", nil) {
			t.Errorf("forged button answered %q", s.Text)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(h.srv.CallbackAnswers()) < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(h.srv.CallbackAnswers()); n != 4 {
		t.Fatalf("%d callback answers, want 4", n)
	}
	m, _ := h.db.Member(context.Background(), u.ID)
	if m.LanguageChosen {
		t.Fatal("a forged button changed the language")
	}
}

func TestRedisDownStatelessCommandsStillWork(t *testing.T) {
	h := &harness{t: t}
	catalog, err := locales.Load(testLog)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := state.OpenRedis("redis://127.0.0.1:1/0", "pobratim-test:")
	if err != nil {
		t.Fatal(err)
	}
	h.srv, h.catalog, h.state = telegramtest.NewServer(), catalog, dead
	h.dbPath = filepath.Join(t.TempDir(), "pobratim.db")
	t.Cleanup(h.srv.Close)
	h.start()
	t.Cleanup(h.stop)

	u := telegramtest.User{ID: 1300, LanguageCode: "ru"}
	h.srv.SendText(u, "/help")
	if got := h.wait(u.ID, 1).Text; !strings.HasPrefix(got, h.text("ru", "help.intro", nil)) {
		t.Fatalf("/help with Redis down: %q", got)
	}
	h.srv.SendText(u, "Витебск")
	if got, want := h.wait(u.ID, 2).Text, h.text("ru", "error.state_unavailable", nil); got != want {
		t.Fatalf("text with Redis down: %q, want %q", got, want)
	}
	h.srv.SendText(u, "/cancel")
	if got, want := h.wait(u.ID, 3).Text, h.text("ru", "error.state_unavailable", nil); got != want {
		t.Fatalf("/cancel with Redis down: %q, want %q", got, want)
	}
	if !errors.Is(dead.Ping(context.Background()), state.ErrUnavailable) {
		t.Fatal("dead Redis answered")
	}
}

func TestShutdownDrainsInFlightUpdates(t *testing.T) {
	h := newHarness(t, Options{})
	started := make(chan struct{})
	h.bot.router.commands["slow"] = func(ctx context.Context, r *handlers.Request) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, err := r.Reply(ctx, handlers.Message{Text: "done"})
		return err
	}
	u := telegramtest.User{ID: 1400, LanguageCode: "en"}
	h.srv.SendText(u, "/slow")
	<-started
	h.stop() // cancels polling while the handler still runs
	sent := h.srv.SentTo(u.ID)
	if len(sent) != 1 || sent[0].Text != "done" {
		t.Fatalf("after shutdown the chat has %d messages (%+v); the in-flight reply was lost", len(sent), sent)
	}
}

func TestLongReplySplitIntoValidMessages(t *testing.T) {
	h := newHarness(t, Options{})
	var para []string
	for i := range 40 {
		para = append(para, fmt.Sprintf("<b>%d.</b> %s &amp; co", i, strings.Repeat("Віцебск ", 30)))
	}
	long := strings.Join(para, "\n\n")
	h.bot.router.commands["long"] = func(ctx context.Context, r *handlers.Request) error {
		_, err := r.Reply(ctx, handlers.Message{Text: long, Buttons: [][]handlers.Button{{{Text: "ok", URL: "https://example.org"}}}})
		return err
	}
	u := telegramtest.User{ID: 1500, LanguageCode: "be"}
	h.srv.SendText(u, "/long")
	h.quiet(u.ID, 3) // 40 paragraphs of ~260 characters: three messages
	sent := h.srv.SentTo(u.ID)[:3]
	words := 0
	for i, s := range sent {
		words += strings.Count(s.Plain, "Віцебск")
		if (s.Markup != nil) != (i == 2) {
			t.Errorf("message %d: keyboard %v; only the last one carries it", i, s.Markup != nil)
		}
	}
	if words != 40*30 {
		t.Fatalf("%d words delivered, want %d", words, 40*30)
	}
}
