package status

import (
	"context"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

// The three sections come back in order: every table (schema_migrations excepted), the last runs
// newest first, and the cursors with the stale ones marked.
func TestReport(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Now().UTC()
	if err := st.Write(ctx, func(w *store.Writer) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO runs (run_id, command, started_at, finished_at, status, error) VALUES ('r1', 'sync', ?, ?, 'failed', 'boom')`, []any{now.Add(-2 * time.Hour), now.Add(-2*time.Hour + 90*time.Second)}},
			{`INSERT INTO runs (run_id, command, started_at, status) VALUES ('r2', 'analyze', ?, 'running')`, []any{now}},
			{`INSERT INTO sync_state (source, scope, entity, updated_at) VALUES ('jira', 'all', 'issues', ?)`, []any{now.Add(-72 * time.Hour)}},
			{`INSERT INTO sync_state (source, scope, entity, updated_at) VALUES ('github', 'acme', 'pulls', ?)`, []any{now}},
		} {
			if _, err := w.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	secs, err := Report(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 3 || secs[0].Title != "Tables" || secs[1].Title != "Last runs" || secs[2].Title != "Sync cursors" {
		t.Fatalf("sections %+v", secs)
	}
	tables := map[string]bool{}
	for _, r := range secs[0].Result.Rows {
		tables[r[0].(string)] = true
	}
	if !tables["incidents"] || !tables["runs"] || tables["schema_migrations"] {
		t.Errorf("tables section: %v", tables)
	}
	runs := secs[1].Result.Rows
	if len(runs) != 2 || runs[0][0] != "r2" || runs[1][0] != "r1" || runs[1][5] != "boom" {
		t.Errorf("runs section: %v", runs)
	}
	cur := secs[2].Result.Rows
	if len(cur) != 2 || cur[0][0] != "jira" || cur[0][5] != true || cur[1][5] != false {
		t.Errorf("cursor section (oldest first, stale after two days): %v", cur)
	}
}

func TestStatements(t *testing.T) {
	got := statements("-- a comment\nSELECT 1;\n\n-- only a comment;\nSELECT 2\n;  ")
	if len(got) != 2 || got[0] != "-- a comment\nSELECT 1" || got[1] != "SELECT 2" {
		t.Errorf("statements = %q", got)
	}
}
