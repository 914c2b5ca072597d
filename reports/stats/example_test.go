package stats_test

// The outputs of the non-bootstrap examples were checked against R 4.2.2
// (stats, survival 3.5.3): wilcox.test, survfit, survdiff, poisson.test,
// prop.test, p.adjust and quantile on the same data. The bootstrap examples
// depend on the seed and show reproducibility.

import (
	"fmt"
	"math/rand/v2"

	"github.com/trainimpact/trainimpact/reports/stats"
)

func ExampleQuantile7() {
	// Sorted hours to resolve; R's quantile(x, 0.9) and numpy's default.
	x := []float64{1, 2, 2, 3, 5, 8, 13, 21}
	fmt.Printf("%.2f\n", stats.Quantile7(0.9, x))
	// Output:
	// 15.40
}

func ExampleQuantile1() {
	// The inverse of the empirical CDF: always one of the data values.
	x := []float64{1, 2, 2, 3, 5, 8, 13, 21}
	fmt.Println(stats.Quantile1(0.9, x))
	// Output:
	// 21
}

func ExampleSignedRank() {
	// Per-team change in median hours to resolve, after − before training.
	d := []float64{-3.1, -0.4, -2.2, 0.8, -1.5, -4.0, -0.9, -2.7, 1.1, -1.8}
	res, err := stats.SignedRank(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("V = %g, n = %d, exact = %v, p = %.4f\n", res.V, res.N, res.Exact, res.P)
	// Output:
	// V = 6, n = 10, exact = true, p = 0.0273
}

func ExampleHodgesLehmannCI() {
	d := []float64{-3.1, -0.4, -2.2, 0.8, -1.5, -4.0, -0.9, -2.7, 1.1, -1.8}
	est, lo, hi, err := stats.HodgesLehmannCI(d, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pseudo-median %.2f, 95%% CI [%.2f, %.2f]\n", est, lo, hi)
	// Output:
	// pseudo-median -1.55, 95% CI [-2.70, -0.35]
}

func ExampleHodgesLehmann() {
	est, err := stats.HodgesLehmann([]float64{1, 2, 9})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Walsh averages: 1, 1.5, 2, 5, 5.5, 9.
	fmt.Println(est)
	// Output:
	// 3.5
}

func ExampleRankSum() {
	// Hours to resolve in trained vs untrained teams.
	trained := []float64{2.1, 3.4, 1.9, 4.0, 2.7, 3.1}
	untrained := []float64{3.9, 5.2, 4.4, 6.1, 3.6, 4.8, 5.5}
	res, err := stats.RankSum(trained, untrained)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("U = %g, exact = %v, p = %.4f\n", res.U, res.Exact, res.P)
	// Output:
	// U = 2, exact = true, p = 0.0047
}

func ExampleHodgesLehmannShift() {
	est, err := stats.HodgesLehmannShift([]float64{2.1, 3.4, 1.9}, []float64{3.9, 5.2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.2f\n", est)
	// Output:
	// -1.90
}

func ExampleHodgesLehmannShiftCI() {
	trained := []float64{2.1, 3.4, 1.9, 4.0, 2.7, 3.1}
	untrained := []float64{3.9, 5.2, 4.4, 6.1, 3.6, 4.8, 5.5}
	est, lo, hi, err := stats.HodgesLehmannShiftCI(trained, untrained, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("shift %.2f, 95%% CI [%.2f, %.2f]\n", est, lo, hi)
	// Output:
	// shift -1.90, 95% CI [-3.10, -0.80]
}

func ExampleKaplanMeier() {
	// Days to close tickets; false = still open at the cut-off (censored).
	days := []float64{2, 3, 3, 5, 8, 8, 9, 12, 15, 20}
	closed := []bool{true, true, false, true, true, true, false, true, false, false}
	curve, err := stats.KaplanMeier(days, closed, nil, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range curve.Steps[:3] {
		fmt.Printf("t=%g at risk %g S=%.3f [%.3f, %.3f]\n", s.Time, s.AtRisk, s.Surv, s.Lower, s.Upper)
	}
	med, lo, hi := curve.Median()
	fmt.Printf("median %g, 95%% CI [%g, %g]\n", med, lo, hi)
	// Output:
	// t=2 at risk 10 S=0.900 [0.732, 1.000]
	// t=3 at risk 9 S=0.800 [0.587, 1.000]
	// t=5 at risk 7 S=0.686 [0.445, 1.000]
	// median 8, 95% CI [5, NaN]
}

func ExampleKMCurve_Median() {
	// S(t) is exactly 0.5 between t = 2 and t = 3: R's rule takes the midpoint.
	curve, _ := stats.KaplanMeier([]float64{1, 2, 3, 4}, []bool{true, true, true, true}, nil, 0.95)
	med, _, _ := curve.Median()
	fmt.Println(med)
	// Output:
	// 2.5
}

func ExampleLogRank() {
	before := []float64{2, 3, 5, 6, 8, 9, 11, 14}
	beforeClosed := []bool{true, true, true, true, true, false, true, true}
	after := []float64{1, 1, 2, 2, 3, 4, 4, 7}
	afterClosed := []bool{true, true, true, true, true, true, false, true}
	res, err := stats.LogRank(before, beforeClosed, after, afterClosed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("observed %g vs expected %.2f, chi2 = %.2f, p = %.4f\n",
		res.Observed[0], res.Expected[0], res.ChiSq, res.P)
	// Output:
	// observed 7 vs expected 10.14, chi2 = 4.60, p = 0.0319
}

func ExamplePoissonRateRatio() {
	// 12 escalations in 26 team-weeks after training, 30 in 40 before.
	ratio, lo, hi, p, err := stats.PoissonRateRatio(12, 26, 30, 40, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rate ratio %.3f, 95%% CI [%.3f, %.3f], p = %.4f\n", ratio, lo, hi, p)
	// Output:
	// rate ratio 0.615, 95% CI [0.287, 1.238], p = 0.1593
}

func ExampleTwoProportion() {
	// Reopened tickets: 18 of 120 after training, 34 of 130 before.
	res, err := stats.TwoProportion(18, 120, 34, 130, 0.95, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3f − %.3f = %.3f, 95%% CI [%.3f, %.3f], chi2 = %.3f, p = %.4f\n",
		res.P1, res.P2, res.Diff, res.Lower, res.Upper, res.ChiSq, res.P)
	// Output:
	// 0.150 − 0.262 = -0.112, 95% CI [-0.218, -0.005], chi2 = 4.060, p = 0.0439
}

func ExampleBenjaminiHochberg() {
	p := []float64{0.01, 0.04, 0.03, 0.005, 0.2}
	for _, q := range stats.BenjaminiHochberg(p) {
		fmt.Printf("%.4f ", q)
	}
	fmt.Println()
	// Output:
	// 0.0250 0.0500 0.0500 0.0250 0.2000
}

func ExampleMinimumDetectableEffect() {
	// An estimate of -0.04 (log points) with SE 0.012: effects below the
	// MDE could not be told from noise with 80% power at the 5% level.
	fmt.Printf("%.4f\n", stats.MinimumDetectableEffect(0.012, 0.05, stats.DefaultPower))
	// Output:
	// 0.0336
}

func ExampleClusterBootstrapCI() {
	// Before/after differences per unit (one cluster per team; a team may
	// contribute several periods).
	clusters := [][]float64{{-1.2, -0.8}, {0.3}, {-2.0, -1.1, -1.5}, {-0.4}, {-0.9, 0.2}, {-1.7}}
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	lo, hi, err := stats.ClusterBootstrapCI(clusters, mean, 2000, 0.95, rand.NewPCG(2024, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("95%% CI [%.1f, %.1f]\n", lo, hi)
	// Output:
	// 95% CI [-1.4, -0.4]
}

func ExampleClusterBootstrap() {
	// ROI-style statistic over two per-unit quantities: resample units,
	// recompute benefit/cost on the resample.
	benefit := []float64{12, 3, 8, 0, 15, 6}
	cost := []float64{5, 5, 5, 5, 5, 5}
	reps := stats.ClusterBootstrap(len(benefit), 2000, func(idx []int) float64 {
		var b, c float64
		for _, i := range idx {
			b += benefit[i]
			c += cost[i]
		}
		return b / c
	}, rand.NewPCG(7, 7))
	lo, hi, err := stats.PercentileCI(reps, 0.9)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("BCR 90%% CI [%.1f, %.1f]\n", lo, hi)
	// Output:
	// BCR 90% CI [0.8, 2.2]
}

func ExamplePercentileCI() {
	reps := []float64{0.9, 1.1, 1.0, 1.3, 0.8, 1.2, 1.0, 0.95, 1.05, 1.15}
	lo, hi, _ := stats.PercentileCI(reps, 0.8)
	fmt.Printf("[%.3f, %.3f]\n", lo, hi)
	// Output:
	// [0.890, 1.210]
}

func ExampleKMCurve_Quantile() {
	days := []float64{2, 3, 3, 5, 8, 8, 9, 12, 15, 20}
	closed := []bool{true, true, false, true, true, true, false, true, false, false}
	curve, _ := stats.KaplanMeier(days, closed, nil, 0.95)
	q, lo, hi := curve.Quantile(0.25) // time by which 25% are closed
	fmt.Printf("25%% closed by day %g [%g, %g]; still open at day 10: %.3f\n", q, lo, hi, curve.At(10))
	// Output:
	// 25% closed by day 5 [2, NaN]; still open at day 10: 0.457
}
