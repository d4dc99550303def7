package when

import (
	"errors"
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // the zones under test do not depend on the machine
)

const layout = "2006-01-02 15:04"

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// base is the fixed clock of most tables: Thursday 26 November 2026,
// 21:00 in Minsk.
func base(t testing.TB) (time.Time, *time.Location) {
	loc := mustLoc(t, "Europe/Minsk")
	return time.Date(2026, 11, 26, 21, 0, 0, 0, loc), loc
}

// ok is a phrase that parses without error to one moment.
type ok struct {
	in      string
	at      string // layout, in loc
	hasTime bool
	lang    string
	rest    string
}

func checkOK(t *testing.T, now time.Time, loc *time.Location, tc ok) {
	t.Helper()
	r, err := Parse(tc.in, now, loc)
	if err != nil {
		t.Errorf("Parse(%q) error %v, want nil", tc.in, err)
		return
	}
	checkAt(t, tc.in, r, loc, tc.at)
	if r.HasTime != tc.hasTime {
		t.Errorf("Parse(%q).HasTime = %v, want %v", tc.in, r.HasTime, tc.hasTime)
	}
	if r.Lang != tc.lang {
		t.Errorf("Parse(%q).Lang = %q, want %q", tc.in, r.Lang, tc.lang)
	}
	if r.Rest != tc.rest {
		t.Errorf("Parse(%q).Rest = %q, want %q", tc.in, r.Rest, tc.rest)
	}
}

func checkAt(t *testing.T, in string, r Result, loc *time.Location, want string) {
	t.Helper()
	if r.Ambiguous != nil {
		t.Errorf("Parse(%q).Ambiguous = %v, want none", in, r.Ambiguous)
	}
	if got := r.At.Format(layout); got != want {
		t.Errorf("Parse(%q).At = %s, want %s", in, got, want)
	}
	if r.At.Location() != loc {
		t.Errorf("Parse(%q).At is in %v, want %v", in, r.At.Location(), loc)
	}
}

func runOK(t *testing.T, now time.Time, loc *time.Location, cases []ok) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) { checkOK(t, now, loc, tc) })
	}
}

func TestParseRussian(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"25 декабря в 15:00", "2026-12-25 15:00", true, "ru", ""},
		{"25 декабря", "2026-12-25 00:00", false, "ru", ""},
		{"25 дек. в 15:00", "2026-12-25 15:00", true, "ru", ""},
		{"25-го декабря в 10 утра", "2026-12-25 10:00", true, "ru", ""},
		{"на 25 декабря", "2026-12-25 00:00", false, "ru", ""},
		{"25 декабрь", "2026-12-25 00:00", false, "ru", ""},
		{"1 января", "2027-01-01 00:00", false, "ru", ""},
		{"25 декабря 2027 года в 9:30", "2027-12-25 09:30", true, "ru", ""},
		{"25 декабря 2027 г. в 9:30", "2027-12-25 09:30", true, "ru", ""},
		{"завтра в 10", "2026-11-27 10:00", true, "ru", ""},
		{"ЗАВТРА В 10:00", "2026-11-27 10:00", true, "ru", ""},
		{"на завтра на 10:00", "2026-11-27 10:00", true, "ru", ""},
		{"завтра", "2026-11-27 00:00", false, "ru", ""},
		{"послезавтра", "2026-11-28 00:00", false, "ru", ""},
		{"сегодня", "2026-11-26 00:00", false, "ru", ""},
		{"сегодня в 23", "2026-11-26 23:00", true, "ru", ""},
		{"в пятницу в 9:30", "2026-11-27 09:30", true, "ru", ""},
		{"в пятницу", "2026-11-27 00:00", false, "ru", ""},
		{"во вторник", "2026-12-01 00:00", false, "ru", ""},
		{"в среду в 14:00", "2026-12-02 14:00", true, "ru", ""},
		{"в четверг", "2026-12-03 00:00", false, "ru", ""},
		{"в следующий вторник", "2026-12-01 00:00", false, "ru", ""},
		{"в следующую пятницу в 10", "2026-12-04 10:00", true, "ru", ""},
		{"в эту пятницу", "2026-11-27 00:00", false, "ru", ""},
		{"пт 10:00", "2026-11-27 10:00", true, "ru", ""},
		{"Пятница, 27 ноября", "2026-11-27 00:00", false, "ru", ""},
		{"через 2 часа", "2026-11-26 23:00", true, "ru", ""},
		{"через 30 минут", "2026-11-26 21:30", true, "ru", ""},
		{"через 30 мин.", "2026-11-26 21:30", true, "ru", ""},
		{"через час", "2026-11-26 22:00", true, "ru", ""},
		{"через полчаса", "2026-11-26 21:30", true, "ru", ""},
		{"через полтора часа", "2026-11-26 22:30", true, "ru", ""},
		{"через 1,5 часа", "2026-11-26 22:30", true, "ru", ""},
		{"через 1 час 30 минут", "2026-11-26 22:30", true, "ru", ""},
		{"через час и 15 минут", "2026-11-26 22:15", true, "ru", ""},
		{"через пару часов", "2026-11-26 23:00", true, "ru", ""},
		{"через неделю", "2026-12-03 21:00", true, "ru", ""},
		{"через две недели", "2026-12-10 21:00", true, "ru", ""},
		{"через 3 дня в 10", "2026-11-29 10:00", true, "ru", ""},
		{"через сутки", "2026-11-27 21:00", true, "ru", ""},
		{"через месяц", "2026-12-26 21:00", true, "ru", ""},
		{"через полгода", "2027-05-26 21:00", true, "ru", ""},
		{"через год", "2027-11-26 21:00", true, "ru", ""},
		{"в 3 часа дня", "2026-11-27 15:00", true, "ru", ""},
		{"завтра в час дня", "2026-11-27 13:00", true, "ru", ""},
		{"завтра в 15 часов 30 минут", "2026-11-27 15:30", true, "ru", ""},
		{"завтра в 15ч", "2026-11-27 15:00", true, "ru", ""},
		{"завтра 15ч30", "2026-11-27 15:30", true, "ru", ""},
		{"завтра 15 ч 30 мин", "2026-11-27 15:30", true, "ru", ""},
		{"завтра в 9 вечера", "2026-11-27 21:00", true, "ru", ""},
		{"завтра в 11 ночи", "2026-11-27 23:00", true, "ru", ""},
		{"завтра в 2 ночи", "2026-11-27 02:00", true, "ru", ""},
		{"завтра в 5 утра", "2026-11-27 05:00", true, "ru", ""},
		{"завтра в 11 дня", "2026-11-27 11:00", true, "ru", ""},
		{"завтра в 15 часов дня", "2026-11-27 15:00", true, "ru", ""},
		{"завтра вечером в 7", "2026-11-27 19:00", true, "ru", ""},
		{"завтра в 7 вечером", "2026-11-27 19:00", true, "ru", ""},
		{"завтра утром в 6", "2026-11-27 06:00", true, "ru", ""},
		{"завтра утром", "2026-11-27 00:00", false, "ru", ""},
		{"завтра в полдень", "2026-11-27 12:00", true, "ru", ""},
		{"в пять вечера", "2026-11-27 17:00", true, "ru", ""},
		{"в десять", "2026-11-27 10:00", true, "ru", ""},
		{"завтра в 15.30", "2026-11-27 15:30", true, "ru", ""},
		{"завтра в 15-30", "2026-11-27 15:30", true, "ru", ""},
		{"в 15.30", "2026-11-27 15:30", true, "ru", ""},
		{"в 10.05", "2026-11-27 10:05", true, "ru", ""},
		{"25.12 в 15", "2026-12-25 15:00", true, "ru", ""},
		{"в 10 завтра", "2026-11-27 10:00", true, "ru", ""},
		{"в 10 через 2 дня", "2026-11-28 10:00", true, "ru", ""},
	})
}

