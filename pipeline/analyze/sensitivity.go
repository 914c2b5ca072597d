package analyze

import (
	"math"
	"slices"

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
// pre-trend test), the grid of the test inversion, and the range and precision of the search for
// the breakdown value.
const (
	SensitivityPreEvents  = 5
	SensitivityGridPoints = 100
	BreakdownMaxMbar      = 4.0
	BreakdownTolerance    = 0.05
)

// sensitivityRows computes, for the headline candidate of a metric (the catalog outcome; rows
// with other outcomes get none), Rambachan & Roth's sensitivity of the aggregated post-treatment
// effect to violations of parallel trends (stats.RelativeMagnitudes): the staggered DiD is re-fitted
// with a universal base period (the event study HonestDiD expects), the event-time coefficients
// from SensitivityPreEvents before the base period to the last post-treatment one and their
// influence-function covariance are taken (stats.EventStudy), and θ = the mean of the effects at
// event times ≥ 0 (did's dynamic aggregation; event times between the base period and 0, under
// anticipation or washout, get weight 0) gets a robust 95% interval for each M̄ in
// SensitivityMbars. It returns one estimates row per M̄ (aggregation AggSensitivityRM, estimate θ,
// std_error its SE, ci_low/ci_high the robust interval, NULL on a side where it reaches the edge of
// the grid of ±20 SE, mbar M̄) and sets head.BreakdownMbar to the smallest M̄ (to
// BreakdownTolerance) at which θ = 0 is in the robust confidence set (stats.BreakdownMbar: 0 when
// it is at M̄ = 0, +Inf when it is not up to BreakdownMaxMbar). The intervals use the normal reference of the event study (as HonestDiD),
// not the headline's t reference. Nothing is computed when the event study has no pre-treatment
// or fewer than two post-treatment event times, or gaps among the pre- or among the
// post-treatment event times.
//
// Washout: the months left out after each unit's treatment start leave no cells between the base
// period and the first post-treatment event time; that event time is taken as the step after the
// base period, so the bound on its violation is M̄ times the largest one-month pre-treatment
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
	es, err := gt.EventStudy(ref-SensitivityPreEvents, math.MaxInt)
	if err != nil || es.NumPre < 1 || es.NumPost < 2 {
		return nil
	}
	// Pre-treatment event times must run up to the base period and every run must be consecutive;
	// the washout's event times between the base period and the first post-treatment one have no
	// cells (left out of the panel), and the first post-treatment event time counts as the one
	// after the base period.
	if es.Events[es.NumPre-1] != ref-1 {
		return nil
	}
	for j := 1; j < len(es.Events); j++ {
		if j != es.NumPre && es.Events[j] != es.Events[j-1]+1 {
			return nil
		}
	}
	l := make([]float64, es.NumPost)
	var npos int
	for j, e := range es.Events[es.NumPre:] {
		if e >= 0 {
			l[j] = 1
			npos++
		}
	}
	if npos == 0 {
		return nil
	}
	for j := range l {
		l[j] /= float64(npos)
	}
	var theta, v float64
	for j := range l {
		theta += l[j] * es.Beta[es.NumPre+j]
		for k := range l {
			v += l[j] * l[k] * es.Cov.At(es.NumPre+j, es.NumPre+k)
		}
	}
	sopts := stats.SensitivityOptions{Alpha: a.Alpha, GridPoints: SensitivityGridPoints}
	ivs, err := stats.RelativeMagnitudes(es.Beta, es.Cov, es.NumPre, es.NumPost, l, SensitivityMbars, sopts)
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
	if b, err := stats.BreakdownMbar(es.Beta, es.Cov, es.NumPre, es.NumPost, l, lo, hi, BreakdownTolerance, sopts); err == nil {
		head.BreakdownMbar = &b
	}
	return rows
}
