package main

import (
	"context"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// With teams as units, a metric whose treated teams' events come from fewer than analysis.min_cell
// people is published without numbers: analyze run with min_cell above the demo's headcount
// leaves no estimable row holding an estimate, and at the default (5) none is suppressed.
func TestTeamEstimatesOnFewPeopleAreSuppressed(t *testing.T) {
	dir, res := smallDemo(t)
	count := func(q string) int {
		t.Helper()
		st, err := store.OpenReadOnly(context.Background(), res.Warehouse)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const (
		suppressed = `SELECT count(*) FROM estimates WHERE list_contains(flags, 'suppressed')`
		numbered   = `SELECT count(*) FROM estimates WHERE estimate IS NOT NULL AND NOT isnan(estimate)`
	)
	if n := count(suppressed); n != 0 {
		t.Errorf("default min_cell: %d suppressed rows, want 0", n)
	}
	if n := count(numbered); n == 0 {
		t.Fatal("the demo published no estimate")
	}
	editConfig(t, dir, "analysis:\n", "analysis:\n  min_cell: 100000\n")
	if code, out := runWithEnv(t, dir, nil, "analyze", "--period", "2025-Q4"); code != ExitOK {
		t.Fatalf("analyze: exit %d\n%s", code, out)
	}
	if n := count(numbered); n != 0 {
		t.Errorf("min_cell 100000: %d rows still hold an estimate", n)
	}
	if n := count(suppressed); n == 0 {
		t.Error("min_cell 100000: no row flagged suppressed")
	}
}