func TestParseBelarusian(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"25 снежня а 15:00", "2026-12-25 15:00", true, "be", ""},
		{"25 снежня ў 15:00", "2026-12-25 15:00", true, "be", ""},
		{"25 снежня у 15:00", "2026-12-25 15:00", true, "be", ""},
		{"25-га снежня", "2026-12-25 00:00", false, "be", ""},
		{"25 снежня 2026 г. а 10", "2026-12-25 10:00", true, "be", ""},
		{"1 студзеня", "2027-01-01 00:00", false, "be", ""},
		{"заўтра а 10", "2026-11-27 10:00", true, "be", ""},
		{"Заўтра а 10:30", "2026-11-27 10:30", true, "be", ""},
		{"заутра а 10", "2026-11-27 10:00", true, "be", ""},
		{"паслязаўтра", "2026-11-28 00:00", false, "be", ""},
		{"сёння", "2026-11-26 00:00", false, "be", ""},
		{"сёння а 23", "2026-11-26 23:00", true, "be", ""},
		{"у пятніцу", "2026-11-27 00:00", false, "be", ""},
		{"у пятнiцу", "2026-11-27 00:00", false, "be", ""}, // Latin i
		{"ў пятніцу а 9:30", "2026-11-27 09:30", true, "be", ""},
		{"у сераду", "2026-12-02 00:00", false, "be", ""},
		{"у нядзелю", "2026-11-29 00:00", false, "be", ""},
		{"у наступны аўторак", "2026-12-01 00:00", false, "be", ""},
		{"у наступную пятніцу", "2026-12-04 00:00", false, "be", ""},
		{"у гэтую пятніцу", "2026-11-27 00:00", false, "be", ""},
		{"пятніца, 27 лістапада", "2026-11-27 00:00", false, "be", ""},
		{"праз гадзіну", "2026-11-26 22:00", true, "be", ""},
		{"праз 2 гадзіны", "2026-11-26 23:00", true, "be", ""},
		{"праз 3 дні", "2026-11-29 21:00", true, "be", ""},
		{"праз паўгадзіны", "2026-11-26 21:30", true, "be", ""},
		{"праз паўтары гадзіны", "2026-11-26 22:30", true, "be", ""},
		{"праз 5 хвілін", "2026-11-26 21:05", true, "be", ""},
		{"праз тыдзень", "2026-12-03 21:00", true, "be", ""},
		{"праз 2 тыдні", "2026-12-10 21:00", true, "be", ""},
		{"праз месяц", "2026-12-26 21:00", true, "be", ""},
		{"праз 2 дні а 10", "2026-11-28 10:00", true, "be", ""},
		{"заўтра а 3 дня", "2026-11-27 15:00", true, "be", ""},
		{"заўтра а 9 вечара", "2026-11-27 21:00", true, "be", ""},
		{"заўтра а 7 раніцы", "2026-11-27 07:00", true, "be", ""},
		{"заўтра а 2 ночы", "2026-11-27 02:00", true, "be", ""},
		{"заўтра ўвечары а 7", "2026-11-27 19:00", true, "be", ""},
		{"заўтра раніцай а 6", "2026-11-27 06:00", true, "be", ""},
		{"заўтра а 15 гадзіне", "2026-11-27 15:00", true, "be", ""},
		{"заўтра ў 15 гадз", "2026-11-27 15:00", true, "be", ""},
		{"заўтра апоўдні", "2026-11-27 12:00", true, "be", ""},
		{"заўтра ў поўдзень", "2026-11-27 12:00", true, "be", ""},
		{"а пяць вечара", "2026-11-27 17:00", true, "be", ""},
		{"25 мая ў 10", "2027-05-25 10:00", true, "be", ""},
	})
}

