package org

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	smallOnce sync.Once
	smallOrg  *Org
)

func small(t testing.TB) *Org {
	t.Helper()
	smallOnce.Do(func() { smallOrg = Generate(Params{Seed: 42, Size: Small}) })
	return smallOrg
}

func fingerprint(o *Org) uint64 {
	h := fnv.New64a()
	for _, in := range o.Incidents {
		fmt.Fprint(h, in.ID, in.CreatedAt.Unix(), len(in.Log), in.ResolvedAt.Unix())
	}
	for _, is := range o.Issues {
		fmt.Fprint(h, is.Key, is.Created.Unix(), len(is.History))
	}
	for _, pr := range o.PullRequests {
		fmt.Fprint(h, pr.Repo.Name, pr.Number, pr.HeadSHA, pr.MergedAt.Unix())
	}
	for _, d := range o.Deployments {
		fmt.Fprint(h, d.ID, d.SHA, len(d.Statuses), len(d.Ships))
	}
	return h.Sum64()
}

func truthJSON(t *testing.T, o *Org, now time.Time) []byte {
	var b bytes.Buffer
	if err := o.Truth(now).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(Params{Seed: 42, Size: Small})
	b := Generate(Params{Seed: 42, Size: Small})
	c := Generate(Params{Seed: 43, Size: Small})
	if fingerprint(a) != fingerprint(b) {
		t.Fatal("same seed gave different records")
	}
	if !bytes.Equal(truthJSON(t, a, a.Now), truthJSON(t, b, b.Now)) {
		t.Fatal("same seed gave different truth")
	}
	if fingerprint(a) == fingerprint(c) {
		t.Fatal("different seeds gave the same records")
	}
}

func TestSizes(t *testing.T) {
	o := small(t)
	if got := len(o.Employees()); got != 60 {
		t.Fatalf("Small employees = %d, want 60", got)
	}
	c := Generate(Params{Seed: 1, People: 100})
	if got := len(c.Employees()); got != 100 {
		t.Fatalf("custom employees = %d, want 100", got)
	}
	if !o.Start.Equal(o.Now.AddDate(0, -18, 0)) || !o.End.Equal(o.Now.AddDate(0, 6, 0)) {
		t.Fatalf("span %v..%v around %v", o.Start, o.End, o.Now)
	}
}

// TestTruthCounts recounts from the raw records, without the prefix helpers.
func TestTruthCounts(t *testing.T) {
	o := small(t)
	for _, now := range []time.Time{o.Now, o.Now.AddDate(0, 0, 45)} {
		c := o.Truth(now).Counts
		var inc, logs, esc, tickets, reopened, openT, items, prs, merged, cr, commits, deps, statuses int
		for _, in := range o.Incidents {
			if in.CreatedAt.After(now) {
				continue
			}
			inc++
			e := false
			for _, l := range in.Log {
				if !l.At.After(now) {
					logs++
					e = e || l.Type == LogEscalate
				}
			}
			if e {
				esc++
			}
		}
		for _, is := range o.Issues {
			if is.Created.After(now) || (!is.DeletedAt.IsZero() && !is.DeletedAt.After(now)) {
				continue
			}
			tickets++
			done := is.InitialStatus.Category.Key == "done"
			re := false
			for _, g := range is.History {
				if g.Created.After(now) {
					break
				}
				items += len(g.Items)
				for _, it := range g.Items {
					if it.Field != "status" {
						continue
					}
					var to *Status
					for _, s := range o.Statuses {
						if s.ID == it.To {
							to = s
						}
					}
					isDone := to.Category.Key == "done"
					if done && !isDone {
						re = true
					}
					done = isDone
				}
			}
			if re {
				reopened++
			}
			if !done {
				openT++
			}
		}
		for _, pr := range o.PullRequests {
			if pr.Created.After(now) {
				continue
			}
			prs++
			if !pr.MergedAt.IsZero() && !pr.MergedAt.After(now) {
				merged++
			}
			for _, cm := range pr.Commits {
				if !cm.CommittedAt.After(now) {
					commits++
				}
			}
			for _, r := range pr.Reviews {
				if !r.SubmittedAt.After(now) && r.State == ReviewChangesRequested {
					cr++
					break
				}
			}
		}
		for _, d := range o.Deployments {
			if d.CreatedAt.After(now) {
				continue
			}
			deps++
			for _, s := range d.Statuses {
				if !s.CreatedAt.After(now) {
					statuses++
				}
			}
		}
		check := func(name string, got, want int) {
			t.Helper()
			if got != want {
				t.Errorf("%s at %s: truth %d, recount %d", name, now.Format(time.DateOnly), got, want)
			}
			if want == 0 {
				t.Errorf("%s at %s: zero", name, now.Format(time.DateOnly))
			}
		}
		check("incidents", c.Incidents, inc)
		check("log entries", c.LogEntries, logs)
		check("escalated", c.IncidentsEscalated, esc)
		check("tickets", c.Tickets, tickets)
		check("reopened", c.TicketsReopened, reopened)
		check("open tickets", c.TicketsOpen, openT)
		check("changelog items", c.ChangelogItems, items)
		check("prs", c.PullRequests, prs)
		check("merged", c.PullRequestsMerged, merged)
		check("changes requested", c.PullRequestsChangesRequested, cr)
		check("commits", c.Commits, commits)
		check("deployments", c.Deployments, deps)
		check("deployment statuses", c.DeploymentStatuses, statuses)
		sum := 0
		for _, v := range c.LogEntriesByType {
			sum += v
		}
		check("log entries by type", sum, logs)
	}
}

