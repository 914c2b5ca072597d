package syncer_test

import (
	"context"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

// Rebuilding all three sources chunk by chunk (700 raw records at a time, so every source spans
// many chunks and Jira's field catalog is learnt in an earlier chunk than most issues) gives back
// the canonical tables the syncs wrote, row for row.
func TestRebuildInChunksEqualsSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res, err := demo.Run(ctx, demo.Options{Out: dir, Size: org.Small, Seed: 4, Effect: -0.2})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(res.ConfigPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.WorkPath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// accounts: only what the connectors write (identity resolution fills the rest afterwards).
	tables := map[string]string{
		"incidents": "*", "incident_events": "*", "tickets": "*", "ticket_changes": "*", "pull_requests": "*",
		"pr_commits": "*", "pr_reviews": "*", "deployments": "*", "deployment_prs": "*",
		"accounts": "account_id, source, native_id, login, email, name, is_bot",
	}
	fingerprint := func() map[string]string {
		out := map[string]string{}
		for tb, cols := range tables {
			var n int64
			var h string
			q := `SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '') FROM (SELECT CAST((` + cols + `) AS VARCHAR) AS r FROM ` + tb + `)`
			if cols == "*" {
				q = `SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '') FROM (SELECT CAST(t AS VARCHAR) AS r FROM ` + tb + ` t)`
			}
			if err := st.DB().QueryRow(q).Scan(&n, &h); err != nil {
				t.Fatalf("%s: %v", tb, err)
			}
			if n == 0 {
				t.Fatalf("%s is empty: nothing to compare", tb)
			}
			out[tb] = h
		}
		return out
	}
	var raw int
	st.DB().QueryRow(`SELECT count(*) FROM raw_records`).Scan(&raw)
	want := fingerprint()
	counts, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{Chunk: 700})
	if err != nil {
		t.Fatal(err)
	}
	if total := counts["pagerduty"] + counts["jira"] + counts["github"]; total != raw || counts["jira"] <= 700 {
		t.Fatalf("rebuilt %v raw records, want all %d in several chunks each", counts, raw)
	}
	got := fingerprint()
	for tb := range tables {
		if got[tb] != want[tb] {
			t.Errorf("%s differs after a chunked rebuild", tb)
		}
	}
}