func TestParseEnglish(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"December 25 3pm", "2026-12-25 15:00", true, "en", ""},
		{"25 December 15:00", "2026-12-25 15:00", true, "en", ""},
		{"Dec 25 at 3:30 pm", "2026-12-25 15:30", true, "en", ""},
		{"Dec. 25th, 2027 at noon", "2027-12-25 12:00", true, "en", ""},
		{"the 25th of December at 10 am", "2026-12-25 10:00", true, "en", ""},
		{"on December 25", "2026-12-25 00:00", false, "en", ""},
		{"Jan 1", "2027-01-01 00:00", false, "en", ""},
		{"Friday, December 4 at 10", "2026-12-04 10:00", true, "en", ""},
		{"tomorrow at 10", "2026-11-27 10:00", true, "en", ""},
		{"tomorrow at 10:30 a.m.", "2026-11-27 10:30", true, "en", ""},
		{"tomorrow 3pm", "2026-11-27 15:00", true, "en", ""},
		{"3pm tomorrow", "2026-11-27 15:00", true, "en", ""},
		{"9 a.m. tomorrow", "2026-11-27 09:00", true, "en", ""},
		{"tomorrow at 7 in the evening", "2026-11-27 19:00", true, "en", ""},
		{"tomorrow at 11 at night", "2026-11-27 23:00", true, "en", ""},
		{"tomorrow at noon", "2026-11-27 12:00", true, "en", ""},
		{"tomorrow morning", "2026-11-27 00:00", false, "en", ""},
		{"tomorrow evening at 6", "2026-11-27 18:00", true, "en", ""},
		{"day after tomorrow", "2026-11-28 00:00", false, "en", ""},
		{"the day after tomorrow at 5 pm", "2026-11-28 17:00", true, "en", ""},
		{"today", "2026-11-26 00:00", false, "en", ""},
		{"today at 11 pm", "2026-11-26 23:00", true, "en", ""},
		{"tonight at 11", "2026-11-26 23:00", true, "en", ""},
		{"on Friday", "2026-11-27 00:00", false, "en", ""},
		{"friday at 9", "2026-11-27 09:00", true, "en", ""},
		{"on Wed", "2026-12-02 00:00", false, "en", ""},
		{"next Friday", "2026-12-04 00:00", false, "en", ""},
		{"next Monday", "2026-11-30 00:00", false, "en", ""},
		{"this Thursday", "2026-11-26 00:00", false, "en", ""},
		{"Thursday", "2026-12-03 00:00", false, "en", ""},
		{"in an hour", "2026-11-26 22:00", true, "en", ""},
		{"in half an hour", "2026-11-26 21:30", true, "en", ""},
		{"in 90 minutes", "2026-11-26 22:30", true, "en", ""},
		{"in 1 hour and 30 minutes", "2026-11-26 22:30", true, "en", ""},
		{"in 1.5 hours", "2026-11-26 22:30", true, "en", ""},
		{"in a couple of hours", "2026-11-26 23:00", true, "en", ""},
		{"in 3 days", "2026-11-29 21:00", true, "en", ""},
		{"in 3 days at 9", "2026-11-29 09:00", true, "en", ""},
		{"in 2 weeks", "2026-12-10 21:00", true, "en", ""},
		{"in a week", "2026-12-03 21:00", true, "en", ""},
		{"at 12 am", "2026-11-27 00:00", true, "en", ""},
		{"at 12:30", "2026-11-27 12:30", true, "en", ""},
		{"at five pm", "2026-11-27 17:00", true, "en", ""},
		{"at 3 o'clock pm", "2026-11-27 15:00", true, "en", ""},
	})
}

func TestParseNumeric(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"25.12 15:00", "2026-12-25 15:00", true, "", ""},
		{"25.12.2026 15:00", "2026-12-25 15:00", true, "", ""},
		{"25.12.26", "2026-12-25 00:00", false, "", ""},
		{"25.12.", "2026-12-25 00:00", false, "", ""},
		{"2026-12-25 15:00", "2026-12-25 15:00", true, "", ""},
		{"2026-12-25T15:00", "2026-12-25 15:00", true, "", ""},
		{"2026.12.25", "2026-12-25 00:00", false, "", ""},
		{"25/12/2026", "2026-12-25 00:00", false, "", ""},
		{"25-12-2026 9:00", "2026-12-25 09:00", true, "", ""},
		{"05.01", "2027-01-05 00:00", false, "", ""},
		{"10.12", "2026-12-10 00:00", false, "", ""},
		{"15:00 25.12", "2026-12-25 15:00", true, "", ""},
		{"25.12 15.30", "2026-12-25 15:30", true, "", ""},
		{"25.12 15-30", "2026-12-25 15:30", true, "", ""},
		{"25.12 17:00:30", "2026-12-25 17:00", true, "", ""},
		{"15:00", "2026-11-27 15:00", true, "", ""},
		{"21:30", "2026-11-26 21:30", true, "", ""},
		{"21:00", "2026-11-26 21:00", true, "", ""},
		{"20:59", "2026-11-27 20:59", true, "", ""},
		{"15.30", "2026-11-27 15:30", true, "", ""},
		{"0:30", "2026-11-27 00:30", true, "", ""},
		{"05:00", "2026-11-27 05:00", true, "", ""},
		{"12:00", "2026-11-27 12:00", true, "", ""},
		{"26.11", "2026-11-26 00:00", false, "", ""},
		{"25.11", "2027-11-25 00:00", false, "", ""},
	})
}

func TestParseSeconds(t *testing.T) {
	now, loc := base(t)
	r, err := Parse("25.12 17:00:30", now, loc)
	if err != nil || r.At.Second() != 30 {
		t.Fatalf("Parse(25.12 17:00:30) = %v, %v; want 30 seconds", r.At, err)
	}
	// Relative moments keep the seconds of now.
	r, err = Parse("через 2 часа", now.Add(17*time.Second), loc)
	if err != nil || r.At.Sub(now) != 2*time.Hour+17*time.Second {
		t.Fatalf("через 2 часа = %v, %v; want now+2h", r.At, err)
	}
}

