package doctext_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
)

var agreementLines = []string{
	"СОГЛАШЕНИЕ",
	"о сотрудничестве между городом Витебском и городом Смоленском",
	"1. Стороны развивают сотрудничество в области культуры и туризма.",
	"2. Соглашение заключается сроком на пять лет.",
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtract(t *testing.T) {
	utf8Text := strings.Join(agreementLines, "\n")
	cp1251, err := charmap.Windows1251.NewEncoder().String(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	koi8, err := charmap.KOI8R.NewEncoder().String(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	beText := "ПАГАДНЕННЕ аб супрацоўніцтве паміж гарадамі Віцебск і Смаленск. Бакі ўзаемадзейнічаюць у галіне адукацыі."
	be1251, err := charmap.Windows1251.NewEncoder().String(beText)
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}

	tests := []struct {
		name     string
		file     string
		data     []byte
		want     []string // substrings of Body, in order
		notWant  []string
		format   string
		encoding string
		err      error
	}{
		{name: "utf-8 text", file: "a.txt", data: []byte(utf8Text), want: agreementLines, format: "txt", encoding: "utf-8"},
		{name: "utf-8 with BOM and CRLF", file: "a.txt", data: []byte("\uFEFF" + strings.ReplaceAll(utf8Text, "\n", "\r\n")), want: agreementLines, format: "txt", encoding: "utf-8", notWant: []string{"\r", "\uFEFF"}},
		{name: "windows-1251 Russian", file: "a.txt", data: []byte(cp1251), want: agreementLines, format: "txt", encoding: "windows-1251"},
		{name: "windows-1251 Belarusian", file: "b.txt", data: []byte(be1251), want: []string{"супрацоўніцтве", "Віцебск", "ўзаемадзейнічаюць"}, format: "txt", encoding: "windows-1251"},
		{name: "koi8-r", file: "a.txt", data: []byte(koi8), want: agreementLines, format: "txt", encoding: "koi8-r"},
		{name: "no extension, sniffed text", file: "agreement", data: []byte(utf8Text), want: agreementLines[:1], format: "txt"},
		{name: "docx with automatic numbering", file: "a.docx", data: doctexttest.DOCXFromText(utf8Text), want: agreementLines, format: "docx", notWant: []string{"удалённый", "дубликат"}},
		{name: "docx multi-level numbering", file: "a.docx", data: doctexttest.DOCX([]doctexttest.Para{
			{Text: "Предмет", NumID: "1"}, {Text: "Первый пункт", NumID: "1", Level: 1}, {Text: "Второй пункт", NumID: "1", Level: 1},
			{Text: "подпункт", NumID: "1", Level: 2}, {Text: "Срок", NumID: "1"}, {Text: "Третий пункт", NumID: "1", Level: 1},
		}), want: []string{"1. Предмет", "1.1. Первый пункт", "1.2. Второй пункт", "а) подпункт", "2. Срок", "2.1. Третий пункт"}, format: "docx"},
		{name: "odt", file: "a.odt", data: doctexttest.ODTFromText(utf8Text), want: agreementLines, format: "odt", notWant: []string{"сноска"}},
		{name: "pdf with spaces", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{}), want: agreementLines, format: "pdf"},
		{name: "pdf words positioned without spaces", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{WordsPositioned: true, Compress: true}), want: agreementLines, format: "pdf"},
		{name: "pdf 2.0 header", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{Version: "2.0"}), want: agreementLines[:2], format: "pdf"},
		{name: "pdf encrypted, empty user password", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{Encrypt: true, Compress: true}), want: agreementLines, format: "pdf"},
		{name: "pdf encrypted with a password", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{Encrypt: true, UserPassword: "secret"}), err: doctext.ErrEncrypted},
		{name: "pdf scanned", file: "scan.pdf", data: doctexttest.PDF(nil, doctexttest.PDFOptions{ImageOnly: true}), err: doctext.ErrNoTextLayer},
		{name: "pdf truncated", file: "a.pdf", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{})[:300], err: doctext.ErrCorrupt},
		{name: "empty file", file: "a.txt", data: nil, err: doctext.ErrEmpty},
		{name: "only whitespace", file: "a.txt", data: []byte(" \n\t\n "), err: doctext.ErrEmpty},
		{name: "docx without text", file: "a.docx", data: doctexttest.DOCX(nil), err: doctext.ErrEmpty},
		{name: "png image", file: "photo.png", data: png, err: doctext.ErrImage},
		{name: "jpeg named pdf", file: "scan.pdf", data: jpeg, err: doctext.ErrImage},
		{name: "image is unsupported", file: "photo.png", data: png, err: doctext.ErrUnsupported},
		{name: "legacy doc", file: "a.doc", data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), err: doctext.ErrUnsupported},
		{name: "docx named pdf", file: "a.pdf", data: doctexttest.DOCXFromText(utf8Text), err: doctext.ErrWrongExtension},
		{name: "pdf named docx", file: "a.docx", data: doctexttest.PDF(agreementLines, doctexttest.PDFOptions{}), err: doctext.ErrWrongExtension},
		{name: "text named docx", file: "a.docx", data: []byte(utf8Text), err: doctext.ErrWrongExtension},
		{name: "docx named doc", file: "a.doc", data: doctexttest.DOCXFromText(utf8Text), err: doctext.ErrWrongExtension},
		{name: "docx that is not a zip", file: "a.docx", data: []byte{0x01, 0x02, 0x03, 0x00, 0xFF, 0x00, 0x10}, err: doctext.ErrCorrupt},
		{name: "truncated docx", file: "a.docx", data: doctexttest.DOCXFromText(utf8Text)[:200], err: doctext.ErrCorrupt},
		{name: "other zip", file: "a.zip", data: doctexttest.Zip([][2]string{{"readme.txt", "hello"}}), err: doctext.ErrUnsupported},
		{name: "xlsx", file: "a.xlsx", data: doctexttest.Zip([][2]string{{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<x/>"}}), err: doctext.ErrUnsupported},
		{name: "docx with broken xml", file: "a.docx", data: doctexttest.Zip([][2]string{{"word/document.xml", "<w:document><w:body><w:p>"}}), err: doctext.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := doctext.Extract(context.Background(), tc.file, tc.data, doctext.Limits{})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got.Format != tc.format {
				t.Errorf("Format = %q, want %q", got.Format, tc.format)
			}
			if tc.encoding != "" && got.Encoding != tc.encoding {
				t.Errorf("Encoding = %q, want %q", got.Encoding, tc.encoding)
			}
			rest := got.Body
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("body lacks %q (in order); body:\n%s", w, got.Body)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tc.notWant {
				if strings.Contains(got.Body, w) {
					t.Errorf("body contains %q; body:\n%s", w, got.Body)
				}
			}
		})
	}
}

func TestExtractLimits(t *testing.T) {
	text := strings.Repeat("Стороны сотрудничают в области культуры. ", 2000)
	bomb := doctexttest.Zip([][2]string{{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + strings.Repeat("а", 3<<20) + `</w:t></w:r></w:p></w:body></w:document>`}})
	many := make([][2]string, 0, 60)
	many = append(many, [2]string{"word/document.xml", "<w:document/>"})
	for i := 0; i < 59; i++ {
		many = append(many, [2]string{"word/media/" + strings.Repeat("x", i+1), "x"})
	}
	tests := []struct {
		name      string
		file      string
		data      []byte
		lim       doctext.Limits
		err       error
		truncated bool
	}{
		{name: "file over MaxBytes", file: "a.txt", data: []byte(text), lim: doctext.Limits{MaxBytes: 1000}, err: doctext.ErrTooLarge},
		{name: "default MaxBytes", file: "a.txt", data: bytes.Repeat([]byte("а"), 21<<20), err: doctext.ErrTooLarge},
		{name: "decompressed over MaxUnzipped", file: "a.docx", data: bomb, lim: doctext.Limits{MaxUnzipped: 1 << 20}, err: doctext.ErrZipBomb},
		{name: "too many entries", file: "a.docx", data: doctexttest.Zip(many), lim: doctext.Limits{MaxEntries: 50}, err: doctext.ErrZipBomb},
		{name: "runes truncated", file: "a.txt", data: []byte(text), lim: doctext.Limits{MaxRunes: 1000}, truncated: true},
		{name: "pdf streams over MaxUnzipped", file: "a.pdf", data: doctexttest.PDF(strings.Split(strings.Repeat("строка текста соглашения\n", 4000), "\n"), doctexttest.PDFOptions{Compress: true}), lim: doctext.Limits{MaxUnzipped: 100 << 10}, err: doctext.ErrZipBomb},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := doctext.Extract(context.Background(), tc.file, tc.data, tc.lim)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Truncated != tc.truncated {
				t.Errorf("Truncated = %v, want %v", got.Truncated, tc.truncated)
			}
			if tc.lim.MaxRunes > 0 && len([]rune(got.Body)) > tc.lim.MaxRunes {
				t.Errorf("body has %d runes, limit %d", len([]rune(got.Body)), tc.lim.MaxRunes)
			}
		})
	}
}

