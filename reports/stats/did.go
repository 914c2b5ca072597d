package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Sentinel errors of the staggered difference-in-differences estimator
// (ATTGT and its aggregations). ErrEmptyCell (errors.go) is also returned,
// wrapped in a *CellError.
var (
	// ErrNoTreated reports that no cohort can be estimated: no unit is first
	// treated after the first period (plus anticipation) and inside the panel.
	ErrNoTreated = errors.New("stats: no treated cohort")

	// ErrNoControls reports that there is no comparison group: no
	// never-treated unit when ControlNeverTreated is asked for.
	ErrNoControls = errors.New("stats: no comparison units")

	// ErrTooFewPeriods reports a panel with fewer than two usable periods.
	ErrTooFewPeriods = errors.New("stats: fewer than two periods")

	// ErrInvalidPanel reports a malformed panel: a (unit, period) pair that
	// occurs twice, a unit whose group changes over time, or a negative
	// group.
	ErrInvalidPanel = errors.New("stats: invalid panel")

	// ErrInvalidWeights reports weights that are negative, not finite, or
	// not constant within a unit.
	ErrInvalidWeights = errors.New("stats: invalid weights")

	// ErrNoPreTreatment reports that there is no pre-treatment ATT(g,t) with
	// a positive variance for PreTrendTest to test.
	ErrNoPreTreatment = errors.New("stats: no pre-treatment cells to test")

	// ErrSingularCovariance reports that the covariance matrix of the
	// pre-treatment ATT(g,t)s is singular, so the Wald test is not defined.
	ErrSingularCovariance = errors.New("stats: singular covariance matrix")
)

// CellError reports a group-time cell (cohort Group, period Period, compared
// with base period Base) that has no treated or no comparison units
// observed in both periods. It wraps ErrEmptyCell.
type CellError struct {
	Group, Period, Base int
	NTreated, NControl  int
}

// Error names the cell and its counts of treated and comparison units.
func (e *CellError) Error() string {
	return fmt.Sprintf("stats: att(g=%d, t=%d) against base %d: %d treated and %d comparison units observed in both periods",
		e.Group, e.Period, e.Base, e.NTreated, e.NControl)
}

// Unwrap returns ErrEmptyCell.
func (e *CellError) Unwrap() error { return ErrEmptyCell }

// ControlGroup selects the comparison units of each ATT(g,t).
type ControlGroup int

const (
	// ControlNeverTreated compares each cohort with the units never treated
	// (group 0), as did's control_group = "nevertreated".
	ControlNeverTreated ControlGroup = iota
	// ControlNotYetTreated compares each cohort with the never-treated units
	// and the units of other cohorts not yet treated, i.e. first treated
	// after max(t, base) + Anticipation, as did's control_group =
	// "notyettreated".
	ControlNotYetTreated
)

// BasePeriod selects the base period of the pre-treatment ATT(g,t)s.
type BasePeriod int

const (
	// BaseVarying compares a pre-treatment period t with the period just
	// before it (did's base_period = "varying"); post-treatment periods are
	// always compared with the last period before g - Anticipation.
	BaseVarying BasePeriod = iota
	// BaseUniversal compares every period with the last period before
	// g - Anticipation (did's base_period = "universal"); the cell of that
	// period itself is reported as a reference cell with ATT 0.
	BaseUniversal
)

// DiDOptions configures ATTGT. The zero value is did's default without the
// bootstrap: never-treated controls, varying base period, no anticipation,
// alpha 0.05, analytic standard errors only.
type DiDOptions struct {
	// Control selects never-treated or not-yet-treated comparison units.
	Control ControlGroup
	// Base selects the varying or universal base period.
	Base BasePeriod
	// Anticipation is the number of periods before g in which units may
	// already react to treatment (did's anticipation); must be >= 0.
	Anticipation int
	// Alpha is the significance level of confidence intervals and bands
	// (0 means 0.05).
	Alpha float64
	// Bootstrap is the number of multiplier-bootstrap draws (did's biters);
	// 0 computes analytic standard errors only.
	Bootstrap int
	// Src drives the bootstrap's Rademacher weights. If nil, a fixed-seed
	// PCG source is used, so results are reproducible either way.
	Src rand.Source
	// SkipEmptyCells keeps going when a cell has no treated or no comparison
	// units observed in both periods: the cell gets ATT NaN and Err set, and
	// the aggregations leave it out (did's aggte(..., na.rm = TRUE)).
	// Otherwise ATTGT returns the *CellError.
	SkipEmptyCells bool
}

