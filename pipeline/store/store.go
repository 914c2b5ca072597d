package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/trainimpact/trainimpact/models"
)

// Store is an open DuckDB database. A read-write Store is migrated to the current schema.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	keys     map[string][]string // primary-key columns per table, read from the catalog
	cols     map[string][]column // columns per table in schema order, read from the catalog
	bulkMin  int                 // batches from this size go through a staged file (bulkThreshold)
	bulkSeg  int                 // rows per staged file (bulkSegment)
}

// Open opens (creating if needed) the database at path read-write and applies pending migrations.
// It fails with ErrLocked when another process holds the file and with ErrNewerSchema when the file
// was written by a newer trainimpact.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: create folder for %s: %w", path, err)
		}
	}
	s, err := open(ctx, path, false, false)
	if err != nil {
		return nil, err
	}
	// DuckDB checkpoints automatically whenever the write-ahead log passes checkpoint_threshold
	// (16 MB by default), and each checkpoint rewrites the primary-key indexes: with raw payloads
	// of a few KB that happened every few commits and made a sync's commits slower as the tables
	// grew (BenchmarkCommitGrowing: 14k records/s and rising cost; 20k and flat at 256 MB). Publish
	// checkpoints explicitly, so a larger threshold loses nothing.
	if _, err := s.db.ExecContext(ctx, "SET checkpoint_threshold = '256MB'"); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: configure %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.loadKeys(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Every connection the tool opens fetches no code: DuckDB neither installs an extension it knows
// of on first use (autoinstall_known_extensions=false) nor loads a community one
// (allow_community_extensions=false). Extensions built into the binary (json, parquet) still work.
const baseSettings = "autoinstall_known_extensions=false&allow_community_extensions=false"

// lockedSettings are added by NoExternalAccess.
const lockedSettings = "enable_external_access=false&lock_configuration=true"

// Option adjusts how OpenReadOnly opens a database.
type Option func(*openOptions)

type openOptions struct{ locked bool }

// NoExternalAccess makes a read-only connection read its database file and nothing else: no
// other file or URL (read_csv, COPY ... TO, ATTACH), no extension installed or loaded, and no
// setting changed afterwards (enable_external_access=false, lock_configuration=true). A statement
// that tries fails with an error IsRestricted recognises. It is meant for SQL that runs unattended
// or on someone else's behalf: named queries (`trainimpact query`) and the report. DuckDB shares
// one instance per file within a process, so while another handle on the same file is open
// without this option the open fails (DuckDB: "different configuration"): close the other first.
func NoExternalAccess() Option { return func(o *openOptions) { o.locked = true } }

// OpenReadOnlyLocked is OpenReadOnly(ctx, path, NoExternalAccess()): the warehouse as named
// queries and the report read it.
func OpenReadOnlyLocked(ctx context.Context, path string) (*Store, error) {
	return OpenReadOnly(ctx, path, NoExternalAccess())
}

// ErrSettings reports a database opened without the settings above (DuckDB reads them from the
// connection string, which a path holding '?' or '#' cuts short).
var ErrSettings = errors.New("store: the connection settings could not be applied")

// IsRestricted reports whether err is DuckDB refusing a statement on a NoExternalAccess
// connection: a permission error (a file, URL or extension it may not reach) or invalid input
// (a locked setting, such as SET enable_external_access=true).
func IsRestricted(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && (de.Type == duckdb.ErrorTypePermission || de.Type == duckdb.ErrorTypeInvalidInput)
}

// OpenReadOnly opens an existing database for reading. Several readers may share a file; a file
// held by a writer fails with ErrLocked and a missing file with ErrNotFound. With NoExternalAccess
// the connection reaches nothing beyond the file.
func OpenReadOnly(ctx context.Context, path string, opts ...Option) (*Store, error) {
	var o openOptions
	for _, f := range opts {
		f(&o)
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &OpenError{Path: path, Err: ErrNotFound,
				Hint: "run `trainimpact init` (or `trainimpact demo`) to create it, or set `warehouse:` in the config to the right file"}
		}
		return nil, &OpenError{Path: path, Err: err}
	}
	s, err := open(ctx, path, true, o.locked)
	if err != nil {
		return nil, err
	}
	if err := s.checkVersion(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func open(ctx context.Context, path string, readOnly, locked bool) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, &OpenError{Path: path, Err: ErrSettings, Hint: "rename the file or folder without '?' or '#'"}
	}
	dsn := path + "?" + baseSettings
	if readOnly {
		dsn += "&access_mode=read_only"
	}
	if locked {
		dsn += "&" + lockedSettings
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, classifyOpen(path, readOnly, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, classifyOpen(path, readOnly, err)
	}
	// The settings ride on the DSN, which a path holding '#' or '?' would cut short: check that
	// they hold rather than run without them.
	var autoinstall, community, external, lock bool
	if err := db.QueryRowContext(ctx, `SELECT current_setting('autoinstall_known_extensions'),
		current_setting('allow_community_extensions'), current_setting('enable_external_access'),
		current_setting('lock_configuration')`).Scan(&autoinstall, &community, &external, &lock); err != nil {
		db.Close()
		return nil, &OpenError{Path: path, Err: fmt.Errorf("store: read settings: %w", err)}
	}
	if autoinstall || community || locked && (external || !lock) {
		db.Close()
		return nil, &OpenError{Path: path, Err: ErrSettings, Hint: "rename the file or folder without '?' or '#'"}
	}
	return &Store{db: db, path: path, readOnly: readOnly, bulkMin: bulkThreshold, bulkSeg: bulkSegment}, nil
}

// DB returns the database handle for queries. Writes go through Write.
func (s *Store) DB() *sql.DB { return s.db }

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Checkpoint writes the write-ahead log into the database file.
func (s *Store) Checkpoint(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("store: checkpoint %s: %w", s.path, err)
	}
	return nil
}