func TestTimeline(t *testing.T) {
	o := small(t)
	now := o.Now
	var future *Incident
	var openLater *Incident
	for _, in := range o.Incidents {
		if future == nil && in.CreatedAt.After(now) {
			future = in
		}
		if openLater == nil && !in.CreatedAt.After(now) && in.ResolvedAt.After(now) {
			openLater = in
		}
	}
	if future == nil || openLater == nil {
		t.Fatal("no incident created after now, or none resolved after now")
	}
	if future.VisibleAt(now) {
		t.Error("incident created after now is visible")
	}
	later := now.Add(future.CreatedAt.Sub(now) + time.Hour)
	if !future.VisibleAt(later) {
		t.Error("incident not visible after advancing past its creation")
	}
	if s := openLater.StateAt(now); s.Status == StatusResolved || !s.ResolvedAt.IsZero() {
		t.Errorf("incident resolved after now shows %s at now", s.Status)
	}
	if s := openLater.StateAt(openLater.ResolvedAt); s.Status != StatusResolved || !s.ResolvedAt.Equal(openLater.ResolvedAt) {
		t.Errorf("incident at its resolve time shows %s", s.Status)
	}
	if u := openLater.UpdatedAt(now); u.After(now) {
		t.Errorf("updated_at %v after now", u)
	}
	// A ticket reopened after now still shows done at now.
	found := false
	for _, is := range o.Issues {
		for i := 1; i < len(is.states); i++ {
			if is.states[i-1].Status.Category.Key == "done" && is.states[i].Status.Category.Key != "done" {
				at := is.History[i-1].Created
				before := at.Add(-time.Second)
				if is.StateAt(before).Status.Category.Key != "done" || is.StateAt(before).Resolution == nil {
					t.Fatalf("%s: not done just before its reopen", is.Key)
				}
				if is.StateAt(at).Resolution != nil {
					t.Fatalf("%s: resolution kept after reopen", is.Key)
				}
				if is.Reopened(before) || !is.Reopened(at) {
					t.Fatalf("%s: Reopened wrong around %v", is.Key, at)
				}
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no reopened ticket")
	}
	// A PR merged after now shows open at now.
	for _, pr := range o.PullRequests {
		if pr.VisibleAt(now) && pr.MergedAt.After(now) {
			s := pr.StateAt(now)
			if s.State != "open" || s.Merged || s.MergeCommitSHA != "" {
				t.Fatalf("PR merged after now shows %+v", s)
			}
			if s2 := pr.StateAt(pr.MergedAt); !s2.Merged || s2.State != "closed" {
				t.Fatalf("PR at merge time shows %+v", s2)
			}
			return
		}
	}
	t.Fatal("no PR merged after now")
}

func TestStructure(t *testing.T) {
	o := small(t)
	if n := len(o.Program.Cohorts); n < 3 {
		t.Errorf("%d cohorts, want >= 3", n)
	}
	for i := 1; i < len(o.Program.Cohorts); i++ {
		gap := o.Program.Cohorts[i].Start.Sub(o.Program.Cohorts[i-1].Start)
		if gap < 60*24*time.Hour {
			t.Errorf("cohorts %d and %d only %v apart", i-1, i, gap)
		}
	}
	treated, never := 0, 0
	for _, tm := range o.Teams {
		if tm.TreatedAt.IsZero() {
			never++
		} else {
			treated++
			// The lead in office at TreatedAt completed by then.
			l := o.LeadOf(tm, tm.TreatedAt)
			ok := false
			for _, e := range o.Program.Enrollments {
				if e.Person == l && !e.CompletedAt.IsZero() && !e.CompletedAt.After(tm.TreatedAt) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("team %s treated at %v but its lead then had not completed", tm.ID, tm.TreatedAt)
			}
		}
	}
	if treated < 3 || never < 1 {
		t.Errorf("treated %d, never %d", treated, never)
	}
	drop := 0
	for _, e := range o.Program.Enrollments {
		if !e.DroppedAt.IsZero() {
			drop++
			if !e.CompletedAt.IsZero() {
				t.Errorf("dropout with a completion date")
			}
		}
	}
	if drop == 0 {
		t.Error("no dropouts")
	}
	leadChange, moves := 0, 0
	for _, p := range o.Employees() {
		ms := o.MembershipsOf(p)
		for i := 1; i < len(ms); i++ {
			if ms[i].ValidFrom.Before(ms[i-1].ValidTo) || ms[i-1].ValidTo.IsZero() {
				t.Errorf("%s: overlapping memberships", p.ID)
			}
			if ms[i].Team != ms[i-1].Team {
				moves++
			}
			if ms[i].Role == RoleLead && ms[i-1].Role == RoleMember {
				leadChange++
			}
		}
	}
	if leadChange == 0 || moves == 0 {
		t.Errorf("lead changes %d, moves %d", leadChange, moves)
	}
	var hidden, cased, noreply, bots, archived, reverts, deleted int
	for _, p := range o.People {
		if p.Jira != nil && p.Jira.EmailHidden {
			hidden++
		}
		if p.PagerDuty != nil && p.PagerDuty.Email != p.Email && strings.EqualFold(p.PagerDuty.Email, p.Email) {
			cased++
		}
		if p.GitHub != nil && p.GitHub.Noreply && strings.HasSuffix(p.GitHub.CommitEmail, "+"+p.GitHub.Login+"@users.noreply.github.com") {
			noreply++
		}
		if p.Kind == KindBot {
			bots++
		}
	}
	for _, r := range o.Repos {
		if r.Archived {
			archived++
		}
	}
	for _, pr := range o.PullRequests {
		if pr.Reverts != nil {
			reverts++
			if pr.Title != fmt.Sprintf("Revert %q", pr.Reverts.Title) || !strings.HasPrefix(pr.Body, "This reverts commit "+pr.Reverts.MergeCommitSHA+".") {
				t.Errorf("revert PR %q / %q", pr.Title, pr.Body)
			}
		}
	}
	for _, is := range o.Issues {
		if !is.DeletedAt.IsZero() {
			deleted++
		}
	}
	for name, n := range map[string]int{"hidden jira emails": hidden, "case-different PD emails": cased, "noreply": noreply,
		"bots": bots, "archived repos": archived, "reverts": reverts, "deleted issues": deleted} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
}

// TestDeploymentRule checks the documented rule: a production deployment ships the PRs merged
// after the previous successful production deployment was created and at or before its own
// creation (an automated rollback often none).
func TestDeploymentRule(t *testing.T) {
	o := small(t)
	for _, r := range o.Repos {
		var prevOK time.Time
		if r.Archived {
			continue
		}
		for _, d := range r.Deployments {
			if d.Environment != "production" {
				continue
			}
			rollback := d.RollbackOf != nil // an automated rollback (dora.go): the rule holds, it may ship nothing
			if rollback && (d.Creator.Kind != KindBot || d.RollbackOf.Rollback != d) {
				t.Fatalf("rollback %d: creator %s", d.ID, d.Creator.Name)
			}
			if len(d.Ships) == 0 && !rollback {
				t.Fatalf("deployment %d ships nothing", d.ID)
			}
			for _, pr := range d.Ships {
				if pr.Repo != r || !pr.MergedAt.After(prevOK) && !prevOK.IsZero() || pr.MergedAt.After(d.CreatedAt) {
					t.Fatalf("deployment %d ships PR #%d merged %v (prev ok %v, created %v)", d.ID, pr.Number, pr.MergedAt, prevOK, d.CreatedAt)
				}
			}
			if !rollback && d.SHA != d.Ships[len(d.Ships)-1].MergeCommitSHA {
				t.Fatalf("deployment %d sha is not the newest shipped merge commit", d.ID)
			}
			if !d.SucceededAt(o.End).IsZero() {
				prevOK = d.CreatedAt
				for _, pr := range d.Ships {
					if pr.DeployedBy == nil || pr.DeployedBy.CreatedAt.After(d.CreatedAt) {
						t.Fatalf("PR #%d not deployed by the first successful deployment", pr.Number)
					}
				}
			}
		}
	}
}

func TestCSV(t *testing.T) {
	o := small(t)
	var b bytes.Buffer
	if err := o.WriteTeamsCSV(&b, o.Now); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "person_email,team,role,valid_from,valid_to" {
		t.Fatalf("teams header %v", rows[0])
	}
	emails := map[string]bool{}
	for _, r := range rows[1:] {
		emails[r[0]] = true
		if o.Team(r[1]) == nil || (r[2] != "lead" && r[2] != "member") {
			t.Fatalf("bad row %v", r)
		}
		if _, err := time.Parse(time.DateOnly, r[3]); err != nil {
			t.Fatalf("valid_from %q: %v", r[3], err)
		}
		if r[4] != "" {
			if _, err := time.Parse(time.DateOnly, r[4]); err != nil {
				t.Fatalf("valid_to %q: %v", r[4], err)
			}
		}
	}
	for _, p := range o.Employees() {
		if !emails[p.Email] && o.MembershipsOf(p)[0].ValidFrom.Before(o.Now) {
			t.Errorf("%s missing from teams.csv", p.ID)
		}
	}
	b.Reset()
	if err := o.WriteCohortsCSV(&b, o.Now); err != nil {
		t.Fatal(err)
	}
	rows, err = csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "person_email,cohort,program,enrolled_at,completed_at" {
		t.Fatalf("cohorts header %v", rows[0])
	}
	empty := 0
	for _, r := range rows[1:] {
		if r[4] == "" {
			empty++
		} else if _, err := time.Parse(time.DateOnly, r[4]); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) < 4 || empty == 0 {
		t.Errorf("cohorts.csv: %d rows, %d without completion", len(rows)-1, empty)
	}
	b.Reset()
	if err := o.WriteIdentitiesCSV(&b); err != nil {
		t.Fatal(err)
	}
	if rows, err = csv.NewReader(&b).ReadAll(); err != nil || len(rows) < 2 {
		t.Fatalf("identities.csv: %v, %d rows", err, len(rows))
	}
}

func TestIdentityTruth(t *testing.T) {
	o := small(t)
	it := o.Truth(o.Now).Identity
	for _, src := range []string{"github", "jira", "pagerduty"} {
		if it.Matched[src] == 0 {
			t.Errorf("%s: no matched accounts", src)
		}
	}
	if it.Unmatched["github"] == 0 || it.Unmatched["jira"] == 0 {
		t.Errorf("unmatched %v", it.Unmatched)
	}
	for _, a := range it.Accounts {
		if a.Kind != string(KindEmployee) && a.Rule != RuleNone {
			t.Errorf("%s account %s of a %s matched by %s", a.Source, a.ID, a.Kind, a.Rule)
		}
		if a.Source == "jira" && a.Rule == RuleEmail && a.Email == "" {
			t.Errorf("jira account %s matched by a hidden email", a.ID)
		}
	}
}

// twfeLog estimates the effect on mean log duration of PR lead time with
// team and month fixed effects (alternating projections), and the naive
// before/after change within treated teams.
func prEffect(o *Org) (did, naive float64) {
	type obs struct {
		team, month int
		y, d        float64
	}
	var xs []obs
	for _, pr := range o.PullRequests {
		if pr.MergedAt.IsZero() || pr.MergedAt.After(o.Now) || pr.Author.Kind != KindEmployee || pr.Reverts != nil {
			continue
		}
		f := pr.Commits[0].AuthoredAt
		tm := o.TeamOf(pr.Author, f)
		if tm == nil {
			continue
		}
		d := 0.0
		if !tm.TreatedAt.IsZero() && !f.Before(tm.TreatedAt) {
			d = 1
		}
		m := int(f.Sub(o.Start).Hours() / (24 * 30.4375))
		xs = append(xs, obs{tm.Index, m, math.Log(pr.MergedAt.Sub(f).Hours()), d})
	}
	// Naive: treated teams, post mean − pre mean.
	var pre, post, np, nq float64
	for _, x := range xs {
		if o.Teams[x.team].TreatedAt.IsZero() {
			continue
		}
		if x.d == 1 {
			post += x.y
			nq++
		} else {
			pre += x.y
			np++
		}
	}
	naive = post/nq - pre/np
	// Two-way within transformation of y and d.
	y := make([]float64, len(xs))
	d := make([]float64, len(xs))
	for i, x := range xs {
		y[i], d[i] = x.y, x.d
	}
	for range 50 {
		for _, v := range [][]float64{y, d} {
			for _, key := range []func(obs) int{func(x obs) int { return x.team }, func(x obs) int { return 1000 + x.month }} {
				sum, n := map[int]float64{}, map[int]float64{}
				for i, x := range xs {
					sum[key(x)] += v[i]
					n[key(x)]++
				}
				for i, x := range xs {
					v[i] -= sum[key(x)] / n[key(x)]
				}
			}
		}
	}
	var sxy, sxx float64
	for i := range xs {
		sxy += d[i] * y[i]
		sxx += d[i] * d[i]
	}
	return sxy / sxx, naive
}

func TestPlantedEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two medium organisations")
	}
	o := Generate(Params{Seed: 5, Size: Medium})
	did, naive := prEffect(o)
	want := math.Log(0.8)
	// Tolerance: the simulated noise (log sd 1.0, ~1,500 treated PRs) gives an SE near 0.04.
	if math.Abs(did-want) > 0.12 {
		t.Errorf("TWFE PR lead-time effect %.3f, planted %.3f", did, want)
	}
	if naive > did-0.02 {
		t.Errorf("naive before/after %.3f not more negative than TWFE %.3f (trend should exaggerate it)", naive, did)
	}
	z := NoEffects()
	o0 := Generate(Params{Seed: 5, Size: Medium, Effects: &z})
	did0, _ := prEffect(o0)
	if math.Abs(did0) > 0.12 {
		t.Errorf("placebo organisation shows effect %.3f", did0)
	}
	t.Logf("planted %.4f, TWFE %.4f, naive %.4f, placebo %.6f", want, did, naive, did0)
}

func BenchmarkGenerateLarge(b *testing.B) {
	for i := 0; i < b.N; i++ {
		o := Generate(Params{Seed: uint64(i + 1), Size: Large})
		if i == 0 {
			c := o.Truth(o.End).Counts
			b.ReportMetric(float64(c.Events), "events")
			b.ReportMetric(float64(len(o.Employees())), "people")
		}
	}
}

func BenchmarkGenerateMedium(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Generate(Params{Seed: uint64(i + 1), Size: Medium})
	}
}