// GTCell is one group-time average treatment effect ATT(g,t).
type GTCell struct {
	// Group is the cohort g (first treated period), Period the period t and
	// Base the base period the change in outcome is measured from.
	Group, Period, Base int
	// Event is the event time t - g (in period units).
	Event int
	// Post reports g <= t.
	Post bool
	// Reference marks the universal-base cell t = base, fixed at ATT 0.
	Reference bool
	// ATT is the estimate; SE its analytic standard error, from the
	// influence function (NaN for reference cells and zero-variance cells,
	// as did does); BootSE the multiplier-bootstrap standard error (NaN
	// without bootstrap).
	ATT, SE, BootSE float64
	// Lo, Hi is the pointwise 1-Alpha confidence interval (from BootSE if
	// the bootstrap ran, else from SE); BandLo, BandHi the simultaneous band
	// over all cells (sup-t critical value, NaN without bootstrap).
	Lo, Hi, BandLo, BandHi float64
	// NTreated and NControl count the units in the 2×2 comparison.
	NTreated, NControl int
	// Err is the *CellError of a skipped cell (see SkipEmptyCells), else nil.
	Err error
}

// GroupTime holds every ATT(g,t) of a staggered panel and what its
// aggregations need.
type GroupTime struct {
	// Units are the unit ids kept, sorted; they index the rows of IF.
	Units []int
	// Periods are the periods used, sorted.
	Periods []int
	// Groups are the cohorts estimated, sorted.
	Groups []int
	// Cells holds the ATT(g,t), ordered by group then period (did's order).
	Cells []GTCell
	// IF is the N × len(Cells) influence-function matrix on did's scale:
	// the variance of Cells[k].ATT is Σ_i IF[i,k]² / N².
	IF mat.Matrix
	// N is the number of units.
	N int
	// Alpha is the significance level used.
	Alpha float64
	// Crit is the sup-t critical value of the simultaneous band over all
	// cells (NaN without bootstrap).
	Crit float64
	// Bootstrap is the number of bootstrap draws (0 = none).
	Bootstrap int

	ifc     []float64 // column-major IF: column k is ifc[k*N:(k+1)*N]
	unitCoh []int     // cohort index of each unit
	unitW   []float64 // weight of each unit
	cohG    []int     // group value of each cohort
	cohW    []float64 // Σ w over each cohort's units
	boot    *didDraws // bootstrap draws, nil without bootstrap
}

// didPanel is the wide, validated form of the input.
type didPanel struct {
	units   []int
	periods []int
	groups  []int // estimated cohorts
	n, T    int
	y       []float64 // n×T row-major, NaN where missing
	w       []float64 // per unit
	coh     []int     // cohort index per unit
	cohG    []int     // group value per cohort (sorted, 0 first if present)
	balance bool
}

