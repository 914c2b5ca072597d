package plan

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/exposure"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/roi"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func sqlText(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name)
	if err != nil {
		panic("plan: missing embedded sql/" + name)
	}
	return string(b)
}

// Errors of Run. Each is returned wrapped with what was asked and what the warehouse holds.
var (
	// ErrPersonUnits: analysis.unit is person; plan sizes rollouts of teams (and never lists people).
	ErrPersonUnits = errors.New("plan: analysis.unit is person; plan sizes rollouts of teams")
	// ErrNoHistory: the warehouse holds no analysis (run `trainimpact analyze` first).
	ErrNoHistory = errors.New("plan: no analysed history in the warehouse")
	// ErrTooFewTeams: the rollout trains more teams than the warehouse has not yet trained.
	ErrTooFewTeams = errors.New("plan: not enough teams")
	// ErrUnknownMetric: a metric asked for is not in the catalog.
	ErrUnknownMetric = errors.New("plan: unknown metric")
	// ErrShortHistory: the history is too short for the rollout and its observation window.
	ErrShortHistory = errors.New("plan: history too short")
)

// RunOptions configure Run.
type RunOptions struct {
	// Analysis holds the analysis settings the future analysis will use (unit, period,
	// washout_days, treatment_start, control, anticipation, dropouts).
	Analysis config.Analysis
	// Design is the proposed rollout.
	Design Design
	// Metrics to size (nil: every metric of the catalog with history).
	Metrics []string
	// ChartMetric is the metric of the grid of MDEs by teams and quarters ("": the first metric
	// on the log scale with an MDE, else the first with one).
	ChartMetric string
	// Alpha and Power of the test the MDE is for (0: 0.05 and 0.8).
	Alpha, Power float64
	// Placebos per MDE (0: 200); the grid uses half as many (at least 50).
	Placebos int
	// Seed draws the placebo rollouts and the stepped-wedge order.
	Seed uint64
	// Progress, when set, is told what is being computed (one call per metric and per grid point).
	Progress func(msg string)
	// NoGrid skips the chart's grid (callers that draw no chart).
	NoGrid bool
}

// Team is a team of the warehouse: its id and name (team names are shown, as in the report).
type Team struct{ ID, Name string }

// MetricPlan is the MDE of the design on one metric.
type MetricPlan struct {
	Metric queries.Metric
	// Scale is the scale of the metric's DiD estimate: log (durations: mean log hours or minutes),
	// share or rate (roi.ScaleLog, ScaleShare, ScaleRate).
	Scale string
	// Result is the MDE with its Monte Carlo interval; valid when Err is nil.
	Result Result
	// Teams counts the teams with cells in the history; Pool the teams placebo cohorts are drawn
	// from (those not trained before the history's end).
	Teams, Pool int
	// Periods counts the periods of the metric's history (from its first event to the history's end).
	Periods int
	// Err says why there is no MDE (nil when there is one).
	Err error
	// Distinct is the number of different placebo rollouts the pool allows (the ways of filling
	// the cohorts from Pool teams; +Inf beyond float64): with fewer than the placebos, the MDE
	// rests on repeats of these few.
	Distinct float64

	history *analyze.PanelData
	rollout Rollout
	pool    []string
	opts    Options
}

// Placebo returns, for tests and studies, one random placebo rollout of the design laid on the
// metric's history exactly as the MDE's placebos are (nil when there is no history).
func (m *MetricPlan) Placebo(rng *rand.Rand) *analyze.PanelData {
	if m.history == nil || m.history.Len() == 0 {
		return nil
	}
	return Placebo(m.history, m.pool, m.rollout, slices.Min(m.history.Time), rng)
}

// Anticipation is the anticipation the metric's placebo estimates use (analysis.anticipation
// plus the longest washout in periods).
func (m *MetricPlan) Anticipation() int {
	w := 0
	for _, x := range m.rollout.Washout {
		w = max(w, x)
	}
	return m.opts.Anticipation + w
}

// GridPoint is the MDE of the chart metric with Teams teams trained (the design's cohorts scaled
// down) and Quarters quarters observed.
type GridPoint struct {
	Teams, Quarters int
	Result          Result
	Err             error
}

