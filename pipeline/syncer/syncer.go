// Package syncer runs connectors: `sync` collects sources into the working database through the
// connectors.Sink, and `rebuild` re-derives the canonical tables from raw_records without the
// network. A failing source never rolls back or damages another source's committed data.
package syncer

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Options controls a sync.
type Options struct {
	// Sources to sync; empty means every configured source.
	Sources []string
	// Full refetches everything and marks what disappeared as deleted.
	Full bool
	// Overlap is subtracted from saved cursors (default 1 h).
	Overlap time.Duration
	// Transport is the base HTTP transport under every connector (tests, demo); nil = default.
	Transport http.RoundTripper
	Logger    *slog.Logger
	Now       func() time.Time
	// MinRetryWait is connectors.Env.MinRetryWait (0 = httpx's default, 1 s); the demo lowers it
	// for its simulated API.
	MinRetryWait time.Duration
	// Progress receives (source, entity, fetched so far) after each committed batch.
	Progress func(source, entity string, fetched int)
}

// SourceResult is the outcome of one source.
type SourceResult struct {
	Source   string
	Err      error
	Duration time.Duration
	Counts   map[string]connectors.Counts // by entity
}

// ErrPartial reports that some sources failed while others synced.
var ErrPartial = errors.New("syncer: some sources failed")

// SourceError names the source that failed.
type SourceError struct {
	Source string
	Err    error
}

func (e *SourceError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// Sync runs the selected sources one after another into st. It returns every source's result; the
// error is nil when all succeeded, the source's error when there was one source, and an error
// wrapping ErrPartial (and each SourceError) when some of several failed.
func Sync(ctx context.Context, st *store.Store, cfg *config.Config, opts Options) ([]SourceResult, error) {
	names := opts.Sources
	if len(names) == 0 {
		names = cfg.SourceNames()
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("syncer: no sources configured (add a block under sources: in %s)", cfg.Path)
	}
	for _, n := range names {
		if _, ok := cfg.Sources[n]; !ok {
			return nil, fmt.Errorf("syncer: source %q is not configured (configured: %s)", n, strings.Join(cfg.SourceNames(), ", "))
		}
	}
	if err := cfg.CheckSourceSecrets(names...); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sk := sink.New(st, opts.Now)
	var results []SourceResult
	var errs []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		start := time.Now()
		before := sk.Totals()
		err := syncOne(ctx, st, sk, cfg, name, opts, logger)
		res := SourceResult{Source: name, Err: err, Duration: time.Since(start), Counts: diff(name, before, sk.Totals())}
		results = append(results, res)
		if err != nil {
			if ctx.Err() != nil {
				return results, ctx.Err()
			}
			logger.Error("source failed", "source", name, "err", err)
			errs = append(errs, &SourceError{Source: name, Err: err})
		}
	}
	switch {
	case len(errs) == 0:
		return results, nil
	case len(errs) == len(names):
		return results, errors.Join(errs...)
	}
	return results, fmt.Errorf("%w: %w", ErrPartial, errors.Join(errs...))
}

