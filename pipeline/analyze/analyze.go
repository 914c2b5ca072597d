// Package analyze turns the canonical tables into estimates and ROI for one reporting quarter:
// it derives metric_events from the catalog, builds unit × period panels in DuckDB, and runs the
// estimators of reports/stats on them — the staggered DiD (headline: simple aggregation; also the
// event study and the per-cohort aggregation), the before/after comparison within the treated,
// Kaplan–Meier for durations and pooled rate/proportion tests — then Benjamini–Hochberg q-values
// across the headline estimates, minimum detectable effects and flags, and the Phillips ROI.
package analyze

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/exposure"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/roi"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// Methods, aggregations and flags written to the estimates table.
const (
	MethodDiD           = "did"
	MethodBeforeAfter   = "before_after"
	MethodKaplanMeier   = "kaplan_meier"
	MethodRateRatio     = "rate_ratio"
	MethodTwoProportion = "two_proportion"

	AggSimple    = "simple"
	AggDynamic   = "dynamic"
	AggGroup     = "group"
	AggEventTime = "event_time"
	AggOverall   = "overall"

	FlagSmallSample    = "small_sample"
	FlagPretrendFailed = "pretrend_failed"
	FlagImbalance      = "imbalance"
	// FlagSmallCohort marks a DiD row more than half of whose weight rests on cohorts of fewer
	// than analysis.min_cell treated units (see smallCohorts).
	FlagSmallCohort       = "small_cohort"
	FlagNotCausal         = "not_causal"
	FlagCensoringExcluded = "censoring_excluded_periods"
	FlagNotEstimable      = "not_estimable"
	// FlagImputation marks a DiD row estimated by the imputation estimator because its cells were
	// too thin for Callaway & Sant'Anna's (see imputed): no event study, no pre-trend test.
	FlagImputation = "imputation"
	// FlagSuppressed marks a row resting on fewer than analysis.min_cell treated people (a
	// person-level row, or every row of a metric whose treated teams' events come from fewer
	// people): its numbers are left empty so that no one's own change can be read from it.
	FlagSuppressed = "suppressed"
)

// Result is what one analysis wrote.
type Result struct {
	AnalysisID string
	Period     string
	Cutoff     time.Time
	// Events counts the derived metric_events per metric.
	Events map[string]int64
	// Estimates holds every row written: the population analysis.dropouts does not configure
	// first, then the configured one (Population says which; see PopulationPerProtocol). Headline holds the
	// headline row of each metric (catalog order): did, simple aggregation, the configured
	// population, the metric's catalog outcome (Headline set).
	Estimates []models.Estimate
	Headline  []models.Estimate
	ROI       []models.ROI
	// ROICosts are the cost lines of the ROI's total; Enrolled the people they were counted for.
	ROICosts []models.ROICost
	Enrolled int64
}

