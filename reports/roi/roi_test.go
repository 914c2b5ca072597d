package roi

import (
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// q7 is the type-7 quantile written out: h = (n − 1)p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
func q7(p float64, x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	h := float64(len(s)-1) * p
	i := int(math.Floor(h))
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}

func TestCompute(t *testing.T) {
	// Five draws per metric, as if from one bootstrap over teams.
	resolveDraws := []float64{math.Log(0.7), math.Log(0.75), math.Log(0.8), math.Log(0.85), math.Log(0.9)}
	escDraws := []float64{-0.05, -0.03, -0.02, 0, 0.01}
	onTimeDraws := []float64{-0.15, -0.12, -0.1, -0.08, -0.05}
	nan := math.NaN()
	in := []Input{
		// Resolve time: 10 h arithmetic mean untreated, 20% faster (θ = ln 0.8).
		{Metric: "resolve", Level: "L4", Value: 150, Monetised: true, Scale: ScaleLog, Estimate: math.Log(0.8),
			Draws: resolveDraws, Baseline: 10, AnnualVolume: 1000, LowerIsBetter: true},
		// Escalation share down 0.02.
		{Metric: "escalated", Value: 400, Monetised: true, Scale: ScaleShare, Estimate: -0.02, Draws: escDraws,
			AnnualVolume: 500, LowerIsBetter: true},
		// On-time share (higher is better) fell: a harm, counted as a harm.
		{Metric: "on_time", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.1, Draws: onTimeDraws,
			AnnualVolume: 100},
		// Intangible: listed, never monetised.
		{Metric: "reopened", Level: "L4", Scale: ScaleShare, Estimate: -0.01, AnnualVolume: 10, LowerIsBetter: true},
		// No estimate: no data means no improvement.
		{Metric: "nodata", Value: 5, Monetised: true, Scale: ScaleLog, Estimate: nan, Baseline: 3, AnnualVolume: 10, LowerIsBetter: true},
	}
	costs := []CostLine{{"participant_fee", 100, 1000}, {"participant_time", 100 * 40, 80}, {"facilitation", 1, 30000}, {"overhead", 1, 20000}}
	s := Compute(in, costs, 0.2)
	r := s.Lines[0]
	// Δ = 10·(0.8 − 1) = −2 h per incident; benefit = 2 × 1000 × 150 = 300,000.
	if !near(r.EffectPerEvent, -2) || !near(r.Benefit, 300000) || r.Level != "L4" || !near(r.Baseline, 10) {
		t.Errorf("resolve line %+v", r)
	}
	perDraw := func(d []float64, f func(float64) float64) []float64 {
		out := make([]float64, len(d))
		for b, x := range d {
			out[b] = f(x)
		}
		return out
	}
	rb := perDraw(resolveDraws, func(x float64) float64 { return -10 * math.Expm1(x) * 1000 * 150 })
	if !near(r.BenefitCILow, q7(0.1, rb)) || !near(r.BenefitCIHigh, q7(0.9, rb)) {
		t.Errorf("resolve interval [%v, %v], want [%v, %v]", r.BenefitCILow, r.BenefitCIHigh, q7(0.1, rb), q7(0.9, rb))
	}
	e := s.Lines[1]
	if !near(e.Benefit, 0.02*500*400) {
		t.Errorf("escalated line %+v", e)
	}
	o := s.Lines[2]
	ob := perDraw(onTimeDraws, func(x float64) float64 { return x * 100 * 100 })
	if !near(o.Benefit, -0.1*100*100) || !near(o.BenefitCILow, q7(0.1, ob)) || !(o.BenefitCIHigh < 0) {
		t.Errorf("on_time line %+v", o)
	}
	if s.Lines[3].Benefit != 0 || s.Lines[3].Monetised || !near(s.Lines[3].EffectPerEvent, -0.01) ||
		!slices.Equal(s.Intangibles, []string{"reopened"}) {
		t.Errorf("intangible %+v, intangibles %v", s.Lines[3], s.Intangibles)
	}
	if n := s.Lines[4]; n.Benefit != 0 || n.BenefitCILow != 0 || n.BenefitCIHigh != 0 || !math.IsNaN(n.EffectPerEvent) {
		t.Errorf("no data %+v", n)
	}
	// Cost = Σ lines: 100,000 + 320,000 + 30,000 + 20,000.
	cost := 470000.0
	wantB := 300000 + 4000 - 1000.0
	if !near(s.Benefit, wantB) || !near(s.Cost, cost) || !near(s.NetBenefit, wantB-cost) {
		t.Errorf("totals %+v", s)
	}
	// The total's interval is that of the summed draws, not the sum of the metrics' bounds.
	tot := make([]float64, 5)
	for b := range tot {
		tot[b] = rb[b] + (-escDraws[b] * 500 * 400) + ob[b]
	}
	lo, hi := q7(0.1, tot), q7(0.9, tot)
	if !near(s.BenefitCILow, lo) || !near(s.BenefitCIHigh, hi) || !near(s.NetCILow, lo-cost) || !near(s.NetCIHigh, hi-cost) {
		t.Errorf("total interval [%v, %v], want [%v, %v]", s.BenefitCILow, s.BenefitCIHigh, lo, hi)
	}
	if !near(s.ROIPct, (wantB-cost)/cost*100) || !near(s.ROIPctCILow, (lo-cost)/cost*100) || !near(s.ROIPctCIHigh, (hi-cost)/cost*100) {
		t.Errorf("ROI %v [%v, %v]", s.ROIPct, s.ROIPctCILow, s.ROIPctCIHigh)
	}
	if !near(s.BCR, wantB/cost) || !near(s.BCRCILow, lo/cost) || !near(s.BCRCIHigh, hi/cost) {
		t.Errorf("BCR %v [%v, %v]", s.BCR, s.BCRCILow, s.BCRCIHigh)
	}
	// The conservative figures are the lower bounds of the total's interval.
	if s.ConservativeROIPct != s.ROIPctCILow || s.ConservativeBCR != s.BCRCILow || s.Draws != 5 {
		t.Errorf("conservative %v %v, draws %d", s.ConservativeROIPct, s.ConservativeBCR, s.Draws)
	}
	if z := Compute(nil, nil, 0.05); !math.IsNaN(z.ROIPct) || !math.IsNaN(z.BCR) || !math.IsNaN(z.BenefitCILow) {
		t.Errorf("zero cost, no draws: %+v", z)
	}
}

// TestTotalIntervalReflectsCorrelation checks that two metrics whose draws move against each other
// (the same teams improve one and worsen the other) give a total interval narrower than either's,
// and two that move together one as wide as both together.
func TestTotalIntervalReflectsCorrelation(t *testing.T) {
	up := make([]float64, 101)
	for b := range up {
		up[b] = float64(b-50) / 50 // −1 … 1
	}
	down := make([]float64, len(up))
	for b := range up {
		down[b] = -up[b]
	}
	mk := func(d1, d2 []float64) Summary {
		return Compute([]Input{
			{Metric: "a", Value: 1, Monetised: true, Scale: ScaleRate, Estimate: 0, Draws: d1, AnnualVolume: 100},
			{Metric: "b", Value: 1, Monetised: true, Scale: ScaleRate, Estimate: 0, Draws: d2, AnnualVolume: 100},
		}, []CostLine{{"fixed", 1, 10}}, 0.1)
	}
	anti, same := mk(up, down), mk(up, up)
	if anti.BenefitCIHigh-anti.BenefitCILow > 1e-9 {
		t.Errorf("anti-correlated: total interval [%v, %v], want a point", anti.BenefitCILow, anti.BenefitCIHigh)
	}
	wa := anti.Lines[0].BenefitCIHigh - anti.Lines[0].BenefitCILow
	if w := same.BenefitCIHigh - same.BenefitCILow; !near(w, 2*wa) {
		t.Errorf("correlated: total width %v, want %v", w, 2*wa)
	}
}

// TestEffectStaysPossible checks that effects which would take a share below 0 or above 1, or a
// rate below 0, are cut at the treated units' untrained level, in the point and in every draw,
// and that an unknown level leaves them alone.
func TestEffectStaysPossible(t *testing.T) {
	in := []Input{
		// Escalation share 4% untrained, draws down to −6 points: at most all 4 points can go.
		{Metric: "escalated", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.03, Draws: []float64{-0.06, -0.01},
			Untrained: 0.04, AnnualVolume: 1000, LowerIsBetter: true},
		// On-time share 97% untrained, draws up to +5 points: at most 3 can be gained.
		{Metric: "on_time", Value: 10, Monetised: true, Scale: ScaleShare, Estimate: 0.02, Draws: []float64{0.01, 0.05},
			Untrained: 0.97, AnnualVolume: 1000},
		// Rate 0.5 per event untrained, draws down to −0.8.
		{Metric: "reassigned", Value: 10, Monetised: true, Scale: ScaleRate, Estimate: -0.3, Draws: []float64{-0.8, 0.1},
			Untrained: 0.5, AnnualVolume: 1000, LowerIsBetter: true},
		// Level unknown: the draws are used as they are.
		{Metric: "unknown", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.03, Draws: []float64{-0.06, -0.01},
			Untrained: math.NaN(), AnnualVolume: 1000, LowerIsBetter: true},
	}
	s := Compute(in, nil, 0) // α = 0: the interval is [min, max] of the draws
	checks := []struct {
		line               int
		benefit, low, high float64
	}{
		{0, 0.03 * 1000 * 100, 0.01 * 1000 * 100, 0.04 * 1000 * 100},
		{1, 0.02 * 1000 * 10, 0.01 * 1000 * 10, 0.03 * 1000 * 10},
		{2, 0.3 * 1000 * 10, -0.1 * 1000 * 10, 0.5 * 1000 * 10},
		{3, 0.03 * 1000 * 100, 0.01 * 1000 * 100, 0.06 * 1000 * 100},
	}
	for _, c := range checks {
		l := s.Lines[c.line]
		if !near(l.Benefit, c.benefit) || !near(l.BenefitCILow, c.low) || !near(l.BenefitCIHigh, c.high) {
			t.Errorf("%s: benefit %v [%v, %v], want %v [%v, %v]", l.Metric, l.Benefit, l.BenefitCILow, l.BenefitCIHigh,
				c.benefit, c.low, c.high)
		}
	}
}
