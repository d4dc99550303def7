package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/store"
)

// digests returns the monthly digests of month (as each language names it)
// that chat received.
func digests(h *harness, chat int64, months ...string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range h.srv.SentTo(chat) {
		if s.Method != "sendMessage" || !strings.HasPrefix(s.Text, "⭐") {
			continue
		}
		for _, m := range months {
			if strings.Contains(s.Plain, m) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// TestPracticeDigestDeliveredOnceInEachLanguage: a coordinator recommends
// a practice in March; on 1 April at 10:00 Moscow time every verified,
// reachable member who did not turn the digest off receives it once, in
// their own language, through the broadcast outbox — and a restart sends
// it again to nobody.
func TestPracticeDigestDeliveredOnceInEachLanguage(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, msk)}
	h := newHarness(t, Options{Now: clk.Now})
	ctx := context.Background()
	anna := telegramtest.User{ID: 4701, FirstName: "Анна", LanguageCode: "ru"}
	ales := telegramtest.User{ID: 4702, FirstName: "Алесь", LanguageCode: "be"}
	john := telegramtest.User{ID: 4703, FirstName: "John", LanguageCode: "en"}
	optedOut := telegramtest.User{ID: 4704, FirstName: "Ольга", LanguageCode: "ru"}
	blocked := telegramtest.User{ID: 4705, FirstName: "Пётр", LanguageCode: "ru"}
	coord := telegramtest.User{ID: 4706, FirstName: "Ирина", LanguageCode: "ru"}
	newcomer := telegramtest.User{ID: 4707, FirstName: "Гость", LanguageCode: "ru"}
	for _, u := range []telegramtest.User{anna, john, optedOut, blocked} {
		h.verified(t, u, "Smolensk")
	}
	h.verified(t, ales, "Vitebsk")
	h.coordinator(t, coord, "Smolensk")
	if _, _, err := h.db.TouchMember(ctx, store.Profile{UserID: newcomer.ID, FirstName: newcomer.FirstName, Language: "ru"}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetPracticeDigest(ctx, optedOut.ID, false, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetReachable(ctx, blocked.ID, false, clk.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := h.db.CreatePractice(ctx, store.Practice{MunicipalityID: h.place(t, "Vitebsk"), Country: "BY", AuthorID: ales.ID,
		Lang: "be", Title: "Маршрут па мясцінах Шагала", Areas: []string{"tourism"}, Result: "турыстычны паток +40%"}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}

	// The coordinator recommends it from its card.
	help := h.say(coord, "/help")
	card := h.press(coord, help.MessageID, "practice:open:"+strconv.FormatInt(p.ID, 10))
	h.press(coord, card.MessageID, buttonWith(t, card.Markup, h.text("ru", "practice.button.recommend", nil)))

	months := []string{"март 2026", "сакавік 2026", "March 2026"}
	clk.jump(h, time.Date(2026, 3, 31, 23, 59, 0, 0, msk))
	jobsSettled(t, h, clk)
	if got := digests(h, anna.ID, months...); len(got) != 0 {
		t.Fatalf("digest sent before the first of the month: %v", got)
	}

	clk.jump(h, time.Date(2026, 4, 1, 10, 0, 30, 0, msk))
	want := map[int64]string{anna.ID: "март 2026", ales.ID: "сакавік 2026", john.ID: "March 2026", coord.ID: "март 2026"}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := h.srv.WaitUntil(wait, func() bool {
		for chat := range want {
			if len(digests(h, chat, months...)) == 0 {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatalf("digest not delivered to everyone: %v", err)
	}
	for chat, month := range want {
		got := digests(h, chat, months...)
		if len(got) != 1 || !strings.Contains(got[0].Plain, month) || !strings.Contains(got[0].Plain, "Маршрут па мясцінах Шагала") {
			t.Fatalf("chat %d: %v, want one digest naming %q", chat, got, month)
		}
		lang := map[string]string{"март 2026": "ru", "сакавік 2026": "be", "March 2026": "en"}[month]
		if data := buttonWith(t, got[0].Markup, h.text(lang, "practices.button.digest_off", nil)); data != "practice:digest:off" {
			t.Fatalf("chat %d: the opt-out button carries %q", chat, data)
		}
	}
	offLabel := h.text("ru", "practices.button.digest_off", nil)

	// A restart later that day, and the next month without recommendations.
	h.restart()
	clk.jump(h, time.Date(2026, 4, 1, 11, 0, 0, 0, msk))
	jobsSettled(t, h, clk)
	clk.jump(h, time.Date(2026, 5, 1, 10, 5, 0, 0, msk))
	jobsSettled(t, h, clk)
	waitOutboxDone(t, h)
	for chat := range want {
		if got := digests(h, chat, months...); len(got) != 1 {
			t.Fatalf("chat %d received %d digests, want 1", chat, len(got))
		}
	}
	for _, u := range []telegramtest.User{optedOut, blocked, newcomer} {
		for _, s := range h.srv.SentTo(u.ID) {
			if strings.HasPrefix(s.Text, "⭐") {
				t.Fatalf("%s received the digest: %v", u.FirstName, s)
			}
		}
	}

	// Anna turns it off from the digest itself.
	digest := digests(h, anna.ID, months...)[0]
	off := h.press(anna, digest.MessageID, buttonWith(t, digest.Markup, offLabel))
	if off.Text != h.text("ru", "practices.digest.off", nil) {
		t.Fatalf("turning it off answered %q", off.Text)
	}
	recipients, err := h.db.PracticeDigestRecipients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range recipients {
		if m.UserID == anna.ID {
			t.Fatal("anna still receives the digest")
		}
	}
}

// waitOutboxDone waits until no broadcast has a row left to send.
func waitOutboxDone(t *testing.T, h *harness) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		active, err := h.db.BroadcastsIn(context.Background(), store.BroadcastQueued)
		if err != nil {
			t.Fatal(err)
		}
		if len(active) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d broadcasts still sending after 10 s", len(active))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