// ATTGT estimates the group-time average treatment effects of Callaway and
// Sant'Anna (2021) on a panel given as one row per (unit, period): unit ids,
// integer periods, group = first treated period of the unit (0 = never
// treated; constant within unit), outcome y, and optional per-observation
// weights (nil means 1; they must be constant within unit, as did requires).
// Rows with y NaN are treated as missing cells.
//
// There are no covariates, so did's "dr", "reg" and "ipw" estimators all
// reduce to the difference of weighted mean changes: with ΔY_i = Y_it - Y_ib
// (b the base period), treated units G (group g) and comparison units C,
// both restricted to units observed in t and b,
//
//	ATT(g,t) = Σ_G w ΔY / Σ_G w  -  Σ_C w ΔY / Σ_C w
//
// and the influence function, on did's scale (N = number of units),
//
//	IF_i = N·[ 1(i∈G) w_i (ΔY_i - m_G)/Σ_G w  -  1(i∈C) w_i (ΔY_i - m_C)/Σ_C w ]
//
// so that Var ATT(g,t) = Σ_i IF_i² / N² (unit-clustered). Base periods,
// comparison sets and the pre-processing follow did's att_gt with
// panel = TRUE: groups beyond the last period count as never treated; units
// already treated in the first period are dropped; groups first treated at
// or before first period + Anticipation are not estimated; with
// not-yet-treated controls and no never-treated unit, periods from the last
// cohort's g - Anticipation on are dropped and that cohort serves only as
// comparison.
//
// Unbalanced panels: each 2×2 comparison uses the units observed in both of
// its periods (and N counts every unit kept). On a balanced panel this is
// exactly did; did itself would first drop every incompletely observed unit.
//
// Event times t - g and did's max_e/min_e/balance_e are measured in period
// units, so periods should be consecutive integers (e.g. months since an
// epoch).
//
// With opts.Bootstrap > 0 the multiplier bootstrap of did's mboot runs once:
// Rademacher weights clustered by unit multiply the influence functions, and
// a standard error is (q.75 - q.25)/(z.75 - z.25) of the draws (R type-1
// quantiles). The same draws serve every Aggregate, so aggregated bootstrap
// results are exact linear functions of them.
//
// ATTGT panics with "stats: length mismatch" if the slices differ in length,
// and on an invalid option. Data problems return ErrInvalidPanel,
// ErrInvalidWeights, ErrTooFewPeriods, ErrNoTreated, ErrNoControls or a
// *CellError (wrapping ErrEmptyCell).
func ATTGT(unit, period, group []int, y, weights []float64, opts DiDOptions) (*GroupTime, error) {
	if len(period) != len(unit) || len(group) != len(unit) || len(y) != len(unit) ||
		(weights != nil && len(weights) != len(unit)) {
		panic("stats: length mismatch")
	}
	if opts.Anticipation < 0 {
		panic("stats: negative anticipation")
	}
	if opts.Bootstrap < 0 {
		panic("stats: negative bootstrap draws")
	}
	if opts.Control != ControlNeverTreated && opts.Control != ControlNotYetTreated {
		panic("stats: unknown control group")
	}
	if opts.Base != BaseVarying && opts.Base != BaseUniversal {
		panic("stats: unknown base period")
	}
	alpha := opts.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		panic("stats: alpha out of (0, 1)")
	}

	p, err := didBuildPanel(unit, period, group, y, weights, opts)
	if err != nil {
		return nil, err
	}
	gt := &GroupTime{
		Units:     p.units,
		Periods:   p.periods,
		Groups:    p.groups,
		N:         p.n,
		Alpha:     alpha,
		Crit:      math.NaN(),
		Bootstrap: opts.Bootstrap,
		unitCoh:   p.coh,
		unitW:     p.w,
		cohG:      p.cohG,
		cohW:      make([]float64, len(p.cohG)),
	}
	for i, c := range p.coh {
		gt.cohW[c] += p.w[i]
	}

	specs := didCellSpecs(p, opts)
	K := len(specs)
	n := p.n
	gt.ifc = make([]float64, K*n)
	gt.Cells = make([]GTCell, K)
	var bl *didBootLayout
	if opts.Bootstrap > 0 {
		bl = didNewBootLayout(p, K)
	}
	isT := make([]bool, len(p.cohG))
	isC := make([]bool, len(p.cohG))
	tol := math.Sqrt(2.220446049250313e-16) * 10
	for k, s := range specs {
		c := &gt.Cells[k]
		*c = GTCell{Group: s.g, Period: p.periods[s.t], Base: p.periods[s.b], Event: p.periods[s.t] - s.g,
			Post: s.g <= p.periods[s.t], ATT: math.NaN(), SE: math.NaN(), BootSE: math.NaN(),
			Lo: math.NaN(), Hi: math.NaN(), BandLo: math.NaN(), BandHi: math.NaN()}
		if s.t == s.b {
			c.Reference = true
			c.ATT = 0
			continue
		}
		didComparison(p, opts, s, isT, isC)
		col := gt.ifc[k*n : (k+1)*n]
		st, err := didCell(p, s, isT, isC, col)
		c.NTreated, c.NControl = st.nT, st.nC
		if err != nil {
			if !opts.SkipEmptyCells {
				return nil, err
			}
			c.Err = err
			continue
		}
		c.ATT = st.att
		var ss float64
		for _, v := range col {
			ss += v * v
		}
		if se := math.Sqrt(ss) / float64(n); se > tol {
			c.SE = se
		}
		if bl != nil {
			bl.addCell(p, k, s, st, isT, isC)
		}
	}
	gt.IF = mat.NewDense(K, n, gt.ifc).T()

	z := didZ(alpha)
	if bl != nil {
		src := opts.Src
		if src == nil {
			src = rand.NewPCG(0x5eed, 0xd1d)
		}
		gt.boot = bl.run(opts.Bootstrap, src)
		lins := make([]didLin, K)
		for k := range lins {
			lins[k] = didLin{cell: map[int]float64{k: 1}}
		}
		ses, crit := gt.bootStats(lins)
		gt.Crit = crit
		for k := range gt.Cells {
			gt.Cells[k].BootSE = ses[k]
		}
	}
	for k := range gt.Cells {
		c := &gt.Cells[k]
		se := c.SE
		if gt.boot != nil {
			se = c.BootSE
		}
		c.Lo, c.Hi = c.ATT-z*se, c.ATT+z*se
		if !math.IsNaN(gt.Crit) {
			c.BandLo, c.BandHi = c.ATT-gt.Crit*c.BootSE, c.ATT+gt.Crit*c.BootSE
		}
	}
	return gt, nil
}

