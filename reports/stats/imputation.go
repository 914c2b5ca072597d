package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// ErrNotConnected reports an imputation panel whose untreated observations do not tie every unit
// and period of the two-way fixed-effects model together (the normal equations are singular), so
// the untreated outcomes of the treated observations cannot be imputed.
var ErrNotConnected = errors.New("stats: untreated observations do not connect the units and periods")

// ImputationOptions configures Imputation.
type ImputationOptions struct {
	// Anticipation is the number of periods before its group in which a unit may already react:
	// its observations at t ≥ g − Anticipation are not untreated, and those before g are not used.
	Anticipation int
	// Bootstrap is the number of cluster (unit) bootstrap draws behind the standard error; 0: no
	// standard error.
	Bootstrap int
	// Src drives the bootstrap; required when Bootstrap > 0.
	Src rand.Source
}

// ImputationResult is a fitted imputation estimator.
type ImputationResult struct {
	// ATT is the weighted mean of the imputed effects τ̂_it over the treated observations kept.
	ATT float64
	// SE is the standard deviation of ATT over the bootstrap draws (NaN without a bootstrap or
	// with fewer than two usable draws); Draws counts the usable draws.
	SE    float64
	Draws int
	// NTreatedUnits counts the treated units with a kept treated observation, NUntreatedUnits the
	// units all of whose observations are untreated (never treated, or treated after the panel).
	NTreatedUnits, NUntreatedUnits int
	// NTreatedObs counts the treated observations kept; Dropped those left out because their unit
	// has no untreated observation or their period none from any unit (no α_i or β_t to impute).
	NTreatedObs, Dropped int
}

// Imputation estimates the average effect on the treated of a staggered adoption by the imputation
// estimator of Borusyak, Jaravel & Spiess (2024), "Revisiting Event-Study Designs: Robust and
// Efficient Estimation", Review of Economic Studies 91(6), 3253–3285, Theorem 2, with unit and
// period fixed effects and no covariates:
//
//  1. on the untreated observations Ω₀ (never treated, or t < g − anticipation) fit
//     Y_it = α_i + β_t + ε_it by weighted least squares;
//  2. impute each treated observation's untreated outcome, τ̂_it = Y_it − α̂_i − β̂_t, it ∈ Ω₁
//     (g > 0 and t ≥ g);
//  3. τ̂ = Σ_Ω₁ w_it τ̂_it / Σ_Ω₁ w_it.
//
// Unlike Callaway & Sant'Anna's ATT(g,t), which compares each treated unit with itself in one base
// period, a unit enters through all its untreated observations at once: a panel where few units
// are observed in any given pair of periods (rare events aggregated per unit and period) still
// identifies α_i from whichever periods the unit was seen in. The estimand is the same average
// effect under parallel trends and no anticipation beyond Anticipation; the weights are the
// observations' (an event-weighted cell mean counts as its events).
//
// The standard error is a cluster bootstrap over units (every unit drawn with replacement, its
// observations' weights multiplied by the times it was drawn; Cameron, Gelbach & Miller 2008), so
// serial correlation within a unit and the noise of α̂_i are both carried. Draws in which the
// model cannot be fitted or nothing treated is left are skipped (Draws counts the others).
//
// unit, time and group are as in ATTGT (group 0: never treated); y NaN and w ≤ 0 (w nil: every
// weight 1) leave an observation out. Observations with g − anticipation ≤ t < g are left out.
// The normal equations are solved exactly: β̂ on the period effects after sweeping out the unit
// means (a T×T system, β of the first period fixed at 0), α̂_i = ȳ_i − Σ_t w_it β̂_t / W_i. It
// returns ErrNoTreated without a treated observation to impute and ErrNotConnected when the
// untreated observations do not identify the effects needed. It panics on slices of different
// lengths, or on Bootstrap > 0 without Src.
func Imputation(unit, time, group []int, y, w []float64, o ImputationOptions) (*ImputationResult, error) {
	n := len(unit)
	if len(time) != n || len(group) != n || len(y) != n || (w != nil && len(w) != n) {
		panic("stats: Imputation slices of different lengths")
	}
	if o.Bootstrap > 0 && o.Src == nil {
		panic("stats: Imputation bootstrap without a source")
	}
	p := newImputationPanel(unit, time, group, y, w, o.Anticipation)
	uw := make([]float64, p.units)
	for i := range uw {
		uw[i] = 1
	}
	att, kept, dropped, err := p.fit(uw)
	if err != nil {
		return nil, err
	}
	r := &ImputationResult{ATT: att, SE: math.NaN(), Dropped: dropped}
	keptUnit, treatedUnit := make([]bool, p.units), make([]bool, p.units)
	for i, u := range p.unit {
		if p.treated[i] {
			treatedUnit[u] = true
			if kept[i] {
				keptUnit[u] = true
				r.NTreatedObs++
			}
		}
	}
	for u := range p.units {
		switch {
		case keptUnit[u]:
			r.NTreatedUnits++
		case !treatedUnit[u]: // every unit of the panel has an observation: here only untreated ones
			r.NUntreatedUnits++
		}
	}
	if o.Bootstrap > 0 {
		rng := rand.New(o.Src)
		var sum, sum2 float64
		for range o.Bootstrap {
			for i := range uw {
				uw[i] = 0
			}
			for range p.units {
				uw[rng.IntN(p.units)]++
			}
			b, _, _, err := p.fit(uw)
			if err != nil || math.IsNaN(b) {
				continue
			}
			r.Draws++
			sum += b
			sum2 += b * b
		}
		if r.Draws >= 2 {
			m := sum / float64(r.Draws)
			r.SE = math.Sqrt(math.Max(0, (sum2-float64(r.Draws)*m*m)/float64(r.Draws-1)))
		}
	}
	return r, nil
}

