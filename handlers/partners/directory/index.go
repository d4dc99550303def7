package directory

import (
	"slices"
	"sync"

	"github.com/pobratim/pobratim/handlers/partners/directory/translit"
)

// The index maps search keys (translit.Keys of every name and alternate) to
// the places that bear them, and trigrams of the keys to the keys, so that
// keys within an edit distance or two of a query are found by counting
// shared trigrams rather than by comparing the query with every key.

// posting is a place with the name that gave the key: place<<8 | name,
// where name 0, 1, 2 are NameRU, NameBE, NameEN and 3… the alternates (255
// for alternates past 251).
type posting uint32

const (
	nameRU, nameBE, nameEN = 0, 1, 2
	firstAlternate         = 3
	maxNameIndex           = 255
)

func newPosting(place int32, name int) posting {
	return posting(uint32(place)<<8 | uint32(min(name, maxNameIndex)))
}

func (p posting) place() int32 { return int32(p >> 8) }
func (p posting) name() int    { return int(p & 0xff) }

// primary reports whether the posting's name is one of the place's own
// names rather than an alternate.
func (p posting) primary() bool { return p.name() < firstAlternate }

type index struct {
	keyID    map[string]int32
	keys     []string
	postings [][]posting
	grams    map[uint32][]int32
	// indexed is the number of keys whose trigrams are in grams.
	indexed int
	scratch sync.Pool
}

func newIndex(places int) *index {
	n := places * 6
	return &index{
		keyID:    make(map[string]int32, n),
		keys:     make([]string, 0, n),
		postings: make([][]posting, 0, n),
		grams:    make(map[uint32][]int32, 8192),
	}
}

// addPlace indexes the names of the place at position i.
func (x *index) addPlace(i int32, p *Place) {
	var buf [8]string
	add := func(name string, which int) {
		if name == "" {
			return
		}
		for _, k := range translit.AppendKeys(buf[:0], name) {
			if k == "" {
				continue
			}
			x.add(k, newPosting(i, which))
		}
	}
	add(p.NameRU, nameRU)
	add(p.NameBE, nameBE)
	add(p.NameEN, nameEN)
	for j, a := range p.Alternates {
		add(a, firstAlternate+j)
	}
}

// removePlace removes the postings of the place at position i, whose names
// were p's. The keys stay, possibly with no postings.
func (x *index) removePlace(i int32, p *Place) {
	var buf [8]string
	for _, name := range append([]string{p.NameRU, p.NameBE, p.NameEN}, p.Alternates...) {
		for _, k := range translit.AppendKeys(buf[:0], name) {
			id, ok := x.keyID[k]
			if !ok {
				continue
			}
			x.postings[id] = slices.DeleteFunc(x.postings[id], func(q posting) bool { return q.place() == i })
		}
	}
}

func (x *index) add(key string, p posting) {
	id, ok := x.keyID[key]
	if !ok {
		id = int32(len(x.keys))
		x.keyID[key] = id
		x.keys = append(x.keys, key)
		x.postings = append(x.postings, []posting{p})
		return
	}
	list := x.postings[id]
	for j, q := range list {
		if q.place() == p.place() {
			if p.name() < q.name() {
				list[j] = p
			}
			return
		}
	}
	x.postings[id] = append(list, p)
}

// finish indexes the trigrams of the keys added since the last call.
func (x *index) finish() {
	for id := x.indexed; id < len(x.keys); id++ {
		forGrams(x.keys[id], func(g uint32) {
			list := x.grams[g]
			if n := len(list); n == 0 || list[n-1] != int32(id) {
				x.grams[g] = append(list, int32(id))
			}
		})
	}
	x.indexed = len(x.keys)
}

// Trigrams are taken over the key's bytes padded with two start and two end
// marks, so a key of n bytes has n+2 of them and even a three-letter key
// shares some with its misspellings.
const (
	padStart = 0x01
	padEnd   = 0x02
)

func forGrams(key string, fn func(uint32)) {
	a, b := uint32(padStart), uint32(padStart)
	for i := 0; i < len(key); i++ {
		c := uint32(key[i])
		fn(a<<16 | b<<8 | c)
		a, b = b, c
	}
	fn(a<<16 | b<<8 | padEnd)
	fn(b<<16 | padEnd<<8 | padEnd)
}

// gramCount returns the number of distinct trigrams of key.
func gramCount(key string) int {
	var seen [128]uint32
	n, extra := 0, 0
	forGrams(key, func(g uint32) {
		for _, s := range seen[:n] {
			if s == g {
				return
			}
		}
		if n < len(seen) {
			seen[n] = g
			n++
		} else {
			extra++
		}
	})
	return n + extra
}

// exact returns the postings of key.
func (x *index) exact(key string) []posting {
	if id, ok := x.keyID[key]; ok {
		return x.postings[id]
	}
	return nil
}

type scratch struct {
	counts  []uint16
	touched []int32
}

// candidate is a key near the query.
type candidate struct {
	key    int32
	shared int // trigrams shared with the query
	dist   int // edit distance, once computed
}

// near returns the keys that share at least minShared trigrams with q (and
// are not longer or shorter than q by more than maxLenDiff bytes), most
// shared first.
func (x *index) near(q string, minShared, maxLenDiff int) []candidate {
	sc, _ := x.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if len(sc.counts) < len(x.keys) {
		sc.counts = make([]uint16, len(x.keys)+len(x.keys)/4)
	}
	sc.touched = sc.touched[:0]
	var seen [128]uint32
	nseen := 0
	forGrams(q, func(g uint32) {
		// A trigram repeated in the query counts once.
		for _, s := range seen[:nseen] {
			if s == g {
				return
			}
		}
		if nseen < len(seen) {
			seen[nseen] = g
			nseen++
		}
		for _, id := range x.grams[g] {
			if sc.counts[id] == 0 {
				sc.touched = append(sc.touched, id)
			}
			sc.counts[id]++
		}
	})
	var out []candidate
	for _, id := range sc.touched {
		n := int(sc.counts[id])
		sc.counts[id] = 0
		if n < minShared {
			continue
		}
		if d := len(x.keys[id]) - len(q); d > maxLenDiff || -d > maxLenDiff {
			continue
		}
		out = append(out, candidate{key: id, shared: n})
	}
	x.scratch.Put(sc)
	slices.SortFunc(out, func(a, b candidate) int {
		if a.shared != b.shared {
			return b.shared - a.shared
		}
		return int(a.key - b.key)
	})
	return out
}

// within returns the keys at most k edits from q (optimal string alignment
// distance), nearest first.
func (x *index) within(q string, k int) []candidate {
	// An edit changes at most 3 of the query's padded trigrams, a
	// transposition 4, so a key within k edits shares at least this many.
	minShared := max(gramCount(q)-4*k, 1)
	cands := x.near(q, minShared, k)
	out := cands[:0]
	for _, c := range cands {
		if d := translit.Distance(q, x.keys[c.key], k); d <= k {
			c.dist = d
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return a.dist - b.dist })
	return out
}