// ShareCores limits DuckDB to one thread fewer than the process may use (at least one) until the
// returned function restores the previous setting. A sync calls it: DuckDB's writes then leave a
// core to the collection running beside them, instead of both contending for every core (on two
// cores a 100k-incident PagerDuty sync used about an eighth less CPU this way). Analyses keep
// every core.
func (s *Store) ShareCores(ctx context.Context) (restore func(), err error) {
	var prev int64
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&prev); err != nil {
		return nil, fmt.Errorf("store: read threads: %w", err)
	}
	n := max(1, runtime.GOMAXPROCS(0)-1)
	if int64(n) >= prev {
		return func() {}, nil
	}
	if _, err := s.db.ExecContext(ctx, "SET threads = "+strconv.Itoa(n)); err != nil {
		return nil, fmt.Errorf("store: set threads: %w", err)
	}
	return func() { s.db.ExecContext(context.WithoutCancel(ctx), "SET threads = "+strconv.FormatInt(prev, 10)) }, nil
}

// LimitMemory sets DuckDB's memory_limit (its buffer manager's ceiling: beyond it DuckDB evicts
// cached blocks and spills to temporary files) to bytes until the returned function sets it back
// to the value DuckDB showed before, as shown (rounded to three digits, e.g. "18.8 GiB": within
// 0.3% of the exact value). It sets the value again rather than RESET memory_limit: in DuckDB
// 1.5.5 RESET makes current_setting show the default while the buffer manager keeps the limit
// (pragma_database_size's memory_limit; TestLimitMemoryRestores).
func (s *Store) LimitMemory(ctx context.Context, bytes int64) (restore func(), err error) {
	var prev string
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&prev); err != nil {
		return nil, fmt.Errorf("store: read memory_limit: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("SET memory_limit = '%dB'", bytes)); err != nil {
		return nil, fmt.Errorf("store: set memory_limit: %w", err)
	}
	return func() {
		s.db.ExecContext(context.WithoutCancel(ctx), "SET memory_limit = '"+strings.ReplaceAll(prev, "'", "")+"'")
	}, nil
}

