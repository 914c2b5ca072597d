package main

import (
	"context"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// With teams as units, a metric whose treated teams' events come from fewer than analysis.min_cell
// people is published without numbers: analyze run with min_cell above the demo's headcount
// leaves no estimable row holding an estimate, and at the default (5) a row is suppressed only
// where it must be (the small organisation has four trained teams: deployment_frequency's events
// are their leads', and the leads' paired assessments are four pairs).
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
	const wronglySuppressed = `SELECT count(*) FROM estimates AS r WHERE list_contains(r.flags, 'suppressed') AND (
		(r.method = 'paired_signed_rank' AND r.n_treated_units >= 5) OR
		(r.method <> 'paired_signed_rank' AND (SELECT count(DISTINCT e.person_id) FROM metric_events AS e
			JOIN exposure AS x ON x.unit_id = e.team_id
			WHERE e.metric = r.metric AND x.treated_at IS NOT NULL AND e.occurred_at < TIMESTAMPTZ '2026-01-01') >= 5))`
	if n := count(wronglySuppressed); n != 0 {
		t.Errorf("default min_cell: %d rows suppressed that rest on at least 5 people or pairs", n)
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
