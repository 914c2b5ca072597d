package queries

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Hand-built organisation shared by the metric tests: person p1 in team A from 2025-01-01;
// person p2 in team B until 2025-06-30 and in team C from 2025-07-01; account bot is a bot.
func day(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }

var cutoff = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)

func baseRows() []models.Row {
	return []models.Row{
		models.Account{AccountID: "pd:u1", Source: "pagerduty", NativeID: "u1", PersonID: "p1"},
		models.Account{AccountID: "pd:u2", Source: "pagerduty", NativeID: "u2", PersonID: "p2"},
		models.Account{AccountID: "pd:bot", Source: "pagerduty", NativeID: "bot", IsBot: true, PersonID: "p1"},
		models.Account{AccountID: "pd:nobody", Source: "pagerduty", NativeID: "nobody"},
		models.TeamMembership{MembershipID: "m1", PersonID: "p1", TeamID: "A", Role: "lead", ValidFrom: day(1, 1, 0), SourceFile: "f", Line: 1},
		models.TeamMembership{MembershipID: "m2", PersonID: "p2", TeamID: "B", Role: "member", ValidFrom: day(1, 1, 0), ValidTo: day(6, 30, 0), SourceFile: "f", Line: 2},
		models.TeamMembership{MembershipID: "m3", PersonID: "p2", TeamID: "C", Role: "member", ValidFrom: day(7, 1, 0), SourceFile: "f", Line: 3},
	}
}

type ev struct {
	person, team sql.NullString
	at           time.Time
	value        sql.NullFloat64
	censored     bool
}

// runMetric loads the base rows plus rows into a fresh database and returns the metric's events.
func runMetric(t *testing.T, metric string, rows ...models.Row) map[string]ev {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Metric(metric)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ev{}
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := c.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := w.Upsert(ctx, append(baseRows(), rows...)); err != nil {
			return err
		}
		q, args, err := m.Bind(cutoff)
		if err != nil {
			return err
		}
		r, err := w.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		cols, _ := r.Columns()
		want := []string{"event_id", "person_id", "team_id", "occurred_at", "value", "censored"}
		for i := range want {
			if i >= len(cols) || cols[i] != want[i] {
				t.Fatalf("%s: columns %v, want %v", metric, cols, want)
			}
		}
		for r.Next() {
			var id string
			var e ev
			if err := r.Scan(&id, &e.person, &e.team, &e.at, &e.value, &e.censored); err != nil {
				return err
			}
			if _, dup := out[id]; dup {
				t.Errorf("%s: event %s twice", metric, id)
			}
			out[id] = e
		}
		return r.Err()
	})
	if err != nil {
		t.Fatalf("%s: %v", metric, err)
	}
	return out
}

func check(t *testing.T, metric string, got map[string]ev, id string, team string, value float64, censored bool) {
	t.Helper()
	e, ok := got[id]
	if !ok {
		t.Errorf("%s: event %s missing", metric, id)
		return
	}
	if (team == "") == e.team.Valid || (team != "" && e.team.String != team) {
		t.Errorf("%s %s: team %v, want %q", metric, id, e.team, team)
	}
	if !e.value.Valid || math.Abs(e.value.Float64-value) > 1e-9 {
		t.Errorf("%s %s: value %v, want %v", metric, id, e.value, value)
	}
	if e.censored != censored {
		t.Errorf("%s %s: censored %v, want %v", metric, id, e.censored, censored)
	}
}

func absent(t *testing.T, metric string, got map[string]ev, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, ok := got[id]; ok {
			t.Errorf("%s: event %s should be left out", metric, id)
		}
	}
}

func inc(id string, created time.Time, mod func(*models.Incident)) models.Incident {
	i := models.Incident{IncidentID: id, Source: "pagerduty", NativeID: id, Status: "triggered", CreatedAt: created,
		ServiceID: "S1", AssigneeAccountID: "pd:u1", Title: "disk full " + id}
	if mod != nil {
		mod(&i)
	}
	return i
}

