package analyze

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// AggSensitivityRM is the aggregation of the sensitivity rows (estimates.aggregation): the mean
// post-treatment effect of the event study with its robust interval under a relative-magnitudes
// bound M̄ (estimates.mbar).
const AggSensitivityRM = "rm_sensitivity"

// SensitivityMbars are the bounds M̄ of the sensitivity rows: 0 (parallel trends after the base
// period exactly), and post-treatment violations up to half, once and twice the largest
// pre-treatment one.
var SensitivityMbars = []float64{0, 0.5, 1, 2}

// Sensitivity settings: the pre-treatment event times used (the ones closest to treatment, as the
// pre-trend test), the post-treatment ones (event times 0 to 5: the first six periods after
// treatment, as HonestDiD's did example with max_e = 5; the cost of the test grows steeply with
// their number), the grid of the test inversion, and the range and precision of the search for
// the breakdown value.
const (
	SensitivityPreEvents  = 5
	SensitivityPostEvents = 6
	SensitivityGridPoints = 100
	BreakdownMaxMbar      = 4.0
	BreakdownTolerance    = 0.1
)

// sensitivityRows computes, for the headline candidate of a metric (the catalog outcome; rows
// with other outcomes get none), Rambachan & Roth's sensitivity of the aggregated post-treatment
// effect to violations of parallel trends (stats.RelativeMagnitudes): the staggered DiD is re-fitted
// with a universal base period (the event study HonestDiD expects), the event-time coefficients
// from SensitivityPreEvents before the base period to the last post-treatment one and their
// influence-function covariance are taken (stats.EventStudy; the event times between the base
// period and 0, under anticipation or washout, are left out), and θ = the mean of the effects at
// event times 0 to SensitivityPostEvents − 1 (did's dynamic aggregation with max_e = 5; the
// headline's own aggregation averages all post-treatment periods) gets a robust 95% interval for
// each M̄ in SensitivityMbars. It returns one estimates row per M̄ (aggregation AggSensitivityRM, estimate θ,
// std_error its SE, ci_low/ci_high the robust interval, NULL on a side where it reaches the edge of
// the grid of ±20 SE, mbar M̄) and sets head.BreakdownMbar to the smallest M̄ (to
// BreakdownTolerance) at which θ = 0 is in the robust confidence set (stats.BreakdownMbar: 0 when
// it is at M̄ = 0, +Inf when it is not up to BreakdownMaxMbar). The intervals use the normal reference of the event study (as HonestDiD),
// not the headline's t reference. Nothing is computed when the event study has no pre-treatment
// or fewer than two post-treatment event times, or gaps among the pre- or among the
// post-treatment event times.
//
// Washout: event time 0 is taken as the step after the base period, so the bound on its violation is M̄ times the largest one-month pre-treatment
// change although it spans the washout too (a drift over the washout months is only bounded as
// one step: the intervals are less conservative than the calendar would make them when washout
// or anticipation is configured).
func sensitivityRows(head *models.Estimate, p *intPanel, a config.Analysis, washout int, m queries.Metric, outcome string) []models.Estimate {
	if p == nil || len(p.unit) == 0 || outcome != outcomeOf(m) || math.IsNaN(head.Estimate) {
		return nil
	}
	anticipation := a.Anticipation + washout
	opts := stats.DiDOptions{Base: stats.BaseUniversal, Anticipation: anticipation, SkipEmptyCells: true}
	if a.Control != "never_treated" {
		opts.Control = stats.ControlNotYetTreated
	}
	gt, err := stats.ATTGT(p.unit, p.time, p.group, p.y, nil, opts)
	if err != nil {
		return nil
	}
	ref := -1 - anticipation
	es, err := gt.EventStudy(ref-SensitivityPreEvents, SensitivityPostEvents-1)
	if err != nil {
		return nil
	}
	// Keep the pre-treatment event times (before the base period) and the post-treatment ones
	// (e ≥ 0); the washout's event times between them are left out (few units have cells there:
	// those whose washout is shorter than the longest one).
	var keep []int
	for j, e := range es.Events {
		if e < ref || e >= 0 {
			keep = append(keep, j)
		}
	}
	beta := make([]float64, len(keep))
	cov := mat.NewSymDense(len(keep), nil)
	numPre := 0
	for a, j := range keep {
		beta[a] = es.Beta[j]
		if es.Events[j] < ref {
			numPre++
		}
		for b, k := range keep[a:] {
			cov.SetSym(a, a+b, es.Cov.At(j, k))
		}
	}
	numPost := len(keep) - numPre
	if numPre < 1 || numPost < 2 {
		return nil
	}
	// Pre-treatment event times must run up to the base period and each run must be consecutive;
	// the first post-treatment event time (0) counts as the one after the base period.
	if es.Events[keep[numPre-1]] != ref-1 || es.Events[keep[numPre]] != 0 {
		return nil
	}
	for a := 1; a < len(keep); a++ {
		if a != numPre && es.Events[keep[a]] != es.Events[keep[a-1]]+1 {
			return nil
		}
	}
	l := make([]float64, numPost)
	for j := range l {
		l[j] = 1 / float64(numPost)
	}
	var theta, v float64
	for j := range l {
		theta += l[j] * beta[numPre+j]
		for k := range l {
			v += l[j] * l[k] * cov.At(numPre+j, numPre+k)
		}
	}
	sopts := stats.SensitivityOptions{Alpha: a.Alpha, GridPoints: SensitivityGridPoints}
	ivs, err := stats.RelativeMagnitudes(beta, cov, numPre, numPost, l, SensitivityMbars, sopts)
	if err != nil {
		return nil
	}
	rows := make([]models.Estimate, 0, len(ivs))
	for _, iv := range ivs {
		r := newRow(m, MethodDiD, AggSensitivityRM, head.Scale)
		r.Outcome = head.Outcome
		r.Estimate, r.StdError = theta, math.Sqrt(v)
		r.CILow, r.CIHigh = iv.Lo, iv.Hi
		if iv.OpenLo {
			r.CILow = math.NaN()
		}
		if iv.OpenHi {
			r.CIHigh = math.NaN()
		}
		r.NTreatedUnits, r.NControlUnits = head.NTreatedUnits, head.NControlUnits
		r.NEventsPre, r.NEventsPost = head.NEventsPre, head.NEventsPost
		r.Flags = slices.Clone(head.Flags)
		mbar := iv.Mbar
		r.Mbar = &mbar
		rows = append(rows, r)
	}
	// Bracket the breakdown value with the intervals just computed, then bisect on the test of
	// θ = 0 alone.
	lo, hi := 0.0, BreakdownMaxMbar
	for _, iv := range ivs {
		covers := math.IsNaN(iv.Lo) || (iv.Lo <= 0 && iv.Hi >= 0) || iv.OpenLo && iv.Hi >= 0 || iv.OpenHi && iv.Lo <= 0
		if covers {
			hi = iv.Mbar
			break
		}
		lo = iv.Mbar
	}
	if b, err := stats.BreakdownMbar(beta, cov, numPre, numPost, l, lo, hi, BreakdownTolerance, sopts); err == nil {
		head.BreakdownMbar = &b
	}
	return rows
}