func TestParseRest(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"25.12 15:00 Town hall, tourism forum", "2026-12-25 15:00", true, "", "Town hall, tourism forum"},
		{"25.12 15:00Town hall", "2026-12-25 15:00", true, "", "Town hall"},
		{"завтра в 10 — совещание в мэрии", "2026-11-27 10:00", true, "ru", "совещание в мэрии"},
		{"завтра в 10 в мэрии", "2026-11-27 10:00", true, "ru", "в мэрии"},
		{"заўтра а 10: пасяджэнне выканкама", "2026-11-27 10:00", true, "be", "пасяджэнне выканкама"},
		{"tomorrow at 10, meeting with the mayor", "2026-11-27 10:00", true, "en", "meeting with the mayor"},
		{"в пятницу, в 10, актовый зал", "2026-11-27 10:00", true, "ru", "актовый зал"},
		{"  — завтра в 10!!! Встреча  ", "2026-11-27 10:00", true, "ru", "Встреча"},
		{"завтра 10 человек", "2026-11-27 00:00", false, "ru", "10 человек"},
		{"25 декабря 1500 участников", "2026-12-25 00:00", false, "ru", "1500 участников"},
		{"через 2 часа в 10", "2026-11-26 23:00", true, "ru", "в 10"},
		{"завтра с 10 до 12", "2026-11-27 00:00", false, "ru", "с 10 до 12"},
		{"25.12.2026г. в 10 Минск", "2026-12-25 10:00", true, "ru", "Минск"},
		{"25 снежня 2026 года а 10:00 Мінск", "2026-12-25 10:00", true, "be", "Мінск"},
		{"Dec 25 at 3:30 pm / Town hall", "2026-12-25 15:30", true, "en", "Town hall"},
		{"в 15 ч. планерка", "2026-11-27 15:00", true, "ru", "планерка"},
		{"сегодня в 23 а потом домой", "2026-11-26 23:00", true, "ru", "а потом домой"},
	})
}

// amb is a phrase with two readings.
type amb struct {
	in     string
	first  string
	second string
	lang   string
}

func TestParseAmbiguous(t *testing.T) {
	now, loc := base(t)
	morning := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	cases := []struct {
		now time.Time
		amb
	}{
		{now, amb{"в 5", "2026-11-27 05:00", "2026-11-27 17:00", "ru"}},
		{now, amb{"завтра в 5", "2026-11-27 05:00", "2026-11-27 17:00", "ru"}},
		{now, amb{"а 6", "2026-11-27 06:00", "2026-11-27 18:00", "be"}},
		{now, amb{"at 3", "2026-11-27 03:00", "2026-11-27 15:00", "en"}},
		{now, amb{"в 7:15", "2026-11-27 07:15", "2026-11-27 19:15", "ru"}},
		{now, amb{"завтра в 3 часа", "2026-11-27 03:00", "2026-11-27 15:00", "ru"}},
		{now, amb{"завтра в час", "2026-11-27 01:00", "2026-11-27 13:00", "ru"}},
		{now, amb{"в пятницу в 1", "2026-11-27 01:00", "2026-11-27 13:00", "ru"}},
		{now, amb{"25 снежня а 7", "2026-12-25 07:00", "2026-12-25 19:00", "be"}},
		{now, amb{"Dec 25 at 4", "2026-12-25 04:00", "2026-12-25 16:00", "en"}},
		{now, amb{"5ч", "2026-11-27 05:00", "2026-11-27 17:00", "ru"}},
		{now, amb{"в пять", "2026-11-27 05:00", "2026-11-27 17:00", "ru"}},
		{now, amb{"завтра в полночь", "2026-11-27 00:00", "2026-11-28 00:00", "ru"}},
		{now, amb{"25.12 в 12 ночи", "2026-12-25 00:00", "2026-12-26 00:00", "ru"}},
		{now, amb{"tomorrow at midnight", "2026-11-27 00:00", "2026-11-28 00:00", "en"}},
		{now, amb{"праз 2 дні а 4", "2026-11-28 04:00", "2026-11-28 16:00", "be"}},
		// A time alone is its next occurrence, earliest first.
		{morning, amb{"в 5", "2026-11-26 17:00", "2026-11-27 05:00", "ru"}},
		{morning, amb{"в 7:30", "2026-11-26 19:30", "2026-11-27 07:30", "ru"}},
	}
	for _, tc := range cases {
		t.Run(tc.in+"@"+tc.now.Format("15:04"), func(t *testing.T) {
			r, err := Parse(tc.in, tc.now, loc)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if !r.At.IsZero() {
				t.Errorf("At = %v, want zero", r.At)
			}
			if !r.HasTime {
				t.Errorf("HasTime = false")
			}
			if len(r.Ambiguous) != 2 {
				t.Fatalf("Ambiguous = %v, want two", r.Ambiguous)
			}
			if a, b := r.Ambiguous[0].Format(layout), r.Ambiguous[1].Format(layout); a != tc.first || b != tc.second {
				t.Errorf("Ambiguous = [%s %s], want [%s %s]", a, b, tc.first, tc.second)
			}
			if r.Lang != tc.lang {
				t.Errorf("Lang = %q, want %q", r.Lang, tc.lang)
			}
		})
	}
}

