// Package schemadoc renders the warehouse schema as Markdown from the database itself: table and
// column comments written by the migrations (COMMENT ON), column types and primary keys. It is
// how docs/schema.md is made (`trainimpact schema --markdown`), so the docs cannot drift from the
// schema without a test noticing.
package schemadoc

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
)

// Markdown writes the documentation of every table of the main schema of db.
func Markdown(ctx context.Context, db *sql.DB, w io.Writer) error {
	tables, err := db.QueryContext(ctx, `SELECT table_name, coalesce(comment, '') FROM duckdb_tables()
		WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("schemadoc: list tables: %w", err)
	}
	type table struct{ name, comment string }
	var ts []table
	for tables.Next() {
		var t table
		if err := tables.Scan(&t.name, &t.comment); err != nil {
			tables.Close()
			return err
		}
		ts = append(ts, t)
	}
	tables.Close()
	fmt.Fprintln(w, "# Warehouse schema")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Generated from the database by `trainimpact schema --markdown`; do not edit by hand.")
	fmt.Fprintln(w, "Canonical ids are deterministic: `<source>:<entity>:<native id>`. Times are UTC.")
	fmt.Fprintln(w)
	for _, t := range ts {
		fmt.Fprintf(w, "- [%s](#%s)\n", t.name, t.name)
	}
	for _, t := range ts {
		key, err := primaryKey(ctx, db, t.name)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n## %s\n\n%s\n\n", t.name, t.comment)
		if len(key) > 0 {
			fmt.Fprintf(w, "Primary key: `%s`.\n\n", strings.Join(key, ", "))
		}
		fmt.Fprintln(w, "| column | type | null | description |")
		fmt.Fprintln(w, "|---|---|---|---|")
		cols, err := db.QueryContext(ctx, `SELECT column_name, data_type, is_nullable, coalesce(comment, '')
			FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index`, t.name)
		if err != nil {
			return err
		}
		for cols.Next() {
			var name, typ, comment string
			var nullable bool
			if err := cols.Scan(&name, &typ, &nullable, &comment); err != nil {
				cols.Close()
				return err
			}
			null := ""
			if nullable {
				null = "yes"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, typ, null, strings.ReplaceAll(comment, "|", `\|`))
		}
		cols.Close()
	}
	return nil
}

func primaryKey(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	var cols []string
	rows, err := db.QueryContext(ctx, `SELECT unnest(constraint_column_names) FROM duckdb_constraints()
		WHERE schema_name = 'main' AND table_name = ? AND constraint_type = 'PRIMARY KEY'`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// Undocumented lists "table" or "table.column" names without a comment.
func Undocumented(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND coalesce(comment, '') = ''
		  AND table_name <> 'schema_migrations'
		UNION ALL
		SELECT table_name || '.' || column_name FROM duckdb_columns()
		WHERE schema_name = 'main' AND coalesce(comment, '') = '' AND table_name <> 'schema_migrations'
		  AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main')
		ORDER BY 1`)
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
