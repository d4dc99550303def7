package broadcasts

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// composedPrefix begins the audience of a broadcast the bot composed
// itself, such as the monthly digest of recommended practices. Such a
// broadcast carries a finished copy per language, buttons included,
// instead of an author's text; the composer's audiences never start so.
const composedPrefix = "composed:"

// Composed returns a broadcast that delivers copies[lang] to readers of
// lang (and the default language's copy to others), to be queued with
// store.DB.QueueBroadcastOnce. key names it: a second broadcast with the
// same key is never queued.
func Composed(key string, copies map[string]handlers.Message) (store.Broadcast, error) {
	if key == "" || len(copies) == 0 {
		return store.Broadcast{}, fmt.Errorf("broadcasts: composed %q: a key and copies are required", key)
	}
	for lang, m := range copies {
		if m.Document != nil || m.Location != nil || m.Keyboard != nil || m.Text == "" {
			return store.Broadcast{}, fmt.Errorf("broadcasts: composed %q: the %s copy must be a text with inline buttons", key, lang)
		}
	}
	body, err := json.Marshal(copies)
	if err != nil {
		return store.Broadcast{}, fmt.Errorf("broadcasts: composed %q: %w", key, err)
	}
	return store.Broadcast{State: store.BroadcastQueued, Kind: "text", Body: string(body), Audience: composedPrefix + key}, nil
}

// renderComposed returns the copy of a composed broadcast for lang. A body
// that cannot be read gives an empty message, which Telegram refuses, so
// that the rows fail with a reason in the report instead of sending
// something else.
func renderComposed(lang string, b store.Broadcast) handlers.Message {
	var copies map[string]handlers.Message
	if err := json.Unmarshal([]byte(b.Body), &copies); err != nil {
		return handlers.Message{}
	}
	if m, ok := copies[lang]; ok {
		return m
	}
	return copies[locales.Default]
}

func isComposed(b store.Broadcast) bool { return strings.HasPrefix(b.Audience, composedPrefix) }
