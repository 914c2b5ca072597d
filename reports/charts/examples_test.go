package charts

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var forestRows = []Interval{
	{Label: "Incident resolution time", Estimate: -0.21, Low: -0.31, High: -0.09},
	{Label: "Reopened tickets", Estimate: -0.12, Low: -0.27, High: 0.05},
	{Label: "Escalations", Estimate: 0.04, Low: -0.08, High: 0.18},
	{Label: "PR lead time", Estimate: -0.155, Low: -0.30, High: 0.02},
	{Label: "Rework share", Estimate: 0.02, Low: math.NaN(), High: 0.1},
	{Label: "Pages after hours", Estimate: math.NaN(), Low: -0.1, High: 0.1},
}

func TestForestExample(t *testing.T) {
	f, err := forest("Headline estimates, 2026-Q3", "Change vs. teams not yet trained", forestRows)
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "forest", f)
}

// eventPts are in percent, as the report passes them (yLabel "... (%)").
var eventPts = []EventPoint{
	{RelPeriod: -4, Estimate: 3, Low: -8, High: 14},
	{RelPeriod: -3, Estimate: -1, Low: -10, High: 8},
	{RelPeriod: -2, Estimate: 2, Low: -6, High: 10},
	{RelPeriod: -1, Estimate: 0, Low: 0, High: 0},
	{RelPeriod: 0, Estimate: -6, Low: -15, High: 3},
	{RelPeriod: 1, Estimate: -14, Low: -25, High: -3},
	{RelPeriod: 2, Estimate: -19, Low: -31, High: -7},
	{RelPeriod: 3, Estimate: -22, Low: math.NaN(), High: -5},
	{RelPeriod: 4, Estimate: -24, Low: -40, High: -8},
	{RelPeriod: 5, Estimate: -20, Low: -40, High: 0, Suppressed: true},
	{RelPeriod: 6, Estimate: -25, Low: -45, High: -5},
}

func TestEventStudyExample(t *testing.T) {
	f, err := eventStudy("Incident resolution time by month since training", "Change in resolution time (%)", eventPts)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f.alt)
	writeExample(t, "eventstudy", f)
}

func TestCohortExample(t *testing.T) {
	m := func(y int, mo time.Month) time.Time { return time.Date(y, mo, 15, 0, 0, 0, 0, time.UTC) }
	f, err := cohortTimeline("Teams trained by month", "team", "teams", []CohortTeams{
		{Month: m(2026, 1), Teams: 2}, {Month: m(2026, 2), Teams: 3}, {Month: m(2026, 4), Teams: 5},
		{Month: m(2026, 5), Teams: 1}, {Month: m(2026, 5), Teams: 2}, {Month: m(2026, 6), Teams: 4},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f.alt)
	writeExample(t, "cohort", f)
}

func TestROIExample(t *testing.T) {
	f, err := roiBreakdown("Benefit by metric against program cost, 2026-Q3", "EUR", []Interval{
		{Label: "Incident resolution time", Estimate: 182000, Low: 64000, High: 301000},
		{Label: "Escalations", Estimate: 41000, Low: -22000, High: 98000},
		{Label: "Reopened tickets", Estimate: 23500, Low: math.NaN(), High: 50000},
		{Label: "Total", Estimate: 246500, Low: 110000, High: 390000},
	}, 120000)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f.alt)
	writeExample(t, "roi", f)
}

func TestDistributionExample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var pre, post []float64
	for range 400 {
		pre = append(pre, math.Exp(1.6+1.1*rng.NormFloat64()))
		post = append(post, math.Exp(1.35+1.0*rng.NormFloat64()))
	}
	pre = append(pre, math.NaN(), 0, -1)
	f, err := distribution("Incident resolution time before and after training", "hours", pre, post)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f.alt)
	writeExample(t, "distribution", f)
}
