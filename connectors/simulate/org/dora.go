package org

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// The DORA side of the organisation: deployments that fail, the incidents they cause and the
// rollbacks that recover them, bug fixes shipped, generated so that the linkage rules of the
// warehouse (queries/views/14_dora_deployments.sql) find exactly what was planted:
//
//   - a successful production deployment fails with probability changeFailureBase × the team's
//     multiplier (Gen.mult, with Effects.ChangeFailure): an incident is triggered on the service
//     its repository runs as (Repo.Service; Org.ServiceMap for sources.github.service_map)
//     failureLag hours after the deployment finished (median 45 minutes, at most 20 hours: inside
//     the default 24-hour failure window);
//   - failureRecovery hours after that trigger (median 3, × the multiplier with Effects.Recovery)
//     an automated rollback, a production deployment by github-actions[bot] (shipping, by the
//     deployment rule, whatever was merged since the failing deployment: seldom anything),
//     finishes; the incident is resolved 2 to 10 minutes later, so the recovery the warehouse
//     measures (the next deployment or the resolution, whichever first) is the rollback's;
//   - a successful production deployment ships a bug fix with probability reworkBase × the
//     multiplier with Effects.Rework: its newest pull request by an employee (not a revert, not
//     reverted) is retitled with the key of the latest Jira Bug of the team's project created
//     before it ("PAY-12 fix retry logic"), which makes the deployment unplanned;
//   - incidents arriving on their own are not left where the rules would read them as a
//     deployment's failure or as the reason for a deployment: those of a service triggered from
//     24 hours before a successful production deployment of a repository running as it until
//     coincidenceHours after it finished are dropped (about one in ten at the default deployment
//     interval), so that with nothing planted trained and untrained teams fail alike.
//
// A rollback that ships nothing is the bot's, so it counts in no team's deployments; reverts (revertP × the
// multiplier with Effects.Rework) also fail a deployment when opened after it finished and make
// the deployment shipping them unplanned.
const (
	changeFailureBase          = 0.15
	failureLagMedianHours      = 0.75
	failureLagMaxHours         = 20
	failureRecoveryMedianHours = 3
	reworkBase                 = 0.15
	coincidenceHours           = 25 // the default failure window (24 h) and an hour to spare
)

// failure decides whether the successful production deployment d (prev: the repository's
// successful one before it, nil if none) causes an incident; if so it adds the incident to
// g.caused and returns the rollback that recovers it (nil when there is none before End).
func (g *gen) failure(r *rand.Rand, d, prev *Deployment) *Deployment {
	o := g.o
	rp, t := d.Repo, d.Repo.Team
	s := rp.Service
	finish := d.SucceededAt(o.End)
	if s == nil || finish.IsZero() {
		return nil
	}
	if r.Float64() >= changeFailureBase*g.mult(t, finish, g.eff.ChangeFailure) {
		return nil
	}
	lag := math.Min(lognormal(r, failureLagMedianHours, 0.8), failureLagMaxHours)
	rec := lognormal(r, failureRecoveryMedianHours, 1.0) * g.mult(t, finish, g.eff.Recovery)
	resolveLag := (2 + 8*r.Float64()) / 60
	failedAt := finish.Add(dur(lag))
	if !failedAt.Before(o.End) {
		return nil
	}
	si := 0
	for i, x := range t.Services {
		if x == s {
			si = i
		}
	}
	key := s.ID + "/deploy-" + short(r, "", 6)
	in := g.incident(r, t, si, s, failedAt, "Error rate up after a deploy on "+s.Name, key, rec+resolveLag)
	if in == nil {
		return nil
	}
	in.CausedBy, d.Failure = d, in
	g.caused = append(g.caused, in)
	recovered := failedAt.Add(dur(rec))
	if !recovered.Before(o.End) {
		return nil
	}
	bot := g.bots.actions
	span := recovered.Sub(failedAt)
	created := recovered.Add(-min(span/2, 10*time.Minute)).Truncate(time.Second)
	sha := d.SHA
	if prev != nil {
		sha = prev.SHA
	}
	rb := &Deployment{Repo: rp, SHA: sha, Ref: rp.DefaultBranch, Task: "deploy", Environment: "production",
		Description: "Roll back to the previous release", Creator: bot, CreatedAt: created, RollbackOf: d, FinalState: "success"}
	step := recovered.Sub(created) / 3
	rb.Statuses = []DeploymentStatus{
		{State: "queued", Environment: "production", Creator: bot, CreatedAt: created.Add(step / 2).Truncate(time.Second)},
		{State: "in_progress", Environment: "production", Creator: bot, CreatedAt: created.Add(step).Truncate(time.Second)},
		{State: "success", Environment: "production", Creator: bot, CreatedAt: recovered, Description: "Deployment success"},
	}
	supersede(d, recovered, bot, o.End)
	d.Rollback = rb
	return rb
}

