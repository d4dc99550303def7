package bot

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/store"
)

// testClock is the bot's clock in tests that jump in time.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// jump sets the clock and wakes the scheduler, which slept by the old
// time.
func (c *testClock) jump(h *harness, t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
	if h.bot != nil {
		h.bot.jobs.Wake()
	}
}

var msk = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return loc
}()

// startsWith returns the messages to chat whose text or caption starts
// with prefix.
func startsWith(h *harness, chat int64, prefix string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range h.srv.SentTo(chat) {
		if strings.HasPrefix(s.Text, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// waitFor waits until chat has n messages starting with prefix.
func waitFor(t *testing.T, h *harness, chat int64, prefix string, n int) []telegramtest.Sent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := h.srv.WaitUntil(ctx, func() bool { return len(startsWith(h, chat, prefix)) >= n })
	if err != nil {
		t.Fatalf("chat %d: %d messages starting %q, want %d; got %v", chat, len(startsWith(h, chat, prefix)), prefix, n, h.srv.SentTo(chat))
	}
	return startsWith(h, chat, prefix)
}

// jobsSettled waits until no job is due at the bot's time: every due job
// has been run and recorded.
func jobsSettled(t *testing.T, h *harness, clk *testClock) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pending, err := h.db.FindJobs(context.Background(), store.JobFilter{}, store.JobPending)
		if err != nil {
			t.Fatal(err)
		}
		due := 0
		for _, j := range pending {
			if !j.DueAt.After(clk.Now()) {
				due++
			}
		}
		if due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still due after 10 s", due)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// planVisit has anna plan a visit to Vitebsk with ales, through the bot.
func planVisit(t *testing.T, h *harness, anna, ales telegramtest.User, line string) {
	t.Helper()
	parts := h.say(anna, line)
	if !strings.Contains(parts.Text, "Кто ещё участвует?") {
		t.Fatalf("after %q: %q", line, parts.Text)
	}
	toggled := h.press(anna, parts.MessageID, button(t, parts.Markup, "⬜ Алесь"))
	created := h.press(anna, parts.MessageID, button(t, toggled.Markup, "✅ Создать"))
	if !strings.HasPrefix(created.Text, h.text("ru", "meetings.created", nil)) {
		t.Fatalf("after creating: %q", created.Text)
	}
	// The invitation is a job too, sent at once.
	inv := waitFor(t, h, ales.ID, "📨", 1)
	if !strings.HasPrefix(inv[0].Text, "📨 Анна запрашае вас на сустрэчу") {
		t.Fatalf("invitation %q", inv[0].Text)
	}
}

func TestReminderSurvivesRestartsExactlyOnce(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 24, 12, 0, 0, 0, msk)}
	h := newHarness(t, Options{Now: clk.Now})
	anna := telegramtest.User{ID: 4001, FirstName: "Анна", LanguageCode: "ru"}
	ales := telegramtest.User{ID: 4002, FirstName: "Алесь", LanguageCode: "be"}
	h.verified(t, anna, "Smolensk")
	h.verified(t, ales, "Vitebsk")
	planVisit(t, h, anna, ales, "/visit Витебск 25.12 15:00 Ратуша, туристический форум")

	// Restart before the 24 h reminder is due (24.12 15:00 Moscow time).
	h.restart()
	jobsSettled(t, h, clk)
	if n := len(startsWith(h, anna.ID, "⏰")) + len(startsWith(h, ales.ID, "⏰")); n != 0 {
		t.Fatalf("%d reminders before they were due", n)
	}
	clk.jump(h, time.Date(2026, 12, 24, 15, 0, 0, 0, msk))
	for _, u := range []telegramtest.User{anna, ales} {
		got := waitFor(t, h, u.ID, "⏰", 1)
		if strings.Contains(got[0].Text, "⚠️") {
			t.Errorf("an on-time reminder says it is late: %q", got[0].Text)
		}
		if got[0].Markup == nil || len(got[0].Markup.InlineKeyboard) != 3 {
			t.Errorf("reminder buttons %+v", got[0].Markup)
		}
	}
	if got := startsWith(h, ales.ID, "⏰")[0].Text; !strings.HasPrefix(got, "⏰ <b>Напамін:</b> пачатак праз 1 дзень") ||
		!strings.Contains(got, "пятніца, 25 снежня, 15:00") {
		t.Fatalf("Belarusian reminder %q", got)
	}

	// Down from 14:00 (the 1 h reminder) to 14:30: the reminder comes on
	// start, late and saying so, once.
	h.stop()
	clk.jump(h, time.Date(2026, 12, 25, 14, 30, 0, 0, msk))
	h.start()
	for _, u := range []telegramtest.User{anna, ales} {
		got := waitFor(t, h, u.ID, "⏰", 2)
		if !strings.Contains(got[1].Text, "⚠️") || !strings.Contains(got[1].Text, "30 ") {
			t.Errorf("late reminder to %d: %q", u.ID, got[1].Text)
		}
	}
	// Restarting again, and after the start, sends nothing more.
	h.restart()
	jobsSettled(t, h, clk)
	clk.jump(h, time.Date(2026, 12, 25, 15, 30, 0, 0, msk))
	h.restart()
	jobsSettled(t, h, clk)
	for _, u := range []telegramtest.User{anna, ales} {
		if n := len(startsWith(h, u.ID, "⏰")); n != 2 {
			t.Errorf("user %d got %d reminders, want exactly 2", u.ID, n)
		}
	}
	done, err := h.db.FindJobs(context.Background(), store.JobFilter{}, store.JobDone)
	if err != nil || len(done) != 5 { // one invitation, two reminders each
		t.Fatalf("%d jobs done (%v), want 5: %+v", len(done), err, done)
	}
}

