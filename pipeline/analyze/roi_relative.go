package analyze

import (
	"math"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/reports/roi"
)

// RelativeInterval returns the confidence interval of e on the scale of its relative change:
//
//	log scale      [exp(ci_low) − 1, exp(ci_high) − 1]
//	share, rate    [ci_low · k, ci_high · k],  k = relative_change / estimate = 1 / L
//
// with L the level the relative change is relative to (for DiD rows the treated units' untrained
// post-treatment level, for others the level before). A share or rate cannot fall below none, so a
// bound below −100% is cut to −100%, and a share cannot exceed 1, so a bound above 1/L − 1 is cut
// there (an interval intersected with the possible values keeps its coverage); cut reports such a
// bound. NaN, NaN when the interval or the relative change is missing, or the level cannot be
// recovered (an estimate of exactly 0 on a share or rate scale).
func RelativeInterval(e models.Estimate) (lo, hi float64, cut bool) {
	nan := math.NaN()
	if math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) || math.IsNaN(e.RelativeChange) {
		return nan, nan, false
	}
	if e.Scale == roi.ScaleLog {
		return math.Expm1(e.CILow), math.Expm1(e.CIHigh), false
	}
	if e.Estimate == 0 || math.IsNaN(e.Estimate) {
		return nan, nan, false
	}
	k := e.RelativeChange / e.Estimate
	if !(k > 0) || math.IsInf(k, 0) {
		return nan, nan, false
	}
	least, most := -1.0, math.Inf(1)
	if e.Scale == roi.ScaleShare {
		most = k - 1 // a share of 1
	}
	bound := func(v float64) float64 {
		b := min(max(v, least), most)
		cut = cut || b != v
		return b
	}
	return bound(e.CILow * k), bound(e.CIHigh * k), cut
}

// setRelativeIntervals fills RelativeCILow and RelativeCIHigh of every row (after suppression, so
// a suppressed row keeps none).
func setRelativeIntervals(rows []models.Estimate) {
	for i := range rows {
		rows[i].RelativeCILow, rows[i].RelativeCIHigh, _ = RelativeInterval(rows[i])
	}
}
