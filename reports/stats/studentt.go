package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Inference with few clusters. A standard error computed from the spread of a
// handful of units (the treated teams of a staggered DiD are often three to
// six per cohort) is itself noisy, and the ratio estimate/SE then has heavier
// tails than the standard normal. Referring it to Student's t with the
// degrees of freedom of that spread restores the nominal level: Cameron &
// Miller (2015), "A practitioner's guide to cluster-robust inference",
// Journal of Human Resources 50(2), section VI.C (T(G−1) critical values for
// G clusters); Bell & McCaffrey (2002), Survey Methodology 28(2). With
// df = +Inf these functions equal their normal counterparts.

// TCritical returns the two-sided critical value t_{1−α/2, df} of Student's t
// distribution with df degrees of freedom (z_{1−α/2} for df = +Inf). It
// panics if alpha is not in (0, 1) or df is not positive.
func TCritical(alpha, df float64) float64 {
	if !(alpha > 0 && alpha < 1) || !(df > 0) {
		panic("stats: alpha out of (0, 1) or df not positive")
	}
	return tQuantile(1-alpha/2, df)
}

// TPValue returns the two-sided p-value of est/se against Student's t with df
// degrees of freedom, 2·P(T_df > |est/se|) (the normal p-value for
// df = +Inf). NaN when se is not positive or est is NaN.
func TPValue(est, se, df float64) float64 {
	if !(se > 0) || math.IsNaN(est) || !(df > 0) {
		return math.NaN()
	}
	z := math.Abs(est / se)
	if math.IsInf(df, 1) {
		return 2 * distuv.UnitNormal.CDF(-z)
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(-z)
}

// MinimumDetectableEffectT is MinimumDetectableEffect with Student-t
// quantiles, for a standard error with df degrees of freedom:
//
//	MDE = (t_{1−α/2, df} + t_{power, df}) · se
//
// Source: Bloom (1995), "Minimum detectable effects", Evaluation Review 19(5),
// the small-sample form of its multiplier. For df = +Inf it equals
// MinimumDetectableEffect. NaN if se is NaN or negative; panics if alpha or
// power is not in (0, 1) or df is not positive.
func MinimumDetectableEffectT(se, alpha, power, df float64) float64 {
	if !(alpha > 0 && alpha < 1) || !(power > 0 && power < 1) || !(df > 0) {
		panic("stats: alpha or power out of (0, 1), or df not positive")
	}
	if !(se >= 0) {
		return math.NaN()
	}
	return (tQuantile(1-alpha/2, df) + tQuantile(power, df)) * se
}

func tQuantile(p, df float64) float64 {
	if math.IsInf(df, 1) {
		return distuv.UnitNormal.Quantile(p)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}