func TestParseWorkingHours(t *testing.T) {
	// 8–12 without a qualifier are daytime hours; 13–23, 0 and hours with
	// a leading zero are 24-hour times; qualifiers decide the rest.
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"в 8", "2026-11-27 08:00", true, "ru", ""},
		{"в 9:30", "2026-11-27 09:30", true, "ru", ""},
		{"в 11", "2026-11-27 11:00", true, "ru", ""},
		{"в 12", "2026-11-27 12:00", true, "ru", ""},
		{"в 13", "2026-11-27 13:00", true, "ru", ""},
		{"в 07:00", "2026-11-27 07:00", true, "ru", ""},
		{"в 0:15", "2026-11-27 00:15", true, "ru", ""},
		{"в 5 утра", "2026-11-27 05:00", true, "ru", ""},
		{"в 5 вечера", "2026-11-27 17:00", true, "ru", ""},
		{"at 5 am", "2026-11-27 05:00", true, "en", ""},
		{"at 5pm", "2026-11-27 17:00", true, "en", ""},
		{"at 12 pm", "2026-11-27 12:00", true, "en", ""},
		{"at 8 pm", "2026-11-27 20:00", true, "en", ""},
		{"вечером в 10", "2026-11-26 22:00", true, "ru", ""},
		// Now itself is not past: at 21:00 "at 9 pm" is this very minute.
		{"at 9 pm", "2026-11-26 21:00", true, "en", ""},
		{"вечером в 9", "2026-11-26 21:00", true, "ru", ""},
		{"в 12 ночи", "2026-11-27 00:00", true, "ru", ""},
		{"в полночь", "2026-11-27 00:00", true, "ru", ""},
		{"в полдень", "2026-11-27 12:00", true, "ru", ""},
	})
}

func TestParseDropsPastReading(t *testing.T) {
	loc := mustLoc(t, "Europe/Minsk")
	afternoon := time.Date(2026, 11, 26, 15, 0, 0, 0, loc)
	runOK(t, afternoon, loc, []ok{
		{"сегодня в 7", "2026-11-26 19:00", true, "ru", ""},
		{"сёння а 5:30", "2026-11-26 17:30", true, "be", ""},
		{"today at 4", "2026-11-26 16:00", true, "en", ""},
		{"сегодня в полночь", "2026-11-27 00:00", true, "ru", ""},
	})
}

// past is a phrase whose moment is behind now.
type past struct {
	in  string
	at  string   // the moment returned with ErrPast, or ""
	amb []string // the readings returned with ErrPast
}