func TestExtractTimeout(t *testing.T) {
	data := doctexttest.PDF(agreementLines, doctexttest.PDFOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := doctext.Extract(ctx, "a.pdf", data, doctext.Limits{}); !errors.Is(err, doctext.ErrTimeout) {
		t.Fatalf("cancelled context: err = %v, want ErrTimeout", err)
	}
	// A deadline that has passed by the time work starts.
	if _, err := doctext.Extract(context.Background(), "a.pdf", data, doctext.Limits{Timeout: time.Nanosecond}); !errors.Is(err, doctext.ErrTimeout) {
		t.Fatalf("1ns timeout: err = %v, want ErrTimeout", err)
	}
}

// TestWindows1251Fixtures reads the two Windows-1251 files in testdata and
// compares them with their UTF-8 originals in the summary evaluation set.
func TestWindows1251Fixtures(t *testing.T) {
	pairs := []struct{ cp1251, utf8 string }{
		{"testdata/ru_polotsk_velikiye_luki_cp1251.txt", "../summary/testdata/eval/ru_polotsk_velikiye_luki.txt"},
		{"testdata/be_lida_pskov_cp1251.txt", "../summary/testdata/eval/be_lida_pskov.txt"},
	}
	for _, p := range pairs {
		t.Run(filepath.Base(p.cp1251), func(t *testing.T) {
			got, err := doctext.Extract(context.Background(), filepath.Base(p.cp1251), mustRead(t, p.cp1251), doctext.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Encoding != "windows-1251" {
				t.Errorf("Encoding = %q, want windows-1251", got.Encoding)
			}
			want, err := doctext.Extract(context.Background(), "x.txt", mustRead(t, p.utf8), doctext.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Body != want.Body {
				t.Errorf("decoded text differs from the UTF-8 original")
			}
		})
	}
}

// TestPanicRecovered feeds PDFs whose structure makes the parser panic:
// none may escape Extract.
func TestPanicRecovered(t *testing.T) {
	good := doctexttest.PDF(agreementLines, doctexttest.PDFOptions{})
	cases := map[string][]byte{
		"bad xref offsets":  bytes.Replace(good, []byte("0000000009 00000 n"), []byte("0000099999 00000 n"), 1),
		"garbage content":   bytes.Replace(good, []byte("BT /F1 11 Tf"), []byte("BT /F1 Tf ] ] >> Tj"), 1),
		"no root":           bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Root 9 9 R"), 1),
		"cyclic page tree":  bytes.Replace(good, []byte("/Kids [3 0 R]"), []byte("/Kids [2 0 R]"), 1),
		"huge page count":   bytes.Replace(good, []byte("/Count 1"), []byte("/Count 999999999"), 1),
		"unbalanced Q":      bytes.Replace(good, []byte("BT /F1 11 Tf"), []byte("Q Q Q BT /F1 11 Tf"), 1),
		"unknown filter":    bytes.Replace(good, []byte("<< /Length"), []byte("<< /Filter /Bogus /Length"), 1),
		"missing font dict": bytes.Replace(good, []byte("/F1 5 0 R"), []byte("/F1 99 0 R"), 1),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := doctext.Extract(context.Background(), "a.pdf", data, doctext.Limits{Timeout: 5 * time.Second})
			if err != nil && !isSentinel(err) {
				t.Fatalf("error %v is not one of the sentinel errors", err)
			}
		})
	}
}

func isSentinel(err error) bool {
	for _, s := range []error{doctext.ErrEmpty, doctext.ErrTooLarge, doctext.ErrUnsupported, doctext.ErrWrongExtension,
		doctext.ErrEncrypted, doctext.ErrNoTextLayer, doctext.ErrCorrupt, doctext.ErrZipBomb, doctext.ErrTimeout} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
