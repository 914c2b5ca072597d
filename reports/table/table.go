// Package table writes query results as an aligned text table (for terminals), CSV or JSON — the
// output formats of `trainimpact sql`, `query` and `status`.
package table

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats lists the accepted format names.
var Formats = []string{"table", "csv", "json"}

// Result is a materialised query result.
type Result struct {
	Columns []string
	Rows    [][]any
}

// Read drains rows into a Result.
func Read(rows *sql.Rows) (*Result, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	r := &Result{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r.Rows = append(r.Rows, vals)
	}
	return r, rows.Err()
}

// Write renders r in format (table, csv or json).
func Write(w io.Writer, format string, r *Result) error {
	switch format {
	case "table", "":
		return writeTable(w, r)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(r.Columns)
		for _, row := range r.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = Text(v)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, len(r.Rows))
		for i, row := range r.Rows {
			m := make(map[string]any, len(row))
			for j, v := range row {
				m[r.Columns[j]] = jsonValue(v)
			}
			out[i] = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return fmt.Errorf("table: unknown format %q (table, csv, json)", format)
}

func writeTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(r.Columns, "\t"))
	seps := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		seps[i] = strings.Repeat("-", max(len(c), 3))
	}
	fmt.Fprintln(tw, strings.Join(seps, "\t"))
	for _, row := range r.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = Text(v)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "(%d row%s)\n", len(r.Rows), plural(len(r.Rows)))
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Text renders one value for text output: NULL as empty, times in RFC 3339, floats compactly.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		if a := math.Abs(x); a >= 1e6 && a < 1e15 {
			return fmt.Sprintf("%.0f", x) // money and counts in whole units, not 1.09752e+06
		}
		return fmt.Sprintf("%.6g", x)
	case float32:
		return fmt.Sprintf("%.6g", x)
	case []byte:
		return string(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Text(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	if _, err := json.Marshal(v); err != nil {
		return fmt.Sprint(v)
	}
	return v
}
