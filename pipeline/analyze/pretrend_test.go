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

// simMonthCohorts simulates the organisations the tool meets: 36 teams over 30 months, 18 of them
// trained in month cohorts of 1–6 teams (sizes 1, 3, 2, 6, 4, 2, first whole post-washout months
// 10, 12, 13, 15, 18, 21), 18 never. Cells are the mean log duration of a Poisson(8) number of
// events (empty months have no cell): team effect N(0, 0.5²), common random-walk trend, cell noise
// N(0, 0.6²/n). pretrend adds slope·(t − g) to the treated teams' cells (a linear differential
// trend that starts before treatment and goes on after it; 0 = parallel trends).
func simMonthCohorts(rng *rand.Rand, effect, slope float64) *metrics.Panel {
	p := &metrics.Panel{Metric: "sim"}
	sizes := []int{1, 3, 2, 6, 4, 2}
	gs := []int{10, 12, 13, 15, 18, 21}
	trend := make([]float64, 31)
	for t := 1; t <= 30; t++ {
		trend[t] = trend[t-1] + rng.NormFloat64()*0.1
	}
	u := 0
	addUnit := func(g int) {
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		fe := rng.NormFloat64() * 0.5
		tp := 0
		if g > 0 {
			tp = g - 1
		}
		for t := 1; t <= 30; t++ {
			if g > 0 && t == tp {
				continue // washout
			}
			n := poisson(rng, 8)
			if n == 0 {
				continue
			}
			y := 2 + fe + trend[t] + rng.NormFloat64()*0.6/math.Sqrt(float64(n))
			if g > 0 {
				y += slope * float64(t-g)
				if t >= g {
					y += effect
				}
			}
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: tp, N: int64(n), MeanLog: y})
		}
		u++
	}
	for c, n := range sizes {
		for range n {
			addUnit(gs[c])
		}
	}
	for range 18 {
		addUnit(0)
	}
	return p
}

// pretrendRates runs the DiD on reps simulated organisations and returns the share whose
// pre-trend test rejected at 5%, whose did Wald test (all pre-treatment cells, χ²) rejected or
// could not run, and whose headline was significant.
func pretrendRates(t *testing.T, reps int, slope float64, control string) (f, wald, sig float64) {
	t.Helper()
	m := queries.Metric{Name: "sim", Kind: queries.KindDuration, Better: "lower"}
	a := config.Default().Analysis
	a.Bootstrap, a.MaxCensored, a.Control = 0, 1, control
	var nf, nw, ns int
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(r), 19))
		p := simMonthCohorts(rng, 0, slope)
		out := estimatePanel(m, p, a)
		h := out.rows[out.headline]
		if math.IsNaN(h.PretrendP) {
			t.Fatalf("replication %d: no pre-trend test: %s", r, h.PretrendNote)
		}
		if h.PretrendP < 0.05 {
			nf++
		}
		if h.PValue < 0.05 {
			ns++
		}
		res, err := estimateDiD(panelOf(p), DiDOptions{NotYetTreated: control != "never_treated", Anticipation: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.PreTrend == nil || res.PreTrend.P < 0.05 {
			nw++
		}
	}
	return float64(nf) / float64(reps), float64(nw) / float64(reps), float64(ns) / float64(reps)
}

// panelOf is the intPanel estimatePanel builds from a panel of durations.
func panelOf(p *metrics.Panel) *intPanel {
	ip := &intPanel{units: len(p.Units)}
	for _, c := range p.Cells {
		ip.add(c.Unit, c.Period, c.Group, c.MeanLog)
	}
	return ip
}

