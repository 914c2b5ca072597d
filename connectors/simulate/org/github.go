package org

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// pull request base parameters.
const (
	prsPerMemberDay   = 0.058
	botPRsPerRepoDay  = 0.02
	prLeadMedianHours = 30
	changesReqP       = 0.25
	revertP           = 0.02
	deployMedianHours = 48
)

var prThings = []string{"retry budget", "pagination", "request validation", "metrics", "timeouts", "config loading",
	"error wrapping", "caching", "feature flag", "logging", "db indexes", "health checks", "graceful shutdown"}
var prVerbs = []string{"Add", "Fix", "Refactor", "Tune", "Remove", "Improve", "Simplify"}
var deps = []string{"golang.org/x/net", "github.com/stretchr/testify", "google.golang.org/grpc", "react", "lodash", "express", "axios"}

// github generates pull requests with commits and reviews, and reverts.
func (g *gen) github(r *rand.Rand) {
	o := g.o
	mid := o.Start.Add(o.End.Sub(o.Start) / 2)
	legacyUntil := o.Start.AddDate(0, 8, 0)
	ids := &idGen{seed: g.p.Seed ^ 0x9117}
	var all []*PullRequest
	for _, t := range o.Teams {
		size := len(g.membersWith(t, mid, hasGH))
		var live []*Repo
		var legacy *Repo
		for _, rp := range t.Repos {
			if rp.Archived {
				legacy = rp
			} else {
				live = append(live, rp)
			}
		}
		for _, f := range g.prArrivals(r, t, prsPerMemberDay*float64(max(size, 1))*g.p.Scale*g.p.PRScale, true) {
			authors := g.membersWith(t, f, hasGH)
			if len(authors) == 0 {
				continue
			}
			a := authors[r.IntN(len(authors))]
			rp := live[r.IntN(len(live))]
			if legacy != nil && f.Before(legacyUntil) && r.Float64() < 0.15 {
				rp = legacy
			}
			if len(g.contract) > 0 && r.Float64() < 0.02 {
				a = g.contract[r.IntN(len(g.contract))]
			}
			pr := g.pullRequest(r, ids, t, rp, a, f, authors)
			all = append(all, pr)
			if !pr.MergedAt.IsZero() && r.Float64() < revertP*g.mult(t, pr.MergedAt, g.eff.Rework) {
				if rv := g.revert(r, ids, t, pr, authors); rv != nil {
					all = append(all, rv)
				}
			}
		}
		for _, rp := range live {
			for _, f := range g.prArrivals(r, t, botPRsPerRepoDay*g.p.Scale*g.p.PRScale, false) {
				authors := g.membersWith(t, f, hasGH)
				if len(authors) == 0 {
					continue
				}
				all = append(all, g.botPR(r, ids, rp, f, authors))
			}
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Created.Before(all[b].Created) })
	var rid int64 = 1_900_000_000
	for i, pr := range all {
		pr.ID = 1_700_000_000 + int64(i)*3 + 1
		rp := pr.Repo
		pr.Number = len(rp.PullRequests) + 1
		rp.PullRequests = append(rp.PullRequests, pr)
		for k := range pr.Reviews {
			rid += 1 + int64(k)
			pr.Reviews[k].ID = rid
		}
	}
	for _, pr := range all {
		if pr.Reverts != nil {
			pr.Body = fmt.Sprintf("This reverts commit %s.\n\nReverts %s#%d", pr.Reverts.MergeCommitSHA, pr.Reverts.Repo.FullName(), pr.Reverts.Number)
		}
	}
	o.PullRequests = all
}

// prArrivals returns the first-commit times of team t's pull requests (people's or bots') at
// perDay a day; from the team's treatment date on at perDay/(1+ChangeLeadTime), as its deployment
// slots come 1/(1+ChangeLeadTime) times as often (see Effects.ChangeLeadTime).
func (g *gen) prArrivals(r *rand.Rand, t *Team, perDay float64, workHours bool) []time.Time {
	o := g.o
	e := g.eff.ChangeLeadTime
	if t.TreatedAt.IsZero() || !t.TreatedAt.Before(o.End) || e == 0 {
		return poissonTimes(r, o.Start, o.End, perDay, workHours)
	}
	at := t.TreatedAt
	if at.Before(o.Start) {
		at = o.Start
	}
	return append(poissonTimes(r, o.Start, at, perDay, workHours), poissonTimes(r, at, o.End, perDay/(1+e), workHours)...)
}