// Run analyses the reporting quarter period ("2026-Q3"; "" = the last full quarter before now):
// in one transaction of st it re-derives metric_events with data up to the end of the quarter (or
// now, if earlier), computes every estimate for both populations (per protocol and intention to
// treat: the configured one from the exposure table as refresh wrote it, the other from an
// exposure computed by exposure.Compute as of now and swapped in for the duration of its
// estimates), the ROI of the configured one and the paired pre/post assessments (assessments.go),
// replaces the estimates, roi and roi_costs rows of that period, and returns what it wrote. Deterministic for a given cfg.Analysis.Seed and data.
func Run(ctx context.Context, st *store.Store, cfg *config.Config, period string, now time.Time) (*Result, error) {
	q := LastFullQuarter(now)
	if period != "" {
		var err error
		if q, err = ParseQuarter(period); err != nil {
			return nil, err
		}
	}
	cat, err := queries.Default()
	if err != nil {
		return nil, err
	}
	cutoff := q.End()
	if now.Before(cutoff) {
		cutoff = now.UTC()
	}
	// The other population's exposure (see PopulationPerProtocol) is computed before the transaction, from
	// the same canonical tables, and swapped in for its estimates.
	other := otherDropouts(cfg.Analysis.Dropouts)
	otherExposure, err := exposure.Compute(ctx, st, cfg.Analysis.Unit, other, now)
	if err != nil {
		return nil, fmt.Errorf("analyze: exposure under analysis.dropouts %s: %w", other, err)
	}
	restore, err := LimitMemory(ctx, st, cfg.Analysis.MemoryLimitBytes())
	if err != nil {
		return nil, fmt.Errorf("analyze: analysis.memory_limit: %w", err)
	}
	defer restore()
	var res *Result
	err = st.Write(ctx, func(w *store.Writer) error {
		events, err := metrics.Derive(ctx, w, cat, cutoff)
		if err != nil {
			return err
		}
		res, err = Compute(ctx, w, cat, cfg, q, cutoff, now)
		if err != nil {
			return err
		}
		res.Events = events
		alt, err := withExposure(ctx, w, otherExposure, func() ([]models.Estimate, error) {
			outs, _, err := estimateMetrics(ctx, w, cat, cfg.Analysis, other, cutoff)
			if err != nil {
				return nil, err
			}
			var rows []models.Estimate
			for _, out := range outs {
				rows = append(rows, out.rows...)
			}
			return rows, nil
		})
		if err != nil {
			return err
		}
		setRelativeIntervals(alt) // roi_relative.go
		for i := range alt {
			alt[i].AnalysisID, alt[i].Period, alt[i].ComputedAt = res.AnalysisID, res.Period, now.UTC()
		}
		// The other population's rows first: a reader taking the last row of a kind for a metric
		// gets the headline population's.
		res.Estimates = append(alt, res.Estimates...)
		paired, err := pairedAssessments(ctx, w, cfg, res, now) // assessments.go
		if err != nil {
			return err
		}
		res.Estimates = append(res.Estimates, paired...)
		for _, t := range []string{"estimates", "roi", "roi_costs"} {
			if _, err := w.Exec(ctx, "DELETE FROM "+t+" WHERE period = ?", res.Period); err != nil {
				return fmt.Errorf("analyze: replace %s of %s: %w", t, res.Period, err)
			}
		}
		return w.Insert(ctx, res.Rows())
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Rows returns what an analysis stores: its estimates, ROI rows and cost lines.
func (res *Result) Rows() []models.Row {
	rows := make([]models.Row, 0, len(res.Estimates)+len(res.ROI)+len(res.ROICosts))
	for _, e := range res.Estimates {
		rows = append(rows, e)
	}
	for _, r := range res.ROI {
		rows = append(rows, r)
	}
	for _, c := range res.ROICosts {
		rows = append(rows, c)
	}
	return rows
}

// metricOutcome is what one metric's estimators produced.
type metricOutcome struct {
	rows     []models.Estimate
	headline int     // index of the did/simple row in rows
	baseline float64 // treated pre-treatment level (geometric mean for durations)
	// level is the treated units' post-treatment level without the training (observed minus the
	// DiD effect; NaN when not positive or not estimated): shares and rates cannot fall below 0.
	level float64
	roi   *roiParts // what the ROI needs from the headline DiD (roi.go); nil without one
}

// Populations of the estimates table (estimates.population): analysis.dropouts exclude is per
// protocol, intention_to_treat intention to treat.
const (
	PopulationPerProtocol      = "per_protocol"
	PopulationIntentionToTreat = "intention_to_treat"
)

// populationOf names the population analysed under an analysis.dropouts value.
func populationOf(dropouts string) string {
	if dropouts == exposure.DropoutsIntentionToTreat {
		return PopulationIntentionToTreat
	}
	return PopulationPerProtocol
}

// otherDropouts returns the analysis.dropouts value of the population not configured.
func otherDropouts(dropouts string) string {
	if dropouts == exposure.DropoutsIntentionToTreat {
		return exposure.DropoutsExclude
	}
	return exposure.DropoutsIntentionToTreat
}

// Compute runs every estimator on the metric_events already in db (see Run) for the population
// that analysis.dropouts configures (the exposure table must be that population's, as refresh
// writes it) and returns the rows without writing them; Run adds the other population's.
func Compute(ctx context.Context, db metrics.DB, cat *queries.Catalog, cfg *config.Config, q Quarter, cutoff, now time.Time) (*Result, error) {
	a := cfg.Analysis
	outs, _, err := estimateMetrics(ctx, db, cat, a, a.Dropouts, cutoff)
	if err != nil {
		return nil, err
	}

	res := &Result{Period: q.String(), Cutoff: cutoff,
		AnalysisID: fmt.Sprintf("%s@%s", q, now.UTC().Format("20060102T150405Z"))}
	for i := range outs {
		outs[i].rows[outs[i].headline].Headline = true
	}

	// Benjamini–Hochberg across the headline estimates that have a p-value.
	var ps []float64
	var at []int
	for i, out := range outs {
		if p := out.rows[out.headline].PValue; !math.IsNaN(p) {
			ps = append(ps, p)
			at = append(at, i)
		}
	}
	if len(ps) > 0 {
		qs := stats.BenjaminiHochberg(ps)
		for k, i := range at {
			outs[i].rows[outs[i].headline].QValue = qs[k]
		}
	}

	for i := range cat.Metrics {
		out := outs[i]
		setRelativeIntervals(out.rows) // roi_relative.go
		for j := range out.rows {
			out.rows[j].AnalysisID, out.rows[j].Period, out.rows[j].ComputedAt = res.AnalysisID, res.Period, now.UTC()
		}
		res.Estimates = append(res.Estimates, out.rows...)
		res.Headline = append(res.Headline, out.rows[out.headline])
	}
	if err := addROI(ctx, db, cat, cfg, outs, res, cutoff, now); err != nil { // roi.go
		return nil, err
	}
	return res, nil
}

// estimateMetrics runs every estimator of every metric of cat on the metric_events in db, with
// the exposure table as it stands, as the population of the analysis.dropouts value dropouts.
func estimateMetrics(ctx context.Context, db metrics.DB, cat *queries.Catalog, a config.Analysis, dropouts string,
	cutoff time.Time) ([]metricOutcome, map[string]metrics.Treated, error) {
	o := metrics.Options{Unit: a.Unit, Period: a.Period, WashoutDays: a.WashoutDays, TreatmentStart: a.TreatmentStart, PreDays: a.PreDays,
		PostDays: a.PostDays, ExcludeDropouts: dropouts != exposure.DropoutsIntentionToTreat, Cutoff: cutoff,
		Horizons: metrics.Horizons(cat)}
	windows, err := metrics.Windows(ctx, db, o)
	if err != nil {
		return nil, nil, err
	}
	var durations []string
	for _, m := range cat.Metrics {
		if m.Kind == queries.KindDuration {
			durations = append(durations, m.Name)
		}
	}
	surv, err := metrics.Survival(ctx, db, o, durations)
	if err != nil {
		return nil, nil, err
	}
	treated, err := metrics.TreatedEvents(ctx, db, o)
	if err != nil {
		return nil, nil, err
	}

	// The panels are the bulk of the SQL side: the estimators needing no panel start at once, and
	// each metric's DiD as soon as its panel is read, while DuckDB aggregates the next one.
	index := make(map[string]int, len(cat.Metrics))
	for i, m := range cat.Metrics {
		index[m.Name] = i
	}
	pool := newMetricPool(cat.Metrics, windows, surv, a)
	pool.headline = dropouts == a.Dropouts
	for i := range cat.Metrics {
		pool.startWindows(i) // they need no panel
	}
	err = metrics.EachPanel(ctx, db, o, func(p *metrics.Panel) error {
		if i, ok := index[p.Metric]; ok {
			pool.start(i, p)
		}
		return nil
	})
	if err != nil {
		pool.stop()
		return nil, nil, err
	}
	outs := pool.wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	population := populationOf(dropouts)
	for i, m := range cat.Metrics {
		if a.Unit == "person" {
			suppressSmall(outs[i].rows, a.MinCell)
		} else {
			suppressFewPeople(outs[i].rows, treated[m.Name].People, a.MinCell)
		}
		for j := range outs[i].rows {
			outs[i].rows[j].Population = population
		}
	}
	return outs, treated, nil
}

// metricPool runs the estimators of the metrics of a catalog in the background, at most
// GOMAXPROCS at a time: for each metric the ones needing no panel (started by startWindows) and
// the DiD on its panel (started by start). Metrics are independent and each has its own random
// stream, so the result does not depend on the order tasks are started or finish in.
type metricPool struct {
	ms        []queries.Metric
	windows   map[string][]metrics.Window
	surv      map[string]*metrics.SurvivalData
	a         config.Analysis
	panelOut  []metricOutcome
	windowOut []windowsOutcome
	started   [][2]bool // panel task, windows task
	wg        sync.WaitGroup
	sem       chan struct{}
	stopped   atomic.Bool
	headline  bool // the configured population: its DiD rows get randomization inference and sensitivity
}

func newMetricPool(ms []queries.Metric, windows map[string][]metrics.Window, surv map[string]*metrics.SurvivalData,
	a config.Analysis) *metricPool {
	return &metricPool{ms: ms, windows: windows, surv: surv, a: a, panelOut: make([]metricOutcome, len(ms)),
		windowOut: make([]windowsOutcome, len(ms)), started: make([][2]bool, len(ms)),
		sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// run runs fn in the background once a core is free.
func (pool *metricPool) run(fn func()) {
	pool.wg.Add(1)
	go func() {
		defer pool.wg.Done()
		pool.sem <- struct{}{}
		defer func() { <-pool.sem }()
		if !pool.stopped.Load() {
			fn()
		}
	}()
}

// stop skips the tasks not running yet and waits for the others.
func (pool *metricPool) stop() {
	pool.stopped.Store(true)
	pool.wg.Wait()
}

// start estimates the DiD of metric i on panel p (nil: no cell) in the background; it does not
// block. Only the first start of a metric counts.
func (pool *metricPool) start(i int, p *metrics.Panel) {
	if pool.started[i][0] {
		return
	}
	pool.started[i][0] = true
	pool.run(func() { pool.panelOut[i] = pool.inference(estimatePanel(pool.ms[i], p, pool.a), pool.ms[i], p) })
}

// startWindows runs the estimators of metric i that need no panel in the background.
func (pool *metricPool) startWindows(i int) {
	if pool.started[i][1] {
		return
	}
	pool.started[i][1] = true
	m := pool.ms[i]
	pool.run(func() { pool.windowOut[i] = estimateWindows(m, pool.windows[m.Name], pool.surv[m.Name], pool.a) })
}

// wait starts what is not started yet (the DiD without a panel) and returns every metric's
// outcome, in catalog order, once all are done.
func (pool *metricPool) wait() []metricOutcome {
	for i := range pool.ms {
		pool.start(i, nil)
		pool.startWindows(i)
	}
	pool.wg.Wait()
	outs := make([]metricOutcome, len(pool.ms))
	for i := range outs {
		outs[i] = pool.panelOut[i].with(pool.windowOut[i])
	}
	return outs
}

func orNaN(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}

// scaleOf returns the estimates' scale for a metric kind.
func scaleOf(k queries.Kind) string {
	switch k {
	case queries.KindDuration:
		return roi.ScaleLog
	case queries.KindProportion:
		return roi.ScaleShare
	}
	return roi.ScaleRate
}

// cellOutcome is the DiD outcome of a cell (restricted or resolved mean log duration, share, or
// per-event rate) and the number of events behind it.
func cellOutcome(outcome string, c metrics.Cell) (float64, int64) {
	switch outcome {
	case OutcomeRestrictedMeanLog:
		return c.MeanLogH, c.NH
	case OutcomeResolvedMeanLog:
		return c.MeanLog, c.N - c.NCensored
	}
	return c.Mean, c.N
}

func newRow(m queries.Metric, method, agg string, scale string) models.Estimate {
	nan := math.NaN()
	return models.Estimate{Metric: m.Name, Method: method, Aggregation: agg, Scale: scale, Estimate: nan, CILow: nan,
		CIHigh: nan, RelativeChange: nan, StdError: nan, PValue: nan, QValue: nan, MDE: nan,
		PretrendStat: nan, PretrendDF1: nan, PretrendDF2: nan, PretrendP: nan}
}

// relChange converts an effect on its scale to a relative change.
func relChange(scale string, est, baseline float64) float64 {
	if scale == roi.ScaleLog {
		return math.Expm1(est)
	}
	if baseline == 0 || math.IsNaN(baseline) {
		return math.NaN()
	}
	return est / baseline
}

// windowsOutcome is what the estimators needing no panel produced: the before/after comparison
// (waiting for the panel's baseline) and Kaplan–Meier or the pooled test.
type windowsOutcome struct {
	beforeAfter beforeAfterRow
	extra       []models.Estimate
}

// suppressSmall empties the numbers of every row of one metric (person-level analysis) that rests
// on fewer than minCell treated people: DiD rows by their own treated count (per event time for
// the event study), before/after by its paired people, and Kaplan–Meier and the pooled test, which
// pool the same people's events, by the before/after count.
func suppressSmall(rows []models.Estimate, minCell int) {
	pooled := -1 // treated people of the before/after windows
	for _, r := range rows {
		if r.Method == MethodBeforeAfter {
			pooled = r.NTreatedUnits
		}
	}
	for i := range rows {
		r := &rows[i]
		n := r.NTreatedUnits
		if r.Method != MethodDiD && r.Method != MethodBeforeAfter {
			n = pooled
		}
		if n >= 0 && n < minCell {
			suppress(r)
		}
	}
}

// suppressFewPeople empties the numbers of every row of one metric analysed with teams as units
// when fewer than minCell people stand behind the treated teams' events (metrics.TreatedEvents):
// however many teams there are, such an estimate describes those few people.
func suppressFewPeople(rows []models.Estimate, people int64, minCell int) {
	if people >= int64(minCell) {
		return
	}
	for i := range rows {
		suppress(&rows[i])
	}
}

// suppress leaves a row its counts and flags but not its numbers, and flags it suppressed; a row
// without an estimate is left as it is.
func suppress(r *models.Estimate) {
	if slices.Contains(r.Flags, FlagNotEstimable) {
		return
	}
	nan := math.NaN()
	r.Estimate, r.CILow, r.CIHigh, r.RelativeChange, r.StdError, r.PValue, r.QValue, r.MDE = nan, nan, nan, nan, nan, nan, nan, nan
	r.RIPValue, r.RIPermutations, r.BreakdownMbar = nan, 0, nil // permutation p-value and breakdown M̄: NULL
	r.Flags = append(r.Flags, FlagSuppressed)
}

// estimateWindows runs the estimators of one metric that need no panel: before/after, and
// Kaplan–Meier for durations or the pooled test otherwise.
func estimateWindows(m queries.Metric, ws []metrics.Window, surv *metrics.SurvivalData, a config.Analysis) windowsOutcome {
	w := windowsOutcome{beforeAfter: beforeAfter(m, scaleOf(m.Kind), ws, a)}
	switch m.Kind {
	case queries.KindDuration:
		w.beforeAfter.row.Outcome = OutcomeResolvedMeanLog
		w.extra = append(w.extra, kaplanMeier(m, surv, a))
		w.extra[0].Outcome = OutcomeDuration
	case queries.KindProportion, queries.KindCount:
		w.beforeAfter.row.Outcome = outcomeOf(m)
		w.extra = append(w.extra, pooledTest(m, ws, a))
		w.extra[0].Outcome = outcomeOf(m)
	}
	return w
}

// with appends w's rows after the DiD rows of out: DiD, before/after, then Kaplan–Meier or the
// pooled test.
func (out metricOutcome) with(w windowsOutcome) metricOutcome {
	out.rows = append(out.rows, w.beforeAfter.finish(out.baseline))
	out.rows = append(out.rows, w.extra...)
	return out
}

// Cell outcomes of the DiD (estimates.outcome). Durations: OutcomeRestrictedMeanLog (the
// censoring-aware outcome of a metric with a horizon, see metrics.Cell.MeanLogH) or
// OutcomeResolvedMeanLog (mean log of the resolved events only: the sensitivity row of a metric
// with a horizon, the outcome of one without). OutcomeShare and OutcomePerEvent for proportions
// and counts; OutcomeDuration for Kaplan–Meier rows (the pooled durations themselves).
const (
	OutcomeRestrictedMeanLog = queries.OutcomeRestrictedMeanLog
	OutcomeResolvedMeanLog   = queries.OutcomeResolvedMeanLog
	OutcomeShare             = "share"
	OutcomePerEvent          = "per_event"
	OutcomeDuration          = "duration"
)

// outcomeOf returns the DiD cell outcome of a metric (its catalog outcome for durations).
func outcomeOf(m queries.Metric) string {
	switch m.Kind {
	case queries.KindDuration:
		if _, ok := metrics.HorizonOf(m); ok {
			return OutcomeRestrictedMeanLog
		}
		return OutcomeResolvedMeanLog
	case queries.KindProportion:
		return OutcomeShare
	}
	return OutcomePerEvent
}

// estimatePanel runs the DiD of one metric on its panel (nil: no cell): every aggregation on the
// metric's outcome (outcomeOf), and for a duration with a horizon also the simple aggregation on
// the mean log of the resolved events (periods with more than analysis.max_censored open left
// out, analytic standard errors) as a sensitivity row after them.
func estimatePanel(m queries.Metric, p *metrics.Panel, a config.Analysis) metricOutcome {
	outcome := outcomeOf(m)
	out := didRows(m, p, a, outcome, a.Bootstrap)
	if outcome == OutcomeRestrictedMeanLog {
		sens := didRows(m, p, a, OutcomeResolvedMeanLog, 0)
		out.rows = append(out.rows, sens.rows[sens.headline])
	}
	return out
}

// didRows runs the DiD of one metric on its panel with the given cell outcome and bootstrap draws.
func didRows(m queries.Metric, p *metrics.Panel, a config.Analysis, outcome string, boot int) metricOutcome {
	scale := scaleOf(m.Kind)
	var out metricOutcome
	out.baseline, out.level = math.NaN(), math.NaN()
	head := newRow(m, MethodDiD, AggSimple, scale)
	head.Outcome = outcome

	// --- Panel: outcome per cell, periods with too many open items left out for durations.
	var panel intPanel
	var excluded bool
	var preSum, preW float64   // treated pre-treatment cells, event-weighted
	var postSum, postW float64 // treated post-treatment cells, event-weighted
	var nPre, nPost int64
	washout := 0 // most periods any unit spends in washout
	var treatedPeriod []int
	var weights []float64 // events behind each cell's outcome (the imputation estimator's weights)
	if p != nil && len(p.Cells) > 0 {
		n := len(p.Cells)
		panel = intPanel{unit: make([]int, 0, n), time: make([]int, 0, n), group: make([]int, 0, n), y: make([]float64, 0, n),
			units: len(p.Units)}
		lo, hi := p.Cells[0].Period, p.Cells[0].Period
		for _, cell := range p.Cells {
			lo, hi = min(lo, cell.Period), max(hi, cell.Period)
		}
		drop := make([]bool, hi-lo+1) // by period - lo
		if outcome == OutcomeResolvedMeanLog {
			n, c := make([]int64, hi-lo+1), make([]int64, hi-lo+1)
			for _, cell := range p.Cells {
				n[cell.Period-lo] += cell.N
				c[cell.Period-lo] += cell.NCensored
			}
			for t := range n {
				if n[t] > 0 && float64(c[t]) > a.MaxCensored*float64(n[t]) {
					drop[t] = true
					excluded = true
				}
			}
		}
		for _, cell := range p.Cells {
			if drop[cell.Period-lo] {
				continue
			}
			y, n := cellOutcome(outcome, cell)
			if math.IsNaN(y) || n == 0 {
				continue
			}
			panel.add(cell.Unit, cell.Period, cell.Group, y)
			treatedPeriod = append(treatedPeriod, cell.TreatedPeriod)
			weights = append(weights, float64(n))
			if cell.Group > 0 {
				if cell.Period < cell.Group {
					nPre += n
					preSum += y * float64(n)
					preW += float64(n)
				} else {
					nPost += n
					postSum += y * float64(n)
					postW += float64(n)
				}
			}
		}
	}
	washout = compactPeriods(&panel, treatedPeriod) // sparse.go: periods without any cell are not counted
	if preW > 0 {
		out.baseline = preSum / preW
		if scale == roi.ScaleLog {
			out.baseline = math.Exp(out.baseline)
		}
	}
	head.NEventsPre, head.NEventsPost = nPre, nPost
	var flags []string
	if excluded {
		flags = append(flags, FlagCensoringExcluded)
	}
	// The base period of a cohort must precede its washout: the washout periods count as
	// anticipation (did's base period is g − 1 − anticipation), on top of any configured.
	res, err := estimateDiD(&panel, DiDOptions{NotYetTreated: a.Control != "never_treated", Anticipation: a.Anticipation + washout,
		Bootstrap: boot, Alpha: a.Alpha, Seed: a.Seed, Stream: m.Name})
	if err == nil && thinCells(res) { // sparse.go
		// Thin cells: the imputation estimator uses every untreated cell of a unit at once.
		if imputed(&head, &panel, weights, a, a.Anticipation+washout, m.Name, flags, postSum, postW, boot) { // imputation.go
			out.rows = append(out.rows, head)
			return out
		}
		err = errThinCells
	}
	if err != nil {
		head.Flags = append(flags, FlagNotEstimable)
		head.PretrendNote = "no DiD estimate"
		if errors.Is(err, errThinCells) {
			head.PretrendNote = "no DiD estimate: " + errThinCells.Error()
		}
		out.rows = append(out.rows, head)
	} else {
		if res.NTreated < a.MinCell || res.NControl < a.MinCell {
			flags = append(flags, FlagSmallSample)
		}
		if smallCohorts(res, a.MinCell) {
			flags = append(flags, FlagSmallCohort)
		}
		if res.PreTrendF != nil && res.PreTrendF.P < a.Alpha {
			flags = append(flags, FlagPretrendFailed)
		}
		if imbalanced(&panel) {
			flags = append(flags, FlagImbalance)
		}
		// Shares and rates change relative to what the treated units would have shown untrained
		// after treatment: their observed post-treatment level minus the effect. (Relative to their
		// pre-treatment level, a share with a small baseline and an upward trend could fall by
		// "more than 100%".) Durations are on the log scale: exp(effect) − 1 already is that ratio.
		counterfactual := math.NaN()
		if postW > 0 {
			if cf := postSum/postW - res.Simple.ATT; cf > 0 {
				counterfactual = cf
			}
		}
		out.level = counterfactual
		// Intervals, p-values and MDEs refer est/SE to Student's t with the result's degrees of
		// freedom (few treated teams per cohort make the SE itself noisy; see DiDResult.DF).
		fill := func(r *models.Estimate, att, se, boot, df float64) {
			s := SE(se, boot)
			crit := stats.TCritical(a.Alpha, df)
			r.Estimate, r.StdError, r.CILow, r.CIHigh = att, s, att-crit*s, att+crit*s
			r.PValue = stats.TPValue(att, s, df)
			r.MDE = mde(s, a.Alpha, df)
			r.RelativeChange = relChange(scale, att, counterfactual)
			r.NTreatedUnits, r.NControlUnits = res.NTreated, res.NControl
			r.NEventsPre, r.NEventsPost = nPre, nPost
			r.Flags = append([]string(nil), flags...)
			r.Outcome = outcome
			setPreTrend(r, res)
		}
		fill(&head, res.Simple.ATT, res.Simple.SE, res.Simple.BootSE, res.DF)
		out.rows = append(out.rows, head)
		out.roi = newROIParts(p, &panel, res, a.Alpha) // roi.go
		dyn := newRow(m, MethodDiD, AggDynamic, scale)
		fill(&dyn, res.Dynamic.ATT, res.Dynamic.SE, res.Dynamic.BootSE, res.DF)
		grp := newRow(m, MethodDiD, AggGroup, scale)
		fill(&grp, res.Group.ATT, res.Group.SE, res.Group.BootSE, res.DF)
		out.rows = append(out.rows, dyn, grp)
		for _, term := range res.Dynamic.Terms {
			r := newRow(m, MethodDiD, AggEventTime, scale)
			df, ok := res.EventDF[term.Key]
			if !ok {
				df = res.DF
			}
			fill(&r, term.ATT, term.SE, term.BootSE, df)
			if n, ok := res.EventTreated[term.Key]; ok {
				r.NTreatedUnits = n
			}
			e := term.Key
			r.RelPeriod = &e
			out.rows = append(out.rows, r)
		}
	}

	return out
}

// mde is the minimum detectable effect at 80% power for an SE with df degrees of freedom
// (+Inf: normal).
func mde(se, alpha, df float64) float64 {
	if math.IsNaN(se) || se < 0 {
		return math.NaN()
	}
	return stats.MinimumDetectableEffectT(se, alpha, stats.DefaultPower, df)
}

// ImbalanceSMD is the standardised mean difference of pre-treatment levels above which a DiD
// row is flagged imbalance (when the difference is also beyond chance; see imbalanced). 0.25 is
// the What Works Clearinghouse's bound beyond which baseline differences are not acceptable even
// with adjustment (WWC Standards Handbook v4.1, 2020, p. 15).
const ImbalanceSMD = 0.25

// imbalanced reports a difference between the mean pre-treatment outcome level of ever-treated
// units (their cells before g) and never-treated units (all their cells) that is both large and
// beyond chance: |m₁ − m₀| above ImbalanceSMD pooled standard deviations sqrt((s₁² + s₀²)/2), and
// above the two-sided ImbalanceAlpha critical value of Student's t (Welch–Satterthwaite degrees of
// freedom) times the standard error sqrt(s₁²/n₁ + s₀²/n₀). Each cell is first taken relative to
// the mean of all cells of its period, so that levels are compared at the same times: treated
// units' pre-treatment cells lie early in the panel and never-treated units' span all of it, and
// a common trend alone would otherwise look like a level difference. The DiD removes level
// differences; the flag says the groups differ more than random assignment of that many units
// would make them, so parallel trends deserve a look. The former rule (raw levels, SMD > 0.25
// alone) fired on 61% of placebo headline rows: with 18 and 17 teams the SMD's own sampling SD is
// about 0.34.
func imbalanced(p *intPanel) bool {
	type acc struct {
		s, n    float64
		treated bool
	}
	periodSum, periodN := map[int]float64{}, map[int]float64{}
	for i, y := range p.y {
		periodSum[p.time[i]] += y
		periodN[p.time[i]]++
	}
	units := make([]acc, p.units)
	for i, u := range p.unit {
		switch {
		case p.group[i] == 0:
		case p.time[i] < p.group[i]:
			units[u].treated = true
		default:
			continue
		}
		units[u].s += p.y[i] - periodSum[p.time[i]]/periodN[p.time[i]]
		units[u].n++
	}
	mv := func(treated bool) (mean, v float64, n int) {
		var xs []float64
		for _, a := range units {
			if a.n > 0 && a.treated == treated {
				xs = append(xs, a.s/a.n)
			}
		}
		n = len(xs)
		if n < 2 {
			return math.NaN(), math.NaN(), n
		}
		for _, x := range xs {
			mean += x
		}
		mean /= float64(n)
		for _, x := range xs {
			v += (x - mean) * (x - mean)
		}
		return mean, v / float64(n-1), n
	}
	m1, v1, n1 := mv(true)
	m0, v0, n0 := mv(false)
	if n1 < 2 || n0 < 2 || v1+v0 == 0 {
		return false
	}
	d := math.Abs(m1 - m0)
	s1, s0 := v1/float64(n1), v0/float64(n0)
	df := (s1 + s0) * (s1 + s0) / (s1*s1/float64(n1-1) + s0*s0/float64(n0-1)) // Welch–Satterthwaite
	return d > ImbalanceSMD*math.Sqrt((v1+v0)/2) && d > stats.TCritical(ImbalanceAlpha, df)*math.Sqrt(s1+s0)
}

// ImbalanceAlpha is the two-sided level at which a pre-treatment level difference counts as
// beyond chance for the imbalance flag: a screening flag on every metric should seldom fire by
// chance alone (at 5% it fired on 12% of placebo headline rows, random assignment's 5% plus the
// heavier tails of a few units; at 1% on the figure in docs/simulation-study.md).
const ImbalanceAlpha = 0.01

// smallCohorts reports whether more than half of the simple aggregation's weight (cohort size ×
// post-treatment cells, as did) rests on cohorts of fewer than minCell treated units.
func smallCohorts(res *DiDResult, minCell int) bool {
	posts := map[int]float64{}
	for _, c := range res.GT.Cells {
		if c.Post && c.Err == nil && !math.IsNaN(c.ATT) {
			posts[c.Group]++
		}
	}
	var small, all float64
	for g, n := range res.Cohorts {
		w := float64(n) * posts[g]
		all += w
		if n < minCell {
			small += w
		}
	}
	return all > 0 && small > all/2
}

// setPreTrend copies the pre-trend F test of res onto a DiD row, or its reason.
func setPreTrend(r *models.Estimate, res *DiDResult) {
	if t := res.PreTrendF; t != nil {
		r.PretrendStat, r.PretrendDF1, r.PretrendDF2, r.PretrendP = t.F, t.DF1, t.DF2, t.P
		return
	}
	r.PretrendNote = res.PreTrendNote
}

// beforeAfter compares each treated unit's post window with its own pre window: Wilcoxon
// signed-rank p, Hodges–Lehmann estimate and its distribution-free interval. Not causal.
func beforeAfter(m queries.Metric, scale string, ws []metrics.Window, a config.Analysis) beforeAfterRow {
	r := newRow(m, MethodBeforeAfter, AggOverall, scale)
	r.Flags = []string{FlagNotCausal}
	pre, post := map[string]metrics.Window{}, map[string]metrics.Window{}
	for _, w := range ws {
		if w.Post {
			post[w.Unit] = w
		} else {
			pre[w.Unit] = w
		}
	}
	val := func(w metrics.Window) float64 {
		if m.Kind == queries.KindDuration {
			return w.MeanLog
		}
		return w.Mean
	}
	var units []string
	for u := range pre {
		if _, ok := post[u]; ok {
			units = append(units, u)
		}
	}
	sort.Strings(units)
	var d []float64
	var preLevel, preN float64
	for _, u := range units {
		x, y := val(pre[u]), val(post[u])
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		d = append(d, y-x)
		r.NEventsPre += pre[u].N
		r.NEventsPost += post[u].N
		preLevel += pre[u].Total
		preN += float64(pre[u].N)
	}
	r.NTreatedUnits = len(d)
	if len(d) < a.MinCell {
		r.Flags = append(r.Flags, FlagSmallSample)
	}
	level := 1 - a.Alpha
	est, lo, hi, err := stats.HodgesLehmannCI(d, level)
	if err != nil {
		r.Flags = append(r.Flags, FlagNotEstimable)
		return beforeAfterRow{row: r}
	}
	r.Estimate, r.CILow, r.CIHigh = est, lo, hi
	z := zQuantile(1 - a.Alpha/2)
	r.StdError = (hi - lo) / (2 * z)
	r.MDE = mde(r.StdError, a.Alpha, math.Inf(1))
	if sr, err := stats.SignedRank(d); err == nil {
		r.PValue = sr.P
	}
	out := beforeAfterRow{row: r, estimated: true, scale: scale}
	if scale != roi.ScaleLog && preN > 0 {
		out.ownLevel, out.level = true, preLevel/preN
	}
	return out
}

// beforeAfterRow is a before/after row whose relative change waits for the DiD's baseline.
type beforeAfterRow struct {
	row       models.Estimate
	estimated bool
	scale     string
	ownLevel  bool // level holds the units' own pre-treatment level (never for log scales)
	level     float64
}

// finish sets the relative change against the units' own pre-treatment level, or baseline (the
// panel's treated pre-treatment level) when there is none.
func (b beforeAfterRow) finish(baseline float64) models.Estimate {
	r := b.row
	if b.estimated {
		if b.ownLevel {
			baseline = b.level
		}
		r.RelativeChange = relChange(b.scale, r.Estimate, baseline)
	}
	return r
}