func TestRescheduleThroughTheBot(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 24, 12, 0, 0, 0, msk)}
	h := newHarness(t, Options{Now: clk.Now})
	anna := telegramtest.User{ID: 4101, FirstName: "Анна", LanguageCode: "ru"}
	ales := telegramtest.User{ID: 4102, FirstName: "Алесь", LanguageCode: "be"}
	h.verified(t, anna, "Smolensk")
	h.verified(t, ales, "Vitebsk")
	planVisit(t, h, anna, ales, "/visit Витебск 25.12 15:00 Ратуша, туристический форум")

	list := h.say(anna, "/meetings")
	if !strings.Contains(list.Text, "1. пятница, 25 декабря, 15:00 — Визит: Витебск — туристический форум") {
		t.Fatalf("/meetings: %q", list.Text)
	}
	card := h.press(anna, list.MessageID, list.Markup.InlineKeyboard[0][0].CallbackData)
	ask := h.press(anna, card.MessageID, button(t, card.Markup, "🕒 Перенести"))
	if !strings.HasPrefix(ask.Text, "Переносим") {
		t.Fatalf("reschedule asks %q", ask.Text)
	}
	// "в 5" could be 05:00 or 17:00: asked back, not guessed.
	amb := h.say(anna, "26.12 в 5")
	moved := h.press(anna, amb.MessageID, button(t, amb.Markup, "26.12 17:00"))
	if !strings.HasPrefix(moved.Text, h.text("ru", "meetings.moved", nil)) {
		t.Fatalf("after rescheduling: %q", moved.Text)
	}
	notice := waitFor(t, h, ales.ID, "🕒", 1)
	if !strings.Contains(notice[0].Text, "Раней было: пятніца, 25 снежня, 15:00") || !strings.Contains(notice[0].Text, "субота, 26 снежня, 17:00") {
		t.Fatalf("notice %q", notice[0].Text)
	}

	// The old 24 h reminder time passes silently; the new one reminds.
	clk.jump(h, time.Date(2026, 12, 24, 15, 0, 0, 0, msk))
	jobsSettled(t, h, clk)
	if n := len(startsWith(h, ales.ID, "⏰")); n != 0 {
		t.Fatalf("%d reminders at the old time", n)
	}
	clk.jump(h, time.Date(2026, 12, 25, 17, 0, 0, 0, msk))
	got := waitFor(t, h, ales.ID, "⏰", 1)
	if !strings.Contains(got[0].Text, "субота, 26 снежня, 17:00") {
		t.Fatalf("reminder after rescheduling %q", got[0].Text)
	}

	// The calendar file carries the new time in the organiser's zone.
	doc := h.press(ales, got[0].MessageID, button(t, got[0].Markup, "📅 У каляндар"))
	if doc.Method != "sendDocument" || !strings.HasSuffix(doc.FileName, ".ics") {
		t.Fatalf("calendar button sent %s %q", doc.Method, doc.FileName)
	}
	cal, err := ical.ParseCalendar(bytes.NewReader(doc.FileData))
	if err != nil {
		t.Fatal(err)
	}
	start := cal.Events()[0].GetProperty(ical.ComponentPropertyDtStart)
	if start.Value != "20261226T170000" || start.ICalParameters["TZID"][0] != "Europe/Moscow" {
		t.Fatalf("DTSTART %+v", start)
	}
	if seq := cal.Events()[0].GetProperty(ical.ComponentPropertySequence); seq == nil || seq.Value != "1" {
		t.Fatalf("SEQUENCE %+v, want 1 after one change", seq)
	}
}
