package deadline

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, ok := ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

func show(ds []Deadline) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%s %s", d.Kind, d.On.Format(time.DateOnly)))
	}
	return strings.Join(parts, ", ")
}

func TestUpcoming(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms Terms
		today string
		want  string
	}{
		{"five years, no renewal", Terms{Start: day("2019-05-15"), TermMonths: 60}, "2023-01-10", "expiry 2024-05-15"},
		{"expiry is today", Terms{Start: day("2019-05-15"), TermMonths: 60}, "2024-05-15", "expiry 2024-05-15"},
		{"already expired", Terms{Start: day("2019-05-15"), TermMonths: 60}, "2024-05-16", ""},
		{"renews with six months' notice", Terms{Start: day("2019-05-15"), TermMonths: 60, AutoRenewal: true, NoticeMonths: 6},
			"2023-01-10", "notice 2023-11-15, renewal 2024-05-15"},
		{"notice day passed, renewal still ahead: next cycle's notice", Terms{Start: day("2019-05-15"), TermMonths: 60, AutoRenewal: true, NoticeMonths: 6},
			"2024-01-10", "renewal 2024-05-15, notice 2028-11-15"},
		{"renewed twice already", Terms{Start: day("2010-03-01"), TermMonths: 36, AutoRenewal: true, NoticeMonths: 3},
			"2026-07-01", "notice 2027-12-01, renewal 2028-03-01"},
		{"renewal without notice period", Terms{Start: day("2022-01-01"), TermMonths: 36, AutoRenewal: true}, "2024-06-01", "renewal 2025-01-01"},
		{"notice not shorter than the term is ignored", Terms{Start: day("2022-01-01"), TermMonths: 6, AutoRenewal: true, NoticeMonths: 6}, "2022-02-01", "renewal 2022-07-01"},
		{"indefinite", Terms{Start: day("2020-03-03"), Indefinite: true, NoticeMonths: 6}, "2024-01-01", ""},
		{"unknown term", Terms{Start: day("2020-03-03")}, "2024-01-01", ""},
		{"unknown start", Terms{TermMonths: 60}, "2024-01-01", ""},
		{"terminated", Terms{Start: day("2019-05-15"), TermMonths: 60, Ended: true}, "2020-01-01", ""},
		{"programme reviewed yearly", Terms{Start: day("2023-10-05"), TermMonths: 36, Programme: true}, "2024-12-01", "review 2025-10-05, expiry 2026-10-05"},
		{"no review on the expiry day itself", Terms{Start: day("2023-10-05"), TermMonths: 24, Programme: true}, "2024-12-01", "expiry 2025-10-05"},
		{"indefinite programme", Terms{Start: day("2020-02-29"), Indefinite: true, Programme: true}, "2024-03-02", "review 2025-02-28"},
		{"end of month does not drift", Terms{Start: day("2021-01-31"), TermMonths: 1, AutoRenewal: true}, "2021-04-01", "renewal 2021-04-30"},
	} {
		got := show(Upcoming(tc.terms, day(tc.today)))
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReminders(t *testing.T) {
	ds := []Deadline{{Notice, day("2025-03-01")}, {Renewal, day("2025-09-01")}}
	var got []string
	for _, r := range Reminders(ds, day("2025-01-10")) {
		got = append(got, fmt.Sprintf("%s %s -%d %s", r.Kind, r.Deadline.On.Format(time.DateOnly), r.Lead, r.On.Format(time.DateOnly)))
	}
	want := []string{
		"notice 2025-03-01 -14 2025-02-15",
		"notice 2025-03-01 -1 2025-02-28",
		"renewal 2025-09-01 -30 2025-08-02",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reminders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Every lead has passed but the deadline has not: remind today.
	late := Reminders([]Deadline{{Expiry, day("2025-01-20")}}, day("2025-01-10"))
	if len(late) != 1 || late[0].Lead != 10 || !late[0].On.Equal(day("2025-01-10")) {
		t.Fatalf("late reminder = %+v", late)
	}
	if r := Reminders([]Deadline{{Expiry, day("2025-01-09")}}, day("2025-01-10")); len(r) != 0 {
		t.Fatalf("reminder for a past deadline: %+v", r)
	}
}

func TestDayIgnoresClockAndZone(t *testing.T) {
	minsk := time.FixedZone("MSK", 3*3600)
	got := Day(time.Date(2025, 1, 10, 1, 30, 0, 0, minsk))
	if !got.Equal(day("2025-01-10")) || got.Location() != time.UTC {
		t.Fatalf("Day = %v", got)
	}
	if Days(day("2025-01-10"), day("2025-03-01")) != 50 {
		t.Fatalf("Days = %d", Days(day("2025-01-10"), day("2025-03-01")))
	}
	if _, ok := ParseDay("2025"); ok {
		t.Fatal("a bare year parsed as a day")
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range [][3]string{
		{"2021-01-31", "1", "2021-02-28"},
		{"2024-01-31", "1", "2024-02-29"},
		{"2020-02-29", "12", "2021-02-28"},
		{"2019-05-15", "60", "2024-05-15"},
		{"2024-05-15", "-6", "2023-11-15"},
	} {
		var n int
		fmt.Sscan(tc[1], &n)
		if got := AddMonths(day(tc[0]), n).Format(time.DateOnly); got != tc[2] {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tc[0], n, got, tc[2])
		}
	}
}
