package report

import (
	"math"
	"strings"
	"testing"
)

func logEffect(rel, lo, hi, q float64) Effect {
	return Effect{Method: "did", Aggregation: "simple", Scale: "log", Estimate: math.Log1p(rel), CILow: math.Log1p(lo),
		CIHigh: math.Log1p(hi), Relative: rel, RelLow: lo, RelHigh: hi, QValue: q, PValue: q}
}

// TestJudgeRules pins the rule: improved or worsened only when the interval excludes zero AND
// q ≤ alpha; the direction follows the metric's better side.
func TestJudgeRules(t *testing.T) {
	cases := []struct {
		name   string
		e      Effect
		better string
		want   Verdict
	}{
		{"excludes zero, q small, lower better", logEffect(-0.21, -0.31, -0.09, 0.01), "lower", Improved},
		{"excludes zero, q small, higher better", logEffect(-0.21, -0.31, -0.09, 0.01), "higher", Worsened},
		{"increase, higher better", logEffect(0.2, 0.05, 0.4, 0.04), "higher", Improved},
		{"increase, lower better", logEffect(0.2, 0.05, 0.4, 0.04), "lower", Worsened},
		{"q exactly alpha", logEffect(-0.2, -0.3, -0.1, 0.05), "lower", Improved},
		{"q above alpha", logEffect(-0.2, -0.3, -0.1, 0.0501), "lower", NoDetectableChange},
		{"q missing", logEffect(-0.2, -0.3, -0.1, math.NaN()), "lower", NoDetectableChange},
		{"interval includes zero", logEffect(-0.2, -0.4, 0.05, 0.001), "lower", NoDetectableChange},
		{"interval touches zero", Effect{Scale: "share", Estimate: -0.05, CILow: -0.1, CIHigh: 0, QValue: 0.001}, "lower", NoDetectableChange},
		{"suppressed", Effect{Scale: "log", Estimate: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(), Flags: []string{"suppressed"}}, "lower", Suppressed},
		{"no estimate", Effect{Scale: "log", Estimate: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}, "lower", NotEstimable},
	}
	for _, c := range cases {
		if got := Judge(c.e, c.better, 0.05); got != c.want {
			t.Errorf("%s: Judge = %s, want %s", c.name, got, c.want)
		}
	}
}

// TestSponsorSentence pins the words of each verdict.
func TestSponsorSentence(t *testing.T) {
	f := Finding{Metric: "incident_resolve_hours", Title: "Time to resolve an incident", Kind: "duration", Better: "lower",
		Headline: logEffect(-0.21, -0.31, -0.09, 0.01)}
	f.Verdict = Judge(f.Headline, f.Better, 0.05)
	got := Sentence(f, "team", "not_yet_treated", 0.05, 95, 5, 14)
	want := "The time to resolve an incident improved: in teams whose lead completed the program it was 21% shorter (95% CI 9.0% to 31% shorter) than in teams not yet trained."
	if got != want {
		t.Errorf("improved:\n got %q\nwant %q", got, want)
	}

	f.Headline = logEffect(-0.08, -0.34, 0.29, 0.8)
	f.Verdict = Judge(f.Headline, f.Better, 0.05)
	got = Sentence(f, "team", "not_yet_treated", 0.05, 95, 5, 14)
	want = "No detectable change in the time to resolve an incident in teams whose lead completed the program compared with teams not yet trained (could be between 34% shorter and 29% longer)."
	if got != want {
		t.Errorf("no change:\n got %q\nwant %q", got, want)
	}
	for _, w := range []string{"improved", "worsened", "faster", "better"} {
		if strings.Contains(got, w) {
			t.Errorf("a no-detectable-change sentence says %q: %s", w, got)
		}
	}

	// The interval excludes zero but q is above alpha: still no claim, and the reason is given.
	f.Headline = logEffect(-0.46, -0.67, -0.10, 0.22)
	f.Verdict = Judge(f.Headline, f.Better, 0.05)
	got = Sentence(f, "team", "not_yet_treated", 0.05, 95, 5, 14)
	if f.Verdict != NoDetectableChange || !strings.Contains(got, "q = 0.22, above 0.05") || strings.Contains(got, "improved") {
		t.Errorf("q above alpha: %s %q", f.Verdict, got)
	}

	// A share without a relative interval is written in percentage points, never as a relative change.
	s := Finding{Metric: "incident_escalated", Title: "Incident escalated", Kind: "proportion", Better: "lower",
		Headline: Effect{Scale: "share", Estimate: 0.085, CILow: -0.407, CIHigh: 0.577, Relative: math.NaN(), RelLow: math.NaN(), RelHigh: math.NaN(), QValue: 0.89}}
	s.Verdict = Judge(s.Headline, s.Better, 0.05)
	got = Sentence(s, "team", "never_treated", 0.05, 95, 5, 14)
	want = "No detectable change in the share of incidents escalated in teams whose lead completed the program compared with teams never trained (could be between 40.7 percentage points lower and 57.7 percentage points higher)."
	if got != want {
		t.Errorf("share in points:\n got %q\nwant %q", got, want)
	}
	if strings.Contains(got, "%") {
		t.Errorf("a share without a relative interval shows a percentage: %s", got)
	}
}

