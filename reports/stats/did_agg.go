package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// AggKind selects an aggregation of the ATT(g,t)s (did's aggte type).
type AggKind int

const (
	// AggSimple is the average of all post-treatment ATT(g,t), weighted by
	// cohort size (did's type = "simple").
	AggSimple AggKind = iota
	// AggDynamic is the event study: per event time e = t - g the
	// cohort-size-weighted average of the ATT(g,t) with t - g = e, and
	// overall the plain mean of the e >= 0 terms (did's type = "dynamic").
	AggDynamic
	// AggGroup averages each cohort's post-treatment ATT(g,t) equally, and
	// overall weights the cohorts by size (did's type = "group").
	AggGroup
)

// String returns did's name of the aggregation: "simple", "dynamic" or
// "group".
func (k AggKind) String() string {
	switch k {
	case AggSimple:
		return "simple"
	case AggDynamic:
		return "dynamic"
	case AggGroup:
		return "group"
	}
	return fmt.Sprintf("AggKind(%d)", int(k))
}

// AggOptions restricts an aggregation, as did's aggte arguments; nil
// pointers mean no restriction. The zero value is did's default.
type AggOptions struct {
	// MinE and MaxE bound the event times of AggDynamic (min_e, max_e);
	// MaxE also drops cells with t > g + MaxE from AggSimple and AggGroup.
	MinE, MaxE *int
	// BalanceE keeps in AggDynamic only the cohorts observed for at least
	// BalanceE periods after treatment, and the event times that all of
	// them cover (balance_e).
	BalanceE *int
}

// AggTerm is one event time (AggDynamic) or cohort (AggGroup) of an
// aggregation.
type AggTerm struct {
	// Key is the event time e or the cohort g.
	Key int
	// ATT is the estimate, SE its analytic standard error and BootSE its
	// bootstrap standard error (NaN without bootstrap).
	ATT, SE, BootSE float64
	// Lo, Hi is the pointwise 1-Alpha interval (from BootSE when the
	// bootstrap ran, else SE); BandLo, BandHi the simultaneous band over
	// all terms, from the sup-t critical value Crit (NaN without bootstrap).
	Lo, Hi, BandLo, BandHi float64
}

// Aggregation is an aggregated treatment effect with its terms.
type Aggregation struct {
	Kind AggKind
	// ATT, SE, BootSE, Lo and Hi describe the overall effect, as AggTerm.
	ATT, SE, BootSE, Lo, Hi float64
	// Terms are the per-event-time or per-cohort effects (nil for
	// AggSimple), sorted by Key.
	Terms []AggTerm
	// Crit is the sup-t critical value of the terms' simultaneous band
	// (did's cband = TRUE); at least the pointwise normal value, NaN
	// without bootstrap.
	Crit float64
	// IF is the influence function of ATT (length GroupTime.N, rows in
	// GroupTime.Units order): SE = sqrt(Σ IF²)/N.
	IF []float64
}

// didLin is a linear functional of the influence functions:
// IF_i = Σ_k cell[k]·IF_ik + coh[c_i]·w_i + one, with c_i the cohort of unit
// i. The last two parts come from estimating the aggregation weights.
type didLin struct {
	cell map[int]float64
	coh  []float64
	one  float64
}

func (l didLin) addScaled(a float64, o didLin) didLin {
	if l.cell == nil {
		l.cell = map[int]float64{}
	}
	for k, v := range o.cell {
		l.cell[k] += a * v
	}
	if o.coh != nil {
		if l.coh == nil {
			l.coh = make([]float64, len(o.coh))
		}
		for c, v := range o.coh {
			l.coh[c] += a * v
		}
	}
	l.one += a * o.one
	return l
}

// influence returns the functional's influence function.
func (gt *GroupTime) influence(l didLin) []float64 {
	n := gt.N
	out := make([]float64, n)
	for k, a := range l.cell {
		if a == 0 {
			continue
		}
		col := gt.ifc[k*n : (k+1)*n]
		for i, v := range col {
			out[i] += a * v
		}
	}
	for i := range out {
		if l.coh != nil {
			out[i] += l.coh[gt.unitCoh[i]] * gt.unitW[i]
		}
		out[i] += l.one
	}
	return out
}

// analyticSE is sqrt(Σ IF²)/N, NaN when not above did's 10·√ε.
func (gt *GroupTime) analyticSE(inf []float64) float64 {
	var ss float64
	for _, v := range inf {
		ss += v * v
	}
	se := math.Sqrt(ss) / float64(gt.N)
	if !(se > math.Sqrt(2.220446049250313e-16)*10) {
		return math.NaN()
	}
	return se
}

