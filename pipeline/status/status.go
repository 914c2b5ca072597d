// Package status reports the state of a warehouse: row counts, the last runs and the sync cursors
// (with the stale ones marked), for `trainimpact status`.
package status

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/table"
)

//go:embed status.sql
var statusSQL string

// Section is one titled result.
type Section struct {
	Title  string
	Result *table.Result
}

var titles = []string{"Tables", "Last runs", "Sync cursors"}

// Report runs the status queries on st.
func Report(ctx context.Context, st *store.Store) ([]Section, error) {
	var out []Section
	for i, q := range statements(statusSQL) {
		rows, err := st.DB().QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("status: %s: %w", titles[i], err)
		}
		res, err := table.Read(rows)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("status: %s: %w", titles[i], err)
		}
		out = append(out, Section{Title: titles[i], Result: res})
	}
	return out, nil
}

// statements splits a file of ;-terminated statements (no semicolons inside strings).
func statements(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if q := strings.TrimSpace(part); q != "" && !onlyComments(q) {
			out = append(out, q)
		}
	}
	return out
}

func onlyComments(q string) bool {
	for _, l := range strings.Split(q, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}
