// Package roi computes a Phillips-style return on investment (Phillips & Phillips, "Return on
// Investment in Training and Performance Improvement Programs", 2nd ed., 2003) from estimated
// effects, configured money values and fully loaded program costs, with intervals from bootstrap
// draws of the effects. It is pure: no I/O, no randomness (the draws come in with the inputs).
//
// Per monetised metric (DESIGN.md "ROI"), for an effect θ (the headline DiD estimate or one of its
// bootstrap draws):
//
//	effect per event  Δ(θ) = baseline · (exp(θ) − 1)   durations (θ on the log scale); baseline is
//	                                                  the treated units' arithmetic mean untreated
//	                                                  duration, so Δ is hours (minutes) per event
//	                  Δ(θ) = θ                        shares and rates (events avoided, or counts,
//	                                                  per event), cut to what is possible: a share
//	                                                  stays within [0, 1], a rate at or above 0
//	improvement       I(θ) = −Δ(θ) when lower is better, +Δ(θ) when higher is better
//	benefit           B(θ) = I(θ) × annual volume × money value per unit
//
// The annual volume is the treated units' annualised event rate, counted only over the cohorts
// whose effect was estimated. Benefits are first-year only. A harm (I < 0) is a negative benefit,
// in every figure.
//
// Costs are fully loaded (CostLine): the participant fee for everyone enrolled (dropouts
// included), participants' time (hours × loaded hourly rate × enrolled), facilitation, design and
// development, evaluation and overhead; C = Σ lines.
//
//	net benefit = B − C,   ROI % = (B − C) / C × 100,   BCR = B / C,   B = Σ_metrics B_m
//
// Uncertainty: every input brings the bootstrap draws θ*_b of its effect, all drawn with the same
// per-team multipliers (stats.ClusterWeights), so draw b of every metric comes from the same
// resampled world. The total's draw is B*_b = Σ_m B_m(θ*_{m,b}), and the intervals of benefit, net
// benefit, ROI % and BCR are the type-7 α/2 and 1 − α/2 percentiles of their draws: the total's
// interval reflects the correlation of the metrics through the teams they share. The conservative
// figure (Phillips' guiding principle 4: "choose the most conservative alternative") is the lower
// bound of the total's interval — not a sum of per-metric worst cases, and harms are counted as
// harms (no bound is replaced by 0). Baseline and volume are held at their observed values in
// every draw: the interval is that of the effect, as the estimate's own.
//
// Metrics without a configured money value are intangibles: listed (Summary.Intangibles), never
// converted to money. A metric without an estimate has benefit 0 (principle: no data, no
// improvement).
package roi

