package roi

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestCompute(t *testing.T) {
	in := []Input{
		// Resolve time: 10 h baseline, 20% faster (θ = ln 0.8), CI [ln 0.7, ln 0.9]: all improvement.
		{Metric: "resolve", Value: 150, Monetised: true, Scale: ScaleLog, Estimate: math.Log(0.8),
			CILow: math.Log(0.7), CIHigh: math.Log(0.9), Baseline: 10, AnnualVolume: 1000, LowerIsBetter: true},
		// Escalation share down 0.02, CI crosses zero: conservative benefit 0.
		{Metric: "escalated", Value: 400, Monetised: true, Scale: ScaleShare, Estimate: -0.02, CILow: -0.05, CIHigh: 0.01,
			AnnualVolume: 500, LowerIsBetter: true},
		// On-time share (higher is better) fell for sure: counted in full at the lower bound.
		{Metric: "on_time", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.1, CILow: -0.15, CIHigh: -0.05,
			AnnualVolume: 100, LowerIsBetter: false},
		// Intangible.
		{Metric: "reopened", Scale: ScaleShare, Estimate: -0.01, CILow: -0.02, CIHigh: 0, AnnualVolume: 10, LowerIsBetter: true},
		// No estimate: no data means no improvement.
		{Metric: "nodata", Value: 5, Monetised: true, Scale: ScaleLog, Estimate: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(), Baseline: 3, AnnualVolume: 10, LowerIsBetter: true},
	}
	s := Compute(in, Costs{PerParticipant: 1000, Fixed: 50000, Participants: 100})
	r := s.Lines[0]
	// Δ = 10·(0.8 − 1) = −2 h per incident; benefit = 2 × 1000 × 150 = 300,000; bounds 3 h and 1 h.
	if !near(r.EffectPerEvent, -2) || !near(r.Benefit, 300000) || !near(r.BenefitLow, 150000) || !near(r.BenefitHigh, 450000) {
		t.Errorf("resolve line %+v", r)
	}
	e := s.Lines[1]
	if !near(e.Benefit, 0.02*500*400) || e.BenefitLow != 0 || !near(e.BenefitHigh, 0.05*500*400) {
		t.Errorf("escalated line %+v", e)
	}
	o := s.Lines[2]
	if !near(o.Benefit, -0.1*100*100) || !near(o.BenefitLow, -0.15*100*100) || !near(o.BenefitHigh, -0.05*100*100) {
		t.Errorf("on_time line %+v", o)
	}
	if s.Lines[3].Benefit != 0 || s.Lines[3].Monetised || !near(s.Lines[3].EffectPerEvent, -0.01) {
		t.Errorf("intangible %+v", s.Lines[3])
	}
	if n := s.Lines[4]; n.Benefit != 0 || n.BenefitLow != 0 || !math.IsNaN(n.EffectPerEvent) {
		t.Errorf("no data %+v", n)
	}
	wantB := 300000 + 4000 - 1000.0
	wantLow := 150000 + 0 - 1500.0
	if !near(s.Benefit, wantB) || !near(s.BenefitLow, wantLow) || !near(s.Cost, 150000) {
		t.Errorf("totals %+v", s)
	}
	if !near(s.ROIPct, (wantB-150000)/150000*100) || !near(s.BCRLow, wantLow/150000) || !near(s.BCR, wantB/150000) {
		t.Errorf("ratios %+v", s)
	}
	if z := Compute(nil, Costs{}); !math.IsNaN(z.ROIPct) || !math.IsNaN(z.BCR) {
		t.Errorf("zero cost: %+v", z)
	}
}

// TestEffectStaysPossible checks that interval bounds which would take a share below 0 or above 1,
// or a rate below 0, are cut at the treated units' untrained level, and that an unknown level
// leaves them alone.
func TestEffectStaysPossible(t *testing.T) {
	in := []Input{
		// Escalation share 4% untrained, interval [−6, −1] points: at most all 4 points can go.
		{Metric: "escalated", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.03, CILow: -0.06, CIHigh: -0.01,
			Level: 0.04, AnnualVolume: 1000, LowerIsBetter: true},
		// On-time share 97% untrained, interval up to +5 points: at most 3 can be gained.
		{Metric: "on_time", Value: 10, Monetised: true, Scale: ScaleShare, Estimate: 0.02, CILow: 0.01, CIHigh: 0.05,
			Level: 0.97, AnnualVolume: 1000},
		// Rate 0.5 per event untrained, interval down to −0.8.
		{Metric: "reassigned", Value: 10, Monetised: true, Scale: ScaleRate, Estimate: -0.3, CILow: -0.8, CIHigh: 0.1,
			Level: 0.5, AnnualVolume: 1000, LowerIsBetter: true},
		// Level unknown: the interval is used as it is.
		{Metric: "unknown", Value: 100, Monetised: true, Scale: ScaleShare, Estimate: -0.03, CILow: -0.06, CIHigh: -0.01,
			Level: math.NaN(), AnnualVolume: 1000, LowerIsBetter: true},
	}
	s := Compute(in, Costs{})
	checks := []struct {
		line               int
		benefit, low, high float64
	}{
		{0, 0.03 * 1000 * 100, 0.01 * 1000 * 100, 0.04 * 1000 * 100},
		{1, 0.02 * 1000 * 10, 0.01 * 1000 * 10, 0.03 * 1000 * 10},
		{2, 0.3 * 1000 * 10, 0, 0.5 * 1000 * 10},
		{3, 0.03 * 1000 * 100, 0.01 * 1000 * 100, 0.06 * 1000 * 100},
	}
	for _, c := range checks {
		l := s.Lines[c.line]
		if !near(l.Benefit, c.benefit) || !near(l.BenefitLow, c.low) || !near(l.BenefitHigh, c.high) {
			t.Errorf("%s: benefit %v [%v, %v], want %v [%v, %v]", l.Metric, l.Benefit, l.BenefitLow, l.BenefitHigh,
				c.benefit, c.low, c.high)
		}
	}
}