func TestMetricIncidentResolveHours(t *testing.T) {
	const m = "incident_resolve_hours"
	got := runMetric(t, m,
		inc("i1", day(3, 1, 0), func(i *models.Incident) { i.ResolvedAt = day(3, 1, 5) }),
		inc("i2", day(8, 1, 0), func(i *models.Incident) { i.AssigneeAccountID = "pd:u2"; i.ResolvedAt = day(8, 2, 0) }),
		inc("i3", day(9, 30, 0), nil), // open: censored at the cut-off, 24 h
		inc("i4", day(9, 30, 12), func(i *models.Incident) { i.ResolvedAt = day(10, 2, 0) }), // resolved after the cut-off
		inc("i5", day(3, 1, 0), func(i *models.Incident) { i.DeletedAt = day(4, 1, 0) }),
		inc("i6", day(10, 5, 0), nil), // after the cut-off
		inc("i7", day(3, 1, 0), func(i *models.Incident) { i.AssigneeAccountID = "pd:bot"; i.ResolvedAt = day(3, 1, 1) }),
		inc("i8", day(3, 1, 0), func(i *models.Incident) { i.AssigneeAccountID = "pd:nobody"; i.ResolvedAt = day(3, 1, 2) }),
	)
	check(t, m, got, "i1", "A", 5, false)
	check(t, m, got, "i2", "C", 24, false) // p2 moved to C on July 1
	check(t, m, got, "i3", "A", 24, true)
	check(t, m, got, "i4", "A", 12, true)
	check(t, m, got, "i7", "", 1, false) // bots are never people
	check(t, m, got, "i8", "", 2, false) // unmatched account: kept, no team
	absent(t, m, got, "i5", "i6")
}

func TestMetricIncidentAckMinutes(t *testing.T) {
	const m = "incident_ack_minutes"
	got := runMetric(t, m,
		inc("i1", day(3, 1, 0), func(i *models.Incident) {
			i.AcknowledgedAt = day(3, 1, 0).Add(7 * time.Minute)
			i.FirstResponderAccountID = "pd:u2" // p2 in B in March
		}),
		inc("i2", day(3, 1, 0), func(i *models.Incident) { i.ResolvedAt = day(3, 1, 1) }), // never acked: censored at resolve
		inc("i3", day(9, 30, 23), nil),
	)
	check(t, m, got, "i1", "B", 7, false)
	check(t, m, got, "i2", "A", 60, true)
	check(t, m, got, "i3", "A", 60, true)
}

func TestMetricIncidentRepeat7d(t *testing.T) {
	const m = "incident_repeat_7d"
	key := func(k string) func(*models.Incident) {
		return func(i *models.Incident) { i.IncidentKey = k; i.ResolvedAt = i.CreatedAt.Add(time.Hour) }
	}
	got := runMetric(t, m,
		inc("i1", day(3, 1, 0), key("k1")),
		inc("i2", day(3, 5, 0), key("k1")),                                                // repeats i1 (within 7 days of its resolution)
		inc("i3", day(3, 20, 0), key("k1")),                                               // 15 days after i2: not a repeat of i2
		inc("i4", day(3, 2, 0), key("k2")),                                                // other key: not a repeat of i1
		inc("i5", day(9, 28, 0), key("k9")),                                               // window not closed at the cut-off
		inc("i6", day(5, 1, 0), nil),                                                      // unresolved
		inc("i7", day(5, 1, 0), func(i *models.Incident) { i.ResolvedAt = day(5, 1, 1) }), // no key: same title as i8
		inc("i8", day(5, 3, 0), func(i *models.Incident) { i.Title = "disk full i7"; i.ResolvedAt = day(5, 3, 1) }),
	)
	check(t, m, got, "i1", "A", 1, false)
	check(t, m, got, "i2", "A", 0, false)
	check(t, m, got, "i4", "A", 0, false)
	check(t, m, got, "i7", "A", 1, false)
	absent(t, m, got, "i5", "i6")
}

func TestMetricIncidentEscalatedReassigned(t *testing.T) {
	rows := []models.Row{
		inc("i1", day(3, 1, 0), func(i *models.Incident) { i.EscalationCount = 0; i.ReassignmentCount = 2 }),
		inc("i2", day(3, 1, 0), func(i *models.Incident) { i.EscalationCount = 1 }), // no timeline: falls back to the count
		inc("i3", day(3, 1, 0), nil),
		models.IncidentEvent{EventID: "e1", IncidentID: "i1", Type: "escalate", CreatedAt: day(3, 1, 1)},
		models.IncidentEvent{EventID: "e2", IncidentID: "i3", Type: "escalate", CreatedAt: day(10, 2, 0)}, // after cut-off
	}
	const m = "incident_escalated"
	got := runMetric(t, m, rows...)
	check(t, m, got, "i1", "A", 1, false)
	check(t, m, got, "i2", "A", 1, false)
	check(t, m, got, "i3", "A", 0, false)
	const r = "incident_reassigned"
	got = runMetric(t, r, rows...)
	check(t, r, got, "i1", "A", 1, false)
	check(t, r, got, "i2", "A", 0, false)
}

