// Package index is the in-memory search index of practices: words (as
// search keys, matched by prefix), areas and the filters of a search, with
// results ranked by a number the caller gives each document.
//
// It holds only what a search needs — ids, keys, a few attributes — and is
// derived from the records: the caller loads it at start and feeds it every
// change. With 20,000 documents a search takes well under a millisecond,
// where an SQL full-text search joined to the filters and sorted by rank
// took tens of milliseconds for common words (docs/BENCHMARKS.md).
//
// Each document has a slot; sets of slots are bitsets. A term is the union
// of the postings of every key that begins with one of its keys and of the
// documents filed under its areas; terms are intersected; the survivors are
// checked against the filters and the best are kept in a small heap.
package index

import (
	"container/heap"
	"math/bits"
	"sort"
	"strings"
	"sync"
)

// Doc is a searchable document.
type Doc struct {
	ID           int64
	Municipality int64
	Country      string
	Region       string
	Population   int
	Areas        []string
	Recommended  bool
	Rank         float64 // higher first; ties go to the higher id
	Keys         []string
}

// Term is one word of a search: a document matches when one of its keys
// begins with one of Keys, or when it is filed under one of Areas.
type Term struct {
	Keys  []string
	Areas []string
}

// Query selects documents. Zero fields select all.
type Query struct {
	Terms         []Term // every term must match
	Area          string
	Country       string
	Region        string
	MinPopulation int
	MaxPopulation int // 0: no upper bound
	Municipality  int64
	Recommended   bool
}

// Index is safe for concurrent use.
type Index struct {
	mu       sync.RWMutex
	slots    []*Doc          // by slot; nil when free
	free     []int32         // free slots
	byID     map[int64]int32 // id → slot
	postings map[string][]int32
	areas    map[string]bitset
	keys     []string // the keys of postings, sorted; nil when they must be sorted again
}

// New returns an empty index.
func New() *Index {
	return &Index{byID: map[int64]int32{}, postings: map[string][]int32{}, areas: map[string]bitset{}}
}

// Len returns the number of documents.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Put adds a document or replaces the one with the same id.
func (x *Index) Put(d Doc) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if slot, ok := x.byID[d.ID]; ok {
		x.remove(slot)
	}
	var slot int32
	if n := len(x.free); n > 0 {
		slot, x.free = x.free[n-1], x.free[:n-1]
	} else {
		slot = int32(len(x.slots))
		x.slots = append(x.slots, nil)
	}
	doc := d
	doc.Keys = dedupe(d.Keys)
	x.slots[slot] = &doc
	x.byID[d.ID] = slot
	for _, k := range doc.Keys {
		if _, ok := x.postings[k]; !ok {
			x.keys = nil
		}
		x.postings[k] = append(x.postings[k], slot)
	}
	for _, a := range doc.Areas {
		b := x.areas[a]
		b = b.grow(len(x.slots))
		b.set(slot)
		x.areas[a] = b
	}
}

// Remove removes a document; an unknown id is ignored.
func (x *Index) Remove(id int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if slot, ok := x.byID[id]; ok {
		x.remove(slot)
	}
}

func (x *Index) remove(slot int32) {
	d := x.slots[slot]
	for _, k := range d.Keys {
		p := x.postings[k]
		for i, s := range p {
			if s == slot {
				p[i] = p[len(p)-1]
				p = p[:len(p)-1]
				break
			}
		}
		if len(p) == 0 {
			delete(x.postings, k)
			x.keys = nil
		} else {
			x.postings[k] = p
		}
	}
	for _, a := range d.Areas {
		if b, ok := x.areas[a]; ok {
			b.clear(slot)
		}
	}
	delete(x.byID, d.ID)
	x.slots[slot] = nil
	x.free = append(x.free, slot)
}

