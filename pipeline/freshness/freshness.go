// Package freshness keeps stale data from passing silently: before a reporting period is
// analysed, it compares the period with each configured source's sync cursors. A source whose
// last data (its latest cursor, on the source's clock) ends more than a grace before the period's
// cut-off does not cover the period; analysing it anyway would count the missing weeks as weeks
// without incidents, tickets or pull requests and bias every estimate. Check reports such sources
// as a *StaleError (exit code 2 in the command line) unless the caller allows stale data; then
// Record stores a stale_source caveat naming the source and its last data in the caveats table and
// flags every estimate of the period stale_source, so every output of the period carries it.
// Record also stores the missing_source caveat of a `run --allow-partial` whose sync of a source
// failed. The report reads the caveats with Read.
package freshness

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Caveat kinds (caveats.kind) and the estimate flag of a stale period.
const (
	// KindStale: the source's data ends before the period does.
	KindStale = "stale_source"
	// KindMissing: the source failed to sync in the run that analysed the period.
	KindMissing = "missing_source"
	// FlagStaleSource is added to estimates.flags of every estimate of a stale period.
	FlagStaleSource = "stale_source"
)

// DefaultGrace is how long before the period's cut-off a source's last data may end and still
// cover the period: cursors record the latest change a source reported, and a quiet weekend or
// holiday at the end of a quarter leaves a gap of a few days without anything being missing.
const DefaultGrace = 7 * 24 * time.Hour

// ErrStale reports a period the sources' data does not cover. Returned wrapped in a *StaleError.
var ErrStale = errors.New("freshness: the data does not cover the period")

//go:embed sql/*.sql
var sqlFS embed.FS

func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("freshness: no embedded query %q", name))
	}
	return string(b)
}

// Coverage is how far one source's data reaches.
type Coverage struct {
	Source string
	// LastData is the source's latest sync cursor; zero when it was never synced.
	LastData time.Time
}

// Synced reports whether the source has any data.
func (c Coverage) Synced() bool { return !c.LastData.IsZero() }

func (c Coverage) words() string {
	if !c.Synced() {
		return c.Source + " was never synced"
	}
	return fmt.Sprintf("%s's data ends %s", c.Source, c.LastData.UTC().Format("2006-01-02 15:04 MST"))
}

// Report is the outcome of Check.
type Report struct {
	Period string
	// Cutoff is the instant up to which the period's analysis uses data: the end of the quarter,
	// or now when earlier.
	Cutoff time.Time
	Grace  time.Duration
	// Sources holds every checked source; Stale those that do not cover the period.
	Sources, Stale []Coverage
}

// StaleError lists the sources whose data does not cover the period.
type StaleError struct{ Report Report }

// Error names each source and its last data, and what to do.
func (e *StaleError) Error() string {
	parts := make([]string, len(e.Report.Stale))
	for i, c := range e.Report.Stale {
		parts[i] = c.words()
	}
	return fmt.Sprintf("freshness: %s runs to %s but %s: sync first (trainimpact sync) or choose an earlier --period; --allow-stale analyses it anyway and marks every estimate %s",
		e.Report.Period, e.Report.Cutoff.UTC().Format("2006-01-02 15:04 MST"), strings.Join(parts, " and "), FlagStaleSource)
}

// Unwrap returns ErrStale.
func (e *StaleError) Unwrap() error { return ErrStale }

// Err returns a *StaleError when some source does not cover the period, else nil.
func (r Report) Err() error {
	if len(r.Stale) == 0 {
		return nil
	}
	return &StaleError{Report: r}
}

// Caveats returns one stale_source caveat per stale source.
func (r Report) Caveats() []Caveat {
	out := make([]Caveat, 0, len(r.Stale))
	for _, c := range r.Stale {
		detail := fmt.Sprintf("%s: never synced; the estimates of %s contain none of its data.", c.Source, r.Period)
		if c.Synced() {
			detail = fmt.Sprintf("%s: data ends %s, before the end of %s (%s); the estimates of %s lack its later data.",
				c.Source, c.LastData.UTC().Format("2006-01-02 15:04 MST"), r.Period, r.Cutoff.UTC().Format("2006-01-02"), r.Period)
		}
		out = append(out, Caveat{Period: r.Period, Kind: KindStale, Source: c.Source, LastData: c.LastData, Detail: detail})
	}
	return out
}

// Resolve returns the quarter period names ("" = the last full quarter before now) and its cut-off.
func Resolve(period string, now time.Time) (analyze.Quarter, time.Time, error) {
	q := analyze.LastFullQuarter(now)
	if period != "" {
		var err error
		if q, err = analyze.ParseQuarter(period); err != nil {
			return q, time.Time{}, err
		}
	}
	cutoff := q.End()
	if now.Before(cutoff) {
		cutoff = now.UTC()
	}
	return q, cutoff, nil
}

