package stats

import (
	"fmt"
	"math"
	"slices"
)

// DiDTimingStatistic returns a statistic for FisherTimingTest on a long panel (the inputs of
// ATTGT, one row per unit and period, unit ids in unit): the studentized simple aggregation
// ATT / SE (analytic, influence-function standard error) of ATTGT with opts, re-estimated with
// every unit's group replaced by assign[k] for the unit ids[k]. ids are the distinct unit ids in
// the order of the groups slice given to FisherTimingTest; ObservedGroups returns both.
// opts.Bootstrap is ignored (the analytic SE studentizes).
//
// With opts.SkipEmptyCells (what the analysis uses) the statistic is computed by a fast path
// that reshapes the panel once and, per assignment, estimates only the post-treatment cells the
// simple aggregation averages, accumulating the aggregate's influence function directly:
//
//	θ = Σ_k (pg_k/Σpg) ATT_k,   IF_i = Σ_k (pg_k/Σpg) IF_ik + w_i·Σ_k 1(c_i = c_k)(ATT_k − θ)/Σpg − Σ_k pg_k(ATT_k − θ)/Σpg,
//
// with ATT_k and IF_ik as in ATTGT and the last two terms did's wif (see Aggregate), so it equals
// ATTGT followed by Aggregate(AggSimple) up to the order of floating-point sums (a test holds
// them to 1e-10). Permuting the cohort labels keeps their multiset, so the periods, the
// estimated cohorts and the cohort values are those of the observed assignment; only which
// units are dropped (already treated in the first period), each cohort's members and weights
// change. Without SkipEmptyCells an empty pre-treatment cell fails ATTGT as a whole, so that
// case (and any panel ATTGT rejects) runs the general path, ATTGT and Aggregate per assignment.
//
// The returned function reuses buffers between calls: call it from one goroutine at a time.
func DiDTimingStatistic(ids, unit, period []int, y, weights []float64, opts DiDOptions) func(assign []int) (float64, error) {
	full := didTimingStatisticFull(ids, unit, period, y, weights, opts)
	if !opts.SkipEmptyCells {
		return full
	}
	f, ok := newDiDTimingFast(ids, unit, period, y, weights, opts)
	if !ok {
		return full
	}
	return func(assign []int) (float64, error) {
		if !f.ready {
			f.ready = true
			f.init(assign)
		}
		if !f.ok || !f.sameLabels(assign) {
			return full(assign)
		}
		return f.stat(assign)
	}
}

// sameLabels reports whether assign gives the units with an outcome the labels init saw (a unit
// without any outcome is unknown to ATTGT, so labels moved to or from it change ATTGT's cohorts).
func (f *didTimingFast) sameLabels(assign []int) bool {
	if len(assign) != len(f.g) {
		return false
	}
	seen := make(map[int]int, len(f.labels))
	for i, g := range assign {
		if f.present[i] {
			seen[g]++
		}
	}
	if len(seen) != len(f.labels) {
		return false
	}
	for g, n := range seen {
		if f.labels[g] != n {
			return false
		}
	}
	return true
}

// didTimingFast is the fast path of DiDTimingStatistic: the wide panel of every unit (not only
// those the observed assignment keeps) and what stays fixed under permutation.
type didTimingFast struct {
	opts DiDOptions
	// The long panel, kept for the first assignment.
	ids, unit, period []int
	yLong, wLong      []float64

	ready, ok bool        // init ran; it succeeded
	labels    map[int]int // the multiset of the present units' cohort labels, fixed by init
	T         int
	periods   []int     // kept periods (ATTGT's), ascending
	y         []float64 // len(ids)×T row-major, NaN where missing
	w         []float64 // per unit
	present   []bool    // the unit has an outcome in some period (ATTGT knows only these)
	maxT      int       // last observed period: later groups are never treated
	first     int       // first kept period: units treated by then are dropped
	groups    []int     // estimated cohorts
	cohG      []int     // cohort values of the kept units, sorted
	base      []int     // per estimated cohort: its base period index (last before g − anticipation)

	complete []bool // the unit is observed in every kept period

	// Per-assignment buffers.
	g          []int
	full, part [][]int   // per cohort index: its kept units observed in every period, and the others
	sums, coef []float64 // per cohort and period (cohort-major)
	inf        []float64 // influence of the units in part, zeroed after use
}

// newDiDTimingFast keeps the long panel for the first assignment, which sets what permutations
// keep fixed (see init).
func newDiDTimingFast(ids, unit, period []int, y, weights []float64, opts DiDOptions) (*didTimingFast, bool) {
	if len(period) != len(unit) || len(y) != len(unit) || (weights != nil && len(weights) != len(unit)) {
		return nil, false
	}
	return &didTimingFast{opts: opts, ids: ids, unit: unit, period: period, yLong: y, wLong: weights}, true
}

