package meetings

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/store"
)

// plan creates a meeting directly, as the /visit dialog would.
func (f *fixture) plan(author int64, place string, at time.Time, parts ...int64) store.Meeting {
	f.t.Helper()
	m := store.Meeting{AuthorID: author, StartsAt: at, TimeZone: at.Location().String(), Venue: "Ратуша", Topic: "форум"}
	if place != "" {
		m.MunicipalityID = f.place(place).ID
	}
	leads, err := f.s.leadsOfAll(f.ctx, append([]int64{author}, parts...))
	f.must(err)
	now := f.clock.Now()
	m, err = f.db.CreateMeeting(f.ctx, m, parts, func(m store.Meeting) []store.Job {
		return changeJobs(m, leads, author, eventInvited, time.Time{}, now)
	}, now)
	f.must(err)
	return m
}

// reminders returns the reminders chat received, oldest first.
func (f *fixture) reminders(chat int64) []string {
	var out []string
	for _, s := range f.out.to(chat) {
		if strings.HasPrefix(s.msg.Text, "⏰") {
			out = append(out, s.msg.Text)
		}
	}
	return out
}

func TestOneMeetingInSixTimeZones(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk") // the organiser, Moscow time
	members := []struct {
		id            int64
		lang, place   string
		date, clock   string // what they must read
		zoneNamed     bool
		organiserTime string
	}{
		{2, "ru", "Kaliningrad", "пятница, 25 декабря", "14:00", true, "15:00"},
		{3, "ru", "Moscow", "пятница, 25 декабря", "15:00", false, ""},
		{4, "be", "Minsk", "пятніца, 25 снежня", "15:00", false, ""},
		{5, "ru", "Yekaterinburg", "пятница, 25 декабря", "17:00", true, "15:00"},
		{6, "en", "Vladivostok", "Friday, 25 December", "22:00", true, "15:00"},
		{7, "ru", "Petropavlovsk-Kamchatsky", "суббота, 26 декабря", "00:00", true, "25.12 15:00"},
	}
	var ids []int64
	for _, m := range members {
		f.member(m.id, "M"+strconv.FormatInt(m.id, 10), m.lang, m.place)
		ids = append(ids, m.id)
	}
	start := time.Date(2026, 12, 25, 15, 0, 0, 0, moscow)
	m := f.plan(1, "Vitebsk", start, ids...)

	// Everybody's reminders are due at the same instants, whatever their
	// zone: 24 hours and 1 hour before 12:00 UTC.
	for _, j := range f.pending(store.JobFilter{Subject: subject(m.ID), Kinds: []string{KindRemind}}) {
		if d := start.Sub(j.DueAt); d != 24*time.Hour && d != time.Hour {
			t.Errorf("reminder for %d due %v before the start", j.Recipient, d)
		}
	}
	f.runJobs(now) // the invitations
	f.runJobs(start.Add(-24 * time.Hour))
	for _, want := range members {
		got := f.reminders(want.id)
		if len(got) != 1 {
			t.Fatalf("%s: %d reminders, want 1", want.place, len(got))
		}
		text := got[0]
		line := want.date + ", " + want.clock
		if !strings.Contains(text, line) {
			t.Errorf("%s reads %q, want %q", want.place, text, line)
		}
		named := strings.Contains(text, "UTC+")
		if named != want.zoneNamed {
			t.Errorf("%s: zone named %v, want %v: %q", want.place, named, want.zoneNamed, text)
		}
		if want.zoneNamed && !strings.Contains(text, " "+want.organiserTime+" (") {
			t.Errorf("%s: the organiser's time %s is missing: %q", want.place, want.organiserTime, text)
		}
	}
	if k := f.reminders(7)[0]; !strings.Contains(k, "Петропавловск-Камчатский, UTC+12") || !strings.Contains(k, "Москва, UTC+3") {
		t.Errorf("Kamchatka's zones are not named by their cities: %q", k)
	}
	if k := f.reminders(2)[0]; !strings.Contains(k, "Калининград, UTC+2") {
		t.Errorf("Kaliningrad's zone: %q", k)
	}
	if v := f.reminders(6)[0]; !strings.HasPrefix(v, "⏰ <b>Reminder:</b> starts in 1 day") {
		t.Errorf("English reminder %q", v)
	}
	f.runJobs(start.Add(-time.Hour))
	for _, want := range members {
		if got := f.reminders(want.id); len(got) != 2 || !strings.Contains(got[1], "1 ") {
			t.Errorf("%s: after the 1 h reminder: %q", want.place, got)
		}
	}
	if left := f.pending(store.JobFilter{Subject: subject(m.ID)}); len(left) != 0 {
		t.Fatalf("%d jobs left after every reminder", len(left))
	}
}