// draws returns the bootstrap draws of the functional.
func (gt *GroupTime) draws(l didLin) []float64 {
	d := gt.boot
	out := make([]float64, d.B)
	for k, a := range l.cell {
		if a == 0 || d.cell[k] == nil {
			continue
		}
		for b, v := range d.cell[k] {
			out[b] += a * v
		}
	}
	n := float64(gt.N)
	for c, a := range l.coh {
		if a == 0 {
			continue
		}
		for b, v := range d.wcoh[c] {
			out[b] += a * v / n
		}
	}
	if l.one != 0 {
		for b, v := range d.one {
			out[b] += l.one * v / n
		}
	}
	return out
}

// bootStats returns the bootstrap standard errors of the functionals and
// the sup-t critical value of their simultaneous band.
func (gt *GroupTime) bootStats(lins []didLin) (se []float64, crit float64) {
	se = make([]float64, len(lins))
	dr := make([][]float64, len(lins))
	for j, l := range lins {
		dr[j] = gt.draws(l)
		se[j] = didBootSE(dr[j], gt.N)
	}
	return se, didSupT(dr, se, gt.Alpha)
}

// didWIF adds to l the influence of estimating the weights pg_k/Σpg of a
// weighted average θ = Σ pg_k·att_k / Σ pg_k (did's wif): unit i
// contributes Σ_k (w_i·1(c_i = coh_k) - pg_k)(att_k - θ)/Σ pg. (The
// constant part, -Σ_k pg_k(att_k - θ)/Σ pg, is zero up to rounding by the
// definition of θ; it is kept so the term reads as did's.)
func didWIF(l didLin, nCoh int, coh []int, pg, att []float64) didLin {
	var spg, th float64
	for k := range pg {
		spg += pg[k]
		th += pg[k] * att[k]
	}
	th /= spg
	if l.coh == nil {
		l.coh = make([]float64, nCoh)
	}
	for k := range pg {
		a := (att[k] - th) / spg
		l.coh[coh[k]] += a
		l.one -= pg[k] * a
	}
	return l
}

