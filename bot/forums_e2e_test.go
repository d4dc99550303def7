package bot

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/store"
)

var minsk = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		panic(err)
	}
	return loc
}()

// A forum in Vitebsk opens on 26.06.2030 at 09:00 Minsk time: the 24 h
// reminder is due on 25.06 at 09:00, the 1 h one on 26.06 at 08:00.
// Registrants with a place are reminded once per lead across restarts;
// one who is not going, one who left, and one who cannot be reached are
// not; the waitlister promoted to the freed place is, in their own zone.
func TestForumRemindersOncePerLeadForRegistrantsOnly(t *testing.T) {
	clk := &testClock{t: time.Date(2030, 6, 20, 12, 0, 0, 0, minsk)}
	h := newHarness(t, Options{Now: clk.Now})
	ctx := context.Background()
	coord := telegramtest.User{ID: 38000, LanguageCode: "ru"}
	ales := telegramtest.User{ID: 38001, FirstName: "Алесь", LanguageCode: "be"}     // going
	boris := telegramtest.User{ID: 38002, FirstName: "Борис", LanguageCode: "ru"}    // going, then not going
	vera := telegramtest.User{ID: 38003, FirstName: "Вера", LanguageCode: "ru"}      // waitlisted, then promoted
	dmitry := telegramtest.User{ID: 38004, FirstName: "Дмитрий", LanguageCode: "ru"} // not going
	egor := telegramtest.User{ID: 38005, FirstName: "Егор", LanguageCode: "ru"}      // going, then blocks the bot
	h.coordinator(t, coord, "Smolensk")
	h.verified(t, ales, "Vitebsk")
	for _, u := range []telegramtest.User{boris, vera, dmitry, egor} {
		h.verified(t, u, "Pskov")
	}
	if err := h.db.SetTimeZone(ctx, vera.ID, "Asia/Vladivostok", store.JobChange{}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	card := h.say(coord, "/newforum Форум регионов | 26.06.2030-28.06.2030 | Витебск | Культура | 3")
	id := "1"
	answer := func(u telegramtest.User, a string) {
		t.Helper()
		h.press(u, card.MessageID, "fr:rsvp:"+id+":"+a)
	}
	answer(ales, "going")
	answer(boris, "going")
	answer(egor, "going")
	answer(vera, "going") // the forum is full: waitlisted
	answer(dmitry, "not_going")
	if n := pendingReminders(t, h, vera.ID); n != 0 {
		t.Fatalf("a waitlisted member has %d reminders", n)
	}
	answer(boris, "not_going") // frees a place for Vera
	for _, u := range []telegramtest.User{ales, vera, egor} {
		if n := pendingReminders(t, h, u.ID); n != 2 {
			t.Fatalf("member %d has %d reminders pending, want 2", u.ID, n)
		}
	}
	for _, u := range []telegramtest.User{boris, dmitry} {
		if n := pendingReminders(t, h, u.ID); n != 0 {
			t.Fatalf("member %d, not going, has %d reminders pending", u.ID, n)
		}
	}
	answer(ales, "going") // answering again writes nothing new
	if n := pendingReminders(t, h, ales.ID); n != 2 {
		t.Fatalf("after answering twice: %d reminders", n)
	}
	if err := h.db.SetReachable(ctx, egor.ID, false, clk.Now()); err != nil {
		t.Fatal(err)
	}

	h.restart()
	jobsSettled(t, h, clk)
	clk.jump(h, time.Date(2030, 6, 25, 8, 59, 0, 0, minsk))
	jobsSettled(t, h, clk)
	if n := len(startsWith(h, ales.ID, "⏰")) + len(startsWith(h, vera.ID, "⏰")); n != 0 {
		t.Fatalf("%d reminders before they were due", n)
	}

	clk.jump(h, time.Date(2030, 6, 25, 9, 0, 0, 0, minsk))
	got := waitFor(t, h, ales.ID, "⏰", 1)[0]
	if !strings.HasPrefix(got.Text, "⏰ <b>Напамін:</b> «Форум регионов» адкрыецца праз 1 дзень.") ||
		!strings.Contains(got.Text, "26.06.2030, 09:00 па вашым часе") {
		t.Errorf("Belarusian reminder %q", got.Text)
	}
	if got.Markup == nil || len(got.Markup.InlineKeyboard[0]) != 2 {
		t.Errorf("reminder buttons %v", got.Buttons())
	}
	got = waitFor(t, h, vera.ID, "⏰", 1)[0]
	if !strings.Contains(got.Text, "откроется через 1 день") || !strings.Contains(got.Text, "26.06.2030, 16:00 по вашему времени") {
		t.Errorf("reminder in Vladivostok time %q", got.Text)
	}

	// Down across the 1 h reminder's time: it goes out on start, once.
	h.stop()
	clk.jump(h, time.Date(2030, 6, 26, 8, 20, 0, 0, minsk))
	h.start()
	waitFor(t, h, ales.ID, "⏰", 2)
	waitFor(t, h, vera.ID, "⏰", 2)
	if got := startsWith(h, ales.ID, "⏰")[1].Text; !strings.Contains(got, "праз 40 хвілін") {
		t.Errorf("late reminder %q", got)
	}
	h.restart()
	jobsSettled(t, h, clk)
	clk.jump(h, time.Date(2030, 6, 26, 10, 0, 0, 0, minsk))
	h.restart()
	jobsSettled(t, h, clk)

	for u, want := range map[telegramtest.User]int{ales: 2, vera: 2, boris: 0, dmitry: 0, egor: 0} {
		if n := len(startsWith(h, u.ID, "⏰")); n != want {
			t.Errorf("%s got %d reminders, want %d", u.FirstName, n, want)
		}
	}
	dropped, err := h.db.FindJobs(ctx, store.JobFilter{Recipient: egor.ID}, store.JobDropped)
	if err != nil || len(dropped) != 2 || !strings.Contains(dropped[0].Note, "unreachable") {
		t.Errorf("unreachable member's jobs: %+v, %v", dropped, err)
	}
}

// pendingReminders counts a member's pending forum reminders.
func pendingReminders(t *testing.T, h *harness, member int64) int {
	t.Helper()
	jobs, err := h.db.FindJobs(context.Background(), store.JobFilter{Recipient: member, Kinds: []string{"forum.remind"}}, store.JobPending)
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

// A new forum card is followed by its venue on a small map, and offers
// the forum as an all-day calendar event.
func TestForumCardVenueMapAndCalendar(t *testing.T) {
	h := newHarness(t, Options{})
	coord := telegramtest.User{ID: 38100, LanguageCode: "ru"}
	ales := telegramtest.User{ID: 38101, LanguageCode: "be"}
	h.coordinator(t, coord, "Smolensk")
	h.verified(t, ales, "Vitebsk")
	card := h.say(coord, "/newforum Форум регионов | 26.06.2030-28.06.2030 | Витебск | Культура; Экономика | 300")
	venue := h.wait(coord.ID, 2)
	if venue.Method != "sendPhoto" || !strings.Contains(venue.Plain, "Витебск") {
		t.Fatalf("venue map: %s", venue)
	}
	img, err := png.Decode(bytes.NewReader(venue.FileData))
	if err != nil {
		t.Fatalf("venue map is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("venue map is %v", b)
	}
	if venue.Markup == nil || !strings.Contains(venue.Markup.InlineKeyboard[0][0].URL, "openstreetmap.org/?mlat=55.1") {
		t.Errorf("venue map button %v", venue.Buttons())
	}

	// Opened by a member, in Belarusian.
	opened := h.press(ales, card.MessageID, "fr:open:1")
	if opened.Markup == nil || len(opened.Markup.InlineKeyboard) != 2 ||
		opened.Markup.InlineKeyboard[1][0].CallbackData != "fr:ics:1" {
		t.Fatalf("card buttons %v", opened.Buttons())
	}
	if got := h.wait(ales.ID, 2); got.Method != "sendPhoto" || !strings.Contains(got.Plain, "Віцебск") {
		t.Fatalf("venue map in Belarusian: %s", got)
	}

	doc := h.press(ales, card.MessageID, "fr:ics:1")
	if doc.Method != "sendDocument" || doc.FileName != "forum-1.ics" {
		t.Fatalf("calendar file: %s", doc)
	}
	cal, err := ical.ParseCalendar(bytes.NewReader(doc.FileData))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	start, err1 := ev.GetAllDayStartAt()
	end, err2 := ev.GetAllDayEndAt()
	if err1 != nil || err2 != nil || start.Format("20060102") != "20300626" || end.Format("20060102") != "20300629" {
		t.Errorf("dates %v (%v) – %v (%v), want 26.06 to 28.06 inclusive", start, err1, end, err2)
	}
	if p := ev.GetProperty(ical.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
		t.Errorf("DTSTART %+v is not a date", p)
	}
	for prop, want := range map[ical.ComponentProperty]string{
		ical.ComponentPropertySummary:     "Форум регионов",
		ical.ComponentPropertyLocation:    "Віцебск, Віцебская вобласць",
		ical.ComponentPropertyDescription: "Секцыі: Культура, Экономика",
		ical.ComponentPropertyUniqueId:    "forum-1@pobratim",
	} {
		if p := ev.GetProperty(prop); p == nil || ical.FromText(p.Value) != want {
			t.Errorf("%s = %+v, want %q", prop, p, want)
		}
	}
	if p := ev.GetProperty(ical.ComponentPropertyGeo); p == nil || !strings.HasPrefix(p.Value, "55.1") {
		t.Errorf("GEO %+v", p)
	}

	// A city the directory does not know: the card, and no map.
	seq := h.srv.LastSeq()
	h.say(coord, "/newforum Онлайн-встреча | 01.07.2030 | онлайн")
	for _, s := range h.srv.Sent() {
		if s.Seq > seq && s.Method == "sendPhoto" {
			t.Errorf("a map for an unknown city: %s", s)
		}
	}
}

// After downtime across both leads, a registrant gets one reminder, the
// one nearest the opening, saying how little time is left.
func TestForumReminderAfterDowntimeOnlyTheLatest(t *testing.T) {
	clk := &testClock{t: time.Date(2030, 6, 20, 12, 0, 0, 0, minsk)}
	h := newHarness(t, Options{Now: clk.Now})
	coord := telegramtest.User{ID: 38200, LanguageCode: "ru"}
	anna := telegramtest.User{ID: 38201, FirstName: "Анна", LanguageCode: "ru"}
	h.coordinator(t, coord, "Smolensk")
	h.verified(t, anna, "Smolensk")
	card := h.say(coord, "/newforum Форум регионов | 26.06.2030 | Витебск")
	h.press(anna, card.MessageID, "fr:rsvp:1:going")
	h.stop()
	clk.jump(h, time.Date(2030, 6, 26, 8, 30, 0, 0, minsk))
	h.start()
	got := waitFor(t, h, anna.ID, "⏰", 1)
	jobsSettled(t, h, clk)
	h.restart()
	jobsSettled(t, h, clk)
	if n := len(startsWith(h, anna.ID, "⏰")); n != 1 || !strings.Contains(got[0].Text, "через 30 минут") {
		t.Fatalf("%d reminders after downtime, first %q; want one, 30 minutes before", n, got[0].Text)
	}
	dropped, err := h.db.FindJobs(context.Background(), store.JobFilter{Recipient: anna.ID}, store.JobDropped)
	if err != nil || len(dropped) != 1 || !strings.Contains(dropped[0].Note, "later reminder") {
		t.Fatalf("the earlier reminder: %+v, %v", dropped, err)
	}
}
