// Package run is the scheduled batch job (`trainimpact run`): under one lock and one row of the
// runs ledger it imports the people files whose content changed, syncs every configured source,
// recomputes what depends on them (identities, exposure, views), checks that the data covers the
// reporting period, analyses it, renders the report and publishes the warehouse once. A failed
// stage stops the run and nothing is published; a source that fails while others sync stops it
// too (syncer.ErrPartial) unless partial runs are allowed, and then the period carries a missing_source
// caveat naming the source (see package freshness).
package run

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/freshness"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// Stage names, in the order they run; they key runs.counts and runs.durations.
const (
	StagePeople    = "people"
	StageSync      = "sync"
	StageRefresh   = "refresh"
	StageFreshness = "freshness"
	StageAnalyze   = "analyze"
	StageReport    = "report"
)

// Run statuses written to runs.status.
const (
	StatusSucceeded = "succeeded"
	StatusPartial   = "partial"
	StatusFailed    = "failed"
)

// ErrNoSources reports a config without any source: the job would have nothing to collect.
var ErrNoSources = errors.New("run: no sources configured")

//go:embed sql/*.sql
var sqlFS embed.FS

func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("run: no embedded query %q", name))
	}
	return string(b)
}

// ReportInput is what the report stage receives: the working database after the analysis (and
// before publishing), the period analysed and the caveats recorded for it.
type ReportInput struct {
	Store   *store.Store
	Config  *config.Config
	Period  string
	RunID   string
	Caveats []freshness.Caveat
	Now     time.Time
}

// ReportFunc renders the report of in.Period and returns the files it wrote. An error fails the
// run (exit code 1) and nothing is published.
type ReportFunc func(ctx context.Context, in ReportInput) ([]string, error)

// Options configure Run.
type Options struct {
	// Period is the reporting quarter, "2026-Q3"; "" means the last full quarter before Now.
	Period string
	// AllowPartial publishes when some sources failed (the run still returns syncer.ErrPartial, exit code 3).
	AllowPartial bool
	// AllowStale analyses a period the data does not cover and marks its estimates stale_source.
	AllowStale bool
	// Full refetches everything (see syncer.Options.Full); Overlap is subtracted from cursors.
	Full    bool
	Overlap time.Duration
	// Grace is how long before the period's end a source's data may end (0 = freshness.DefaultGrace).
	Grace time.Duration
	// Now is the clock (default time.Now): the ledger, the people files' "today", the default
	// period and the freshness check read it.
	Now func() time.Time
	// Logger receives one line per stage and per source (nil discards).
	Logger *slog.Logger
	// Progress receives sync progress (source, entity, fetched so far).
	Progress func(source, entity string, fetched int)
	// Step, when set, is told the name of each stage as it starts (a progress display).
	Step func(stage string)
	// Transport is the base HTTP transport under every connector (tests); nil = default.
	Transport http.RoundTripper
	// Report renders the report after the analysis; nil skips the stage (logged as skipped).
	Report ReportFunc
}

// Stage is what one stage did.
type Stage struct {
	Name     string
	Duration time.Duration
	Counts   map[string]any
	Skipped  bool
}

// Result is what a run did, also when it failed.
type Result struct {
	RunID  string
	Period string
	// Status is succeeded, partial or failed, as recorded in runs.
	Status string
	// Published says whether the warehouse was replaced.
	Published bool
	Stages    []Stage
	People    []people.ImportResult
	Sync      []syncer.SourceResult
	Freshness freshness.Report
	Analysis  *analyze.Result
	// Caveats are those recorded for the period (stale_source, missing_source).
	Caveats []freshness.Caveat
	// ReportFiles are the files the report stage wrote.
	ReportFiles []string
}

// Run executes the job. Errors before the lock (no sources, a missing token, a bad period) leave
// no ledger row; from the lock on, every outcome is recorded in runs. The error wraps
// workspace.ErrBusy when another command holds the lock, syncer.ErrPartial when some sources
// failed while others synced (with opts.AllowPartial the warehouse is published all the same),
// a *freshness.StaleError when the data does not cover the period, a *people.ValidationError for
// a bad people file, config errors for a bad config.
func Run(ctx context.Context, cfg *config.Config, opts Options) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.SourceNames()) == 0 {
		return nil, fmt.Errorf("%w: add a block under sources: in %s", ErrNoSources, cfg.Path)
	}
	if err := cfg.CheckSourceSecrets(); err != nil {
		return nil, err
	}
	q, _, err := freshness.Resolve(opts.Period, opts.Now())
	if err != nil {
		return nil, err
	}
	started := time.Now()
	s, err := workspace.Begin(ctx, cfg, "run", opts.Now)
	if err != nil {
		return nil, err
	}
	j := &job{cfg: cfg, opts: opts, s: s, log: opts.Logger,
		res: &Result{RunID: s.RunID(), Period: q.String(), Status: StatusFailed}}
	j.log.Info("run started", "run_id", j.res.RunID, "period", j.res.Period, "sources", len(cfg.SourceNames()))
	runErr := j.stages(ctx)
	status := StatusSucceeded
	switch {
	case runErr == nil && j.partial != nil:
		status, runErr = StatusPartial, j.partial
	case runErr != nil:
		status = StatusFailed
	}
	// Finish records the ledger row, then publishes when status is succeeded or partial.
	ferr := s.Finish(ctx, runErr, status)
	j.res.Status = status
	j.res.Published = status != StatusFailed && ferr == nil
	if ferr != nil && (runErr == nil || status == StatusPartial) {
		// The ledger row was written before the publish failed; the error says what happened.
		j.res.Status = StatusFailed
		runErr = fmt.Errorf("run: publish: %w", ferr)
	}
	j.log.Info("run finished", "run_id", j.res.RunID, "period", j.res.Period, "status", j.res.Status,
		"published", j.res.Published, "duration", time.Since(started).Round(time.Millisecond))
	return j.res, runErr
}

