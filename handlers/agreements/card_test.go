package agreements

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

var update = flag.Bool("update", false, "rewrite the golden cards in testdata/")

// TestCardGolden renders the card of an evaluation agreement (a text
// written for the tests) in every language and compares it with
// testdata/card.<lang>.golden; run with -update after a deliberate change.
func TestCardGolden(t *testing.T) {
	dir := testDir(t)
	catalog, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("summary", "testdata", "eval", "bi_gomel_bryansk.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, text, _ := strings.Cut(string(raw), "\n") // the first line marks the fixture
	today := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, lang := range locales.Languages {
		// The summary of a bilingual agreement is in the reader's language
		// where the text has it.
		reading, err := NewReader(ReaderOptions{}).Read(context.Background(), "gomel.docx", doctexttest.DOCXFromText(text), lang)
		if err != nil {
			t.Fatal(err)
		}
		d := newDraft(dir, reading, handlers.Document{Name: "gomel.docx", Size: 5300}, "", today)
		stored := d.agreement()
		stored.ID, stored.CreatedAt = 12, today
		v := view{reader{catalog, lang}, lang}
		got := cardText(dir, v, d, cardInfo{Header: draftHeader(v, d), Today: today}) + "\n\n----\n\n" +
			cardText(dir, v, draftOf(stored), savedInfo(v, stored, "Анна Петрова", today))
		golden := filepath.Join("testdata", "card."+lang+".golden")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s card differs from %s:\n%s", lang, golden, got)
		}
	}
}

func TestLongCardFitsOneMessage(t *testing.T) {
	dir := testDir(t)
	long := strings.Repeat("Стороны обязуются развивать сотрудничество во всех областях. ", 6)
	d := draft{Stage: "agreement", Status: "in_force", Title: strings.Repeat("Соглашение ", 27),
		Parties: []party{{Written: strings.Repeat("Администрация ", 14), PlaceID: placeID(t, dir, "Smolensk")}}}
	for i := range 8 {
		d.Summary = append(d.Summary, store.Sentence{Text: clip(long, maxSentenceRunes), Clause: strconv.Itoa(i + 1)})
		d.Clauses = append(d.Clauses, store.Sentence{Text: clip(long, maxSentenceRunes), Clause: strconv.Itoa(i + 1)})
	}
	text := cardText(dir, view{idTexts{}, "ru"}, d, cardInfo{Header: "h", Added: strings.Repeat("a", 100), Today: time.Now()})
	if n := utf8.RuneCountInString(text); n > 4096-300 {
		t.Fatalf("card of %d characters", n)
	}
	if !strings.Contains(text, "agreements.card.summary") || !strings.HasSuffix(text, strings.Repeat("a", 100)) {
		t.Fatalf("card lost its summary or its last line:\n%s", text)
	}
}