// Check compares the period ("" = the last full quarter before now) with the last data of each
// of sources. A source covers it when its last data is no earlier than the cut-off minus grace
// (0 = DefaultGrace). The report's Err is the *StaleError to return unless stale data is allowed.
func Check(ctx context.Context, st *store.Store, sources []string, period string, now time.Time, grace time.Duration) (Report, error) {
	if grace <= 0 {
		grace = DefaultGrace
	}
	q, cutoff, err := Resolve(period, now)
	if err != nil {
		return Report{}, err
	}
	last, err := LastData(ctx, st.DB())
	if err != nil {
		return Report{}, err
	}
	r := Report{Period: q.String(), Cutoff: cutoff, Grace: grace}
	names := append([]string(nil), sources...)
	sort.Strings(names)
	for _, s := range names {
		c := Coverage{Source: s, LastData: last[s]}
		r.Sources = append(r.Sources, c)
		if !c.Synced() || c.LastData.Before(cutoff.Add(-grace)) {
			r.Stale = append(r.Stale, c)
		}
	}
	return r, nil
}

// Querier is what LastData and Read read through (*sql.DB).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// LastData returns each synced source's latest cursor.
func LastData(ctx context.Context, db Querier) (map[string]time.Time, error) {
	rows, err := db.QueryContext(ctx, query("last_data"))
	if err != nil {
		return nil, fmt.Errorf("freshness: read cursors: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var s string
		var t time.Time
		if err := rows.Scan(&s, &t); err != nil {
			return nil, fmt.Errorf("freshness: read cursors: %w", err)
		}
		out[s] = t.UTC()
	}
	return out, rows.Err()
}

// Caveat is one row of the caveats table.
type Caveat struct {
	Period, Kind, Source string
	// LastData is the source's latest cursor; zero when it was never synced.
	LastData time.Time
	// Detail is the caveat in one sentence.
	Detail string
	// RunID and RecordedAt are filled by Read.
	RunID      string
	RecordedAt time.Time
}

// Missing returns the missing_source caveat of a source whose sync failed in the run that
// analyses period; last is its last data from earlier syncs (zero: none).
func Missing(period, source string, last time.Time) Caveat {
	c := Coverage{Source: source, LastData: last}
	detail := fmt.Sprintf("%s: failed to sync in the run that produced these estimates; ", source)
	if c.Synced() {
		detail += fmt.Sprintf("its data is as of an earlier sync and ends %s.", last.UTC().Format("2006-01-02 15:04 MST"))
	} else {
		detail += "the estimates contain none of its data."
	}
	return Caveat{Period: period, Kind: KindMissing, Source: source, LastData: last, Detail: detail}
}

// Record replaces the caveats of period with cs (each run or analysis of a period describes the
// estimates it published) and, when one of them is stale_source, adds the flag stale_source to
// every estimate of the period. One transaction; call it after the period's estimates are written.
func Record(ctx context.Context, st *store.Store, period, runID string, now time.Time, cs []Caveat) error {
	err := st.Write(ctx, func(w *store.Writer) error {
		if _, err := w.Exec(ctx, query("delete_caveats"), period); err != nil {
			return err
		}
		stale := false
		for _, c := range cs {
			var last any
			if !c.LastData.IsZero() {
				last = c.LastData.UTC()
			}
			if _, err := w.Exec(ctx, query("insert_caveat"), period, c.Kind, c.Source, last, c.Detail, runID, now.UTC()); err != nil {
				return err
			}
			stale = stale || c.Kind == KindStale
		}
		if stale {
			if _, err := w.Exec(ctx, query("flag_estimates"), period); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("freshness: record caveats of %s: %w", period, err)
	}
	return nil
}

// Read returns the caveats of period ordered by kind (missing_source, stale_source), then source.
func Read(ctx context.Context, db Querier, period string) ([]Caveat, error) {
	rows, err := db.QueryContext(ctx, query("read_caveats"), period)
	if err != nil {
		return nil, fmt.Errorf("freshness: read caveats: %w", err)
	}
	defer rows.Close()
	var out []Caveat
	for rows.Next() {
		var c Caveat
		var last sql.NullTime
		if err := rows.Scan(&c.Period, &c.Kind, &c.Source, &last, &c.Detail, &c.RunID, &c.RecordedAt); err != nil {
			return nil, fmt.Errorf("freshness: read caveats: %w", err)
		}
		if last.Valid {
			c.LastData = last.Time.UTC()
		}
		c.RecordedAt = c.RecordedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
