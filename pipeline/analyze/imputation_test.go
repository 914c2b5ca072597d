package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
)

// recoveryMetric is failed_deployment_recovery_hours as the catalog declares it.
var recoveryMetric = queries.Metric{Name: "failed_deployment_recovery_hours", Kind: queries.KindDuration, Better: "lower",
	Unit: "hours", Outcome: queries.OutcomeRestrictedMeanLog, Horizon: 72}

// simRecovery simulates what the demo organisation gives failed_deployment_recovery_hours: 99
// teams over 24 months, five cohorts of 11 teams trained every four months from month 6 (one month
// of washout) and 44 never trained; a team-month has a Poisson(0.17) number of failed deployments
// (one team-month in seven has one or more); each recovery takes exp(N(μ_u + trend_t, 0.8²))
// hours, capped at the 72-hour horizon; the planted effect multiplies the treated teams' recovery
// times after training by exp(effect).
func simRecovery(rng *rand.Rand, effect float64) *metrics.Panel {
	p := &metrics.Panel{Metric: recoveryMetric.Name}
	for u := range 99 {
		p.Units = append(p.Units, fmt.Sprintf("t%02d", u))
		tp, g := 0, 0
		if u < 55 {
			tp = 6 + 4*(u%5)
			g = tp + 1
		}
		mu := math.Log(5) + 0.3*rng.NormFloat64()
		for t := 1; t <= 24; t++ {
			if tp > 0 && t >= tp && t < g {
				continue
			}
			n := poisson(rng, 0.17)
			if n == 0 {
				continue
			}
			var s float64
			for range n {
				v := mu + 0.01*float64(t) + 0.8*rng.NormFloat64()
				if g > 0 && t >= g {
					v += effect
				}
				s += math.Log(math.Max(math.Min(math.Exp(v), 72), 0.01))
			}
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: tp,
				N: int64(n), NH: int64(n), MeanLogH: s / float64(n), MeanLog: s / float64(n)})
		}
	}
	return p
}

// Thin cells are estimated by the imputation estimator: on organisations like the demo's, the
// headline row of a rare-event duration carries FlagImputation, no event-time rows, an interval
// that covers the planted effect at about the nominal rate, and with nothing planted rejects about
// as often as its level says.
func TestThinCellsImputed(t *testing.T) {
	a := config.Default().Analysis
	a.Bootstrap = 0
	const reps = 40
	for _, effect := range []float64{math.Log(0.8), 0} {
		var flagged, cover, reject int
		var sum float64
		for rep := range uint64(reps) {
			rng := rand.New(rand.NewPCG(rep, 2026))
			out := estimatePanel(recoveryMetric, simRecovery(rng, effect), a)
			h := out.rows[out.headline]
			if !slices.Contains(h.Flags, FlagImputation) {
				continue
			}
			flagged++
			for _, r := range out.rows {
				if r.Aggregation == AggEventTime || r.Aggregation == AggDynamic {
					t.Fatalf("imputation row with event-time rows: %+v", r)
				}
			}
			if h.PretrendNote != imputationNote || h.NTreatedUnits < 20 || h.NControlUnits < 30 {
				t.Errorf("row %+v", h)
			}
			sum += h.Estimate
			if h.CILow <= effect && effect <= h.CIHigh {
				cover++
			}
			if h.PValue < a.Alpha {
				reject++
			}
		}
		// Nearly every replication is thin (the reason for the estimator); a few may not be.
		if flagged < reps*3/4 {
			t.Fatalf("effect %.3f: %d of %d replications imputed", effect, flagged, reps)
		}
		if m := sum / float64(flagged); math.Abs(m-effect) > 0.06 {
			t.Errorf("effect %.3f: mean estimate %.3f", effect, m)
		}
		// 40 replications: 95% coverage has an SD of 3.4 points; below 85% is three SDs off.
		if c := float64(cover) / float64(flagged); c < 0.85 {
			t.Errorf("effect %.3f: coverage %.0f%% (%d of %d)", effect, 100*c, cover, flagged)
		}
		if effect == 0 && reject > flagged*15/100 {
			t.Errorf("placebo: %d of %d rejected at %.2f", reject, flagged, a.Alpha)
		}
		t.Logf("effect %.3f: %d imputed, mean %.3f, coverage %d, rejections %d", effect, flagged, sum/float64(flagged), cover, reject)
	}
}

// A dense panel is not thin and keeps Callaway & Sant'Anna's estimate and its event study.
func TestDenseNotImputed(t *testing.T) {
	a := config.Default().Analysis
	a.Bootstrap = 0
	out := estimatePanel(recoveryMetric, simOrgRestricted(rand.New(rand.NewPCG(1, 1))), a)
	h := out.rows[out.headline]
	if slices.Contains(h.Flags, FlagImputation) || math.IsNaN(h.Estimate) {
		t.Fatalf("dense panel: %+v", h)
	}
	var events int
	for _, r := range out.rows {
		if r.Aggregation == AggEventTime {
			events++
		}
	}
	if events == 0 {
		t.Error("dense panel without event-time rows")
	}
}

// simOrgRestricted is a dense panel of the restricted outcome: every team-month has events.
func simOrgRestricted(rng *rand.Rand) *metrics.Panel {
	p := &metrics.Panel{Metric: recoveryMetric.Name}
	for u := range 60 {
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		tp, g := 0, 0
		if u < 40 {
			tp = 6 + 3*(u/10)
			g = tp + 1
		}
		for t := 1; t <= 24; t++ {
			if tp > 0 && t >= tp && t < g {
				continue
			}
			n := 3 + rng.IntN(10)
			y := 2 + rng.NormFloat64()*0.4/math.Sqrt(float64(n))
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: tp,
				N: int64(n), NH: int64(n), MeanLogH: y, MeanLog: y})
		}
	}
	return p
}
