// Package locales holds Pobratim's user-visible text in English, Russian and
// Belarusian and renders it for a reader's language.
//
// Message files are go-i18n TOML files embedded in the binary. Template data is
// HTML-escaped here, in one place, because replies are sent in Telegram's HTML
// parse mode and go-i18n templates do not escape anything themselves.
package locales

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"log/slog"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages lists the languages Pobratim speaks, in the order they are offered.
var Languages = []string{"ru", "be", "en"}

// Default is the language used when nothing better is known.
const Default = "ru"

// HTML marks template data that is already safe HTML (for example a list
// rendered from other messages) and must not be escaped again.
type HTML string

// Args is the data of a message template.
type Args map[string]any

// Catalog renders messages in every supported language.
type Catalog struct {
	localizers map[string]*i18n.Localizer
	ids        map[string][]string                 // language → message ids
	messages   map[string]map[string]*i18n.Message // language → id → message
	plural     map[string]bool                     // message ids that have plural forms
	log        *slog.Logger
}

// Load reads the embedded message files.
func Load(log *slog.Logger) (*Catalog, error) { return LoadFS(files, log) }

// LoadFS reads message files named <lang>.toml from fsys.
func LoadFS(fsys fs.FS, log *slog.Logger) (*Catalog, error) {
	if log == nil {
		log = slog.Default()
	}
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{
		localizers: make(map[string]*i18n.Localizer),
		ids:        make(map[string][]string),
		messages:   make(map[string]map[string]*i18n.Message),
		plural:     make(map[string]bool),
		log:        log,
	}
	for _, lang := range Languages {
		// <lang>.toml holds the common messages, <feature>.<lang>.toml a
		// feature's own.
		names, err := fs.Glob(fsys, "*."+lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("locales: list %s files: %w", lang, err)
		}
		c.messages[lang] = make(map[string]*i18n.Message)
		for _, name := range append([]string{lang + ".toml"}, names...) {
			mf, err := bundle.LoadMessageFileFS(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("locales: load %s: %w", name, err)
			}
			for _, m := range mf.Messages {
				if _, dup := c.messages[lang][m.ID]; dup {
					return nil, fmt.Errorf("locales: %s: message %q defined twice", name, m.ID)
				}
				c.ids[lang] = append(c.ids[lang], m.ID)
				c.messages[lang][m.ID] = m
				if m.One != "" || m.Few != "" || m.Many != "" {
					c.plural[m.ID] = true
				}
			}
		}
		sort.Strings(c.ids[lang])
		// Only the language itself: a missing message must be noticed, and the
		// catalog falls back to English on its own terms (see Text).
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return c, nil
}

// Match maps Telegram's language_code to a supported language: be → be,
// ru → ru, en → en, anything else → Russian. Matching is exact on the primary
// subtag on purpose: go-i18n's fuzzy matching would turn uk into ru and
// en-GB into something unexpected.
func Match(code string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(code)), "-")
	for _, l := range Languages {
		if primary == l {
			return l
		}
	}
	return Default
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Text renders message id in lang. String values in args are HTML-escaped
// unless they are of type HTML.
func (c *Catalog) Text(lang, id string, args Args) string {
	return c.render(lang, id, args, nil)
}

// Plural renders message id in lang with the plural form chosen by count;
// the template sees the count as .Count.
func (c *Catalog) Plural(lang, id string, count int, args Args) string {
	return c.render(lang, id, args, count)
}

func (c *Catalog) render(lang, id string, args Args, count any) string {
	if !Supported(lang) {
		lang = Default
	}
	data := escape(args)
	if count != nil {
		if data == nil {
			data = map[string]any{}
		}
		data["Count"] = count
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count}
	s, err := c.localizers[lang].Localize(cfg)
	if err == nil {
		return s
	}
	c.log.Error("locales: message missing or broken", "lang", lang, "id", id, "err", err)
	if lang != "en" {
		if s, err := c.localizers["en"].Localize(cfg); err == nil {
			return s
		}
	}
	return id
}

// Check renders every message of every language with sample data and returns
// everything that is wrong: messages missing in a language, plural messages
// without the forms a language needs, templates that fail to execute.
func (c *Catalog) Check(sample Args) []error {
	var errs []error
	all := map[string]bool{}
	for _, ids := range c.ids {
		for _, id := range ids {
			all[id] = true
		}
	}
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, id := range c.ids[lang] {
			have[id] = true
		}
		for id := range all {
			if !have[id] {
				errs = append(errs, fmt.Errorf("%s: message %q missing", lang, id))
				continue
			}
			if m := c.messages[lang][id]; c.plural[id] && (lang == "ru" || lang == "be") &&
				(m.One == "" || m.Few == "" || m.Many == "" || m.Other == "") {
				errs = append(errs, fmt.Errorf("%s: plural message %q needs one, few, many and other", lang, id))
			}
			cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: escape(sample)}
			counts := []any{nil}
			if c.plural[id] {
				counts = []any{1, 2, 5, 11, 21, 22, 25, 0}
			}
			for _, n := range counts {
				cfg.PluralCount = n
				if n != nil {
					cfg.TemplateData = withCount(escape(sample), n)
				}
				if _, err := c.localizers[lang].Localize(cfg); err != nil {
					errs = append(errs, fmt.Errorf("%s: message %q (count %v): %w", lang, id, n, err))
				}
			}
		}
	}
	return errs
}

// IDs returns the message ids defined for lang, sorted.
func (c *Catalog) IDs(lang string) []string { return c.ids[lang] }

// IsPlural reports whether message id has plural forms.
func (c *Catalog) IsPlural(id string) bool { return c.plural[id] }

func withCount(m map[string]any, n any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m["Count"] = n
	return m
}

func escape(args Args) map[string]any {
	if args == nil {
		return nil
	}
	out := make(map[string]any, len(args))
	for k, v := range args {
		switch v := v.(type) {
		case string:
			out[k] = html.EscapeString(v)
		case HTML:
			out[k] = string(v)
		case fmt.Stringer:
			out[k] = html.EscapeString(v.String())
		default:
			out[k] = v
		}
	}
	return out
}