// Aggregate combines the ATT(g,t) into a simple average, an event study or
// per-cohort effects, exactly as did's aggte (with na.rm = TRUE for cells
// skipped by SkipEmptyCells). Cohort shares pg = Σ_{i∈g} w_i / N weight the
// averages, and the influence function includes did's term for estimating
// those weights (wif), so analytic standard errors match did's. If the
// bootstrap ran, BootSE, the intervals and the simultaneous band of the
// terms come from the same draws as the cells (did recomputes mboot per
// call; the draws here are shared, which keeps results deterministic).
//
// Aggregate returns an error wrapping ErrEmptyCell when no cell enters the
// aggregation. It panics on an unknown kind.
func (gt *GroupTime) Aggregate(kind AggKind, opts *AggOptions) (*Aggregation, error) {
	if opts == nil {
		opts = &AggOptions{}
	}
	maxE := math.MaxInt
	if opts.MaxE != nil {
		maxE = *opts.MaxE
	}
	minE := math.MinInt
	if opts.MinE != nil {
		minE = *opts.MinE
	}
	n := float64(gt.N)
	nCoh := len(gt.cohG)
	cohOf := func(g int) int {
		for c, v := range gt.cohG {
			if v == g {
				return c
			}
		}
		panic("stats: internal error: unknown cohort")
	}
	pgOf := func(g int) float64 { return gt.cohW[cohOf(g)] / n }
	valid := func(c GTCell) bool { return !math.IsNaN(c.ATT) }
	post := func(c GTCell) bool {
		return c.Group <= c.Period && (maxE == math.MaxInt || c.Period <= c.Group+maxE)
	}

	// Weighted average of cells ks with cohort-share weights and wif.
	weighted := func(ks []int) (float64, didLin) {
		pg := make([]float64, len(ks))
		att := make([]float64, len(ks))
		coh := make([]int, len(ks))
		var spg float64
		for j, k := range ks {
			c := gt.Cells[k]
			pg[j], att[j], coh[j] = pgOf(c.Group), c.ATT, cohOf(c.Group)
			spg += pg[j]
		}
		l := didLin{cell: map[int]float64{}}
		var est float64
		for j, k := range ks {
			l.cell[k] += pg[j] / spg
			est += pg[j] / spg * att[j]
		}
		return est, didWIF(l, nCoh, coh, pg, att)
	}

	agg := &Aggregation{Kind: kind, Crit: math.NaN()}
	var overall didLin
	var terms []didLin
	switch kind {
	case AggSimple:
		var ks []int
		for k, c := range gt.Cells {
			if valid(c) && post(c) {
				ks = append(ks, k)
			}
		}
		if len(ks) == 0 {
			return nil, fmt.Errorf("stats: simple aggregation: no post-treatment cell: %w", ErrEmptyCell)
		}
		agg.ATT, overall = weighted(ks)

	case AggGroup:
		var atts, pgs []float64
		var cohs []int
		for _, g := range gt.Groups {
			var ks []int
			for k, c := range gt.Cells {
				if valid(c) && c.Group == g && post(c) {
					ks = append(ks, k)
				}
			}
			if len(ks) == 0 {
				continue
			}
			l := didLin{cell: map[int]float64{}}
			var est float64
			for _, k := range ks {
				l.cell[k] = 1 / float64(len(ks))
				est += gt.Cells[k].ATT / float64(len(ks))
			}
			agg.Terms = append(agg.Terms, AggTerm{Key: g, ATT: est})
			terms = append(terms, l)
			atts = append(atts, est)
			pgs = append(pgs, pgOf(g))
			cohs = append(cohs, cohOf(g))
		}
		if len(terms) == 0 {
			return nil, fmt.Errorf("stats: group aggregation: no post-treatment cell: %w", ErrEmptyCell)
		}
		var spg float64
		for _, p := range pgs {
			spg += p
		}
		for j := range terms {
			agg.ATT += pgs[j] / spg * atts[j]
			overall = overall.addScaled(pgs[j]/spg, terms[j])
		}
		overall = didWIF(overall, nCoh, cohs, pgs, atts)

	case AggDynamic:
		tmin, tmax := math.MaxInt, math.MinInt
		for _, c := range gt.Cells {
			if valid(c) {
				tmin, tmax = min(tmin, c.Period), max(tmax, c.Period)
			}
		}
		include := func(c GTCell) bool {
			return valid(c) && (opts.BalanceE == nil || tmax-c.Group >= *opts.BalanceE)
		}
		var es []int
		seen := map[int]bool{}
		for _, c := range gt.Cells {
			if valid(c) && !seen[c.Event] {
				seen[c.Event] = true
				es = append(es, c.Event)
			}
		}
		var keep []int
		for _, e := range es {
			if opts.BalanceE != nil && (e > *opts.BalanceE || e < *opts.BalanceE-tmax+tmin) {
				continue
			}
			if e < minE || e > maxE {
				continue
			}
			keep = append(keep, e)
		}
		slices.Sort(keep)
		var npos int
		for _, e := range keep {
			var ks []int
			for k, c := range gt.Cells {
				if c.Event == e && include(c) {
					ks = append(ks, k)
				}
			}
			if len(ks) == 0 {
				continue
			}
			est, l := weighted(ks)
			agg.Terms = append(agg.Terms, AggTerm{Key: e, ATT: est})
			terms = append(terms, l)
			if e >= 0 {
				npos++
			}
		}
		if len(terms) == 0 {
			return nil, fmt.Errorf("stats: dynamic aggregation: no cell: %w", ErrEmptyCell)
		}
		if npos == 0 {
			agg.ATT = math.NaN()
		}
		for j, t := range agg.Terms {
			if t.Key >= 0 {
				agg.ATT += t.ATT / float64(npos)
				overall = overall.addScaled(1/float64(npos), terms[j])
			}
		}

	default:
		panic("stats: unknown aggregation kind")
	}

	z := didZ(gt.Alpha)
	agg.IF = gt.influence(overall)
	agg.SE = gt.analyticSE(agg.IF)
	agg.BootSE = math.NaN()
	for j := range agg.Terms {
		agg.Terms[j].SE = gt.analyticSE(gt.influence(terms[j]))
		agg.Terms[j].BootSE = math.NaN()
		agg.Terms[j].BandLo, agg.Terms[j].BandHi = math.NaN(), math.NaN()
	}
	if gt.boot != nil {
		all := append([]didLin{overall}, terms...)
		ses, _ := gt.bootStats(all)
		agg.BootSE = ses[0]
		for j := range agg.Terms {
			agg.Terms[j].BootSE = ses[j+1]
		}
		if len(terms) > 0 {
			_, crit := gt.bootStats(terms)
			// As aggte: a band narrower than the pointwise interval, or an
			// undefined one, falls back to the pointwise critical value.
			if math.IsNaN(crit) || math.IsInf(crit, 0) || crit < z {
				crit = z
			}
			agg.Crit = crit
		}
	}
	pick := func(se, bse float64) float64 {
		if gt.boot != nil {
			return bse
		}
		return se
	}
	s := pick(agg.SE, agg.BootSE)
	agg.Lo, agg.Hi = agg.ATT-z*s, agg.ATT+z*s
	for j := range agg.Terms {
		t := &agg.Terms[j]
		s := pick(t.SE, t.BootSE)
		t.Lo, t.Hi = t.ATT-z*s, t.ATT+z*s
		if !math.IsNaN(agg.Crit) {
			t.BandLo, t.BandHi = t.ATT-agg.Crit*t.BootSE, t.ATT+agg.Crit*t.BootSE
		}
	}
	return agg, nil
}

