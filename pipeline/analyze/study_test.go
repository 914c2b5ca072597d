package analyze

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
)

// go test ./pipeline/analyze -run Study -study   runs the full study (200 organisations per
// scenario, 999 bootstrap draws) and prints the table of docs/simulation-study.md.
var fullStudy = flag.Bool("study", false, "run the full simulation study (200 replications per scenario)")

// simOrg simulates one organisation at the panel level, as metrics.Panels would return it: 60
// teams over 24 months, four cohorts of 10 teams trained in months 6, 9, 12 and 15 (first whole
// post-washout month one later; the washout month is not in the panel), 20 teams never trained.
// Each cell is the mean log duration of 3–12 events: team effect N(0, 0.5²), a common trend
// (random walk), a team-specific drift N(0, 0.01²) per month, cell noise N(0, 0.4²/n) and the
// planted effect on every treated cell.
func simOrg(rng *rand.Rand, effect float64) *metrics.Panel {
	p := &metrics.Panel{Metric: "sim"}
	trend := make([]float64, 25)
	for t := 1; t <= 24; t++ {
		trend[t] = trend[t-1] + rng.NormFloat64()*0.1
	}
	for u := range 60 {
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		treatedPeriod := 0
		if u < 40 {
			treatedPeriod = 6 + 3*(u/10)
		}
		g := 0
		if treatedPeriod > 0 {
			g = treatedPeriod + 1
		}
		fe, drift := rng.NormFloat64()*0.5, rng.NormFloat64()*0.01
		for t := 1; t <= 24; t++ {
			if treatedPeriod > 0 && t >= treatedPeriod && t < g {
				continue // washout
			}
			n := 3 + rng.IntN(10)
			y := 2 + fe + trend[t] + drift*float64(t) + rng.NormFloat64()*0.4/math.Sqrt(float64(n))
			if g > 0 && t >= g {
				y += effect
			}
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g,
				TreatedPeriod: treatedPeriod, N: int64(n), MeanLog: y})
		}
	}
	return p
}

// simFewTreated simulates the harder case the demo organisation looks like: a share of rare events
// (a ticket whose priority was raised) in monthly cells of a few events, and only three treated
// teams per cohort. 36 teams over 18 months; cohorts of 3 teams trained in months 4, 8, 12 and 16
// (the fifth cohort, month 20, falls after the panel and stays untrained with the 21 others).
// Each team has its own rate p_u = 0.07·exp(N(0, 0.2²)) and its own volume, a Poisson number of
// events per month with mean 10·exp(N(0, 0.5²)) (empty months have no cell); the cell outcome is
// the share of its events that happen, and the planted effect is added to p_u in treated cells.
func simFewTreated(rng *rand.Rand, effect float64) *metrics.Panel {
	p := &metrics.Panel{Metric: "sim"}
	for u := range 36 {
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		treatedPeriod := 0
		if u < 15 {
			treatedPeriod = 4 + 4*(u/3)
		}
		g := 0
		if treatedPeriod > 0 {
			g = treatedPeriod + 1
		}
		pu := 0.07 * math.Exp(0.2*rng.NormFloat64())
		volume := 10 * math.Exp(0.5*rng.NormFloat64())
		for t := 1; t <= 18; t++ {
			if treatedPeriod > 0 && t >= treatedPeriod && t < g {
				continue // washout
			}
			n := poisson(rng, volume)
			if n == 0 {
				continue
			}
			pt := pu
			if g > 0 && t >= g {
				pt += effect
			}
			k := 0
			for range n {
				if rng.Float64() < pt {
					k++
				}
			}
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: treatedPeriod,
				N: int64(n), Mean: float64(k) / float64(n)})
		}
	}
	return p
}

// poisson draws from Poisson(mean) by multiplying uniforms (Knuth); fine for small means.
func poisson(rng *rand.Rand, mean float64) int {
	limit, k, prod := math.Exp(-mean), 0, rng.Float64()
	for prod > limit {
		k++
		prod *= rng.Float64()
	}
	return k
}

// scenario is one design of the study: how an organisation's panel is simulated, the metric kind
// it is analysed as, and the planted effect on the estimate's scale.
type scenario struct {
	name   string
	kind   queries.Kind
	effect float64
	sim    func(rng *rand.Rand, effect float64) *metrics.Panel
	// biasAsShare holds the bias to maxBias × the effect (else to three Monte Carlo errors).
	biasAsShare bool
	// pretrend, when set, simulates the scenario with a linear differential pre-trend (the
	// pre-trend test's power is measured on it); metric overrides the analysed metric's header and
	// anticipation the configuration's.
	pretrend     func(rng *rand.Rand) *metrics.Panel
	metric       *queries.Metric
	anticipation int
}

