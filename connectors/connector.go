// Package connectors defines how trainimpact collects data from a source: the Connector interface,
// the Driver that opens one from configuration, the Sink it writes batches to, and a static
// registry of drivers — the shape of database/sql and its driver package.
//
// A connector:
//  1. reads its decoded Config (secrets arrive resolved in Env.Secrets; never os.Getenv),
//  2. for each (scope, entity) it collects, asks the Sink for the saved Cursor and computes where to
//     start with Since,
//  3. fetches pages through an *http.Client built on httpx (retries, rate limits, concurrency),
//  4. commits each page or group of pages as one Batch: the raw payloads (RawRecord), the canonical
//     rows mapped from them by its Map function, and the cursor advance — all in one transaction,
//  5. returns ctx.Err() promptly when cancelled; committed batches stay, nothing half-written does.
//
// Re-running a Sync with unchanged data must change nothing; a Full sync refetches everything and
// marks what no longer exists at the source as deleted (see Sink.LiveIDs), never dropping it silently.
package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// Connector collects one configured source.
type Connector interface {
	// Name returns the source name, as registered ("pagerduty").
	Name() string
	// Sync collects what changed since the saved cursors (everything when opts.Full) into sink.
	Sync(ctx context.Context, sink Sink, opts SyncOptions) error
}

// Mapper maps raw payloads to canonical rows without the network. Every connector implements it;
// `trainimpact rebuild` uses it to re-derive the canonical tables from raw_records.
type Mapper interface {
	// Products lists the canonical tables the mapping writes; rebuild clears this source's rows in
	// them before re-deriving.
	Products() []string
	// Map converts raw payloads (of any of the source's entities, in any order) into canonical rows,
	// calling emit for each. A raw record with DeletedAt set yields rows with DeletedAt set. It is
	// called many times on parts of the source's records (a sync's batches; rebuild's chunks, in
	// entity then native id order): what a mapping learns from one entity to map another (Jira's
	// field catalog) it keeps across calls, and that entity's name must sort before the others'.
	Map(ctx context.Context, raw []models.RawRecord, emit func(models.Row) error) error
}

// Pinger is implemented by connectors that can check credentials with one cheap call (doctor).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Driver opens connectors for one source from configuration. Drivers are registered once, in init.
type Driver interface {
	// NewConfig returns a pointer to a config holding the defaults; the config loader decodes the
	// source's YAML block into it (unknown keys are errors) and then calls its Validate.
	NewConfig() Config
	// Open returns a connector for a decoded, validated config.
	Open(cfg Config, env Env) (Connector, error)
}

// Config is a source's configuration block (`sources.<name>` in trainimpact.yaml).
type Config interface {
	// Validate reports every problem with the decoded values; Key names the YAML key below the
	// source's block ("since", "repos[2]").
	Validate() []FieldError
	// SecretEnvs maps each *_env key of the block to the environment variable it names
	// ({"token_env": "PAGERDUTY_TOKEN"}); the loader checks each is set and passes the values in
	// Env.Secrets.
	SecretEnvs() map[string]string
}

// FieldError is one problem with one configuration key.
type FieldError struct {
	Key     string
	Message string
}

func (e FieldError) Error() string { return e.Key + ": " + e.Message }

// Env carries what a connector needs besides its config.
type Env struct {
	// Secrets maps environment variable names (from Config.SecretEnvs) to their values.
	Secrets map[string]string
	// Transport is the base round tripper under httpx (tests may inject one); nil means httpx's
	// default (http.DefaultTransport's settings, keeping as many idle connections as requests in flight).
	Transport http.RoundTripper
	// Logger receives progress and retry lines; never log a secret. Nil means discard.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MinRetryWait is httpx.Options.MinRetryWait for the connector's transport: the shortest wait
	// before retrying a response that asked for none (0 means httpx's default, 1 s). Only a
	// simulated API on this machine (the demo) should lower it.
	MinRetryWait time.Duration
}

// SyncOptions controls one Sync call.
type SyncOptions struct {
	// Full refetches everything from the configured since date and marks missing records deleted.
	Full bool
	// Overlap is subtracted from a saved cursor before fetching, so that records updated while the
	// previous sync ran are not missed (default 1 h).
	Overlap time.Duration
	// ConfigHash identifies the source configuration; a cursor saved under another hash is ignored
	// (the sync is full for that entity).
	ConfigHash string
	// Progress, when set, is called after each committed batch with the entity and the number of
	// records the batch held (not a running total).
	Progress func(entity string, fetched int)
}