// init reshapes the panel on the first assignment: ATTGT's panel of that assignment gives the
// kept periods, the estimated cohorts and the cohort values, which every permutation of the
// labels shares. It reports false when ATTGT rejects the panel (the general path then reports the
// same error) or a unit is observed twice in a period (ATTGT finds that only among the units an
// assignment keeps).
func (f *didTimingFast) init(assign []int) bool {
	pos := make(map[int]int, len(f.ids))
	for k, id := range f.ids {
		pos[id] = k
	}
	rowUnit := make([]int, len(f.unit))
	group := make([]int, len(f.unit))
	for r, id := range f.unit {
		k, ok := pos[id]
		if !ok {
			return false
		}
		rowUnit[r] = k
		group[r] = assign[k]
	}
	p, err := didBuildPanel(f.unit, f.period, group, f.yLong, f.wLong, f.opts)
	if err != nil {
		return false
	}
	N, T := len(f.ids), p.T
	f.T, f.periods, f.groups, f.cohG = T, p.periods, p.groups, p.cohG
	f.first = p.periods[0]
	f.maxT = math.MinInt
	f.y = make([]float64, N*T)
	for i := range f.y {
		f.y[i] = math.NaN()
	}
	f.w = make([]float64, N)
	f.present = make([]bool, N)
	for r := range f.unit {
		if math.IsNaN(f.yLong[r]) {
			continue
		}
		f.maxT = max(f.maxT, f.period[r])
		i := rowUnit[r]
		f.present[i] = true
		f.w[i] = 1
		if f.wLong != nil {
			f.w[i] = f.wLong[r]
		}
		t, ok := slices.BinarySearch(f.periods, f.period[r])
		if !ok {
			continue
		}
		if !math.IsNaN(f.y[i*T+t]) {
			return false
		}
		f.y[i*T+t] = f.yLong[r]
	}
	f.base = make([]int, len(f.groups))
	for k, g := range f.groups {
		f.base[k] = -1
		for j, t := range f.periods {
			if t+f.opts.Anticipation < g {
				f.base[k] = j
			}
		}
	}
	f.labels = map[int]int{}
	for i, g := range assign {
		if f.present[i] {
			f.labels[g]++
		}
	}
	f.complete = make([]bool, N)
	for i := range N {
		f.complete[i] = f.present[i] && !slices.ContainsFunc(f.y[i*T:(i+1)*T], math.IsNaN)
	}
	f.g, f.inf = make([]int, N), make([]float64, N)
	f.full, f.part = make([][]int, len(f.cohG)), make([][]int, len(f.cohG))
	f.sums, f.coef = make([]float64, len(f.cohG)*T), make([]float64, len(f.cohG)*T)
	f.ok = true
	return true
}

