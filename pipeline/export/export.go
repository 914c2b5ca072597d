package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// FormatName and FormatVersion identify the manifest's layout; the version grows when a field
// changes meaning or disappears (new fields do not change it).
const (
	FormatName    = "trainimpact-parquet-export"
	FormatVersion = 1
	// ManifestFile is the manifest's name inside the export folder.
	ManifestFile = "manifest.json"
	// MonthColumn is the derived partition column holding the UTC month (YYYY-MM) of a table's
	// event time.
	MonthColumn = "month"
	// NullPartition is the folder value Hive, Spark and DuckDB use for a NULL partition value.
	NullPartition = "__HIVE_DEFAULT_PARTITION__"
	// Compression is the Parquet compression codec of every file (read by Spark, Trino, BigQuery,
	// DuckDB and pandas without options).
	Compression = "snappy"
)

// MonthOf names, per table, the event time whose UTC month partitions it. Tables not listed are not
// partitioned by month; a listed table whose column is missing is not either.
var MonthOf = map[string]string{
	"metric_events":   "occurred_at",
	"incident_events": "created_at",
	"ticket_changes":  "changed_at",
	"pr_reviews":      "submitted_at",
	"pr_commits":      "authored_at",
	"incidents":       "created_at",
	"tickets":         "created_at",
	"pull_requests":   "created_at",
	"deployments":     "created_at",
}

// SourceColumn partitions every table that has it (the canonical tables of several sources).
const SourceColumn = "source"

// Excluded lists the warehouse tables an export leaves out, with the reason given in the manifest:
// the pipeline's own bookkeeping, not data for analysis.
var Excluded = map[string]string{
	"raw_records":       "the raw layer (API payloads as fetched, the input of rebuild); empty in a pseudonymised warehouse",
	"runs":              "the pipeline's ledger of runs",
	"sync_state":        "the pipeline's sync cursors",
	"imports":           "the pipeline's record of imported files (paths on the machine that ran it)",
	"schema_migrations": "bookkeeping of the schema; its version is the manifest's schema_version",
}

// Options say where and how to export.
type Options struct {
	// Dir is the target folder; it must not exist, or be empty, unless Force.
	Dir string
	// Force replaces a target folder that holds files.
	Force bool
	// Now is the clock for the manifest's export time (time.Now when nil).
	Now func() time.Time

	// afterTable, when set (tests), runs after each table is written; an error fails the export.
	afterTable func(table string) error
}

// Manifest describes an export; it is written as manifest.json at the top of the folder.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	// ExportedAt is when the export was taken (RFC 3339, UTC).
	ExportedAt time.Time `json:"exported_at"`
	// Warehouse is the base name of the exported file (not its path, which may name a person).
	Warehouse string `json:"warehouse"`
	// SchemaVersion is the warehouse's schema version (highest applied migration).
	SchemaVersion int `json:"schema_version"`
	// PeoplePseudonymized is true when every person in the warehouse carries keyed hashes instead
	// of their email and name (people.pseudonymize was on when it was published).
	PeoplePseudonymized bool   `json:"people_pseudonymized"`
	DuckDBVersion       string `json:"duckdb_version"`
	Compression         string `json:"compression"`
	// Tables are the exported tables by name.
	Tables []Table `json:"tables"`
	// Excluded are the warehouse tables left out, each with the reason.
	Excluded []ExcludedTable `json:"excluded"`
}

// Table is one exported table.
type Table struct {
	Name string `json:"name"`
	// Path is the table's folder, relative to the export folder; Glob matches its files.
	Path string `json:"path"`
	Glob string `json:"glob"`
	// Rows is the table's row count; Files the number of Parquet files written.
	Rows  int64 `json:"rows"`
	Files int   `json:"files"`
	// PartitionBy lists the Hive partition columns, outermost first; empty for a single file.
	PartitionBy []Partition `json:"partition_by"`
	// Columns are the table's own columns in the warehouse's order and types (a derived partition
	// column such as month is not one of them).
	Columns []Column `json:"columns"`
	// Fingerprint is DuckDB's sum(hash(every column, in order)) over the rows, as a decimal
	// string: order-independent, and equal for the warehouse and the files read back with
	// read_parquet(Glob, hive_partitioning = true, hive_types_autocast = false) by the same DuckDB
	// version.
	Fingerprint string `json:"fingerprint"`
}

