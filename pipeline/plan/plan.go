// Package plan sizes a staggered training rollout before it starts (issue 24, item 1): from an
// organisation's own history of a metric it finds the minimum detectable effect of a proposed
// rollout by placebo rollouts on past data with the estimator the analysis uses, and draws a
// randomised stepped-wedge order of the teams.
//
// MDE and SteppedWedge work on a panel; Run (warehouse.go) builds each metric's history panel from
// the published warehouse with the analysis' own panel construction (metrics.EachPanel and the
// metric's catalog cell outcome), lays a proposed Design (design.go) on it, and adds the grid of
// MDEs by teams trained and quarters observed that the `trainimpact plan` command charts. The
// command (cmd/trainimpact/plan.go) only parses flags; the table, chart and sponsor text are
// rendered by reports/planreport and reports/charts.
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

// Rollout is a proposed staggered rollout: Cohorts[k] teams are first treated in period
// first + Offsets[k] (periods counted from the first period of the history the placebo rollouts
// are laid on; a cohort whose first treated period lies at or after the history's end stays
// untreated). Washout[k] (nil: 0) periods before that first treated period are the cohort's
// washout: its teams' cells there are left out, as the analysis leaves out the periods from the
// one containing a team's training to its first treated period.
type Rollout struct {
	Cohorts []int
	Offsets []int
	Washout []int
}

// Options configures MDE.
type Options struct {
	Alpha, Power float64 // 0 means 0.05 and 0.8
	Placebos     int     // placebo rollouts; 0 means 200
	Seed         uint64
	// NotYetTreated and Anticipation are the analysis settings passed to analyze.EstimateDiD
	// (the longest washout is added to Anticipation, as analyze does).
	NotYetTreated bool
	Anticipation  int
	// Teams are the teams the placebo cohorts are drawn from (nil: the units of the history).
	// A team without cells in the history can be drawn and then adds nothing, as a trained team
	// without events of a metric adds nothing to its analysis.
	Teams []string
}

// Result is the minimum detectable effect of a rollout on one metric's history.
type Result struct {
	// MDE is the smallest effect (on the metric's DiD scale) detected with probability Power
	// at level Alpha; Placebos the rollouts it rests on, Failed those the estimator refused.
	MDE              float64
	Placebos, Failed int
	// NullSD is the standard deviation of the placebo estimates (no effect).
	NullSD float64
	// Low and High bound the Monte Carlo error of MDE: the 2.5% and 97.5% percentiles of the MDE
	// recomputed on 200 resamples (with replacement) of the placebo estimates. They say how much
	// the finite number of placebos moves MDE, not how far the future data may differ from the
	// history.
	Low, High float64
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
	teams := slices.Clone(o.Teams)
	if teams == nil {
		units := map[string]bool{}
		for _, u := range history.Unit {
			units[u] = true
		}
		for u := range units {
			teams = append(teams, u)
		}
	}
	sort.Strings(teams)
	if len(history.Time) == 0 {
		return Result{}, fmt.Errorf("plan: empty history: %w", ErrNoPlacebo)
	}
	washout := 0
	for _, w := range r.Washout {
		washout = max(washout, w)
	}
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
		d, err := analyze.EstimateDiD(p, analyze.DiDOptions{NotYetTreated: o.NotYetTreated, Anticipation: o.Anticipation + washout, Alpha: alpha})
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
	est := make([]float64, len(draws))
	crit := make([]float64, len(draws))
	for i, d := range draws {
		est[i], crit[i] = d.est, stats.TCritical(alpha, d.df)*d.se
	}
	var err error
	if res.MDE, err = smallestDetected(est, crit, power, res.NullSD); err != nil {
		return res, err
	}
	// Monte Carlo error: the MDE of resamples of the placebo draws.
	boot := make([]float64, 0, mcResamples)
	be, bc := make([]float64, len(est)), make([]float64, len(est))
	for range mcResamples {
		for i := range be {
			j := rng.IntN(len(est))
			be[i], bc[i] = est[j], crit[j]
		}
		if v, err := smallestDetected(be, bc, power, res.NullSD); err == nil {
			boot = append(boot, v)
		}
	}
	res.Low, res.High = math.NaN(), math.NaN()
	if len(boot) > 0 {
		sort.Float64s(boot)
		res.Low, res.High = stats.Quantile7(0.025, boot), stats.Quantile7(0.975, boot)
	}
	return res, nil
}

// mcResamples is the number of resamples of the placebo draws behind Result.Low and High.
const mcResamples = 200

// smallestDetected returns the smallest δ > 0 with power(δ) ≥ power, where
// power(δ) = mean_i 1{|est_i + δ| > crit_i}, by bisection to 1e-6 of scale (or 1e-12 of δ).
func smallestDetected(est, crit []float64, power, scale float64) (float64, error) {
	pow := func(delta float64) float64 {
		var k int
		for i, e := range est {
			if math.Abs(e+delta) > crit[i] {
				k++
			}
		}
		return float64(k) / float64(len(est))
	}
	hi := scale + 1e-300
	for pow(hi) < power {
		hi *= 2
		if hi > 1e6*(scale+1) {
			return 0, fmt.Errorf("plan: power %.2f not reached: %w", power, ErrNoPlacebo)
		}
	}
	lo := 0.0
	for range 200 { // bisection: to 1e-6 of scale, or as far as float64 goes
		if hi-lo <= 1e-6*scale || hi-lo <= 1e-12*hi {
			break
		}
		mid := (lo + hi) / 2
		if pow(mid) >= power {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// Placebo lays rollout r on the history: a uniformly random ordering of teams fills the cohorts in
// turn, cohort k first treated at period first + Offsets[k], its washout periods before that left
// out; the other teams, and those of cohorts starting after the history's last period, are never
// treated.
func Placebo(history *analyze.PanelData, teams []string, r Rollout, first int, rng *rand.Rand) *analyze.PanelData {
	order := slices.Clone(teams)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	last := slices.Max(history.Time)
	type start struct{ g, washout int }
	group := map[string]start{}
	k := 0
	for c, n := range r.Cohorts {
		g := first + r.Offsets[c]
		w := 0
		if r.Washout != nil {
			w = r.Washout[c]
		}
		for range n {
			if g <= last {
				group[order[k]] = start{g, w}
			}
			k++
		}
	}
	p := &analyze.PanelData{}
	for i, u := range history.Unit {
		s := group[u]
		if s.g > 0 && history.Time[i] < s.g && history.Time[i] >= s.g-s.washout {
			continue
		}
		p.Add(u, history.Time[i], s.g, history.Y[i])
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
