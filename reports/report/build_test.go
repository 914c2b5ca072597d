package report

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func ip(i int) *int { return &i }

// TestBuildPicksUpNewColumns builds a report from rows carrying the columns other issues add
// (relative bounds, populations, pre-trend tests, ROI intervals, cost lines) and checks that
// each is used: the warehouse's relative bounds, the per-protocol row as the headline, caveats
// for a failed pre-trend test and for intention-to-treat disagreeing, the ROI interval in words.
func TestBuildPicksUpNewColumns(t *testing.T) {
	nan := math.NaN()
	row := func(metric, method, agg, pop string, est, lo, hi, rel, q float64) EstimateRow {
		return EstimateRow{Metric: metric, RelLowCol: nan, RelHighCol: nan, Effect: Effect{Method: method, Aggregation: agg, Scale: "log",
			Estimate: est, CILow: lo, CIHigh: hi, Relative: rel, QValue: q, PValue: q, NTreated: 20, NControl: 15, Population: pop}}
	}
	pp := row("incident_resolve_hours", "did", "simple", "per_protocol", math.Log(0.79), math.Log(0.69), math.Log(0.91), -0.21, 0.01)
	pp.RelLowCol, pp.RelHighCol = -0.32, -0.08 // the warehouse's own bounds win
	pp.Pretrend = &Pretrend{Stat: 2.5, DF1: 6, DF2: 30, P: 0.04, Note: ""}
	itt := row("incident_resolve_hours", "did", "simple", "intention_to_treat", math.Log(0.9), math.Log(0.75), math.Log(1.05), -0.1, 0.2)
	ev := []EstimateRow{}
	for k := -3; k <= 2; k++ {
		e := row("incident_resolve_hours", "did", "event_time", "per_protocol", 0.01*float64(k), -0.1, 0.1, nan, nan)
		e.RelPeriod = ip(k)
		ev = append(ev, e)
	}
	sup := row("ticket_reopened", "did", "simple", "", nan, nan, nan, nan, nan)
	sup.Scale, sup.Flags = "share", []string{"suppressed"}
	in := Input{Title: "T", Period: "2026-Q3", Cutoff: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Alpha: 0.05, MinCell: 5,
		Unit: "team", Control: "not_yet_treated", Currency: "EUR",
		Metrics: []MetricInfo{
			{Name: "incident_resolve_hours", Title: "Time to resolve an incident", Kind: "duration", Better: "lower", Unit: "hours", Family: "resolution quality"},
			{Name: "ticket_reopened", Title: "Ticket reopened", Kind: "proportion", Better: "lower", Unit: "share", Family: "rework"},
		},
		Estimates: append([]EstimateRow{pp, itt, sup}, ev...),
		ROI: []ROIRow{
			{Metric: "incident_resolve_hours", Monetised: true, EffectPerEvent: -2, AnnualVolume: 1000, ValuePerUnit: 150, Benefit: 300000,
				BenefitLow: 100000, BenefitHigh: 500000, BenefitCILow: 120000, BenefitCIHigh: 480000, Level: "4"},
			{Metric: "total", Monetised: true, Benefit: 300000, BenefitLow: 100000, BenefitHigh: 500000, BenefitCILow: 120000,
				BenefitCIHigh: 480000, NetBenefit: 200000, Cost: 100000, ROIPct: 200, ROIPctLow: 0, ROICILow: 20, ROICIHigh: 380,
				BCR: 3, BCRLow: 1, BCRCILow: 1.2, BCRCIHigh: 4.8, ConservativeROIPct: 20, ConservativeBCR: 1.2, Currency: "EUR"},
		},
		CostLines: []CostLine{{Line: "participants", Quantity: 20, UnitCost: 4000, Amount: 80000, Currency: "EUR"}},
	}
	r := Build(in)
	if len(r.Findings) != 2 {
		t.Fatalf("%d findings", len(r.Findings))
	}
	f := r.Findings[0]
	if f.Headline.Population != "per_protocol" || f.Headline.RelLow != -0.32 || f.Verdict != Improved {
		t.Errorf("headline: %+v verdict %s", f.Headline, f.Verdict)
	}
	if f.ITT == nil || f.ITTVerdict != NoDetectableChange || f.ITTChange == "" {
		t.Errorf("ITT: %+v %s", f.ITT, f.ITTVerdict)
	}
	if !strings.Contains(f.PretrendText, "p = 0.040") || !strings.Contains(f.PretrendText, "moved differently") {
		t.Errorf("pretrend text %q", f.PretrendText)
	}
	if len(f.EventStudy) != 6 || f.EventStudy[0].RelPeriod != -3 || math.Abs(f.EventStudy[0].Estimate-100*math.Expm1(-0.03)) > 1e-9 {
		t.Errorf("event study %+v", f.EventStudy)
	}
	kinds := []string{}
	for _, c := range r.Caveats {
		kinds = append(kinds, c.Kind)
	}
	for _, k := range []string{"pretrend_failed", "itt_disagrees", "suppressed"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s caveat in %v", k, kinds)
		}
	}
	if r.Findings[1].Verdict != Suppressed || !strings.Contains(r.Findings[1].Sentence, "fewer than 5 people") {
		t.Errorf("suppressed: %s %q", r.Findings[1].Verdict, r.Findings[1].Sentence)
	}
	ro := r.ROI
	if !ro.Available || ro.ROICILow != 20 || len(ro.CostLines) != 1 || ro.Metrics[0].BenefitBounds != "ci" || ro.Metrics[0].Level != "4" {
		t.Errorf("roi %+v", ro)
	}
	if !strings.Contains(ro.Headline, "200% (95% CI 20% to 380%)") || !strings.Contains(strings.Join(ro.Sentences, " "), "benefit/cost ratio 3.00 (95% CI 1.20 to 4.80)") {
		t.Errorf("roi words: %q %q", ro.Headline, ro.Sentences)
	}
	if !strings.Contains(strings.Join(r.Summary, " "), f.Sentence) {
		t.Errorf("the summary lacks the improved finding")
	}
}