// Plan is what Run computed.
type Plan struct {
	Design Design
	// PeriodKind is analysis.period (month, quarter or week); WashoutDays analysis.washout_days.
	PeriodKind  string
	WashoutDays int
	// Cutoff is the cut-off of the warehouse's latest analysis: its events end there.
	Cutoff time.Time
	// HistoryStart and HistoryEnd bound the periods read (end exclusive): complete periods before
	// the cut-off and before the proposed start.
	HistoryStart, HistoryEnd time.Time
	// Started says the proposed start falls before the cut-off: the periods from it on are left
	// out of the history (they may carry the program's effect).
	Started bool
	// TrainedCut counts teams already trained before HistoryEnd: their periods from their
	// training on are left out, and they are never drawn into a placebo cohort.
	TrainedCut int
	// Eligible are the teams not yet trained (exposure status never or not_yet), which the order
	// is drawn from; Dropouts counts teams whose lead dropped out (left out of both).
	Eligible []Team
	Dropouts int
	// Order is the recommended stepped-wedge order: Order[k] the teams of Design.Cohorts[k].
	Order                [][]Team
	Alpha, Power         float64
	Placebos             int
	Seed                 uint64
	NotYetTreated        bool
	Metrics              []MetricPlan
	ChartMetric          string
	ChartScale           string
	Grid                 []GridPoint
	GridTeams, GridQuart []int
}

// sqlDB adapts *sql.DB to metrics.DB.
type sqlDB struct{ db *sql.DB }

func (d sqlDB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.db.ExecContext(ctx, q, args...)
}

func (d sqlDB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.db.QueryContext(ctx, q, args...)
}

