package directory

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// Problem says why a query cannot be resolved, so that the caller can
// answer in the user's language.
type Problem int

// Problems, in the order Resolve checks them.
const (
	ProblemNone        Problem = iota
	ProblemInvalidUTF8         // the query is not valid UTF-8
	ProblemEmpty               // nothing but spaces
	ProblemTooLong             // more than MaxQueryRunes characters
	ProblemNoLetters           // no letters at all (digits, punctuation, emoji)
	ProblemTooShort            // fewer than MinQueryLetters letters in the place name
)

var problemNames = [...]string{"none", "invalid UTF-8", "empty", "too long", "no letters", "too short"}

// String returns the problem's name in English, for logs.
func (p Problem) String() string {
	if p < 0 || int(p) >= len(problemNames) {
		return "Problem(" + strconv.Itoa(int(p)) + ")"
	}
	return problemNames[p]
}

// Query limits.
const (
	MaxQueryRunes   = 100
	MinQueryLetters = 2
)

// Match is a place the query names.
type Match struct {
	Place Place
	// Name is the stored name or alternate the query matched.
	Name string
	// Alternate reports that the query matched an alternate spelling, not
	// the place's Russian, Belarusian or English name.
	Alternate bool
	// Edits is 0 for a match of the search key (which ignores case, ё/е,
	// і/и, ў/у, apostrophes and the differences between romanisations),
	// or the number of typing errors forgiven.
	Edits int
}

// Resolution is the outcome of Resolve.
type Resolution struct {
	// Matches are the places the query names, best first: exact matches
	// of their own names before matches of alternates, each group most
	// populous first; or, if nothing matched exactly, the places within
	// a typo or two, nearest first.
	Matches []Match
	// Closest are "did you mean" suggestions when nothing matched: places
	// with names near the query, or, when a region qualifier excluded
	// every match, the places of that name elsewhere.
	Closest []Place
	// Within lists the region codes ("RU.49"), or failing them the country
	// codes, that a qualifier in the query restricted the search to.
	Within []string
	// Problem says why the query was not searched at all.
	Problem Problem
}

// DefaultClosest is how many suggestions Resolve gives when its limit is 0.
const DefaultClosest = 5

// Resolve finds the places a query names. It ignores case, ё/е, і/и, ў/у
// and apostrophes; reads Cyrillic and the common romanisations (ICAO,
// GOST, BGN/PCGN, the Belarusian national system) alike; drops prefixes
// such as "г.", "город", "горад", "city of"; forgives one typing error in
// names of up to seven letters and two in longer ones; and reads a region
// or country after a comma, in parentheses or as trailing words ("Kirovsk,
// Leningrad", "Кировск Мурманская", "Витебск Беларусь") to narrow the
// matches. limit caps Matches and Closest; 0 or less returns every match
// and DefaultClosest suggestions.
func (d *Directory) Resolve(query string, limit int) Resolution {
	q, problem := cleanQuery(query)
	if problem != ProblemNone {
		return Resolution{Problem: problem}
	}
	name, qual := splitQualifier(q)
	name = stripAffixes(name)
	if letters(name) < MinQueryLetters {
		return Resolution{Problem: ProblemTooShort}
	}
	key := translit.Key(name)
	if key == "" {
		return Resolution{Problem: ProblemNoLetters}
	}

	d.mu.RLock()
	defer d.mu.RUnlock()
	var res Resolution
	if qual != "" {
		res = d.resolveQualified(key, d.quals.match(qual))
	} else {
		res = d.resolvePlain(name, key)
	}
	if len(res.Matches) == 0 && len(res.Closest) == 0 {
		res.Closest = d.closest(key)
	}
	n := limit
	if n <= 0 {
		n = DefaultClosest
	}
	if len(res.Closest) > n {
		res.Closest = res.Closest[:n]
	}
	if limit > 0 && len(res.Matches) > limit {
		res.Matches = res.Matches[:limit]
	}
	return res
}

// resolveQualified resolves a name whose qualifier came after a comma or in
// parentheses. An unknown qualifier (sc nil) is ignored.
func (d *Directory) resolveQualified(key string, sc *scope) Resolution {
	within := sc.codes(d.regOrder)
	if m := d.exact(key, sc); len(m) > 0 {
		return Resolution{Matches: m, Within: within}
	}
	if sc != nil {
		// The name exists, but not in that region: offer the places of
		// that name elsewhere rather than near misses inside it.
		if m := d.exact(key, nil); len(m) > 0 {
			return Resolution{Closest: places(m), Within: within}
		}
	}
	if m := d.fuzzy(key, sc); len(m) > 0 {
		return Resolution{Matches: m, Within: within}
	}
	if sc != nil {
		if m := d.fuzzy(key, nil); len(m) > 0 {
			return Resolution{Closest: places(m), Within: within}
		}
	}
	return Resolution{Within: within}
}