func tk(id string, created time.Time, mod func(*models.Ticket)) models.Ticket {
	x := models.Ticket{TicketID: id, Source: "jira", NativeID: id, Key: id, ProjectKey: "OPS", CreatedAt: created, AssigneeAccountID: "pd:u2"}
	if mod != nil {
		mod(&x)
	}
	return x
}

func TestMetricTickets(t *testing.T) {
	rows := []models.Row{
		tk("t1", day(2, 1, 0), func(x *models.Ticket) {
			x.FirstInProgressAt = day(2, 1, 10)
			x.ResolvedAt = day(2, 2, 0)
			x.DueDate = day(2, 2, 0)
			x.StatusCategory = "done"
		}),
		tk("t2", day(8, 1, 0), func(x *models.Ticket) {
			x.FirstInProgressAt = day(8, 2, 0)
			x.ReopenCount = 1 // reopened and still open
			x.DueDate = day(8, 10, 0)
			x.PriorityRaised = true
		}),
		tk("t3", day(9, 29, 0), func(x *models.Ticket) { x.DueDate = day(10, 15, 0); x.EscalationLabelAdded = true }), // not yet due
		tk("t4", day(4, 1, 0), func(x *models.Ticket) { x.ResolvedAt = day(4, 20, 0); x.DueDate = day(4, 10, 0) }),    // late
	}
	got := runMetric(t, "ticket_resolve_hours", rows...)
	check(t, "ticket_resolve_hours", got, "t1", "B", 24, false)
	check(t, "ticket_resolve_hours", got, "t2", "C", float64(cutoff.Sub(day(8, 1, 0))/time.Hour), true)
	check(t, "ticket_resolve_hours", got, "t3", "C", 48, true)

	got = runMetric(t, "ticket_cycle_hours", rows...)
	check(t, "ticket_cycle_hours", got, "t1", "B", 14, false)
	check(t, "ticket_cycle_hours", got, "t2", "C", float64(cutoff.Sub(day(8, 2, 0))/time.Hour), true)
	absent(t, "ticket_cycle_hours", got, "t3", "t4")

	got = runMetric(t, "ticket_reopened", rows...)
	check(t, "ticket_reopened", got, "t1", "B", 0, false)
	check(t, "ticket_reopened", got, "t2", "C", 1, false)
	check(t, "ticket_reopened", got, "t4", "B", 0, false)
	absent(t, "ticket_reopened", got, "t3")

	got = runMetric(t, "ticket_priority_raised", rows...)
	check(t, "ticket_priority_raised", got, "t1", "B", 0, false)
	check(t, "ticket_priority_raised", got, "t2", "C", 1, false)
	check(t, "ticket_priority_raised", got, "t3", "C", 1, false)

	got = runMetric(t, "ticket_on_time", rows...)
	check(t, "ticket_on_time", got, "t1", "B", 1, false) // resolved on the due date
	check(t, "ticket_on_time", got, "t2", "C", 0, false) // open past its due date
	check(t, "ticket_on_time", got, "t4", "B", 0, false) // resolved late
	absent(t, "ticket_on_time", got, "t3")
}

func pr(id string, created time.Time, mod func(*models.PullRequest)) models.PullRequest {
	p := models.PullRequest{PRID: id, Source: "github", NativeID: id, Repo: "acme/api", Number: 1, Title: "feature " + id,
		State: "open", AuthorAccountID: "pd:u1", CreatedAt: created, FirstCommitAt: created.Add(-2 * time.Hour)}
	if mod != nil {
		mod(&p)
	}
	return p
}