// TestPreTrendSizeMonthCohorts pins item 1 of issue 19: with month cohorts of 1–6 teams (pre-period
// cells about as many as the teams), the pre-trend F test on the event-time averages rejects about
// 5% of organisations with parallel trends (did's Wald test over every cell rejects or fails on
// most of them), and rejects most organisations with a linear differential pre-trend of 0.1 a
// month. 300 replications: the binomial SE of a 5% rate is 1.3 points.
func TestPreTrendSizeMonthCohorts(t *testing.T) {
	const reps = 300
	for _, control := range []string{"not_yet_treated", "never_treated"} {
		size, wald, sig := pretrendRates(t, reps, 0, control)
		power, _, _ := pretrendRates(t, reps/3, 0.1, control)
		t.Logf("%s: pre-trend F rejects %.1f%% under parallel trends (did Wald: %.1f%% rejected or singular), %.1f%% with a 0.1/month pre-trend; headline significant %.1f%%",
			control, 100*size, 100*wald, 100*power, 100*sig)
		if size < 0.02 || size > 0.08 {
			t.Errorf("%s: pre-trend test rejects %.1f%% under parallel trends, want 2–8%%", control, 100*size)
		}
		if power < 0.6 {
			t.Errorf("%s: pre-trend test rejects only %.1f%% with a linear pre-trend of 0.1/month", control, 100*power)
		}
		if wald < 2*size {
			t.Errorf("%s: did's Wald test rejected or failed on %.1f%%, no worse than the F test's %.1f%%: the scenario does not show the problem", control, 100*wald, 100*size)
		}
	}
}

// TestImbalanceCalibrated pins item 6 of issue 19: on organisations with month cohorts of 1–6 teams
// and a strong common trend, the imbalance flag fires on few placebo panels (the former raw-level
// rule fired on most), and on most panels whose treated teams sit 1.5 team-SDs above the others.
func TestImbalanceCalibrated(t *testing.T) {
	const reps = 200
	var placebo, shifted int
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(r), 23))
		p := panelOf(simMonthCohorts(rng, 0, 0))
		for i := range p.y {
			p.y[i] += 0.05 * float64(p.time[i]) // common trend: early cells lower for everyone
		}
		if imbalanced(p) {
			placebo++
		}
		for i := range p.y {
			if p.group[i] > 0 {
				p.y[i] += 0.75
			}
		}
		if imbalanced(p) {
			shifted++
		}
	}
	t.Logf("imbalance flagged on %d of %d placebo panels, %d of %d with treated teams 1.5 SD higher", placebo, reps, shifted, reps)
	if float64(placebo)/reps > 0.05 {
		t.Errorf("imbalance on %.1f%% of placebo panels, want under 5%%", 100*float64(placebo)/reps)
	}
	if float64(shifted)/reps < 0.6 {
		t.Errorf("imbalance on only %.1f%% of panels with a 1.5 SD level difference", 100*float64(shifted)/reps)
	}
}

// TestSmallCohortFlag pins the per-cohort half of item 6: small_cohort is set when more than half of
// the simple aggregation's weight (cohort size × post-treatment cells) rests on cohorts of fewer than
// analysis.min_cell treated units, whatever the total number of treated units.
func TestSmallCohortFlag(t *testing.T) {
	p := simMonthCohorts(rand.New(rand.NewPCG(1, 1)), 0, 0) // cohorts of 1, 3, 2, 6, 4, 2 teams: 18 treated
	res, err := estimateDiD(panelOf(p), DiDOptions{NotYetTreated: true, Anticipation: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !smallCohorts(res, 5) {
		t.Error("cohorts of 1–6 teams with min_cell 5: small_cohort not set")
	}
	if smallCohorts(res, 1) {
		t.Error("min_cell 1: small_cohort set")
	}
	m := queries.Metric{Name: "sim", Kind: queries.KindDuration, Better: "lower"}
	a := config.Default().Analysis
	a.Bootstrap, a.MaxCensored = 0, 1
	h := estimatePanel(m, p, a).rows[0]
	if !slices.Contains(h.Flags, FlagSmallCohort) || slices.Contains(h.Flags, FlagSmallSample) {
		t.Errorf("18 treated teams in small cohorts: flags %v, want small_cohort and not small_sample", h.Flags)
	}
}