// SchemaVersion returns the highest applied migration version (0 for an empty file).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var exists bool
	if err := s.db.QueryRowContext(ctx,
		`SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'schema_migrations'`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

func (s *Store) checkVersion(ctx context.Context) error {
	migs, err := models.Migrations()
	if err != nil {
		return err
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if latest := migs[len(migs)-1].Version; v > latest {
		return &OpenError{Path: s.path, Err: ErrNewerSchema,
			Hint: fmt.Sprintf("its schema is version %d, this build knows up to %d; upgrade trainimpact", v, latest)}
	}
	return nil
}

// migrate applies every migration newer than the file's version, each in its own transaction.
// Applying twice is a no-op.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	for _, c := range []string{
		`COMMENT ON TABLE schema_migrations IS 'Schema migrations applied to this file (models/migrations).'`,
		`COMMENT ON COLUMN schema_migrations.version IS 'Migration number (NNN of NNN_name.sql).'`,
		`COMMENT ON COLUMN schema_migrations.name IS 'Migration name.'`,
		`COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.'`,
	} {
		if _, err := s.db.ExecContext(ctx, c); err != nil {
			return fmt.Errorf("store: comment schema_migrations: %w", err)
		}
	}
	if err := s.checkVersion(ctx); err != nil {
		return err
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	migs, err := models.Migrations()
	if err != nil {
		return err
	}
	for _, m := range migs {
		if m.Version <= current {
			continue
		}
		err := s.Write(ctx, func(w *Writer) error {
			if _, err := w.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.File, err)
			}
			_, err := w.Exec(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UTC())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadKeys reads the primary-key columns of every table from the catalog.
func (s *Store) loadKeys(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, constraint_column_names
		FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND schema_name = 'main'`)
	if err != nil {
		return fmt.Errorf("store: read primary keys: %w", err)
	}
	defer rows.Close()
	s.keys = map[string][]string{}
	for rows.Next() {
		var table string
		var cols duckdb.Composite[[]string]
		if err := rows.Scan(&table, &cols); err != nil {
			return fmt.Errorf("store: read primary keys: %w", err)
		}
		s.keys[table] = cols.Get()
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read primary keys: %w", err)
	}
	return s.loadColumns(ctx)
}

// loadColumns reads every table's columns and types from the catalog, for the bulk path.
func (s *Store) loadColumns(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, column_name, data_type
		FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY table_name, column_index`)
	if err != nil {
		return fmt.Errorf("store: read columns: %w", err)
	}
	defer rows.Close()
	s.cols = map[string][]column{}
	for rows.Next() {
		var table string
		var c column
		if err := rows.Scan(&table, &c.name, &c.typ); err != nil {
			return fmt.Errorf("store: read columns: %w", err)
		}
		c.kind, c.ok = kindOf(c.typ)
		s.cols[table] = append(s.cols[table], c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read columns: %w", err)
	}
	return nil
}

// Key returns the primary-key columns of a table, or nil when it has none.
func (s *Store) Key(table string) []string { return s.keys[table] }

// Write runs fn in one transaction on one connection: everything fn writes commits together or not
// at all. A panic or error in fn rolls back.
func (s *Store) Write(ctx context.Context, fn func(w *Writer) error) (err error) {
	if s.readOnly {
		return fmt.Errorf("store: %s is open read-only", s.path)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: connect: %w", err)
	}
	defer conn.Close()
	// BEGIN, ROLLBACK and COMMIT run on a context that cannot be cancelled: an interrupted BEGIN or
	// COMMIT would leave it unknown whether a transaction is open on this pooled connection.
	// Cancellation is honoured before BEGIN, inside fn, and before COMMIT.
	bg := context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(bg, "BEGIN TRANSACTION"); err != nil {
		discard(conn)
		return fmt.Errorf("store: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			if _, rerr := conn.ExecContext(bg, "ROLLBACK"); rerr != nil {
				// The connection's state is unknown: never hand it out again.
				discard(conn)
			}
		}
	}()
	w := &Writer{s: s, conn: conn}
	if err := fn(w); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(bg, "COMMIT"); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	done = true
	return nil
}

// discard closes a pooled connection instead of returning it to the pool (database/sql closes a
// connection whose Raw callback reports driver.ErrBadConn).
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
}

// Writer writes inside the transaction of one Write call.
type Writer struct {
	s    *Store
	conn *sql.Conn
}

// Exec runs a statement in the transaction.
func (w *Writer) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return w.conn.ExecContext(ctx, query, args...)
}

// Query runs a query in the transaction.
func (w *Writer) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.conn.QueryContext(ctx, query, args...)
}

// QueryRow runs a query returning one row in the transaction.
func (w *Writer) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return w.conn.QueryRowContext(ctx, query, args...)
}

