package analyze

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// PanelData is a long unit × period panel for the staggered DiD: one row per observed cell.
// Units are any strings; Time are consecutive integer periods; Group is the unit's first treated
// period (0 = never treated); Y is the outcome (NaN = missing cell).
type PanelData struct {
	Unit  []string
	Time  []int
	Group []int
	Y     []float64
}

// Add appends one cell.
func (p *PanelData) Add(unit string, t, g int, y float64) {
	p.Unit, p.Time, p.Group, p.Y = append(p.Unit, unit), append(p.Time, t), append(p.Group, g), append(p.Y, y)
}

// Len returns the number of cells.
func (p *PanelData) Len() int { return len(p.Unit) }

// DiDOptions configures EstimateDiD.
type DiDOptions struct {
	// NotYetTreated selects not-yet-treated (plus never-treated) controls instead of never-treated.
	NotYetTreated bool
	Anticipation  int
	Bootstrap     int     // multiplier bootstrap draws; 0 = analytic standard errors only
	Alpha         float64 // 0 means 0.05
	Seed          uint64
	// Stream separates the random streams of several estimates sharing one seed (e.g. a metric
	// name); results do not depend on the order estimates are computed in.
	Stream string
}

// DiDResult is a fitted staggered DiD with its three aggregations and the pre-trend test.
type DiDResult struct {
	GT                     *stats.GroupTime
	Simple, Dynamic, Group *stats.Aggregation
	PreTrend               *stats.WaldTest // did's Wald test over all pre-treatment cells; nil when undefined
	// PreTrendF is the small-sample pre-trend test on the pre-treatment event-time aggregates
	// (see preTrendF), nil when it could not run; PreTrendNote then says why.
	PreTrendF          *stats.FTest
	PreTrendNote       string
	NTreated, NControl int // units in estimated cohorts / all other units kept
	Alpha              float64
	// DF is the degrees of freedom of the t reference for the simple, dynamic and group
	// aggregations, EventDF the same per event time (see degreesOfFreedom): the spread of a few
	// treated units per cohort drives the standard error, so est/SE has heavier tails than the
	// normal (stats.TPValue).
	DF      float64
	EventDF map[int]float64
	// EventTreated counts, per event time, the treated units of the cohorts with an estimated cell
	// there (NTreated counts those of every estimated cohort).
	EventTreated map[int]int
	// Cohorts counts the treated units of each estimated cohort.
	Cohorts map[int]int
}

// EstimateDiD fits Callaway & Sant'Anna's group-time ATTs on p (varying base period, cells without
// treated or comparison units skipped) and aggregates them. Deterministic for a given Seed and
// Stream. Errors are those of stats.ATTGT (ErrNoTreated, ErrNoControls, ...).
func EstimateDiD(p *PanelData, o DiDOptions) (*DiDResult, error) {
	ids := map[string]int{}
	var names []string
	for _, u := range p.Unit {
		if _, ok := ids[u]; !ok {
			ids[u] = 0
			names = append(names, u)
		}
	}
	sort.Strings(names)
	for i, n := range names {
		ids[n] = i + 1
	}
	unit := make([]int, p.Len())
	for i, u := range p.Unit {
		unit[i] = ids[u]
	}
	return estimateDiD(&intPanel{unit: unit, time: p.Time, group: p.Group, y: p.Y, units: len(names) + 1}, o)
}

// intPanel is a PanelData whose units are numbered 0 ≤ unit < units in the order of their ids
// (what EstimateDiD makes of the strings, and what metrics.Panel hands over directly).
type intPanel struct {
	unit, time, group []int
	y                 []float64
	units             int
	// calendar lists the calendar periods a compacted panel numbers first, first+1, ... (see
	// compactPeriods); nil when time holds calendar periods.
	calendar []int
}

func (p *intPanel) add(unit, t, g int, y float64) {
	p.unit, p.time, p.group, p.y = append(p.unit, unit), append(p.time, t), append(p.group, g), append(p.y, y)
}

// estimateDiD is EstimateDiD on numbered units. Only the order of the numbers matters: the
// bootstrap draws one multiplier per unit in that order.
func estimateDiD(p *intPanel, o DiDOptions) (*DiDResult, error) {
	alpha := o.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	h := fnv.New64a()
	h.Write([]byte(o.Stream))
	opts := stats.DiDOptions{Anticipation: o.Anticipation, Alpha: alpha, Bootstrap: o.Bootstrap,
		Src: rand.NewPCG(o.Seed, h.Sum64()), SkipEmptyCells: true}
	if o.NotYetTreated {
		opts.Control = stats.ControlNotYetTreated
	}
	gt, err := stats.ATTGT(p.unit, p.time, p.group, p.y, nil, opts)
	if err != nil {
		return nil, err
	}
	r := &DiDResult{GT: gt, Alpha: alpha}
	if r.Simple, err = gt.Aggregate(stats.AggSimple, nil); err != nil {
		return nil, err
	}
	if r.Dynamic, err = gt.Aggregate(stats.AggDynamic, nil); err != nil {
		return nil, err
	}
	if r.Group, err = gt.Aggregate(stats.AggGroup, nil); err != nil {
		return nil, err
	}
	if w, err := gt.PreTrendTest(); err == nil {
		r.PreTrend = &w
	} else if !errors.Is(err, stats.ErrNoPreTreatment) && !errors.Is(err, stats.ErrSingularCovariance) {
		return nil, fmt.Errorf("analyze: pre-trend test: %w", err)
	}
	// Units of estimated cohorts are treated; every other unit kept serves as comparison.
	size := cohortSizes(p, gt.Groups)
	for _, n := range size {
		r.NTreated += n
	}
	r.NControl = gt.N - r.NTreated
	r.DF, r.EventDF, r.EventTreated = degreesOfFreedom(size, gt, r.Group)
	r.PreTrendF, r.PreTrendNote = preTrendF(gt, r.EventDF)
	r.Cohorts = size
	return r, nil
}

