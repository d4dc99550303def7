package agreements

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
)

// BenchmarkReadLongAgreement reads a .docx of about 330 000 characters (an
// evaluation agreement repeated) into a card, as an upload is read.
func BenchmarkReadLongAgreement(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("summary", "testdata", "eval", "ru_orsha_roslavl.txt"))
	if err != nil {
		b.Fatal(err)
	}
	doc := doctexttest.DOCXFromText(strings.Repeat(string(raw)+"\n", 60))
	rd := NewReader(ReaderOptions{})
	for b.Loop() {
		if _, err := rd.Read(context.Background(), "long.docx", doc, "ru"); err != nil {
			b.Fatal(err)
		}
	}
}