func TestLateRemindersAfterDowntime(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	start := time.Date(2026, 12, 25, 15, 0, 0, 0, moscow)
	f.plan(1, "Vitebsk", start)

	// Down from before the 24 h reminder until after the 1 h one: only the
	// 1 h reminder goes out, saying it is late.
	f.runJobs(start.Add(-30 * time.Minute))
	got := f.reminders(1)
	if len(got) != 1 || !strings.Contains(got[0], f.text("ru", "meetings.reminder.late", nil)) ||
		!strings.Contains(got[0], "начало через 30 минут") {
		t.Fatalf("after downtime: %q", got)
	}
	dropped, _ := f.db.FindJobs(f.ctx, store.JobFilter{Kinds: []string{KindRemind}}, store.JobDropped)
	if len(dropped) != 1 || !strings.Contains(dropped[0].Note, "later reminder") {
		t.Fatalf("dropped: %+v", dropped)
	}

	// A reminder that comes due while the bot runs is not late.
	m2 := f.plan(1, "Vitebsk", start.Add(48*time.Hour))
	f.runJobs(m2.StartsAt.Add(-24*time.Hour + time.Minute))
	got = f.reminders(1)
	if len(got) != 2 || strings.Contains(got[1], "⚠️") {
		t.Fatalf("on time: %q", got)
	}
	// After the start a late reminder is dropped.
	f.runJobs(m2.StartsAt.Add(time.Minute))
	if n := len(f.reminders(1)); n != 2 {
		t.Fatalf("%d reminders; one for a meeting that has started was sent", n)
	}
	dropped, _ = f.db.FindJobs(f.ctx, store.JobFilter{Subject: subject(m2.ID)}, store.JobDropped)
	if len(dropped) != 1 || !strings.Contains(dropped[0].Note, "started") {
		t.Fatalf("dropped: %+v", dropped)
	}
}