// realSlope is the linear pre-trend (log scale, per month) the realistic scenario's pre-trend
// power is measured against.
const realSlope = 0.1

var realMetric = queries.Metric{Name: "sim", Kind: queries.KindDuration, Better: "lower", Unit: "hours",
	Outcome: queries.OutcomeRestrictedMeanLog, Horizon: realHorizon}

var scenarios = []scenario{
	{name: "durations, 10 treated teams a cohort", kind: queries.KindDuration, effect: -0.2, sim: simOrg, biasAsShare: true},
	{name: "rare share, 3 treated teams a cohort", kind: queries.KindProportion, effect: -0.02, sim: simFewTreated},
	{name: "month cohorts of 1–6 teams, open items, dropouts, heterogeneous effects, anticipation", kind: queries.KindDuration,
		effect: -0.2, biasAsShare: true, metric: &realMetric, anticipation: 1,
		sim:      func(rng *rand.Rand, effect float64) *metrics.Panel { return simRealistic(rng, effect, 0) },
		pretrend: func(rng *rand.Rand) *metrics.Panel { return simRealistic(rng, 0, realSlope) }},
}

type studyRow struct {
	scenario, control                 string
	effect                            float64
	reps                              int
	mean, sd, meanSE, coverage, rejct float64
	// pretrend is the share of replications whose pre-trend test rejected at 5% (NaN: not run).
	pretrend float64
}

func runStudy(sc scenario, reps, boot int, effect float64, control string) studyRow {
	return runStudyOn(sc, reps, boot, effect, control, func(rng *rand.Rand) *metrics.Panel { return sc.sim(rng, effect) })
}

func runStudyOn(sc scenario, reps, boot int, effect float64, control string, sim func(*rand.Rand) *metrics.Panel) studyRow {
	m := queries.Metric{Name: "sim", Kind: sc.kind, Better: "lower"}
	if sc.metric != nil {
		m = *sc.metric
	}
	a := config.Default().Analysis
	a.Bootstrap, a.Control, a.MaxCensored, a.Anticipation = boot, control, 1, sc.anticipation
	var ests, ses []float64
	cover, reject, pre, preRun := 0, 0, 0, 0
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(r), 2024))
		a.Seed = uint64(r)
		out := estimatePanel(m, sim(rng), a)
		h := out.rows[out.headline]
		ests, ses = append(ests, h.Estimate), append(ses, h.StdError)
		if h.CILow <= effect && effect <= h.CIHigh {
			cover++
		}
		if h.PValue < 0.05 {
			reject++
		}
		if !math.IsNaN(h.PretrendP) {
			preRun++
			if h.PretrendP < 0.05 {
				pre++
			}
		}
	}
	var row studyRow
	row.scenario, row.control, row.effect, row.reps = sc.name, control, effect, reps
	for i := range ests {
		row.mean += ests[i] / float64(reps)
		row.meanSE += ses[i] / float64(reps)
	}
	for _, e := range ests {
		row.sd += (e - row.mean) * (e - row.mean) / float64(reps-1)
	}
	row.sd = math.Sqrt(row.sd)
	row.coverage, row.rejct = float64(cover)/float64(reps), float64(reject)/float64(reps)
	row.pretrend = math.NaN()
	if preRun == reps {
		row.pretrend = float64(pre) / float64(reps)
	}
	return row
}

