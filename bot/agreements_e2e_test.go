package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers/agreements"
	"github.com/pobratim/pobratim/handlers/agreements/doctext/doctexttest"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// evalText is an agreement of the summariser's evaluation set (texts
// written for the tests, not real agreements), without its fixture line.
func evalText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "handlers", "agreements", "summary", "testdata", "eval", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.HasPrefix(s, "#") {
		_, s, _ = strings.Cut(s, "\n")
	}
	return s
}

// replies runs one update and returns everything the bot sent to chat
// while handling it.
func (h *harness) replies(chatID int64, send func() int64) []telegramtest.Sent {
	h.t.Helper()
	seq := h.srv.LastSeq()
	h.waitHandled(send())
	var out []telegramtest.Sent
	for _, s := range h.srv.Sent() {
		if s.Seq > seq && s.ChatID == chatID {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		h.t.Fatalf("the bot sent nothing to %d", chatID)
	}
	return out
}

// upload sends a document as u and returns the bot's last answer.
func (h *harness) upload(u telegramtest.User, name, mime string, data []byte) telegramtest.Sent {
	h.t.Helper()
	out := h.replies(u.ID, func() int64 { return h.srv.SendDocument(u, name, mime, data, "") })
	return out[len(out)-1]
}

// agreementButton returns the data of the agreements button with the action
// given, whatever its label.
func agreementButton(t *testing.T, kb *models.InlineKeyboardMarkup, action string, args ...string) string {
	t.Helper()
	if kb != nil {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				d, err := callback.Parse(b.CallbackData)
				if err == nil && d.Feature == agreements.Feature && d.Action == action &&
					(len(args) == 0 || slices.Equal(d.Args[min(1, len(d.Args)):], args)) {
					return b.CallbackData
				}
			}
		}
	}
	t.Fatalf("no %s button %v in %+v", action, args, kb)
	return ""
}

func hasAgreementButton(kb *models.InlineKeyboardMarkup, action string) bool {
	if kb == nil {
		return false
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if d, err := callback.Parse(b.CallbackData); err == nil && d.Feature == agreements.Feature && d.Action == action {
				return true
			}
		}
	}
	return false
}

