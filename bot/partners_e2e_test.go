package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// placeIDs returns the directory ids behind a suggestion list's profile
// buttons, in order.
func placeIDs(t *testing.T, kb *models.InlineKeyboardMarkup) []int64 {
	t.Helper()
	var ids []int64
	if kb == nil {
		return nil
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			d, err := callback.Parse(b.CallbackData)
			if err == nil && d.Feature == "city" && d.Action == "pick" {
				id, _ := strconv.ParseInt(d.Arg(0), 10, 64)
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// button returns the callback data of the button whose label is label.
func button(t *testing.T, kb *models.InlineKeyboardMarkup, label string) string {
	t.Helper()
	if kb != nil {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.Text == label {
					return b.CallbackData
				}
			}
		}
	}
	t.Fatalf("no button %q in %+v", label, kb)
	return ""
}

func (h *harness) place(t *testing.T, name string) int64 {
	t.Helper()
	res := testDirectory(t).Resolve(name, 1)
	if len(res.Matches) == 0 {
		t.Fatalf("directory has no %q", name)
	}
	return res.Matches[0].Place.ID
}

// verified makes u a verified member of the place named, as a coordinator's
// approval would.
func (h *harness) verified(t *testing.T, u telegramtest.User, place string) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := h.db.TouchMember(ctx, store.Profile{UserID: u.ID, FirstName: u.FirstName, Username: u.Username,
		Language: locales.Match(u.LanguageCode)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetMunicipality(ctx, u.ID, h.place(t, place), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetRole(ctx, u.ID, store.RoleMember, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestPartnersAcrossTheBorderInEveryLanguage(t *testing.T) {
	h := newHarness(t, Options{})
	dir := testDirectory(t)
	smolensk := h.place(t, "Smolensk")
	for i, tc := range []struct{ lang, query string }{{"en", "Vitebsk"}, {"ru", "Витебск"}, {"be", "Віцебск"}, {"en", "Vitsyebsk"}, {"ru", "г. Витебк"}} {
		u := telegramtest.User{ID: int64(2000 + i), LanguageCode: tc.lang}
		h.srv.SendText(u, "/partners "+tc.query)
		got := h.wait(u.ID, 1)
		vitebsk, _ := dir.ByID(h.place(t, "Vitebsk"))
		if !strings.Contains(got.Text, vitebsk.Name(tc.lang)) {
			t.Errorf("%s %q: header lacks %q: %q", tc.lang, tc.query, vitebsk.Name(tc.lang), got.Text)
		}
		ids := placeIDs(t, got.Markup)
		if len(ids) != 10 {
			t.Fatalf("%s: %d suggestions, want 10", tc.query, len(ids))
		}
		for _, id := range ids {
			if p, _ := dir.ByID(id); p.Country != "RU" {
				t.Errorf("%s: suggestion %s is not across the border", tc.query, p.NameEN)
			}
		}
		if ids[0] != smolensk {
			t.Errorf("%s: first suggestion %d, want Smolensk: the nearest regional centre of similar size", tc.query, ids[0])
		}
		if !strings.Contains(got.Text, h.text(tc.lang, "reason.size", nil)) {
			t.Errorf("%s: no reasons shown: %q", tc.query, got.Text)
		}
	}
}

func TestPartnersPagingAndFilters(t *testing.T) {
	h := newHarness(t, Options{})
	dir := testDirectory(t)
	u := telegramtest.User{ID: 2100, LanguageCode: "en"}
	h.srv.SendText(u, "/partners Vitebsk")
	first := h.wait(u.ID, 1)
	firstIDs := placeIDs(t, first.Markup)

	h.srv.PressButton(u, first.MessageID, button(t, first.Markup, h.text("en", "partners.button.more", nil)))
	second := h.wait(u.ID, 2)
	if second.Method != "editMessageText" || !strings.Contains(second.Text, "\n11. ") {
		t.Fatalf("page 2: %s %q", second.Method, second.Text)
	}
	for _, id := range placeIDs(t, second.Markup) {
		for _, f := range firstIDs {
			if id == f {
				t.Fatalf("place %d on both pages", id)
			}
		}
	}

	h.srv.PressButton(u, first.MessageID, button(t, second.Markup, h.text("en", "partners.button.same_country", nil)))
	same := h.wait(u.ID, 3)
	for _, id := range placeIDs(t, same.Markup) {
		if p, _ := dir.ByID(id); p.Country != "BY" {
			t.Fatalf("same-country list has %s (%s)", p.NameEN, p.Country)
		}
	}

	// Back across the border, then only the Smolensk region.
	h.srv.PressButton(u, first.MessageID, button(t, same.Markup, h.text("en", "partners.button.other_country", nil)))
	across := h.wait(u.ID, 4)
	h.srv.PressButton(u, first.MessageID, button(t, across.Markup, h.text("en", "partners.button.region", nil)))
	regions := h.wait(u.ID, 5)
	smolenskRegion, _ := dir.Region("RU.69")
	h.srv.PressButton(u, first.MessageID, button(t, regions.Markup, smolenskRegion.Name("en")))
	inRegion := h.wait(u.ID, 6)
	if ids := placeIDs(t, inRegion.Markup); len(ids) != 10 {
		t.Fatalf("%d places in the Smolensk region", len(ids))
	} else {
		for _, id := range ids {
			if p, _ := dir.ByID(id); p.RegionCode != "RU.69" {
				t.Fatalf("region filter shows %s in %s", p.NameEN, p.RegionCode)
			}
		}
	}

	h.srv.PressButton(u, first.MessageID, button(t, same.Markup, h.text("en", "partners.button.size", nil)))
	bands := h.wait(u.ID, 7)
	h.srv.PressButton(u, first.MessageID, button(t, bands.Markup, h.text("en", "band.4", nil)))
	big := h.wait(u.ID, 8)
	ids := placeIDs(t, big.Markup)
	if len(ids) == 0 {
		t.Fatal("no Belarusian city over 500,000")
	}
	for _, id := range ids {
		if p, _ := dir.ByID(id); p.Population < 500_000 || p.Country != "BY" {
			t.Fatalf("band over 500,000 shows %s with %d", p.NameEN, p.Population)
		}
	}
}

func TestPartnersUseAreasTiesAndMembers(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	smolensk, bryansk, vitebsk := h.place(t, "Smolensk"), h.place(t, "Bryansk"), h.place(t, "Vitebsk")

	// A Smolensk official declares tourism through the bot.
	smol := telegramtest.User{ID: 2200, FirstName: "Olga", LanguageCode: "ru"}
	h.verified(t, smol, "Smolensk")
	h.srv.SendText(smol, "/interests")
	menu := h.wait(smol.ID, 1)
	h.srv.PressButton(smol, menu.MessageID, button(t, menu.Markup, "▫️ "+h.text("ru", "area.tourism", nil)))
	toggled := h.wait(smol.ID, 2)
	button(t, toggled.Markup, "✅ "+h.text("ru", "area.tourism", nil))

	// The area filter from the command line keeps only places that declared it.
	u := telegramtest.User{ID: 2201, LanguageCode: "be"}
	h.srv.SendText(u, "/partners Віцебск турызм")
	got := h.wait(u.ID, 1)
	if ids := placeIDs(t, got.Markup); len(ids) != 1 || ids[0] != smolensk {
		t.Fatalf("tourism filter gives %v, want only Smolensk", ids)
	}

	// An agreement makes Smolensk an existing partner, listed apart, and
	// Smolensk's partner Bryansk a partner of a partner.
	if _, err := h.db.AddAgreement(ctx, store.Agreement{Title: "test fixture", Parties: []int64{vitebsk, smolensk}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.AddAgreement(ctx, store.Agreement{Title: "test fixture", Parties: []int64{smolensk, bryansk}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.srv.SendText(u, "/partners Віцебск")
	got = h.wait(u.ID, 2)
	for _, id := range placeIDs(t, got.Markup) {
		if id == smolensk {
			t.Fatal("an existing partner is suggested again")
		}
	}
	if !strings.Contains(got.Text, h.text("be", "partners.already", locales.Args{"List": "Смаленск"})) {
		t.Errorf("existing partner not listed: %q", got.Text)
	}
	if ids := placeIDs(t, got.Markup); ids[0] != bryansk ||
		!strings.Contains(got.Text, h.text("be", "reason.partner_of_partner", locales.Args{"Partner": "Смаленск"})) {
		t.Errorf("Bryansk not first as Smolensk's partner: %v %q", ids, got.Text)
	}
}

func TestProposalDoubleOptInAndLateDelivery(t *testing.T) {
	h := newHarness(t, Options{})
	vit := telegramtest.User{ID: 2300, FirstName: "Янка", Username: "yanka_vit", LanguageCode: "be"}
	smol := telegramtest.User{ID: 2301, FirstName: "Olga", LanguageCode: "ru"}
	h.verified(t, vit, "Vitebsk")
	h.verified(t, smol, "Smolensk")
	// A newcomer may search but not propose.
	newcomer := telegramtest.User{ID: 2304, LanguageCode: "en"}
	h.srv.SendText(newcomer, "/partners Vitebsk")
	nl := h.wait(newcomer.ID, 1)
	h.srv.PressButton(newcomer, nl.MessageID, button(t, nl.Markup, h.text("en", "partners.button.propose", nil)))
	if got := h.wait(newcomer.ID, 2).Text; got != h.text("en", "error.not_verified", nil) {
		t.Fatalf("newcomer proposing: %q", got)
	}

	h.srv.SendText(vit, "/partners")
	list := h.wait(vit.ID, 1)
	proposeSmolensk := callback.New("partners", "propose", strconv.FormatInt(h.place(t, "Smolensk"), 10)).String()
	h.srv.PressButton(vit, list.MessageID, proposeSmolensk)
	if got, want := h.wait(vit.ID, 2).Text, h.catalog.Plural("be", "proposal.sent", 1, locales.Args{"Place": "Смаленск"}); got != want {
		t.Fatalf("proposer told %q, want %q", got, want)
	}
	h.srv.PressButton(vit, list.MessageID, proposeSmolensk)
	if got := h.wait(vit.ID, 3).Text; got != h.text("be", "proposal.already", locales.Args{"Place": "Смаленск"}) {
		t.Fatalf("second proposal: %q", got)
	}

	incoming := h.wait(smol.ID, 1)
	if !strings.Contains(incoming.Text, "Витебск") || !strings.Contains(incoming.Text, `tg://user?id=2300`) {
		t.Fatalf("incoming proposal: %q", incoming.Text)
	}
	// Someone from elsewhere cannot answer it.
	stranger := telegramtest.User{ID: 2302, LanguageCode: "en"}
	accept := button(t, incoming.Markup, h.text("ru", "proposal.button.accept", nil))
	h.srv.PressButton(stranger, incoming.MessageID, accept)
	if got := h.wait(stranger.ID, 1).Text; got != h.text("en", "error.not_verified", nil) {
		t.Fatalf("stranger answering: %q", got)
	}
	h.srv.PressButton(smol, incoming.MessageID, accept)
	accepted := h.wait(vit.ID, 4)
	if !strings.Contains(accepted.Text, `tg://user?id=2301`) {
		t.Fatalf("proposer did not get the contact: %q", accepted.Text)
	}
	if mine := h.wait(smol.ID, 2); mine.Method != "editMessageText" || !strings.Contains(mine.Text, "@yanka_vit") {
		t.Fatalf("acceptor did not get the contact: %s %q", mine.Method, mine.Text)
	}

	// Nobody from Pskov yet: the proposal waits for the first member.
	h.srv.PressButton(vit, list.MessageID, callback.New("partners", "propose", strconv.FormatInt(h.place(t, "Pskov"), 10)).String())
	if got := h.wait(vit.ID, 5).Text; got != h.text("be", "proposal.kept", locales.Args{"Place": "Пскоў"}) {
		t.Fatalf("proposal to an empty town: %q", got)
	}
	// The first Pskov official joins through the dialog and is approved by
	// an admin; the waiting proposal reaches them then.
	pskov := telegramtest.User{ID: 2303, FirstName: "Pavel", LanguageCode: "en"}
	h.join(t, pskov, "Pskov", "Head of the international department")
	if got := h.srv.SentTo(pskov.ID); !strings.Contains(got[len(got)-1].Text, "Vitebsk") || got[len(got)-1].Markup == nil {
		t.Fatalf("late proposal not delivered: %q", got[len(got)-1].Text)
	}
}

func TestPlaceQueriesBadInput(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 2400, LanguageCode: "ru"}
	cases := []struct{ text, want string }{
		{"/partners", h.text("ru", "partners.usage", nil)},
		{"/partners а", h.text("ru", "place.problem.too_short", nil)},
		{"/partners 🙂🙂🙂", h.text("ru", "place.problem.no_letters", nil)},
		{"/partners " + strings.Repeat("Витебск ", 70), h.text("ru", "place.problem.too_long", nil)},
		{"/city", h.text("ru", "city.usage", nil)},
		{"/interests", h.text("ru", "error.not_verified", nil)},
	}
	for i, c := range cases {
		h.srv.SendText(u, c.text)
		if got := h.wait(u.ID, i+1).Text; got != c.want {
			t.Errorf("%.40q: got %q, want %q", c.text, got, c.want)
		}
	}
	n := len(cases)
	for _, q := range []string{`'; DROP TABLE members; --`, `"a" OR b*`, `%_%`, "<b>Минск</b>", "Qwxzptkl"} {
		n++
		h.srv.SendText(u, "/partners "+q)
		got := h.wait(u.ID, n)
		if strings.Contains(got.Text, "<b>Минск</b>") || got.Text == h.text("ru", "error.internal", nil) {
			t.Errorf("%q answered %q", q, got.Text)
		}
	}
	if _, err := h.db.Member(context.Background(), u.ID); err != nil {
		t.Fatalf("members table damaged: %v", err)
	}
	// Forged and stale buttons.
	for _, data := range []string{"partners:page:999999999:0:o:0:0", "partners:page:620127:0:x:0:0", "proposal:accept:424242", "city:pick:abc", "interests:toggle:poetry"} {
		n++
		h.srv.PressButton(u, 1, data)
		if got := h.wait(u.ID, n).Text; got != h.text("ru", "error.stale_button", nil) && got != h.text("ru", "home.needed", nil) {
			t.Errorf("button %q answered %q", data, got)
		}
	}
}

func TestCityProfileAndHomonyms(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 2500, LanguageCode: "en"}
	h.srv.SendText(u, "/city Kirovsk")
	choice := h.wait(u.ID, 1)
	if len(choice.Markup.InlineKeyboard) < 3 {
		t.Fatalf("Kirovsk homonyms: %+v", choice.Markup)
	}
	h.srv.PressButton(u, choice.MessageID, choice.Markup.InlineKeyboard[1][0].CallbackData)
	card := h.wait(u.ID, 2)
	pin := h.wait(u.ID, 3)
	if !strings.Contains(card.Text, "Leningrad") || pin.Method != "sendPhoto" || !strings.Contains(pin.Caption, "Leningrad") {
		t.Fatalf("profile of Kirovsk (Leningrad): %q, locator %s %q", card.Text, pin.Method, pin.Caption)
	}
	if loc := h.wait(u.ID, 4); loc.Method != "sendLocation" || loc.Latitude < 59 || loc.Latitude > 61 {
		t.Fatalf("no pin for Kirovsk (Leningrad): %s %.2f", loc.Method, loc.Latitude)
	}
	h.srv.SendText(u, "/city Kirovsk, Murmansk")
	if card := h.wait(u.ID, 5); !strings.Contains(card.Text, "Murmansk") {
		t.Fatalf("region qualifier ignored: %q", card.Text)
	}
}