func TestProblemsBecomeCaveats(t *testing.T) {
	r := Build(Input{Period: "2026-Q3", Alpha: 0.05, MinCell: 5, Problems: []string{"X could not be read."}})
	if len(r.Caveats) != 1 || r.Caveats[0].Kind != "data_missing" || r.Caveats[0].Text != "X could not be read." {
		t.Errorf("caveats %+v", r.Caveats)
	}
	if r.ROI.Available || len(r.ROI.Sentences) != 1 {
		t.Errorf("a report without ROI rows: %+v", r.ROI)
	}
}

// TestPaidBackClaimsNoMoreThanTheInterval pins what the report may say about whether the program
// paid for itself: only what the ROI's interval allows.
func TestPaidBackClaimsNoMoreThanTheInterval(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{12, 140, "paid for itself within the first year even at the lower bound"},
		{-277, 404, "cannot tell yet whether the program paid for itself"},
		{-90, -5, "did not pay for itself"},
	} {
		got := paidBack(ROI{ROICILow: c.lo, ROICIHigh: c.hi})
		if !strings.Contains(got, c.want) {
			t.Errorf("interval [%v, %v]: %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

// TestSensitivityWordsAndCaveat pins the sensitivity sentence of a finding and the caveat that
// quotes the breakdown value of every metric called improved or worsened.
func TestSensitivityWordsAndCaveat(t *testing.T) {
	f := Finding{Title: "Time to resolve an incident", Verdict: Improved, Breakdown: 0.7, RIPValue: 0.004}
	s := sensitivityText(f)
	for _, want := range []string{"breakdown value M̄ = 0.7", "p = 0.004"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
	if got := sensitivityText(Finding{Breakdown: math.NaN(), RIPValue: math.NaN()}); got != "" {
		t.Errorf("no figures, sentence %q", got)
	}
	if got := sensitivityText(Finding{Breakdown: math.Inf(1), RIPValue: math.NaN()}); !strings.Contains(got, "every departure") {
		t.Errorf("never breaks down: %q", got)
	}
	r := &Report{Findings: []Finding{f, {Title: "Other", Verdict: NoDetectableChange, Breakdown: 0, RIPValue: math.NaN()}}}
	var quoted bool
	for _, c := range caveats(Input{Alpha: 0.05, MinCell: 5}, r) {
		if c.Kind == "sensitivity" {
			quoted = strings.Contains(c.Text, "Time to resolve an incident (M̄ = 0.7)") && !strings.Contains(c.Text, "Other")
		}
	}
	if !quoted {
		t.Error("the caveats do not quote the improved metric's breakdown value alone")
	}
}

// TestForestLeavesOutRunawayIntervals: a measure whose interval reaches beyond ForestMax is left
// out of the forest plot and named in a caveat; the others are drawn.
func TestForestLeavesOutRunawayIntervals(t *testing.T) {
	r := &Report{Period: "2026-Q3", Findings: []Finding{
		{Title: "Time to resolve an incident", Verdict: NoDetectableChange, Headline: Effect{Relative: -0.2, RelLow: -0.3, RelHigh: -0.1}},
		{Title: "Promotions", Verdict: NoDetectableChange, Headline: Effect{Relative: 9.2, RelLow: -1, RelHigh: 24.4}},
	}}
	c := buildCharts(Input{Period: "2026-Q3"}, r)
	if c.Forest == nil || !strings.Contains(c.Forest.Alt, "Time to resolve an incident") || strings.Contains(c.Forest.Alt, "Promotions") {
		t.Fatalf("forest %+v", c.Forest)
	}
	r.Charts = c
	var named bool
	for _, cv := range caveats(Input{Alpha: 0.05, MinCell: 5}, r) {
		named = named || (cv.Kind == "forest_omitted" && strings.Contains(cv.Text, "Promotions"))
	}
	if !named {
		t.Error("the measure left out of the forest plot is not named in a caveat")
	}
}

// An imputation row (thin cells) gets its own caveat naming the method and what it lacks, and is
// not also listed among the metrics whose pre-trends could not be tested.
func TestImputationCaveat(t *testing.T) {
	nan := math.NaN()
	f := Finding{Title: "Failed deployment recovery time", Verdict: NoDetectableChange, Breakdown: nan, RIPValue: nan,
		Headline: Effect{Flags: []string{"imputation"}}}
	r := &Report{Findings: []Finding{f, {Title: "Other", Verdict: NoDetectableChange, Breakdown: nan, RIPValue: nan}}}
	var imp, untestable string
	for _, c := range caveats(Input{Alpha: 0.05, MinCell: 5}, r) {
		switch c.Kind {
		case "imputation":
			imp = c.Text
		case "pretrend_untestable":
			untestable = c.Text
		}
	}
	if !strings.Contains(imp, "Failed deployment recovery time") || !strings.Contains(imp, "Borusyak") || strings.Contains(imp, "Other") {
		t.Errorf("imputation caveat %q", imp)
	}
	if strings.Contains(untestable, "Failed deployment") || !strings.Contains(untestable, "Other") {
		t.Errorf("pre-trend caveat %q", untestable)
	}
}

// A duration metric has two DiD simple rows per population (the catalog outcome and the
// resolved-only sensitivity outcome): the finding is the row the warehouse marks headline, and the
// intention-to-treat row beside it is the one on the same outcome, whatever the rows' order.
func TestHeadlineFollowsWarehouseMark(t *testing.T) {
	nan := math.NaN()
	yes, no := true, false
	row := func(pop, outcome string, head *bool, est float64) EstimateRow {
		return EstimateRow{Metric: "incident_resolve_hours", RelLowCol: nan, RelHighCol: nan, Headline: head, Outcome: outcome,
			RIPValue: nan, Breakdown: nan,
			Effect: Effect{Method: "did", Aggregation: "simple", Scale: "log", Estimate: est, CILow: est - 0.1, CIHigh: est + 0.1,
				Relative: math.Expm1(est), QValue: 0.5, PValue: 0.5, NTreated: 20, NControl: 15, Population: pop}}
	}
	in := Input{Title: "T", Period: "2026-Q3", Alpha: 0.05, MinCell: 5, Unit: "team", Control: "not_yet_treated",
		Metrics: []MetricInfo{{Name: "incident_resolve_hours", Title: "Time to resolve an incident", Kind: "duration", Better: "lower", Unit: "hours"}},
		Estimates: []EstimateRow{
			row("per_protocol", "restricted_mean_log", &yes, -0.2),
			row("intention_to_treat", "restricted_mean_log", &no, -0.15),
			row("per_protocol", "resolved_mean_log", &no, 0.3),
			row("intention_to_treat", "resolved_mean_log", &no, 0.25),
		}}
	r := Build(in)
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings", len(r.Findings))
	}
	f := r.Findings[0]
	if f.Headline.Estimate != -0.2 {
		t.Errorf("headline estimate %v, want the marked row's -0.2", f.Headline.Estimate)
	}
	if f.ITT == nil || f.ITT.Estimate != -0.15 {
		t.Errorf("ITT %+v, want the restricted outcome's -0.15", f.ITT)
	}
}
