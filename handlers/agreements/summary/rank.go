package summary

import (
	"math"
	"sort"
)

// maxRankSentences bounds the similarity matrix (quadratic in sentences):
// an agreement's substance is in its first few hundred sentences, and this
// keeps Summarise fast on a long or hostile input.
const maxRankSentences = 400

// lexRank scores sentences by LexRank: TF-IDF vectors over stems, cosine
// similarity as edge weight (edges below a threshold dropped), and PageRank
// over the resulting graph. Iteration count and ordering are fixed, so the
// result is deterministic.
func lexRank(docs [][]string) []float64 {
	n := len(docs)
	if n == 0 {
		return nil
	}
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, t := range d {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	// Vectors are term-sorted slices, so sums run in a fixed order and the
	// scores are bit-for-bit reproducible.
	type entry struct {
		t string
		x float64
	}
	type vec struct {
		w    []entry
		norm float64
	}
	vecs := make([]vec, n)
	for i, d := range docs {
		tf := map[string]float64{}
		for _, t := range d {
			tf[t]++
		}
		v := vec{w: make([]entry, 0, len(tf))}
		for t, f := range tf {
			idf := math.Log(float64(n+1) / float64(df[t]))
			v.w = append(v.w, entry{t, f * idf})
		}
		sort.Slice(v.w, func(a, b int) bool { return v.w[a].t < v.w[b].t })
		for _, e := range v.w {
			v.norm += e.x * e.x
		}
		v.norm = math.Sqrt(v.norm)
		vecs[i] = v
	}
	const threshold = 0.08
	sim := make([][]float64, n)
	deg := make([]float64, n)
	for i := range sim {
		sim[i] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := vecs[i], vecs[j]
			if a.norm == 0 || b.norm == 0 {
				continue
			}
			dot := 0.0
			for p, q := 0, 0; p < len(a.w) && q < len(b.w); {
				switch {
				case a.w[p].t < b.w[q].t:
					p++
				case a.w[p].t > b.w[q].t:
					q++
				default:
					dot += a.w[p].x * b.w[q].x
					p++
					q++
				}
			}
			c := dot / (a.norm * b.norm)
			if c >= threshold {
				sim[i][j], sim[j][i] = c, c
				deg[i] += c
				deg[j] += c
			}
		}
	}
	const damping = 0.85
	score := make([]float64, n)
	for i := range score {
		score[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for iter := 0; iter < 40; iter++ {
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < n; j++ {
				if sim[j][i] > 0 && deg[j] > 0 {
					s += sim[j][i] / deg[j] * score[j]
				}
			}
			next[i] = (1-damping)/float64(n) + damping*s
		}
		score, next = next, score
	}
	return score
}

// topInOrder returns the indexes of the k best scores, ties broken by
// position, sorted back into document order.
func topInOrder(scores []float64, k int) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := scores[idx[a]], scores[idx[b]]
		if math.Abs(sa-sb) > 1e-12 {
			return sa > sb
		}
		return idx[a] < idx[b]
	})
	if len(idx) > k {
		idx = idx[:k]
	}
	sort.Ints(idx)
	return idx
}
