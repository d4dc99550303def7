package meetings

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// now in most tests: Thursday 26 November 2026, 12:00 in Moscow.
var now = time.Date(2026, 11, 26, 12, 0, 0, 0, moscow)

func TestOneLineForm(t *testing.T) {
	f := newFixture(t, now)
	vitebsk := f.place("Vitebsk").ID
	luki := f.place("Великие Луки").ID
	at := func(d, h, m int) string {
		return unix(time.Date(2026, 12, d, h, m, 0, 0, moscow))
	}
	cases := []struct {
		line string
		want map[string]string // expected dialog data; "note" = an answer was needed
		note string            // the message id of the note, if any
	}{
		{"Vitebsk 25.12 15:00 Town hall, tourism forum",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10), keyAt: at(25, 15, 0), keyVenue: "Town hall", keyTopic: "tourism forum"}, ""},
		{"Витебск 25 декабря в 15:00 Ратуша",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10), keyAt: at(25, 15, 0), keyVenue: "Ратуша"}, ""},
		{"Великие Луки 1 декабря в 10 Администрация, молодёжный обмен",
			map[string]string{keyPlace: strconv.FormatInt(luki, 10), keyAt: at(1, 10, 0), keyVenue: "Администрация", keyTopic: "молодёжный обмен"}, ""},
		{"Віцебск 25 снежня а 15:00",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10), keyAt: at(25, 15, 0)}, ""},
		{"Vitebsk 25.12 at 5",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10), keyAmb: at(25, 5, 0) + "," + at(25, 17, 0)}, ""},
		{"Vitebsk 25.12",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10), keyDate: "2026-12-25"}, ""},
		{"Vitebsk",
			map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10)}, ""},
		{"25.12 15:00",
			map[string]string{keyAt: at(25, 15, 0)}, ""},
		{"Vitebsk today at 10", map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10)}, "meetings.when.past"},
		{"Vitebsk 31.11 15:00", map[string]string{keyPlace: strconv.FormatInt(vitebsk, 10)}, "meetings.when.invalid"},
		{"Xyzzyqwerty 25.12 15:00", map[string]string{keyAt: at(25, 15, 0)}, "meetings.place.not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			data := map[string]string{}
			rd := reader{tr: f.cat, lang: "en", loc: moscow}
			note := f.s.readOneLine(rd, tc.line, data)
			if tc.note == "" && note != nil {
				t.Fatalf("unexpected note %q", note.Text)
			}
			if tc.note != "" {
				if note == nil {
					t.Fatalf("no note, want %s", tc.note)
				}
				want := f.text("en", tc.note, locales.Args{"Query": "Xyzzyqwerty"})
				if cut := strings.Index(want, ":"); tc.note == "meetings.when.past" && cut > 0 {
					want = want[:cut]
				}
				if !strings.HasPrefix(note.Text, want) {
					t.Fatalf("note %q, want %s (%q)", note.Text, tc.note, want)
				}
			}
			for k, v := range tc.want {
				if data[k] != v {
					t.Errorf("%s = %q, want %q (data %v)", k, data[k], v, data)
				}
			}
			for k := range data {
				if _, ok := tc.want[k]; !ok {
					t.Errorf("unexpected %s = %q", k, data[k])
				}
			}
		})
	}
}

