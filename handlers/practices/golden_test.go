package practices

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

var update = flag.Bool("update", false, "rewrite the golden replies in testdata/")

// TestGoldenReplies renders a practice as a list item, as details with a
// coordinator's buttons, and in the monthly digest, in each language, and
// compares with testdata/practice.<lang>.golden; run with -update after a
// deliberate change.
func TestGoldenReplies(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "be", store.RoleMember, "намеснік старшыні <гарвыканкама>")
	coordinator := f.member(11, "Minsk", "ru", store.RoleCoordinator, "")
	p := f.publish(author, "Vitebsk", store.Practice{Lang: "be", Title: "Турыстычны маршрут «Шлях Шагала» & Co",
		Areas: []string{"tourism", "culture"}, Problem: "Турысты не затрымліваліся ў горадзе больш за адзін дзень.",
		Actions: "1. Распрацавалі маршрут.\n2. Навучылі гідаў.\n3. Выпусцілі карту <бясплатна>.",
		Result:  "турыстычны паток +40% за два гады", Period: "2023–2025", FileKind: store.PracticePhoto, FileID: "AgAC",
		ContactOK: true})
	march := time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)
	p, err := f.db.RecommendPractice(f.ctx, p.ID, coordinator.UserID, true, march)
	must(t, err)
	digest, err := f.s.MonthlyDigest(f.ctx, time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC))
	must(t, err)
	author, _ = f.db.Member(f.ctx, author.UserID)
	viewer, _ := f.db.Member(f.ctx, coordinator.UserID)

	for _, lang := range locales.Languages {
		var b strings.Builder
		b.WriteString("== item\n" + f.s.item(f.cat, lang, p) + "\n\n")
		b.WriteString("== details, as a coordinator sees them\n" + f.s.details(f.cat, lang, p, author) + "\n")
		writeButtons(&b, f.s.detailButtons(f.cat, lang, p, viewer))
		m := f.s.DigestMessage(f.cat, lang, digest)
		b.WriteString("\n== digest\n" + m.Text + "\n")
		writeButtons(&b, m.Buttons)
		got := b.String()

		golden := filepath.Join("testdata", "practice."+lang+".golden")
		if *update {
			must(t, os.MkdirAll("testdata", 0o755))
			must(t, os.WriteFile(golden, []byte(got), 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s:\n%s", lang, golden, got)
		}
	}
}

func writeButtons(b *strings.Builder, rows [][]handlers.Button) {
	for _, row := range rows {
		b.WriteString("[")
		for i, btn := range row {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(btn.Text + " → " + btn.Data.String())
		}
		b.WriteString("]\n")
	}
}
