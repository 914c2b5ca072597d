package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// history simulates an organisation's past: teams × months of a log-duration outcome with team
// levels, a common trend and seasonality, and AR(1) team noise of team-specific scale.
func history(rng *rand.Rand, teams, months int) *analyze.PanelData {
	p := &analyze.PanelData{}
	season := make([]float64, months)
	for t := range season {
		season[t] = 0.1*math.Sin(2*math.Pi*float64(t)/12) - 0.01*float64(t) + 0.05*rng.NormFloat64()
	}
	for i := range teams {
		a, sd, e := rng.NormFloat64()*0.5, 0.15+0.2*rng.Float64(), 0.0
		for t := range months {
			e = 0.4*e + sd*rng.NormFloat64()
			p.Add(fmt.Sprintf("T%02d", i), t, 0, 1.5+a+season[t]+e)
		}
	}
	return p
}

// rollout is month cohorts of 1–6 teams, as trainimpact meets them.
var rollout = Rollout{Cohorts: []int{3, 4, 2, 5, 1, 3}, Offsets: []int{12, 13, 14, 15, 16, 17}}

// TestMDEDetectedAtPower checks that the planted effect at the MDE is detected about 80% of the
// time: MDE from 400 placebo rollouts (month cohorts of 1–6 teams, 18 of 30 teams) on a simulated
// organisation's 24 months, then 400 fresh random rollouts on the same history with the effect MDE
// planted in the data (added to every treated team's cells from its cohort's start on) and
// estimated by analyze.EstimateDiD; the share significant at 5% must be 80% ± 8 points (binomial
// SD 2 points at 400, plus the MDE's own sampling error from 400 placebos; measured: 1000 placebos
// and 1000 rollouts gave 77.9%). At half the MDE the share must be well below 80%.
func TestMDEDetectedAtPower(t *testing.T) {
	h := history(rand.New(rand.NewPCG(24, 1)), 30, 24)
	res, err := MDE(h, rollout, Options{Placebos: 400, Seed: 1, NotYetTreated: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Placebos < 390 || !(res.MDE > 0) {
		t.Fatalf("%+v", res)
	}
	teams := make([]string, 30)
	for i := range teams {
		teams[i] = fmt.Sprintf("T%02d", i)
	}
	detect := func(delta float64, reps int) float64 {
		rng := rand.New(rand.NewPCG(99, 2))
		var k, n int
		for range reps {
			p := Placebo(h, teams, rollout, 0, rng)
			for i := range p.Y {
				if g := p.Group[i]; g > 0 && p.Time[i] >= g {
					p.Y[i] += delta
				}
			}
			d, err := analyze.EstimateDiD(p, analyze.DiDOptions{NotYetTreated: true})
			if err != nil {
				continue
			}
			n++
			if stats.TPValue(d.Simple.ATT, d.Simple.SE, d.DF) < 0.05 {
				k++
			}
		}
		return float64(k) / float64(n)
	}
	at := detect(res.MDE, 400)
	half := detect(res.MDE/2, 400)
	t.Logf("MDE %.4f (null SD of the placebo estimates %.4f, %d placebos): detected %.1f%% at the MDE, %.1f%% at half of it", res.MDE, res.NullSD, res.Placebos, 100*at, 100*half)
	if math.Abs(at-0.8) > 0.08 {
		t.Errorf("planted effect at the MDE detected %.1f%% of the time, want 80 ± 8", 100*at)
	}
	if half > 0.55 {
		t.Errorf("half the MDE detected %.1f%% of the time", 100*half)
	}
}

func TestSteppedWedge(t *testing.T) {
	teams := []string{"a", "b", "c", "d", "e", "f", "g"}
	w1, err := SteppedWedge(teams, []int{2, 3, 1}, 7)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := SteppedWedge([]string{"g", "f", "e", "d", "c", "b", "a"}, []int{2, 3, 1}, 7)
	w3, _ := SteppedWedge(teams, []int{2, 3, 1}, 8)
	seen := map[string]bool{}
	for c, cohort := range w1 {
		if len(cohort) != []int{2, 3, 1}[c] {
			t.Fatalf("cohort %d: %v", c, cohort)
		}
		for i, x := range cohort {
			if seen[x] {
				t.Fatalf("%s twice", x)
			}
			seen[x] = true
			if w2[c][i] != x {
				t.Errorf("order depends on the input order: %v vs %v", w1, w2)
			}
		}
	}
	if fmt.Sprint(w1) == fmt.Sprint(w3) {
		t.Errorf("seeds 7 and 8 give the same order %v", w1)
	}
	if _, err := SteppedWedge(teams, []int{5, 5}, 1); err == nil {
		t.Error("10 teams from 7: no error")
	}
}