// TestWithRelative checks the relative bounds: the warehouse's columns when present, exp(x)−1 on
// the log scale, over the level for shares, and none at all otherwise.
func TestWithRelative(t *testing.T) {
	nan := math.NaN()
	e := withRelative(EstimateRow{Effect: Effect{Scale: "log", Estimate: math.Log(0.8), CILow: math.Log(0.7), CIHigh: math.Log(0.9), Relative: -0.2}, RelLowCol: nan, RelHighCol: nan})
	if math.Abs(e.RelLow+0.3) > 1e-12 || math.Abs(e.RelHigh+0.1) > 1e-12 {
		t.Errorf("log: [%v, %v], want [-0.3, -0.1]", e.RelLow, e.RelHigh)
	}
	e = withRelative(EstimateRow{Effect: Effect{Scale: "share", Estimate: 0.02, CILow: -0.01, CIHigh: 0.05, Relative: 0.5}, RelLowCol: nan, RelHighCol: nan})
	if math.Abs(e.RelLow+0.25) > 1e-12 || math.Abs(e.RelHigh-1.25) > 1e-12 {
		t.Errorf("share over level 0.04: [%v, %v], want [-0.25, 1.25]", e.RelLow, e.RelHigh)
	}
	e = withRelative(EstimateRow{Effect: Effect{Scale: "share", Estimate: 0.02, CILow: -0.01, CIHigh: 0.05, Relative: 0.5}, RelLowCol: -0.1, RelHighCol: 0.9})
	if e.RelLow != -0.1 || e.RelHigh != 0.9 {
		t.Errorf("columns not used: [%v, %v]", e.RelLow, e.RelHigh)
	}
	e = withRelative(EstimateRow{Effect: Effect{Scale: "share", Estimate: 0.02, CILow: -0.01, CIHigh: 0.05, Relative: nan}, RelLowCol: nan, RelHighCol: nan})
	if !math.IsNaN(e.Relative) || !math.IsNaN(e.RelLow) {
		t.Errorf("share without level got a relative reading: %+v", e)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Pct(-0.213), "21%"}, {Pct(0.042), "4.2%"}, {Pct(0.0996), "10%"}, {SignedPct(-0.213), "−21%"}, {SignedPct(0.05), "+5.0%"},
		{Money(390230.4, "USD"), "USD 390,230"}, {Money(-8826.3, "EUR"), "EUR −8,826"}, {Money(999, ""), "999"},
		{PctValue(677.35), "677%"}, {PctValue(-12.3), "−12%"}, {Ratio(1.79737), "1.80"},
		{ChangeText("proportion", Effect{Relative: -0.2, RelLow: -0.5, RelHigh: 0.1}, 95), "20% lower (95% CI 50% lower to 10% higher)"},
		{ChangeText("duration", Effect{Relative: 0.2, RelLow: 0.05, RelHigh: 0.4}, 90), "20% longer (90% CI 5.0% to 40% longer)"},
		// A share without a level to be relative to reads in percentage points, a space before the unit.
		{ChangeText("proportion", Effect{Scale: "share", Estimate: 0, CILow: 0, CIHigh: 0, Relative: math.NaN(), RelLow: math.NaN(), RelHigh: math.NaN()}, 95),
			"no change (0.0 percentage points) (95% CI 0.0 percentage points to 0.0 percentage points)"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestShareBoundStopsAtMinus100 checks that a share's relative bound never reads below −100%.
func TestShareBoundStopsAtMinus100(t *testing.T) {
	nan := math.NaN()
	e := withRelative(EstimateRow{Effect: Effect{Scale: "share", Estimate: -0.02, CILow: -0.1, CIHigh: 0.05, Relative: -0.25}, RelLowCol: nan, RelHighCol: nan})
	if e.RelLow != -1 || math.Abs(e.RelHigh-0.625) > 1e-12 {
		t.Errorf("[%v, %v], want [-1, 0.625]", e.RelLow, e.RelHigh)
	}
	if got := RangeText("proportion", e); got != "between 100% lower and 63% higher" {
		t.Errorf("RangeText = %q", got)
	}
}