func TestVisitDialogEndToEnd(t *testing.T) {
	f := newFixture(t, now)
	anna := f.member(1, "Анна", "ru", "Smolensk")
	f.member(2, "Алесь", "be", "Vitebsk")
	f.member(3, "Boris", "en", "Smolensk")

	f.must(f.say(1, "/visit"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.ask.place", nil) {
		t.Fatalf("first question %q", got)
	}
	f.must(f.say(1, "Витебск"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, "Когда?") {
		t.Fatalf("after the place: %q", got)
	}
	f.must(f.say(1, "абракадабра"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.when.unrecognised", nil) {
		t.Fatalf("unreadable date answered %q", got)
	}
	f.must(f.say(1, "сегодня в 10"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, "Это время уже прошло: четверг, 26 ноября, 10:00") {
		t.Fatalf("a past date answered %q", got)
	}
	// An ambiguous hour is asked back with two buttons, never guessed.
	f.must(f.say(1, "завтра в 5"))
	last := f.out.last(t, 1)
	if len(last.msg.Buttons) != 1 || len(last.msg.Buttons[0]) != 2 ||
		last.msg.Buttons[0][0].Text != "27.11 05:00" || last.msg.Buttons[0][1].Text != "27.11 17:00" {
		t.Fatalf("ambiguous hour: %q %+v", last.msg.Text, last.msg.Buttons)
	}
	id, pm := f.button(1, "17:00")
	if _, err := f.press(1, id, callback.New(FeatureVisit, "at", "12345")); !isStale(err) {
		t.Fatalf("a forged time was accepted: %v", err)
	}
	_, err := f.press(1, id, pm)
	f.must(err)
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.ask.venue", nil) {
		t.Fatalf("after the hour: %q", got)
	}
	id, skip := f.button(1, "Пропустить")
	_, err = f.press(1, id, skip)
	f.must(err)
	f.must(f.say(1, "Туристический форум <b>2027</b>"))
	parts := f.out.last(t, 1)
	if !strings.Contains(parts.msg.Text, "Визит: Витебск — Туристический форум &lt;b&gt;2027&lt;/b&gt;") ||
		!strings.Contains(parts.msg.Text, "пятница, 27 ноября, 17:00") {
		t.Fatalf("participants step shows %q", parts.msg.Text)
	}
	// Members of both municipalities are offered; the author is not.
	var labels []string
	for _, row := range parts.msg.Buttons {
		labels = append(labels, row[0].Text)
	}
	if strings.Join(labels, "|") != "⬜ Boris|⬜ Алесь|✅ Создать" {
		t.Fatalf("participant buttons %v", labels)
	}
	id, ales := f.button(1, "Алесь")
	_, err = f.press(1, id, ales)
	f.must(err)
	if edited := f.out.last(t, 1); !edited.edit || edited.msg.Buttons[1][0].Text != "☑️ Алесь" {
		t.Fatalf("toggle did not mark Алесь: %+v", edited)
	}
	id, create := f.button(1, "Создать")
	_, err = f.press(1, id, create)
	f.must(err)
	card := f.out.last(t, 1).msg
	if !strings.HasPrefix(card.Text, f.text("ru", "meetings.created", nil)) || !strings.Contains(card.Text, "Алесь") {
		t.Fatalf("card after creating: %q", card.Text)
	}
	// A second tap on "Create" is stale, not a second meeting.
	if _, err := f.press(1, id, create); !isStale(err) {
		t.Fatalf("second create: %v", err)
	}
	m := f.meetingOf(anna.UserID)
	want := time.Date(2026, 11, 27, 17, 0, 0, 0, moscow)
	if !m.StartsAt.Equal(want) || m.TimeZone != "Europe/Moscow" || m.Venue != "" || m.Topic != "Туристический форум <b>2027</b>" {
		t.Fatalf("stored %+v", m)
	}
	if list, _ := f.db.MeetingsOf(f.ctx, 3, now, time.Time{}, 10); len(list) != 0 {
		t.Fatal("Boris was not chosen but takes part")
	}
	// Reminders 24 h and 1 h before for both, an invitation for Алесь.
	var got []string
	for _, j := range f.pending(store.JobFilter{Subject: subject(m.ID)}) {
		got = append(got, j.Kind+"@"+j.DueAt.In(moscow).Format("02.01 15:04")+">"+strconv.FormatInt(j.Recipient, 10))
	}
	wantJobs := "meeting.notice@26.11 12:00>2 meeting.remind@26.11 17:00>1 meeting.remind@26.11 17:00>2 meeting.remind@27.11 16:00>1 meeting.remind@27.11 16:00>2"
	if strings.Join(got, " ") != wantJobs {
		t.Fatalf("jobs:\n%s\nwant\n%s", strings.Join(got, " "), wantJobs)
	}
	if _, active, _ := f.st.GetDialog(f.ctx, 1); active {
		t.Fatal("the dialog is still active")
	}

	// The invitation reaches Алесь in Belarusian.
	f.runJobs(now)
	inv := f.out.last(t, 2).msg
	if !strings.HasPrefix(inv.Text, "📨 Анна запрашае вас на сустрэчу:") || !strings.Contains(inv.Text, "пятніца, 27 лістапада, 17:00") {
		t.Fatalf("invitation %q", inv.Text)
	}
	id, going := f.button(2, "Прыйду")
	toast, err := f.press(2, id, going)
	f.must(err)
	if toast != f.text("be", "meetings.answer.going", nil) {
		t.Fatalf("toast %q", toast)
	}
	if told := f.out.last(t, 1).msg.Text; !strings.HasPrefix(told, "✅ Алесь придёт") {
		t.Fatalf("the organiser was told %q", told)
	}
}

func TestVisitAskedForMissingParts(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "")
	// Without other members nobody can be invited: the meeting is created
	// as soon as the questions are answered.
	f.must(f.say(1, "/visit Витебск 25.12"))
	if got := f.out.last(t, 1).msg.Text; got != f.text("ru", "meetings.ask.time", locales.Args{"Date": "пятница, 25 декабря"}) {
		t.Fatalf("date without a time: %q", got)
	}
	f.must(f.say(1, "15:30 Ратуша, форум"))
	if got := f.out.last(t, 1).msg.Text; !strings.HasPrefix(got, f.text("ru", "meetings.created", nil)) {
		t.Fatalf("after the time: %q", got)
	}
	m := f.meetingOf(1)
	if !m.StartsAt.Equal(time.Date(2026, 12, 25, 15, 30, 0, 0, moscow)) || m.Venue != "Ратуша" || m.Topic != "форум" {
		t.Fatalf("stored %+v", m)
	}
}

func TestVisitOnlyInPrivateChats(t *testing.T) {
	f := newFixture(t, now)
	f.member(1, "Анна", "ru", "")
	r := f.request(1)
	r.ChatID, r.ChatType, r.Command = -100, "supergroup", "visit"
	f.must(f.s.Visit(f.ctx, r))
	if got := f.out.last(t, -100).msg.Text; got != f.text("ru", "meetings.private_only", nil) {
		t.Fatalf("in a group: %q", got)
	}
}
