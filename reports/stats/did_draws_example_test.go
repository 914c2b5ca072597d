package stats_test

import (
	"fmt"
	"math"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// Two metrics estimated on the same four teams share their bootstrap weights: the draws of their
// sum carry the metrics' correlation. Here the teams that lower one metric raise the other, so
// the sum hardly varies though each metric does.
func ExampleMultiplierDraws() {
	w := stats.NewClusterWeights(2000, 1)
	teams := []string{"api", "db", "edge", "web"}
	a := stats.MultiplierDraws(-0.2, []float64{2, -1, 3, -2}, teams, w, 1)
	b := stats.MultiplierDraws(0.1, []float64{-2, 1, -3, 2}, teams, w, 1)
	sd := func(d []float64) float64 {
		var m, v float64
		for _, x := range d {
			m += x
		}
		m /= float64(len(d))
		for _, x := range d {
			v += (x - m) * (x - m)
		}
		return math.Sqrt(v / float64(len(d)-1))
	}
	sum := make([]float64, len(a))
	for i := range a {
		sum[i] = a[i] + b[i]
	}
	fmt.Printf("analytic SE %.3f; bootstrap SD a %.3f, b %.3f, a+b %.3f\n", math.Sqrt(4+1+9+4)/4, sd(a), sd(b), sd(sum))
	// Output:
	// analytic SE 1.061; bootstrap SD a 1.090, b 1.090, a+b 0.000
}
