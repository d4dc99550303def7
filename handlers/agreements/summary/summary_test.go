package summary_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
	"github.com/pobratim/pobratim/handlers/agreements/summary"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Стороны сотрудничают. Соглашение вступает в силу.", []string{"Стороны сотрудничают.", "Соглашение вступает в силу."}},
		{"city abbreviation", "г. Витебск, 15 мая 2019 г. Стороны договорились.", []string{"г. Витебск, 15 мая 2019 г.", "Стороны договорились."}},
		{"г. inside a sentence", "Совершено в г. Смоленске в двух экземплярах.", []string{"Совершено в г. Смоленске в двух экземплярах."}},
		{"years", "В 2019–2021 гг. Стороны провели дни культуры.", []string{"В 2019–2021 гг. Стороны провели дни культуры."}},
		{"initials", "Подписал И.И. Иванов. Печать.", []string{"Подписал И.И. Иванов.", "Печать."}},
		{"initials after the name", "Глава города Смирнов В.А. подписал Соглашение.", []string{"Глава города Смирнов В.А. подписал Соглашение."}},
		{"clause number", "1.2. Стороны развивают связи. 1.3 Пункт без точки.", []string{"1.2. Стороны развивают связи.", "1.3 Пункт без точки."}},
		{"numbered lines", "1. Предмет\n1.1. Стороны сотрудничают.\n1.2. Стороны обмениваются опытом.", []string{"1. Предмет", "1.1. Стороны сотрудничают.", "1.2. Стороны обмениваются опытом."}},
		{"reference to a clause", "Согласно п. 2.1. Соглашения Стороны обмениваются делегациями.", []string{"Согласно п. 2.1. Соглашения Стороны обмениваются делегациями."}},
		{"decimal number", "Товарооборот вырос на 2.5 процента. Это хорошо.", []string{"Товарооборот вырос на 2.5 процента.", "Это хорошо."}},
		{"т.е. and т.д.", "Сферы, т.е. культура, спорт и т.д. Стороны согласны.", []string{"Сферы, т.е. культура, спорт и т.д.", "Стороны согласны."}},
		{"т.п. inside", "Выставки, ярмарки и т.п. мероприятия.", []string{"Выставки, ярмарки и т.п. мероприятия."}},
		{"ст. and ул.", "Согласно ст. 5 Устава на ул. Ленина, д. 3 находится офис.", []string{"Согласно ст. 5 Устава на ул. Ленина, д. 3 находится офис."}},
		{"обл. and р-н", "Рославльский р-н Смоленской обл. Российской Федерации.", []string{"Рославльский р-н Смоленской обл. Российской Федерации."}},
		{"им.", "Библиотека им. Я. Купалы открыта.", []string{"Библиотека им. Я. Купалы открыта."}},
		{"Belarusian і інш.", "Культура, спорт і інш. Бакі згодны.", []string{"Культура, спорт і інш.", "Бакі згодны."}},
		{"Belarusian арт. and стар.", "Паводле арт. 3 на стар. 5 Бакі згодны.", []string{"Паводле арт. 3 на стар. 5 Бакі згодны."}},
		{"quotes", "Именуемые «Стороны». Стороны согласны!", []string{"Именуемые «Стороны».", "Стороны согласны!"}},
		{"question and exclamation", "Кто подписал? Главы городов! Все.", []string{"Кто подписал?", "Главы городов!", "Все."}},
		{"wrapped lines", "Стороны содействуют\nразвитию туризма.\nСтороны обмениваются опытом.", []string{"Стороны содействуют развитию туризма.", "Стороны обмениваются опытом."}},
		{"hyphen at line end", "Стороны развивают сотруд-\nничество.", []string{"Стороны развивают сотрудничество."}},
		{"article heading", "Статья 1\nСтороны устанавливают связи.", []string{"Статья 1", "Стороны устанавливают связи."}},
		{"list items", "Направления:\n- культура;\n- спорт.", []string{"Направления:", "- культура;", "- спорт."}},
		{"paragraphs", "СОГЛАШЕНИЕ\n\nСтороны согласны", []string{"СОГЛАШЕНИЕ", "Стороны согласны"}},
		{"English", "Done at Vitebsk on 15 May 2019. The Parties agree, e.g. on culture.", []string{"Done at Vitebsk on 15 May 2019.", "The Parties agree, e.g. on culture."}},
		{"empty", " \n\n ", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summary.SplitSentences(tc.in)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func date(y, m, d int) *summary.Date { return &summary.Date{Year: y, Month: m, Day: d} }

// agreement wraps clauses into a minimal agreement so that the card's
// fields are filled.
func agreement(header string, clauses ...string) string {
	var b strings.Builder
	b.WriteString("СОГЛАШЕНИЕ\nо сотрудничестве\n\n")
	b.WriteString(header + "\n\n")
	b.WriteString("Город А в лице главы, с одной стороны, и Город Б в лице мэра, с другой стороны, именуемые «Стороны», заключили Соглашение.\n\n")
	for i, c := range clauses {
		b.WriteString(string(rune('1'+i)) + ". " + c + "\n")
	}
	return b.String()
}

func TestFields(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		signed      *summary.Date
		inForce     *summary.Date
		term        *summary.Term // Raw not compared
		autoRenewal bool
		notice      *summary.Term
	}{
		{
			name:   "numeric date and digits term",
			text:   agreement("г. Орша, 03.03.2020", "Соглашение вступает в силу с момента подписания.", "Соглашение заключено на срок 5 (пять) лет."),
			signed: date(2020, 3, 3), inForce: date(2020, 3, 3), term: &summary.Term{Years: 5},
		},
		{
			name:   "quoted day, explicit in-force date, months",
			text:   agreement("«1» декабря 2020 г.", "Соглашение вступает в силу с 1 января 2021 г. и действует в течение 18 месяцев."),
			signed: date(2020, 12, 1), inForce: date(2021, 1, 1), term: &summary.Term{Years: 1, Months: 6},
		},
		{
			name: "one year without a number, renewal, notice in words",
			text: agreement("Минск, 2 февраля 2024 г.", "Соглашение заключено сроком на год.",
				"Соглашение считается продлённым на следующий год, если ни одна из Сторон не уведомит другую о его прекращении за один месяц до окончания срока."),
			signed: date(2024, 2, 2), term: &summary.Term{Years: 1}, autoRenewal: true, notice: &summary.Term{Months: 1},
		},
		{
			name: "Belarusian",
			text: "ПАГАДНЕННЕ\nаб супрацоўніцтве\n\nг. Віцебск, 25 снежня 2019 г.\n\nГорад А ў асобе старшыні, з аднаго боку, і Горад Б у асобе главы, з другога боку, якія далей імянуюцца «Бакі», дамовіліся.\n\n" +
				"1. Пагадненне ўступае ў сілу з дня яго падпісання.\n2. Пагадненне заключаецца тэрмінам на 3 (тры) гады.\n" +
				"3. Пагадненне аўтаматычна падаўжаецца на наступныя тры гады, калі ні адзін з Бакоў не паведаміць пра спыненне за два месяцы.\n",
			signed: date(2019, 12, 25), inForce: date(2019, 12, 25), term: &summary.Term{Years: 3}, autoRenewal: true, notice: &summary.Term{Months: 2},
		},
		{
			name: "English",
			text: "AGREEMENT\non cooperation between the City of A and the City of B\n\n" +
				"The City of A, represented by its Mayor, on the one hand, and the City of B, represented by its Chairman, on the other hand, hereinafter the Parties, agree as follows.\n\n" +
				"1. This Agreement shall enter into force on the date of its signature.\n2. This Agreement is concluded for a period of five years.\n" +
				"3. It shall be automatically renewed for successive periods of five years unless either Party notifies the other Party in writing at least six months before its expiry.\n" +
				"4. The Parties shall cooperate in culture, tourism, trade and investment.\n\nDone at A on May 15, 2019 in two copies.\n",
			signed: date(2019, 5, 15), inForce: date(2019, 5, 15), term: &summary.Term{Years: 5}, autoRenewal: true, notice: &summary.Term{Months: 6},
		},
		{
			name:   "renewal only by agreement is not automatic",
			text:   agreement("5 мая 2019 г.", "Соглашение заключается сроком на десять лет.", "Срок действия Соглашения может быть продлён по взаимному согласию Сторон."),
			signed: date(2019, 5, 5), term: &summary.Term{Years: 10},
		},
		{
			name:   "indefinite term, termination notice",
			text:   agreement("5 мая 2019 г.", "Соглашение заключается на неопределённый срок.", "Каждая из Сторон может прекратить его действие, письменно уведомив другую Сторону за 90 дней или за три месяца."),
			signed: date(2019, 5, 5), term: &summary.Term{Indefinite: true}, notice: &summary.Term{Months: 3},
		},
		{
			name: "treaty date in the preamble is not the signing date",
			text: "СОГЛАШЕНИЕ\n\nГород А в лице главы, с одной стороны, и Город Б в лице мэра, с другой стороны, руководствуясь Договором от 8 декабря 1999 г., заключили Соглашение.\n\n1. Стороны сотрудничают.\n2. Стороны обмениваются опытом.\n3. Соглашение действует пять лет.\n",
			term: &summary.Term{Years: 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := summary.Summarise(tc.text, summary.Options{})
			if !c.Looks {
				t.Fatalf("Looks = false")
			}
			if !reflect.DeepEqual(c.Signed, tc.signed) {
				t.Errorf("Signed = %v, want %v", c.Signed, tc.signed)
			}
			if !reflect.DeepEqual(c.InForce, tc.inForce) {
				t.Errorf("InForce = %v, want %v", c.InForce, tc.inForce)
			}
			if !sameTerm(c.Term, tc.term) {
				t.Errorf("Term = %+v, want %+v", c.Term, tc.term)
			}
			if c.AutoRenewal != tc.autoRenewal {
				t.Errorf("AutoRenewal = %v, want %v", c.AutoRenewal, tc.autoRenewal)
			}
			if !sameTerm(c.Notice, tc.notice) {
				t.Errorf("Notice = %+v, want %+v", c.Notice, tc.notice)
			}
		})
	}
}