func TestParsePast(t *testing.T) {
	now, loc := base(t)
	for _, tc := range []past{
		{"сегодня в 18", "2026-11-26 18:00", nil},
		{"сёння а 7 раніцы", "2026-11-26 07:00", nil},
		{"today at 8 pm", "2026-11-26 20:00", nil},
		{"tonight at 8", "2026-11-26 20:00", nil},
		{"26.11 15:00", "2026-11-26 15:00", nil},
		{"25.12.2025", "2025-12-25 00:00", nil},
		{"2026-11-25 10:00", "2026-11-25 10:00", nil},
		{"25 декабря 2025 года", "2025-12-25 00:00", nil},
		{"сегодня в 5", "", []string{"2026-11-26 05:00", "2026-11-26 17:00"}},
		{"25.11.2026 в 12 ночи", "", []string{"2026-11-25 00:00", "2026-11-26 00:00"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, err := Parse(tc.in, now, loc)
			if !errors.Is(err, ErrPast) {
				t.Fatalf("error %v, want ErrPast", err)
			}
			if tc.at != "" {
				checkAt(t, tc.in, r, loc, tc.at)
				return
			}
			if !r.At.IsZero() || len(r.Ambiguous) != len(tc.amb) {
				t.Fatalf("At %v, Ambiguous %v; want %v", r.At, r.Ambiguous, tc.amb)
			}
			for i, a := range r.Ambiguous {
				if a.Format(layout) != tc.amb[i] {
					t.Errorf("Ambiguous[%d] = %s, want %s", i, a.Format(layout), tc.amb[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	now, loc := base(t)
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"31.02", ErrInvalid},
		{"31.04.2027", ErrInvalid},
		{"30 февраля", ErrInvalid},
		{"31 June", ErrInvalid},
		{"31 чэрвеня", ErrInvalid},
		{"45 декабря", ErrInvalid},
		{"32.12", ErrInvalid},
		{"25.13", ErrInvalid},
		{"2026-13-01", ErrInvalid},
		{"25.12.202", ErrInvalid},
		{"12/25", ErrInvalid},
		{"25:00", ErrInvalid},
		{"24:00", ErrInvalid},
		{"завтра в 25:00", ErrInvalid},
		{"в 15:75", ErrInvalid},
		{"в 15:7", ErrInvalid},
		{"в 8 дня", ErrInvalid},
		{"в 12 вечера", ErrInvalid},
		{"at 20 am", ErrInvalid},
		{"пятница, 28 ноября", ErrInvalid},
		{"Friday, 28 November", ErrInvalid},
		{"завтра, в среду", ErrInvalid},
		{"", ErrUnrecognised},
		{"   ", ErrUnrecognised},
		{"hello", ErrUnrecognised},
		{"совещание завтра в 10", ErrUnrecognised},
		{"в мэрии", ErrUnrecognised},
		{"15-30", ErrUnrecognised},
		{"10-12", ErrUnrecognised},
		{"на 10", ErrUnrecognised},
		{"через", ErrUnrecognised},
		{"через несколько дней", ErrUnrecognised},
		{"через полтора дня", ErrUnrecognised},
		{"вечером", ErrUnrecognised},
		{"in the morning", ErrUnrecognised},
		{"may be later", ErrUnrecognised},
		{"2026", ErrUnrecognised},
		{"12345", ErrUnrecognised},
		{"в", ErrUnrecognised},
		{"at a hotel", ErrUnrecognised},
		{"завтрак в 10", ErrUnrecognised},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, err := Parse(tc.in, now, loc)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !reflect.DeepEqual(r, Result{}) {
				t.Errorf("Result = %+v, want zero", r)
			}
		})
	}
}

func TestParseRollover(t *testing.T) {
	loc := mustLoc(t, "Europe/Minsk")
	t.Run("new year's eve", func(t *testing.T) {
		runOK(t, time.Date(2026, 12, 31, 23, 0, 0, 0, loc), loc, []ok{
			{"завтра в 10", "2027-01-01 10:00", true, "ru", ""},
			{"паслязаўтра", "2027-01-02 00:00", false, "be", ""},
			{"1.01", "2027-01-01 00:00", false, "", ""},
			{"1 января в 9", "2027-01-01 09:00", true, "ru", ""},
			{"31.12", "2026-12-31 00:00", false, "", ""},
			{"31.12 23:30", "2026-12-31 23:30", true, "", ""},
			{"30.12", "2027-12-30 00:00", false, "", ""},
			{"через 2 часа", "2027-01-01 01:00", true, "ru", ""},
			{"через неделю", "2027-01-07 23:00", true, "ru", ""},
			{"in 2 months", "2027-02-28 23:00", true, "en", ""},
			{"в 10", "2027-01-01 10:00", true, "ru", ""},
			{"в пятницу", "2027-01-01 00:00", false, "ru", ""},
			{"next Monday", "2027-01-04 00:00", false, "en", ""},
		})
	})
	t.Run("day after christmas", func(t *testing.T) {
		runOK(t, time.Date(2026, 12, 26, 10, 0, 0, 0, loc), loc, []ok{
			{"25.12", "2027-12-25 00:00", false, "", ""},
			{"25 декабря в 15:00", "2027-12-25 15:00", true, "ru", ""},
			{"26.12 15:00", "2026-12-26 15:00", true, "", ""},
		})
	})
	t.Run("end of month", func(t *testing.T) {
		runOK(t, time.Date(2026, 11, 30, 22, 0, 0, 0, loc), loc, []ok{
			{"завтра", "2026-12-01 00:00", false, "ru", ""},
			{"1.12", "2026-12-01 00:00", false, "", ""},
			{"через 3 часа", "2026-12-01 01:00", true, "ru", ""},
		})
	})
	t.Run("month arithmetic clamps", func(t *testing.T) {
		runOK(t, time.Date(2027, 1, 31, 10, 0, 0, 0, loc), loc, []ok{
			{"через месяц", "2027-02-28 10:00", true, "ru", ""},
			{"через 2 месяца", "2027-03-31 10:00", true, "ru", ""},
		})
		runOK(t, time.Date(2028, 1, 31, 10, 0, 0, 0, loc), loc, []ok{
			{"через месяц", "2028-02-29 10:00", true, "ru", ""},
		})
		runOK(t, time.Date(2028, 2, 29, 10, 0, 0, 0, loc), loc, []ok{
			{"через год", "2029-02-28 10:00", true, "ru", ""},
		})
	})
	r, err := Parse("31.12 22:00", time.Date(2026, 12, 31, 23, 0, 0, 0, loc), loc)
	if !errors.Is(err, ErrPast) || r.At.Format(layout) != "2026-12-31 22:00" {
		t.Errorf("Parse(31.12 22:00) on 31.12 at 23:00 = %v, %v; want 2026-12-31 22:00 and ErrPast", r.At, err)
	}
}

func TestParseLeapDay(t *testing.T) {
	loc := mustLoc(t, "Europe/Minsk")
	for _, tc := range []struct {
		now  time.Time
		in   string
		want string // "" for ErrInvalid
	}{
		{time.Date(2026, 11, 26, 21, 0, 0, 0, loc), "29.02", ""},
		{time.Date(2026, 11, 26, 21, 0, 0, 0, loc), "29 февраля", ""},
		{time.Date(2026, 11, 26, 21, 0, 0, 0, loc), "29.02.2027", ""},
		{time.Date(2026, 11, 26, 21, 0, 0, 0, loc), "29.02.2028", "2028-02-29 00:00"},
		{time.Date(2026, 11, 26, 21, 0, 0, 0, loc), "28.02", "2027-02-28 00:00"},
		{time.Date(2027, 11, 26, 21, 0, 0, 0, loc), "29.02", "2028-02-29 00:00"},
		{time.Date(2027, 11, 26, 21, 0, 0, 0, loc), "29 лютага а 10", "2028-02-29 10:00"},
		{time.Date(2027, 11, 26, 21, 0, 0, 0, loc), "Feb 29", "2028-02-29 00:00"},
		{time.Date(2028, 1, 10, 9, 0, 0, 0, loc), "29.02", "2028-02-29 00:00"},
		{time.Date(2028, 2, 29, 9, 0, 0, 0, loc), "29.02", "2028-02-29 00:00"},
		{time.Date(2028, 3, 1, 9, 0, 0, 0, loc), "29.02", ""},
		{time.Date(2027, 3, 1, 9, 0, 0, 0, loc), "28.02", "2028-02-28 00:00"},
	} {
		t.Run(tc.in+"@"+tc.now.Format("2006-01-02"), func(t *testing.T) {
			r, err := Parse(tc.in, tc.now, loc)
			if tc.want == "" {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %v, %v; want ErrInvalid", r.At, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			checkAt(t, tc.in, r, loc, tc.want)
		})
	}
}

func TestParseWeekdays(t *testing.T) {
	loc := mustLoc(t, "Europe/Minsk")
	// Monday 23 November 2026 to Sunday 29 November 2026 as "today".
	for today := 23; today <= 29; today++ {
		now := time.Date(2026, 11, today, 12, 0, 0, 0, loc)
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			name := wd.String()
			plain, this, next := expectedWeekdays(now, wd)
			for _, tc := range []struct {
				in   string
				want time.Time
			}{
				{"on " + name, plain},
				{"this " + name, this},
				{"next " + name, next},
			} {
				r, err := Parse(tc.in, now, loc)
				if err != nil {
					t.Errorf("%s: Parse(%q) error %v", now.Format("Mon 02"), tc.in, err)
					continue
				}
				if got := r.At.Format(layout); got != tc.want.Format(layout) {
					t.Errorf("%s: Parse(%q) = %s, want %s", now.Format("Mon 02"), tc.in, got, tc.want.Format(layout))
				}
			}
		}
	}
}

// expectedWeekdays walks the calendar day by day, independently of the
// parser's arithmetic.
func expectedWeekdays(now time.Time, wd time.Weekday) (plain, this, next time.Time) {
	day := func(n int) time.Time {
		y, m, d := now.Date()
		return time.Date(y, m, d+n, 0, 0, 0, 0, now.Location())
	}
	for n := 1; ; n++ {
		if day(n).Weekday() == wd {
			plain = day(n)
			break
		}
	}
	this = plain
	if now.Weekday() == wd {
		this = day(0)
	}
	// The Monday of next week, then forward to the weekday.
	n := 1
	for day(n).Weekday() != time.Monday {
		n++
	}
	for day(n).Weekday() != wd {
		n++
	}
	return plain, this, day(n)
}

func TestParseWeekdayCombinations(t *testing.T) {
	loc := mustLoc(t, "Europe/Minsk")
	sunday := time.Date(2026, 11, 29, 12, 0, 0, 0, loc)
	runOK(t, sunday, loc, []ok{
		{"в пятницу", "2026-12-04 00:00", false, "ru", ""},
		{"в следующую пятницу", "2026-12-04 00:00", false, "ru", ""},
		{"в воскресенье", "2026-12-06 00:00", false, "ru", ""},
		{"в это воскресенье в 18:00", "2026-11-29 18:00", true, "ru", ""},
		{"в следующее воскресенье", "2026-12-06 00:00", false, "ru", ""},
	})
}

func TestParseZones(t *testing.T) {
	// The same instant, 13:00 UTC on 26 November 2026, in three zones.
	instant := time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone  string
		cases []ok
	}{
		{"Asia/Kamchatka", []ok{ // 27 Nov 01:00, a Friday, UTC+12
			{"сегодня", "2026-11-27 00:00", false, "ru", ""},
			{"завтра в 10", "2026-11-28 10:00", true, "ru", ""},
			{"в пятницу", "2026-12-04 00:00", false, "ru", ""},
			{"в эту пятницу в 18", "2026-11-27 18:00", true, "ru", ""},
			{"через 2 часа", "2026-11-27 03:00", true, "ru", ""},
			{"в 10", "2026-11-27 10:00", true, "ru", ""},
		}},
		{"Europe/Kaliningrad", []ok{ // 26 Nov 15:00, UTC+2
			{"сегодня в 18", "2026-11-26 18:00", true, "ru", ""},
			{"в 16:00", "2026-11-26 16:00", true, "ru", ""},
			{"завтра", "2026-11-27 00:00", false, "ru", ""},
		}},
		{"Asia/Vladivostok", []ok{ // 26 Nov 23:00, UTC+10
			{"в 22", "2026-11-27 22:00", true, "ru", ""},
			{"завтра", "2026-11-27 00:00", false, "ru", ""},
			{"через 2 часа", "2026-11-27 01:00", true, "ru", ""},
			{"25.12 15:00", "2026-12-25 15:00", true, "", ""},
		}},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc := mustLoc(t, tc.zone)
			runOK(t, instant, loc, tc.cases)
		})
	}
	t.Run("offsets", func(t *testing.T) {
		for zone, offset := range map[string]int{"Asia/Kamchatka": 12, "Europe/Kaliningrad": 2, "Asia/Vladivostok": 10} {
			loc := mustLoc(t, zone)
			r, err := Parse("25.12 15:00", instant, loc)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 12, 25, 15-offset, 0, 0, 0, time.UTC); !r.At.Equal(want) {
				t.Errorf("%s: At = %v, want the instant %v", zone, r.At, want)
			}
		}
	})
	t.Run("past in one zone only", func(t *testing.T) {
		_, err := Parse("сегодня в 22", instant, mustLoc(t, "Asia/Vladivostok"))
		if !errors.Is(err, ErrPast) {
			t.Errorf("Vladivostok 23:00: error %v, want ErrPast", err)
		}
		if _, err := Parse("сегодня в 22", instant, mustLoc(t, "Europe/Kaliningrad")); err != nil {
			t.Errorf("Kaliningrad 15:00: error %v, want nil", err)
		}
	})
	t.Run("nil location is UTC", func(t *testing.T) {
		r, err := Parse("завтра в 10", instant, nil)
		if err != nil || r.At.Location() != time.UTC || r.At.Format(layout) != "2026-11-27 10:00" {
			t.Errorf("got %v, %v", r.At, err)
		}
	})
}

