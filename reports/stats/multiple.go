package stats

import (
	"math"
	"sort"
)

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values
// (q-values) of p, controlling the false discovery rate across a family of
// tests, as R's p.adjust(p, method = "BH"). With the m non-NaN p-values
// sorted increasingly, p_(1) ≤ … ≤ p_(m),
//
//	q_(i) = min(1, min_{k ≥ i} m·p_(k)/k).
//
// NaN entries (estimates that could not be computed) stay NaN and are not
// counted in m, like R's NA with the default n = length(na.omit(p)). The
// result is a new slice in the order of p; rejecting every hypothesis with
// q ≤ α controls the FDR at α for independent or positively dependent tests
// (PRDS). Source: Benjamini & Hochberg (1995); R stats::p.adjust.
//
// BenjaminiHochberg panics if a p-value is outside [0, 1].
func BenjaminiHochberg(p []float64) (q []float64) {
	q = make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		if v < 0 || v > 1 {
			panic("stats: p-value out of [0, 1]")
		}
		idx = append(idx, i)
	}
	m := len(idx)
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	running := 1.0
	for k := m - 1; k >= 0; k-- {
		v := float64(m) / float64(k+1) * p[idx[k]]
		if v < running {
			running = v
		}
		q[idx[k]] = running
	}
	return q
}
