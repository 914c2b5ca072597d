package demo

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// longTests reports whether the long tests run (TRAINIMPACT_LONG=1; .ci/run sets it in its own step).
func longTests() bool { return os.Getenv("TRAINIMPACT_LONG") != "" && !testing.Short() }

// TestDemoSmallEndToEnd runs the whole demo on the small organisation with faults on: synced
// counts equal the simulator's truth, the folder holds what the README says, and a demo folder
// may be overwritten while any other folder is refused.
func TestDemoSmallEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	res, err := Run(context.Background(), Options{Out: out, Size: org.Small, Seed: 1, Effect: -0.2, Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, res)
	checkROIByHand(t, res)        // roi_study_test.go
	checkNewMetrics(t, res, -0.2) // dora_test.go
	checkDORALinkage(t, res)      // dora_test.go
	checkFolder(t, res)           // last: it clears the folder
	if len(res.Findings) < 10 {
		t.Errorf("only %d findings", len(res.Findings))
	}
	if res.RequestsByAPI["github"] == 0 || res.RequestsByAPI["jira"] == 0 || res.RequestsByAPI["pagerduty"] == 0 {
		t.Errorf("requests by API: %v", res.RequestsByAPI)
	}
}

// checkFolder checks the files the demo leaves and the folder guard.
func checkFolder(t *testing.T, res *Result) {
	t.Helper()
	out := res.Out
	for _, f := range []string{"trainimpact.yaml", "teams.csv", "cohorts.csv", "identities.csv", "assessments.csv", "surveys.csv",
		"truth.json", "impact.duckdb", Marker} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("demo folder lacks %s", f)
		}
	}
	// Re-running into the same folder is allowed (it is a demo folder); another folder is refused.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "precious.txt"), []byte("keep"), 0o644)
	if err := PrepareFolder(other); err == nil {
		t.Error("PrepareFolder accepted a folder that is not a demo folder")
	}
	if _, err := os.Stat(filepath.Join(other, "precious.txt")); err != nil {
		t.Error("PrepareFolder removed a file of a folder that is not a demo folder")
	}
	if err := PrepareFolder(out); err != nil {
		t.Errorf("PrepareFolder refused an earlier demo folder: %v", err)
	}
}

// TestDemoEndToEnd runs the demo on the medium organisation (35 teams) with faults on and checks
// what issue 9 promises: synced counts equal the simulator's truth, the headline DiD interval for
// incident resolution time contains the planted effect, and the naive before/after carries the
// organisation-wide trend on top of it. Long (a minute or more of CPU): TRAINIMPACT_LONG=1.
func TestDemoEndToEnd(t *testing.T) {
	if !longTests() {
		t.Skip("long test: the medium demo takes a minute or more; run with TRAINIMPACT_LONG=1")
	}
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "demo")
	res, err := Run(ctx, Options{Out: out, Size: org.Medium, Seed: 1, Effect: -0.2, Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, res)
	checkROIByHand(t, res) // roi_study_test.go
	for _, f := range []string{"trainimpact.yaml", "teams.csv", "cohorts.csv", "truth.json", Marker} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("demo folder lacks %s", f)
		}
	}

	var find *Finding
	for i := range res.Findings {
		if res.Findings[i].Metric == org.MetricIncidentResolve {
			find = &res.Findings[i]
		}
	}
	if find == nil {
		t.Fatal("no finding for incident_resolve_hours")
	}
	planted := math.Log1p(-0.2)
	did := find.DiD
	if did.Scale != "log" || !(did.CILow <= planted && planted <= did.CIHigh) {
		t.Errorf("DiD interval [%.3f, %.3f] (log) does not contain the planted %.3f", did.CILow, did.CIHigh, planted)
	}
	// The naive comparison's windows are about seven months apart (pre: 180 days before completion;
	// post: 180 days after a 30-day washout), so it also holds about seven months of the trend.
	naive := find.Naive
	if naive.Method != analyze.MethodBeforeAfter {
		t.Fatalf("no before/after estimate: %+v", naive)
	}
	trendGap := res.Truth.Trend.LogPerMonth * 210 / 30.44
	expected := planted + trendGap
	if !(naive.CILow <= expected && expected <= naive.CIHigh) {
		t.Errorf("naive interval [%.3f, %.3f] does not contain planted + trend %.3f", naive.CILow, naive.CIHigh, expected)
	}
	if naive.CILow <= planted && planted <= naive.CIHigh && math.Abs(trendGap) > 0.05 {
		t.Logf("note: the naive interval also contains the planted effect alone (it is wide)")
	}
	t.Logf("DiD %.3f [%.3f, %.3f]; naive %.3f [%.3f, %.3f]; planted %.3f, planted+trend %.3f",
		did.Estimate, did.CILow, did.CIHigh, naive.Estimate, naive.CILow, naive.CIHigh, planted, expected)

	// Re-running into the same folder is allowed (it is a demo folder); another folder is refused.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "precious.txt"), []byte("keep"), 0o644)
	if err := PrepareFolder(other); err == nil {
		t.Error("PrepareFolder accepted a folder that is not a demo folder")
	}
	if err := PrepareFolder(out); err != nil {
		t.Errorf("PrepareFolder refused an earlier demo folder: %v", err)
	}
}

