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

// MetricError names the metric file whose SQL failed (for example a duplicate event_id).
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
// first (the metrics use them). Run it inside one transaction with the rest of an analysis.
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
	}
	return counts, nil
}

// Options say how events become units and periods (config analysis.*).
type Options struct {
	Unit            string    // team | person
	Period          string    // month | quarter | week
	WashoutDays     int       // left out after treated_at
	PreDays         int       // before/after: window before treated_at
	PostDays        int       // before/after: window after treated_at + washout
	ExcludeDropouts bool      // drop units whose exposure status is dropout
	Cutoff          time.Time // nothing at or after it is used
}

func (o Options) params() map[string]any {
	return map[string]any{"unit_type": o.Unit, "period": o.Period, "washout": int64(o.WashoutDays),
		"pre_days": int64(o.PreDays), "post_days": int64(o.PostDays), "exclude_dropouts": o.ExcludeDropouts,
		"cutoff": o.Cutoff.UTC()}
}

// Cell is one unit × period cell of a metric's panel.
type Cell struct {
	Unit   string
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
}

// Panel is one metric's unit × period panel, ordered by unit then period.
type Panel struct {
	Metric string
	Cells  []Cell
}

func nf(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// Panels aggregates metric_events into one panel per metric (see panel.sql for the rules).
func Panels(ctx context.Context, db DB, o Options) (map[string]*Panel, error) {
	q, args, err := queries.BindNamed("panel.sql", sqlText("panel.sql"), o.params())
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: panels: %w", err)
	}
	defer rows.Close()
	out := map[string]*Panel{}
	var cur *Panel
	for rows.Next() {
		var metric string
		var c Cell
		var meanLog, mean, total sql.NullFloat64
		if err := rows.Scan(&metric, &c.Unit, &c.Period, &c.Group, &c.TreatedPeriod, &c.N, &c.NCensored, &meanLog, &mean, &total); err != nil {
			return nil, fmt.Errorf("metrics: panels: %w", err)
		}
		c.MeanLog, c.Mean, c.Total = nf(meanLog), nf(mean), nf(total)
		if cur == nil || cur.Metric != metric {
			cur = &Panel{Metric: metric}
			out[metric] = cur
		}
		cur.Cells = append(cur.Cells, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: panels: %w", err)
	}
	return out, nil
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

// Durations are pooled event durations of treated units before or after treatment, with counts
// (values rounded to 0.01 of the metric's unit), for Kaplan–Meier and the log-rank test.
type Durations struct {
	Value    []float64
	Event    []bool // true when observed, false when censored
	Count    []float64
	NEvents  int64 // Σ Count
	Censored int64
}

// Survival returns, per duration metric, the pooled pre and post durations (km.sql).
func Survival(ctx context.Context, db DB, o Options, durationMetrics []string) (map[string][2]*Durations, error) {
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
	out := map[string][2]*Durations{}
	for rows.Next() {
		var metric, win string
		var v float64
		var cens bool
		var n int64
		if err := rows.Scan(&metric, &win, &v, &cens, &n); err != nil {
			return nil, fmt.Errorf("metrics: durations: %w", err)
		}
		pair := out[metric]
		k := 0
		if win == "post" {
			k = 1
		}
		if pair[k] == nil {
			pair[k] = &Durations{}
		}
		d := pair[k]
		d.Value, d.Event, d.Count = append(d.Value, v), append(d.Event, !cens), append(d.Count, float64(n))
		d.NEvents += n
		if cens {
			d.Censored += n
		}
		out[metric] = pair
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: durations: %w", err)
	}
	return out, nil
}

// AnnualVolume returns, per metric, the events of treated units in the year ending at the cut-off.
func AnnualVolume(ctx context.Context, db DB, o Options) (map[string]int64, error) {
	q, args, err := queries.BindNamed("volume.sql", sqlText("volume.sql"), map[string]any{"unit_type": o.Unit, "cutoff": o.Cutoff.UTC()})
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: volume: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var m string
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, fmt.Errorf("metrics: volume: %w", err)
		}
		out[m] = n
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
