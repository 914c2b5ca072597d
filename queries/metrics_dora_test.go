package queries

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// The DORA metrics on one hand-made delivery history of repositories acme/api (service "API",
// linked by name) and acme/web (service "billing", linked by the configured service map).
func doraRows() []models.Row {
	merged := func(id, author, title string, at time.Time, mod func(*models.PullRequest)) models.PullRequest {
		p := models.PullRequest{PRID: id, Source: "github", NativeID: id, Repo: "acme/api", Number: 1, Title: title,
			State: "merged", AuthorAccountID: author, CreatedAt: at.Add(-time.Hour), MergedAt: at, ClosedAt: at}
		if mod != nil {
			mod(&p)
		}
		return p
	}
	dep := func(id, repo string, created time.Time, finished time.Duration, creator string) models.Deployment {
		d := models.Deployment{DeploymentID: id, Source: "github", NativeID: id, Repo: repo, Environment: "production",
			CreatedAt: created, Status: "success", FinishedAt: created.Add(finished), CreatorAccountID: creator}
		if finished < 0 {
			d.Status, d.FinishedAt = "failure", time.Time{}
		}
		return d
	}
	incident := func(id, service, name string, at, resolved time.Time) models.Incident {
		return models.Incident{IncidentID: id, Source: "pagerduty", NativeID: id, Status: "resolved", CreatedAt: at,
			ResolvedAt: resolved, ServiceID: service, ServiceName: name, Title: id}
	}
	return []models.Row{
		models.Account{AccountID: "gh:u1", Source: "github", NativeID: "u1", PersonID: "p1"},
		models.Account{AccountID: "gh:u2", Source: "github", NativeID: "u2", PersonID: "p2"},
		models.Account{AccountID: "gh:ci", Source: "github", NativeID: "ci", IsBot: true, PersonID: "p2"},
		models.ServiceRepo{Service: "Billing", Repo: "acme/web"},
		// d1 ships pr1; incident i1 on API 4 h after it finished: a failure, recovered by d2 (2 h).
		merged("pr1", "gh:u1", "feature one", day(3, 1, 20), nil),
		dep("d1", "acme/api", day(3, 2, 0), time.Hour, "gh:ci"),
		incident("i1", "S1", "API", day(3, 2, 5), day(3, 2, 9)),
		// d2 ships nothing (owner: its creator), made while i1 was open: unplanned.
		dep("d2", "acme/api", day(3, 2, 6).Add(30*time.Minute), 30*time.Minute, "gh:u1"),
		// d3 ships pr2 (p2, team B in March), reverted by pr3 opened on March 11: a failure,
		// recovered by d4 on March 12 (24 h); d4 ships the revert: unplanned.
		merged("pr2", "gh:u2", "feature two", day(3, 9, 0), nil),
		dep("d3", "acme/api", day(3, 10, 0), time.Hour, "gh:ci"),
		merged("pr3", "gh:u1", `Revert "feature two"`, day(3, 11, 12), func(p *models.PullRequest) {
			p.IsRevert, p.CreatedAt = true, day(3, 11, 0)
		}),
		dep("d4", "acme/api", day(3, 12, 0), 0, "gh:ci"),
		// d7 on acme/web (creator p1); incident i3 of "billing" 2 h later, never resolved: a failure
		// censored at the cut-off.
		dep("d7", "acme/web", day(4, 1, 0), time.Hour, "gh:u1"),
		incident("i3", "S3", "billing", day(4, 1, 3), time.Time{}),
		// d8 ships pr4 naming Jira bug OPS-7: unplanned. Incident i4 20 days later: outside the window.
		models.Ticket{TicketID: "t7", Source: "jira", NativeID: "t7", Key: "OPS-7", ProjectKey: "OPS", IssueType: "Bug", CreatedAt: day(4, 1, 0)},
		models.Ticket{TicketID: "t8", Source: "jira", NativeID: "t8", Key: "OPS-8", ProjectKey: "OPS", IssueType: "Story", CreatedAt: day(4, 1, 0)},
		merged("pr4", "gh:u1", "OPS-7 fix rounding", day(4, 30, 0), nil),
		merged("pr5", "gh:u1", "OPS-8 new report", day(5, 20, 0), nil),
		dep("d8", "acme/api", day(5, 1, 0), time.Hour, "gh:ci"),
		dep("d9", "acme/api", day(6, 1, 0), time.Hour, "gh:ci"), // ships pr5: a story, planned
		incident("i4", "S1", "API", day(5, 21, 0), day(5, 21, 1)),
		incident("i5", "S9", "Orphan", day(5, 21, 0), day(5, 21, 1)), // no repository: never a failure
		// d5 finished 11 h before the cut-off: its window is open; d6 failed to deploy.
		dep("d5", "acme/api", day(9, 30, 12), time.Hour, "gh:u1"),
		dep("d6", "acme/api", day(6, 10, 0), -1, "gh:u1"),
		models.DeploymentPR{DeploymentID: "d1", PRID: "pr1"},
		models.DeploymentPR{DeploymentID: "d3", PRID: "pr2"},
		models.DeploymentPR{DeploymentID: "d4", PRID: "pr3"},
		models.DeploymentPR{DeploymentID: "d8", PRID: "pr4"},
		models.DeploymentPR{DeploymentID: "d9", PRID: "pr5"},
		models.DeploymentPR{DeploymentID: "d6", PRID: "pr5"},
	}
}

