package charts_test

import (
	"fmt"
	"math"

	"github.com/trainimpact/trainimpact/reports/charts"
)

// A forest plot of headline estimates: relative changes as fractions, one row per metric.
func ExampleForest() {
	ch, err := charts.Forest("Effect of the training, 2026-Q3", "Change vs. teams not yet trained", []charts.Interval{
		{Label: "Incident resolution time", Estimate: -0.21, Low: -0.31, High: -0.09},
		{Label: "Escalations", Estimate: 0.04, Low: -0.08, High: 0.18},
		{Label: "Rework share", Estimate: math.NaN()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Alt)
	// Output:
	// Relative change for 2 metrics, with intervals; the dashed line at 0% is no change: Incident resolution time -21% (interval -31% to -9%); Escalations +4% (interval -8% to +18%). Not shown, no estimate: Rework share.
}

// An event study in percent: the unit in the y label's parentheses follows every number of
// the text alternative.
func ExampleEventStudy() {
	ch, err := charts.EventStudy("Resolution time by month since training", "Change (%)", []charts.EventPoint{
		{RelPeriod: -2, Estimate: 1, Low: -6, High: 8},
		{RelPeriod: -1, Estimate: 0, Low: 0, High: 0},
		{RelPeriod: 0, Estimate: -12, Low: -20, High: -4},
		{RelPeriod: 1, Suppressed: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Alt)
	// Output:
	// Change (%) by month since training, with intervals; the dashed line at 0 is no change and month 0 is the first whole month after training and its washout. Before training: month -2 +1% (interval -6% to +8%); month -1 is the reference (0). From training on: month 0 -12% (interval -20% to -4%). Not shown, suppressed because too few people: month 1.
}

// Nothing to draw is ErrNoData.
func ExampleErrNoData() {
	_, err := charts.Distribution("Resolution time", "hours", nil, []float64{math.NaN()})
	fmt.Println(err)
	// Output:
	// charts: distribution "Resolution time": no positive finite value: charts: no data to draw
}