// clampEnd drops sub-records at or after End and unsets merge/close after End.
func (g *gen) clampPR(pr *PullRequest) {
	end := g.o.End
	n := len(pr.Commits)
	for n > 1 && !pr.Commits[n-1].CommittedAt.Before(end) {
		n--
	}
	pr.Commits = pr.Commits[:n:n]
	pr.HeadSHA = pr.Commits[n-1].SHA
	m := len(pr.Reviews)
	for m > 0 && !pr.Reviews[m-1].SubmittedAt.Before(end) {
		m--
	}
	pr.Reviews = pr.Reviews[:m:m]
	if !pr.ReadyAt.IsZero() && !pr.ReadyAt.Before(end) {
		pr.ReadyAt = end.Add(time.Hour) // still a draft at End
	}
	if !pr.ClosedAt.IsZero() && !pr.ClosedAt.Before(end) {
		pr.ClosedAt, pr.MergedAt, pr.MergedBy, pr.MergeCommitSHA = time.Time{}, time.Time{}, nil, ""
	}
}

func (g *gen) commit(ids *idGen, a *Person, msg string, at time.Time) Commit {
	name := a.Name
	if a.GitHub.Name != "" {
		name = a.GitHub.Name
	}
	return Commit{SHA: ids.sha(), Author: a, AuthorName: name, AuthorEmail: a.GitHub.CommitEmail, Message: msg, AuthoredAt: at, CommittedAt: at}
}

// pullRequest builds one PR whose first commit is at f.
func (g *gen) pullRequest(r *rand.Rand, ids *idGen, t *Team, rp *Repo, a *Person, f time.Time, team []*Person) *PullRequest {
	lead := lognormal(r, prLeadMedianHours, 1.0) * g.mult(t, f, g.eff.PRLeadTime)
	title := prVerbs[r.IntN(len(prVerbs))] + " " + prThings[r.IntN(len(prThings))]
	pr := &PullRequest{Repo: rp, Title: title, Author: a, BaseRef: rp.DefaultBranch, BaseSHA: ids.sha(),
		HeadRef: fmt.Sprintf("%s/%s-%d", strings.ToLower(strings.Fields(title)[0]), strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(title)[1:], "-")), " ", "-"), r.IntN(10000)),
		Body:    "## What\n" + title + ".\n\n## Why\nSee the linked ticket."}
	pr.Created = f.Add(dur(lead * (0.05 + 0.25*r.Float64())))
	end := f.Add(dur(lead))
	if r.Float64() < 0.15 {
		pr.ReadyAt = pr.Created.Add(dur(lead * 0.2 * r.Float64()))
	}
	pr.Commits = append(pr.Commits, g.commit(ids, a, title, f))
	span := end.Sub(pr.Created)
	at := func(frac float64) time.Time {
		return pr.Created.Add(time.Duration(float64(span) * frac)).Truncate(time.Second)
	}
	k := poisson(r, 1.5)
	fr := make([]float64, k)
	for i := range fr {
		fr[i] = 0.9 * r.Float64()
	}
	sort.Float64s(fr)
	for _, x := range fr {
		pr.Commits = append(pr.Commits, g.commit(ids, a, "Address review comments", at(x)))
	}
	var reviewers []*Person
	for _, p := range team {
		if p != a {
			reviewers = append(reviewers, p)
		}
	}
	if len(reviewers) > 0 {
		rv := reviewers[r.IntN(len(reviewers))]
		if r.Float64() < 0.2 {
			c := reviewers[r.IntN(len(reviewers))]
			pr.Reviews = append(pr.Reviews, Review{User: c, State: ReviewCommented, Body: "A few nits.", SubmittedAt: at(0.15)})
		}
		if r.Float64() < changesReqP {
			pr.Reviews = append(pr.Reviews, Review{User: rv, State: ReviewChangesRequested, Body: "Please add tests.", SubmittedAt: at(0.3)})
			pr.Commits = append(pr.Commits, g.commit(ids, a, "Add tests", at(0.4)))
			if r.Float64() < 0.3 {
				pr.Reviews = append(pr.Reviews, Review{User: rv, State: ReviewChangesRequested, Body: "One more thing.", SubmittedAt: at(0.6)})
				pr.Commits = append(pr.Commits, g.commit(ids, a, "Handle the edge case", at(0.7)))
			}
		}
		pr.Reviews = append(pr.Reviews, Review{User: rv, State: ReviewApproved, Body: "LGTM", SubmittedAt: at(0.95)})
		if r.Float64() < 0.3 {
			pr.MergedBy = rv
		}
	}
	sort.SliceStable(pr.Commits, func(x, y int) bool { return pr.Commits[x].CommittedAt.Before(pr.Commits[y].CommittedAt) })
	sort.SliceStable(pr.Reviews, func(x, y int) bool { return pr.Reviews[x].SubmittedAt.Before(pr.Reviews[y].SubmittedAt) })
	for i := range pr.Reviews {
		pr.Reviews[i].CommitID = headAt(pr.Commits, pr.Reviews[i].SubmittedAt)
	}
	switch x := r.Float64(); {
	case x < 0.86:
		pr.MergedAt, pr.ClosedAt = end, end
		if pr.MergedBy == nil {
			pr.MergedBy = a
		}
		pr.MergeCommitSHA = ids.sha()
		if !pr.ReadyAt.IsZero() && !pr.ReadyAt.Before(end) {
			pr.ReadyAt = end.Add(-time.Second)
		}
	case x < 0.94:
		pr.ClosedAt = end.Add(dur(lead * 0.3))
		pr.MergedBy = nil
	default:
		pr.MergedBy = nil // stays open; half of these as drafts
		if r.Float64() < 0.5 {
			pr.ReadyAt = g.o.End.Add(time.Hour)
		}
	}
	pr.HeadSHA = pr.Commits[len(pr.Commits)-1].SHA
	g.clampPR(pr)
	return pr
}

