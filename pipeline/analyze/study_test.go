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

type studyRow struct {
	scenario                          string
	effect                            float64
	reps                              int
	mean, sd, meanSE, coverage, rejct float64
}

func runStudy(reps, boot int, effect float64, control string) studyRow {
	m := queries.Metric{Name: "sim", Kind: queries.KindDuration, Better: "lower"}
	a := config.Default().Analysis
	a.Bootstrap, a.Control, a.MaxCensored = boot, control, 1
	var ests, ses []float64
	cover, reject := 0, 0
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(r), 2024))
		a.Seed = uint64(r)
		out := estimatePanel(m, simOrg(rng, effect), a)
		h := out.rows[out.headline]
		ests, ses = append(ests, h.Estimate), append(ses, h.StdError)
		if h.CILow <= effect && effect <= h.CIHigh {
			cover++
		}
		if h.PValue < 0.05 {
			reject++
		}
	}
	var row studyRow
	row.scenario, row.effect, row.reps = control, effect, reps
	for i := range ests {
		row.mean += ests[i] / float64(reps)
		row.meanSE += ses[i] / float64(reps)
	}
	for _, e := range ests {
		row.sd += (e - row.mean) * (e - row.mean) / float64(reps-1)
	}
	row.sd = math.Sqrt(row.sd)
	row.coverage, row.rejct = float64(cover)/float64(reps), float64(reject)/float64(reps)
	return row
}

// TestStudy checks the headline estimator's calibration on simulated organisations: with a planted
// effect the 95% intervals cover it about 95% of the time with negligible bias; with none, about
// 5% of estimates are significant. The default run is short (40 replications, looser bounds);
// -study runs 200 per scenario with the acceptance bounds (coverage 92–98%, |bias| < 5% of the
// effect, at most 6% significant under no effect).
func TestStudy(t *testing.T) {
	reps, boot := 40, 199
	covLo, covHi, maxBias, maxReject := 0.85, 1.0, 0.10, 0.15
	if *fullStudy {
		reps, boot = 200, 999
		covLo, covHi, maxBias, maxReject = 0.92, 0.98, 0.05, 0.06
	}
	const effect = -0.2
	var rows []studyRow
	for _, control := range []string{"not_yet_treated", "never_treated"} {
		with := runStudy(reps, boot, effect, control)
		null := runStudy(reps, boot, 0, control)
		rows = append(rows, with, null)
		if with.coverage < covLo || with.coverage > covHi {
			t.Errorf("%s: coverage %.3f outside [%.2f, %.2f]", control, with.coverage, covLo, covHi)
		}
		if bias := math.Abs(with.mean-effect) / math.Abs(effect); bias > maxBias {
			t.Errorf("%s: bias %.1f%% of the effect", control, 100*bias)
		}
		if null.rejct > maxReject {
			t.Errorf("%s: %.1f%% significant with no effect", control, 100*null.rejct)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| control | planted effect | replications | mean estimate | bias (%% of effect) | SD of estimates | mean SE | 95%% CI coverage | significant at 5%% |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		bias := "—"
		if r.effect != 0 {
			bias = fmt.Sprintf("%.1f%%", 100*(r.mean-r.effect)/math.Abs(r.effect))
		}
		fmt.Fprintf(&b, "| %s | %.2f | %d | %.4f | %s | %.4f | %.4f | %.1f%% | %.1f%% |\n",
			r.scenario, r.effect, r.reps, r.mean, bias, r.sd, r.meanSE, 100*r.coverage, 100*r.rejct)
	}
	t.Log(b.String())
}
