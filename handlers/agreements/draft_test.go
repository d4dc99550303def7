package agreements

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
	"github.com/pobratim/pobratim/store"
)

// TestEvaluationSetEndToEnd reads the evaluation agreements (texts written
// for the tests, not real agreements) as the bot does — a file, its text,
// its card, its parties matched to the directory — and checks the parties
// found, printing how many matched and how many the matcher was sure of.
func TestEvaluationSetEndToEnd(t *testing.T) {
	dir := testDir(t)
	want := map[string][]string{ // the parties, as "name region"
		"ru_smolensk_vitebsk.txt":      {"Смоленск RU.69", "Витебск BY.07"},
		"ru_polotsk_velikiye_luki.txt": {"Великие Луки RU.60", "Полоцк BY.07"},
		"ru_orsha_roslavl.txt":         {"Орша BY.07", "Рославль RU.69"},
		"be_lida_pskov.txt":            {"Лида BY.03", "Псков RU.60"},
		"be_navahrudak_vyazma.txt":     {"Новогрудок BY.03", "Вязьма RU.69"},
		"bi_gomel_bryansk.txt":         {"Гомель BY.02", "Брянск RU.10"},
	}
	formats := []func(string) ([]byte, string){
		func(s string) ([]byte, string) { return doctexttest.DOCXFromText(s), ".docx" },
		func(s string) ([]byte, string) { return doctexttest.ODTFromText(s), ".odt" },
		func(s string) ([]byte, string) { return []byte(s), ".txt" },
	}
	rd := NewReader(ReaderOptions{})
	total, matched, sure, i := 0, 0, 0, 0
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join("summary", "testdata", "eval", name))
		if err != nil {
			t.Fatal(err)
		}
		_, text, _ := strings.Cut(string(raw), "\n") // the first line marks the fixture
		data, ext := formats[i%len(formats)](text)
		i++
		reading, err := rd.Read(context.Background(), strings.TrimSuffix(name, ".txt")+ext, data, "ru")
		if err != nil {
			t.Fatalf("%s as %s: %v", name, ext, err)
		}
		d := newDraft(dir, reading, handlers.Document{Name: name}, "", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		var got []string
		for _, p := range d.Parties {
			pl, _ := dir.ByID(p.PlaceID)
			got = append(got, pl.NameRU+" "+pl.RegionCode)
			if p.Sure {
				sure++
			}
		}
		for _, w := range want[name] {
			total++
			if slices.Contains(got, w) {
				matched++
			} else {
				t.Errorf("%s (%s): parties %v, want %s among them", name, ext, got, w)
			}
		}
	}
	t.Logf("parties matched to the directory: %d/%d; sure of %d", matched, total, sure)
}

func TestNewDraftFields(t *testing.T) {
	dir := testDir(t)
	raw, err := os.ReadFile(filepath.Join("summary", "testdata", "eval", "ru_polotsk_velikiye_luki.txt"))
	if err != nil {
		t.Fatal(err)
	}
	reading, err := NewReader(ReaderOptions{}).Read(context.Background(), "a.txt", raw, "ru")
	if err != nil {
		t.Fatal(err)
	}
	d := newDraft(dir, reading, handlers.Document{Name: "a.txt", FileID: "F", Size: int64(len(raw))}, "abc", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if d.Stage != store.StageTwinning || d.Signed != "2021-09-20" || d.InForce != "2022-01-01" || d.TermMonths != 36 ||
		!d.AutoRenewal || d.NoticeMonths != 3 || d.Status != store.StatusInForce || d.Source.SHA256 != "abc" ||
		!slices.Equal(d.Areas, []string{"healthcare", "culture", "youth_sport", "urban"}) {
		t.Fatalf("draft: %+v", d)
	}
	a := d.agreement()
	if len(a.Parties) != 2 || a.Origin != store.OriginDocument {
		t.Fatalf("agreement of the draft: %+v", a)
	}
	if back := draftOf(a); back.TermMonths != 36 || len(back.Parties) != 2 || !back.Parties[0].Sure {
		t.Fatalf("draft of the agreement: %+v", back)
	}

	// A term that ran out without renewal makes the agreement expired.
	reading.Card.AutoRenewal = false
	if d := newDraft(dir, reading, handlers.Document{}, "", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d.Status != store.StatusExpired {
		t.Fatalf("status after the term: %s", d.Status)
	}
}

func TestParseDay(t *testing.T) {
	for _, tc := range []struct {
		in     string
		yearOK bool
		want   string
		ok     bool
	}{
		{"15.05.2019", false, "2019-05-15", true},
		{"1.3.2020", false, "2020-03-01", true},
		{"15/05/2019", false, "2019-05-15", true},
		{"2019-05-15", false, "2019-05-15", true},
		{"15.05.2019 г.", false, "2019-05-15", true},
		{"31.02.2020", false, "", false},
		{"2019", true, "2019", true},
		{"2019", false, "", false},
		{"1812", true, "", false},
		{"-", false, "", true},
		{"вчера", false, "", false},
		{"", false, "", false},
	} {
		got, ok := parseDay(tc.in, tc.yearOK)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseDay(%q, %v) = %q, %v; want %q, %v", tc.in, tc.yearOK, got, ok, tc.want, tc.ok)
		}
	}
}

func TestStageOf(t *testing.T) {
	for title, want := range map[string]string{
		"Соглашение о сотрудничестве":                             store.StageAgreement,
		"Протокол о намерениях по развитию сотрудничества":        store.StageIntent,
		"Соглашение об установлении побратимских связей":          store.StageTwinning,
		"Дамова аб пабрацімскіх сувязях і супрацоўніцтве":         store.StageTwinning,
		"Программа межмуниципального взаимодействия на 2024–2026": store.StageProgramme,
		"Праграма ўзаемадзеяння":                                  store.StageProgramme,
		"Меморандум о дружбе":                                     store.StageFriendship,
		"Agreement on twin town relations":                        store.StageTwinning,
		"":                                                        store.StageAgreement,
	} {
		if got := stageOf(title); got != want {
			t.Errorf("stageOf(%q) = %s, want %s", title, got, want)
		}
	}
}