func headAt(cs []Commit, t time.Time) string {
	h := cs[0].SHA
	for _, c := range cs {
		if c.CommittedAt.After(t) {
			break
		}
		h = c.SHA
	}
	return h
}

// revert builds a PR that reverts the merged pr.
func (g *gen) revert(r *rand.Rand, ids *idGen, t *Team, pr *PullRequest, team []*Person) *PullRequest {
	f := pr.MergedAt.Add(dur(lognormal(r, 20, 0.8)))
	if !f.Before(g.o.End) {
		return nil
	}
	a := pr.Author
	if a.Kind != KindEmployee && len(team) > 0 {
		a = team[0]
	}
	rv := &PullRequest{Repo: pr.Repo, Title: fmt.Sprintf("Revert %q", pr.Title), Author: a, Created: f.Add(2 * time.Minute),
		BaseRef: pr.BaseRef, BaseSHA: pr.MergeCommitSHA, HeadRef: "revert-" + pr.HeadRef, Reverts: pr}
	rv.Commits = []Commit{g.commit(ids, a, fmt.Sprintf("Revert %q\n\nThis reverts commit %s.", pr.Title, pr.MergeCommitSHA), f)}
	m := rv.Created.Add(dur(0.5 + r.Float64()))
	for _, p := range team {
		if p != a {
			rv.Reviews = []Review{{User: p, State: ReviewApproved, Body: "Approved to unblock.", SubmittedAt: m.Add(-5 * time.Minute), CommitID: rv.Commits[0].SHA}}
			break
		}
	}
	rv.MergedAt, rv.ClosedAt, rv.MergedBy, rv.MergeCommitSHA = m, m, a, ids.sha()
	rv.HeadSHA = rv.Commits[0].SHA
	g.clampPR(rv)
	if rv.MergedAt.IsZero() {
		return nil // keep reverts simple: only merged ones
	}
	pr.RevertedBy = rv
	return rv
}

