// Package storetest holds the helpers tests across the project share to work with a real working
// database: a fresh store in a temporary folder, a count query, and a fingerprint of table
// contents for "nothing changed" and "same result as a clean run" assertions.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Open returns a migrated working database in t's temporary folder, closed when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "work.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Count runs a query returning one integer.
func Count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Fingerprint hashes every row of each query (in the order the query returns them) and the row
// counts. Queries should order their rows (ORDER BY ALL) so equal contents give equal prints.
func Fingerprint(t testing.TB, st *store.Store, queries ...string) string {
	t.Helper()
	h := sha256.New()
	for _, q := range queries {
		rows, err := st.DB().Query(q)
		if err != nil {
			t.Fatalf("fingerprint: %s: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				t.Fatalf("fingerprint: %s: %v", q, err)
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("fingerprint: %s: %v", q, err)
		}
		rows.Close()
		fmt.Fprintf(h, "%s: %d rows\n", q, n)
	}
	return hex.EncodeToString(h.Sum(nil))
}
