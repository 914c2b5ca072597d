package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// TwoProportionResult is the outcome of a two-proportion test.
type TwoProportionResult struct {
	// P1 and P2 are the sample proportions x1/n1 and x2/n2.
	P1, P2 float64
	// Diff is P1 − P2.
	Diff float64
	// Lower and Upper are the Wald confidence limits for Diff (with the
	// continuity correction when requested), clipped to [−1, 1].
	Lower, Upper float64
	// ChiSq is Pearson's chi-square statistic (1 df) of the 2×2 table, and
	// Z = sign(Diff)·√ChiSq the equivalent pooled z statistic.
	ChiSq, Z float64
	// P is the two-sided p-value for H0: both proportions are equal.
	P float64
}

// TwoProportion compares two proportions — x1 successes out of n1 trials
// against x2 out of n2 — exactly as R's
//
//	prop.test(c(x1, x2), c(n1, n2), conf.level = level, correct = correct)
//
// With p̂ = (x1 + x2)/(n1 + n2) the pooled proportion and Yates' correction
// c = min(1/2, |P1 − P2| / (1/n1 + 1/n2)) when correct (else c = 0),
//
//	χ² = Σ_cells (|O − E| − c)² / E      (E from p̂; 1 df)
//	P  = P(χ²₁ ≥ χ²)
//	CI = Diff ± (z_{(1+level)/2}·√(P1(1−P1)/n1 + P2(1−P2)/n2) + c·(1/n1 + 1/n2)).
//
// Without the correction the test is the pooled two-sample z test,
// Z = (P1 − P2)/√(p̂(1−p̂)(1/n1 + 1/n2)). Assumptions: independent trials; the
// chi-square approximation wants every expected cell count ≥ 5 (R warns
// otherwise). Source: Newcombe (1998), method 1 (interval); Fleiss, Levin &
// Paik (2003), Statistical Methods for Rates and Proportions, §2.2 and §6.2;
// R stats::prop.test.
//
// TwoProportion panics if level is not in (0, 1). It returns
// ErrEmptyCell if n1 or n2 is not positive, ErrInvalidCount if a count is
// negative or exceeds its trials, and ErrNoVariation (with P1, P2, Diff and
// the interval filled) when the pooled proportion is 0 or 1.
func TwoProportion(x1, n1, x2, n2 int, level float64, correct bool) (res TwoProportionResult, err error) {
	checkLevel(level)
	nan := math.NaN()
	res = TwoProportionResult{P1: nan, P2: nan, Diff: nan, Lower: nan, Upper: nan, ChiSq: nan, Z: nan, P: nan}
	if n1 <= 0 || n2 <= 0 {
		return res, ErrEmptyCell
	}
	if x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2 {
		return res, ErrInvalidCount
	}
	a, b := float64(n1), float64(n2)
	res.P1, res.P2 = float64(x1)/a, float64(x2)/b
	res.Diff = res.P1 - res.P2
	inv := 1/a + 1/b
	yates := 0.0
	if correct {
		yates = math.Min(0.5, math.Abs(res.Diff)/inv)
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	width := z*math.Sqrt(res.P1*(1-res.P1)/a+res.P2*(1-res.P2)/b) + yates*inv
	res.Lower = math.Max(res.Diff-width, -1)
	res.Upper = math.Min(res.Diff+width, 1)
	pool := float64(x1+x2) / (a + b)
	if pool == 0 || pool == 1 {
		return res, ErrNoVariation
	}
	obs := [4]float64{float64(x1), a - float64(x1), float64(x2), b - float64(x2)}
	exp := [4]float64{a * pool, a * (1 - pool), b * pool, b * (1 - pool)}
	var chi float64
	for i := range obs {
		d := math.Abs(obs[i]-exp[i]) - yates
		chi += d * d / exp[i]
	}
	res.ChiSq = chi
	res.Z = math.Copysign(math.Sqrt(chi), res.Diff)
	res.P = math.Erfc(math.Sqrt(chi / 2))
	return res, nil
}
