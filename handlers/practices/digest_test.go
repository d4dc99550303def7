package practices

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/store"
)

func TestDigestPeriod(t *testing.T) {
	for _, tc := range []struct {
		now      time.Time
		from, to string
	}{
		// 1 April 00:30 in Moscow and Minsk is still 31 March in UTC.
		{time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC), "2026-03-01", "2026-04-01"},
		{time.Date(2026, 3, 31, 20, 30, 0, 0, time.UTC), "2026-02-01", "2026-03-01"},
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), "2025-12-01", "2026-01-01"},
	} {
		from, to := DigestPeriod(tc.now)
		if from.Format("2006-01-02") != tc.from || to.Format("2006-01-02") != tc.to || from.Hour() != 0 {
			t.Errorf("DigestPeriod(%s) = %s – %s, want %s – %s", tc.now, from, to, tc.from, tc.to)
		}
	}
}

func TestSelectDigest(t *testing.T) {
	from, to := DigestPeriod(time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC))
	at := func(day int) time.Time { return from.AddDate(0, 0, day) }
	list := []store.Practice{
		{ID: 1, Recommended: true, Status: store.PracticePublished, RecommendedAt: at(3)},
		{ID: 2, Recommended: true, Status: store.PracticePublished, RecommendedAt: at(1), Asks: 4},
		{ID: 3, Recommended: true, Status: store.PracticeHidden, RecommendedAt: at(2)},     // hidden since
		{ID: 4, Recommended: true, Status: store.PracticePublished, RecommendedAt: at(40)}, // next month
		{ID: 5, Recommended: false, Status: store.PracticePublished},
		{ID: 6, Recommended: true, Status: store.PracticePublished, RecommendedAt: at(0)},
		{ID: 7, Recommended: true, Status: store.PracticePublished, RecommendedAt: at(-1)}, // last month
	}
	var ids []int64
	for _, p := range SelectDigest(list, from, to) {
		ids = append(ids, p.ID)
	}
	if want := []int64{2, 6, 1}; !slices.Equal(ids, want) {
		t.Fatalf("selected %v, want %v (most asked, then by date)", ids, want)
	}
	var many []store.Practice
	for i := range DigestSize + 5 {
		many = append(many, store.Practice{ID: int64(i), Recommended: true, Status: store.PracticePublished, RecommendedAt: at(1)})
	}
	if got := SelectDigest(many, from, to); len(got) != DigestSize {
		t.Fatalf("%d selected, limit %d", len(got), DigestSize)
	}
}

func TestMonthlyDigestContentAndOptOut(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "be", store.RoleMember, "")
	reader := f.member(11, "Smolensk", "ru", store.RoleMember, "")
	f.member(12, "Smolensk", "ru", store.RoleNewcomer, "")
	coordinator := f.member(13, "Minsk", "en", store.RoleCoordinator, "")
	march := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	f.now = march
	p := f.publish(author, "Vitebsk", store.Practice{Title: "Маршрут <Шагала>", Areas: []string{"tourism"}, Result: "+40%"})
	if _, err := f.db.RecommendPractice(f.ctx, p.ID, coordinator.UserID, true, march); err != nil {
		t.Fatal(err)
	}

	d, err := f.s.MonthlyDigest(f.ctx, time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC))
	must(t, err)
	if len(d.Practices) != 1 || d.Practices[0].ID != p.ID {
		t.Fatalf("digest practices %+v", d.Practices)
	}
	var to []int64
	for _, m := range d.Recipients {
		to = append(to, m.UserID)
	}
	if !slices.Equal(to, []int64{10, 11, 13}) { // 12 is a newcomer
		t.Fatalf("recipients %v", to)
	}
	if DigestKey(d) != "practices.digest:2026-03" {
		t.Fatalf("key %q", DigestKey(d))
	}
	msg := f.s.DigestMessage(f.cat, "ru", d)
	for _, want := range []string{"март 2026", "Маршрут &lt;Шагала&gt;", "+40%", "Витебск"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("digest lacks %q: %q", want, msg.Text)
		}
	}
	if be := f.s.DigestMessage(f.cat, "be", d); !strings.Contains(be.Text, "сакавік 2026") {
		t.Errorf("Belarusian digest: %q", be.Text)
	}

	// The reader turns it off from the digest itself, and is left out.
	off := msg.Buttons[len(msg.Buttons)-1][0].Data
	_, err = f.press(reader, 1, off)
	must(t, err)
	d, _ = f.s.MonthlyDigest(f.ctx, time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC))
	for _, m := range d.Recipients {
		if m.UserID == reader.UserID {
			t.Fatal("opted-out member still a recipient")
		}
	}
	_, err = f.press(reader, 1, callback.New(FeaturePractice, "digest", "on"))
	must(t, err)
	d, _ = f.s.MonthlyDigest(f.ctx, time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC))
	if len(d.Recipients) != 3 {
		t.Fatalf("after opting in again: %d recipients", len(d.Recipients))
	}
	// A month without recommendations has nobody to send to.
	d, _ = f.s.MonthlyDigest(f.ctx, time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC))
	if len(d.Practices) != 0 || len(d.Recipients) != 0 {
		t.Fatalf("empty month: %+v", d)
	}
}

func TestHighlights(t *testing.T) {
	f := newFixture(t)
	vitebsk := f.member(10, "Vitebsk", "ru", store.RoleMember, "")
	smolensk := f.member(11, "Smolensk", "ru", store.RoleMember, "")
	for i, areas := range [][]string{{"tourism"}, {"urban"}, {"tourism"}, {"tourism", "culture"}} {
		f.now = fixtureT0.Add(time.Duration(i) * time.Hour)
		f.publish(vitebsk, "Vitebsk", store.Practice{Title: "V" + string(rune('0'+i)), Areas: areas, Result: "r"})
	}
	f.publish(smolensk, "Smolensk", store.Practice{Title: "S0", Areas: []string{"urban"}, Result: "r"})
	r := f.request(vitebsk)
	ids := []int64{f.place("Vitebsk"), f.place("Smolensk")}

	got, err := f.s.Highlights(f.ctx, r, ids, []string{"tourism"})
	must(t, err)
	if h := got[ids[0]]; len(h) != 2 || !strings.Contains(h[0].Line, "V3") || !strings.Contains(h[1].Line, "V2") {
		t.Fatalf("Vitebsk in tourism: %+v", h)
	}
	if len(got[ids[1]]) != 0 {
		t.Fatalf("Smolensk has no tourism practice: %+v", got[ids[1]])
	}
	got, _ = f.s.Highlights(f.ctx, r, ids, nil)
	if h := got[ids[1]]; len(h) != 1 || h[0].Button.Data.Feature != FeaturePractice || h[0].Button.Data.Action != "open" {
		t.Fatalf("Smolensk in any area: %+v", h)
	}
}