// Upsert writes rows, grouped by table, so that each key holds the last row given for it: rows whose
// primary key exists are updated in place, the rest inserted. Within one call a repeated key keeps the
// last row. Batches of 5,000 rows or more of one table are staged in a temporary CSV file beside the
// database (removed afterwards) that one INSERT … SELECT FROM read_csv … ON CONFLICT DO UPDATE
// statement merges into the table; smaller batches, and batches holding a string DuckDB's CSV reader
// cannot carry (a NUL byte, invalid UTF-8), stream through DuckDB's appender instead. Both paths
// store the same values. Tables without a primary key get plain inserts (use Exec to delete first
// when replacing).
func (w *Writer) Upsert(ctx context.Context, rows []models.Row) error {
	if len(rows) == 0 {
		return nil
	}
	// Group by table, keeping first-seen table order.
	var order []string
	groups := map[string][]models.Row{}
	for _, r := range rows {
		t := r.Table()
		if _, ok := groups[t]; !ok {
			order = append(order, t)
		}
		groups[t] = append(groups[t], r)
	}
	for _, t := range order {
		if err := w.upsertTable(ctx, t, groups[t]); err != nil {
			return err
		}
	}
	return nil
}

// Insert appends rows with no conflict handling: use it for tables without a key, or when the
// caller has deleted the rows' scope first in the same transaction.
func (w *Writer) Insert(ctx context.Context, rows []models.Row) error {
	for len(rows) > 0 {
		t := rows[0].Table()
		n := 1
		for n < len(rows) && rows[n].Table() == t {
			n++
		}
		if err := w.write(ctx, t, rows[:n], nil); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (w *Writer) upsertTable(ctx context.Context, table string, rows []models.Row) error {
	key := w.s.keys[table]
	if len(key) > 0 && len(rows) < w.s.bulkMin {
		rows = dedupeLast(rows, keyPositions(models.Columns(table), key))
	}
	return w.write(ctx, table, rows, key)
}

// write inserts rows of one table, merging on key when it is set: large batches through a staged
// CSV file (which de-duplicates keys itself), small ones (or any batch holding a value the file
// cannot carry exactly) through the appender; rows given to the appender with a key must not
// repeat it.
func (w *Writer) write(ctx context.Context, table string, rows []models.Row, key []string) error {
	if len(rows) >= w.s.bulkMin {
		n, err := w.bulkLoad(ctx, table, rows, key)
		if !errors.Is(err, errNotEncodable) {
			return err
		}
		// The rows before n are written; later rows override them, so the rest can follow.
		rows = rows[n:]
		if len(key) > 0 {
			rows = dedupeLast(rows, keyPositions(models.Columns(table), key))
		}
	}
	return w.appendRows(ctx, table, rows, key)
}

// appendRows feeds rows to an appender. Without a key, and without JSON columns, they go straight
// into the table. Otherwise they go into the temporary chunk `appended_data` on which an INSERT
// (… ON CONFLICT (key) DO UPDATE when key is set) runs at each flush; JSON columns travel in it as
// text (see jsonText) and are cast back, so that both write paths store the same JSON text.
func (w *Writer) appendRows(ctx context.Context, table string, rows []models.Row, key []string) error {
	cols := w.s.cols[table]
	var jsonPos []int
	for i, c := range cols {
		if c.kind == kindJSON {
			jsonPos = append(jsonPos, i)
		}
	}
	return w.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		a, err := newAppender(conn, table, cols, key, len(jsonPos) > 0)
		if err != nil {
			return fmt.Errorf("store: appender for %s: %w", table, err)
		}
		for i, r := range rows {
			if i&4095 == 0 {
				if err := ctx.Err(); err != nil {
					a.Close()
					return err
				}
			}
			vals := r.Values()
			for _, p := range jsonPos {
				if p >= len(vals) || vals[p] == nil {
					continue
				}
				text, err := jsonText(vals[p])
				if err != nil {
					a.Close()
					return fmt.Errorf("store: write %s row %d, column %s: %w", table, i, cols[p].name, err)
				}
				vals[p] = text
			}
			if err := a.AppendRow(vals...); err != nil {
				a.Close()
				return fmt.Errorf("store: write %s row %d: %w", table, i, err)
			}
		}
		if err := a.CloseWithCancel(ctx); err != nil {
			return fmt.Errorf("store: write %s: %w", table, err)
		}
		return nil
	})
}