// syncOne collects one source with DuckDB leaving a core to the collection, then runs the
// connector's derive statements on every core (nothing is being fetched any more).
func syncOne(ctx context.Context, st *store.Store, sk *sink.Sink, cfg *config.Config, name string, opts Options, logger *slog.Logger) error {
	c, err := open(cfg, name, opts, logger)
	if err != nil {
		return err
	}
	so := connectors.SyncOptions{Full: opts.Full, Overlap: opts.Overlap, ConfigHash: cfg.SourceHash(name)}
	if opts.Progress != nil {
		so.Progress = func(entity string, n int) { opts.Progress(name, entity, n) }
	}
	restore, err := st.ShareCores(ctx)
	if err != nil {
		return err
	}
	err = c.Sync(ctx, sk, so)
	restore()
	if err != nil {
		return err
	}
	if d, ok := c.(connectors.Deriver); ok {
		if err := sk.Derive(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

func open(cfg *config.Config, name string, opts Options, logger *slog.Logger) (connectors.Connector, error) {
	drv, err := connectors.Lookup(name)
	if err != nil {
		return nil, err
	}
	return drv.Open(cfg.Sources[name], connectors.Env{Secrets: cfg.Env(name), Transport: opts.Transport,
		Logger: logger, Now: opts.Now, MinRetryWait: opts.MinRetryWait})
}

func diff(source string, before, after map[string]connectors.Counts) map[string]connectors.Counts {
	out := map[string]connectors.Counts{}
	for k, a := range after {
		src, entity, _ := strings.Cut(k, "/")
		if src != source {
			continue
		}
		b := before[k]
		out[entity] = connectors.Counts{Fetched: a.Fetched - b.Fetched, New: a.New - b.New, Updated: a.Updated - b.Updated,
			Unchanged: a.Unchanged - b.Unchanged, Deleted: a.Deleted - b.Deleted}
	}
	return out
}

// Ping checks one source's credentials with one cheap call, when the connector supports it.
func Ping(ctx context.Context, cfg *config.Config, name string, transport http.RoundTripper) error {
	if err := cfg.CheckSourceSecrets(name); err != nil {
		return err
	}
	c, err := open(cfg, name, Options{Transport: transport}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	p, ok := c.(connectors.Pinger)
	if !ok {
		return nil
	}
	return p.Ping(ctx)
}

// RebuildOptions tune Rebuild.
type RebuildOptions struct {
	Logger *slog.Logger // nil discards
	// Chunk is how many raw records are read, mapped and written at a time (default 5,000): Go's
	// memory stays bounded by one chunk's payloads and rows, whatever the size of the source.
	Chunk int
	// MemoryLimit, when positive, is DuckDB's memory_limit in bytes while the rebuild runs
	// (Store.LimitMemory; 0 = DuckDB's own default, 80% of the machine's memory): beyond it the
	// staged raw records and the cached blocks of the tables are evicted, spilling to temporary
	// files, instead of growing with the warehouse (see BENCHMARKS.md for what it saves). Too
	// small a limit fails the rebuild with DuckDB's out-of-memory error, that source's tables as
	// they were (128 MB did, in Jira's derive statements, on a 60-person organisation).
	MemoryLimit int64
}

// Rebuild re-derives the canonical tables of each configured source from raw_records, without
// the network: per source, in one transaction, it clears the source's rows from the tables its
// Mapper produces, maps every raw record again chunk by chunk (in entity, native id order, so a
// catalog a mapping learns from, like Jira's fields, comes before what uses it only if its entity
// name sorts first; see connectors.Mapper), and re-runs its derive statements. A source that
// fails leaves its tables as they were; the sources rebuilt before it stay rebuilt.
func Rebuild(ctx context.Context, st *store.Store, cfg *config.Config, opts RebuildOptions) (map[string]int, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Chunk <= 0 {
		opts.Chunk = 5000
	}
	return rebuildAll(ctx, st, cfg, opts, logger)
}

// rebuildLimited rebuilds one source (rebuildSource) under DuckDB's memory_limit
// opts.MemoryLimit, when set.
func rebuildLimited(ctx context.Context, st *store.Store, name string, c connectors.Connector, m connectors.Mapper, opts RebuildOptions) (int, error) {
	if opts.MemoryLimit > 0 {
		restore, err := st.LimitMemory(ctx, opts.MemoryLimit)
		if err != nil {
			return 0, err
		}
		defer restore()
	}
	d, _ := c.(connectors.Deriver)
	n, err := rebuildSource(ctx, st, name, m, d, opts.Chunk)
	if err != nil {
		return 0, fmt.Errorf("syncer: rebuild %s: %w", name, err)
	}
	return n, nil
}

// rebuildAll rebuilds every configured source that has raw records, one transaction each.
func rebuildAll(ctx context.Context, st *store.Store, cfg *config.Config, opts RebuildOptions, logger *slog.Logger) (map[string]int, error) {
	present, err := rawSources(ctx, st)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, name := range present {
		if _, ok := cfg.Sources[name]; !ok {
			logger.Warn("raw records of an unconfigured source left as they are", "source", name)
			continue
		}
		c, err := open(cfg, name, Options{}, logger)
		if err != nil {
			return counts, err
		}
		m, ok := c.(connectors.Mapper)
		if !ok {
			return counts, fmt.Errorf("syncer: source %s cannot rebuild (no Mapper)", name)
		}
		n, err := rebuildLimited(ctx, st, name, c, m, opts)
		if err != nil {
			return counts, err
		}
		counts[name] = n
		logger.Info("rebuilt", "source", name, "raw_records", n)
	}
	return counts, nil
}

// rebuildSource clears a source's canonical rows, maps its raw records again and runs its derive
// statements (d may be nil), all in one transaction: a failure anywhere leaves the tables as they
// were.
func rebuildSource(ctx context.Context, st *store.Store, source string, m connectors.Mapper, d connectors.Deriver, chunk int) (int, error) {
	// The raw records are staged, one entity at a time sorted once, on a connection of their own
	// (a temporary table is the connection's). Reading them in the writing transaction by keyset
	// pages cost a scan and sort of the whole source per chunk (quadratic: 12 of 44 CPU-s at 2,000
	// people); one ordered query read from an open result would hold the whole source's payloads
	// outside DuckDB's memory limit (the driver materialises a result). The rebuild never writes
	// raw_records, so the reading connection sees what the writing one would.
	rd, err := st.DB().Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// A failed rebuild may not have dropped its staged records (out of memory, say):
			// close the connection, and its temporary table with it, rather than pool it.
			rd.Raw(func(any) error { return driver.ErrBadConn })
		}
		rd.Close()
	}()
	entities, err := queryStrings(ctx, rd, query("raw_entities"), source)
	if err != nil {
		return 0, fmt.Errorf("list entities: %w", err)
	}
	defer rd.ExecContext(context.WithoutCancel(ctx), query("unstage_raw"))
	n := 0
	var prevEntity, prevID string
	err = st.Write(ctx, func(w *store.Writer) error {
		for _, table := range m.Products() {
			if err := clearSource(ctx, w, table, source); err != nil {
				return err
			}
		}
		for _, entity := range entities {
			if _, err := rd.ExecContext(ctx, query("unstage_raw")); err != nil {
				return fmt.Errorf("stage raw records: %w", err)
			}
			if _, err := rd.ExecContext(ctx, query("stage_raw"), source, entity); err != nil {
				return fmt.Errorf("stage raw records of %s: %w", entity, err)
			}
			for first := 0; ; first += chunk {
				rows, err := rd.QueryContext(ctx, query("read_staged"), first, first+chunk)
				if err != nil {
					return fmt.Errorf("read raw records: %w", err)
				}
				raws, err := sink.ScanRaw(rows)
				rows.Close()
				if err != nil {
					return fmt.Errorf("read raw records: %w", err)
				}
				if len(raws) == 0 {
					break
				}
				// The order is the staged table's storage order: checked, so that a DuckDB that
				// stored it otherwise fails the rebuild instead of mapping out of order.
				for _, r := range raws {
					if r.Entity < prevEntity || r.Entity == prevEntity && r.NativeID <= prevID {
						return fmt.Errorf("%w: %s/%s read after %s/%s", errRawOrder, r.Entity, r.NativeID, prevEntity, prevID)
					}
					prevEntity, prevID = r.Entity, r.NativeID
				}
				n += len(raws)
				var out []models.Row
				if err := m.Map(ctx, raws, func(r models.Row) error { out = append(out, r); return nil }); err != nil {
					return err
				}
				if err := w.Upsert(ctx, out); err != nil {
					return err
				}
			}
		}
		if d == nil {
			return nil
		}
		for i, q := range d.DeriveSQL() {
			if _, err := w.Exec(ctx, q); err != nil {
				return fmt.Errorf("derive statement %d: %w", i+1, err)
			}
		}
		return nil
	})
	done = err == nil
	return n, err
}

// queryStrings runs a query returning one string column and collects it.
func queryStrings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// errRawOrder reports staged raw records read out of key order (a bug, or a DuckDB that does not
// keep an ordered insert's order).
var errRawOrder = errors.New("syncer: raw records staged out of key order")

// clearSource deletes a source's rows from a canonical table: rows whose id starts with
// "<source>:" in the table's first key column (accounts: account_id; links: their first id).
func clearSource(ctx context.Context, w *store.Writer, table, source string) error {
	q := query("clear_source", "TABLE", ident(table), "COLUMN", ident(models.Columns(table)[0]))
	if _, err := w.Exec(ctx, q, source+":"); err != nil {
		return fmt.Errorf("clear %s: %w", table, err)
	}
	return nil
}

func rawSources(ctx context.Context, st *store.Store) ([]string, error) {
	out, err := queryStrings(ctx, st.DB(), query("raw_sources"))
	if err != nil {
		return nil, fmt.Errorf("syncer: list sources of raw records: %w", err)
	}
	return out, nil
}