func TestMetricChangeFailureRate(t *testing.T) {
	const m = "change_failure_rate"
	got := runMetric(t, m, doraRows()...)
	check(t, m, got, "d1", "A", 1, false) // incident within the window
	check(t, m, got, "d2", "A", 0, false)
	check(t, m, got, "d3", "B", 1, false) // reverted
	check(t, m, got, "d4", "A", 0, false)
	check(t, m, got, "d7", "A", 1, false) // configured service map
	check(t, m, got, "d8", "A", 0, false) // i4 came 20 days later
	check(t, m, got, "d9", "A", 0, false)
	absent(t, m, got, "d5", "d6") // window open; failed to deploy
	if len(got) != 7 {
		t.Errorf("%d deployments, want 7", len(got))
	}

	// A 1-hour window: i1 (4 h after d1) and i3 (2 h after d7) no longer count; the revert does.
	got = runMetric(t, m, append(doraRows(), models.Setting{Key: "dora.failure_window_hours", Value: 1, UpdatedAt: day(1, 1, 0)})...)
	check(t, m, got, "d1", "A", 0, false)
	check(t, m, got, "d3", "B", 1, false)
	check(t, m, got, "d7", "A", 0, false)
	check(t, m, got, "d5", "A", 0, false) // its 1-hour window closed before the cut-off
}

func TestMetricFailedDeploymentRecoveryHours(t *testing.T) {
	const m = "failed_deployment_recovery_hours"
	got := runMetric(t, m, doraRows()...)
	check(t, m, got, "d1", "A", 2, false)  // failure 05:00 (i1), next deployment d2 finished 07:00
	check(t, m, got, "d3", "B", 24, false) // revert opened March 11, d4 finished March 12
	check(t, m, got, "d7", "A", float64(cutoff.Sub(day(4, 1, 3))/time.Hour), true)
	absent(t, m, got, "d2", "d4", "d8", "d9", "d5", "d6")
}

func TestMetricDeploymentReworkRate(t *testing.T) {
	const m = "deployment_rework_rate"
	got := runMetric(t, m, doraRows()...)
	check(t, m, got, "d1", "A", 0, false)
	check(t, m, got, "d2", "A", 1, false) // while i1 was open
	check(t, m, got, "d3", "B", 0, false)
	check(t, m, got, "d4", "A", 1, false) // ships a revert
	check(t, m, got, "d7", "A", 0, false)
	check(t, m, got, "d8", "A", 1, false) // names a Jira bug
	check(t, m, got, "d9", "A", 0, false) // names a story
	check(t, m, got, "d5", "A", 0, false)
	absent(t, m, got, "d6")
}

func TestMetricDeploymentFrequency(t *testing.T) {
	const m = "deployment_frequency"
	got := runMetric(t, m, doraRows()...)
	// Weeks run from Monday 2025-02-24 (d1 finished on Sunday March 2) to Monday 2025-09-22, the
	// last week ending by the cut-off: 31 weeks. Team A (p1, its lead) owns d1, d2, d4, d7, d8, d9
	// and d5 (finished in the week of September 29, not yet over); team B owns d3 and had members
	// until June 30 (19 weeks); team C owns nothing and is no delivering team.
	n, sum := map[string]int{}, map[string]float64{}
	for id, e := range got {
		if !e.team.Valid {
			t.Errorf("%s: no team", id)
			continue
		}
		n[e.team.String]++
		sum[e.team.String] += e.value.Float64
		if e.censored {
			t.Errorf("%s censored", id)
		}
		if wd := e.at.UTC().Weekday(); wd != time.Monday || e.at.UTC().Hour() != 0 {
			t.Errorf("%s: occurred_at %v is not a Monday 00:00 UTC", id, e.at)
		}
		if want := e.team.String == "A"; e.person.Valid != want || (want && e.person.String != "p1") {
			t.Errorf("%s: person %v, want the lead p1 for team A and none for B", id, e.person)
		}
	}
	if n["A"] != 31 || n["B"] != 19 || n["C"] != 0 {
		t.Errorf("team-weeks %v, want A 31, B 19, C 0", n)
	}
	if math.Abs(sum["A"]-6) > 1e-9 || math.Abs(sum["B"]-1) > 1e-9 {
		t.Errorf("deployments %v, want A 6, B 1", sum)
	}
	check(t, m, got, "deployment_frequency:A|2025-02-24", "A", 2, false) // d1 and d2
	check(t, m, got, "deployment_frequency:A|2025-03-03", "A", 0, false)
	check(t, m, got, "deployment_frequency:B|2025-03-10", "B", 1, false)
	check(t, m, got, "deployment_frequency:B|2025-06-30", "B", 0, false)
	absent(t, m, got, "deployment_frequency:B|2025-07-07", "deployment_frequency:A|2025-09-29")
}

func TestExampleUnmappedServices(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "u.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Example("unmapped_services")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var order []string
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := c.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := w.Upsert(ctx, append(baseRows(), doraRows()...)); err != nil {
			return err
		}
		q, args, err := e.Bind(nil)
		if err != nil {
			return err
		}
		r, err := w.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var id, name, rule string
			var repos []any
			var n int64
			var first, last time.Time
			if err := r.Scan(&id, &name, &rule, &repos, &n, &first, &last); err != nil {
				return err
			}
			got[id] = fmt.Sprintf("%s %v %d", rule, repos, n)
			order = append(order, id)
		}
		return r.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"S1": "name [acme/api] 2", "S3": "config [acme/web] 1", "S9": "none [] 1"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	if len(order) != 3 || order[0] != "S9" {
		t.Errorf("rows %v: want 3, unlinked first", order)
	}
}
