package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// SourceAlias is the catalog name under which BuildFresh attaches the source database: fill reads
// `src.<table>` and writes the fresh file's tables unqualified.
const SourceAlias = "src"

// ErrSchemaMismatch reports a source database whose schema version differs from the fresh file's
// (run a writing command first, which migrates the working database).
var ErrSchemaMismatch = errors.New("store: source and fresh database have different schema versions")

// Filler is the connection BuildFresh hands to its fill function: the fresh database, migrated and
// empty, with the source attached read-only as SourceAlias. Everything runs in one transaction.
type Filler struct {
	conn   *sql.Conn
	tables []string
}

// Exec runs a statement on the fresh database.
func (f *Filler) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return f.conn.ExecContext(ctx, query, args...)
}

// Query runs a query on the fresh database (the source is readable as src.<table>).
func (f *Filler) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return f.conn.QueryContext(ctx, query, args...)
}

// Tables returns the tables of the fresh file (from the migrations), in catalog order, without
// schema_migrations (which the migrations filled).
func (f *Filler) Tables() []string { return f.tables }

// RegisterText registers fn as a scalar SQL function name(VARCHAR) → VARCHAR on the connection, for
// the statements that fill the fresh file (NULL in, NULL out). It lives only as long as the
// connection.
func (f *Filler) RegisterText(name string, fn func(string) string) error {
	if err := duckdb.RegisterScalarUDF(f.conn, name, &textUDF{fn: fn}); err != nil {
		return fmt.Errorf("store: register %s: %w", name, err)
	}
	return nil
}

type textUDF struct{ fn func(string) string }

func (u *textUDF) Config() duckdb.ScalarFuncConfig {
	v, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{v}, ResultTypeInfo: v}
}

func (u *textUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		s, ok := values[0].(string)
		if !ok {
			return nil, fmt.Errorf("store: text function got %T", values[0])
		}
		return u.fn(s), nil
	}}
}

// FreshOptions tune BuildFresh.
type FreshOptions struct {
	// Step, when set, is told the name of each step as it completes ("created", "filled",
	// "checkpointed"); tests use it to interrupt a build at a known point.
	Step func(name string)
}

// BuildFresh creates a new, empty database at path (removing whatever was there, and its .wal),
// migrates it, attaches the closed database src read-only as SourceAlias and calls fill inside one
// transaction to fill it; then it detaches src, checkpoints and closes the file. Nothing is copied
// that fill does not write, so the new file holds no block of src: a value fill transforms on the
// way in never reaches the new file's bytes. DuckDB spills (temp_directory) go to path + ".tmp",
// beside path. On failure the file is removed.
func BuildFresh(ctx context.Context, path, src string, opts FreshOptions, fill func(ctx context.Context, f *Filler) error) (err error) {
	step := opts.Step
	if step == nil {
		step = func(string) {}
	}
	RemoveDatabase(path)
	defer func() {
		if err != nil {
			RemoveDatabase(path)
		}
	}()
	st, err := Open(ctx, path)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	conn, err := st.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: fresh %s: %w", path, err)
	}
	defer conn.Close()
	var tables []string
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name <> 'schema_migrations'
		ORDER BY table_oid`)
	if err != nil {
		return fmt.Errorf("store: fresh %s: list tables: %w", path, err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("store: fresh %s: list tables: %w", path, err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if _, err := conn.ExecContext(ctx, "SET temp_directory = "+quoteString(path+".tmp")); err != nil {
		return fmt.Errorf("store: fresh %s: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, "ATTACH "+quoteString(src)+" AS "+SourceAlias+" (READ_ONLY)"); err != nil {
		return classifyOpen(src, true, err)
	}
	var srcVersion, version sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT max(version) FROM `+SourceAlias+`.schema_migrations`).Scan(&srcVersion); err != nil {
		return fmt.Errorf("store: fresh %s: read schema version of %s: %w", path, src, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT max(version) FROM main.schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("store: fresh %s: read schema version: %w", path, err)
	}
	if srcVersion != version {
		return fmt.Errorf("%w: %s is at %d, %s at %d", ErrSchemaMismatch, src, srcVersion.Int64, path, version.Int64)
	}
	step("created")
	bg := context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(bg, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("store: fresh %s: begin: %w", path, err)
	}
	if err := fill(ctx, &Filler{conn: conn, tables: tables}); err != nil {
		conn.ExecContext(bg, "ROLLBACK")
		return err
	}
	if err := ctx.Err(); err != nil {
		conn.ExecContext(bg, "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(bg, "COMMIT"); err != nil {
		return fmt.Errorf("store: fresh %s: commit: %w", path, err)
	}
	step("filled")
	if _, err := conn.ExecContext(ctx, "DETACH "+SourceAlias); err != nil {
		return fmt.Errorf("store: fresh %s: detach: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("store: fresh %s: checkpoint: %w", path, err)
	}
	conn.Close()
	closed = true
	if err := st.Close(); err != nil {
		return fmt.Errorf("store: fresh %s: close: %w", path, err)
	}
	os.RemoveAll(path + ".tmp")
	step("checkpointed")
	return nil
}

// RemoveDatabase removes a database file with its write-ahead log and spill folder; missing files
// are not an error.
func RemoveDatabase(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
	os.RemoveAll(path + ".tmp")
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
