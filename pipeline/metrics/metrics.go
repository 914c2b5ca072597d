// Package metrics derives metric_events from the metric catalog (queries/metrics) and aggregates
// them, in DuckDB, into what the estimators need: unit × period panels for the staggered DiD,
// per-unit before/after windows, pooled durations for Kaplan–Meier, and annual volumes for ROI.
// Only these aggregates cross into Go; events stay in the database.
package metrics

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/queries"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func sqlText(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name)
	if err != nil {
		panic("metrics: missing embedded sql/" + name) // a build problem, not a data problem
	}
	return string(b)
}

// DB is what the package needs of a database: *store.Writer satisfies it (all reads and writes of
// one analysis happen inside its transaction).
type DB interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ErrMetric reports a metric whose SQL failed; returned wrapped in a *MetricError.
var ErrMetric = errors.New("metrics: metric query failed")

// MetricError names the metric file whose SQL failed or produced an event_id twice.
type MetricError struct {
	Metric, File string
	Err          error
}

// Error names the metric and file.
func (e *MetricError) Error() string {
	return fmt.Sprintf("metrics: %s (%s): %v", e.Metric, e.File, e.Err)
}

// Unwrap returns the database error; errors.Is(err, ErrMetric) also holds.
func (e *MetricError) Unwrap() []error { return []error{ErrMetric, e.Err} }

// Derive replaces the content of metric_events with the events of every metric in cat known at
// cutoff, and returns the number of events per metric. It creates the catalog's views and macros
// first (the metrics use them). A metric whose SQL yields an event_id more than once fails with a
// *MetricError wrapping ErrDuplicateEvent. Run it inside one transaction with the rest of an
// analysis.
func Derive(ctx context.Context, db DB, cat *queries.Catalog, cutoff time.Time) (map[string]int64, error) {
	if err := cat.CreateViews(ctx, db); err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, "DELETE FROM metric_events"); err != nil {
		return nil, fmt.Errorf("metrics: clear metric_events: %w", err)
	}
	tmpl := sqlText("insert_events.sql")
	counts := map[string]int64{}
	for _, m := range cat.Metrics {
		q, args, err := m.Bind(cutoff)
		if err != nil {
			return nil, &MetricError{Metric: m.Name, File: m.File, Err: err}
		}
		stmt := strings.Replace(tmpl, "{{METRIC_SQL}}", q, 1)
		res, err := db.Exec(ctx, stmt, append([]any{m.Name}, args...)...)
		if err != nil {
			return nil, &MetricError{Metric: m.Name, File: m.File, Err: err}
		}
		n, _ := res.RowsAffected()
		counts[m.Name] = n
		if err := uniqueEvents(ctx, db, m.Name); err != nil {
			return nil, &MetricError{Metric: m.Name, File: m.File, Err: err}
		}
	}
	return counts, nil
}

// ErrDuplicateEvent reports a metric whose SQL produced the same event_id more than once (a join
// that fans out, typically); returned inside a *MetricError naming the file.
var ErrDuplicateEvent = errors.New("event_id produced more than once")

// uniqueEvents checks that metric's events in metric_events have distinct ids (duplicate_events.sql).
func uniqueEvents(ctx context.Context, db DB, metric string) error {
	rows, err := db.Query(ctx, sqlText("duplicate_events.sql"), metric)
	if err != nil {
		return fmt.Errorf("check event ids: %w", err)
	}
	defer rows.Close()
	var dups []string
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return fmt.Errorf("check event ids: %w", err)
		}
		dups = append(dups, fmt.Sprintf("%q (%d times)", id, n))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check event ids: %w", err)
	}
	if len(dups) > 0 {
		return fmt.Errorf("%w: %s", ErrDuplicateEvent, strings.Join(dups, ", "))
	}
	return nil
}