// didBuildPanel validates the long input and reshapes it to a wide panel,
// applying did's pre-processing rules.
func didBuildPanel(unit, period, group []int, y, weights []float64, opts DiDOptions) (*didPanel, error) {
	delta := opts.Anticipation
	// Periods observed (rows with an outcome).
	var periods []int
	for r := range unit {
		if !math.IsNaN(y[r]) {
			periods = append(periods, period[r])
		}
	}
	slices.Sort(periods)
	periods = slices.Compact(periods)
	if len(periods) < 2 {
		return nil, ErrTooFewPeriods
	}
	maxT := periods[len(periods)-1]

	// Per-unit group and weight, checked for consistency.
	type uinfo struct {
		g int
		w float64
	}
	info := make(map[int]uinfo)
	for r, id := range unit {
		if math.IsNaN(y[r]) {
			continue
		}
		g := group[r]
		if g < 0 {
			return nil, fmt.Errorf("stats: unit %d: negative group %d: %w", id, g, ErrInvalidPanel)
		}
		if g > maxT {
			g = 0 // treated after the panel ends: never treated here
		}
		w := 1.0
		if weights != nil {
			w = weights[r]
			if !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("stats: unit %d: weight %v: %w", id, w, ErrInvalidWeights)
			}
		}
		if old, ok := info[id]; ok {
			if old.g != g {
				return nil, fmt.Errorf("stats: unit %d: group changes from %d to %d: %w", id, old.g, g, ErrInvalidPanel)
			}
			if old.w != w {
				return nil, fmt.Errorf("stats: unit %d: weight not constant within unit: %w", id, ErrInvalidWeights)
			}
			continue
		}
		info[id] = uinfo{g, w}
	}

	var gvals []int
	hasNever := false
	for _, u := range info {
		if u.g == 0 {
			hasNever = true
		}
		gvals = append(gvals, u.g)
	}
	slices.Sort(gvals)
	gvals = slices.Compact(gvals)
	maxG := gvals[len(gvals)-1]
	if !hasNever {
		if opts.Control == ControlNeverTreated {
			return nil, fmt.Errorf("stats: no never-treated unit: %w", ErrNoControls)
		}
		// did: keep periods before the last cohort's g - anticipation; that
		// cohort is then only a comparison group.
		keep := periods[:0:0]
		for _, t := range periods {
			if t < maxG-delta {
				keep = append(keep, t)
			}
		}
		periods = keep
		if len(periods) < 2 {
			return nil, ErrTooFewPeriods
		}
	}
	first := periods[0]
	var groups []int
	for _, g := range gvals {
		if g > 0 && g > first+delta && (hasNever || g != maxG) {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil, ErrNoTreated
	}

	// Units kept: all but those already treated in the first period.
	var units []int
	for id, u := range info {
		if u.g == 0 || u.g > first {
			units = append(units, id)
		}
	}
	slices.Sort(units)
	n, T := len(units), len(periods)
	p := &didPanel{units: units, periods: periods, groups: groups, n: n, T: T,
		y: make([]float64, n*T), w: make([]float64, n), coh: make([]int, n)}
	for i := range p.y {
		p.y[i] = math.NaN()
	}
	var cohG []int
	for _, id := range units {
		cohG = append(cohG, info[id].g)
	}
	slices.Sort(cohG)
	cohG = slices.Compact(cohG)
	p.cohG = cohG
	for i, id := range units {
		u := info[id]
		p.w[i] = u.w
		p.coh[i], _ = slices.BinarySearch(cohG, u.g)
	}
	for r, id := range unit {
		if math.IsNaN(y[r]) {
			continue
		}
		i, ok := slices.BinarySearch(units, id)
		if !ok {
			continue
		}
		t, ok := slices.BinarySearch(periods, period[r])
		if !ok {
			continue
		}
		cell := &p.y[i*T+t]
		if !math.IsNaN(*cell) {
			return nil, fmt.Errorf("stats: unit %d period %d observed twice: %w", id, period[r], ErrInvalidPanel)
		}
		*cell = y[r]
	}
	p.balance = true
	for _, v := range p.y {
		if math.IsNaN(v) {
			p.balance = false
			break
		}
	}
	return p, nil
}