// botPR builds a dependency bump by dependabot or renovate.
func (g *gen) botPR(r *rand.Rand, ids *idGen, rp *Repo, f time.Time, team []*Person) *PullRequest {
	bot := g.bots.dependabot
	if r.Float64() < 0.3 {
		bot = g.bots.renovate
	}
	dep := deps[r.IntN(len(deps))]
	v := r.IntN(20)
	title := fmt.Sprintf("Bump %s from 1.%d.0 to 1.%d.0", dep, v, v+1)
	pr := &PullRequest{Repo: rp, Title: title, Author: bot, Created: f.Add(10 * time.Second), BaseRef: rp.DefaultBranch, BaseSHA: ids.sha(),
		HeadRef: fmt.Sprintf("dependabot/%s-1.%d.0", strings.ReplaceAll(dep, "/", "-"), v+1), Body: "Bumps " + dep + "."}
	pr.Commits = []Commit{g.commit(ids, bot, title, f)}
	pr.HeadSHA = pr.Commits[0].SHA
	end := f.Add(dur(lognormal(r, 40, 1.0)))
	rv := team[r.IntN(len(team))]
	if r.Float64() < 0.7 {
		pr.Reviews = []Review{{User: rv, State: ReviewApproved, SubmittedAt: end.Add(-time.Minute), CommitID: pr.HeadSHA}}
		pr.MergedAt, pr.ClosedAt, pr.MergedBy, pr.MergeCommitSHA = end, end, rv, ids.sha()
	} else {
		pr.ClosedAt = end
	}
	g.clampPR(pr)
	return pr
}