// CursorKey identifies one incremental cursor.
type CursorKey struct {
	Source, Scope, Entity string
}

// Cursor is the saved incremental state of one (source, scope, entity).
type Cursor struct {
	CursorKey
	// Since is the largest updated time committed.
	Since time.Time
	// ConfigHash is the SyncOptions.ConfigHash the cursor was committed under.
	ConfigHash string
	// Extra holds connector-specific state (e.g. ETags), JSON.
	Extra json.RawMessage
}

// Batch is what a connector commits at once: one transaction, all or nothing.
type Batch struct {
	// Entity names what the batch holds, for counts and progress ("incident").
	Entity string
	// Raw holds payloads as fetched.
	Raw []models.RawRecord
	// Rows holds the canonical rows mapped from Raw (and accounts seen).
	Rows []models.Row
	// Cursors are saved in the same transaction.
	Cursors []Cursor
}

// Counts reports what a committed batch changed in raw_records.
type Counts struct {
	Fetched, New, Updated, Unchanged, Deleted int
}

// Sink receives a connector's batches. The pipeline implements it on the working database.
type Sink interface {
	// Commit writes the batch in one transaction: raw payloads (an unchanged payload is not
	// rewritten), canonical rows (upserted by key) and cursors. Nothing is written when it fails.
	Commit(ctx context.Context, b Batch) (Counts, error)
	// Cursor returns the saved cursor for key; ok is false when none was saved.
	Cursor(ctx context.Context, key CursorKey) (c Cursor, ok bool, err error)
	// LiveIDs returns the native ids of raw records of (source, entity) — within scope unless
	// scope is "*" — that are not marked deleted, for a full sync to find what disappeared.
	LiveIDs(ctx context.Context, source, entity, scope string) ([]string, error)
	// Raw returns the stored raw records of (source, entity) with the given native ids.
	Raw(ctx context.Context, source, entity string, ids []string) ([]models.RawRecord, error)
}

// Since returns where an incremental fetch of key should start: the configured start when the sync
// is full, when no cursor is saved or when the cursor was saved under another configuration;
// otherwise the cursor minus the overlap (never before the configured start).
func Since(ctx context.Context, sink Sink, key CursorKey, opts SyncOptions, configured time.Time) (since time.Time, incremental bool, err error) {
	if opts.Full {
		return configured, false, nil
	}
	c, ok, err := sink.Cursor(ctx, key)
	if err != nil {
		return time.Time{}, false, err
	}
	if !ok || c.ConfigHash != opts.ConfigHash || c.Since.IsZero() {
		return configured, false, nil
	}
	overlap := opts.Overlap
	if overlap == 0 {
		overlap = time.Hour
	}
	s := c.Since.Add(-overlap)
	if s.Before(configured) {
		s = configured
	}
	return s, true, nil
}

// ErrMalformed reports a raw record a Mapper cannot turn into rows: a missing id, key or creation
// time, or a field of the wrong type. Map returns it wrapped with the entity and native id; the
// caller writes none of that batch's rows.
var ErrMalformed = errors.New("connectors: malformed record")

// ErrAuth reports rejected credentials. Connectors wrap it in an AuthError naming the variable.
var ErrAuth = errors.New("connectors: credentials rejected")

// AuthError reports that a source rejected the credentials, naming the environment variable(s)
// that hold them so the user knows what to fix. It never contains the secret.
type AuthError struct {
	Source string
	Env    []string
	Status int
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s: credentials rejected (HTTP %d); check the token in environment variable %v", e.Source, e.Status, e.Env)
}

// Unwrap returns ErrAuth.
func (e *AuthError) Unwrap() error { return ErrAuth }

// Deriver is implemented by connectors whose canonical rows have columns computed across records
// (an incident's first acknowledgement from its log entries, a ticket's reopen count from its
// changelog). The pipeline runs the statements after every sync and rebuild of the source, in one
// transaction; they must be idempotent (recompute from the tables, never increment). The SQL lives
// in an embedded .sql file of the connector package.
type Deriver interface {
	DeriveSQL() []string
}

// Date is a calendar date in configuration ("2025-01-01"); RFC 3339 timestamps are accepted too.
type Date struct{ time.Time }

// UnmarshalText parses YYYY-MM-DD or RFC 3339.
func (d *Date) UnmarshalText(b []byte) error {
	s := string(b)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		d.Time = t
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("connectors: %q is not a date (want YYYY-MM-DD)", s)
	}
	d.Time = t.UTC()
	return nil
}

// MarshalText formats the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.Format(time.DateOnly)), nil }
