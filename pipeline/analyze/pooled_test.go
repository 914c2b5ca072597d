package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// clusteredWindows simulates the before/after windows of 18 treated teams with no change on
// average: each team has its own level (share p_u = 0.1·exp(N(0, 0.3²)), or a per-event count
// rate λ_u = exp(N(0, 0.3²))) and its own change between the windows (×exp(N(0, 0.3²)), mean zero
// on the log scale), and a Poisson(60) number of events per window. Events of a team are
// correlated through the team; a test treating them as independent is too often significant.
func clusteredWindows(rng *rand.Rand, kind queries.Kind) []metrics.Window {
	var ws []metrics.Window
	for u := range 18 {
		level := math.Exp(0.3 * rng.NormFloat64())
		for k, post := range []bool{false, true} {
			l := level
			if k == 1 {
				l *= math.Exp(0.3 * rng.NormFloat64())
			} else {
				l *= math.Exp(0.3 * rng.NormFloat64())
			}
			n := poisson(rng, 60)
			var total float64
			for range n {
				if kind == queries.KindProportion {
					if rng.Float64() < math.Min(0.1*l, 1) {
						total++
					}
				} else {
					total += float64(poisson(rng, l))
				}
			}
			ws = append(ws, metrics.Window{Unit: fmt.Sprintf("u%02d", u), Post: post, N: int64(n), Total: total, Mean: total / math.Max(float64(n), 1)})
		}
	}
	return ws
}

// TestPooledTestsRespectClusters pins item 3 of issue 19: on teams whose events share the team's
// level and change, the cluster-robust two-proportion and rate-ratio rows are significant in
// about 5% of no-change comparisons, where the event-level tests they replace (stats.TwoProportion,
// stats.PoissonRateRatio) are far more often. 400 replications each (binomial SE 1.1 points).
func TestPooledTestsRespectClusters(t *testing.T) {
	a := config.Default().Analysis
	for _, kind := range []queries.Kind{queries.KindProportion, queries.KindCount} {
		m := queries.Metric{Name: "sim", Kind: kind, Better: "lower"}
		const reps = 400
		var clustered, naive int
		for r := range reps {
			ws := clusteredWindows(rand.New(rand.NewPCG(uint64(r), 3)), kind)
			row := pooledTest(m, ws, a)
			if math.IsNaN(row.PValue) {
				t.Fatalf("%s: no p-value: %v", kind, row.Flags)
			}
			if !(row.CILow <= row.Estimate && row.Estimate <= row.CIHigh) || (row.PValue < a.Alpha) != (row.CILow > 0 || row.CIHigh < 0) {
				t.Fatalf("%s: interval [%v, %v] and p %v disagree", kind, row.CILow, row.CIHigh, row.PValue)
			}
			if row.PValue < a.Alpha {
				clustered++
			}
			var x, n [2]float64
			for _, w := range ws {
				k := 0
				if w.Post {
					k = 1
				}
				x[k] += w.Total
				n[k] += float64(w.N)
			}
			var p float64
			if kind == queries.KindProportion {
				tp, _ := stats.TwoProportion(int(x[1]), int(n[1]), int(x[0]), int(n[0]), 0.95, false)
				p = tp.P
			} else {
				_, _, _, p, _ = stats.PoissonRateRatio(int(x[1]), n[1], int(x[0]), n[0], 0.95)
			}
			if p < a.Alpha {
				naive++
			}
		}
		c, nv := float64(clustered)/reps, float64(naive)/reps
		t.Logf("%s: cluster-robust %.1f%% significant, event-level %.1f%%", kind, 100*c, 100*nv)
		if c < 0.02 || c > 0.09 {
			t.Errorf("%s: cluster-robust test significant in %.1f%% of no-change comparisons, want 2–9%%", kind, 100*c)
		}
		if nv < 2*c {
			t.Errorf("%s: the event-level test (%.1f%%) should over-reject clearly here (cluster-robust %.1f%%)", kind, 100*nv, 100*c)
		}
	}
}

// clusteredDurations simulates the durations of 18 treated teams before and after treatment with
// no change on average: log-normal durations with a team effect N(0, 0.4²), a team-specific
// change N(0, 0.3²) and event noise N(0, 1), 40 events a window, the longest 5% still open.
func clusteredDurations(rng *rand.Rand) *metrics.SurvivalData {
	sd := &metrics.SurvivalData{}
	for k := range 2 {
		sd.Windows[k] = &metrics.Durations{}
	}
	for u := range 18 {
		sd.Units.IDs = append(sd.Units.IDs, fmt.Sprintf("u%02d", u))
		fe := 0.4 * rng.NormFloat64()
		for k := range 2 {
			shift := 0.3 * rng.NormFloat64()
			d := sd.Windows[k]
			for range 40 {
				v := math.Round(100*math.Exp(2+fe+shift+rng.NormFloat64())) / 100
				open := v > 60
				if open {
					v = 60
				}
				d.Value, d.Event, d.Count, d.Unit = append(d.Value, v), append(d.Event, !open), append(d.Count, 1), append(d.Unit, u)
				d.NEvents++
			}
		}
	}
	return sd
}

// TestKaplanMeierClusterBootstrap pins the Kaplan–Meier row of item 3: its interval and p-value
// come from one cluster-bootstrap SE (the interval excludes 0 exactly when p < α), and on teams
// with their own levels and changes it is significant in about 5% of no-change comparisons, where
// the log-rank test over events is far more often. 80 replications (binomial SE 2.4 points).
func TestKaplanMeierClusterBootstrap(t *testing.T) {
	a := config.Default().Analysis
	m := queries.Metric{Name: "sim", Kind: queries.KindDuration, Better: "lower"}
	const reps = 80
	var clustered, logrank int
	for r := range reps {
		sd := clusteredDurations(rand.New(rand.NewPCG(uint64(r), 5)))
		row := kaplanMeier(m, sd, a)
		if math.IsNaN(row.PValue) {
			t.Fatalf("no p-value: %v", row.Flags)
		}
		if (row.PValue < a.Alpha) != (row.CILow > 0 || row.CIHigh < 0) {
			t.Fatalf("interval [%v, %v] and p %v test different things", row.CILow, row.CIHigh, row.PValue)
		}
		if row.NTreatedUnits != 18 {
			t.Fatalf("%d units, want 18", row.NTreatedUnits)
		}
		if row.PValue < a.Alpha {
			clustered++
		}
		var tt [2][]float64
		var ee [2][]bool
		for k, d := range sd.Windows {
			tt[k], ee[k] = d.Value, d.Event
		}
		if lr, err := stats.LogRank(tt[1], ee[1], tt[0], ee[0]); err == nil && lr.P < a.Alpha {
			logrank++
		}
	}
	c, lr := float64(clustered)/reps, float64(logrank)/reps
	t.Logf("Kaplan–Meier: cluster bootstrap %.1f%% significant, log-rank over events %.1f%%", 100*c, 100*lr)
	if c > 0.1 {
		t.Errorf("cluster-bootstrap Kaplan–Meier significant in %.1f%% of no-change comparisons, want at most 10%%", 100*c)
	}
	if lr < 2*c || lr < 0.15 {
		t.Errorf("log-rank over events (%.1f%%) should over-reject clearly here (cluster bootstrap %.1f%%)", 100*lr, 100*c)
	}
}