// bugFix decides whether the successful production deployment d ships a bug fix, and if so
// retitles its newest eligible pull request with a Bug's key (see above).
func (g *gen) bugFix(r *rand.Rand, d *Deployment) {
	t := d.Repo.Team
	if r.Float64() >= reworkBase*g.mult(t, d.CreatedAt, g.eff.Rework) {
		return
	}
	for i := len(d.Ships) - 1; i >= 0; i-- {
		pr := d.Ships[i]
		if pr.Reverts != nil || pr.RevertedBy != nil || pr.Author.Kind != KindEmployee {
			continue
		}
		bug := g.bugBefore(t, pr.Created)
		if bug == nil {
			return
		}
		pr.Title = bug.Key + " " + strings.TrimPrefix(bug.Summary, "Bug: ")
		d.BugFix = true
		return
	}
}

// bugBefore returns the latest Bug of the team's project created before at that is never
// deleted, or nil.
func (g *gen) bugBefore(t *Team, at time.Time) *Issue {
	if g.bugs == nil {
		g.bugs = map[*JiraProject][]*Issue{}
		for _, is := range g.o.Issues {
			if is.Type.Name == "Bug" && is.DeletedAt.IsZero() {
				g.bugs[is.Project] = append(g.bugs[is.Project], is)
			}
		}
	}
	bs := g.bugs[t.Projects[0]]
	i := sort.Search(len(bs), func(i int) bool { return !bs[i].Created.Before(at) })
	if i == 0 {
		return nil
	}
	return bs[i-1]
}

// dropCoincidences drops the incidents arriving on their own (o.Incidents; the caused ones are
// apart in g.caused) that the linkage rules would tie to a successful production deployment of
// deps (see above).
func (g *gen) dropCoincidences(deps []*Deployment) {
	o := g.o
	type window struct{ from, to time.Time }
	wins := map[*Service][]window{}
	for _, d := range deps {
		fin := d.SucceededAt(o.End)
		if d.Environment != "production" || d.Repo.Service == nil || fin.IsZero() {
			continue
		}
		wins[d.Repo.Service] = append(wins[d.Repo.Service], window{d.CreatedAt.Add(-24 * time.Hour), fin.Add(coincidenceHours * time.Hour)})
	}
	keep := o.Incidents[:0]
	for _, in := range o.Incidents {
		drop := false
		for _, w := range wins[in.Service] {
			if !in.CreatedAt.Before(w.from) && !in.CreatedAt.After(w.to) {
				drop = true
				break
			}
		}
		if !drop {
			keep = append(keep, in)
		}
	}
	o.Incidents = keep
}

// ServiceMap returns, per PagerDuty service name, the repositories ("owner/name", sorted) that
// run as it (Repo.Service): the sources.github.service_map that links this organisation's
// incidents to its deployments. Services no repository runs as are left out.
func (o *Org) ServiceMap() map[string][]string {
	m := map[string][]string{}
	for _, rp := range o.Repos {
		if rp.Service != nil {
			m[rp.Service.Name] = append(m[rp.Service.Name], rp.FullName())
		}
	}
	for _, v := range m {
		sort.Strings(v)
	}
	return m
}

// attritionPerMonth is the probability that a team member (not a lead, not a program
// participant) leaves the organisation in a given month, about 8% a year, × (1+Effects.Attrition)
// once the team is treated.
const attritionPerMonth = 0.007

// attrition ends the open memberships of members who leave: each month from the first after the
// membership started, a member leaves on a day between the 2nd and the 28th with probability
// attritionPerMonth (× (1+Effects.Attrition) when the team is treated on that day). Leads and
// the program's participants stay; so does everyone whose membership already ended (moves).
func (g *gen) attrition(r *rand.Rand) {
	o := g.o
	enrolled := map[*Person]bool{}
	for _, e := range o.Program.Enrollments {
		enrolled[e.Person] = true
	}
	for _, m := range o.Memberships {
		if m.Role != RoleMember || !m.ValidTo.IsZero() || m.Person.Kind != KindEmployee || enrolled[m.Person] {
			continue
		}
		from := m.ValidFrom
		if from.Before(o.Start) {
			from = o.Start
		}
		mo := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
		for ; mo.Before(o.End); mo = mo.AddDate(0, 1, 0) {
			d := mo.AddDate(0, 0, 1+r.IntN(27))
			p := attritionPerMonth
			if g.treated(m.Team, d) {
				p *= 1 + g.eff.Attrition
			}
			if r.Float64() < p && d.Before(o.End) {
				m.ValidTo = d
				break
			}
		}
	}
}
