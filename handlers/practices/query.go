package practices

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/handlers/stem"
	"github.com/pobratim/pobratim/store"
)

// MaxQuery is the longest search text read, in characters; the rest is
// ignored.
const MaxQuery = 200

// maxQueryWords bounds the words of one search.
const maxQueryWords = 8

// Terms reads a search text into the terms of a search: one per content
// word, each matching the word's key as a prefix — and, for a long key,
// its first letters too, because the Russian and Belarusian stemmers do
// not always cut a word at the same place — or the areas the word names.
func Terms(text, lang string) []index.Term {
	if utf8.RuneCountInString(text) > MaxQuery {
		text = string([]rune(text)[:MaxQuery])
	}
	var out []index.Term
	seen := map[string]bool{}
	for _, w := range stem.Tokens(text) {
		if stem.Stopword(w) || isNumber(w) {
			continue
		}
		key := stem.Key(w, lang)
		if utf8.RuneCountInString(key) < stem.MinKey || seen[key] {
			continue
		}
		seen[key] = true
		t := index.Term{Keys: []string{key}, Areas: areasOfKey(key)}
		if short := shortKey(key); short != key {
			t.Keys = append(t.Keys, short)
		}
		out = append(out, t)
		if len(out) == maxQueryWords {
			break
		}
	}
	return out
}

// shortKey returns the first letters of a long key that a search also
// accepts: all but the last three, and at least six.
func shortKey(key string) string {
	r := []rune(key)
	if len(r) < 8 {
		return key
	}
	return string(r[:max(6, len(r)-3)])
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// practiceTerms returns the search keys of a practice: its texts, and the
// names of its municipality, region and country in the three languages, so
// that a search for "Витебск" or "Belarus" finds it too.
func practiceTerms(p store.Practice, place directory.Place, region directory.Region) string {
	lang := p.Lang
	if lang == "" {
		lang = stem.RU
	}
	var keys []string
	seen := map[string]bool{}
	add := func(text, lang string) {
		for _, k := range stem.Keys(text, lang) {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	add(strings.Join([]string{p.Title, p.Problem, p.Actions, p.Result, p.Period}, "\n"), lang)
	add(place.NameRU+" "+region.NameRU, stem.RU)
	add(place.NameBE+" "+region.NameBE, stem.BE)
	add(place.NameEN+" "+region.NameEN, stem.EN)
	add(countryNames[place.Country], stem.RU)
	return strings.Join(keys, " ")
}

// countryNames are the names a search may use for the two countries.
var countryNames = map[string]string{
	"RU": "Россия Расія Russia",
	"BY": "Беларусь Белоруссия Belarus",
}

// bands are the population ranges of the size filter; their names are the
// locales messages "band.<n>", shared with partner search.
var bands = []struct{ min, max int }{
	{0, math.MaxInt}, {0, 20_000}, {20_000, 100_000}, {100_000, 500_000}, {500_000, math.MaxInt},
}

// sortAreas orders area keys as partners.Areas does.
func sortAreas(keys []string) {
	sort.SliceStable(keys, func(i, j int) bool { return areaIndex(keys[i]) < areaIndex(keys[j]) })
}

// areaIndex returns the position of key in partners.Areas, or -1.
func areaIndex(key string) int {
	for i, a := range partners.Areas {
		if a == key {
			return i
		}
	}
	return -1
}
