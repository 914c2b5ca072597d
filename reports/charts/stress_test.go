package charts

import (
	"math"
	"testing"
	"time"
)

// TestStressExamples renders awkward inputs (many months, long labels, one point, a cost far
// above the benefits, identical durations), checks them like every chart and writes them for a
// person to look at (with TRAINIMPACT_CHARTS_OUT).
func TestStressExamples(t *testing.T) {
	var cs []CohortTeams
	for i := range 20 {
		cs = append(cs, CohortTeams{Month: time.Date(2025, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC), Teams: (i * 7) % 5})
	}
	c, err := cohortTimeline("Teams trained, by month their lead completed the program", "team", "teams", cs)
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "stress-cohort", c)
	check(t, c, "Jan 2025", "Aug 2026")
	f, err := forest("Effect of the training on every measure we track across the engineering organisation, 2026-Q3", "change vs comparison units (%)", []Interval{
		{Label: "Median time to resolve a high-severity incident (business hours)", Estimate: -0.05, Low: -0.9, High: 1.5},
		{Label: "x", Estimate: 0.001, Low: 0, High: 0.002},
	})
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "stress-forest", f)
	check(t, f, "high-severity incident (business", "-5% (-90% to +150%)", "+150%")
	e, err := eventStudy("One point", "Change (percentage points)", []EventPoint{{RelPeriod: 2, Estimate: 0.4, Low: 0.1, High: 0.9}})
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "stress-event", e)
	check(t, e, "Training", "Change (percentage points)")
	r, err := roiBreakdown("Cost above everything", "USD", []Interval{{Label: "A", Estimate: -5000, Low: -20000, High: 9000}, {Label: "B", Estimate: 1200, Low: math.NaN(), High: math.NaN()}}, 2.5e6)
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "stress-roi", r)
	check(t, r, "Program cost USD 2,500,000", "2.5M", "USD -5,000 (-20,000 to 9,000)")
	d, err := distribution("All equal", "minutes", []float64{5, 5, 5}, []float64{5})
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "stress-dist", d)
	check(t, d, "2", "5", "10", "n = 1, median 5 minutes")
}

// check renders f as SVG and checks it like every chart.
func check(t *testing.T, f *figure, texts ...string) {
	t.Helper()
	ch, err := f.svg()
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, ch, f.title, texts...)
}
