// Package roi computes a Phillips-style return on investment from estimated effects, configured
// money values and program costs. It is pure: no I/O, no randomness.
//
// Per monetised metric (DESIGN.md "ROI"):
//
//	effect per event  Δ = b·(exp(θ) − 1)   on the log scale (θ the DiD estimate, b the treated
//	                                        units' pre-treatment geometric mean, in the metric's unit)
//	                  Δ = θ                 on the share and rate scales
//	improvement       I = −Δ when lower is better, +Δ when higher is better
//	benefit           B = I × annual volume of treated units × money value per unit
//
// The same is evaluated at both confidence bounds of θ. The conservative benefit follows Phillips
// ("use the most conservative alternative; no data means no improvement"): the bound nearer zero
// when the whole interval is an improvement, 0 when the interval crosses zero, and the lower bound
// in full when the whole interval is a deterioration. Benefits are first-year only. Costs are fully
// loaded: per participant × participants + fixed; ROI % = (B − C)/C × 100 and BCR = B/C, each
// also at the conservative benefit.
package roi

import "math"

// Scales of an estimate, as written in the estimates table.
const (
	ScaleLog   = "log"
	ScaleShare = "share"
	ScaleRate  = "rate"
)

// Input is one metric's estimated effect and what is needed to monetise it.
type Input struct {
	Metric string
	// Value is the configured money value of one unit of the metric (an hour, an escalation);
	// Monetised false makes the metric an intangible.
	Value     float64
	Monetised bool
	// Scale, Estimate and CILow/CIHigh are the headline DiD estimate (NaN when there is none).
	Scale                   string
	Estimate, CILow, CIHigh float64
	Baseline                float64 // treated pre-treatment level in the metric's unit (log scale only)
	// Level is, for shares and rates, the treated units' level without the training (0 or NaN
	// when unknown: no bound is applied): no effect can take a share below 0 or above 1, or a rate below 0, so interval
	// bounds beyond that are cut to it (an interval intersected with the possible values keeps its
	// coverage).
	Level         float64
	AnnualVolume  float64 // events of treated units over the year ending with the period
	LowerIsBetter bool
}

// Costs are the fully loaded program costs.
type Costs struct {
	PerParticipant, Fixed float64
	Participants          int64
}

// Total returns per participant × participants + fixed.
func (c Costs) Total() float64 { return c.PerParticipant*float64(c.Participants) + c.Fixed }

// Line is the ROI of one metric.
type Line struct {
	Metric    string
	Monetised bool
	// EffectPerEvent is Δ at the point estimate, in the metric's unit (negative = decrease).
	EffectPerEvent, AnnualVolume, Value float64
	// Benefit is at the point estimate; BenefitLow the conservative figure; BenefitHigh the
	// optimistic bound. All 0 when there is no estimate (no data means no improvement).
	Benefit, BenefitLow, BenefitHigh float64
}

// Summary is the ROI of the program: the lines and the totals over monetised metrics.
type Summary struct {
	Lines                            []Line
	Benefit, BenefitLow, BenefitHigh float64
	Cost                             float64
	// ROIPct and BCR at the point estimate; ROIPctLow and BCRLow at the conservative benefit.
	// NaN when the cost is 0.
	ROIPct, ROIPctLow, BCR, BCRLow float64
}

// effect returns Δ for an estimate θ on the input's scale.
func (in Input) effect(theta float64) float64 {
	switch {
	case in.Scale == ScaleLog:
		return in.Baseline * math.Expm1(theta)
	case !(in.Level > 0) || math.IsNaN(theta):
		return theta
	case in.Scale == ScaleShare:
		return min(max(theta, -in.Level), 1-in.Level)
	}
	return max(theta, -in.Level)
}

// Compute returns the ROI of every input and the totals.
func Compute(inputs []Input, c Costs) Summary {
	var s Summary
	for _, in := range inputs {
		l := Line{Metric: in.Metric, Monetised: in.Monetised, AnnualVolume: in.AnnualVolume, Value: in.Value, EffectPerEvent: math.NaN()}
		if !math.IsNaN(in.Estimate) {
			l.EffectPerEvent = in.effect(in.Estimate)
		}
		if in.Monetised && !math.IsNaN(in.Estimate) {
			sign := 1.0
			if in.LowerIsBetter {
				sign = -1
			}
			per := in.AnnualVolume * in.Value
			b := sign * l.EffectPerEvent * per
			lo, hi := sign*in.effect(in.CILow)*per, sign*in.effect(in.CIHigh)*per
			if lo > hi {
				lo, hi = hi, lo
			}
			l.Benefit, l.BenefitHigh = b, hi
			switch {
			case math.IsNaN(lo) || math.IsNaN(hi):
				l.BenefitLow, l.BenefitHigh = 0, math.Max(b, 0)
			case lo >= 0:
				l.BenefitLow = lo // whole interval improves: the bound nearer zero
			case hi <= 0:
				l.BenefitLow = lo // whole interval deteriorates: counted in full
			default:
				l.BenefitLow = 0 // the interval crosses zero: no improvement shown
			}
			s.Benefit += l.Benefit
			s.BenefitLow += l.BenefitLow
			s.BenefitHigh += l.BenefitHigh
		}
		s.Lines = append(s.Lines, l)
	}
	s.Cost = c.Total()
	s.ROIPct, s.ROIPctLow, s.BCR, s.BCRLow = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if s.Cost > 0 {
		s.ROIPct = (s.Benefit - s.Cost) / s.Cost * 100
		s.ROIPctLow = (s.BenefitLow - s.Cost) / s.Cost * 100
		s.BCR = s.Benefit / s.Cost
		s.BCRLow = s.BenefitLow / s.Cost
	}
	return s
}
