package stats

import (
	"context"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

var riStudy = flag.Bool("ri-study", false, "run the full calibration of the Fisher timing test (400 placebo panels × 199 permutations)")

// TestFisherTimingHandPanel pins the exact p-value on a panel small enough to do by hand: four
// units, two periods, one treated unit, outcome changes Δ = (5, 1, 2, 3). Treating unit j alone
// gives ATT_j = Δ_j − mean(Δ_others) and, from the influence function, SE_j² = Σ_C (Δ_i − m_C)² / n_C²
// (the treated unit's own deviation is 0), so
//
//	j=1: ATT 3,      SE √2/3      t =  6.364
//	j=2: ATT −7/3,   SE √(42/9)/3 t = −3.240
//	j=3: ATT −1,     SE √8/3      t = −1.061
//	j=4: ATT 1/3,    SE √(78/9)/3 t =  0.340
//
// Four distinct assignments: with unit 1 treated p = 1/4, with unit 3 treated p = 3/4, with unit 4
// treated p = 1.
func TestFisherTimingHandPanel(t *testing.T) {
	unit := []int{1, 1, 2, 2, 3, 3, 4, 4}
	period := []int{1, 2, 1, 2, 1, 2, 1, 2}
	y := []float64{0, 5, 0, 1, 0, 2, 0, 3}
	for _, c := range []struct {
		treated int
		t, p    float64
	}{{1, 3 / (math.Sqrt(2) / 3), 0.25}, {3, -1 / (math.Sqrt(8) / 3), 0.75}, {4, (1.0 / 3) / (math.Sqrt(78.0/9) / 3), 1}} {
		group := make([]int, len(unit))
		for r, u := range unit {
			if u == c.treated {
				group[r] = 2
			}
		}
		ids, groups := ObservedGroups(unit, group)
		stat := DiDTimingStatistic(ids, unit, period, y, nil, DiDOptions{})
		res, err := FisherTimingTest(context.Background(), groups, stat, PermutationOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Exact || res.Permutations != 4 || res.Distinct.Int64() != 4 || res.Undefined != 0 {
			t.Fatalf("treated %d: %+v, want exact over 4 assignments", c.treated, res)
		}
		if math.Abs(res.Observed-c.t) > 1e-12 {
			t.Errorf("treated %d: t = %.15g, want %.15g", c.treated, res.Observed, c.t)
		}
		if res.P != c.p {
			t.Errorf("treated %d: p = %v, want %v", c.treated, res.P, c.p)
		}
	}
}

// staggeredPanel is a small staggered panel: units 1..len(g), periods 1..T, cohort g[i] for
// unit i+1, outcome with unit and period effects, noise, and effect tau added from the cohort's
// first period on.
func staggeredPanel(rng *rand.Rand, g []int, T int, tau float64) (unit, period, group []int, y []float64) {
	b := make([]float64, T+1)
	for t := range b {
		b[t] = rng.NormFloat64()
	}
	for i, gi := range g {
		a := rng.NormFloat64()
		sd := 0.5 + rng.Float64()
		e := 0.0
		for t := 1; t <= T; t++ {
			e = 0.5*e + sd*rng.NormFloat64()
			v := a + b[t] + e
			if gi > 0 && t >= gi {
				v += tau
			}
			unit, period, group, y = append(unit, i+1), append(period, t), append(group, gi), append(y, v)
		}
	}
	return
}

// TestFisherTimingExactEnumeration checks on a staggered panel (six units: two in cohort 3, one
// in cohort 4, three never treated; 60 distinct assignments) that the enumeration of distinct
// assignments gives the same p-value as brute force over all 6! = 720 orderings of the labels
// (each distinct assignment appears 2!·1!·3! = 12 times), for both control groups.
func TestFisherTimingExactEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := []int{3, 0, 4, 0, 3, 0}
	unit, period, group, y := staggeredPanel(rng, g, 5, 1.5)
	for _, ctl := range []ControlGroup{ControlNeverTreated, ControlNotYetTreated} {
		ids, groups := ObservedGroups(unit, group)
		stat := DiDTimingStatistic(ids, unit, period, y, nil, DiDOptions{Control: ctl})
		res, err := FisherTimingTest(context.Background(), groups, stat, PermutationOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Exact || res.Permutations != 60 || res.Distinct.Int64() != 60 {
			t.Fatalf("%+v, want exact over 60 assignments", res)
		}
		// Brute force: Heap's algorithm over every ordering of the six labels.
		a := slices.Clone(groups)
		var total, extreme int
		var visit func(k int)
		visit = func(k int) {
			if k == 1 {
				total++
				v, err := stat(slices.Clone(a))
				if err != nil || math.Abs(v) >= math.Abs(res.Observed)-1e-9*math.Abs(res.Observed) {
					extreme++
				}
				return
			}
			for i := 0; i < k; i++ {
				visit(k - 1)
				if k%2 == 0 {
					a[i], a[k-1] = a[k-1], a[i]
				} else {
					a[0], a[k-1] = a[k-1], a[0]
				}
			}
		}
		visit(len(a))
		if total != 720 {
			t.Fatalf("brute force visited %d orderings", total)
		}
		if want := float64(extreme) / 720; math.Abs(res.P-want) > 1e-15 {
			t.Errorf("control %d: p = %v, brute force %v", ctl, res.P, want)
		}
		if res.P < 1.0/60 || res.P > 1 {
			t.Errorf("p = %v outside [1/60, 1]", res.P)
		}
	}
}

// TestFisherTimingSampled checks the sampled branch: more distinct assignments than MaxExact,
// so Draws random permutations; p = (1 + count)/(1 + Draws) is reproducible for a seed, changes
// with the seed, and a large planted effect is detected.
func TestFisherTimingSampled(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := []int{4, 4, 4, 5, 5, 6, 6, 6, 0, 0, 0, 0, 0, 0}
	unit, period, group, y := staggeredPanel(rng, g, 8, 4)
	ids, groups := ObservedGroups(unit, group)
	stat := DiDTimingStatistic(ids, unit, period, y, nil, DiDOptions{Control: ControlNotYetTreated})
	if d := DistinctAssignments(groups); d.Int64() != 1681680 { // 14!/(3!·2!·3!·6!)
		t.Fatalf("distinct = %v, want 1681680", d)
	}
	run := func(seed uint64) PermutationTest {
		res, err := FisherTimingTest(context.Background(), groups, stat, PermutationOptions{Draws: 199, Src: rand.NewPCG(seed, 1)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(1), run(1)
	if a.Exact || a.Permutations != 199 {
		t.Fatalf("%+v, want 199 sampled permutations", a)
	}
	if a.P != b.P {
		t.Errorf("same seed, p %v and %v", a.P, b.P)
	}
	if k := a.P * 200; math.Abs(k-math.Round(k)) > 1e-9 || a.P < 1.0/200 {
		t.Errorf("p = %v is not (1+count)/200", a.P)
	}
	if a.P > 0.02 {
		t.Errorf("planted effect of 4 SD: p = %v, want ≤ 0.02", a.P)
	}
	// No effect on the same design: a p-value far from 0 (the data are the same draws minus
	// the effect, so this is not a calibration, only a check that the test is not degenerate).
	rng = rand.New(rand.NewPCG(5, 6))
	unit, period, group, y = staggeredPanel(rng, g, 8, 0)
	stat = DiDTimingStatistic(ids, unit, period, y, nil, DiDOptions{Control: ControlNotYetTreated})
	res, err := FisherTimingTest(context.Background(), groups, stat, PermutationOptions{Draws: 199})
	if err != nil {
		t.Fatal(err)
	}
	if res.P < 0.05 {
		t.Errorf("no effect: p = %v", res.P)
	}
}

func TestDistinctAssignments(t *testing.T) {
	for _, c := range []struct {
		g    []int
		want int64
	}{{nil, 1}, {[]int{0}, 1}, {[]int{3, 3, 4, 0, 0, 0}, 60}, {[]int{1, 2, 3, 4, 5}, 120}, {[]int{7, 7, 7}, 1}} {
		if got := DistinctAssignments(c.g); got.Int64() != c.want {
			t.Errorf("%v: %v, want %d", c.g, got, c.want)
		}
	}
	var n int
	a := []int{0, 0, 1, 2, 2}
	for ok := true; ok; ok = nextMultisetPermutation(a) {
		n++
	}
	if n != 30 { // 5!/(2!·1!·2!)
		t.Errorf("visited %d distinct permutations, want 30", n)
	}
}

// monthCohortDesign draws a rollout like the ones trainimpact meets: nTeams teams over T months,
// month cohorts of 1–6 teams starting at month first, about half the teams trained, the rest
// never; which team gets which slot is uniformly random (random timing).
func monthCohortDesign(rng *rand.Rand, nTeams, T, first int) []int {
	g := make([]int, nTeams)
	k, m := 0, first
	for k < nTeams/2 && m <= T-2 {
		size := 1 + rng.IntN(6)
		for j := 0; j < size && k < nTeams/2; j++ {
			g[k] = m
			k++
		}
		m++
	}
	rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
	return g
}

// TestFisherTimingCalibration measures the test's size on placebo panels with no effect: 35 teams,
// 18 months, month cohorts of 1–6 teams from month 7, not-yet-treated controls, AR(1) noise with
// team-specific scale. Under random timing the test is exact, so about 5% of p-values fall at or
// below 0.05 and the p-values are uniform. The default run (100 panels × 39 permutations) checks the
// mean p-value (0.5 ± 0.1, over three standard errors) and that at most 12 of 100 are ≤ 0.05
// (binomial P(X > 12) = 0.2% at the nominal 5%); `go test ./reports/stats -run TestFisherTimingCalibration
// -ri-study` runs 400 panels × 199 permutations and requires 3–7% significant at 5%
// (measured: 5.5%, mean p 0.509).
func TestFisherTimingCalibration(t *testing.T) {
	reps, draws := 100, 39
	if *riStudy {
		reps, draws = 400, 199
	}
	rng := rand.New(rand.NewPCG(2026, 24))
	var sig int
	var sum float64
	for r := 0; r < reps; r++ {
		g := monthCohortDesign(rng, 35, 18, 7)
		unit, period, group, y := staggeredPanel(rng, g, 18, 0)
		ids, groups := ObservedGroups(unit, group)
		stat := DiDTimingStatistic(ids, unit, period, y, nil, DiDOptions{Control: ControlNotYetTreated, SkipEmptyCells: true})
		res, err := FisherTimingTest(context.Background(), groups, stat, PermutationOptions{Draws: draws, Src: rand.NewPCG(uint64(r), 7)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Undefined > 0 {
			t.Errorf("placebo panel %d: %d permutations without a statistic", r, res.Undefined)
		}
		if res.P <= 0.05 {
			sig++
		}
		sum += res.P
	}
	share, mean := float64(sig)/float64(reps), sum/float64(reps)
	t.Logf("Fisher timing test on %d placebo panels × %d permutations: %.1f%% with p ≤ 0.05, mean p %.3f", reps, draws, 100*share, mean)
	if *riStudy {
		if share < 0.03 || share > 0.07 {
			t.Errorf("size %.3f outside [0.03, 0.07]", share)
		}
		return
	}
	if math.Abs(mean-0.5) > 0.1 {
		t.Errorf("mean p %.3f, want 0.5 ± 0.1", mean)
	}
	if sig > 12 {
		t.Errorf("%d of %d placebo panels significant at 5%%", sig, reps)
	}
}