// resolvePlain resolves a query without a comma: the whole of it as a
// name, then its leading words as the name and the rest as a region or
// country (or the other way round), then the whole with typos forgiven.
func (d *Directory) resolvePlain(name, key string) Resolution {
	if m := d.exact(key, nil); len(m) > 0 {
		return Resolution{Matches: m}
	}
	ws := strings.Fields(name)
	type split struct {
		key string
		sc  *scope
	}
	var splits []split
	for i := len(ws) - 1; i >= 1; i-- {
		head, tail := strings.Join(ws[:i], " "), strings.Join(ws[i:], " ")
		if sc := d.quals.match(tail); sc != nil {
			splits = append(splits, split{translit.Key(head), sc})
		}
		if sc := d.quals.match(head); sc != nil {
			splits = append(splits, split{translit.Key(tail), sc})
		}
	}
	for _, s := range splits {
		if m := d.exact(s.key, s.sc); len(m) > 0 {
			return Resolution{Matches: m, Within: s.sc.codes(d.regOrder)}
		}
	}
	if m := d.fuzzy(key, nil); len(m) > 0 {
		return Resolution{Matches: m}
	}
	for _, s := range splits {
		if m := d.fuzzy(s.key, s.sc); len(m) > 0 {
			return Resolution{Matches: m, Within: s.sc.codes(d.regOrder)}
		}
	}
	return Resolution{}
}

func places(ms []Match) []Place {
	out := make([]Place, len(ms))
	for i, m := range ms {
		out[i] = m.Place
	}
	return out
}

// exact returns the places with a name whose key is key.
func (d *Directory) exact(key string, sc *scope) []Match {
	var out []Match
	for _, p := range d.idx.exact(key) {
		pl := &d.places[p.place()]
		if !sc.admits(pl) {
			continue
		}
		out = append(out, Match{Place: *pl, Name: nameAt(pl, p.name()), Alternate: !p.primary()})
	}
	sortMatches(out)
	return out
}

// typoBudget returns how many edits a key of n bytes may be away from a
// name: none below three letters, one up to seven, two from eight.
func typoBudget(n int) int {
	switch {
	case n < 3:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// fuzzy returns the places whose names are nearest to key within its typo
// budget; only those at the smallest distance found.
func (d *Directory) fuzzy(key string, sc *scope) []Match {
	k := typoBudget(len(key))
	if k == 0 {
		return nil
	}
	best := map[int32]Match{}
	minDist := k + 1
	for _, c := range d.idx.within(key, k) {
		if c.dist > minDist {
			break
		}
		for _, p := range d.idx.postings[c.key] {
			pl := &d.places[p.place()]
			if !sc.admits(pl) {
				continue
			}
			m := Match{Place: *pl, Name: nameAt(pl, p.name()), Alternate: !p.primary(), Edits: c.dist}
			if old, ok := best[p.place()]; ok && !better(m, old) {
				continue
			}
			best[p.place()] = m
			minDist = min(minDist, c.dist)
		}
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		if m.Edits == minDist {
			out = append(out, m)
		}
	}
	sortMatches(out)
	return out
}

func better(a, b Match) bool {
	if a.Edits != b.Edits {
		return a.Edits < b.Edits
	}
	return !a.Alternate && b.Alternate
}

// closest returns places whose names are near key, nearest and then most
// populous first, for "did you mean".
func (d *Directory) closest(key string) []Place {
	if len(key) < 2 {
		return nil
	}
	maxDist := max(2, len(key)*2/5)
	cands := d.idx.near(key, 2, maxDist)
	if len(cands) > 300 {
		cands = cands[:300]
	}
	type hit struct {
		place int32
		dist  int
	}
	bestDist := map[int32]int{}
	for _, c := range cands {
		dist := translit.Distance(key, d.idx.keys[c.key], maxDist)
		if dist > maxDist {
			continue
		}
		for _, p := range d.idx.postings[c.key] {
			if old, ok := bestDist[p.place()]; !ok || dist < old {
				bestDist[p.place()] = dist
			}
		}
	}
	hits := make([]hit, 0, len(bestDist))
	for pl, dist := range bestDist {
		hits = append(hits, hit{pl, dist})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		pa, pb := &d.places[a.place], &d.places[b.place]
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(pb.Population, pa.Population), cmp.Compare(pa.ID, pb.ID))
	})
	out := make([]Place, 0, min(len(hits), 4*DefaultClosest))
	for _, h := range hits {
		if len(out) == cap(out) {
			break
		}
		out = append(out, d.places[h.place])
	}
	return out
}