func TestMetricPullRequests(t *testing.T) {
	merged := func(at time.Time) func(*models.PullRequest) {
		return func(p *models.PullRequest) { p.State = "merged"; p.MergedAt = at; p.ClosedAt = at }
	}
	rows := []models.Row{
		pr("p1", day(3, 1, 0), merged(day(3, 1, 10))),
		pr("p2", day(3, 2, 0), merged(day(3, 3, 0))),
		pr("p3", day(9, 30, 0), nil), // open at the cut-off
		pr("p4", day(3, 5, 0), func(p *models.PullRequest) { p.State = "closed"; p.ClosedAt = day(3, 6, 0) }), // closed unmerged
		pr("r1", day(3, 10, 0), func(p *models.PullRequest) {
			p.IsRevert, p.RevertsPRID, p.Title = true, "p1", "Revert it"
			p.State, p.MergedAt = "merged", day(3, 10, 1)
		}),
		pr("r2", day(3, 11, 0), func(p *models.PullRequest) { p.IsRevert, p.Title = true, `Revert "feature p2"` }),
		models.PRReview{ReviewID: "v1", PRID: "p1", State: "CHANGES_REQUESTED", SubmittedAt: day(3, 1, 1)},
		models.PRReview{ReviewID: "v2", PRID: "p1", State: "CHANGES_REQUESTED", SubmittedAt: day(3, 1, 2)},
		models.PRReview{ReviewID: "v3", PRID: "p1", State: "APPROVED", SubmittedAt: day(3, 1, 3)},
		models.PRReview{ReviewID: "v4", PRID: "p1", State: "CHANGES_REQUESTED", SubmittedAt: day(3, 1, 4)}, // after approval
		models.PRReview{ReviewID: "v5", PRID: "p2", State: "COMMENTED", SubmittedAt: day(3, 2, 1)},
		models.Deployment{DeploymentID: "d1", Source: "github", NativeID: "d1", Repo: "acme/api", Environment: "production",
			CreatedAt: day(3, 2, 0), Status: "success", FinishedAt: day(3, 2, 4)},
		models.Deployment{DeploymentID: "d2", Source: "github", NativeID: "d2", Repo: "acme/api", Environment: "production",
			CreatedAt: day(3, 4, 0), Status: "success", FinishedAt: day(3, 4, 0)},
		models.DeploymentPR{DeploymentID: "d1", PRID: "p1"},
		models.DeploymentPR{DeploymentID: "d2", PRID: "p1"}, // later deployment: the first one counts
	}
	got := runMetric(t, "pr_lead_time_hours", rows...)
	check(t, "pr_lead_time_hours", got, "p1", "A", 12, false)
	check(t, "pr_lead_time_hours", got, "p2", "A", 26, false)
	check(t, "pr_lead_time_hours", got, "p3", "A", 26, true)
	absent(t, "pr_lead_time_hours", got, "p4")

	got = runMetric(t, "change_lead_time_hours", rows...)
	check(t, "change_lead_time_hours", got, "p1", "A", 30, false) // first commit Feb 28 22:00 → Mar 2 04:00
	check(t, "change_lead_time_hours", got, "p2", "A", float64(cutoff.Sub(day(3, 2, 0).Add(-2*time.Hour))/time.Hour), true)
	absent(t, "change_lead_time_hours", got, "p3", "p4")

	got = runMetric(t, "pr_change_request_rounds", rows...)
	check(t, "pr_change_request_rounds", got, "p1", "A", 2, false)
	check(t, "pr_change_request_rounds", got, "p2", "A", 0, false)
	absent(t, "pr_change_request_rounds", got, "p3", "p4")

	got = runMetric(t, "pr_reverted", rows...)
	check(t, "pr_reverted", got, "p1", "A", 1, false) // by reference
	check(t, "pr_reverted", got, "p2", "A", 1, false) // by title
	absent(t, "pr_reverted", got, "r1", "p3", "p4")
}

// Every view and example runs on a migrated database (here with the base rows only).
func TestViewsAndExamplesRun(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]string{"string": "x", "int": "3", "float": "1.5", "date": "2025-01-01", "timestamp": "2025-01-01T00:00:00Z", "bool": "true"}
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := c.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := c.CreateViews(ctx, w); err != nil { // idempotent
			return err
		}
		rows := append(baseRows(), inc("i1", day(3, 1, 0), nil),
			models.Exposure{UnitType: "team", UnitID: "A", Status: "treated", TreatedAt: day(1, 15, 0)},
			models.MetricEvent{Metric: "m", EventID: "i1", TeamID: "A", OccurredAt: day(3, 1, 0), Value: 2})
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		for _, v := range []string{"v_incidents", "v_tickets", "v_pull_requests", "v_metric_events", "v_headline"} {
			r, err := w.Query(ctx, "SELECT * FROM "+v)
			if err != nil {
				t.Errorf("view %s: %v", v, err)
				continue
			}
			r.Close()
		}
		var phase string
		if err := w.QueryRow(ctx, "SELECT phase FROM v_metric_events").Scan(&phase); err != nil || phase != "post" {
			t.Errorf("v_metric_events phase %q, %v", phase, err)
		}
		for _, e := range c.Examples {
			vals := map[string]string{}
			for _, p := range e.Params {
				if !p.HasDefault {
					vals[p.Name] = samples[p.Type]
				}
			}
			q, args, err := e.Bind(vals)
			if err != nil {
				t.Errorf("example %s: %v", e.Name, err)
				continue
			}
			r, err := w.Query(ctx, q, args...)
			if err != nil {
				t.Errorf("example %s: %v", e.Name, err)
				continue
			}
			r.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
