package stats

import (
	"math"
	"sort"
)

// LogRankResult is the outcome of a two-group log-rank test.
type LogRankResult struct {
	// Observed and Expected are the numbers of events observed in each group
	// and expected under H0 (R's survdiff obs and exp); the expected counts
	// sum to the observed total.
	Observed, Expected [2]float64
	// Var is the hypergeometric variance of Observed[0] − Expected[0]
	// (R's survdiff var[1, 1]).
	Var float64
	// ChiSq is the log-rank statistic (O₁ − E₁)²/Var, chi-square with 1
	// degree of freedom under H0.
	ChiSq float64
	// P is the p-value P(χ²₁ ≥ ChiSq).
	P float64
}

// LogRank compares the survival curves of two groups of right-censored
// durations (group 1: time1/event1, group 2: time2/event2; event false means
// censored) with the log-rank (Mantel–Haenszel) test, as R's
//
//	survdiff(Surv(time, event) ~ group)          (rho = 0)
//
// At each distinct event time t_j of the pooled sample, with n_j at risk
// (n_1j of them in group 1) and d_j events,
//
//	E₁ = Σ d_j·n_1j/n_j
//	V  = Σ d_j·(n_1j/n_j)·(1 − n_1j/n_j)·(n_j − d_j)/(n_j − 1)
//	χ² = (O₁ − E₁)²/V,   P = P(χ²₁ ≥ χ²).
//
// Observations with a NaN time are dropped. Assumptions: independent,
// non-informative censoring; the test is most powerful against proportional
// hazards. Source: Mantel (1966); Peto & Peto (1972); Therneau & Grambsch
// (2000), §2.3; R survival::survdiff.
//
// LogRank panics if a time slice and its event slice differ in length; it
// returns ErrEmptyCell if a group has no observation and ErrNoVariation if V
// is zero (for example when there is no event at all).
func LogRank(time1 []float64, event1 []bool, time2 []float64, event2 []bool) (res LogRankResult, err error) {
	if len(time1) != len(event1) || len(time2) != len(event2) {
		panic("stats: length mismatch")
	}
	res.ChiSq, res.P = math.NaN(), math.NaN()
	type obs struct {
		t float64
		g int
		e bool
	}
	data := make([]obs, 0, len(time1)+len(time2))
	var size [2]int
	for g, tt := range [2][]float64{time1, time2} {
		ev := event1
		if g == 1 {
			ev = event2
		}
		for i, t := range tt {
			if math.IsNaN(t) {
				continue
			}
			data = append(data, obs{t, g, ev[i]})
			size[g]++
		}
	}
	if size[0] == 0 || size[1] == 0 {
		return res, ErrEmptyCell
	}
	sort.Slice(data, func(a, b int) bool { return data[a].t < data[b].t })
	atRisk := [2]float64{float64(size[0]), float64(size[1])}
	for i := 0; i < len(data); {
		var d, left [2]float64
		j := i
		for ; j < len(data) && data[j].t == data[i].t; j++ {
			if data[j].e {
				d[data[j].g]++
			}
			left[data[j].g]++
		}
		dt := d[0] + d[1]
		if dt > 0 {
			n := atRisk[0] + atRisk[1]
			f := atRisk[0] / n
			res.Observed[0] += d[0]
			res.Observed[1] += d[1]
			res.Expected[0] += dt * f
			res.Expected[1] += dt * (1 - f)
			if n > 1 {
				res.Var += dt * f * (1 - f) * (n - dt) / (n - 1)
			}
		}
		atRisk[0] -= left[0]
		atRisk[1] -= left[1]
		i = j
	}
	if !(res.Var > 0) {
		return res, ErrNoVariation
	}
	o := res.Observed[0] - res.Expected[0]
	res.ChiSq = o * o / res.Var
	res.P = math.Erfc(math.Sqrt(res.ChiSq / 2)) // P(χ²₁ ≥ x) = 2Φ(−√x)
	return res, nil
}
