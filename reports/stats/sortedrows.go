package stats

import (
	"math/rand/v2"
	"sort"
)

// sortedRows is an implicit matrix whose row i holds the values at(i, j) for the columns j in
// [first[i], end[i]), nondecreasing in j: the Walsh averages (x_i + x_j)/2, j ≥ i, of sorted x, or
// the pairwise differences x_i − y_j of x and y sorted descending. Its entries are never stored.
type sortedRows struct {
	first, end []int
	at         func(i, j int) float64
}

// walshRows returns the Walsh averages (x_i + x_j)/2, i ≤ j, of x as sortedRows. x must be sorted
// ascending; the values are computed exactly as walshAverages does.
func walshRows(x []float64) sortedRows {
	n := len(x)
	r := sortedRows{first: make([]int, n), end: make([]int, n),
		at: func(i, j int) float64 { return (x[i] + x[j]) / 2 }}
	for i := range n {
		r.first[i], r.end[i] = i, n
	}
	return r
}

// diffRows returns the pairwise differences x_i − y_j as sortedRows. y must be sorted descending;
// the values are computed exactly as pairwiseDiffs does.
func diffRows(x, y []float64) sortedRows {
	r := sortedRows{first: make([]int, len(x)), end: make([]int, len(x)),
		at: func(i, j int) float64 { return x[i] - y[j] }}
	for i := range x {
		r.end[i] = len(y)
	}
	return r
}

// size returns the number of entries.
func (r sortedRows) size() int {
	m := 0
	for i := range r.first {
		m += r.end[i] - r.first[i]
	}
	return m
}

// orderStats returns the entries at ranks (0-based positions in sorted order, each in
// [0, size())), as orderStats would on the materialised entries, in O(rows) memory. The method is
// the randomised selection in a matrix with sorted rows of Johnson & Mizoguchi (1978) and Monahan
// (1984, ACM Algorithm 616) for the Hodges–Lehmann estimators: keep per row the interval of
// columns that can still hold the rank; take a pivot p drawn uniformly from the remaining
// candidates; count per row, by binary search, the candidates below p and those at most p; keep
// the side holding the rank, or return p when the rank falls among the entries equal to p. Each
// round removes the pivot at least and, in expectation, a constant share of the candidates, so
// there are O(log M) rounds of O(rows · log cols); once at most 8·rows candidates remain they are
// collected and selected directly. The pivot stream has a fixed seed; the result does not depend
// on it.
func (r sortedRows) orderStats(ranks ...int) []float64 {
	rows := len(r.first)
	lo, hi := make([]int, rows), make([]int, rows)
	lt, le := make([]int, rows), make([]int, rows)
	rng := rand.New(rand.NewPCG(0x5eed, 1984))
	out := make([]float64, len(ranks))
	for k, rank := range ranks {
		copy(lo, r.first)
		copy(hi, r.end)
		below := 0 // entries known to lie below every candidate
	search:
		for {
			c := 0
			for i := range rows {
				c += hi[i] - lo[i]
			}
			if c <= 8*rows+64 {
				cand := make([]float64, 0, c)
				for i := range rows {
					for j := lo[i]; j < hi[i]; j++ {
						cand = append(cand, r.at(i, j))
					}
				}
				out[k] = orderStats(cand, rank-below)[0]
				break search
			}
			u := rng.IntN(c)
			var p float64
			for i := range rows {
				if w := hi[i] - lo[i]; u < w {
					p = r.at(i, lo[i]+u)
					break
				} else {
					u -= w
				}
			}
			nLess, nAtMost := below, below
			for i := range rows {
				a, w := lo[i], hi[i]-lo[i]
				lt[i] = a + sort.Search(w, func(j int) bool { return r.at(i, a+j) >= p })
				le[i] = lt[i] + sort.Search(hi[i]-lt[i], func(j int) bool { return r.at(i, lt[i]+j) > p })
				nLess += lt[i] - a
				nAtMost += le[i] - a
			}
			switch {
			case rank < nLess:
				copy(hi, lt)
			case rank < nAtMost:
				out[k] = p
				break search
			default:
				copy(lo, le)
				below = nAtMost
			}
		}
	}
	return out
}

// median returns the median of the entries (mean of the two middle ones for an even count).
func (r sortedRows) median() float64 {
	m := r.size()
	v := r.orderStats((m-1)/2, m/2)
	return (v[0] + v[1]) / 2
}

// medianAndInterval returns the median of the M entries and (e_(k), e_(M+1−k)) in 1-based
// order-statistic notation, with R's rule that k = 0 becomes 1.
func (r sortedRows) medianAndInterval(k int) (med, lo, hi float64) {
	m := r.size()
	k = min(max(k, 1), m)
	v := r.orderStats(k-1, m-k, (m-1)/2, m/2)
	return (v[2] + v[3]) / 2, v[0], v[1]
}

// descending returns a copy of y sorted from largest to smallest.
func descending(y []float64) []float64 {
	d := append([]float64(nil), y...)
	sort.Sort(sort.Reverse(sort.Float64Slice(d)))
	return d
}