// job is one run in progress.
type job struct {
	cfg  *config.Config
	opts Options
	s    *workspace.Session
	log  *slog.Logger
	res  *Result
	// partial wraps syncer.ErrPartial (with each source's error) when some sources failed and partial
	// runs are allowed.
	partial error
	// failed names the sources whose sync failed.
	failed []string
}

// stage runs fn as the named stage: it times it, records its counts and duration in the ledger
// row and logs one line.
func (j *job) stage(ctx context.Context, name string, fn func(ctx context.Context, counts map[string]any) error) error {
	if j.opts.Step != nil {
		j.opts.Step(name)
	}
	start := time.Now()
	counts := map[string]any{}
	err := fn(ctx, counts)
	d := time.Since(start)
	j.res.Stages = append(j.res.Stages, Stage{Name: name, Duration: d, Counts: counts})
	j.s.Durations[name] = d.Seconds()
	if len(counts) > 0 {
		j.s.Counts[name] = counts
	}
	attrs := []slog.Attr{slog.String("stage", name), slog.Duration("duration", d.Round(time.Millisecond))}
	for _, k := range sortedKeys(counts) {
		attrs = append(attrs, slog.Any(k, counts[k]))
	}
	if err != nil {
		j.log.LogAttrs(ctx, slog.LevelError, "stage failed", append(attrs, slog.String("error", err.Error()))...)
		return err
	}
	j.log.LogAttrs(ctx, slog.LevelInfo, "stage done", attrs...)
	return nil
}

func (j *job) stages(ctx context.Context) error {
	now := j.opts.Now()
	if err := j.stage(ctx, StagePeople, j.people); err != nil {
		return err
	}
	if err := j.stage(ctx, StageSync, j.sync); err != nil {
		return err
	}
	if err := j.stage(ctx, StageRefresh, func(ctx context.Context, c map[string]any) error {
		sum, err := refresh.Derived(ctx, j.s.Store, j.cfg, now)
		c["units"] = sum.Units
		c["accounts_matched"] = sum.Identity.Matched
		c["accounts_unmatched"] = sum.Identity.Unmatched
		return err
	}); err != nil {
		return err
	}
	if err := j.stage(ctx, StageFreshness, func(ctx context.Context, c map[string]any) error {
		rep, err := freshness.Check(ctx, j.s.Store, j.cfg.SourceNames(), j.res.Period, now, j.opts.Grace)
		if err != nil {
			return err
		}
		j.res.Freshness = rep
		c["stale_sources"] = len(rep.Stale)
		if serr := rep.Err(); serr != nil && !j.opts.AllowStale {
			return serr
		}
		return nil
	}); err != nil {
		return err
	}
	if err := j.stage(ctx, StageAnalyze, func(ctx context.Context, c map[string]any) error {
		ar, err := analyze.Run(ctx, j.s.Store, j.cfg, j.res.Period, now)
		if err != nil {
			return err
		}
		j.res.Analysis = ar
		c["estimates"] = len(ar.Estimates)
		var events int64
		for _, n := range ar.Events {
			events += n
		}
		c["metric_events"] = events
		return j.caveats(ctx, now, c)
	}); err != nil {
		return err
	}
	return j.stage(ctx, StageReport, func(ctx context.Context, c map[string]any) error {
		if j.opts.Report == nil {
			c["skipped"] = true
			return nil
		}
		files, err := j.opts.Report(ctx, ReportInput{Store: j.s.Store, Config: j.cfg, Period: j.res.Period,
			RunID: j.res.RunID, Caveats: j.res.Caveats, Now: now})
		j.res.ReportFiles = files
		c["files"] = len(files)
		return err
	})
}

