package doctext_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
)

// Each extractor has its own fuzz target, seeded with valid files of its
// format, so that mutations explore that parser. The property is the same:
// no panic, an answer within the time budget, and every error one of the
// sentinel errors.

var fuzzLimits = doctext.Limits{MaxUnzipped: 8 << 20, MaxRunes: 100_000, Timeout: 2 * time.Second}

func checkExtract(t *testing.T, name string, data []byte) {
	start := time.Now()
	got, err := doctext.Extract(context.Background(), name, data, fuzzLimits)
	if d := time.Since(start); d > fuzzLimits.Timeout+time.Second {
		t.Fatalf("Extract took %v, budget %v", d, fuzzLimits.Timeout)
	}
	if err != nil {
		if !isSentinel(err) {
			t.Fatalf("error %v is not one of the sentinel errors", err)
		}
		return
	}
	if strings.TrimSpace(got.Body) == "" {
		t.Fatalf("nil error with an empty body")
	}
	if n := len([]rune(got.Body)); n > fuzzLimits.MaxRunes {
		t.Fatalf("body has %d runes, limit %d", n, fuzzLimits.MaxRunes)
	}
}

func FuzzExtractPDF(f *testing.F) {
	f.Add(doctexttest.PDF(agreementLines, doctexttest.PDFOptions{}))
	f.Add(doctexttest.PDF(agreementLines, doctexttest.PDFOptions{WordsPositioned: true, Compress: true}))
	f.Add(doctexttest.PDF(agreementLines, doctexttest.PDFOptions{Encrypt: true}))
	f.Add(doctexttest.PDF(nil, doctexttest.PDFOptions{ImageOnly: true}))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, "f.pdf", data) })
}

func FuzzExtractDOCX(f *testing.F) {
	f.Add(doctexttest.DOCXFromText(strings.Join(agreementLines, "\n")))
	f.Add(doctexttest.DOCX([]doctexttest.Para{{Text: "а", NumID: "1", Level: 2}}))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, "f.docx", data) })
}

func FuzzExtractODT(f *testing.F) {
	f.Add(doctexttest.ODTFromText(strings.Join(agreementLines, "\n")))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, "f.odt", data) })
}

func FuzzExtractTXT(f *testing.F) {
	text := strings.Join(agreementLines, "\n")
	cp1251, _ := charmap.Windows1251.NewEncoder().String(text)
	f.Add([]byte(text))
	f.Add([]byte(cp1251))
	f.Add([]byte("\xFF\xFE" + "a\x00b\x00"))
	f.Fuzz(func(t *testing.T, data []byte) { checkExtract(t, "f.txt", data) })
}

// FuzzExtractXML fuzzes the XML inside a well-formed zip, which byte-level
// mutation of a compressed archive rarely reaches.
func FuzzExtractXML(f *testing.F) {
	f.Add(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Текст</w:t></w:r></w:p></w:body></w:document>`,
		`<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="1"><w:start w:val="-5"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1.%2.%9"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="3"/></w:lvlOverride></w:num></w:numbering>`)
	f.Fuzz(func(t *testing.T, document, numbering string) {
		data := doctexttest.Zip([][2]string{{"word/document.xml", document}, {"word/numbering.xml", numbering}})
		checkExtract(t, "f.docx", data)
	})
}
