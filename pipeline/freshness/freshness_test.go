package freshness

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestCheckNamesEachStaleSource(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	// pagerduty is current; jira ended at New Year (one stale scope drags nothing: the latest
	// cursor counts); github covers Q3 up to the grace; identities was never synced.
	for _, r := range []struct {
		src, scope, entity string
		at                 time.Time
	}{
		{"pagerduty", "", "incidents", day("2026-10-03")},
		{"jira", "OPS", "issues", day("2026-01-01")},
		{"jira", "PLAT", "issues", day("2025-12-01")},
		{"github", "acme/api", "pulls", day("2026-09-26")},
		{"github", "acme/old", "deployments", day("2024-01-01")},
	} {
		exec(t, st, `INSERT INTO sync_state (source, scope, entity, cursor, updated_at) VALUES (?, ?, ?, ?, now())`, r.src, r.scope, r.entity, r.at)
	}
	now := day("2026-11-15")
	rep, err := Check(ctx, st, []string{"pagerduty", "jira", "github", "never"}, "2026-Q3", now, 0)
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, c := range rep.Stale {
		stale = append(stale, c.Source)
	}
	if !slices.Equal(stale, []string{"jira", "never"}) {
		t.Fatalf("stale sources %v, want [jira never]", stale)
	}
	if !rep.Cutoff.Equal(day("2026-10-01")) {
		t.Errorf("cutoff %v, want the end of Q3", rep.Cutoff)
	}
	err = rep.Err()
	var se *StaleError
	if !errors.Is(err, ErrStale) || !errors.As(err, &se) {
		t.Fatalf("Err() = %v, want a *StaleError", err)
	}
	for _, want := range []string{"2026-Q3", "jira's data ends 2026-01-01", "never was never synced", "--allow-stale"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %s", want, err)
		}
	}
	// Github's 5 days before the cut-off are inside the grace; with no grace at all it is stale too.
	rep, _ = Check(ctx, st, []string{"github"}, "2026-Q3", now, time.Nanosecond)
	if len(rep.Stale) != 1 {
		t.Errorf("github with a 1 ns grace: %d stale, want 1", len(rep.Stale))
	}
	// The default period is the last full quarter before now; a period still running is cut at now.
	rep, _ = Check(ctx, st, []string{"pagerduty"}, "", day("2026-10-05"), 0)
	if rep.Period != "2026-Q3" || rep.Err() != nil {
		t.Errorf("default period: %s, err %v", rep.Period, rep.Err())
	}
	rep, _ = Check(ctx, st, []string{"pagerduty"}, "2026-Q4", day("2026-10-05"), 0)
	if !rep.Cutoff.Equal(day("2026-10-05")) || rep.Err() != nil {
		t.Errorf("running quarter: cutoff %v err %v", rep.Cutoff, rep.Err())
	}
	if _, err := Check(ctx, st, nil, "2026-3", now, 0); err == nil {
		t.Error("a malformed period passed")
	}
}

func TestRecordFlagsEstimatesAndReplaces(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	for _, p := range []string{"2026-Q3", "2026-Q3", "2026-Q2"} {
		exec(t, st, `INSERT INTO estimates (analysis_id, period, metric, method, aggregation, scale, flags, computed_at)
			VALUES ('a', ?, 'm', 'did', 'simple', 'log', ['small_sample'], now())`, p)
	}
	last := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stale := Report{Period: "2026-Q3", Cutoff: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Stale: []Coverage{{Source: "jira", LastData: last}}}.Caveats()
	cs := append(stale, Missing("2026-Q3", "github", time.Time{}))
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for range 2 { // recording twice changes nothing (the flag is not doubled)
		if err := Record(ctx, st, "2026-Q3", "run-1", now, cs); err != nil {
			t.Fatal(err)
		}
	}
	var q3, q2 string
	st.DB().QueryRow(`SELECT string_agg(array_to_string(flags, '+'), ',') FROM estimates WHERE period = '2026-Q3'`).Scan(&q3)
	st.DB().QueryRow(`SELECT string_agg(array_to_string(flags, '+'), ',') FROM estimates WHERE period = '2026-Q2'`).Scan(&q2)
	if q3 != "small_sample+stale_source,small_sample+stale_source" || q2 != "small_sample" {
		t.Errorf("flags Q3 %q, Q2 %q", q3, q2)
	}
	got, err := Read(ctx, st.DB(), "2026-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != KindMissing || got[0].Source != "github" || !got[0].LastData.IsZero() ||
		got[1].Kind != KindStale || got[1].Source != "jira" || !got[1].LastData.Equal(last) || got[1].RunID != "run-1" {
		t.Fatalf("caveats read back: %+v", got)
	}
	if got[1].Detail != "jira: data ends 2026-01-01 00:00 UTC, before the end of 2026-Q3 (2026-10-01); the estimates of 2026-Q3 lack its later data." {
		t.Errorf("stale detail: %q", got[1].Detail)
	}
	if got[0].Detail != "github: failed to sync in the run that produced these estimates; the estimates contain none of its data." {
		t.Errorf("missing detail: %q", got[0].Detail)
	}
	// A later analysis of the period with current data replaces the caveats.
	if err := Record(ctx, st, "2026-Q3", "run-2", now, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := Read(ctx, st.DB(), "2026-Q3"); len(got) != 0 {
		t.Errorf("caveats left after a clean analysis: %+v", got)
	}
}
