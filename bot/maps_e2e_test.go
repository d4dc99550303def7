package bot

import (
	"bytes"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/locales"
)

func TestPartnersMapButtonSendsPNG(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 2700, LanguageCode: "en"}
	h.srv.SendText(u, "/partners Vitebsk")
	list := h.wait(u.ID, 1)
	mapButton := button(t, list.Markup, h.text("en", "map.button.show", nil))

	h.srv.PressButton(u, list.MessageID, mapButton)
	pic := h.wait(u.ID, 2)
	if pic.Method != "sendPhoto" {
		t.Fatalf("map button answered %s", pic)
	}
	img, err := png.Decode(bytes.NewReader(pic.FileData))
	if err != nil {
		t.Fatalf("map is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 960 {
		t.Errorf("map is %v", b)
	}
	if want := h.text("en", "map.caption", locales.Args{"Place": "Vitebsk", "From": 1, "To": 10}); pic.Caption != want {
		t.Errorf("caption %q, want %q", pic.Caption, want)
	}

	// The same page gives the same picture; the next page another, numbered
	// on from 11.
	h.srv.PressButton(u, list.MessageID, mapButton)
	if again := h.wait(u.ID, 3); !bytes.Equal(again.FileData, pic.FileData) {
		t.Error("the same map twice gave different bytes")
	}
	h.srv.PressButton(u, list.MessageID, button(t, list.Markup, h.text("en", "partners.button.more", nil)))
	page2 := h.wait(u.ID, 4)
	h.srv.PressButton(u, list.MessageID, button(t, page2.Markup, h.text("en", "map.button.show", nil)))
	pic2 := h.wait(u.ID, 5)
	if pic2.Method != "sendPhoto" || !strings.Contains(pic2.Plain, "11–20") || bytes.Equal(pic2.FileData, pic.FileData) {
		t.Errorf("page 2 map: %s %q", pic2.Method, pic2.Plain)
	}

	// A forged map button is refused like any stale one.
	h.srv.PressButton(u, list.MessageID, "partners:map:999999999:0:o:0:0:-")
	if got := h.wait(u.ID, 6).Text; got != h.text("en", "error.stale_button", nil) {
		t.Errorf("forged map button answered %q", got)
	}
}

func TestProfileSendsLocator(t *testing.T) {
	h := newHarness(t, Options{})
	u := telegramtest.User{ID: 2701, LanguageCode: "be"}
	h.srv.SendText(u, "/city Пінск")
	h.wait(u.ID, 1)
	loc := h.wait(u.ID, 2)
	if loc.Method != "sendPhoto" || !strings.Contains(loc.Plain, "Пінск") {
		t.Fatalf("locator: %s", loc)
	}
	img, err := png.Decode(bytes.NewReader(loc.FileData))
	if err != nil {
		t.Fatalf("locator is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("locator is %v", b)
	}
	if loc.Markup == nil || len(loc.Markup.InlineKeyboard) != 1 {
		t.Fatalf("locator buttons: %v", loc.Buttons())
	}
	open := loc.Markup.InlineKeyboard[0][0]
	if open.Text != h.text("be", "map.button.open", nil) {
		t.Errorf("button %q", open.Text)
	}
	link, err := url.Parse(open.URL)
	if err != nil {
		t.Fatal(err)
	}
	lat, _ := strconv.ParseFloat(link.Query().Get("mlat"), 64)
	lon, _ := strconv.ParseFloat(link.Query().Get("mlon"), 64)
	if lat < 52 || lat > 52.2 || lon < 26 || lon > 26.2 {
		t.Errorf("map link %q does not point at Pinsk", open.URL)
	}
}

func TestLocatorUploadedOnceThenSentByFileID(t *testing.T) {
	h := newHarness(t, Options{})
	locator := func(id int64, lang string) telegramtest.Sent {
		t.Helper()
		h.srv.SendText(telegramtest.User{ID: id, LanguageCode: lang}, "/city Пінск")
		loc := h.wait(id, 2)
		if loc.Method != "sendPhoto" || len(loc.FileData) == 0 {
			t.Fatalf("user %d: locator: %s", id, loc)
		}
		return loc
	}
	first := locator(2711, "be")
	if id := first.Fields["photo"]; id != "" {
		t.Fatalf("the first locator was sent by id %q, not uploaded", id)
	}
	second := locator(2712, "be")
	if second.Fields["photo"] == "" || !bytes.Equal(second.FileData, first.FileData) {
		t.Fatalf("the second locator of the same place was not sent by the first one's file id (photo=%q)", second.Fields["photo"])
	}
	if other := locator(2713, "ru"); other.Fields["photo"] != "" {
		t.Fatalf("a locator in another language was sent by id %q", other.Fields["photo"])
	}

	// Telegram forgets a file: the id is refused and the map uploaded again.
	u := h.bot.sender.uploads
	u.mu.Lock()
	for k := range u.ids {
		u.ids[k] = "AgACAgIAAxkBAAIB-forgotten"
	}
	u.mu.Unlock()
	again := locator(2714, "be")
	if again.Fields["photo"] != "" || !bytes.Equal(again.FileData, first.FileData) {
		t.Fatalf("after a refused id the locator was not uploaded again (photo=%q)", again.Fields["photo"])
	}
	if next := locator(2715, "be"); next.Fields["photo"] == "" || next.Fields["photo"] == "AgACAgIAAxkBAAIB-forgotten" {
		t.Fatalf("the new upload's id was not kept (photo=%q)", next.Fields["photo"])
	}
}