// sortMatches orders matches: fewer edits, own names before alternates,
// more populous, higher kind, lower id.
func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		return cmp.Or(
			cmp.Compare(a.Edits, b.Edits),
			cmpBool(a.Alternate, b.Alternate),
			cmp.Compare(b.Place.Population, a.Place.Population),
			cmp.Compare(b.Place.Kind, a.Place.Kind),
			cmp.Compare(a.Place.ID, b.Place.ID),
		)
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func nameAt(p *Place, i int) string {
	switch {
	case i == nameRU:
		return p.NameRU
	case i == nameBE:
		return p.NameBE
	case i == nameEN:
		return p.NameEN
	case i-firstAlternate < len(p.Alternates) && i < maxNameIndex:
		return p.Alternates[i-firstAlternate]
	}
	return p.Name("en")
}

// cleanQuery validates the query and normalises it: NFC, quotes, control
// characters and other symbols as spaces, spaces collapsed.
func cleanQuery(q string) (string, Problem) {
	if !utf8.ValidString(q) {
		return "", ProblemInvalidUTF8
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return "", ProblemEmpty
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return "", ProblemTooLong
	}
	q = norm.NFC.String(q)
	var b strings.Builder
	b.Grow(len(q))
	hasLetter := false
	space := false
	for _, r := range q {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			hasLetter = hasLetter || unicode.IsLetter(r)
		case isApostrophe(r), r == '-', r == '.', r == ',', r == '(', r == ')', r == ';':
		default:
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	if !hasLetter {
		return "", ProblemNoLetters
	}
	return strings.TrimSpace(b.String()), ProblemNone
}

// splitQualifier splits "name, qualifier" and "name (qualifier)".
func splitQualifier(q string) (name, qual string) {
	i := strings.IndexAny(q, ",;(")
	if i < 0 {
		return q, ""
	}
	name, qual = q[:i], strings.NewReplacer("(", " ", ")", " ", ",", " ", ";", " ").Replace(q[i+1:])
	if letters(name) == 0 {
		return qual, ""
	}
	if letters(qual) == 0 {
		qual = ""
	}
	return strings.TrimSpace(name), strings.TrimSpace(qual)
}

// prefixes are the words for a kind of settlement that people put before
// its name, with the space or dot that ends them.
var prefixes = []string{
	"city of ", "town of ", "village of ",
	"город ", "горад ", "гор. ", "гор.", "гор ", "г. ", "г.", "г ",
	"посёлок ", "поселок ", "пасёлак ", "пос. ", "пос.", "пос ", "пгт. ", "пгт.", "пгт ", "п. ", "п.",
	"рп ", "р.п. ", "р.п.", "г.п. ", "г.п.", "гп ",
	"деревня ", "дер. ", "дер.", "вёска ", "в. ", "в.", "д. ", "д.",
	"агрогородок ", "аграгарадок ", "аг. ", "аг.", "село ", "с. ", "с.", "станица ", "ст-ца ", "ст. ", "ст.",
}

// suffixes are the same words put after the name.
var suffixes = []string{" city", " town", " г.", " г", " город", " горад"}

// stripAffixes removes a settlement-kind prefix or suffix when a name
// remains.
func stripAffixes(name string) string {
	lower := strings.ToLower(name)
	if len(lower) != len(name) {
		return name
	}
	for _, p := range prefixes {
		if strings.HasPrefix(lower, p) {
			if rest := strings.TrimLeft(name[len(p):], " .-"); letters(rest) > 0 {
				name, lower = rest, lower[len(name)-len(rest):]
			}
			break
		}
	}
	for _, s := range suffixes {
		if strings.HasSuffix(lower, s) {
			if rest := strings.TrimSpace(name[:len(name)-len(s)]); letters(rest) > 0 {
				name = rest
			}
			break
		}
	}
	return name
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