func sameTerm(a, b *summary.Term) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Years == b.Years && a.Months == b.Months && a.Indefinite == b.Indefinite
}

func TestLanguagesAndParties(t *testing.T) {
	c := summary.Summarise(strings.Join([]string{
		"AGREEMENT",
		"on cooperation between the City of A and the City of B",
		"",
		"The City of A, represented by its Mayor, on the one hand, and the City of B, represented by its Chairman, on the other hand, agree as follows.",
		"1. The Parties shall cooperate in culture and tourism: cultural festivals and tourist routes.",
		"2. The Parties shall exchange delegations.",
		"3. This Agreement is concluded for five years.",
	}, "\n"), summary.Options{})
	if !reflect.DeepEqual(c.Languages, []string{"en"}) {
		t.Errorf("Languages = %v", c.Languages)
	}
	var names []string
	for _, p := range c.Parties {
		names = append(names, p.Name)
	}
	if want := []string{"The City of A", "The City of B"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Parties = %q, want %q", names, want)
	}
	if want := []string{"culture", "tourism"}; !reflect.DeepEqual(c.Areas, want) {
		t.Errorf("Areas = %v, want %v", c.Areas, want)
	}
}

func TestNotAnAgreement(t *testing.T) {
	for _, text := range []string{"", "   ", "Привет! Как дела?", "12345", loadEval(t, "not_agreement_ru.txt")} {
		c := summary.Summarise(text, summary.Options{})
		if c.Looks || c.Title != "" || c.Parties != nil || c.Term != nil {
			t.Errorf("Summarise(%.30q) = %+v, want an empty card that does not look like an agreement", text, c)
		}
	}
}

