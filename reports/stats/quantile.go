package stats

import (
	"math"
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
	const fuzz = 4 * 0x1p-52
	n := len(x)
	np := float64(n) * p
	j := int(math.Floor(np + fuzz)) // R: j <- floor(nppm + fuzz); 1-based
	if np > float64(j) {
		// 1-based x[j+1] is 0-based x[j].
		if j > n-1 {
			j = n - 1
		}
		return x[j]
	}
	if j < 1 {
		j = 1
	}
	if j > n {
		j = n
	}
	return x[j-1]
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

// sortedMedian returns the median of sorted data (mean of the two middle
// values when the length is even), which equals R's median.
func sortedMedian(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