// Run sizes the design on the history in db (the published warehouse, opened read-only):
//
//  1. The history is every complete analysis period before the cut-off of the warehouse's latest
//     analysis and before the period of the proposed first completion; each metric's panel is
//     built by metrics.EachPanel with the analysis' settings and its cells valued as the headline
//     DiD values them (analyze.CellValue). Teams already trained before the history's end keep
//     only their periods before training; teams whose lead dropped out are left out (as the
//     per-protocol analysis does).
//  2. The design is laid on the history so that its observation window (Design.Quarters quarters
//     after the first cohort's first trained period) ends where the history ends, the cohorts
//     keeping their spacing and washouts; MDE runs placebo rollouts of it with cohorts drawn from
//     the teams not trained before the history's end.
//  3. For the chart metric, the MDE on a grid: ¼, ½, ¾ and all of the design's teams × 1–4
//     quarters observed.
//  4. The stepped-wedge order of the design's cohorts, drawn from the eligible teams with Seed.
func Run(ctx context.Context, db *sql.DB, o RunOptions) (*Plan, error) {
	a := o.Analysis
	if a.Unit == "person" {
		return nil, ErrPersonUnits
	}
	if len(o.Design.Cohorts) == 0 || o.Design.Teams() == 0 {
		return nil, fmt.Errorf("%w: no cohort", ErrBadRollout)
	}
	if o.Design.Quarters < 1 {
		return nil, fmt.Errorf("%w: %d quarters observed (want 1 or more)", ErrBadRollout, o.Design.Quarters)
	}
	kind := a.Period
	if kind == "" {
		kind = "month"
	}
	p := &Plan{Design: o.Design, PeriodKind: kind, WashoutDays: a.WashoutDays, Alpha: o.Alpha, Power: o.Power,
		Placebos: o.Placebos, Seed: o.Seed, NotYetTreated: a.Control != "never_treated"}
	if p.Alpha == 0 {
		p.Alpha = 0.05
	}
	if p.Power == 0 {
		p.Power = 0.8
	}
	if p.Placebos == 0 {
		p.Placebos = 200
	}

	var period string
	var computed time.Time
	err := db.QueryRowContext(ctx, sqlText("latest_analysis.sql")).Scan(&period, &computed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: run `trainimpact analyze` first", ErrNoHistory)
	}
	if err != nil {
		return nil, fmt.Errorf("plan: latest analysis: %w", err)
	}
	q, err := analyze.ParseQuarter(period)
	if err != nil {
		return nil, err
	}
	p.Cutoff = q.End()
	if computed.Before(p.Cutoff) {
		p.Cutoff = computed.UTC()
	}

	if err := readTeams(ctx, db, p); err != nil {
		return nil, err
	}
	if n := o.Design.Teams(); n > len(p.Eligible) {
		return nil, fmt.Errorf("%w: the rollout trains %d teams; the warehouse has %d teams not yet trained", ErrTooFewTeams, n, len(p.Eligible))
	}
	ids := make([]string, len(p.Eligible))
	names := map[string]string{}
	for i, t := range p.Eligible {
		ids[i] = t.ID
		names[t.ID] = t.Name
	}
	sizes := make([]int, len(o.Design.Cohorts))
	for k, c := range o.Design.Cohorts {
		sizes[k] = c.Teams
	}
	order, err := SteppedWedge(ids, sizes, o.Seed)
	if err != nil {
		return nil, err
	}
	for _, cohort := range order {
		var ts []Team
		for _, id := range cohort {
			ts = append(ts, Team{ID: id, Name: names[id]})
		}
		p.Order = append(p.Order, ts)
	}

	cat, err := queries.Default()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, name := range o.Metrics {
		if !slices.ContainsFunc(cat.Metrics, func(m queries.Metric) bool { return m.Name == name }) {
			return nil, fmt.Errorf("%w %q (see `trainimpact query --list` or queries/metrics)", ErrUnknownMetric, name)
		}
		want[name] = true
	}
	if o.ChartMetric != "" && !slices.ContainsFunc(cat.Metrics, func(m queries.Metric) bool { return m.Name == o.ChartMetric }) {
		return nil, fmt.Errorf("%w %q", ErrUnknownMetric, o.ChartMetric)
	}
	if o.ChartMetric != "" && len(want) > 0 {
		want[o.ChartMetric] = true
	}

	// History end: complete periods before the cut-off, and before the proposed first completion.
	hEnd := analyze.PeriodIndex(p.Cutoff, kind)
	start := math.MaxInt
	for _, c := range o.Design.Cohorts {
		start = min(start, cohortTiming(c, kind, a.WashoutDays).treated)
	}
	if start < hEnd {
		hEnd, p.Started = start, true
	}
	p.HistoryEnd = PeriodStart(hEnd, kind)

	mo := metrics.Options{Unit: "team", Period: kind, WashoutDays: a.WashoutDays, TreatmentStart: a.TreatmentStart,
		ExcludeDropouts: a.Dropouts != exposure.DropoutsIntentionToTreat, Cutoff: p.Cutoff, Horizons: metrics.Horizons(cat)}
	panels := map[string]*metrics.Panel{}
	if o.Progress != nil {
		o.Progress("reading the history panels")
	}
	err = metrics.EachPanel(ctx, sqlDB{db}, mo, func(pn *metrics.Panel) error {
		if len(want) == 0 || want[pn.Metric] {
			panels[pn.Metric] = pn
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan: history panels: %w", err)
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("%w: no metric has events before %s", ErrNoHistory, p.HistoryEnd.Format("2006-01-02"))
	}

	cut := map[string]bool{}
	first := math.MaxInt
	var todo []*MetricPlan
	for _, m := range cat.Metrics {
		pn, ok := panels[m.Name]
		if !ok {
			if want[m.Name] {
				p.Metrics = append(p.Metrics, MetricPlan{Metric: m, Scale: scaleOf(m), Err: fmt.Errorf("%w: no events", ErrShortHistory)})
			}
			continue
		}
		mp := MetricPlan{Metric: m, Scale: scaleOf(m)}
		h, pool, trained := historyPanel(m, pn, hEnd)
		for _, u := range trained {
			cut[u] = true
		}
		mp.history, mp.pool, mp.Pool = h, pool, len(pool)
		mp.Distinct = Distinct(len(pool), o.Design)
		mp.Teams = countUnits(h)
		if h.Len() > 0 {
			first = min(first, slices.Min(h.Time))
			mp.Periods = hEnd - slices.Min(h.Time)
		}
		p.Metrics = append(p.Metrics, mp)
	}
	p.TrainedCut = len(cut)
	if first != math.MaxInt {
		p.HistoryStart = PeriodStart(first, kind)
	}
	for i := range p.Metrics {
		if p.Metrics[i].Err == nil {
			todo = append(todo, &p.Metrics[i])
		}
	}

	base := Options{Alpha: p.Alpha, Power: p.Power, Placebos: p.Placebos, NotYetTreated: p.NotYetTreated, Anticipation: a.Anticipation}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	for _, mp := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if o.Progress != nil {
				mu.Lock()
				o.Progress("placebo rollouts: " + mp.Metric.Name)
				mu.Unlock()
			}
			opts := base
			opts.Seed = o.Seed ^ hash(mp.Metric.Name)
			mp.opts = opts
			mp.Result, mp.rollout, mp.Err = sizeOne(mp.history, mp.pool, o.Design, kind, a, hEnd, opts)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// The chart metric's grid.
	chart := pickChart(p.Metrics, o.ChartMetric)
	if chart == nil || o.NoGrid {
		return p, nil
	}
	p.ChartMetric, p.ChartScale = chart.Metric.Name, chart.Scale
	n := o.Design.Teams()
	for _, f := range []float64{0.25, 0.5, 0.75, 1} {
		t := max(1, int(math.Round(f*float64(n))))
		if !slices.Contains(p.GridTeams, t) {
			p.GridTeams = append(p.GridTeams, t)
		}
	}
	p.GridQuart = []int{1, 2, 3, 4}
	gridOpts := base
	gridOpts.Placebos = max(50, p.Placebos/2)
	p.Grid = make([]GridPoint, 0, len(p.GridTeams)*len(p.GridQuart))
	for _, t := range p.GridTeams {
		for _, qs := range p.GridQuart {
			p.Grid = append(p.Grid, GridPoint{Teams: t, Quarters: qs})
		}
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range p.Grid {
		gp := &p.Grid[i]
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if o.Progress != nil {
				mu.Lock()
				o.Progress(fmt.Sprintf("grid: %s, %d teams, %d quarters", chart.Metric.Name, gp.Teams, gp.Quarters))
				mu.Unlock()
			}
			d := o.Design.Scaled(gp.Teams)
			d.Quarters = gp.Quarters
			opts := gridOpts
			opts.Seed = o.Seed ^ hash(fmt.Sprintf("%s/%d/%d", chart.Metric.Name, gp.Teams, gp.Quarters))
			gp.Result, _, gp.Err = sizeOne(chart.history, chart.pool, d, kind, a, hEnd, opts)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return p, nil
}

// readTeams fills p.Eligible (status never or not_yet) and p.Dropouts from the exposure table.
func readTeams(ctx context.Context, db *sql.DB, p *Plan) error {
	rows, err := db.QueryContext(ctx, sqlText("teams.sql"))
	if err != nil {
		return fmt.Errorf("plan: teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Team
		var status string
		if err := rows.Scan(&t.ID, &t.Name, &status); err != nil {
			return fmt.Errorf("plan: teams: %w", err)
		}
		switch status {
		case exposure.StatusNever, exposure.StatusNotYet:
			p.Eligible = append(p.Eligible, t)
		case exposure.StatusDropout:
			p.Dropouts++
		}
	}
	return rows.Err()
}

// historyPanel returns metric m's history panel (periods before hEnd; a team trained before hEnd keeps
// its periods before its training), the teams placebo cohorts may be drawn from (every unit of
// the panel not trained before hEnd, sorted) and the teams whose history was cut by training.
func historyPanel(m queries.Metric, pn *metrics.Panel, hEnd int) (*analyze.PanelData, []string, []string) {
	h := &analyze.PanelData{}
	trained := map[int]bool{}
	for _, c := range pn.Cells {
		if c.TreatedPeriod > 0 && c.TreatedPeriod < hEnd {
			trained[c.Unit] = true
			if c.Period >= c.TreatedPeriod {
				continue
			}
		}
		if c.Period >= hEnd {
			continue
		}
		y, n := analyze.CellValue(m, c)
		if math.IsNaN(y) || n == 0 {
			continue
		}
		h.Add(pn.Units[c.Unit], c.Period, 0, y)
	}
	var pool, cut []string
	for i, u := range pn.Units {
		if trained[i] {
			cut = append(cut, u)
		} else {
			pool = append(pool, u)
		}
	}
	return h, pool, cut
}

// layout lays design d on a history of periods [first, hEnd): the observation window's end (the
// first period after d.Quarters quarters from the first cohort's first trained period) falls on
// hEnd, and every cohort keeps its place relative to it.
func layout(d Design, kind string, a config.Analysis, first, hEnd int) (Rollout, error) {
	var r Rollout
	g0, t0 := math.MaxInt, math.MaxInt
	tm := make([]timing, len(d.Cohorts))
	for k, c := range d.Cohorts {
		tm[k] = cohortTiming(c, kind, a.WashoutDays)
		g0, t0 = min(g0, tm[k].g), min(t0, tm[k].treated)
	}
	end := analyze.PeriodIndex(PeriodStart(g0, kind).AddDate(0, 3*d.Quarters, 0), kind)
	shift := end - hEnd
	for k, c := range d.Cohorts {
		r.Cohorts = append(r.Cohorts, c.Teams)
		r.Offsets = append(r.Offsets, tm[k].g-shift-first)
		r.Washout = append(r.Washout, tm[k].g-tm[k].treated)
	}
	// The first cohort needs a base period (before its washout and anticipation) and one more.
	need := 2 + a.Anticipation + (end - t0)
	if have := hEnd - first; have < need {
		return r, fmt.Errorf("%w: the rollout with %d quarters observed needs %d periods of history, %d are available", ErrShortHistory, d.Quarters, need, have)
	}
	return r, nil
}

// sizeOne lays d on one metric's history and computes its MDE.
func sizeOne(h *analyze.PanelData, pool []string, d Design, kind string, a config.Analysis, hEnd int, o Options) (Result, Rollout, error) {
	if h.Len() == 0 {
		return Result{}, Rollout{}, fmt.Errorf("%w: no events before the history's end", ErrShortHistory)
	}
	if n := d.Teams(); n > len(pool) {
		return Result{}, Rollout{}, fmt.Errorf("%w: the rollout trains %d teams; %d teams have untrained history", ErrTooFewTeams, n, len(pool))
	}
	first := slices.Min(h.Time)
	r, err := layout(d, kind, a, first, hEnd)
	if err != nil {
		return Result{}, r, err
	}
	o.Teams = pool
	res, err := MDE(h, r, o)
	return res, r, err
}

// Distinct returns the number of different ways of filling the design's cohorts from pool teams:
// pool! / (n_1! ⋯ n_K! (pool − N)!), N = Σ n_k (0 when N > pool; +Inf beyond float64).
func Distinct(pool int, d Design) float64 {
	n := d.Teams()
	if n > pool {
		return 0
	}
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	l := lg(pool) - lg(pool-n)
	for _, c := range d.Cohorts {
		l -= lg(c.Teams)
	}
	return math.Round(math.Exp(l))
}

// pickChart returns the metric plan named, or the first on the log scale with an MDE, or the
// first with one (nil when none has).
func pickChart(ms []MetricPlan, name string) *MetricPlan {
	var firstOK *MetricPlan
	for i := range ms {
		m := &ms[i]
		if name != "" {
			if m.Metric.Name == name && m.history != nil {
				return m
			}
			continue
		}
		if m.Err != nil {
			continue
		}
		if m.Scale == roi.ScaleLog {
			return m
		}
		if firstOK == nil {
			firstOK = m
		}
	}
	return firstOK
}

// scaleOf is the scale of a metric's DiD estimate (as analyze writes it in estimates.scale).
func scaleOf(m queries.Metric) string {
	switch m.Kind {
	case queries.KindDuration:
		return roi.ScaleLog
	case queries.KindProportion:
		return roi.ScaleShare
	}
	return roi.ScaleRate
}

func countUnits(h *analyze.PanelData) int {
	seen := map[string]bool{}
	for _, u := range h.Unit {
		seen[u] = true
	}
	return len(seen)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