// PreTrendEvents is the most pre-treatment event times the pre-trend test takes (the ones
// closest to treatment): the periods that the base period and the first post-treatment cells
// lean on, and that most cohorts are observed in.
const PreTrendEvents = 6

// preTrendF runs stats.PreTrendEventTest on the (up to PreTrendEvents) pre-treatment event times
// closest to treatment, with ν the smallest Satterthwaite degrees of freedom among them (eventDF,
// see degreesOfFreedom): the covariance of the event-time averages is estimated from the few
// treated units of the cohorts behind them, and the least informed of them bounds how well V is
// known. It returns a reason instead of a test when there is no pre-treatment event time or the
// covariance is singular.
func preTrendF(gt *stats.GroupTime, eventDF map[int]float64) (*stats.FTest, string) {
	pre := gt.PreEvents()
	if len(pre) == 0 {
		return nil, "no pre-treatment period"
	}
	if len(pre) > PreTrendEvents {
		pre = pre[:PreTrendEvents]
	}
	nu := math.Inf(1)
	for _, e := range pre {
		if df, ok := eventDF[e]; ok {
			nu = math.Min(nu, df)
		}
	}
	if math.IsInf(nu, 1) {
		nu = 1
	}
	f, err := gt.PreTrendEventTest(pre, nu)
	switch {
	case err == nil:
		return &f, ""
	case errors.Is(err, stats.ErrSingularCovariance):
		return nil, fmt.Sprintf("singular covariance of the %d pre-treatment event-time averages", len(pre))
	}
	return nil, "pre-trend test: " + err.Error()
}

// cohortSizes counts the units of each of the given cohorts in p.
func cohortSizes(p *intPanel, groups []int) map[int]int {
	size := make(map[int]int, len(groups))
	for _, g := range groups {
		size[g] = 0
	}
	seen := make([]bool, p.units)
	for i, u := range p.unit {
		if _, ok := size[p.group[i]]; ok && !seen[u] {
			seen[u] = true
			size[p.group[i]]++
		}
	}
	return size
}

// degreesOfFreedom returns the DF and EventDF of a DiDResult, given the units of each estimated
// cohort (size), by Satterthwaite's approximation: an estimate that is a weighted sum Σ_g w_g θ_g of cohort estimates whose variances v_g are each
// estimated from the spread of the cohort's n_g treated units (n_g − 1 degrees of freedom) has
//
//	df = (Σ_g w_g² v_g)² / Σ_g (w_g² v_g)² / (n_g − 1)
//
// (Satterthwaite 1946, Biometrics Bulletin 2(6)), which is Σ_g (n_g − 1) when every cohort
// contributes alike and nearer the smallest cohort's n_g − 1 when one cohort dominates. The overall
// aggregations take the cohort effects (group aggregation terms) with did's simple-aggregation
// weights, n_g × the cohort's post-treatment cells; each event time takes its cells, weighted by n_g.
// A cohort of one treated unit counts with one degree of freedom (its own spread is unknown, so it
// must not make the reference look better informed). Covariances through shared comparison units
// are left out. Each result is at least 1. It also returns, per event time, the treated units
// behind it (Σ n_g over its cohorts).
func degreesOfFreedom(size map[int]int, gt *stats.GroupTime, group *stats.Aggregation) (float64, map[int]float64, map[int]int) {
	type part struct{ w, v, df float64 }
	satterthwaite := func(parts []part) float64 {
		var num, den float64
		for _, q := range parts {
			if !(q.v > 0) {
				continue
			}
			x := q.w * q.w * q.v
			num += x
			den += x * x / q.df
		}
		if !(den > 0) {
			return 1
		}
		return math.Max(num*num/den, 1)
	}
	posts := map[int]int{}
	byEvent := map[int][]part{}
	for _, c := range gt.Cells {
		if c.Err != nil || c.Reference || math.IsNaN(c.ATT) {
			continue
		}
		if c.Post {
			posts[c.Group]++
		}
		n := float64(size[c.Group])
		byEvent[c.Event] = append(byEvent[c.Event], part{w: n, v: sq(SE(c.SE, c.BootSE)), df: math.Max(n-1, 1)})
	}
	var overall []part
	for _, t := range group.Terms {
		n := float64(size[t.Key])
		overall = append(overall, part{w: n * float64(posts[t.Key]), v: sq(SE(t.SE, t.BootSE)), df: math.Max(n-1, 1)})
	}
	events := make(map[int]float64, len(byEvent))
	treated := make(map[int]int, len(byEvent))
	for e, parts := range byEvent {
		events[e] = satterthwaite(parts)
		for _, q := range parts {
			treated[e] += int(q.w)
		}
	}
	return satterthwaite(overall), events, treated
}

func sq(x float64) float64 { return x * x }

// SE returns the standard error used for intervals and tests: the bootstrap one when the
// bootstrap ran and gave a finite value, else the analytic one.
func SE(analytic, boot float64) float64 {
	if !math.IsNaN(boot) && boot > 0 {
		return boot
	}
	return analytic
}

// PValue returns the two-sided normal p-value of est/se (NaN when se is not positive).
func PValue(est, se float64) float64 {
	if !(se > 0) || math.IsNaN(est) {
		return math.NaN()
	}
	return 2 * distuv.UnitNormal.CDF(-math.Abs(est/se))
}

// zQuantile returns the standard normal quantile.
func zQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }
