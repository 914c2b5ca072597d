// Package plan sizes a staggered training rollout before it starts (issue 24, item 1): from an
// organisation's own history of a metric it finds the minimum detectable effect of a proposed
// rollout by placebo rollouts on past data with the estimator the analysis uses, and draws a
// randomised stepped-wedge order of the teams.
//
// This package holds the computation only; the `trainimpact plan` command, its table, chart and
// sponsor text are not written yet.
package plan

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// ErrNoPlacebo reports that no placebo rollout could be estimated on the history.
var ErrNoPlacebo = errors.New("plan: no placebo rollout could be estimated")

// Rollout is a proposed staggered rollout: Cohorts[k] teams start in period Start + Offsets[k]
// (periods counted from the first period of the history the placebo rollouts are laid on).
type Rollout struct {
	Cohorts []int
	Offsets []int
}

// Options configures MDE.
type Options struct {
	Alpha, Power float64 // 0 means 0.05 and 0.8
	Placebos     int     // placebo rollouts; 0 means 200
	Seed         uint64
	// NotYetTreated and Anticipation are the analysis settings passed to analyze.EstimateDiD.
	NotYetTreated bool
	Anticipation  int
}

// Result is the minimum detectable effect of a rollout on one metric's history.
type Result struct {
	// MDE is the smallest effect (on the metric's DiD scale) detected with probability Power
	// at level Alpha; Placebos the rollouts it rests on, Failed those the estimator refused.
	MDE              float64
	Placebos, Failed int
	// NullSD is the standard deviation of the placebo estimates (no effect).
	NullSD float64
}

// MDE estimates the minimum detectable effect of rollout r on a history panel (no one treated in
// it; Group ignored) by placebo rollouts: each draws which teams form which cohort uniformly at
// random, lays the cohorts' start periods on the history, and runs analyze.EstimateDiD (the
// headline estimator: simple aggregation, t reference with Satterthwaite degrees of freedom). A
// constant effect δ added to every treated post-treatment cell moves each estimate by exactly δ
// and leaves its standard error unchanged (the DiD is linear in the outcome and its influence
// function is centred within each arm), so the power at δ is computed exactly from the placebos,
//
//	power(δ) = mean_b 1{ |θ̂_b + δ| > t_{1−α/2, ν_b} · SE_b },
//
// and MDE is the smallest δ > 0 with power(δ) ≥ Power (bisection to 1e-6 of the null SD). The
// placebo rollouts keep the organisation's own trends, seasonality and team-level noise, which a
// formula from a variance would have to assume.
func MDE(history *analyze.PanelData, r Rollout, o Options) (Result, error) {
	alpha, power, reps := o.Alpha, o.Power, o.Placebos
	if alpha == 0 {
		alpha = 0.05
	}
	if power == 0 {
		power = 0.8
	}
	if reps == 0 {
		reps = 200
	}
	if len(r.Cohorts) != len(r.Offsets) {
		panic("plan: cohorts and offsets differ in length")
	}
	units := map[string]bool{}
	for _, u := range history.Unit {
		units[u] = true
	}
	teams := make([]string, 0, len(units))
	for u := range units {
		teams = append(teams, u)
	}
	sort.Strings(teams)
	var need int
	for _, n := range r.Cohorts {
		need += n
	}
	if need > len(teams) {
		return Result{}, fmt.Errorf("plan: rollout trains %d teams, history has %d", need, len(teams))
	}
	first := slices.Min(history.Time)
	rng := rand.New(rand.NewPCG(o.Seed, 0x9a11))
	type draw struct{ est, se, df float64 }
	var draws []draw
	res := Result{}
	for b := 0; b < reps; b++ {
		p := Placebo(history, teams, r, first, rng)
		d, err := analyze.EstimateDiD(p, analyze.DiDOptions{NotYetTreated: o.NotYetTreated, Anticipation: o.Anticipation, Alpha: alpha})
		if err != nil || !(d.Simple.SE > 0) {
			res.Failed++
			continue
		}
		draws = append(draws, draw{d.Simple.ATT, d.Simple.SE, d.DF})
	}
	res.Placebos = len(draws)
	if len(draws) == 0 {
		return res, ErrNoPlacebo
	}
	var m, ss float64
	for _, d := range draws {
		m += d.est
	}
	m /= float64(len(draws))
	for _, d := range draws {
		ss += (d.est - m) * (d.est - m)
	}
	res.NullSD = math.Sqrt(ss / float64(max(len(draws)-1, 1)))
	crit := make([]float64, len(draws))
	for i, d := range draws {
		crit[i] = stats.TCritical(alpha, d.df) * d.se
	}
	pow := func(delta float64) float64 {
		var k int
		for i, d := range draws {
			if math.Abs(d.est+delta) > crit[i] {
				k++
			}
		}
		return float64(k) / float64(len(draws))
	}
	hi := res.NullSD + 1e-300
	for pow(hi) < power {
		hi *= 2
		if hi > 1e6*(res.NullSD+1) {
			return res, fmt.Errorf("plan: power %.2f not reached: %w", power, ErrNoPlacebo)
		}
	}
	lo := 0.0
	for hi-lo > 1e-6*res.NullSD {
		mid := (lo + hi) / 2
		if pow(mid) >= power {
			hi = mid
		} else {
			lo = mid
		}
	}
	res.MDE = hi
	return res, nil
}

// Placebo lays rollout r on the history: a uniformly random ordering of teams fills the cohorts in
// turn, cohort k starting at period first + Offsets[k]; the other teams are never treated.
func Placebo(history *analyze.PanelData, teams []string, r Rollout, first int, rng *rand.Rand) *analyze.PanelData {
	order := slices.Clone(teams)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	group := map[string]int{}
	k := 0
	for c, n := range r.Cohorts {
		for range n {
			group[order[k]] = first + r.Offsets[c]
			k++
		}
	}
	p := &analyze.PanelData{}
	for i, u := range history.Unit {
		p.Add(u, history.Time[i], group[u], history.Y[i])
	}
	return p
}

// SteppedWedge returns a randomised stepped-wedge order: the teams shuffled with the given seed
// (record it with the plan) and cut into cohorts of the given sizes, cohort k trained k-th.
// Random order makes the timing as good as random, which both the DiD's parallel trends and the
// Fisher randomization test of the analysis lean on.
func SteppedWedge(teams []string, cohorts []int, seed uint64) ([][]string, error) {
	var need int
	for _, n := range cohorts {
		need += n
	}
	if need > len(teams) {
		return nil, fmt.Errorf("plan: cohorts need %d teams, %d given", need, len(teams))
	}
	order := slices.Clone(teams)
	slices.Sort(order)
	rng := rand.New(rand.NewPCG(seed, 0x57e9))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	out := make([][]string, len(cohorts))
	k := 0
	for c, n := range cohorts {
		out[c] = order[k : k+n]
		k += n
	}
	return out, nil
}