import (
	"math"
	"slices"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// Scales of an estimate, as written in the estimates table.
const (
	ScaleLog   = "log"
	ScaleShare = "share"
	ScaleRate  = "rate"
)

// Input is one metric's estimated effect and what is needed to monetise it.
type Input struct {
	Metric string
	// Level is the metric's Kirkpatrick/Phillips level (L3 behaviour, L4 impact).
	Level string
	// Value is the configured money value of one unit of the metric (an hour, an escalation);
	// Monetised false makes the metric an intangible. ValueUnit says what a unit is.
	Value     float64
	Monetised bool
	ValueUnit string
	// Scale and Estimate are the headline DiD estimate (NaN when there is none).
	Scale    string
	Estimate float64
	// Draws are the bootstrap draws of the estimate, all inputs drawn with the same per-team
	// weights and of the same length (nil: no bootstrap; a NaN Estimate needs none).
	Draws []float64
	// Baseline is, for durations, the treated units' arithmetic mean untreated duration in the
	// metric's unit, on the outcome the estimate is on (the mean of resolved items today): the
	// relative effect exp(θ) − 1 is applied to it.
	Baseline float64
	// Untrained is, for shares and rates, the treated units' level without the training (0 or NaN
	// when unknown: no bound is applied): no effect can take a share below 0 or above 1, or a rate
	// below 0, so effects beyond that are cut to it.
	Untrained float64
	// AnnualVolume is the treated units' annualised event rate (cohorts with an estimated effect).
	AnnualVolume  float64
	LowerIsBetter bool
}

// CostLine is one line of the fully loaded cost: Quantity × UnitCost.
type CostLine struct {
	Line               string
	Quantity, UnitCost float64
}

// Amount returns Quantity × UnitCost.
func (c CostLine) Amount() float64 { return c.Quantity * c.UnitCost }

// Line is the ROI of one metric.
type Line struct {
	Metric, Level, ValueUnit string
	Monetised                bool
	// EffectPerEvent is Δ at the point estimate, in the metric's unit (negative = decrease).
	EffectPerEvent, Baseline, AnnualVolume, Value float64
	// Benefit is at the point estimate, BenefitCILow/High its bootstrap interval (NaN without
	// draws). All 0 when there is no estimate; NaN intervals for intangibles.
	Benefit, BenefitCILow, BenefitCIHigh float64
}

// Summary is the ROI of the program: the lines, the cost lines and the totals over monetised
// metrics. Ratios are NaN when the cost is 0; intervals NaN without draws.
type Summary struct {
	Lines                                []Line
	Costs                                []CostLine
	Intangibles                          []string // metrics without a money value, catalog order
	Benefit, BenefitCILow, BenefitCIHigh float64
	Cost                                 float64
	NetBenefit, NetCILow, NetCIHigh      float64
	ROIPct, ROIPctCILow, ROIPctCIHigh    float64
	BCR, BCRCILow, BCRCIHigh             float64
	// ConservativeROIPct and ConservativeBCR are the lower bounds of the total's intervals.
	ConservativeROIPct, ConservativeBCR float64
	// Draws is the number of bootstrap draws behind the intervals (0: none).
	Draws int
}

// effect returns Δ for an estimate θ on the input's scale.
func (in Input) effect(theta float64) float64 {
	switch {
	case in.Scale == ScaleLog:
		return in.Baseline * math.Expm1(theta)
	case !(in.Untrained > 0) || math.IsNaN(theta):
		return theta
	case in.Scale == ScaleShare:
		return min(max(theta, -in.Untrained), 1-in.Untrained)
	}
	return max(theta, -in.Untrained)
}

// benefit returns B(θ).
func (in Input) benefit(theta float64) float64 {
	sign := 1.0
	if in.LowerIsBetter {
		sign = -1
	}
	return sign * in.effect(theta) * in.AnnualVolume * in.Value
}

// interval returns the type-7 α/2 and 1 − α/2 percentiles of draws (NaN, NaN when there are none).
func interval(draws []float64, alpha float64) (lo, hi float64) {
	if len(draws) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Clone(draws)
	slices.Sort(s)
	return stats.Quantile7(alpha/2, s), stats.Quantile7(1-alpha/2, s)
}

// Compute returns the ROI of every input and the totals, with (1 − alpha) percentile intervals
// from the inputs' draws. It panics when monetised inputs with an estimate carry draws of
// different lengths, or some carry draws and others none (a caller bug).
func Compute(inputs []Input, costs []CostLine, alpha float64) Summary {
	s := Summary{Costs: costs}
	B := -1
	for _, in := range inputs {
		if in.Monetised && !math.IsNaN(in.Estimate) {
			if B >= 0 && len(in.Draws) != B {
				panic("roi: inputs with bootstrap draws of different lengths")
			}
			B = len(in.Draws)
		}
	}
	if B < 0 {
		B = 0
	}
	s.Draws = B
	total := make([]float64, B)
	for _, in := range inputs {
		l := Line{Metric: in.Metric, Level: in.Level, ValueUnit: in.ValueUnit, Monetised: in.Monetised,
			Baseline: math.NaN(), AnnualVolume: in.AnnualVolume, Value: in.Value, EffectPerEvent: math.NaN(),
			BenefitCILow: math.NaN(), BenefitCIHigh: math.NaN()}
		if in.Scale == ScaleLog {
			l.Baseline = in.Baseline
		}
		if !math.IsNaN(in.Estimate) {
			l.EffectPerEvent = in.effect(in.Estimate)
		}
		if !in.Monetised {
			l.Value = math.NaN()
			s.Intangibles = append(s.Intangibles, in.Metric)
			s.Lines = append(s.Lines, l)
			continue
		}
		if !math.IsNaN(in.Estimate) {
			l.Benefit = in.benefit(in.Estimate)
			d := make([]float64, B)
			for b, theta := range in.Draws {
				d[b] = in.benefit(theta)
				total[b] += d[b]
			}
			l.BenefitCILow, l.BenefitCIHigh = interval(d, alpha)
		} else if B > 0 {
			l.BenefitCILow, l.BenefitCIHigh = 0, 0 // no data, no improvement, in every draw
		}
		s.Benefit += l.Benefit
		s.Lines = append(s.Lines, l)
	}
	for _, c := range costs {
		s.Cost += c.Amount()
	}
	s.BenefitCILow, s.BenefitCIHigh = interval(total, alpha)
	nan := math.NaN()
	s.NetBenefit = s.Benefit - s.Cost
	s.NetCILow, s.NetCIHigh = s.BenefitCILow-s.Cost, s.BenefitCIHigh-s.Cost
	s.ROIPct, s.ROIPctCILow, s.ROIPctCIHigh, s.BCR, s.BCRCILow, s.BCRCIHigh = nan, nan, nan, nan, nan, nan
	if s.Cost > 0 {
		// ROI % and BCR are increasing in B for C > 0: their percentiles are those of B mapped.
		roi := func(b float64) float64 { return (b - s.Cost) / s.Cost * 100 }
		s.ROIPct, s.ROIPctCILow, s.ROIPctCIHigh = roi(s.Benefit), roi(s.BenefitCILow), roi(s.BenefitCIHigh)
		s.BCR, s.BCRCILow, s.BCRCIHigh = s.Benefit/s.Cost, s.BenefitCILow/s.Cost, s.BenefitCIHigh/s.Cost
	}
	s.ConservativeROIPct, s.ConservativeBCR = s.ROIPctCILow, s.BCRCILow
	return s
}