func TestUploadSaveListAndOpenAgreement(t *testing.T) {
	clk := &testClock{t: time.Date(2024, 3, 1, 12, 0, 0, 0, msk)}
	h := newHarness(t, Options{Now: clk.Now})
	ctx := context.Background()
	anna := telegramtest.User{ID: 5001, FirstName: "Анна", LanguageCode: "ru"}
	ales := telegramtest.User{ID: 5002, FirstName: "Алесь", LanguageCode: "be"}
	h.verified(t, anna, "Smolensk")
	h.verified(t, ales, "Vitebsk")
	smolensk, vitebsk := h.place(t, "Smolensk"), h.place(t, "Vitebsk")

	doc := doctexttest.DOCXFromText(evalText(t, "ru_smolensk_vitebsk.txt"))
	out := h.replies(anna.ID, func() int64 {
		return h.srv.SendDocument(anna, "Соглашение Смоленск-Витебск.docx",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", doc, "")
	})
	if len(out) != 2 || out[0].Text != h.text("ru", "agreements.upload.reading", locales.Args{"Name": "Соглашение Смоленск-Витебск.docx"}) {
		t.Fatalf("answers to the upload: %v", out)
	}
	card := out[1]
	for _, want := range []string{
		"Карточка документа", "<b>Смоленск</b> (Смоленская область) — «Администрация города Смоленска»",
		"<b>Витебск</b>", "Дата подписания: 15.05.2019", "Дата вступления в силу: 15.05.2019",
		"Срок: 5 лет, продлевается автоматически, уведомление за 6 месяцев",
		"культура", "туризм", "Язык текста: русский",
		"15.05.2024 — соглашение автоматически продлевается",
		"15.11.2028 — последний день, чтобы уведомить",
		"<b>Кратко:</b>", "<i>п. 5.1</i> Настоящее Соглашение вступает в силу", "<b>Ключевые пункты:</b>",
	} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text)
		}
	}
	if strings.Contains(card.Text, "⚠️") {
		t.Errorf("a sure match is flagged for checking:\n%s", card.Text)
	}

	saved := h.press(anna, card.MessageID, agreementButton(t, card.Markup, "save"))
	list, err := h.db.AgreementsOf(ctx, smolensk)
	if err != nil || len(list) != 1 {
		t.Fatalf("agreements of Smolensk after saving: %+v, %v", list, err)
	}
	a, err := h.db.Agreement(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Parties, []int64{smolensk, vitebsk}) || a.SignedOn != "2019-05-15" || a.InForceOn != "2019-05-15" ||
		a.TermMonths != 60 || !a.AutoRenewal || a.NoticeMonths != 6 || a.Stage != store.StageAgreement ||
		a.AddedBy != anna.ID || a.Origin != store.OriginDocument || a.Source.SHA256 == "" || len(a.Summary) < 3 {
		t.Fatalf("stored agreement: %+v", a)
	}
	if saved.Method != "editMessageText" || !strings.HasPrefix(saved.Text, h.text("ru", "agreements.saved", locales.Args{"Count": int(a.ID)})) {
		t.Fatalf("after saving: %s %q", saved.Method, saved.Text)
	}
	if !strings.Contains(saved.Text, "автор записи: Анна") {
		t.Errorf("the saved card does not say who added it: %q", saved.Text)
	}
	if !hasAgreementButton(saved.Markup, "edit") {
		t.Errorf("the member who saved it has no edit button: %+v", saved.Markup)
	}
	// The deadlines are jobs, written with the agreement.
	jobs, err := h.db.FindJobs(ctx, store.JobFilter{Subject: store.AgreementSubject(a.ID)}, store.JobPending)
	if err != nil || len(jobs) != 2*4+1 { // 4 reminders for each of 2 parties, and the next round's plan
		t.Fatalf("jobs: %d %v: %+v", len(jobs), err, jobs)
	}

	// The same document again is recognised.
	again := h.upload(anna, "copy.docx", "", doc)
	if again.Text != h.text("ru", "agreements.upload.known", locales.Args{"Count": int(a.ID), "Title": a.Title}) {
		t.Fatalf("second upload: %q", again.Text)
	}

	// Ales lists Vitebsk's agreements in Belarusian and opens the card.
	listed := h.say(ales, "/agreements Віцебск")
	if !strings.HasPrefix(listed.Text, "<b>Віцебск</b>: 1 пагадненне") ||
		!strings.Contains(listed.Text, "1. <b>Смаленск</b> — пагадненне аб супрацоўніцтве, 2019 · турызм") {
		t.Fatalf("list: %q", listed.Text)
	}
	opened := h.press(ales, listed.MessageID, agreementButton(t, listed.Markup, "card"))
	if !strings.HasPrefix(opened.Text, h.text("be", "agreements.card.saved_header", locales.Args{"Count": int(a.ID)})) ||
		!strings.Contains(opened.Text, "Дата падпісання: 15.05.2019") || !hasAgreementButton(opened.Markup, "edit") {
		t.Fatalf("card for Ales: %q %+v", opened.Text, opened.Markup)
	}
	if got := h.say(ales, "/agreement "+itoa(a.ID)); got.Text != opened.Text {
		t.Fatalf("/agreement %d differs from the card: %q", a.ID, got.Text)
	}
	if got := h.say(ales, "/agreement 999"); got.Text != h.text("be", "agreements.card.not_found", nil) {
		t.Fatalf("/agreement 999: %q", got.Text)
	}

	// A month before the renewal both parties' members are reminded, once.
	clk.jump(h, time.Date(2024, 4, 15, 9, 30, 0, 0, msk))
	jobsSettled(t, h, clk)
	for _, u := range []telegramtest.User{anna, ales} {
		got := waitFor(t, h, u.ID, "⏰", 1)
		if len(got) != 1 || !strings.Contains(got[0].Text, "15.05.2024") || !hasAgreementButton(got[0].Markup, "card") {
			t.Fatalf("reminders to %d: %v", u.ID, got)
		}
	}
	if got := startsWith(h, ales.ID, "⏰")[0].Text; !strings.Contains(got, "пагадненне аўтаматычна падаўжаецца") ||
		!strings.Contains(got, "праз 30 дзён") {
		t.Fatalf("Belarusian reminder: %q", got)
	}
	h.restart()
	clk.jump(h, time.Date(2024, 4, 16, 10, 0, 0, 0, msk))
	jobsSettled(t, h, clk)
	h.quiet(anna.ID, len(h.srv.SentTo(anna.ID)))
	if n := len(startsWith(h, anna.ID, "⏰")); n != 1 {
		t.Fatalf("%d reminders after a restart, want 1", n)
	}
}