func dedupe(keys []string) []string {
	out := make([]string, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// sortKeys sorts the keys again after a change, so that searches find
// them in order.
func (x *Index) sortKeys() {
	x.mu.RLock()
	sorted := x.keys != nil
	x.mu.RUnlock()
	if sorted {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.keys == nil {
		x.keys = x.collectKeys()
	}
}

func (x *Index) collectKeys() []string {
	keys := make([]string, 0, len(x.postings))
	for k := range x.postings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedKeys returns the keys in order. The caller holds the read lock;
// when a change came between sortKeys and the lock, it sorts a copy.
func (x *Index) sortedKeys() []string {
	if x.keys != nil {
		return x.keys
	}
	return x.collectKeys()
}

// Search returns the ids of the matching documents from offset on, at most
// limit of them, best first, and how many match in all.
func (x *Index) Search(q Query, offset, limit int) (ids []int64, total int) {
	x.sortKeys()
	x.mu.RLock()
	defer x.mu.RUnlock()
	want := offset + limit
	top := &ranked{}
	x.each(q, func(d *Doc) {
		total++
		if want <= 0 {
			return
		}
		if top.Len() < want {
			heap.Push(top, d)
		} else if better(d, (*top)[0]) {
			(*top)[0] = d
			heap.Fix(top, 0)
		}
	})
	best := make([]*Doc, top.Len())
	for i := len(best) - 1; i >= 0; i-- {
		best[i] = heap.Pop(top).(*Doc)
	}
	for i := offset; i < len(best); i++ {
		ids = append(ids, best[i].ID)
	}
	return ids, total
}

// Regions counts the matching documents by region.
func (x *Index) Regions(q Query) map[string]int {
	x.sortKeys()
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := map[string]int{}
	x.each(q, func(d *Doc) {
		if d.Region != "" {
			out[d.Region]++
		}
	})
	return out
}

// each calls fn for every document that matches q. The caller holds the
// read lock.
func (x *Index) each(q Query, fn func(*Doc)) {
	var cand bitset
	restricted := false
	for _, t := range q.Terms {
		b := x.termBits(t)
		if !restricted {
			cand, restricted = b, true
		} else {
			cand.and(b)
		}
	}
	if q.Area != "" {
		a := x.areas[q.Area]
		if !restricted {
			cand, restricted = a.clone(len(x.slots)), true
		} else {
			cand.and(a)
		}
	}
	check := func(slot int) {
		if d := x.slots[slot]; d != nil && matches(d, q) {
			fn(d)
		}
	}
	if !restricted {
		for slot := range x.slots {
			check(slot)
		}
		return
	}
	cand.each(check)
}

// termBits returns the documents that match a term.
func (x *Index) termBits(t Term) bitset {
	b := newBitset(len(x.slots))
	keys := x.sortedKeys()
	for _, k := range t.Keys {
		if k == "" {
			continue
		}
		for i := sort.SearchStrings(keys, k); i < len(keys) && strings.HasPrefix(keys[i], k); i++ {
			for _, slot := range x.postings[keys[i]] {
				b.set(slot)
			}
		}
	}
	for _, a := range t.Areas {
		b.or(x.areas[a])
	}
	return b
}

func matches(d *Doc, q Query) bool {
	return (q.Country == "" || d.Country == q.Country) &&
		(q.Region == "" || d.Region == q.Region) &&
		(q.MinPopulation == 0 || d.Population >= q.MinPopulation) &&
		(q.MaxPopulation == 0 || d.Population < q.MaxPopulation) &&
		(q.Municipality == 0 || d.Municipality == q.Municipality) &&
		(!q.Recommended || d.Recommended)
}

// better reports whether a ranks before b.
func better(a, b *Doc) bool {
	if a.Rank != b.Rank {
		return a.Rank > b.Rank
	}
	return a.ID > b.ID
}

// ranked is a min-heap of the best documents found so far: the worst of
// them on top, to be replaced by a better one.
type ranked []*Doc

func (h ranked) Len() int           { return len(h) }
func (h ranked) Less(i, j int) bool { return better(h[j], h[i]) }
func (h ranked) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *ranked) Push(v any)        { *h = append(*h, v.(*Doc)) }
func (h *ranked) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// bitset is a set of slots.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) grow(n int) bitset {
	if need := (n + 63) / 64; need > len(b) {
		b = append(b, make(bitset, need-len(b))...)
	}
	return b
}

func (b bitset) set(i int32)   { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) clear(i int32) { b[i/64] &^= 1 << (uint(i) % 64) }

func (b bitset) clone(n int) bitset {
	c := newBitset(n)
	copy(c, b)
	return c
}

// or adds o to b; b must be at least as long.
func (b bitset) or(o bitset) {
	for i := range min(len(b), len(o)) {
		b[i] |= o[i]
	}
}

// and keeps in b what is also in o.
func (b bitset) and(o bitset) {
	for i := range b {
		if i < len(o) {
			b[i] &= o[i]
		} else {
			b[i] = 0
		}
	}
}

func (b bitset) each(fn func(int)) {
	for i, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			fn(i*64 + t)
			w &= w - 1
		}
	}
}
