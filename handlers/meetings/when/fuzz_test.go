package when

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
)

// FuzzParse checks that Parse never panics and that what it returns is
// consistent with its contract. Run it with
//
//	go test ./handlers/meetings/when -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"25.12 15:00 Town hall, tourism forum", "25.12.2026 15:00", "25.12.26", "2026-12-25T15:00",
		"25 декабря в 15:00", "25 снежня а 15:00", "25 снежня ў 15:00", "December 25 3pm",
		"Dec. 25th, 2027 at noon", "завтра в 10", "заўтра а 10", "tomorrow at 10", "послезавтра",
		"the day after tomorrow at 5 pm", "сегодня в 18", "в пятницу в 9:30", "у наступны аўторак",
		"next Friday", "через 1 час 30 минут", "праз паўтары гадзіны", "in a couple of hours",
		"в 5", "завтра в полночь", "25.12 в 12 ночи", "в 3 часа дня", "15ч30", "в 15-30", "15.30",
		"31.02", "29.02", "25:00", "12/25", "пятница, 28 ноября", "", "hello", "«завтра» в 10",
		"через 9999 лет 9999 лет", "в 10.12.2026", "a.m.", "0:00:00", "25.12.9999 23:59",
	} {
		f.Add(s, int64(0), uint8(0))
	}
	f.Add("в 5", int64(-13*3600), uint8(1))
	f.Add("29.02", int64(400*24*3600), uint8(2))
	zones := []string{"Europe/Minsk", "Asia/Kamchatka", "Europe/Berlin", "America/Sao_Paulo"}
	locs := make([]*time.Location, len(zones))
	for i, z := range zones {
		locs[i] = mustLoc(f, z)
	}
	base := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string, shift int64, zone uint8) {
		loc := locs[int(zone)%len(locs)]
		now := base.Add(time.Duration(shift%(50*365*24*3600)) * time.Second).In(loc)
		r, err := Parse(text, now, loc)
		switch {
		case err == nil, errors.Is(err, ErrPast):
		case errors.Is(err, ErrInvalid), errors.Is(err, ErrUnrecognised):
			if !reflect.DeepEqual(r, Result{}) {
				t.Fatalf("Parse(%q) = %+v with %v, want a zero Result", text, r, err)
			}
			return
		default:
			t.Fatalf("Parse(%q) unexpected error %v", text, err)
		}
		if len(r.Ambiguous) != 0 && len(r.Ambiguous) != 2 {
			t.Fatalf("Parse(%q).Ambiguous = %v, want none or two", text, r.Ambiguous)
		}
		if r.At.IsZero() == (len(r.Ambiguous) == 0) {
			t.Fatalf("Parse(%q): At %v with Ambiguous %v; want exactly one of them", text, r.At, r.Ambiguous)
		}
		if len(r.Ambiguous) == 2 && !r.Ambiguous[0].Before(r.Ambiguous[1]) {
			t.Fatalf("Parse(%q).Ambiguous %v not in order", text, r.Ambiguous)
		}
		if !r.HasTime {
			// A date alone is the start of its day (where a daylight-saving
			// change skips midnight, the first moment after it).
			y, m, d := r.At.Date()
			if len(r.Ambiguous) > 0 || !r.At.Equal(time.Date(y, m, d, 0, 0, 0, 0, loc)) {
				t.Fatalf("Parse(%q): a date without a time at %v", text, r.At)
			}
		}
		moments := append([]time.Time{r.At}, r.Ambiguous...)
		for _, m := range moments {
			if !m.IsZero() && m.Location() != loc {
				t.Fatalf("Parse(%q): %v not in %v", text, m, loc)
			}
		}
		past := func(m time.Time) bool {
			if r.HasTime {
				return m.Before(now)
			}
			return civilOf(m).before(civilOf(now))
		}
		for _, m := range moments {
			if m.IsZero() {
				continue
			}
			if err == nil && past(m) {
				t.Fatalf("Parse(%q) at %v = %v in the past without ErrPast", text, now, m)
			}
			if err != nil && !past(m) {
				t.Fatalf("Parse(%q) at %v = %v not in the past, with ErrPast", text, now, m)
			}
		}
		switch r.Lang {
		case "", "ru", "be", "en":
		default:
			t.Fatalf("Parse(%q).Lang = %q", text, r.Lang)
		}
		if !strings.HasSuffix(strings.TrimRightFunc(text, unicode.IsSpace), r.Rest) || len(r.Rest) >= len(text) {
			t.Fatalf("Parse(%q).Rest = %q, not the end of the text", text, r.Rest)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	now, loc := base(b)
	phrases := []string{
		"25.12 15:00 Town hall, tourism forum",
		"2026-12-25 15:00",
		"25 декабря в 15:00",
		"25 снежня а 15:00",
		"Dec 25 at 3:30 pm",
		"завтра в 10",
		"заўтра а 10 пасяджэнне",
		"tomorrow at 10",
		"в следующую пятницу в 9:30",
		"у наступны аўторак",
		"через 1 час 30 минут",
		"праз 3 дні",
		"in an hour",
		"в 5",
		"сегодня в 18",
		"совещание в мэрии",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range phrases {
			Parse(s, now, loc)
		}
	}
}