// deployments generates, per live repo, production deployments (with
// staging deployments before some) that ship the PRs merged since the
// previous successful production deployment.
func (g *gen) deployments(r *rand.Rand) {
	o := g.o
	var all []*Deployment
	var sid int64 = 3_000_000_000
	for _, rp := range o.Repos {
		if rp.Archived {
			continue
		}
		merged := make([]*PullRequest, 0, len(rp.PullRequests))
		for _, pr := range rp.PullRequests {
			if !pr.MergedAt.IsZero() {
				merged = append(merged, pr)
			}
		}
		sort.SliceStable(merged, func(a, b int) bool { return merged[a].MergedAt.Before(merged[b].MergedAt) })
		lastOK := o.Start
		var lastOKDep *Deployment
		next := 0 // first merged PR not yet deployed successfully
		staging := r.Float64() < 0.5
		t := o.Start
		var urgent time.Time // a revert to ship at once (see below)
		var after time.Time  // the next deployment comes after a rollback
		for {
			nt := t.Add(dur(lognormal(r, g.p.DeployIntervalHours, 0.6) * g.mult(rp.Team, t, g.eff.ChangeLeadTime)))
			if urgent.After(t) && urgent.Before(nt) {
				nt = urgent
			}
			if nt.Before(after) {
				nt = after
			}
			t, urgent = nt, time.Time{}
			if !t.Before(o.End) {
				break
			}
			// PRs merged in (lastOK, t].
			lo := next
			for lo < len(merged) && !merged[lo].MergedAt.After(lastOK) {
				lo++
			}
			hi := lo
			for hi < len(merged) && !merged[hi].MergedAt.After(t) {
				hi++
			}
			if hi == lo {
				continue
			}
			ships := merged[lo:hi:hi]
			creator := g.bots.actions
			if r.Float64() < 0.4 {
				if l := o.LeadOf(rp.Team, t); l != nil && l.GitHub != nil {
					creator = l
				}
			}
			sha := ships[len(ships)-1].MergeCommitSHA
			if staging {
				st := &Deployment{Repo: rp, SHA: sha, Ref: rp.DefaultBranch, Task: "deploy", Environment: "staging",
					Description: "Deploy to staging", Creator: creator, CreatedAt: t.Add(-40 * time.Minute)}
				st.Statuses = deployStatuses(r, st, creator, "success")
				st.FinalState = "success"
				all = append(all, st)
			}
			d := &Deployment{Repo: rp, SHA: sha, Ref: rp.DefaultBranch, Task: "deploy", Environment: "production",
				Description: "Deploy to production", Creator: creator, CreatedAt: t, Ships: ships}
			final := "success"
			if x := r.Float64(); x < 0.06 {
				final = "failure"
			} else if x < 0.08 {
				final = "error"
			}
			d.Statuses = deployStatuses(r, d, creator, final)
			d.FinalState = final
			all = append(all, d)
			if final == "success" {
				ok := d.Statuses[len(d.Statuses)-1].CreatedAt
				supersede(lastOKDep, ok, creator, o.End)
				for _, pr := range ships {
					if pr.DeployedBy == nil {
						pr.DeployedBy = d
					}
				}
				prev := lastOKDep
				lastOK, lastOKDep, next = t, d, hi
				// A pull request this deployment shipped reverted only after it finished failed
				// it: the revert ships by itself half an hour or so after its merge.
				for _, pr := range ships {
					if rv := pr.RevertedBy; rv != nil && rv.Created.After(ok) && (urgent.IsZero() || rv.MergedAt.Before(urgent)) {
						urgent = rv.MergedAt.Add(dur(lognormal(r, 0.5, 0.5)))
					}
				}
				// Planted DORA events (dora.go): a bug fix shipped, a failure and its rollback.
				g.bugFix(r, d)
				if rb := g.failure(r, d, prev); rb != nil {
					// The rollback is a successful production deployment like any other: by the
					// rule it ships what was merged since d's creation (seldom anything, as it
					// comes within hours), and the next deployment comes after it.
					end := next
					for end < len(merged) && !merged[end].MergedAt.After(rb.CreatedAt) {
						end++
					}
					if end > next {
						rb.Ships = merged[next:end:end]
						for _, pr := range rb.Ships {
							if pr.DeployedBy == nil {
								pr.DeployedBy = rb
							}
						}
					}
					all = append(all, rb)
					lastOK, lastOKDep, next = rb.CreatedAt, rb, end
					after = rb.CreatedAt.Add(time.Minute)
				}
			}
		}
	}
	g.dropCoincidences(all)
	sort.SliceStable(all, func(a, b int) bool { return all[a].CreatedAt.Before(all[b].CreatedAt) })
	for i, d := range all {
		d.ID = 2_000_000_000 + int64(i)*7 + 3
		d.Repo.Deployments = append(d.Repo.Deployments, d)
		n := len(d.Statuses)
		for n > 0 && !d.Statuses[n-1].CreatedAt.Before(o.End) {
			n--
		}
		d.Statuses = d.Statuses[:n:n]
		for k := range d.Statuses {
			sid += 1 + int64(k%3)
			d.Statuses[k].ID = sid
			d.Statuses[k].LogURL = fmt.Sprintf("https://ci.acme.example/%s/deploy/%d", d.Repo.Name, d.ID)
		}
	}
	// A PR is deployed only by a success status before End.
	for _, pr := range o.PullRequests {
		if pr.DeployedBy != nil && pr.DeployedBy.SucceededAt(o.End).IsZero() {
			pr.DeployedBy = nil
		}
	}
	o.Deployments = all
}

// supersede marks the previous successful production deployment inactive when a newer one
// succeeds at ok (before End).
func supersede(prev *Deployment, ok time.Time, creator *Person, end time.Time) {
	if prev == nil || !ok.Before(end) {
		return
	}
	prev.Statuses = append(prev.Statuses, DeploymentStatus{State: "inactive", Environment: "production",
		Description: "Superseded by a newer deployment", Creator: creator, CreatedAt: ok})
	prev.FinalState = "inactive"
}

func deployStatuses(r *rand.Rand, d *Deployment, creator *Person, final string) []DeploymentStatus {
	t := d.CreatedAt
	q := DeploymentStatus{State: "queued", Environment: d.Environment, Creator: creator, CreatedAt: t.Add(time.Second)}
	ip := DeploymentStatus{State: "in_progress", Environment: d.Environment, Creator: creator, CreatedAt: q.CreatedAt.Add(time.Duration(20+r.IntN(100)) * time.Second)}
	f := DeploymentStatus{State: final, Environment: d.Environment, Creator: creator, CreatedAt: ip.CreatedAt.Add(time.Duration(180+r.IntN(720)) * time.Second),
		Description: "Deployment " + final}
	return []DeploymentStatus{q, ip, f}
}
