package doctext_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
)

func benchDoc(b *testing.B) string {
	raw, err := os.ReadFile("../summary/testdata/eval/ru_smolensk_vitebsk.txt")
	if err != nil {
		b.Fatal(err)
	}
	return string(raw)
}

func BenchmarkExtract(b *testing.B) {
	text := benchDoc(b)
	files := []struct {
		name string
		data []byte
	}{
		{"a.txt", []byte(text)},
		{"a.docx", doctexttest.DOCXFromText(text)},
		{"a.odt", doctexttest.ODTFromText(text)},
		{"a.pdf", doctexttest.PDF(strings.Split(text, "\n"), doctexttest.PDFOptions{WordsPositioned: true, Compress: true})},
	}
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := doctext.Extract(context.Background(), f.name, f.data, doctext.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