// TestDemoPlacebo: with no planted effect, no metric's headline estimate is significant after the
// Benjamini–Hochberg correction (issue 9: `--effect 0` yields no q < 0.05 for the default seed).
func TestDemoPlacebo(t *testing.T) {
	if !longTests() {
		t.Skip("long test: the medium demo takes a minute or more; run with TRAINIMPACT_LONG=1")
	}
	res, err := Run(context.Background(), Options{Out: filepath.Join(t.TempDir(), "demo"), Size: org.Medium, Seed: 1, Effect: 0})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, res) // with faults off, as TestDemoEndToEnd checks them with faults on
	if len(res.Findings) < 10 {
		t.Fatalf("only %d findings", len(res.Findings))
	}
	for _, f := range res.Findings {
		if f.DiD.QValue < 0.05 {
			t.Errorf("%s: q = %.3f with no planted effect", f.Metric, f.DiD.QValue)
		}
		if !math.IsNaN(f.Planted) && f.Planted != 0 {
			t.Errorf("%s: planted %v, want 0", f.Metric, f.Planted)
		}
	}
}

// checkCounts compares the published warehouse with the simulator's truth.
func checkCounts(t *testing.T, res *Result) {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tc := res.Truth.Counts
	// Archived repositories are skipped by default (github.include_archived), so their pull
	// requests are not expected.
	var archivedPRs, archivedMerged int
	for _, rp := range res.Org.Repos {
		if !rp.Archived {
			continue
		}
		for _, pr := range rp.PullRequestsUpTo(res.Now) {
			archivedPRs++
			if pr.MergedAtNow(res.Now) {
				archivedMerged++
			}
		}
	}
	if archivedPRs == 0 {
		t.Log("note: the organisation has no archived repository with pull requests")
	}
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"incidents", `SELECT count(*) FROM incidents WHERE deleted_at IS NULL`, tc.Incidents},
		{"escalated incidents", `SELECT count(*) FROM incidents WHERE escalation_count > 0`, tc.IncidentsEscalated},
		{"log entries", `SELECT count(*) FROM incident_events`, tc.LogEntries},
		{"tickets", `SELECT count(*) FROM tickets WHERE deleted_at IS NULL`, tc.Tickets},
		{"reopened tickets", `SELECT count(*) FROM tickets WHERE deleted_at IS NULL AND reopen_count > 0`, tc.TicketsReopened},
		{"pull requests", `SELECT count(*) FROM pull_requests`, tc.PullRequests - archivedPRs},
		{"merged pull requests", `SELECT count(*) FROM pull_requests WHERE merged_at IS NOT NULL`, tc.PullRequestsMerged - archivedMerged},
		{"production deployments", `SELECT count(*) FROM deployments`, tc.DeploymentsByEnv["production"]},
		{"teams", `SELECT count(*) FROM teams`, tc.Teams},
	} {
		var got int
		if err := st.DB().QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if got != c.want {
			t.Errorf("%s: %d in the warehouse, %d in the simulator's truth", c.what, got, c.want)
		}
	}
}