func TestParseDaylightSaving(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	const layoutZ = layout + " -07:00"
	// Clocks go forward at 02:00 on Sunday 29 March 2026.
	spring := time.Date(2026, 3, 29, 1, 30, 0, 0, loc)
	// Clocks go back at 03:00 on Sunday 25 October 2026.
	autumn := time.Date(2026, 10, 25, 1, 30, 0, 0, loc)
	for _, tc := range []struct {
		now  time.Time
		in   string
		want string
	}{
		{spring, "через 1 час", "2026-03-29 03:30 +02:00"},
		{spring, "через 30 минут", "2026-03-29 03:00 +02:00"},
		{spring, "через день", "2026-03-30 01:30 +02:00"},
		{spring, "в 10", "2026-03-29 10:00 +02:00"},
		{spring, "завтра в 01:30", "2026-03-30 01:30 +02:00"},
		{spring.Add(-24 * time.Hour), "завтра в 12:00", "2026-03-29 12:00 +02:00"},
		{autumn, "через 2 часа", "2026-10-25 02:30 +01:00"},
		{autumn, "через сутки", "2026-10-26 01:30 +01:00"},
		{autumn, "в 12", "2026-10-25 12:00 +01:00"},
	} {
		r, err := Parse(tc.in, tc.now, loc)
		if err != nil {
			t.Errorf("Parse(%q) error %v", tc.in, err)
			continue
		}
		if got := r.At.Format(layoutZ); got != tc.want {
			t.Errorf("Parse(%q) at %v = %s, want %s", tc.in, tc.now, got, tc.want)
		}
	}
	// A wall time in the spring gap resolves as time.Date resolves it.
	r, err := Parse("29.03 02:30", time.Date(2026, 3, 1, 9, 0, 0, 0, loc), loc)
	if want := time.Date(2026, 3, 29, 2, 30, 0, 0, loc); err != nil || !r.At.Equal(want) {
		t.Errorf("gap: got %v, %v; want %v", r.At, err, want)
	}
	// Elapsed time across the change is exact.
	r, err = Parse("через 3 часа", spring, loc)
	if err != nil || r.At.Sub(spring) != 3*time.Hour {
		t.Errorf("через 3 часа across DST: %v, %v", r.At, err)
	}
}

