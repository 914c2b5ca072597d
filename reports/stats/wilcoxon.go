package stats

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// SignedRankResult is the outcome of a Wilcoxon signed-rank test.
type SignedRankResult struct {
	// V is the sum of the ranks of |d| over the positive differences (R's
	// statistic V).
	V float64
	// N is the number of differences used: finite and nonzero.
	N int
	// Zeros is the number of zero differences dropped.
	Zeros int
	// Exact reports whether P comes from the exact null distribution (true)
	// or from the normal approximation with tie and continuity corrections.
	Exact bool
	// Z is the standardized statistic of the normal approximation, with
	// continuity correction; NaN when Exact.
	Z float64
	// P is the two-sided p-value for H0: the differences are symmetric
	// about zero.
	P float64
}

// SignedRank performs the two-sided Wilcoxon signed-rank test of H0 "the
// distribution of the paired differences d (after − before, one per unit) is
// symmetric about 0", exactly as R's
//
//	wilcox.test(d, mu = 0, exact = NULL, correct = TRUE)
//
// (equivalently wilcox.test(after, before, paired = TRUE)).
//
// Non-finite differences are dropped; zero differences are dropped (R's
// rule, reported in Zeros). With r_i the average ranks of |d_i| among the N
// remaining differences, the statistic is
//
//	V = Σ_{d_i > 0} r_i,   E[V] = N(N+1)/4.
//
// If N < ExactLimit and there are neither ties among |d| nor zeros, P is
// exact: twice the smaller tail of the permutation distribution of V (at most
// 1). Otherwise
//
//	Var[V] = N(N+1)(2N+1)/24 − Σ(t³−t)/48     (t: sizes of tie groups)
//	Z = (V − E[V] − sign(V − E[V])/2) / √Var[V],   P = 2·Φ(−|Z|).
//
// Assumptions: pairs are independent across units; under H0 each difference
// is symmetric about 0. Source: Wilcoxon (1945); Hollander & Wolfe (1999),
// Nonparametric Statistical Methods, §3.1; R stats::wilcox.test.
//
// SignedRank returns ErrTooFewObservations if no finite nonzero difference
// remains (R returns NaN there), and ErrNoVariation (with V and N filled)
// if the variance is zero.
func SignedRank(d []float64) (res SignedRankResult, err error) {
	res.Z = math.NaN()
	res.P = math.NaN()
	x := finite(d)
	nz := x[:0]
	for _, v := range x {
		if v == 0 {
			res.Zeros++
			continue
		}
		nz = append(nz, v)
	}
	x = nz
	n := len(x)
	res.N = n
	if n == 0 {
		return res, ErrTooFewObservations
	}
	abs := make([]float64, n)
	for i, v := range x {
		abs[i] = math.Abs(v)
	}
	r, ties := averageRanks(abs)
	for i, v := range x {
		if v > 0 {
			res.V += r[i]
		}
	}
	nf := float64(n)
	mean := nf * (nf + 1) / 4
	if n < ExactLimit && ties == 0 && res.Zeros == 0 {
		res.Exact = true
		res.P = exactTwoSided(signRankDist(n), res.V, mean)
		return res, nil
	}
	variance := nf*(nf+1)*(2*nf+1)/24 - ties/48
	if !(variance > 0) {
		return res, ErrNoVariation
	}
	res.Z, res.P = normalTwoSided(res.V-mean, math.Sqrt(variance))
	return res, nil
}

// HodgesLehmann returns the Hodges–Lehmann estimate of the centre of
// symmetry (pseudo-median) of the paired differences d, the median of the
// Walsh averages:
//
//	θ̂ = median{ (d_i + d_j)/2 : i ≤ j }.
//
// It is the estimator associated with the signed-rank test (the shift that
// makes V closest to its null mean). Non-finite values are dropped; zero
// differences are kept, as in Hollander & Wolfe (1999, §3.2). R's
// wilcox.test(d, conf.int = TRUE) reports the same "(pseudo)median" when
// there are neither zeros nor ties and N < 50; otherwise R drops the zeros
// and solves the tie- and continuity-corrected statistic for zero
// numerically, which can differ slightly. Source: Hodges & Lehmann (1963).
// The n(n+1)/2 averages are never stored: selection in the implicit sorted
// matrix (see sortedRows.orderStats) takes O(n) memory and expected O(n log² n)
// time.
//
// HodgesLehmann returns ErrEmptyCell if d has no finite value.
func HodgesLehmann(d []float64) (est float64, err error) {
	x := finite(d)
	if len(x) == 0 {
		return math.NaN(), ErrEmptyCell
	}
	sort.Float64s(x)
	return walshRows(x).median(), nil
}

// HodgesLehmannCI returns the Hodges–Lehmann pseudo-median of d (see
// HodgesLehmann) and the distribution-free confidence interval at the given
// level obtained by inverting the signed-rank test (Hollander & Wolfe 1999,
// §3.3): with W_(1) ≤ … ≤ W_(M) the M = n(n+1)/2 sorted Walsh averages,
//
//	[lo, hi] = [W_(k), W_(M+1−k)],
//
// where k = max(1, q) and q is the smallest integer with P(V ≤ q) ≥ α/2
// (R's qsignrank(α/2, n)). For n < ExactLimit q uses the exact null
// distribution of V, reproducing R's wilcox.test(d, conf.int = TRUE,
// conf.level = level) interval when there are no ties or zeros; for larger n
// q = ⌈n(n+1)/4 − 1/2 − z_{1−α/2}·√(n(n+1)(2n+1)/24)⌉ (normal approximation
// with continuity correction). The interval's coverage is exact only for
// continuous, symmetric differences. It panics if level is not in (0, 1) and
// returns ErrEmptyCell if d has no finite value.
func HodgesLehmannCI(d []float64, level float64) (est, lo, hi float64, err error) {
	checkLevel(level)
	x := finite(d)
	n := len(x)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), ErrEmptyCell
	}
	sort.Float64s(x)
	alpha := 1 - level
	var k int
	if n < ExactLimit {
		k = lowerQuantile(signRankDist(n), alpha/2)
	} else {
		nf := float64(n)
		z := distuv.UnitNormal.Quantile(1 - alpha/2)
		k = int(math.Ceil(nf*(nf+1)/4 - 0.5 - z*math.Sqrt(nf*(nf+1)*(2*nf+1)/24)))
	}
	est, lo, hi = walshRows(x).medianAndInterval(k)
	return est, lo, hi, nil
}