// Partition is one Hive partition level.
type Partition struct {
	// Column is the folder key (column=value).
	Column string `json:"column"`
	// From is the table column it is computed from; Rule how ("value": the column itself, kept out
	// of the files; "utc_month": strftime(From in UTC, '%Y-%m'), a column not in the table).
	From string `json:"from"`
	Rule string `json:"rule"`
	// Null is the folder value of rows whose From is NULL.
	Null string `json:"null"`
}

// Column is one column of a table.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

// ExcludedTable is a warehouse table the export leaves out.
type ExcludedTable struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Parquet exports the database st (open it read-only: store.OpenReadOnly) into opts.Dir and
// returns the manifest it wrote there. The files go to a temporary folder beside opts.Dir, are
// read back and compared with the warehouse, and the folder is renamed into place; on any error
// opts.Dir is left as it was and the temporary folder is removed.
func Parquet(ctx context.Context, st *store.Store, opts Options) (_ *Manifest, err error) {
	if opts.Dir == "" {
		return nil, errors.New("export: no target folder")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", opts.Dir, err)
	}
	exists, err := checkTarget(dir, opts.Force)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("export: create parent of %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".export-*")
	if err != nil {
		return nil, fmt.Errorf("export: temporary folder beside %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	// MkdirTemp makes the folder private (0700); the export is for others to read, like the warehouse.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}

	// One connection, so that the time zone setting holds for every statement.
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, query("utc")); err != nil {
		return nil, fmt.Errorf("export: set time zone: %w", err)
	}

	m := &Manifest{Format: FormatName, FormatVersion: FormatVersion, ExportedAt: now().UTC().Truncate(time.Second),
		Warehouse: filepath.Base(st.Path()), Compression: Compression, Tables: []Table{}, Excluded: []ExcludedTable{}}
	if m.SchemaVersion, err = st.SchemaVersion(ctx); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT version()").Scan(&m.DuckDBVersion); err != nil {
		return nil, fmt.Errorf("export: duckdb version: %w", err)
	}
	names, err := tableNames(ctx, conn)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if reason, ok := Excluded[name]; ok {
			m.Excluded = append(m.Excluded, ExcludedTable{Name: name, Reason: reason})
			continue
		}
		t, err := exportTable(ctx, conn, tmp, name)
		if err != nil {
			return nil, err
		}
		if name == "people" && hasColumn(t.Columns, "pseudonymized") {
			if err := conn.QueryRowContext(ctx, query("pseudonymized")).Scan(&m.PeoplePseudonymized); err != nil {
				return nil, fmt.Errorf("export: people: %w", err)
			}
		}
		m.Tables = append(m.Tables, *t)
		if opts.afterTable != nil {
			if err := opts.afterTable(name); err != nil {
				return nil, err
			}
		}
	}
	if err := writeManifest(filepath.Join(tmp, ManifestFile), m); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := replace(tmp, dir, exists); err != nil {
		return nil, err
	}
	return m, nil
}

// checkTarget reports whether dir exists, failing when it is not a folder, or holds files and
// force is off.
func checkTarget(dir string, force bool) (bool, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("export: %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("%w: %s", ErrNotFolder, dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("export: %s: %w", dir, err)
	}
	if len(ents) > 0 && !force {
		return false, fmt.Errorf("%w: %s holds %d entries (use --force to replace it)", ErrNotEmpty, dir, len(ents))
	}
	return true, nil
}

// replace puts the finished folder tmp at dir: an existing dir is moved aside first and removed
// once tmp is in place (moved back if that fails).
func replace(tmp, dir string, exists bool) error {
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("export: move into place: %w", err)
		}
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("export: move the previous %s aside: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if back := os.Rename(old, dir); back != nil {
			return fmt.Errorf("export: move into place: %w (and the previous folder stays at %s: %v)", err, old, back)
		}
		return fmt.Errorf("export: move into place: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("export: remove the previous export at %s: %w", old, err)
	}
	return nil
}

func tableNames(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query("tables"))
	if err != nil {
		return nil, fmt.Errorf("export: list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("export: list tables: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: list tables: %w", err)
	}
	return names, nil
}