func TestDeterministic(t *testing.T) {
	exp := loadExpected(t)
	for f := range exp {
		text := loadEval(t, f)
		first := summary.Summarise(text, summary.Options{})
		for i := 0; i < 5; i++ {
			if again := summary.Summarise(text, summary.Options{}); !reflect.DeepEqual(first, again) {
				t.Fatalf("%s: card differs between runs", f)
			}
		}
	}
}

// TestThroughExtraction runs evaluation texts through the file formats an
// official uploads, Windows-1251 text, .docx (with automatic clause
// numbering), .odt and .pdf, and expects the same fields as from the
// original text.
func TestThroughExtraction(t *testing.T) {
	exp := loadExpected(t)
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	smolensk := loadEval(t, "ru_smolensk_vitebsk.txt")
	lida := loadEval(t, "be_lida_pskov.txt")
	cases := []struct {
		name, eval, file string
		data             []byte
	}{
		{"cp1251 Russian", "ru_polotsk_velikiye_luki.txt", "a.txt", read(filepath.Join("..", "doctext", "testdata", "ru_polotsk_velikiye_luki_cp1251.txt"))},
		{"cp1251 Belarusian", "be_lida_pskov.txt", "a.txt", read(filepath.Join("..", "doctext", "testdata", "be_lida_pskov_cp1251.txt"))},
		{"docx Russian", "ru_smolensk_vitebsk.txt", "a.docx", doctexttest.DOCXFromText(smolensk)},
		{"docx Belarusian", "be_lida_pskov.txt", "a.docx", doctexttest.DOCXFromText(lida)},
		{"odt Russian", "ru_smolensk_vitebsk.txt", "a.odt", doctexttest.ODTFromText(smolensk)},
		{"pdf Belarusian", "be_lida_pskov.txt", "a.pdf", doctexttest.PDF(wrap(lida, 90), doctexttest.PDFOptions{WordsPositioned: true, Compress: true})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, err := doctext.Extract(context.Background(), tc.file, tc.data, doctext.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			card := summary.Summarise(stripFixtureHeader(text.Body), summary.Options{})
			if _, diffs := compareCard(card, exp[tc.eval]); len(diffs) > 0 {
				t.Errorf("fields differ from expected.json:\n%s", strings.Join(diffs, "\n"))
			}
		})
	}
}