func TestMonthNames(t *testing.T) {
	now, loc := base(t)
	forms := []struct {
		lang  string
		names [12]string
	}{
		{"ru", [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}},
		{"ru", [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}},
		{"ru", [12]string{"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}},
		{"be", [12]string{"студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня", "верасня", "кастрычніка", "лістапада", "снежня"}},
		{"be", [12]string{"студзень", "люты", "сакавік", "красавік", "май", "чэрвень", "ліпень", "жнівень", "верасень", "кастрычнік", "лістапад", "снежань"}},
		{"en", [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}},
		{"en", [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}},
	}
	for _, f := range forms {
		for i, name := range f.names {
			in := "3 " + name + " 2027"
			if f.lang == "be" {
				in += " ў 10" // май and мая are Russian too: the preposition decides
			}
			r, err := Parse(in, now, loc)
			if err != nil {
				t.Errorf("Parse(%q) error %v", in, err)
				continue
			}
			if r.At.Month() != time.Month(i+1) || r.At.Day() != 3 || r.At.Year() != 2027 {
				t.Errorf("Parse(%q) = %v, want 3 %v 2027", in, r.At, time.Month(i+1))
			}
			if r.Lang != f.lang {
				t.Errorf("Parse(%q).Lang = %q, want %q", in, r.Lang, f.lang)
			}
		}
	}
}

func TestWeekdayNames(t *testing.T) {
	now, loc := base(t) // a Thursday
	forms := []struct {
		lang  string
		names [7]string // Monday first
	}{
		{"ru", [7]string{"понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"}},
		{"ru", [7]string{"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"}},
		{"ru", [7]string{"пн", "вт", "ср", "чт", "пт", "сб", "вс"}},
		{"be", [7]string{"панядзелак", "аўторак", "сераду", "чацвер", "пятніцу", "суботу", "нядзелю"}},
		{"be", [7]string{"панядзелак", "аўторак", "серада", "чацвер", "пятніца", "субота", "нядзеля"}},
		{"en", [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}},
		{"en", [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}},
	}
	preps := map[string]string{"ru": "в ", "be": "у ", "en": "on "}
	for _, f := range forms {
		for i, name := range f.names {
			want := time.Weekday((i + 1) % 7)
			in := preps[f.lang] + name
			r, err := Parse(in, now, loc)
			if err != nil {
				t.Errorf("Parse(%q) error %v", in, err)
				continue
			}
			if r.At.Weekday() != want {
				t.Errorf("Parse(%q) = %v, want a %v", in, r.At.Format("Mon 02.01"), want)
			}
			if d := r.At.Sub(time.Date(2026, 11, 26, 0, 0, 0, 0, loc)); d < 24*time.Hour || d > 7*24*time.Hour {
				t.Errorf("Parse(%q) = %v, want 1–7 days ahead", in, r.At)
			}
			if r.Lang != f.lang {
				t.Errorf("Parse(%q).Lang = %q, want %q", in, r.Lang, f.lang)
			}
		}
	}
}

func TestNormalisation(t *testing.T) {
	now, loc := base(t)
	runOK(t, now, loc, []ok{
		{"Сёння", "2026-11-26 00:00", false, "be", ""},
		{"СЁННЯ", "2026-11-26 00:00", false, "be", ""},
		{"сення", "2026-11-26 00:00", false, "be", ""},
		{"ЗАЎТРА а 10", "2026-11-27 10:00", true, "be", ""},
		{"завтpа в 10", "2026-11-27 10:00", true, "ru", ""},       // Latin p
		{"за\u0301втра в 10", "2026-11-27 10:00", true, "ru", ""}, // stress mark
		{"зау\u0306тра а 10", "2026-11-27 10:00", true, "be", ""}, // у + combining breve
		{"у пятніцу", "2026-11-27 00:00", false, "be", ""},
		{"«завтра» в 10", "2026-11-27 10:00", true, "ru", ""},
		{"...завтра в 10", "2026-11-27 10:00", true, "ru", ""},
		{"TOMORROW AT 10 AM", "2026-11-27 10:00", true, "en", ""},
	})
}

func TestLexiconHasNoConflicts(t *testing.T) {
	// A word may play several roles (дня is a unit and a part of the day),
	// but never two values in one role, before or after folding.
	for name, m := range map[string]map[string][]entry{"lexicon": lexicon, "folded": folded} {
		for word, es := range m {
			seen := map[wordKind]entry{}
			for _, e := range es {
				if prev, ok := seen[e.kind]; ok && (prev.value != e.value || prev.amount != e.amount) {
					t.Errorf("%s: %q has kind %d with values %d and %d", name, word, e.kind, prev.value, e.value)
				}
				seen[e.kind] = e
			}
		}
	}
}
