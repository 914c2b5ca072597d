package stats

import (
	"math"
	"math/bits"
	"sort"
)

// Quantile7 returns the p-quantile of the sorted data x by linear
// interpolation between order statistics, R's quantile(x, p, type = 7), which
// is also numpy's default ("linear") and DuckDB's quantile_cont:
//
//	h = (n-1)·p,  j = ⌊h⌋
//	Q(p) = x[j] + (h-j)·(x[j+1] - x[j])        (x indexed from 0)
//
// Source: Hyndman & Fan (1996), "Sample quantiles in statistical packages",
// definition 7. gonum's stat.Quantile offers definitions 1 (Empirical) and
// 4 (LinInterp), not this one.
//
// Like R, the interpolation is skipped when the neighbouring order statistics
// are equal, so infinite data give infinite rather than NaN quantiles.
// Quantile7 returns NaN if x contains NaN. It panics if p is outside [0, 1],
// if x is empty or if x is not sorted in increasing order.
func Quantile7(p float64, x []float64) float64 {
	if !checkQuantileArgs(p, x) {
		return math.NaN()
	}
	h := float64(len(x)-1) * p
	lo := math.Floor(h)
	j := int(lo)
	q := x[j]
	if h > lo && x[j+1] != q {
		g := h - lo
		q = (1-g)*q + g*x[j+1]
	}
	return q
}

// Quantile1 returns the p-quantile of the sorted data x as the inverse of the
// empirical distribution function, R's quantile(x, p, type = 1) and gonum's
// stat.Empirical without weights:
//
//	Q(p) = x[⌈n·p⌉]   (x indexed from 1; Q(0) = x[1])
//
// As in R, n·p is compared with a fuzz of 4 machine epsilons, so that n·p
// which is an integer up to rounding error selects the lower order statistic.
// Source: Hyndman & Fan (1996), definition 1. The did bootstrap uses this
// definition for its critical values, as R's did package does.
//
// Quantile1 returns NaN if x contains NaN. It panics if p is outside [0, 1],
// if x is empty or if x is not sorted in increasing order.
func Quantile1(p float64, x []float64) float64 {
	if !checkQuantileArgs(p, x) {
		return math.NaN()
	}
	return x[quantile1Index(p, len(x))]
}

// quantile1Index is the 0-based position of Quantile1's order statistic among n sorted values.
func quantile1Index(p float64, n int) int {
	const fuzz = 4 * 0x1p-52
	np := float64(n) * p
	j := int(math.Floor(np + fuzz)) // R: j <- floor(nppm + fuzz); 1-based
	if np > float64(j) {
		// 1-based x[j+1] is 0-based x[j].
		return min(j, n-1)
	}
	return min(max(j, 1), n) - 1
}

// checkQuantileArgs panics on invalid arguments and reports whether x is
// free of NaN (the sortedness check is skipped when it is not, as in gonum).
func checkQuantileArgs(p float64, x []float64) (ok bool) {
	if !(p >= 0 && p <= 1) {
		panic("stats: quantile probability out of [0, 1]")
	}
	if len(x) == 0 {
		panic("stats: zero length slice")
	}
	for _, v := range x {
		if math.IsNaN(v) {
			return false
		}
	}
	if !sort.Float64sAreSorted(x) {
		panic("stats: data are not sorted")
	}
	return true
}

// orderStats returns the values of ranks (0-based positions in sorted order) of s without sorting
// it: a multi-rank quickselect (median-of-three pivots, Hoare partition) that recurses only into
// the parts holding a wanted rank, and sorts a part outright once the recursion is deeper than
// 2·log2(len(s)), so the worst case stays O(n log n). Expected cost O(n) for a few ranks, against
// O(n log n) for sorting. s is reordered.
// Each rank must be in [0, len(s)).
func orderStats(s []float64, ranks ...int) []float64 {
	sorted := append([]int(nil), ranks...)
	sort.Ints(sorted)
	selectRanks(s, 0, len(s), sorted, 2*bits.Len(uint(len(s))))
	out := make([]float64, len(ranks))
	for i, r := range ranks {
		out[i] = s[r]
	}
	return out
}

// selectRanks places the elements of ranks (sorted, all in [lo, hi)) at their sorted positions
// within s[lo:hi].
func selectRanks(s []float64, lo, hi int, ranks []int, depth int) {
	for len(ranks) > 0 && hi-lo > 1 {
		if depth == 0 || hi-lo <= 16 {
			sort.Float64s(s[lo:hi])
			return
		}
		depth--
		// Median of three as the pivot value.
		a, b, c := s[lo], s[lo+(hi-lo)/2], s[hi-1]
		if a > b {
			a, b = b, a
		}
		if b > c {
			b = c
			if a > b {
				b = a
			}
		}
		p := b
		// Hoare partition: afterwards s[lo:j+1] <= p <= s[j+1:hi].
		i, j := lo-1, hi
		for {
			for i++; s[i] < p; i++ {
			}
			for j--; s[j] > p; j-- {
			}
			if i >= j {
				break
			}
			s[i], s[j] = s[j], s[i]
		}
		mid := j + 1
		k := sort.SearchInts(ranks, mid)
		selectRanks(s, lo, mid, ranks[:k], depth)
		lo, ranks = mid, ranks[k:]
	}
}
