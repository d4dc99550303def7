package practices

import (
	"errors"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestComposeDialogPublishesOnce(t *testing.T) {
	f := newFixture(t)
	m := f.member(10, "Vitebsk", "be", store.RoleMember, "намеснік старшыні")

	must(t, f.command(m, "practice", ""))
	intro := f.out.last(t, 10)
	if !strings.Contains(intro.msg.Text, "Віцебск") || !strings.Contains(intro.msg.Text, "1/8") {
		t.Fatalf("intro: %q", intro.msg.Text)
	}

	// A title over the limit is refused with the numbers.
	must(t, f.say(m, strings.Repeat("а", MaxTitle+1), nil))
	if got, want := f.out.last(t, 10).msg.Text, f.text("be", "practice.too_long", locales.Args{"Count": MaxTitle, "Total": MaxTitle + 1}); got != want {
		t.Fatalf("too long: %q, want %q", got, want)
	}
	must(t, f.say(m, "Турыстычны маршрут <Шлях Шагала>", nil))
	areas := f.out.last(t, 10)
	if len(areas.msg.Buttons) < 5 {
		t.Fatalf("area step without area buttons: %q", areas.msg.Text)
	}

	// "Done" with nothing chosen is refused with a notice; typing is
	// answered with "use the buttons".
	r, err := f.press(m, areas.id, callback.New(FeaturePractice, "ard"))
	must(t, err)
	if r.ToastText() != f.text("be", "practice.areas_needed", nil) {
		t.Fatalf("toast %q", r.ToastText())
	}
	must(t, f.say(m, "турызм", nil))
	if f.out.last(t, 10).msg.Text != f.text("be", "practice.use_buttons", nil) {
		t.Fatal("text at the area step not refused")
	}
	// Tourism on, culture on, culture off, culture on again.
	for _, i := range []string{"0", "5", "5", "5"} {
		_, err := f.press(m, areas.id, callback.New(FeaturePractice, "ar", i))
		must(t, err)
	}
	toggled := f.out.last(t, 10)
	if !toggled.edit || !strings.Contains(strings.Join(buttonLabels(toggled.msg), "|"), "✅ "+f.text("be", "area.culture", nil)) {
		t.Fatalf("toggles not shown: %q", buttonLabels(toggled.msg))
	}
	_, err = f.press(m, areas.id, callback.New(FeaturePractice, "ard"))
	must(t, err)
	if got := f.out.last(t, 10).msg.Text; !strings.Contains(got, "3/8") {
		t.Fatalf("after areas: %q", got)
	}

	must(t, f.say(m, "Турысты не затрымліваліся ў горадзе больш за адзін дзень.", nil))
	must(t, f.say(m, "Распрацавалі маршрут па мясцінах Шагала, навучылі гідаў, выпусцілі карту.", nil))
	must(t, f.say(m, "турыстычны паток +40% за два гады", nil))
	must(t, f.say(m, "2023–2025", nil))
	// The file step wants a photo or a document.
	must(t, f.say(m, "няма", nil))
	if f.out.last(t, 10).msg.Text != f.text("be", "practice.need_file", nil) {
		t.Fatal("text at the file step not refused")
	}
	must(t, f.say(m, "", func(r *handlers.Request) {
		r.Document = &handlers.Document{FileID: "BQACAgIAAx", Name: "справаздача.pdf", MIMEType: "application/pdf", Size: 120_000}
	}))
	contactQ := f.out.last(t, 10)
	_, err = f.press(m, contactQ.id, f.button(contactQ, f.text("be", "practice.button.contact_yes", nil)))
	must(t, err)
	preview := f.out.last(t, 10)
	if !strings.Contains(preview.msg.Text, "Турыстычны маршрут &lt;Шлях Шагала&gt;") || strings.Contains(preview.msg.Text, "<Шлях") {
		t.Fatalf("preview does not show the escaped title: %q", preview.msg.Text)
	}
	if !strings.Contains(preview.msg.Text, f.text("be", "area.tourism", nil)) || !strings.Contains(preview.msg.Text, "+40%") {
		t.Fatalf("preview: %q", preview.msg.Text)
	}

	pub := f.button(preview, f.text("be", "practice.button.publish", nil))
	_, err = f.press(m, preview.id, pub)
	must(t, err)
	// A second tap on the same button finds the dialog gone: stale.
	if _, err := f.press(m, preview.id, pub); !errors.Is(err, callback.ErrInvalid) {
		t.Fatalf("second publish: %v", err)
	}
	if _, active, _ := f.s.Dialogs.GetDialog(f.ctx, 10); active {
		t.Fatal("dialog still active after publishing")
	}

	list, total, err := f.s.find(f.ctx, index.Query{Municipality: f.place("Vitebsk")}, 0, 10)
	must(t, err)
	if total != 1 {
		t.Fatalf("%d practices stored", total)
	}
	p := list[0]
	if p.Title != "Турыстычны маршрут <Шлях Шагала>" || p.AuthorID != 10 || p.Lang != "be" || !p.ContactOK ||
		p.FileKind != store.PracticeDocument || p.FileID != "BQACAgIAAx" || p.Period != "2023–2025" ||
		strings.Join(p.Areas, ",") != "tourism,culture" || p.Country != "BY" || p.Population == 0 {
		t.Fatalf("stored practice: %+v", p)
	}
	// The author sees the published practice with its buttons.
	details := f.out.last(t, 10)
	labels := strings.Join(buttonLabels(details.msg), "|")
	for _, want := range []string{"practice.button.file", "practice.button.edit", "practice.button.withdraw"} {
		if !strings.Contains(labels, f.text("be", want, nil)) {
			t.Errorf("details lack %s: %q", want, labels)
		}
	}
	if strings.Contains(labels, f.text("be", "practice.button.ask", nil)) {
		t.Error("the author is offered to ask about their own practice")
	}
	if strings.Contains(labels, f.text("be", "practice.button.hide", nil)) {
		t.Error("a member is offered to hide")
	}
}

func TestComposeDialogDiscardAndPhoto(t *testing.T) {
	f := newFixture(t)
	m := f.member(20, "Smolensk", "ru", store.RoleMember, "начальник отдела")
	must(t, f.command(m, "practice", ""))
	must(t, f.say(m, "Двор своими руками", nil))
	areas := f.out.last(t, 20)
	f.press(m, areas.id, callback.New(FeaturePractice, "ar", "7"))
	f.press(m, areas.id, callback.New(FeaturePractice, "ard"))
	for _, answer := range []string{"Дворы не ремонтировались", "Жители выбирали проекты", "40 дворов за год", "2024"} {
		must(t, f.say(m, answer, nil))
	}
	must(t, f.say(m, "", func(r *handlers.Request) { r.Photo = &handlers.Document{FileID: "AgACAgIAAx", Size: 80_000} }))
	contactQ := f.out.last(t, 20)
	_, err := f.press(m, contactQ.id, callback.New(FeaturePractice, "ok", "0"))
	must(t, err)
	preview := f.out.last(t, 20)
	if !strings.Contains(preview.msg.Text, f.text("ru", "practice.no_contact", nil)) {
		t.Fatalf("preview does not say asking is off: %q", preview.msg.Text)
	}
	_, err = f.press(m, preview.id, callback.New(FeaturePractice, "drop"))
	must(t, err)
	if _, n, _ := f.s.find(f.ctx, index.Query{}, 0, 10); n != 0 {
		t.Fatal("a discarded draft was published")
	}
	if _, active, _ := f.s.Dialogs.GetDialog(f.ctx, 20); active {
		t.Fatal("dialog still active after discarding")
	}
}

func TestComposeRefusesWhatDoesNotFit(t *testing.T) {
	f := newFixture(t)
	m := f.member(30, "Orsha", "ru", store.RoleMember, "")
	must(t, f.command(m, "practice", ""))
	// A text at the title step answered with a document is refused.
	must(t, f.say(m, "", func(r *handlers.Request) { r.Document = &handlers.Document{FileID: "x", Name: "a.pdf", Size: 10} }))
	if f.out.last(t, 30).msg.Text != f.text("ru", "practice.need_text", nil) {
		t.Fatalf("document as a title: %q", f.out.last(t, 30).msg.Text)
	}
	// A file over the download limit is refused at the file step.
	d, _, _ := f.s.Dialogs.GetDialog(f.ctx, 30)
	d.Step = stepFile
	if _, err := f.s.Dialogs.PutDialog(f.ctx, 30, d, handlers.DialogTTL); err != nil {
		t.Fatal(err)
	}
	must(t, f.say(m, "", func(r *handlers.Request) {
		r.Document = &handlers.Document{FileID: "x", Name: "big.zip", Size: MaxFile + 1}
	}))
	if f.out.last(t, 30).msg.Text != f.text("ru", "practice.need_file", nil) {
		t.Fatal("an oversized file accepted")
	}
	// Buttons of a dialog step that has passed are stale.
	if _, err := f.press(m, 1, callback.New(FeaturePractice, "pub")); !errors.Is(err, callback.ErrInvalid) {
		t.Fatalf("publish at the file step: %v", err)
	}
}