// WaldTest is a chi-square Wald test: statistic W on DF degrees of freedom
// with p-value P = P(χ²_DF > W).
type WaldTest struct {
	W  float64
	DF int
	P  float64
}

// PreTrendTest is did's pre-test of parallel trends (printed by
// summary(att_gt)): with a the vector of pre-treatment ATT(g,t) (g > t)
// whose standard error is defined and V their analytic covariance
// IFᵀIF/N,
//
//	W = N·aᵀ V⁻¹ a ~ χ²(len(a))  under parallel trends.
//
// The p-value is not rounded (did rounds it to five decimals). It returns
// ErrNoPreTreatment when there is no such cell and ErrSingularCovariance
// when V is singular (reciprocal condition number ≤ ε, as did).
func (gt *GroupTime) PreTrendTest() (WaldTest, error) {
	var pre []int
	for k, c := range gt.Cells {
		if c.Group > c.Period && !math.IsNaN(c.ATT) && !math.IsNaN(c.SE) {
			pre = append(pre, k)
		}
	}
	if len(pre) == 0 {
		return WaldTest{}, ErrNoPreTreatment
	}
	n := gt.N
	q := len(pre)
	att := mat.NewVecDense(q, nil)
	for j, k := range pre {
		att.SetVec(j, gt.Cells[k].ATT)
	}
	v := gt.preCovariance(pre)
	var chol mat.Cholesky
	if ok := chol.Factorize(v); !ok || 1/chol.Cond() <= 2.220446049250313e-16 {
		return WaldTest{DF: q}, ErrSingularCovariance
	}
	var x mat.VecDense
	if err := chol.SolveVecTo(&x, att); err != nil {
		return WaldTest{DF: q}, fmt.Errorf("stats: pre-trend test: %w", ErrSingularCovariance)
	}
	w := float64(n) * mat.Dot(att, &x)
	return WaldTest{W: w, DF: q, P: distuv.ChiSquared{K: float64(q)}.Survival(w)}, nil
}

// preCovariance returns IFᵀIF/N restricted to the cells pre, accumulated cohort by cohort: a
// unit's influence is zero in every cell that neither belongs to its cohort nor uses it as a
// control, so each cohort's units add only to the rows and columns of the cells they touch. On
// the batch job's panels (20 cohorts, a third of the units never treated) that is about 40% of the
// dense product's time with never-treated controls and 80% with not-yet-treated ones (later cohorts
// are controls for most pre-treatment cells); the result is the same sum in another order.
func (gt *GroupTime) preCovariance(pre []int) *mat.SymDense {
	n, q := gt.N, len(pre)
	v := mat.NewSymDense(q, nil)
	members := make([][]int, len(gt.cohG))
	for i, c := range gt.unitCoh {
		members[c] = append(members[c], i)
	}
	var touched []int
	for _, us := range members {
		touched = touched[:0]
		for j, k := range pre {
			col := gt.ifc[k*n : (k+1)*n]
			for _, i := range us {
				if col[i] != 0 {
					touched = append(touched, j)
					break
				}
			}
		}
		if len(touched) == 0 {
			continue
		}
		s := mat.NewDense(len(touched), len(us), nil)
		for r, j := range touched {
			col, row := gt.ifc[pre[j]*n:(pre[j]+1)*n], s.RawRowView(r)
			for c, i := range us {
				row[c] = col[i]
			}
		}
		var part mat.SymDense
		part.SymOuterK(1/float64(n), s)
		for a, ja := range touched {
			for b := a; b < len(touched); b++ {
				jb := touched[b]
				v.SetSym(ja, jb, v.At(ja, jb)+part.At(a, b))
			}
		}
	}
	return v
}