// newAppender opens the appender appendRows uses for table: a plain table appender when there is
// neither key nor JSON column, otherwise a query appender whose chunk has the table's column types
// with JSON columns as VARCHAR.
func newAppender(conn driver.Conn, table string, cols []column, key []string, hasJSON bool) (*duckdb.Appender, error) {
	if len(key) == 0 && !hasJSON {
		return duckdb.NewAppender(conn, "", "", table)
	}
	if !hasJSON {
		return duckdb.NewTableAppender(conn, appendSQL(table, cols, key), "", "", table, nil)
	}
	types := make([]duckdb.TypeInfo, len(cols))
	for i, c := range cols {
		t, err := chunkType(c)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		types[i] = t
	}
	return duckdb.NewQueryAppender(conn, appendSQL(table, cols, key), "", types, nil)
}

// chunkType is the appender chunk's type for a column: its own type, VARCHAR for JSON.
func chunkType(c column) (duckdb.TypeInfo, error) {
	t, ok := columnTypes[c.typ]
	if !ok {
		return nil, fmt.Errorf("type %s not supported by the appender path", c.typ)
	}
	if t.kind == kindList {
		v, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
		if err != nil {
			return nil, err
		}
		return duckdb.NewListInfo(v)
	}
	return duckdb.NewTypeInfo(t.chunk)
}

func keyPositions(cols, key []string) []int {
	pos := make([]int, len(key))
	for i, k := range key {
		pos[i] = -1
		for j, c := range cols {
			if c == k {
				pos[i] = j
			}
		}
		if pos[i] < 0 {
			panic(fmt.Sprintf("store: key column %q not among the record's columns", k))
		}
	}
	return pos
}

// dedupeLast keeps, for each key, only the last row given (DuckDB refuses to update one row twice
// in one statement).
func dedupeLast(rows []models.Row, pos []int) []models.Row {
	seen := make(map[string]int, len(rows))
	dups := false
	keys := make([]string, len(rows))
	for i, r := range rows {
		k := keyOf(r.Values(), pos)
		keys[i] = k
		if _, ok := seen[k]; ok {
			dups = true
		}
		seen[k] = i
	}
	if !dups {
		return rows
	}
	out := rows[:0:0]
	for i, r := range rows {
		if seen[keys[i]] == i {
			out = append(out, r)
		}
	}
	return out
}

// keyOf renders the key values at pos as one string, distinct for distinct keys: a lone string
// key is itself; otherwise each value is written with its type and length.
func keyOf(v []driver.Value, pos []int) string {
	if len(pos) == 1 {
		if s, ok := v[pos[0]].(string); ok {
			return s
		}
	}
	var b []byte
	for _, p := range pos {
		s, ok := v[p].(string)
		if !ok {
			s = fmt.Sprintf("%T:%v", v[p], v[p])
		}
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	return string(b)
}

// appendSQL builds the statement that moves the appender's chunk (columns col1..colN, JSON columns
// as text) into the table: a plain INSERT without key, else an upsert.
func appendSQL(table string, cols []column, key []string) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		if c.kind == kindJSON {
			sel[i] = fmt.Sprintf("CAST(col%d AS JSON) AS %s", i+1, quoteIdent(c.name))
		} else {
			sel[i] = fmt.Sprintf("col%d AS %s", i+1, quoteIdent(c.name))
		}
	}
	return insertSQL(table, cols, key, sel, "appended_data")
}

// insertSQL builds INSERT INTO table (cols) SELECT sel FROM from, with ON CONFLICT (key) DO UPDATE
// of every other column when key is set (DO NOTHING when every column is in the key). Identifiers
// come from the catalog, never user input.
func insertSQL(table string, cols []column, key []string, sel []string, from string) string {
	isKey := map[string]bool{}
	for _, k := range key {
		isKey[k] = true
	}
	var names, set []string
	for _, c := range cols {
		q := quoteIdent(c.name)
		names = append(names, q)
		if !isKey[c.name] {
			set = append(set, q+" = EXCLUDED."+q)
		}
	}
	stmt := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", quoteIdent(table), strings.Join(names, ", "),
		strings.Join(sel, ", "), from)
	if len(key) == 0 {
		return stmt
	}
	stmt += " ON CONFLICT (" + joinIdents(key) + ") DO "
	if len(set) == 0 {
		return stmt + "NOTHING"
	}
	return stmt + "UPDATE SET " + strings.Join(set, ", ")
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func joinIdents(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quoteIdent(s)
	}
	return strings.Join(q, ", ")
}