// caveats records the period's stale_source and missing_source caveats (replacing earlier ones)
// and flags its estimates when stale.
func (j *job) caveats(ctx context.Context, now time.Time, c map[string]any) error {
	cs := j.res.Freshness.Caveats()
	if len(j.failed) > 0 {
		last, err := freshness.LastData(ctx, j.s.Store.DB())
		if err != nil {
			return err
		}
		for _, src := range j.failed {
			cs = append(cs, freshness.Missing(j.res.Period, src, last[src]))
		}
	}
	if err := freshness.Record(ctx, j.s.Store, j.res.Period, j.res.RunID, now, cs); err != nil {
		return err
	}
	for _, cv := range cs {
		j.log.Warn("caveat recorded", "period", cv.Period, "kind", cv.Kind, "source", cv.Source, "detail", cv.Detail)
	}
	j.res.Caveats = cs
	c["caveats"] = len(cs)
	return nil
}

// people imports the configured people files, and the assessments and surveys files, whose content
// differs from the last import. As `trainimpact import` does, the outcome files are validated
// before anything is written, so a broken one changes nothing.
func (j *job) people(ctx context.Context, c map[string]any) error {
	changedOf := func(files []people.File) ([]people.File, error) {
		var changed []people.File
		for _, f := range files {
			if f.Path == "" {
				continue
			}
			same, err := unchanged(ctx, j.s.Store.DB(), f)
			if err != nil {
				return nil, err
			}
			if same {
				c[f.Kind] = "unchanged"
				continue
			}
			changed = append(changed, f)
		}
		return changed, nil
	}
	changed, err := changedOf([]people.File{{Kind: people.KindTeams, Path: j.cfg.People.Teams},
		{Kind: people.KindCohorts, Path: j.cfg.People.Cohorts}, {Kind: people.KindIdentities, Path: j.cfg.People.Identities}})
	if err != nil {
		return err
	}
	outcomes, err := changedOf([]people.File{{Kind: people.KindAssessments, Path: j.cfg.People.Assessments},
		{Kind: people.KindSurveys, Path: j.cfg.People.Surveys}})
	if err != nil {
		return err
	}
	now := j.opts.Now()
	opts := people.ImportOptions{Now: now, Today: now}
	if err := people.ValidateOutcomes(outcomes, opts); err != nil {
		return err
	}
	var results []people.ImportResult
	if len(changed) > 0 {
		if results, err = people.ImportFiles(ctx, j.s.Store, changed, opts); err != nil {
			return err
		}
	}
	if len(outcomes) > 0 {
		r, err := people.ImportOutcomes(ctx, j.s.Store, outcomes, opts)
		if err != nil {
			return err
		}
		results = append(results, r...)
	}
	j.res.People = results
	for _, r := range results {
		c[r.Kind] = map[string]int{"rows": r.Rows, "added": r.Added, "changed": r.Changed, "removed": r.Removed}
		for _, w := range r.Warnings {
			j.log.Warn("people file", "kind", r.Kind, "file", filepath.Base(r.File), "line", w.Line, "warning", w.Message)
		}
	}
	return nil
}

// unchanged reports whether the file's content hashes to what was last imported from it.
func unchanged(ctx context.Context, db *sql.DB, f people.File) (bool, error) {
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		return false, fmt.Errorf("run: %s: %w", f.Path, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return false, fmt.Errorf("run: people.%s %s: %w", f.Kind, f.Path, err)
	}
	h := sha256.Sum256(data)
	var last sql.NullString
	if err := db.QueryRowContext(ctx, query("import_sha"), f.Kind, abs).Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("run: read import hash of %s: %w", f.Path, err)
	}
	return last.Valid && last.String == hex.EncodeToString(h[:]), nil
}

// sync collects every configured source; a partial failure stops the run unless allowed.
func (j *job) sync(ctx context.Context, c map[string]any) error {
	results, err := syncer.Sync(ctx, j.s.Store, j.cfg, syncer.Options{Full: j.opts.Full, Overlap: j.opts.Overlap,
		Transport: j.opts.Transport, Logger: j.log, Now: j.opts.Now, Progress: j.opts.Progress})
	j.res.Sync = results
	for _, r := range results {
		var fetched, added, updated, deleted int
		for _, n := range r.Counts {
			fetched += n.Fetched
			added += n.New
			updated += n.Updated
			deleted += n.Deleted
		}
		j.s.Durations[StageSync+"."+r.Source] = r.Duration.Seconds()
		c[r.Source] = r.Counts
		attrs := []slog.Attr{slog.String("stage", StageSync), slog.String("source", r.Source), slog.Int("fetched", fetched),
			slog.Int("new", added), slog.Int("updated", updated), slog.Int("deleted", deleted),
			slog.Duration("duration", r.Duration.Round(time.Millisecond))}
		if r.Err != nil {
			j.failed = append(j.failed, r.Source)
			j.log.LogAttrs(ctx, slog.LevelError, "source failed", append(attrs, slog.String("error", r.Err.Error()))...)
			continue
		}
		j.log.LogAttrs(ctx, slog.LevelInfo, "source synced", attrs...)
	}
	if errors.Is(err, syncer.ErrPartial) {
		if !j.opts.AllowPartial {
			return fmt.Errorf("run: %w (nothing published; --allow-partial publishes what succeeded)", err)
		}
		j.partial = fmt.Errorf("run: %w", err)
		return nil
	}
	return err
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