// didSpec is one cell to estimate: cohort g, period index t, base index b.
type didSpec struct{ g, t, b int }

// didCellSpecs lists the cells in did's order (group, then period) with
// their base periods.
func didCellSpecs(p *didPanel, opts DiDOptions) []didSpec {
	var specs []didSpec
	start := 1
	if opts.Base == BaseUniversal {
		start = 0
	}
	for _, g := range p.groups {
		// Last period before g - anticipation (exists: g > first + delta).
		pre := -1
		for j, t := range p.periods {
			if t+opts.Anticipation < g {
				pre = j
			}
		}
		for t := start; t < p.T; t++ {
			b := t - 1
			if opts.Base == BaseUniversal || g <= p.periods[t] {
				b = pre
			}
			specs = append(specs, didSpec{g, t, b})
		}
	}
	return specs
}

// didComparison marks the treated and comparison cohorts of a cell.
func didComparison(p *didPanel, opts DiDOptions, s didSpec, isT, isC []bool) {
	last := max(p.periods[s.t], p.periods[s.b])
	for c, g := range p.cohG {
		isT[c] = g == s.g
		switch opts.Control {
		case ControlNeverTreated:
			isC[c] = g == 0
		default:
			isC[c] = g == 0 || (g > last+opts.Anticipation && g != s.g)
		}
	}
}

// didCellStats are the sufficient statistics of one 2×2 comparison.
type didCellStats struct {
	nT, nC   int
	sT, sC   float64 // Σ w
	mT, mC   float64 // weighted mean ΔY
	att      float64
	xorUnits bool // some unit of the comparison is observed in only one period
}

// didCell computes ATT(g,t) and writes its influence function into col.
func didCell(p *didPanel, s didSpec, isT, isC []bool, col []float64) (didCellStats, error) {
	var st didCellStats
	var dT, dC float64
	T := p.T
	for i, c := range p.coh {
		if !isT[c] && !isC[c] {
			continue
		}
		yt, yb := p.y[i*T+s.t], p.y[i*T+s.b]
		if math.IsNaN(yt) || math.IsNaN(yb) {
			if math.IsNaN(yt) != math.IsNaN(yb) {
				st.xorUnits = true
			}
			continue
		}
		w := p.w[i]
		if isT[c] {
			st.nT++
			st.sT += w
			dT += w * (yt - yb)
		} else {
			st.nC++
			st.sC += w
			dC += w * (yt - yb)
		}
	}
	if st.nT == 0 || st.nC == 0 || st.sT == 0 || st.sC == 0 {
		return st, &CellError{Group: s.g, Period: p.periods[s.t], Base: p.periods[s.b], NTreated: st.nT, NControl: st.nC}
	}
	st.mT, st.mC = dT/st.sT, dC/st.sC
	st.att = st.mT - st.mC
	n := float64(p.n)
	for i, c := range p.coh {
		if !isT[c] && !isC[c] {
			continue
		}
		yt, yb := p.y[i*T+s.t], p.y[i*T+s.b]
		if math.IsNaN(yt) || math.IsNaN(yb) {
			continue
		}
		w := p.w[i]
		if isT[c] {
			col[i] = n * w * (yt - yb - st.mT) / st.sT
		} else {
			col[i] = -n * w * (yt - yb - st.mC) / st.sC
		}
	}
	return st, nil
}

// didZ is the two-sided normal critical value Φ⁻¹(1 - α/2).
func didZ(alpha float64) float64 {
	return distuv.UnitNormal.Quantile(1 - alpha/2)
}