// TestStudy checks the headline estimator's calibration on simulated organisations: with a planted
// effect the 95% intervals cover it about 95% of the time with negligible bias; with none, about
// 5% of estimates are significant; in the realistic scenario the pre-trend test rejects about 5%
// under parallel trends and most organisations with a linear pre-trend. The default run is short
// (40 replications, looser bounds); -study runs 200 per scenario with the acceptance bounds
// (coverage 92–98%, |bias| < 5% of the effect, at most 6% significant under no effect; on the
// realistic scenario issue 19's: coverage 93–97%, 3–7% significant under no effect, the pre-trend
// test rejecting 3–7% under parallel trends and at least half of the organisations with a pre-trend
// of realSlope a month).
func TestStudy(t *testing.T) {
	reps, boot := 40, 199
	covLo, covHi, maxBias, maxReject := 0.85, 1.0, 0.10, 0.15
	preLo, preHi, minPower := 0.0, 0.15, 0.4
	if *fullStudy {
		reps, boot = 200, 999
		covLo, covHi, maxBias, maxReject = 0.92, 0.98, 0.05, 0.06
		preLo, preHi, minPower = 0.03, 0.07, 0.5
	}
	var rows []studyRow
	for _, sc := range scenarios {
		for _, control := range []string{"not_yet_treated", "never_treated"} {
			with := runStudy(sc, reps, boot, sc.effect, control)
			null := runStudy(sc, reps, boot, 0, control)
			rows = append(rows, with, null)
			name := sc.name + ", " + control
			lo, hi := covLo, covHi
			if *fullStudy && sc.pretrend != nil {
				lo, hi = 0.93, 0.97 // issue 19's bounds, held on the realistic scenario
			}
			if with.coverage < lo || with.coverage > hi {
				t.Errorf("%s: coverage %.3f outside [%.2f, %.2f]", name, with.coverage, lo, hi)
			}
			// The headline scenario's bias is held to a share of the effect; the small-sample one,
			// whose estimates spread twice as wide as its effect, to its Monte Carlo error.
			bias := math.Abs(with.mean - sc.effect)
			if sc.biasAsShare && bias/math.Abs(sc.effect) > maxBias {
				t.Errorf("%s: bias %.1f%% of the effect", name, 100*bias/math.Abs(sc.effect))
			}
			if mc := 3 * with.sd / math.Sqrt(float64(with.reps)); !sc.biasAsShare && bias > mc {
				t.Errorf("%s: bias %.4f beyond three Monte Carlo standard errors (%.4f)", name, bias, mc)
			}
			if null.rejct > maxReject && !(*fullStudy && sc.pretrend != nil) {
				t.Errorf("%s: %.1f%% significant with no effect", name, 100*null.rejct)
			}
			if sc.pretrend == nil {
				continue
			}
			// Issue 19, item 7: the pre-trend test's size under parallel trends and its power
			// against a linear pre-trend; the no-effect rate held to 3–7% in the full run.
			if *fullStudy && (null.rejct < 0.03 || null.rejct > 0.07) {
				t.Errorf("%s: %.1f%% significant with no effect, want 3–7%%", name, 100*null.rejct)
			}
			for _, r := range []studyRow{with, null} {
				if math.IsNaN(r.pretrend) || r.pretrend < preLo || r.pretrend > preHi {
					t.Errorf("%s (effect %v): pre-trend test rejected %.1f%% under parallel trends, want %.0f–%.0f%%", name, r.effect, 100*r.pretrend, 100*preLo, 100*preHi)
				}
			}
			power := runStudyOn(sc, reps, boot, 0, control, sc.pretrend)
			power.scenario = sc.name + fmt.Sprintf(" — linear pre-trend %.2f/month", realSlope)
			rows = append(rows, power)
			if power.pretrend < minPower {
				t.Errorf("%s: pre-trend test rejected only %.1f%% with a linear pre-trend of %.2f/month", name, 100*power.pretrend, realSlope)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| scenario | control | planted effect | replications | mean estimate | bias (%% of effect) | SD of estimates | mean SE | 95%% CI coverage | significant at 5%% | pre-trend test rejects |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		bias := "—"
		if r.effect != 0 {
			bias = fmt.Sprintf("%.1f%%", 100*(r.mean-r.effect)/math.Abs(r.effect))
		}
		pre := "—"
		if !math.IsNaN(r.pretrend) {
			pre = fmt.Sprintf("%.1f%%", 100*r.pretrend)
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f | %d | %.4f | %s | %.4f | %.4f | %.1f%% | %.1f%% | %s |\n",
			r.scenario, r.control, r.effect, r.reps, r.mean, bias, r.sd, r.meanSE, 100*r.coverage, 100*r.rejct, pre)
	}
	t.Log(b.String())
}

// TestFewTreatedTeamsFalsePositives: with three treated teams a cohort, the normal reference the
// influence-function SE is usually paired with calls about 11% of no-effect estimates significant
// at 5%; the Student-t reference with Satterthwaite degrees of freedom (DiDResult.DF) brings that
// back to about 5%. 1,000 organisations with analytic SEs (the bootstrap SE is close to it).
func TestFewTreatedTeamsFalsePositives(t *testing.T) {
	const reps = 1000
	m := queries.Metric{Name: "sim", Kind: queries.KindProportion, Better: "lower"}
	a := config.Default().Analysis
	a.Bootstrap, a.MaxCensored = 0, 1
	var tRej, zRej int
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(r), 7))
		out := estimatePanel(m, simFewTreated(rng, 0), a)
		h := out.rows[out.headline]
		if h.PValue < 0.05 {
			tRej++
		}
		if PValue(h.Estimate, h.StdError) < 0.05 {
			zRej++
		}
	}
	tRate, zRate := float64(tRej)/reps, float64(zRej)/reps
	t.Logf("significant at 5%% with no effect: %.1f%% (t reference), %.1f%% (normal reference)", 100*tRate, 100*zRate)
	if tRate > 0.07 || tRate < 0.02 {
		t.Errorf("t reference: %.1f%% significant with no effect, want 2–7%%", 100*tRate)
	}
	if zRate <= tRate {
		t.Errorf("the normal reference (%.1f%%) should reject more often than t (%.1f%%)", 100*zRate, 100*tRate)
	}
}
