package agreements

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/locales"
)

// idTexts renders a message as its id, for rendering without a catalog.
type idTexts struct{}

func (idTexts) T(id string, _ locales.Args) string        { return id }
func (idTexts) N(id string, _ int, _ locales.Args) string { return id }

// FuzzCard runs any text through the whole card pipeline — summary, party
// matching, rendering — for no panic, a bounded time, and valid UTF-8 out.
func FuzzCard(f *testing.F) {
	// Small seeds: whole agreements make each run slow under the fuzzer's
	// instrumentation, and TestEvaluationSetEndToEnd covers them.
	f.Add([]byte("СОГЛАШЕНИЕ о сотрудничестве\nАдминистрация города Смоленска в лице Главы, с одной стороны, и " +
		"Витебский городской исполнительный комитет, с другой стороны, заключили настоящее Соглашение.\n" +
		"1. Срок действия пять лет.\n2. Стороны обязуются уведомить за шесть месяцев.\n3. 15 мая 2019 г."))
	f.Add([]byte("ПАГАДНЕННЕ\nЛідскі раённы выканаўчы камітэт у асобе старшыні, з аднаго боку, і «Вяземскі раён» Смаленскай вобласці"))
	f.Add([]byte("СОГЛАШЕНИЕ\nмежду «» и «Город »\n1. 1. 1."))
	dir := testDir(&testing.T{})
	rd := NewReader(ReaderOptions{Concurrent: 1, Limits: doctext.Limits{MaxRunes: 50_000, Timeout: 2 * time.Second}})
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		reading, err := rd.Read(context.Background(), "f.txt", data, "ru")
		if err != nil {
			return
		}
		d := newDraft(dir, reading, handlers.Document{Name: "f.txt"}, "", time.Now())
		text := cardText(dir, view{idTexts{}, "ru"}, d, cardInfo{Header: "h", Today: time.Now()})
		if !utf8.ValidString(text) {
			t.Fatalf("card is not valid UTF-8")
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("the card took %v", took)
		}
	})
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"15.05.2019", "2019-05-15", "2019", "-", "31.02.2020"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		day, ok := parseDay(s, true)
		if ok && day != "" {
			if again, ok2 := parseDay(day, true); !ok2 || again != day {
				t.Fatalf("%q → %q does not read back (%q, %v)", s, day, again, ok2)
			}
		}
	})
}
