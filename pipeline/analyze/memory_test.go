package analyze

import (
	"context"
	"math"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// LimitMemory gives DuckDB 40% and Go's heap 45% of the limit, and restores both.
func TestLimitMemory(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	setting := func() string {
		var v string
		if err := st.DB().QueryRow("SELECT current_setting('memory_limit')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before, goBefore := setting(), debug.SetMemoryLimit(-1)
	restore, err := LimitMemory(ctx, st, 1_000_000_000)
	if err != nil {
		t.Fatal(err)
	}
	var limit float64
	// DuckDB reports the setting in its own units; compare through its byte value.
	if err := st.DB().QueryRow("SELECT CAST(regexp_extract(current_setting('memory_limit'), '^[0-9.]+') AS DOUBLE) * " +
		"CASE WHEN current_setting('memory_limit') LIKE '%GiB' THEN 1073741824 WHEN current_setting('memory_limit') LIKE '%MiB' THEN 1048576 ELSE 1 END").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit < 380e6 || limit > 400e6 {
		t.Errorf("DuckDB memory_limit %q = %.0f bytes, want 40%% of 1 GB", setting(), limit)
	}
	if got := debug.SetMemoryLimit(-1); got != 450_000_000 {
		t.Errorf("Go memory limit %d, want 450,000,000", got)
	}
	restore()
	// Restored as DuckDB showed it before (store.LimitMemory): the same up to its third digit.
	var after, was float64
	for _, c := range []struct {
		shown string
		v     *float64
	}{{setting(), &after}, {before, &was}} {
		if err := st.DB().QueryRow("SELECT CAST(regexp_extract(?, '^[0-9.]+') AS DOUBLE) * "+
			"CASE WHEN ? LIKE '%GiB' THEN 1073741824 WHEN ? LIKE '%MiB' THEN 1048576 ELSE 1 END", c.shown, c.shown, c.shown).Scan(c.v); err != nil {
			t.Fatal(err)
		}
	}
	if math.Abs(after-was) > 0.006*was {
		t.Errorf("DuckDB memory_limit %q after restore, want %q", setting(), before)
	}
	if got := debug.SetMemoryLimit(-1); got != goBefore {
		t.Errorf("Go memory limit %d after restore, want %d", got, goBefore)
	}
}