// Options say how events become units and periods (config analysis.*).
type Options struct {
	Unit        string // team | person
	Period      string // month | quarter | week
	WashoutDays int    // left out after treated_at
	// TreatmentStart is completed (default when empty) or enrolled: see units.sql.
	TreatmentStart  string
	PreDays         int       // before/after: window before treated_at
	PostDays        int       // before/after: window after treated_at + washout
	ExcludeDropouts bool      // drop units whose exposure status is dropout
	Cutoff          time.Time // nothing at or after it is used
	// Horizons holds, per metric, the horizon of its restricted_mean_log outcome (queries.Metric's
	// Outcome and Horizon): Cell.MeanLogH and NH are computed for these metrics only.
	Horizons map[string]Horizon
}

// Horizon is a duration metric's horizon in its own unit (Value) and in seconds.
type Horizon struct {
	Value, Seconds float64
}

// HorizonOf returns the horizon of a metric whose catalog outcome is restricted_mean_log, and
// false for any other metric. unit is the metric's unit: hours or minutes.
func HorizonOf(m queries.Metric) (Horizon, bool) {
	if m.Kind != queries.KindDuration || m.Outcome != queries.OutcomeRestrictedMeanLog || !(m.Horizon > 0) {
		return Horizon{}, false
	}
	per := 3600.0
	if m.Unit == "minutes" {
		per = 60
	}
	return Horizon{Value: m.Horizon, Seconds: m.Horizon * per}, true
}

// Horizons returns the horizons of the catalog's restricted_mean_log metrics (Options.Horizons).
func Horizons(cat *queries.Catalog) map[string]Horizon {
	out := map[string]Horizon{}
	for _, m := range cat.Metrics {
		if h, ok := HorizonOf(m); ok {
			out[m.Name] = h
		}
	}
	return out
}

func (o Options) params() map[string]any {
	start := o.TreatmentStart
	if start == "" {
		start = "completed"
	}
	return map[string]any{"unit_type": o.Unit, "period": o.Period, "washout": int64(o.WashoutDays), "treatment_start": start,
		"pre_days": int64(o.PreDays), "post_days": int64(o.PostDays), "exclude_dropouts": o.ExcludeDropouts,
		"cutoff": o.Cutoff.UTC()}
}

// Cell is one unit × period cell of a metric's panel.
type Cell struct {
	// Unit is the cell's unit: an index into its Panel's Units.
	Unit   int
	Period int // consecutive period index (period_index macro)
	Group  int // unit's first treated period, 0 when it has no treatment date
	// TreatedPeriod is the period containing the treatment date (0 when none); the cells from it
	// up to Group are the washout and are not in the panel.
	TreatedPeriod int
	// N counts the events of the cell, NCensored those still open at the cut-off.
	N, NCensored int64
	// MeanLog is the mean of ln(max(value, 0.01)) over the uncensored events (NaN if none):
	// the DiD outcome of durations.
	MeanLog float64
	// Mean is the mean value over all events (share for proportions, per-event rate for counts)
	// and Total their sum.
	Mean, Total float64
	// MeanLogH is the censoring-aware outcome of a metric with a horizon h (Options.Horizons): the
	// mean of ln(max(min(value, h), 0.01)) over the NH events at least h old at the cut-off, open
	// ones counting at h (NaN if none, or no horizon).
	MeanLogH float64
	NH       int64
}

// Panel is one metric's unit × period panel, ordered by unit then period.
type Panel struct {
	Metric string
	// Units are the unit ids, in ascending byte order (as sort.Strings), shared by every panel
	// of one Panels call; Cell.Unit indexes it, so ordering cells by Unit orders them by unit id.
	Units []string
	Cells []Cell
}

