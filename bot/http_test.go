package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/locales"
)

func webhookUpdate(id int64, u telegramtest.User, text string) []byte {
	upd := models.Update{ID: id, Message: &models.Message{
		ID: int(id), Date: int(time.Now().Unix()), Text: text,
		From:     &models.User{ID: u.ID, FirstName: "Web", LanguageCode: u.LanguageCode},
		Chat:     models.Chat{ID: u.ID, Type: models.ChatTypePrivate},
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: len(text)}},
	}}
	b, _ := json.Marshal(upd)
	return b
}

func TestWebhook(t *testing.T) {
	const secret = "s3cr3t_Token-1"
	h := newHarness(t, Options{WebhookURL: "https://bot.example.org/telegram/hook", WebhookSecret: secret})
	if url, got := h.srv.Webhook(); url != "https://bot.example.org/telegram/hook" || got != secret {
		t.Fatalf("setWebhook: %q %q", url, got)
	}
	if h.srv.Calls("deleteWebhook") != 0 {
		t.Fatal("webhook mode deleted the webhook")
	}
	web := httptest.NewServer(h.bot.Handler())
	defer web.Close()
	post := func(secret string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, web.URL+"/telegram/hook", bytes.NewReader(body))
		if secret != "" {
			req.Header.Set(secretHeader, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	u := telegramtest.User{ID: 4000, LanguageCode: "en"}
	if code := post("wrong", webhookUpdate(1, u, "/help")); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	if code := post("", webhookUpdate(2, u, "/help")); code != http.StatusUnauthorized {
		t.Fatalf("missing secret: %d", code)
	}
	big := append(webhookUpdate(3, u, "/help"), bytes.Repeat([]byte(" "), maxWebhookBody)...)
	if code := post(secret, big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", code)
	}
	if code := post(secret, webhookUpdate(4, u, "/help")); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	got := h.wait(u.ID, 1)
	if !strings.HasPrefix(got.Text, h.text("en", "help.intro", nil)) {
		t.Fatalf("reply to the webhook update: %q", got.Text)
	}
	// Only the update with the right secret was handled.
	if code := post(secret, webhookUpdate(5, u, "/help")); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	h.wait(u.ID, 2)
	if n := len(h.srv.SentTo(u.ID)); n != 2 {
		t.Fatalf("%d replies, want 2: a refused update was handled", n)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	h := newHarness(t, Options{})
	web := httptest.NewServer(h.bot.Handler())
	defer web.Close()
	u := telegramtest.User{ID: 4100, LanguageCode: "ru"}
	h.say(u, "/help")
	h.srv.FailNext("sendMessage", 1, 403, "Forbidden: bot was blocked by the user", 0)
	h.srv.SendText(u, "/help")

	resp, err := http.Get(web.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"sqlite":"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	deadline := time.Now().Add(5 * time.Second)
	var metrics string
	for time.Now().Before(deadline) {
		resp, err := http.Get(web.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		metrics = string(b)
		if strings.Contains(metrics, "pobratim_telegram_403_total 1") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{`pobratim_updates_total{kind="command"} 2`, `pobratim_messages_sent_total{method="sendMessage"} 1`,
		"pobratim_telegram_403_total 1", "pobratim_update_seconds_count 2", "pobratim_dialogs 0", "pobratim_jobs_pending 0"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	// With the database closed, health says so.
	h.stop()
	resp, err = http.Get(web.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with SQLite closed: %d", resp.StatusCode)
	}
}

// Logs never carry what people wrote, their phone numbers or the token.
func TestLogsKeepPrivateThingsOut(t *testing.T) {
	var buf bytes.Buffer
	h := newHarness(t, Options{Log: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	u := telegramtest.User{ID: 4200, FirstName: "Secretname", LanguageCode: "ru"}
	h.say(admin, "/help")
	h.say(u, "/municipality Витебск")
	h.say(u, "Тайная должность")
	h.srv.SendContact(u, "+375290000777")
	h.wait(admin.ID, 2)
	h.srv.FailNext("sendMessage", 1, 500, "Internal Server Error", 0)
	h.srv.SendText(u, "/help")
	h.srv.InjectRaw(json.RawMessage(`{"update_id": 777, "message": {"message_id": "oops", "text": "секретный текст"}}`))
	h.say(u, "/help")
	logs := buf.String()
	if !strings.Contains(logs, "handler failed") {
		t.Fatalf("the failure was not logged at all: %s", logs)
	}
	for _, secret := range []string{"1000:test", "+375290000777", "Тайная должность", "секретный текст", "Витебск"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	_ = locales.Default
}

func TestUnreachableAfterBlockingAndBack(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	u := telegramtest.User{ID: 4300, LanguageCode: "ru"}
	h.say(u, "/help")
	blocked := models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, From: models.User{ID: u.ID},
		Date:          int(time.Now().Unix()),
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &models.User{ID: 1000}}},
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &models.User{ID: 1000}}},
	}}
	h.waitHandled(h.srv.InjectUpdate(blocked))
	if m, _ := h.db.Member(ctx, u.ID); m.Reachable {
		t.Fatal("still reachable after blocking the bot")
	}
	h.say(u, "/help")
	if m, _ := h.db.Member(ctx, u.ID); !m.Reachable {
		t.Fatal("not reachable after writing again")
	}
}