func columns(ctx context.Context, conn *sql.Conn, table string) ([]Column, error) {
	rows, err := conn.QueryContext(ctx, query("columns"), table)
	if err != nil {
		return nil, fmt.Errorf("export: %s: columns: %w", table, err)
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type, &c.Nullable); err != nil {
			return nil, fmt.Errorf("export: %s: columns: %w", table, err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: %s: columns: %w", table, err)
	}
	return cols, nil
}

func hasColumn(cols []Column, name string) bool {
	return slices.ContainsFunc(cols, func(c Column) bool { return c.Name == name })
}

// partitions returns the Hive partition levels of a table with these columns.
func partitions(table string, cols []Column) ([]Partition, error) {
	var parts []Partition
	if hasColumn(cols, SourceColumn) {
		parts = append(parts, Partition{Column: SourceColumn, From: SourceColumn, Rule: "value", Null: NullPartition})
	}
	if from, ok := MonthOf[table]; ok && hasColumn(cols, from) {
		if hasColumn(cols, MonthColumn) {
			return nil, fmt.Errorf("%w: %s.%s", ErrPartitionColumn, table, MonthColumn)
		}
		parts = append(parts, Partition{Column: MonthColumn, From: from, Rule: "utc_month", Null: NullPartition})
	}
	return parts, nil
}

// exportTable writes one table under root/<name>, reads it back and compares.
func exportTable(ctx context.Context, conn *sql.Conn, root, name string) (*Table, error) {
	cols, err := columns(ctx, conn, name)
	if err != nil {
		return nil, err
	}
	colNames := make([]string, len(cols))
	for i, c := range cols {
		colNames[i] = c.Name
	}
	t := &Table{Name: name, Path: name, Glob: name + "/**/*.parquet", Columns: cols, PartitionBy: []Partition{}}
	if err := conn.QueryRowContext(ctx, query("fingerprint", "COLUMNS", identList(colNames), "FROM", ident(name))).
		Scan(&t.Rows, &t.Fingerprint); err != nil {
		return nil, fmt.Errorf("export: %s: fingerprint: %w", name, err)
	}
	parts, err := partitions(name, cols)
	if err != nil {
		return nil, err
	}
	target := filepath.Join(root, name)
	var stmt string
	if len(parts) == 0 || t.Rows == 0 {
		// A partitioned copy of no rows writes no file, and a reader would find no schema.
		if err := os.Mkdir(target, 0o755); err != nil {
			return nil, fmt.Errorf("export: %s: %w", name, err)
		}
		stmt = query("copy_single", "COLUMNS", identList(colNames), "TABLE", ident(name),
			"TARGET", literal(filepath.Join(target, "data_0.parquet")), "COMPRESSION", Compression)
	} else {
		t.PartitionBy = parts
		var derived strings.Builder
		by := make([]string, len(parts))
		for i, p := range parts {
			by[i] = p.Column
			if p.Rule == "utc_month" {
				fmt.Fprintf(&derived, ", %s AS %s", query("month", "COLUMN", ident(p.From)), ident(p.Column))
			}
		}
		stmt = query("copy_partitioned", "COLUMNS", identList(colNames), "DERIVED", derived.String(), "TABLE", ident(name),
			"TARGET", literal(target), "COMPRESSION", Compression, "PARTITION_BY", identList(by))
	}
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		return nil, fmt.Errorf("export: %s: write parquet: %w", name, err)
	}
	files, err := globDeep(target)
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", name, err)
	}
	t.Files = len(files)

	// Read back what was written, as a reader of the export would, and compare.
	from := query("read_parquet", "GLOB", literal(filepath.Join(target, "**", "*.parquet")))
	var rows int64
	var fp string
	if err := conn.QueryRowContext(ctx, query("fingerprint", "COLUMNS", identList(colNames), "FROM", from)).Scan(&rows, &fp); err != nil {
		return nil, fmt.Errorf("export: %s: read back: %w", name, err)
	}
	if rows != t.Rows || fp != t.Fingerprint {
		return nil, &MismatchError{Table: name, WantRows: t.Rows, GotRows: rows, WantFingerprint: t.Fingerprint, GotHash: fp}
	}
	return t, nil
}

// globDeep lists the Parquet files under dir at any depth.
func globDeep(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

func writeManifest(path string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	return nil
}