func nf(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// withUnits returns the embedded file name with {{UNITS}} replaced by units.sql.
func withUnits(name string) string {
	return strings.Replace(sqlText(name), "{{UNITS}}", sqlText("units.sql"), 1)
}

// Panels aggregates metric_events into one panel per metric (see panel.sql for the rules), one
// query per metric. The cells cross the driver as numbers only (unit number, period, counts,
// means) and are put in unit-id then period order here, which is cheaper than in DuckDB.
func Panels(ctx context.Context, db DB, o Options) (map[string]*Panel, error) {
	out := map[string]*Panel{}
	err := EachPanel(ctx, db, o, func(p *Panel) error {
		out[p.Metric] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachPanel is Panels handing each metric's panel to fn as soon as it is read, in metric name
// order; fn may keep the panel. Metrics without a cell are skipped. An error of fn stops it.
func EachPanel(ctx context.Context, db DB, o Options, fn func(*Panel) error) error {
	p := o.params()
	names, err := panelMetrics(ctx, db)
	if err != nil {
		return err
	}
	units, perm, err := panelUnits(ctx, db, p)
	if err != nil {
		return err
	}
	ids := make([]string, len(units))
	for i, un := range units {
		ids[perm[i]] = un.id
	}
	text := withUnits("panel.sql")
	var raw rawCells // reused from metric to metric
	for _, name := range names {
		p["metric"] = name
		p["horizon"], p["horizon_seconds"] = nil, nil
		if h, ok := o.Horizons[name]; ok {
			p["horizon"], p["horizon_seconds"] = h.Value, h.Seconds
		}
		if err := readPanel(ctx, db, text, p, units, perm, &raw); err != nil {
			return fmt.Errorf("metrics: panel of %s: %w", name, err)
		}
		if raw.n == 0 {
			continue
		}
		if err := fn(&Panel{Metric: name, Units: ids, Cells: raw.sorted(units)}); err != nil {
			return err
		}
	}
	return nil
}

// readPanel runs panel.sql for p["metric"] and leaves its rows in raw.
func readPanel(ctx context.Context, db DB, text string, p map[string]any, units []panelUnit, perm []int, raw *rawCells) error {
	raw.reset()
	q, args, err := queries.BindNamed("panel.sql", text, p)
	if err != nil {
		return err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var v [9]any
	ptrs := []any{&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]}
	for rows.Next() {
		// Scanning into any skips database/sql's reflection for every value.
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		u, period := asInt(v[0]), asInt(v[1])
		n, okN := v[2].(int64)
		nc, okC := v[3].(int64)
		nh, okH := v[8].(int64)
		if u < 0 || u >= len(units) || period < 0 || !okN || !okC || !okH {
			return fmt.Errorf("unexpected row %v", v)
		}
		raw.add(rawCell{num: int32(u), unit: int32(perm[u]), period: int32(period), n: n, nCensored: nc,
			meanLog: asFloat(v[4]), mean: asFloat(v[5]), total: asFloat(v[6]), meanLogH: asFloat(v[7]), nH: nh})
	}
	return rows.Err()
}

// rawCell is one row of panel.sql as read: num is the unit's number in the SQL, unit its
// position in unit-id order.
type rawCell struct {
	num, unit, period    int32
	n, nCensored, nH     int64
	meanLog, mean, total float64
	meanLogH             float64
}

// rawCells stores rows in blocks of fixed size, kept from one metric to the next: appending
// never copies, and the memory is touched once (growing one slice of millions of rows cost more
// in copies and fresh pages than reading the rows).
type rawCells struct {
	blocks [][]rawCell
	n      int
	order  []int32
}

const rawBlock = 1 << 16

func (c *rawCells) reset() {
	for i := range c.blocks {
		c.blocks[i] = c.blocks[i][:0]
	}
	c.n = 0
}

func (c *rawCells) add(r rawCell) {
	b := c.n / rawBlock
	if b == len(c.blocks) {
		c.blocks = append(c.blocks, make([]rawCell, 0, rawBlock))
	}
	c.blocks[b] = append(c.blocks[b], r)
	c.n++
}

func (c *rawCells) at(i int32) *rawCell { return &c.blocks[i/rawBlock][i%rawBlock] }

// sorted returns the cells ordered by unit then period: two stable counting sorts of the row
// numbers, by period then by unit (units are numbered 0..len(units)-1 and periods span a few
// hundred values at most).
func (c *rawCells) sorted(units []panelUnit) []Cell {
	lo, hi := c.at(0).period, c.at(0).period
	for i := range int32(c.n) {
		lo, hi = min(lo, c.at(i).period), max(hi, c.at(i).period)
	}
	byPeriod := countingOrder(c.order, nil, c.n, int(hi-lo)+1, func(i int32) int { return int(c.at(i).period - lo) })
	order := countingOrder(nil, byPeriod, c.n, len(units), func(i int32) int { return int(c.at(i).unit) })
	c.order = byPeriod // its memory is reused next time
	cells := make([]Cell, c.n)
	for j, i := range order {
		r := c.at(i)
		un := &units[r.num]
		cells[j] = Cell{Unit: int(r.unit), Period: int(r.period), Group: un.g, TreatedPeriod: un.treatedPeriod,
			N: r.n, NCensored: r.nCensored, MeanLog: r.meanLog, Mean: r.mean, Total: r.total, MeanLogH: r.meanLogH, NH: r.nH}
	}
	return cells
}

// countingOrder returns, in buf if large enough, the row numbers of in (0..n-1 when in is nil)
// stably ordered by key, which lies in [0, buckets).
func countingOrder(buf, in []int32, n, buckets int, key func(int32) int) []int32 {
	row := func(i int) int32 {
		if in != nil {
			return in[i]
		}
		return int32(i)
	}
	next := make([]int, buckets+1)
	for i := range n {
		next[key(row(i))+1]++
	}
	for b := range buckets {
		next[b+1] += next[b]
	}
	out := buf[:0]
	if cap(out) < n {
		out = make([]int32, n)
	}
	out = out[:n]
	for i := range n {
		r := row(i)
		b := key(r)
		out[next[b]] = r
		next[b]++
	}
	return out
}

func asInt(v any) int {
	switch x := v.(type) {
	case int32:
		return int(x)
	case int64:
		return int(x)
	}
	return -1
}

func asFloat(v any) float64 {
	if x, ok := v.(float64); ok {
		return x
	}
	return math.NaN() // NULL
}

// panelMetrics lists the metrics of metric_events in name order (panel_metrics.sql).
func panelMetrics(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, sqlText("panel_metrics.sql"))
	if err != nil {
		return nil, fmt.Errorf("metrics: panel metrics: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("metrics: panel metrics: %w", err)
		}
		names = append(names, m)
	}
	return names, rows.Err()
}

type panelUnit struct {
	id               string
	g, treatedPeriod int
}

// panelUnits returns the units of panel_units.sql indexed by their number in panel.sql, and perm:
// perm[number] is the unit's position in byte order of unit ids. The SQL numbers units in
// DuckDB's ORDER BY unit_id, which a non-default collation could make differ from Go's order.
func panelUnits(ctx context.Context, db DB, p map[string]any) ([]panelUnit, []int, error) {
	q, args, err := queries.BindNamed("panel_units.sql", withUnits("panel_units.sql"), p)
	if err != nil {
		return nil, nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: panel units: %w", err)
	}
	defer rows.Close()
	var units []panelUnit
	var nums []int
	for rows.Next() {
		var num int
		var u panelUnit
		if err := rows.Scan(&num, &u.id, &u.g, &u.treatedPeriod); err != nil {
			return nil, nil, fmt.Errorf("metrics: panel units: %w", err)
		}
		units = append(units, u)
		nums = append(nums, num)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("metrics: panel units: %w", err)
	}
	byNum := make([]panelUnit, len(units))
	for i, n := range nums {
		if n < 0 || n >= len(units) {
			return nil, nil, fmt.Errorf("metrics: panel units: unit number %d out of range", n)
		}
		byNum[n] = units[i]
	}
	order := make([]int, len(byNum))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return byNum[order[a]].id < byNum[order[b]].id })
	perm := make([]int, len(byNum))
	for pos, n := range order {
		perm[n] = pos
	}
	return byNum, perm, nil
}

// Window is one treated unit's events of one metric before or after treatment.
type Window struct {
	Unit         string
	Post         bool
	N, NCensored int64
	MeanLog      float64 // mean ln(max(value, 0.01)) over uncensored events, NaN if none
	Mean, Total  float64
}

// Windows returns, per metric, the before/after windows of every treated unit (windows.sql).
func Windows(ctx context.Context, db DB, o Options) (map[string][]Window, error) {
	q, args, err := queries.BindNamed("windows.sql", sqlText("windows.sql"), o.params())
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: windows: %w", err)
	}
	defer rows.Close()
	out := map[string][]Window{}
	for rows.Next() {
		var metric, win string
		var w Window
		var meanLog, mean, total sql.NullFloat64
		if err := rows.Scan(&metric, &w.Unit, &win, &w.N, &w.NCensored, &meanLog, &mean, &total); err != nil {
			return nil, fmt.Errorf("metrics: windows: %w", err)
		}
		w.Post = win == "post"
		w.MeanLog, w.Mean, w.Total = nf(meanLog), nf(mean), nf(total)
		out[metric] = append(out[metric], w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: windows: %w", err)
	}
	return out, nil
}

// Durations are event durations of treated units before or after treatment, with counts (values
// rounded to 0.01 of the metric's unit), for Kaplan–Meier: one entry per (unit, value, censored).
type Durations struct {
	Value    []float64
	Event    []bool // true when observed, false when censored
	Count    []float64
	Unit     []int // index into Units
	NEvents  int64 // Σ Count
	Censored int64
}

// Units lists the unit ids of a metric's durations (both windows); Durations.Unit indexes it.
type Units struct {
	IDs   []string
	index map[string]int
}

func (u *Units) id(s string) int {
	if i, ok := u.index[s]; ok {
		return i
	}
	if u.index == nil {
		u.index = map[string]int{}
	}
	u.index[s] = len(u.IDs)
	u.IDs = append(u.IDs, s)
	return u.index[s]
}

// SurvivalData is one duration metric's pre [0] and post [1] durations and their units.
type SurvivalData struct {
	Windows [2]*Durations
	Units   Units
}

// Survival returns, per duration metric, the pre and post durations of every treated unit (km.sql).
func Survival(ctx context.Context, db DB, o Options, durationMetrics []string) (map[string]*SurvivalData, error) {
	p := o.params()
	p["durations"] = durationMetrics
	q, args, err := queries.BindNamed("km.sql", sqlText("km.sql"), p)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: durations: %w", err)
	}
	defer rows.Close()
	out := map[string]*SurvivalData{}
	for rows.Next() {
		var metric, win, unit string
		var v float64
		var cens bool
		var n int64
		if err := rows.Scan(&metric, &win, &unit, &v, &cens, &n); err != nil {
			return nil, fmt.Errorf("metrics: durations: %w", err)
		}
		sd := out[metric]
		if sd == nil {
			sd = &SurvivalData{}
			out[metric] = sd
		}
		k := 0
		if win == "post" {
			k = 1
		}
		if sd.Windows[k] == nil {
			sd.Windows[k] = &Durations{}
		}
		d := sd.Windows[k]
		d.Value, d.Event, d.Count = append(d.Value, v), append(d.Event, !cens), append(d.Count, float64(n))
		d.Unit = append(d.Unit, sd.Units.id(unit))
		d.NEvents += n
		if cens {
			d.Censored += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: durations: %w", err)
	}
	return out, nil
}

// Treated is what the treated units' events of one metric amount to (treated.sql).
type Treated struct {
	Volume int64 // events in the year ending at the cut-off (the ROI's annual volume)
	People int64 // distinct people behind the events before the cut-off
}

// TreatedEvents returns, per metric, the volume and the people of the treated units' events, in one
// scan of metric_events.
func TreatedEvents(ctx context.Context, db DB, o Options) (map[string]Treated, error) {
	q, args, err := queries.BindNamed("treated.sql", sqlText("treated.sql"), map[string]any{"unit_type": o.Unit, "cutoff": o.Cutoff.UTC()})
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: treated events: %w", err)
	}
	defer rows.Close()
	out := map[string]Treated{}
	for rows.Next() {
		var m string
		var t Treated
		if err := rows.Scan(&m, &t.Volume, &t.People); err != nil {
			return nil, fmt.Errorf("metrics: treated events: %w", err)
		}
		out[m] = t
	}
	return out, rows.Err()
}

// Participants counts the people who completed the program before the cut-off.
func Participants(ctx context.Context, db DB, cutoff time.Time) (int64, error) {
	q, args, err := queries.BindNamed("participants.sql", sqlText("participants.sql"), map[string]any{"cutoff": cutoff.UTC()})
	if err != nil {
		return 0, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("metrics: participants: %w", err)
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("metrics: participants: %w", err)
		}
	}
	return n, rows.Err()
}
