package directory

import (
	"strings"
	"unicode"

	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// qualifiers reads the region or country part of a query ("Kirovsk,
// Leningrad", "Кировск Мурманская", "Октябрьский Башкортостан").
type qualifiers struct {
	generic   map[string]bool
	countries map[string]string
	regions   []regionTokens
}

type regionTokens struct {
	code, country string
	tokens        []string
}

// genericWords name kinds of divisions; they say nothing about which one.
var genericWords = []string{
	"область", "обл", "вобласць", "вобл", "oblast", "obl", "voblast", "voblasts", "region", "регион", "рэгіён",
	"край", "kray", "krai", "territory", "республика", "респ", "рэспубліка", "republic", "respublika",
	"автономный", "автономная", "аўтаномная", "аўтаномны", "autonomous", "округ", "акруга", "okrug", "district",
	"ао", "район", "раён", "р-н", "rayon", "raion", "city", "город", "горад", "г", "гор", "федерация", "federation",
	"народная", "of", "the",
}

var countryWords = map[string]string{
	"беларусь": "BY", "белоруссия": "BY", "belarus": "BY", "byelorussia": "BY", "belorussia": "BY", "рб": "BY", "rb": "BY",
	"россия": "RU", "расія": "RU", "russia": "RU", "рф": "RU", "rf": "RU", "russian": "RU", "российская": "RU", "расійская": "RU",
}

func newQualifiers(d *Directory) *qualifiers {
	q := &qualifiers{generic: map[string]bool{}, countries: map[string]string{}}
	for _, w := range genericWords {
		q.generic[translit.Key(w)] = true
	}
	for w, cc := range countryWords {
		q.countries[translit.Key(w)] = cc
	}
	centres := map[string][]string{}
	for _, p := range d.places {
		if p.Kind == RegionCentre || p.Kind == Capital {
			centres[p.RegionCode] = append(centres[p.RegionCode], p.NameRU, p.NameBE, p.NameEN)
		}
	}
	for _, code := range d.regOrder {
		r := d.regions[code]
		rt := regionTokens{code: code, country: r.Country}
		seen := map[string]bool{}
		names := append([]string{r.NameRU, r.NameBE, r.NameEN}, r.Aliases...)
		names = append(names, centres[code]...)
		for _, n := range names {
			for _, w := range words(n) {
				k := translit.Key(w)
				if len(k) < 3 || q.generic[k] || seen[k] {
					continue
				}
				seen[k] = true
				rt.tokens = append(rt.tokens, k)
			}
		}
		q.regions = append(q.regions, rt)
	}
	return q
}

// words splits s into words: runs of letters and digits, with apostrophes
// kept inside them.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isApostrophe(r)
	})
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', 'ʹ', '`', '´', '‘':
		return true
	}
	return false
}

// scope is what a qualifier restricts matches to.
type scope struct {
	regions   map[string]bool
	countries map[string]bool
}

func (s *scope) admits(p *Place) bool {
	if s == nil {
		return true
	}
	if len(s.regions) > 0 {
		return s.regions[p.RegionCode]
	}
	return s.countries[p.Country]
}

// codes lists the region codes, or failing them the country codes, of the
// scope.
func (s *scope) codes(order []string) []string {
	if s == nil {
		return nil
	}
	var out []string
	if len(s.regions) > 0 {
		for _, c := range order {
			if s.regions[c] {
				out = append(out, c)
			}
		}
		return out
	}
	for _, cc := range []string{"RU", "BY"} {
		if s.countries[cc] {
			out = append(out, cc)
		}
	}
	return out
}

// match returns the scope the text names, or nil if it names no region or
// country.
func (q *qualifiers) match(text string) *scope {
	var regionWords []string
	countries := map[string]bool{}
	for _, w := range words(text) {
		k := translit.Key(w)
		if k == "" || q.generic[k] {
			continue
		}
		if cc, ok := q.countries[k]; ok {
			countries[cc] = true
			continue
		}
		if len(k) < 3 {
			return nil
		}
		regionWords = append(regionWords, k)
	}
	if len(regionWords) == 0 {
		if len(countries) == 0 {
			return nil
		}
		return &scope{countries: countries}
	}
	regions := map[string]bool{}
	for _, rt := range q.regions {
		if len(countries) > 0 && !countries[rt.country] {
			continue
		}
		if allMatch(regionWords, rt.tokens) {
			regions[rt.code] = true
		}
	}
	if len(regions) == 0 {
		return nil
	}
	return &scope{regions: regions}
}

func allMatch(words, tokens []string) bool {
	for _, w := range words {
		found := false
		for _, t := range tokens {
			if tokenMatch(w, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// tokenMatch reports whether a qualifier word's key w names the region
// token t: equal, a prefix of it ("Leningrad" of "Leningradskaya"), or
// differing only in an inflected ending ("Мурманской", "Мурманская").
func tokenMatch(w, t string) bool {
	if w == t {
		return true
	}
	cp := 0
	for cp < len(w) && cp < len(t) && w[cp] == t[cp] {
		cp++
	}
	short := min(len(w), len(t))
	if cp == len(w) && len(w) >= 4 {
		return true
	}
	return cp >= 4 && cp >= short-3
}
