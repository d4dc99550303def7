package bot

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers/meetings"
	"github.com/pobratim/pobratim/locales"
)

// buttonWith returns the data of the first button whose label contains
// part.
func buttonWith(t *testing.T, kb *models.InlineKeyboardMarkup, part string) string {
	t.Helper()
	if kb != nil {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if strings.Contains(b.Text, part) {
					return b.CallbackData
				}
			}
		}
	}
	t.Fatalf("no button with %q in %+v", part, kb)
	return ""
}

// TestPracticeSharedFoundAskedAndVisited follows a practice through the
// real bot: a Belarusian member writes it (with a document, which must not
// be taken for an agreement upload), a Russian member finds it with Russian
// words, asks about it, gets the contact on accept and plans a visit from
// there; partner suggestions and the profile show it.
func TestPracticeSharedFoundAskedAndVisited(t *testing.T) {
	h := newHarness(t, Options{})
	ales := telegramtest.User{ID: 4100, FirstName: "Алесь", Username: "ales_vit", LanguageCode: "be"}
	anna := telegramtest.User{ID: 4200, FirstName: "Анна", Username: "anna_smol", LanguageCode: "ru"}
	h.join(t, ales, "Віцебск", "намеснік старшыні гарвыканкама")
	h.join(t, anna, "Смоленск", "заместитель главы")

	// Ales writes the practice.
	intro := h.say(ales, "/practice")
	if !strings.Contains(intro.Text, "1/8") {
		t.Fatalf("intro %q", intro.Text)
	}
	areas := h.say(ales, "Турыстычны маршрут па мясцінах Шагала")
	h.press(ales, areas.MessageID, buttonWith(t, areas.Markup, h.text("be", "area.tourism", nil)))
	problem := h.press(ales, areas.MessageID, buttonWith(t, areas.Markup, h.text("be", "practice.button.areas_done", nil)))
	if !strings.Contains(problem.Text, "3/8") {
		t.Fatalf("after the areas: %q", problem.Text)
	}
	h.say(ales, "Турысты не затрымліваліся ў горадзе больш за адзін дзень.")
	h.say(ales, "Распрацавалі маршрут, навучылі гідаў, выпусцілі карту.")
	h.say(ales, "турыстычны паток +40% за два гады")
	h.say(ales, "2023–2025")
	report := []byte("%PDF-1.4 synthetic report")
	replies := h.replies(ales.ID, func() int64 { return h.srv.SendDocument(ales, "маршрут.pdf", "application/pdf", report, "") })
	contactQ := replies[len(replies)-1]
	reading := h.text("be", "agreements.upload.reading", locales.Args{"Name": "маршрут.pdf"})
	for _, r := range replies {
		if r.Text == reading {
			t.Fatal("the practice's document was read as an agreement")
		}
	}
	if !strings.Contains(contactQ.Text, "8/8") {
		t.Fatalf("after the document: %q", contactQ.Text)
	}
	preview := h.press(ales, contactQ.MessageID, buttonWith(t, contactQ.Markup, h.text("be", "practice.button.contact_yes", nil)))
	published := h.replies(ales.ID, func() int64 {
		return h.srv.PressButton(ales, preview.MessageID, buttonWith(t, preview.Markup, h.text("be", "practice.button.publish", nil)))
	})
	details := published[len(published)-1]
	if !strings.Contains(details.Text, "Турыстычны маршрут па мясцінах Шагала") {
		t.Fatalf("published details %q", details.Text)
	}
	// The attachment comes back by its file id: the same bytes.
	file := h.press(ales, details.MessageID, buttonWith(t, details.Markup, h.text("be", "practice.button.file", nil)))
	if file.Method != "sendDocument" || !bytes.Equal(file.FileData, report) {
		t.Fatalf("attachment sent as %s with %d bytes", file.Method, len(file.FileData))
	}

	// Anna finds it with Russian words and asks about it.
	list := h.say(anna, "/practices туристический маршрут")
	if !strings.Contains(list.Text, "Турыстычны маршрут па мясцінах Шагала") {
		t.Fatalf("Russian search did not find the Belarusian practice: %q", list.Text)
	}
	seq := h.srv.LastSeq()
	sent := h.press(anna, list.MessageID, buttonWith(t, list.Markup, h.text("ru", "practice.button.ask", nil)))
	if !strings.Contains(sent.Text, "отправлен 1 участнику") {
		t.Fatalf("anna told %q", sent.Text)
	}
	request := h.after(ales.ID, seq)
	for _, want := range []string{"Анна", "заместитель главы", "Смаленск"} {
		if !strings.Contains(request.Text, want) {
			t.Errorf("request lacks %q: %q", want, request.Text)
		}
	}
	seq = h.srv.LastSeq()
	mine := h.press(ales, request.MessageID, buttonWith(t, request.Markup, h.text("be", "practice.button.accept", nil)))
	if !strings.Contains(mine.Text, `tg://user?id=4200`) || !strings.Contains(mine.Text, "@anna_smol") {
		t.Fatalf("ales did not get anna's contact: %q", mine.Text)
	}
	accepted := h.after(anna.ID, seq)
	if !strings.Contains(accepted.Text, `tg://user?id=4100`) || !strings.Contains(accepted.Text, "@ales_vit") {
		t.Fatalf("anna did not get ales's contact: %q", accepted.Text)
	}

	// "Plan a visit" opens the visit dialog with Vitebsk filled in.
	h.press(anna, accepted.MessageID, buttonWith(t, accepted.Markup, "📅"))
	d, active, err := h.state.GetDialog(context.Background(), anna.ID)
	if err != nil || !active || d.Flow != meetings.FlowVisit || d.Data["place"] != strconv.FormatInt(h.place(t, "Vitebsk"), 10) {
		t.Fatalf("visit dialog %+v active %v err %v", d, active, err)
	}
	h.say(anna, "/cancel")

	// Suggestions for Smolensk and the profile of Vitebsk show it.
	suggestions := h.say(anna, "/partners Смоленск")
	if !strings.Contains(suggestions.Text, "💡 Турыстычны маршрут па мясцінах Шагала — турыстычны паток +40% за два гады") {
		t.Fatalf("suggestions without the practice: %q", suggestions.Text)
	}
	profile := h.say(anna, "/city Витебск")
	if !strings.Contains(profile.Text, h.text("ru", "practices.profile_header", nil)) {
		t.Fatalf("profile without practices: %q", profile.Text)
	}
	opened := h.press(anna, profile.MessageID, buttonWith(t, profile.Markup, "💡 Турыстычны маршрут"))
	if !strings.Contains(opened.Text, "Распрацавалі маршрут") || !strings.Contains(opened.Text, "💬 1 запрос ·") {
		t.Fatalf("opened from the profile: %q", opened.Text)
	}
}

// TestPracticeCommandsNeedVerification: newcomers search but do not write.
func TestPracticeCommandsNeedVerification(t *testing.T) {
	h := newHarness(t, Options{})
	newcomer := telegramtest.User{ID: 4300, FirstName: "Новичок", LanguageCode: "ru"}
	h.say(newcomer, "/start")
	if got := h.say(newcomer, "/practice"); got.Text != h.text("ru", "error.not_verified", nil) {
		t.Fatalf("newcomer /practice: %q", got.Text)
	}
	if got := h.say(newcomer, "/practices"); !strings.Contains(got.Text, h.text("ru", "practices.none", nil)) {
		t.Fatalf("newcomer /practices: %q", got.Text)
	}
}
