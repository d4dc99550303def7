package broadcasts

import (
	"html"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Render returns a broadcast as a recipient reading lang sees it. The
// preview and the test send use it too, so what the author checks is what
// goes out.
func Render(tr handlers.Translator, lang string, b store.Broadcast) handlers.Message {
	if isComposed(b) {
		return renderComposed(lang, b)
	}
	var m handlers.Message
	if b.ForumID != 0 {
		id := itoa(b.ForumID)
		m.Buttons = append(m.Buttons, handlers.Row(
			handlers.Button{Text: tr.Text(lang, "forum.button.going", nil), Data: callback.New(FeatureForum, "rsvp", id, store.RSVPGoing)},
			handlers.Button{Text: tr.Text(lang, "forum.button.maybe", nil), Data: callback.New(FeatureForum, "rsvp", id, store.RSVPMaybe)},
			handlers.Button{Text: tr.Text(lang, "forum.button.not_going", nil), Data: callback.New(FeatureForum, "rsvp", id, store.RSVPNotGoing)},
		))
	}
	if b.LinkURL != "" {
		text := b.LinkText
		if text == "" {
			text = tr.Text(lang, "broadcast.link.default", nil)
		}
		m.Buttons = append(m.Buttons, handlers.Row(handlers.Button{Text: text, URL: b.LinkURL}))
	}
	switch b.Kind {
	case "photo", "document":
		m.Document = &handlers.File{FileID: b.FileID, Name: b.FileName, Caption: b.Body, Photo: b.Kind == "photo"}
	default:
		m.Text = b.Body
	}
	return m
}

// describe names an audience in lang, for the preview and approvers.
func describe(tr handlers.Translator, dir *directory.Directory, lang string, a audience.Audience, forum string) string {
	if a.All() {
		return tr.Text(lang, "broadcast.audience.all", nil)
	}
	var parts []string
	add := func(id string, names []string) {
		if len(names) > 0 {
			parts = append(parts, tr.Text(lang, id, locales.Args{"List": strings.Join(names, ", ")}))
		}
	}
	var names []string
	for _, c := range a.Countries {
		names = append(names, tr.Text(lang, "broadcast.country."+strings.ToLower(c), nil))
	}
	add("broadcast.audience.countries", names)
	names = nil
	for _, code := range a.Regions {
		if r, ok := dir.Region(code); ok {
			names = append(names, r.Name(lang))
		} else {
			names = append(names, code)
		}
	}
	add("broadcast.audience.regions", names)
	names = nil
	for _, id := range a.Places {
		if p, ok := dir.ByID(id); ok {
			names = append(names, p.Name(lang))
		}
	}
	add("broadcast.audience.places", names)
	names = nil
	for _, area := range a.Areas {
		names = append(names, tr.Text(lang, "area."+area, nil))
	}
	add("broadcast.audience.areas", names)
	names = nil
	for _, role := range a.Roles {
		names = append(names, tr.Text(lang, "role."+string(role), nil))
	}
	add("broadcast.audience.roles", names)
	if a.Forum != 0 {
		add("broadcast.audience.forum", []string{forum})
	}
	// Each part was rendered with its data escaped already.
	return strings.Join(parts, "\n")
}

// plainLen is the length of an HTML text as Telegram counts it: without
// tags, entities decoded.
func plainLen(s string) int {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return len([]rune(html.UnescapeString(b.String())))
}
