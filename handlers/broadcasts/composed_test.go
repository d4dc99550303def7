package broadcasts

import (
	"reflect"
	"testing"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/store"
)

func TestComposedBroadcastRendersEachLanguage(t *testing.T) {
	off := handlers.Row(handlers.Button{Text: "off", Data: callback.New("practice", "digest", "off")})
	copies := map[string]handlers.Message{
		"ru": {Text: "<b>Дайджест</b>", Buttons: [][]handlers.Button{off}},
		"be": {Text: "<b>Дайджэст</b>", Buttons: [][]handlers.Button{off}},
	}
	b, err := Composed("practices.digest:2026-03", copies)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != store.BroadcastQueued || b.Kind != "text" || b.Audience != "composed:practices.digest:2026-03" || b.Mandatory {
		t.Fatalf("broadcast %+v", b)
	}
	for _, tc := range []struct{ lang, want string }{
		{"ru", "<b>Дайджест</b>"}, {"be", "<b>Дайджэст</b>"},
		{"en", "<b>Дайджест</b>"}, // no English copy: the default language's
	} {
		m := Render(nil, tc.lang, b)
		if m.Text != tc.want || !reflect.DeepEqual(m.Buttons, [][]handlers.Button{off}) {
			t.Errorf("%s: %+v", tc.lang, m)
		}
	}
	// A composer's text that looks like a composed body stays text.
	typed := store.Broadcast{Kind: "text", Body: b.Body, Audience: "c=BY"}
	if m := Render(nil, "ru", typed); m.Text != b.Body || len(m.Buttons) != 0 {
		t.Fatalf("typed text rendered as composed: %+v", m)
	}
	// A body that cannot be read sends nothing rather than the raw JSON.
	b.Body = "{broken"
	if m := Render(nil, "ru", b); m.Text != "" {
		t.Fatalf("broken body rendered as %q", m.Text)
	}

	for name, bad := range map[string]map[string]handlers.Message{
		"no copies": nil,
		"empty":     {"ru": {}},
		"document":  {"ru": {Text: "x", Document: &handlers.File{Name: "a.pdf"}}},
	} {
		if _, err := Composed("k", bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Composed("", copies); err == nil {
		t.Error("no key: accepted")
	}
}