func TestEditRights(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	anna := telegramtest.User{ID: 5101, FirstName: "Анна", LanguageCode: "ru"}
	bob := telegramtest.User{ID: 5102, FirstName: "Bob", LanguageCode: "en"}
	carl := telegramtest.User{ID: 5103, FirstName: "Carl", LanguageCode: "en"}
	nina := telegramtest.User{ID: 5104, FirstName: "Nina", LanguageCode: "en"}
	h.verified(t, anna, "Smolensk")
	h.verified(t, bob, "Brest")
	h.verified(t, carl, "Minsk")
	if err := h.db.SetRole(ctx, carl.ID, store.RoleCoordinator, time.Now()); err != nil {
		t.Fatal(err)
	}
	a, err := h.db.AddAgreement(ctx, store.Agreement{Title: "test fixture", SignedOn: "2021",
		Parties: []int64{h.place(t, "Smolensk"), h.place(t, "Vitebsk")}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// A member of another municipality sees no edit button, and a forged
	// one is refused.
	card := h.say(bob, "/agreement "+itoa(a))
	if hasAgreementButton(card.Markup, "edit") {
		t.Fatalf("Bob may edit Smolensk's agreement: %+v", card.Markup)
	}
	forged := callback.New(agreements.Feature, "edit", itoa(a)).String()
	if got := h.press(bob, card.MessageID, forged); got.Text != h.text("en", "agreements.edit.forbidden", nil) {
		t.Fatalf("forged edit: %q", got.Text)
	}

	// A coordinator may edit any agreement: terminate it.
	card = h.say(carl, "/agreement "+itoa(a))
	menu := h.press(carl, card.MessageID, agreementButton(t, card.Markup, "edit"))
	if !strings.HasPrefix(menu.Text, h.text("en", "agreements.card.edit_header", locales.Args{"Count": int(a)})) {
		t.Fatalf("edit menu: %q", menu.Text)
	}
	statuses := h.press(carl, menu.MessageID, agreementButton(t, menu.Markup, "f", "status"))
	set := h.press(carl, statuses.MessageID, agreementButton(t, statuses.Markup, "set", "status", store.StatusTerminated))
	done := h.press(carl, set.MessageID, agreementButton(t, set.Markup, "save"))
	if !strings.HasPrefix(done.Text, h.text("en", "agreements.updated", locales.Args{"Count": int(a)})) ||
		!strings.Contains(done.Text, "status: terminated") {
		t.Fatalf("after the coordinator's edit: %q", done.Text)
	}
	stored, _ := h.db.Agreement(ctx, a)
	if stored.Status != store.StatusTerminated || stored.Revision != 2 {
		t.Fatalf("stored after edit: %+v", stored)
	}
	if audit, _ := h.db.RecentAudit(ctx, 1); len(audit) != 1 || audit[0].Actor != carl.ID || audit[0].Subject != store.AgreementSubject(a) {
		t.Fatalf("audit: %+v", audit)
	}

	// A newcomer can read a document but not save it; a member can save
	// only their own municipality's.
	doc := doctexttest.DOCXFromText(evalText(t, "bi_gomel_bryansk.txt"))
	for _, tc := range []struct {
		u  telegramtest.User
		id string
	}{{nina, "agreements.save.newcomer"}, {bob, "agreements.save.not_yours"}} {
		card := h.upload(tc.u, "gomel.docx", "", doc)
		got := h.press(tc.u, card.MessageID, agreementButton(t, card.Markup, "save"))
		if got.Text != h.text("en", tc.id, nil) {
			t.Errorf("%d saves: %q, want %s", tc.u.ID, got.Text, tc.id)
		}
	}
	if list, _ := h.db.AgreementsOf(ctx, h.place(t, "Gomel")); len(list) != 0 {
		t.Fatalf("saved without the right: %+v", list)
	}
}

func TestCorrectFieldsThroughTheDirectory(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	carl := telegramtest.User{ID: 5201, FirstName: "Carl", LanguageCode: "en"}
	h.verified(t, carl, "Minsk")
	if err := h.db.SetRole(ctx, carl.ID, store.RoleCoordinator, time.Now()); err != nil {
		t.Fatal(err)
	}
	card := h.upload(carl, "lida.docx", "", doctexttest.DOCXFromText(evalText(t, "be_lida_pskov.txt")))
	if !strings.Contains(card.Text, "<b>Lida</b>") || !strings.Contains(card.Text, "<b>Pskov</b>") {
		t.Fatalf("card: %q", card.Text)
	}

	// Replace Pskov with Orsha, a name two places share.
	menu := h.press(carl, card.MessageID, agreementButton(t, card.Markup, "fix"))
	partiesMenu := h.press(carl, menu.MessageID, agreementButton(t, menu.Markup, "f", "parties"))
	ask := h.press(carl, partiesMenu.MessageID, agreementButton(t, partiesMenu.Markup, "party", "1"))
	if !strings.Contains(ask.Text, "Адміністрацыя горада Пскова") {
		t.Fatalf("question: %q", ask.Text)
	}
	choice := h.say(carl, "Орша")
	orsha := h.place(t, "Orsha, Vitebsk")
	var pick string
	for _, row := range choice.Markup.InlineKeyboard {
		if d, _ := callback.Parse(row[0].CallbackData); d.Feature == agreements.FeaturePick && d.Arg(0) == itoa(orsha) {
			pick = row[0].CallbackData
		}
	}
	if pick == "" {
		t.Fatalf("no button for Orsha in Vitebsk Region: %q %+v", choice.Text, choice.Markup)
	}
	updated := h.press(carl, choice.MessageID, pick)
	if !strings.Contains(updated.Text, "<b>Orsha</b> (Vitebsk Region) — «Адміністрацыя горада Пскова»") {
		t.Fatalf("card after the correction: %q", updated.Text)
	}

	// A wrong date is asked again; a right one is taken.
	menu = h.press(carl, updated.MessageID, agreementButton(t, updated.Markup, "fix"))
	h.press(carl, menu.MessageID, agreementButton(t, menu.Markup, "f", "signed"))
	if got := h.say(carl, "31.02.2020"); got.Text != h.text("en", "agreements.fix.bad_date", nil) {
		t.Fatalf("bad date: %q", got.Text)
	}
	fixed := h.say(carl, "01.03.2020")
	if !strings.Contains(fixed.Text, "Signed: 01.03.2020") {
		t.Fatalf("after the date: %q", fixed.Text)
	}
	// Areas are switched with buttons.
	menu = h.press(carl, fixed.MessageID, agreementButton(t, fixed.Markup, "fix"))
	areas := h.press(carl, menu.MessageID, agreementButton(t, menu.Markup, "f", "areas"))
	areas = h.press(carl, areas.MessageID, agreementButton(t, areas.Markup, "set", "area", "transport"))
	back := h.press(carl, areas.MessageID, agreementButton(t, areas.Markup, "fix"))
	saved := h.press(carl, back.MessageID, agreementButton(t, back.Markup, "save"))
	list, _ := h.db.AgreementsOf(ctx, orsha)
	if len(list) != 1 || list[0].SignedOn != "2020-03-01" || !slices.Contains(list[0].Areas, "transport") ||
		!strings.HasPrefix(saved.Text, "✅") {
		t.Fatalf("saved: %q %+v", saved.Text, list)
	}

	// The saved card's buttons are gone; an old card's are refused.
	if got := h.press(carl, card.MessageID, agreementButton(t, card.Markup, "save")); got.Text != h.text("en", "agreements.draft.gone", nil) {
		t.Fatalf("stale save: %q", got.Text)
	}
}

// zipBomb is a .docx whose document part inflates to more than doctext
// allows (50 MB) from a few tens of kilobytes.
func zipBomb(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`))
	chunk := bytes.Repeat([]byte("а"), 1<<20)
	for range 52 {
		w.Write(chunk)
	}
	w.Write([]byte(`</w:t></w:r></w:p></w:body></w:document>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEveryBadDocumentHasItsOwnAnswer(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 5301, FirstName: "Anna", LanguageCode: "ru"}
	lines := []string{"СОГЛАШЕНИЕ о сотрудничестве", "1. Стороны договорились о сотрудничестве."}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	for _, tc := range []struct {
		name, file, mime string
		data             []byte
		want             string
	}{
		{"encrypted pdf", "a.pdf", "application/pdf", doctexttest.PDF(lines, doctexttest.PDFOptions{Encrypt: true, UserPassword: "secret"}), "encrypted"},
		{"scan without text", "scan.pdf", "application/pdf", doctexttest.PDF(nil, doctexttest.PDFOptions{ImageOnly: true}), "scan"},
		{"zero bytes", "empty.txt", "text/plain", nil, "empty"},
		{"docx that is not a zip", "a.docx", "", []byte{0x01, 0x02, 0x03, 0x00, 0xFF, 0x00, 0x10}, "corrupt"},
		{"zip bomb", "bomb.docx", "", zipBomb(t), "zip_bomb"},
		{"wrong extension", "a.pdf", "application/pdf", doctexttest.DOCXFromText(strings.Join(lines, "\n")), "wrong_extension"},
		{"image", "photo.png", "image/png", png, "image"},
		{"image named pdf", "scan.pdf", "application/pdf", png, "image"},
		{"legacy doc", "a.doc", "application/msword", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), "unsupported"},
		{"over 20 MB", "big.pdf", "application/pdf", bytes.Repeat([]byte("x"), agreements.MaxFileSize+1), "too_large"},
		{"not an agreement", "letter.txt", "text/plain", []byte(evalText(t, "not_agreement_ru.txt")), "not_agreement"},
	} {
		got := h.upload(u, tc.file, tc.mime, tc.data)
		if want := h.text("ru", "agreements.upload."+tc.want, nil); got.Text != want {
			t.Errorf("%s: %q, want %q", tc.name, got.Text, want)
		}
	}
	// Nothing was kept as a card: text now gets the ordinary answer.
	if got := h.say(u, "привет"); strings.Contains(got.Text, h.text("ru", "agreements.draft.use_buttons", nil)) {
		t.Fatalf("a card stayed open: %q", got.Text)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A photo sent outside any dialog gets the answer that agreements are read
// as text, not the generic hint.
func TestPhotoOutsideDialog(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 38000, LanguageCode: "be"}
	upd := models.Update{Message: &models.Message{
		ID: 1, Date: int(time.Now().Unix()),
		From:  &models.User{ID: u.ID, FirstName: "Photo", LanguageCode: "be"},
		Chat:  models.Chat{ID: u.ID, Type: models.ChatTypePrivate},
		Photo: []models.PhotoSize{{FileID: "small", Width: 90, Height: 90}, {FileID: "big", Width: 1280, Height: 960}},
	}}
	got := h.exchange(u.ID, func() int64 { return h.srv.InjectUpdate(upd) })
	if got.Text != h.text("be", "agreements.upload.image", nil) {
		t.Fatalf("photo answered %q", got.Text)
	}
}
