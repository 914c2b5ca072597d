package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// RankSumResult is the outcome of a Mann–Whitney U (Wilcoxon rank-sum) test.
type RankSumResult struct {
	// U is the Mann–Whitney statistic of the first sample: the number of
	// pairs (x_i, y_j) with x_i > y_j, ties counting 1/2. It equals R's
	// statistic W = Σ rank(x_i) − m(m+1)/2.
	U float64
	// M and N are the sizes of the two samples after dropping non-finite
	// values.
	M, N int
	// Exact reports whether P comes from the exact null distribution.
	Exact bool
	// Z is the standardized statistic of the normal approximation with
	// continuity correction; NaN when Exact.
	Z float64
	// P is the two-sided p-value for H0: both samples come from the same
	// distribution.
	P float64
}

// RankSum performs the two-sided Mann–Whitney U test (Wilcoxon rank-sum
// test) of H0 "x and y come from the same continuous distribution", exactly
// as R's
//
//	wilcox.test(x, y, exact = NULL, correct = TRUE)
//
// Non-finite values are dropped. With r_i the average ranks of x_i in the
// pooled sample of size m+n,
//
//	U = Σ r_i − m(m+1)/2,   E[U] = mn/2.
//
// If m < ExactLimit and n < ExactLimit and there are no ties, P is exact:
// twice the smaller tail of the permutation distribution of U (at most 1).
// Otherwise
//
//	Var[U] = mn/12 · ((m+n+1) − Σ(t³−t)/((m+n)(m+n−1)))
//	Z = (U − E[U] − sign(U − E[U])/2) / √Var[U],   P = 2·Φ(−|Z|).
//
// Assumptions: all observations independent (do not use it for paired
// data — see SignedRank). Source: Mann & Whitney (1947); Hollander & Wolfe
// (1999), §4.1; R stats::wilcox.test.
//
// RankSum returns ErrEmptyCell if either sample has no finite value and
// ErrNoVariation (with U, M, N filled) if all values are tied.
func RankSum(x, y []float64) (res RankSumResult, err error) {
	res.Z = math.NaN()
	res.P = math.NaN()
	x, y = finite(x), finite(y)
	m, n := len(x), len(y)
	res.M, res.N = m, n
	if m == 0 || n == 0 {
		return res, ErrEmptyCell
	}
	pooled := append(append(make([]float64, 0, m+n), x...), y...)
	r, ties := averageRanks(pooled)
	var sx float64
	for _, v := range r[:m] {
		sx += v
	}
	mf, nf := float64(m), float64(n)
	res.U = sx - mf*(mf+1)/2
	mean := mf * nf / 2
	if m < ExactLimit && n < ExactLimit && ties == 0 {
		res.Exact = true
		res.P = exactTwoSided(rankSumDist(m, n), res.U, mean)
		return res, nil
	}
	variance := mf * nf / 12 * ((mf + nf + 1) - ties/((mf+nf)*(mf+nf-1)))
	if !(variance > 0) {
		return res, ErrNoVariation
	}
	res.Z, res.P = normalTwoSided(res.U-mean, math.Sqrt(variance))
	return res, nil
}

// HodgesLehmannShift returns the Hodges–Lehmann estimate of the location
// shift between x and y, the median of all pairwise differences:
//
//	Δ̂ = median{ x_i − y_j }.
//
// It is the estimator associated with the rank-sum test. Non-finite values
// are dropped. R's wilcox.test(x, y, conf.int = TRUE) reports the same
// "difference in location" when there are no ties and both samples are
// smaller than 50; otherwise R solves the corrected statistic for zero
// numerically, which can differ slightly. Source: Hodges & Lehmann (1963);
// Hollander & Wolfe (1999), §4.2. The differences are never stored: selection in
// the implicit sorted matrix (see sortedRows.orderStats) takes O(m + n) memory and expected
// O((m + n) log² (mn)) time.
//
// HodgesLehmannShift returns ErrEmptyCell if either sample has no finite
// value.
func HodgesLehmannShift(x, y []float64) (est float64, err error) {
	x, y = finite(x), finite(y)
	if len(x) == 0 || len(y) == 0 {
		return math.NaN(), ErrEmptyCell
	}
	return diffRows(x, descending(y)).median(), nil
}

// HodgesLehmannShiftCI returns the Hodges–Lehmann shift (see
// HodgesLehmannShift) and the distribution-free confidence interval at the
// given level obtained by inverting the rank-sum test: with D_(1) ≤ … ≤
// D_(mn) the sorted pairwise differences,
//
//	[lo, hi] = [D_(k), D_(mn+1−k)],
//
// where k = max(1, q) and q is the smallest integer with P(U ≤ q) ≥ α/2
// (R's qwilcox(α/2, m, n)). When both samples are smaller than ExactLimit, q
// uses the exact null distribution, reproducing R's wilcox.test(x, y,
// conf.int = TRUE, conf.level = level) interval when there are no ties;
// otherwise q = ⌈mn/2 − 1/2 − z_{1−α/2}·√(mn(m+n+1)/12)⌉ (normal
// approximation with continuity correction). Assumes the two distributions
// differ only by a shift. It panics if level is not in (0, 1) and returns
// ErrEmptyCell if either sample has no finite value.
func HodgesLehmannShiftCI(x, y []float64, level float64) (est, lo, hi float64, err error) {
	checkLevel(level)
	x, y = finite(x), finite(y)
	m, n := len(x), len(y)
	if m == 0 || n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), ErrEmptyCell
	}
	alpha := 1 - level
	var k int
	if m < ExactLimit && n < ExactLimit {
		k = lowerQuantile(rankSumDist(m, n), alpha/2)
	} else {
		mf, nf := float64(m), float64(n)
		z := distuv.UnitNormal.Quantile(1 - alpha/2)
		k = int(math.Ceil(mf*nf/2 - 0.5 - z*math.Sqrt(mf*nf*(mf+nf+1)/12)))
	}
	est, lo, hi = diffRows(x, descending(y)).medianAndInterval(k)
	return est, lo, hi, nil
}
