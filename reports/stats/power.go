package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultPower is the conventional power, 80%, at which trainimpact reports
// minimum detectable effects.
const DefaultPower = 0.8

// MinimumDetectableEffect returns the smallest true effect that an estimate
// with standard error se would detect with probability power in a two-sided
// test at level alpha:
//
//	MDE = (z_{1−α/2} + z_{power}) · se
//
// For alpha = 0.05 and power = 0.8 the multiplier is 1.959964 + 0.841621 =
// 2.801585. The formula neglects the probability of rejecting in the wrong
// direction (below 10⁻⁵ at these settings) and assumes the estimate is
// approximately normal with a standard error that does not depend on the
// effect. An effect smaller than the MDE may be real but the design cannot
// tell it from noise; report it next to every estimate. Source: Bloom (1995),
// "Minimum detectable effects", Evaluation Review 19(5); Duflo, Glennerster
// & Kremer (2007), "Using randomization in development economics research",
// eq. (9).
//
// MinimumDetectableEffect returns NaN if se is NaN or negative. It panics if
// alpha or power is not in (0, 1).
func MinimumDetectableEffect(se, alpha, power float64) float64 {
	if !(alpha > 0 && alpha < 1) || !(power > 0 && power < 1) {
		panic("stats: alpha or power out of (0, 1)")
	}
	if !(se >= 0) {
		return math.NaN()
	}
	return (distuv.UnitNormal.Quantile(1-alpha/2) + distuv.UnitNormal.Quantile(power)) * se
}