// wrap breaks lines at about width runes, as a PDF page does.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		var line []string
		n := 0
		for _, w := range strings.Fields(para) {
			if n+len([]rune(w)) > width && len(line) > 0 {
				out = append(out, strings.Join(line, " "))
				line, n = nil, 0
			}
			line = append(line, w)
			n += len([]rune(w)) + 1
		}
		out = append(out, strings.Join(line, " "))
	}
	return out
}

func FuzzSplitSentences(f *testing.F) {
	f.Add("г. Витебск, 15 мая 2019 г. Стороны договорились. 1.2. И.И. Иванов и т.д. Статья 3\n- пункт;")
	f.Add(loadEval(f, "be_lida_pskov.txt"))
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		out := summary.SplitSentences(s)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("SplitSentences took %v on %d bytes", d, len(s))
		}
		for _, x := range out {
			if strings.TrimSpace(x) == "" {
				t.Fatalf("empty sentence in %q", out)
			}
		}
	})
}

func FuzzSummarise(f *testing.F) {
	for _, name := range []string{"ru_smolensk_vitebsk.txt", "bi_gomel_bryansk.txt", "not_agreement_ru.txt"} {
		f.Add(loadEval(f, name))
	}
	f.Add("СОГЛАШЕНИЕ\nА в лице Б, с одной стороны, и В, с другой стороны.\n1. сроком на двадцать пять лет за 3 (три) месяца 31.02.2020")
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		c := summary.Summarise(s, summary.Options{})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Summarise took %v on %d bytes", d, len(s))
		}
		if len(c.Summary) > 5 {
			t.Fatalf("summary of %d sentences", len(c.Summary))
		}
		if c.Signed != nil && (c.Signed.Month < 1 || c.Signed.Month > 12 || c.Signed.Day < 1 || c.Signed.Day > 31) {
			t.Fatalf("impossible date %v", c.Signed)
		}
	})
}

// benchText is about three pages: two Russian agreements of the set.
func benchText(b *testing.B) string {
	return loadEval(b, "ru_smolensk_vitebsk.txt") + "\n\n" + loadEval(b, "ru_polotsk_velikiye_luki.txt")
}

func BenchmarkSummarise(b *testing.B) {
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		summary.Summarise(text, summary.Options{})
	}
}

func BenchmarkSplitSentences(b *testing.B) {
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		summary.SplitSentences(text)
	}
}

// BenchmarkSummariseMaxInput measures the worst case Summarise accepts:
// MaxInputRunes of agreement text.
func BenchmarkSummariseMaxInput(b *testing.B) {
	base := loadEval(b, "ru_smolensk_vitebsk.txt")
	text := strings.Repeat(base, summary.MaxInputRunes/len([]rune(base))+1)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		summary.Summarise(text, summary.Options{})
	}
}

// Text from .docx and .odt has one paragraph a line and no blank lines
// between them: a title line must not swallow the preamble after it.
func TestParagraphsFromWordProcessors(t *testing.T) {
	text := "ДОГОВОР\nо межмуниципальном сотрудничестве\n" +
		"Оршанский районный исполнительный комитет (Республика Беларусь) в лице председателя Захаренко Н.В., " +
		"с одной стороны, и Администрация муниципального образования «Рославльский район» Смоленской области " +
		"в лице Главы Кузнецова О.Ю., с другой стороны, заключили настоящий Договор о нижеследующем.\n" +
		"1. Стороны сотрудничают в сфере торговли.\n2. Стороны обмениваются опытом.\n3. Договор вступает в силу с даты подписания."
	card := summary.Summarise(text, summary.Options{Paragraphs: true})
	if len(card.Parties) != 2 || card.Parties[0].Name != "Оршанский районный исполнительный комитет" ||
		card.Title != "Договор о межмуниципальном сотрудничестве" {
		t.Fatalf("title %q, parties %+v", card.Title, card.Parties)
	}
}

// In a bilingual text the second language's title and preamble belong to no
// clause of the first, and its summary comes from its own clauses.
func TestSecondLanguageSummary(t *testing.T) {
	text := loadEval(t, "bi_gomel_bryansk.txt")
	for _, paragraphs := range []bool{false, true} {
		card := summary.Summarise(text, summary.Options{Lang: "be", Paragraphs: paragraphs})
		if len(card.Summary) == 0 {
			t.Fatalf("no Belarusian summary")
		}
		for _, s := range card.Summary {
			if !strings.HasPrefix(s.Text, s.Clause+".") {
				t.Errorf("paragraphs %v: sentence %q tagged with clause %q", paragraphs, s.Text, s.Clause)
			}
		}
	}
}