// stat is the statistic for one assignment. A unit observed in every kept period ("full") enters
// each cell the same way, so full units are summed per cohort and period once (S_c(t), W_c) and
// each cell's sums are read off them; their influence is linear in their outcomes,
//
//	IF_i = n·w_i·(Σ_t coef_c(t)·Y_it + const_c),
//
// with coef_c and const_c accumulated from the cells cohort c enters (as treated: +a/s_T at t,
// −a/s_T at the base, −a·m_T/s_T; as control: −a/s_C at t, +a/s_C at the base, +a·m_C/s_C, where
// a is the cell's weight in the aggregate), so a permutation costs O(units × periods + cells ×
// cohorts) for them. Units with a missing period are summed cell by cell, as ATTGT does.
func (f *didTimingFast) stat(assign []int) (float64, error) {
	if len(assign) != len(f.g) {
		panic("stats: assignment length differs from the units")
	}
	T := f.T
	delta := f.opts.Anticipation
	C := len(f.cohG)
	for c := range C {
		f.full[c], f.part[c] = f.full[c][:0], f.part[c][:0]
	}
	cohW := make([]float64, C)
	n := 0
	for i, gi := range assign {
		if gi > f.maxT {
			gi = 0
		}
		f.g[i] = gi
		if !f.present[i] || (gi != 0 && gi <= f.first) {
			continue
		}
		c, ok := slices.BinarySearch(f.cohG, gi)
		if !ok {
			panic("stats: internal error: cohort outside the observed labels")
		}
		if f.complete[i] {
			f.full[c] = append(f.full[c], i)
		} else {
			f.part[c] = append(f.part[c], i)
		}
		cohW[c] += f.w[i]
		n++
	}
	nf := float64(n)
	// Per-cohort sums of the full units: S[c*T+t] = Σ w_i Y_it, fullW[c] = Σ w_i.
	S := f.sums
	clear(S)
	fullW := make([]float64, C)
	for c := range C {
		row := S[c*T : (c+1)*T]
		for _, i := range f.full[c] {
			w := f.w[i]
			fullW[c] += w
			for t, y := range f.y[i*T : (i+1)*T] {
				row[t] += w * y
			}
		}
	}
	isCtl := func(g, gv, last int) bool {
		if f.opts.Control == ControlNotYetTreated {
			return gv == 0 || (gv > last+delta && gv != g)
		}
		return gv == 0
	}
	type cell struct {
		c, t, b             int
		att, mT, mC, sT, sC float64
		pg                  float64
	}
	var cells []cell
	for gk, g := range f.groups {
		gc, _ := slices.BinarySearch(f.cohG, g)
		b := f.base[gk]
		for t := 0; t < T; t++ {
			if f.periods[t] < g || t == b {
				continue
			}
			nT, sT, dT := f.partSums(gc, t, b)
			nT += len(f.full[gc])
			sT += fullW[gc]
			dT += S[gc*T+t] - S[gc*T+b]
			last := max(f.periods[t], f.periods[b])
			var nC int
			var sC, dC float64
			for c, gv := range f.cohG {
				if !isCtl(g, gv, last) {
					continue
				}
				n, sw, d := f.partSums(c, t, b)
				nC += len(f.full[c]) + n
				sC += fullW[c] + sw
				dC += S[c*T+t] - S[c*T+b] + d
			}
			if nT == 0 || nC == 0 || sT == 0 || sC == 0 {
				continue // an empty cell is skipped (SkipEmptyCells)
			}
			mT, mC := dT/sT, dC/sC
			cells = append(cells, cell{c: gc, t: t, b: b, att: mT - mC, mT: mT, mC: mC, sT: sT, sC: sC, pg: cohW[gc] / nf})
		}
	}
	if len(cells) == 0 {
		return math.NaN(), fmt.Errorf("stats: simple aggregation: no post-treatment cell: %w", ErrEmptyCell)
	}
	var spg float64
	for _, k := range cells {
		spg += k.pg
	}
	var est float64
	for _, k := range cells {
		est += k.pg / spg * k.att
	}
	// The aggregate's influence function (before did's wif): full units through coef and konst,
	// the others cell by cell into f.inf.
	coef := f.coef
	clear(coef)
	konst := make([]float64, C)
	for _, k := range cells {
		a := k.pg / spg
		coef[k.c*T+k.t] += a / k.sT
		coef[k.c*T+k.b] -= a / k.sT
		konst[k.c] -= a * k.mT / k.sT
		f.partInfluence(k.c, k.t, k.b, a*nf/k.sT, k.mT)
		last := max(f.periods[k.t], f.periods[k.b])
		g := f.cohG[k.c]
		for c, gv := range f.cohG {
			if !isCtl(g, gv, last) {
				continue
			}
			coef[c*T+k.t] -= a / k.sC
			coef[c*T+k.b] += a / k.sC
			konst[c] += a * k.mC / k.sC
			f.partInfluence(c, k.t, k.b, -a*nf/k.sC, k.mC)
		}
	}
	var th float64
	for _, k := range cells {
		th += k.pg * k.att
	}
	th /= spg
	cohA := make([]float64, C)
	var one float64
	for _, k := range cells {
		a := (k.att - th) / spg
		cohA[k.c] += a
		one -= k.pg * a
	}
	var ss float64
	for c := range C {
		row := coef[c*T : (c+1)*T]
		for _, i := range f.full[c] {
			var d float64
			for t, y := range f.y[i*T : (i+1)*T] {
				d += row[t] * y
			}
			v := nf*f.w[i]*(d+konst[c]) + cohA[c]*f.w[i] + one
			ss += v * v
		}
		for _, i := range f.part[c] {
			v := f.inf[i] + cohA[c]*f.w[i] + one
			f.inf[i] = 0
			ss += v * v
		}
	}
	se := math.Sqrt(ss) / nf
	if !(se > math.Sqrt(2.220446049250313e-16)*10) {
		return math.NaN(), fmt.Errorf("stats: simple aggregation: zero standard error: %w", ErrNoVariation)
	}
	return est / se, nil
}

// partSums returns, over the units of cohort c with a missing period that are observed in both
// periods t and b: their number, their total weight and their weighted total of y_t − y_b.
func (f *didTimingFast) partSums(c, t, b int) (n int, sw, d float64) {
	T := f.T
	for _, i := range f.part[c] {
		yt, yb := f.y[i*T+t], f.y[i*T+b]
		if math.IsNaN(yt) || math.IsNaN(yb) {
			continue
		}
		n++
		sw += f.w[i]
		d += f.w[i] * (yt - yb)
	}
	return n, sw, d
}

// partInfluence adds scale·w_i·(y_t − y_b − mean) to the influence of every unit of cohort c with
// a missing period that is observed in both t and b (one cell's term; scale carries the cell's
// weight in the aggregate, n and its side's 1/Σw, negative for controls).
func (f *didTimingFast) partInfluence(c, t, b int, scale, mean float64) {
	T := f.T
	for _, i := range f.part[c] {
		yt, yb := f.y[i*T+t], f.y[i*T+b]
		if math.IsNaN(yt) || math.IsNaN(yb) {
			continue
		}
		f.inf[i] += scale * f.w[i] * (yt - yb - mean)
	}
}