// imputationPanel is Imputation's input with units and periods numbered densely and the
// observations it uses only.
type imputationPanel struct {
	unit, period []int
	y, w         []float64
	treated      []bool
	units        int
	periods      int
	// untreated lists each unit's untreated observations (the same for every bootstrap draw).
	untreated [][]int
}

func newImputationPanel(unit, time, group []int, y, w []float64, anticipation int) *imputationPanel {
	uid, tid := map[int]int{}, map[int]int{}
	var us, ts []int
	keep := func(i int) (treated, ok bool) {
		if math.IsNaN(y[i]) || (w != nil && !(w[i] > 0)) {
			return false, false
		}
		g := group[i]
		switch {
		case g <= 0 || time[i] < g-anticipation:
			return false, true
		case time[i] >= g:
			return true, true
		}
		return false, false
	}
	for i := range unit {
		if _, ok := keep(i); !ok {
			continue
		}
		if _, ok := uid[unit[i]]; !ok {
			uid[unit[i]] = 0
			us = append(us, unit[i])
		}
		if _, ok := tid[time[i]]; !ok {
			tid[time[i]] = 0
			ts = append(ts, time[i])
		}
	}
	sort.Ints(us)
	sort.Ints(ts)
	for k, u := range us {
		uid[u] = k
	}
	for k, t := range ts {
		tid[t] = k
	}
	p := &imputationPanel{units: len(us), periods: len(ts)}
	for i := range unit {
		tr, ok := keep(i)
		if !ok {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		p.unit = append(p.unit, uid[unit[i]])
		p.period = append(p.period, tid[time[i]])
		p.y = append(p.y, y[i])
		p.w = append(p.w, wi)
		p.treated = append(p.treated, tr)
	}
	p.untreated = make([][]int, p.units)
	for i, u := range p.unit {
		if !p.treated[i] {
			p.untreated[u] = append(p.untreated[u], i)
		}
	}
	return p
}

// fit runs the three steps with every observation's weight multiplied by its unit's uw (a
// bootstrap draw's counts; all 1 for the estimate) and returns τ̂ and which treated observations
// it used.
func (p *imputationPanel) fit(uw []float64) (att float64, kept []bool, dropped int, err error) {
	// Unit sums over the untreated observations.
	W := make([]float64, p.units)
	Wy := make([]float64, p.units)
	colW := make([]float64, p.periods) // untreated weight per period
	for u, obs := range p.untreated {
		for _, i := range obs {
			wi := p.w[i] * uw[u]
			W[u] += wi
			Wy[u] += wi * p.y[i]
			colW[p.period[i]] += wi
		}
	}
	// Periods with untreated weight are the ones β̂ is solved for; the first is the reference.
	idx := make([]int, p.periods) // period → row of the reduced system, -1: reference or absent
	ref, k := -1, 0
	for t := range idx {
		idx[t] = -1
		if colW[t] <= 0 {
			continue
		}
		if ref < 0 {
			ref = t
			continue
		}
		idx[t] = k
		k++
	}
	hasTreated := false
	for i, u := range p.unit {
		if p.treated[i] && uw[u] > 0 {
			hasTreated = true
			break
		}
	}
	if !hasTreated {
		return math.NaN(), nil, 0, ErrNoTreated
	}
	if ref < 0 {
		return math.NaN(), nil, 0, ErrNotConnected
	}
	// Normal equations for β after sweeping the unit means: for periods t, s
	// M_ts = δ_ts Σ_i w_it − Σ_i w_it w_is / W_i, r_t = Σ_i w_it (y_it − ȳ_i), over each unit's
	// untreated observations (a unit drawn no time has weight 0 and is skipped).
	beta := make([]float64, p.periods)
	if k > 0 {
		M := mat.NewSymDense(k, nil)
		r := mat.NewVecDense(k, nil)
		for u, obs := range p.untreated {
			if W[u] <= 0 {
				continue
			}
			ybar := Wy[u] / W[u]
			for _, i := range obs {
				a := idx[p.period[i]]
				if a < 0 {
					continue
				}
				wi := p.w[i] * uw[u]
				r.SetVec(a, r.AtVec(a)+wi*(p.y[i]-ybar))
				M.SetSym(a, a, M.At(a, a)+wi)
				for _, j := range obs {
					b := idx[p.period[j]]
					if b < 0 || b < a {
						continue
					}
					wj := p.w[j] * uw[u]
					M.SetSym(a, b, M.At(a, b)-wi*wj/W[u])
				}
			}
		}
		var ch mat.Cholesky
		if ok := ch.Factorize(M); !ok || ch.Cond() > 1e12 {
			return math.NaN(), nil, 0, ErrNotConnected
		}
		var b mat.VecDense
		if err := ch.SolveVecTo(&b, r); err != nil {
			return math.NaN(), nil, 0, ErrNotConnected
		}
		for t, a := range idx {
			if a >= 0 {
				beta[t] = b.AtVec(a)
			}
		}
	}
	// α̂_i = ȳ_i − Σ_t w_it β̂_t / W_i over the unit's untreated observations.
	alpha := make([]float64, p.units)
	for u, obs := range p.untreated {
		if W[u] <= 0 {
			continue
		}
		s := Wy[u]
		for _, i := range obs {
			s -= p.w[i] * uw[u] * beta[p.period[i]]
		}
		alpha[u] = s / W[u]
	}
	kept = make([]bool, len(p.unit))
	var num, den float64
	for i, u := range p.unit {
		if !p.treated[i] || uw[u] == 0 {
			continue
		}
		if W[u] <= 0 || colW[p.period[i]] <= 0 {
			dropped++
			continue
		}
		kept[i] = true
		wi := p.w[i] * uw[u]
		num += wi * (p.y[i] - alpha[u] - beta[p.period[i]])
		den += wi
	}
	if den == 0 {
		return math.NaN(), kept, dropped, ErrNoTreated
	}
	return num / den, kept, dropped, nil
}