func TestRescheduleMovesRemindersAndTellsParticipants(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	f.member(2, "Алесь", "be", "Vitebsk")
	f.member(3, "Boris", "en", "Smolensk")
	start := time.Date(2026, 12, 25, 15, 0, 0, 0, moscow)
	m := f.plan(1, "Vitebsk", start, 2)
	f.runJobs(now) // the invitation
	// A reminder claimed before the reschedule and run after it.
	f.clock.Set(start.Add(-24 * time.Hour))
	inflight, err := f.db.ClaimJobs(f.ctx, "other", start.Add(-24*time.Hour), time.Minute, 10)
	f.must(err)
	if len(inflight) != 2 {
		t.Fatalf("claimed %d", len(inflight))
	}
	f.clock.Set(now)

	// Only the organiser (or a coordinator) may reschedule.
	if _, err := f.press(2, 1, callback.New(FeatureMeeting, "move", strconv.FormatInt(m.ID, 10))); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("a participant rescheduled: %v", err)
	}
	if _, err := f.press(3, 1, callback.New(FeatureMeeting, "open", strconv.FormatInt(m.ID, 10))); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("a stranger opened the meeting: %v", err)
	}
	_, err = f.press(1, 1, callback.New(FeatureMeeting, "move", strconv.FormatInt(m.ID, 10)))
	f.must(err)
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, "Переносим «Визит: Витебск — форум» (пятница, 25 декабря, 15:00)") {
		t.Fatalf("reschedule asks %q", got)
	}
	f.must(f.say(1, "прошлый год"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.when.unrecognised", nil) {
		t.Fatalf("unreadable: %q", got)
	}
	f.must(f.say(1, "26.12 в 10"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, f.text("ru", "meetings.moved", nil)) ||
		!strings.Contains(got, "суббота, 26 декабря, 10:00") {
		t.Fatalf("after rescheduling: %q", got)
	}
	newStart := time.Date(2026, 12, 26, 10, 0, 0, 0, moscow)
	m2, err := f.db.Meeting(f.ctx, m.ID)
	f.must(err)
	if !m2.StartsAt.Equal(newStart) || m2.Revision != 2 {
		t.Fatalf("stored %+v", m2)
	}
	var got []string
	for _, j := range f.pending(store.JobFilter{Subject: subject(m.ID)}) {
		got = append(got, j.Kind+"@"+j.DueAt.In(moscow).Format("02.01 15:04")+">"+strconv.FormatInt(j.Recipient, 10))
	}
	// The old reminders are gone, even those another instance had claimed:
	// that instance's outcome will not be recorded.
	want := "meeting.notice@26.11 12:00>2 meeting.remind@25.12 10:00>1 meeting.remind@25.12 10:00>2 meeting.remind@26.12 09:00>1 meeting.remind@26.12 09:00>2"
	if strings.Join(got, " ") != want {
		t.Fatalf("jobs after rescheduling:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	f.runJobs(now)
	notice := f.out.last(t, 2).msg.Text
	if !strings.HasPrefix(notice, "🕒 Сустрэчу перанеслі (Анна). Раней было: пятніца, 25 снежня, 15:00.") ||
		!strings.Contains(notice, "субота, 26 снежня, 10:00") {
		t.Fatalf("notice of the new time: %q", notice)
	}
	// The reminder claimed before the change is dropped when it runs.
	f.clock.Set(start.Add(-24 * time.Hour))
	if err := f.s.runReminder(f.ctx, inflight[0]); err == nil || !strings.Contains(err.Error(), "rescheduled") {
		t.Fatalf("stale reminder: %v", err)
	}
	// At the old time nothing comes; at the new ones, one reminder each.
	before := len(f.reminders(1)) + len(f.reminders(2))
	f.runJobs(newStart.Add(-24*time.Hour - time.Minute))
	if n := len(f.reminders(1)) + len(f.reminders(2)); n != before {
		t.Fatal("a reminder came at the old time")
	}
	f.runJobs(newStart.Add(-24 * time.Hour))
	f.runJobs(newStart.Add(-time.Hour))
	for _, who := range []int64{1, 2} {
		if got := f.reminders(who); len(got) != 2 {
			t.Fatalf("member %d: %d reminders after the new times, want 2", who, len(got))
		}
	}

	// A stale "move" cannot overwrite a newer change.
	f.clock.Set(now)
	_, err = f.press(1, 1, callback.New(FeatureMeeting, "move", strconv.FormatInt(m.ID, 10)))
	f.must(err)
	f.must(f.db.SetAnswer(f.ctx, m.ID, 2, store.AnswerGoing))
	if _, err := f.db.RescheduleMeeting(f.ctx, m.ID, 2, newStart.Add(time.Hour), store.JobChange{}, now); err != nil {
		t.Fatal(err)
	}
	f.must(f.say(1, "27.12 в 10"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.changed_meanwhile", nil) {
		t.Fatalf("stale reschedule: %q", got)
	}
}

func TestCancelDropsRemindersAndTellsParticipants(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	f.member(2, "Алесь", "be", "Vitebsk")
	start := time.Date(2026, 12, 25, 15, 0, 0, 0, moscow)
	m := f.plan(1, "Vitebsk", start, 2)
	f.runJobs(now)
	_, err := f.press(1, 7, callback.New(FeatureMeeting, "cancel", strconv.FormatInt(m.ID, 10)))
	f.must(err)
	id, yes := f.button(1, "Да, отменить")
	_, err = f.press(1, id, yes)
	f.must(err)
	if _, err := f.press(1, id, yes); err != nil && !isStale(err) {
		t.Fatalf("second tap: %v", err)
	}
	f.runJobs(now)
	if got := f.out.last(t, 2).msg.Text; !strings.HasPrefix(got, "❌ Сустрэчу скасавалі (Анна):") || !strings.Contains(got, "Скасавана") {
		t.Fatalf("cancellation notice %q", got)
	}
	f.runJobs(start.Add(-time.Hour))
	if len(f.reminders(1))+len(f.reminders(2)) != 0 {
		t.Fatal("a reminder of a cancelled meeting was sent")
	}
	if left := f.pending(store.JobFilter{Subject: subject(m.ID)}); len(left) != 0 {
		t.Fatalf("%d jobs left", len(left))
	}
}

func TestSnooze(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	start := time.Date(2026, 11, 27, 15, 0, 0, 0, moscow)
	m := f.plan(1, "Vitebsk", start)
	f.runJobs(start.Add(-24 * time.Hour))
	id, hour := f.button(1, "Через час")
	toast, err := f.press(1, id, hour)
	f.must(err)
	if toast != "Напомню ещё раз: четверг, 26 ноября, 16:00." {
		t.Fatalf("toast %q", toast)
	}
	_, morning := f.button(1, "Завтра утром")
	toast, err = f.press(1, id, morning)
	f.must(err)
	if toast != "Напомню ещё раз: пятница, 27 ноября, 09:00." {
		t.Fatalf("toast %q", toast)
	}
	f.runJobs(start.Add(-23 * time.Hour))
	f.runJobs(time.Date(2026, 11, 27, 9, 0, 0, 0, moscow))
	if got := f.reminders(1); len(got) != 3 || !strings.Contains(got[2], "начало через 6 часов") {
		t.Fatalf("after two snoozes: %q", got)
	}
	// Snoozing past the start is refused.
	f.clock.Set(start.Add(-30 * time.Minute))
	toast, err = f.press(1, id, hour)
	f.must(err)
	if toast != f.text("ru", "meetings.snooze.too_late", nil) {
		t.Fatalf("late snooze: %q", toast)
	}
	if n := len(f.pending(store.JobFilter{Subject: subject(m.ID), Kinds: []string{KindSnooze}})); n != 0 {
		t.Fatalf("%d snoozes pending", n)
	}
}

func TestCalendarExport(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	f.member(2, "Алесь", "be", "Vitebsk")
	m := f.plan(1, "Vitebsk", time.Date(2026, 12, 25, 15, 0, 0, 0, moscow), 2)
	f.plan(1, "", time.Date(2027, 1, 15, 11, 0, 0, 0, moscow))

	_, err := f.press(2, 1, callback.New(FeatureMeeting, "ics", strconv.FormatInt(m.ID, 10)))
	f.must(err)
	doc := f.out.last(t, 2).msg.Document
	if doc == nil || doc.Name != "meeting-"+strconv.FormatInt(m.ID, 10)+".ics" {
		t.Fatalf("no .ics document: %+v", f.out.last(t, 2).msg)
	}
	cal, err := ical.ParseCalendar(bytes.NewReader(doc.Data))
	f.must(err)
	ev := cal.Events()[0]
	start := ev.GetProperty(ical.ComponentPropertyDtStart)
	if start.Value != "20261225T150000" || start.ICalParameters["TZID"][0] != "Europe/Moscow" {
		t.Fatalf("DTSTART %+v", start)
	}
	if s := ical.FromText(ev.GetProperty(ical.ComponentPropertySummary).Value); s != "Візіт: Віцебск — форум" {
		t.Fatalf("summary in the reader's language: %q", s)
	}
	if loc := ical.FromText(ev.GetProperty(ical.ComponentPropertyLocation).Value); loc != "Ратуша, Віцебск" {
		t.Fatalf("location %q", loc)
	}
	if len(cal.Timezones()) != 1 {
		t.Fatal("no VTIMEZONE")
	}

	f.must(f.say(1, "/meetings"))
	list := f.out.last(t, 1).msg
	if !strings.Contains(list.Text, "1. пятница, 25 декабря, 15:00 — Визит: Витебск — форум") ||
		!strings.Contains(list.Text, "2. пятница, 15 января 2027 г., 11:00 — форум") {
		t.Fatalf("/meetings: %q", list.Text)
	}
	id, all := f.button(1, "Все в календарь")
	_, err = f.press(1, id, all)
	f.must(err)
	doc = f.out.last(t, 1).msg.Document
	cal, err = ical.ParseCalendar(bytes.NewReader(doc.Data))
	f.must(err)
	if n := len(cal.Events()); n != 2 || doc.Name != "meetings.ics" {
		t.Fatalf("export of all: %d events in %s", n, doc.Name)
	}
}

func TestReminderSettingsRewritePendingReminders(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	start := time.Date(2026, 12, 25, 15, 0, 0, 0, moscow)
	f.plan(1, "Vitebsk", start)
	leadsOf := func() string {
		var out []string
		for _, j := range f.pending(store.JobFilter{Recipient: 1, Kinds: []string{KindRemind}}) {
			out = append(out, start.Sub(j.DueAt).String())
		}
		return strings.Join(out, ",")
	}
	if got := leadsOf(); got != "24h0m0s,1h0m0s" {
		t.Fatalf("default leads: %s", got)
	}
	f.must(f.say(1, "/reminders"))
	panel := f.out.last(t, 1).msg
	if !strings.HasPrefix(panel.Text, "Напоминания приходят за 1 день, 1 час до встречи") {
		t.Fatalf("panel %q", panel.Text)
	}
	id, three := f.button(1, "3 часа")
	_, err := f.press(1, id, three)
	f.must(err)
	if got := leadsOf(); got != "24h0m0s,3h0m0s,1h0m0s" {
		t.Fatalf("after adding 3 h: %s", got)
	}
	if got := f.out.last(t, 1); !got.edit || !strings.Contains(got.msg.Text, "1 день, 3 часа, 1 час") {
		t.Fatalf("panel after the change: %+v", got)
	}
	f.must(f.say(1, "/reminders off"))
	if got := leadsOf(); got != "" {
		t.Fatalf("reminders off, yet pending: %s", got)
	}
	f.must(f.say(1, "/reminders 2d, 90m"))
	if got := leadsOf(); got != "48h0m0s,1h30m0s" {
		t.Fatalf("typed leads: %s", got)
	}
	f.must(f.say(1, "/reminders soon"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.reminders.usage", nil) {
		t.Fatalf("bad leads answered %q", got)
	}
	f.must(f.say(1, "/reminders default"))
	if got := leadsOf(); got != "24h0m0s,1h0m0s" {
		t.Fatalf("back to default: %s", got)
	}
}

func TestParseLeads(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"24h,1h", "[24h0m0s 1h0m0s]", true},
		{"1h 24h 1h", "[24h0m0s 1h0m0s]", true},
		{"2d; 30m", "[48h0m0s 30m0s]", true},
		{"90m", "[1h30m0s]", true},
		{"31d", "", false},
		{"30s", "", false},
		{"-1h", "", false},
		{"soon", "", false},
		{"", "", false},
	} {
		got, err := ParseLeads(tc.in)
		if (err == nil) != tc.ok || tc.ok && fmtDurations(got) != tc.want {
			t.Errorf("ParseLeads(%q) = %v, %v; want %s ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func fmtDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestTimeZoneCommand(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	f.must(f.say(1, "/timezone"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, "Ваш часовой пояс: <b>Москва, UTC+3</b> (Europe/Moscow), сейчас там 12:00.\nЭто пояс вашего муниципалитета.") {
		t.Fatalf("/timezone: %q", got)
	}
	for _, tc := range []struct{ arg, zone string }{
		{"Екатеринбург", "Asia/Yekaterinburg"},
		{"europe/kaliningrad", "Europe/Kaliningrad"},
		{"Asia/Kamchatka", "Asia/Kamchatka"},
		{"Віцебск", "Europe/Minsk"},
	} {
		f.must(f.say(1, "/timezone "+tc.arg))
		if m, _ := f.db.Member(f.ctx, 1); m.TimeZone != tc.zone {
			t.Errorf("/timezone %s set %q, want %s", tc.arg, m.TimeZone, tc.zone)
		}
	}
	f.must(f.say(1, "/timezone Mars/Olympus"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, "Не знаю часового пояса или города «Mars/Olympus»") {
		t.Fatalf("unknown zone: %q", got)
	}
	f.must(f.say(1, "/timezone"))
	id, auto := f.button(1, "Пояс моего муниципалитета")
	_, err := f.press(1, id, auto)
	f.must(err)
	if m, _ := f.db.Member(f.ctx, 1); m.TimeZone != "" {
		t.Fatalf("auto left %q", m.TimeZone)
	}
}

func TestMorningDigest(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Yekaterinburg")
	ekb := mustZone("Asia/Yekaterinburg")
	f.plan(1, "Vitebsk", time.Date(2026, 11, 27, 15, 0, 0, 0, ekb))
	f.plan(1, "", time.Date(2026, 11, 28, 10, 0, 0, 0, ekb))

	f.must(f.say(1, "/digest on"))
	jobs := f.pending(store.JobFilter{Recipient: 1, Kinds: []string{KindDigest}})
	if len(jobs) != 1 || !jobs[0].DueAt.Equal(time.Date(2026, 11, 27, 8, 0, 0, 0, ekb)) {
		t.Fatalf("digest jobs %+v", jobs)
	}
	f.runJobs(jobs[0].DueAt)
	var got string
	for _, s := range f.out.to(1) {
		if strings.HasPrefix(s.msg.Text, "☀️") {
			got = s.msg.Text
		}
	}
	if !strings.HasPrefix(got, "☀️ <b>Сегодня, пятница, 27 ноября</b>: 1 встреча\n• 15:00 — Визит: Витебск — форум") ||
		strings.Contains(got, "28") {
		t.Fatalf("digest %q", got)
	}
	// The next morning's is written.
	jobs = f.pending(store.JobFilter{Recipient: 1, Kinds: []string{KindDigest}})
	if len(jobs) != 1 || !jobs[0].DueAt.Equal(time.Date(2026, 11, 28, 8, 0, 0, 0, ekb)) {
		t.Fatalf("next digest %+v", jobs)
	}
	// A zone change moves it to the new zone's morning.
	f.must(f.say(1, "/timezone Europe/Kaliningrad"))
	jobs = f.pending(store.JobFilter{Recipient: 1, Kinds: []string{KindDigest}})
	if len(jobs) != 1 || !jobs[0].DueAt.Equal(time.Date(2026, 11, 28, 8, 0, 0, 0, mustZone("Europe/Kaliningrad"))) {
		t.Fatalf("digest after a zone change %+v", jobs)
	}
	f.must(f.say(1, "/digest off"))
	if jobs = f.pending(store.JobFilter{Recipient: 1, Kinds: []string{KindDigest}}); len(jobs) != 0 {
		t.Fatalf("digest off, yet pending %+v", jobs)
	}
}

func TestUnreachableParticipantIsDropped(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "Smolensk")
	f.member(2, "Алесь", "be", "Vitebsk")
	f.out.unreachable[2] = true
	f.plan(1, "Vitebsk", time.Date(2026, 12, 25, 15, 0, 0, 0, moscow), 2)
	f.runJobs(now)
	dropped, _ := f.db.FindJobs(f.ctx, store.JobFilter{Recipient: 2, Kinds: []string{KindNotice}}, store.JobDropped)
	if len(dropped) != 1 {
		t.Fatalf("an invitation to a blocked chat was not dropped: %+v", dropped)
	}
}
