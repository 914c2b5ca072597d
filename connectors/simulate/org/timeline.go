package org

import (
	"sort"
	"time"
)

// upTo returns how many of n time-sorted items have time(i) <= now.
func upTo(n int, now time.Time, at func(i int) time.Time) int {
	return sort.Search(n, func(i int) bool { return at(i).After(now) })
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ---------------------------------------------------------------- incidents

// VisibleAt reports whether the incident exists as of now.
func (in *Incident) VisibleAt(now time.Time) bool { return !in.CreatedAt.After(now) }

// LogEntriesAt returns the log entries at or before now (a prefix of Log; do not modify).
func (in *Incident) LogEntriesAt(now time.Time) []LogEntry {
	return in.Log[:upTo(len(in.Log), now, func(i int) time.Time { return in.Log[i].At })]
}

// UpdatedAt returns the time of the last log entry at or before now.
func (in *Incident) UpdatedAt(now time.Time) time.Time {
	l := in.LogEntriesAt(now)
	if len(l) == 0 {
		return in.CreatedAt
	}
	return l[len(l)-1].At
}

// StateAt replays the log up to now.
func (in *Incident) StateAt(now time.Time) IncidentState {
	l := in.LogEntriesAt(now)
	s := IncidentState{Status: StatusTriggered, Level: 1, LastStatusChangeAt: in.CreatedAt, UpdatedAt: in.CreatedAt, NumLogEntries: len(l)}
	for i := range l {
		e := &l[i]
		s.UpdatedAt = e.At
		switch e.Type {
		case LogTrigger:
			s.Status, s.Assignees, s.Acknowledgers = StatusTriggered, e.Assignees, nil
			if e.Level > 0 {
				s.Level = e.Level
			}
			s.LastStatusChangeAt, s.LastStatusChangeBy = e.At, e.Agent
		case LogEscalate:
			s.Status, s.Assignees, s.Acknowledgers = StatusTriggered, e.Assignees, nil
			if e.Level > 0 {
				s.Level = e.Level
			}
			s.LastStatusChangeAt, s.LastStatusChangeBy = e.At, e.Agent
		case LogAssign:
			s.Status, s.Assignees, s.Acknowledgers = StatusTriggered, e.Assignees, nil
			s.LastStatusChangeAt, s.LastStatusChangeBy = e.At, e.Agent
		case LogAcknowledge:
			s.Status = StatusAcknowledged
			if e.Agent != nil {
				s.Acknowledgers = append(append([]*Person(nil), s.Acknowledgers...), e.Agent)
			}
			s.LastStatusChangeAt, s.LastStatusChangeBy = e.At, e.Agent
		case LogResolve:
			s.Status, s.Assignees, s.Acknowledgers = StatusResolved, nil, nil
			s.ResolvedAt = e.At
			s.LastStatusChangeAt, s.LastStatusChangeBy = e.At, e.Agent
		}
	}
	return s
}

// Escalated reports whether the incident has an escalate entry at or before now.
func (in *Incident) Escalated(now time.Time) bool {
	for _, e := range in.LogEntriesAt(now) {
		if e.Type == LogEscalate {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- issues

// VisibleAt reports whether the issue exists (created, not yet deleted) as of now.
func (is *Issue) VisibleAt(now time.Time) bool {
	return !is.Created.After(now) && (is.DeletedAt.IsZero() || now.Before(is.DeletedAt))
}

// HistoryAt returns the changelog entries at or before now (a prefix of History; do not modify).
func (is *Issue) HistoryAt(now time.Time) []ChangeGroup {
	return is.History[:upTo(len(is.History), now, func(i int) time.Time { return is.History[i].Created })]
}

// UpdatedAt returns the time of the last change at or before now (Created if none).
func (is *Issue) UpdatedAt(now time.Time) time.Time { return is.StateAt(now).Updated }

// StateAt returns the issue's fields as of now.
func (is *Issue) StateAt(now time.Time) IssueState {
	n := len(is.HistoryAt(now))
	if n < len(is.states) {
		return is.states[n]
	}
	// Fallback for hand-built issues without precomputed states.
	return is.replay(n)
}

// replay computes the state after the first n history entries from the items.
func (is *Issue) replay(n int) IssueState {
	s := IssueState{Status: is.InitialStatus, Priority: is.InitialPriority, Assignee: is.InitialAssignee, Labels: is.InitialLabels, Updated: is.Created}
	for _, g := range is.History[:n] {
		s.Updated = g.Created
		for _, it := range g.Items {
			if it.Field == "assignee" {
				s.Assignee = it.ToPerson
			}
		}
	}
	return s
}

// Reopened reports whether the status moved out of the done category at
// least once at or before now.
func (is *Issue) Reopened(now time.Time) bool {
	n := len(is.HistoryAt(now))
	if n >= len(is.states) {
		return false
	}
	for i := 1; i <= n; i++ {
		if is.states[i-1].Status.Category.Key == "done" && is.states[i].Status.Category.Key != "done" {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- pull requests

// VisibleAt reports whether the pull request exists as of now.
func (pr *PullRequest) VisibleAt(now time.Time) bool { return !pr.Created.After(now) }

// CommitsAt returns the commits pushed at or before now (a prefix of Commits; do not modify).
func (pr *PullRequest) CommitsAt(now time.Time) []Commit {
	return pr.Commits[:upTo(len(pr.Commits), now, func(i int) time.Time { return pr.Commits[i].CommittedAt })]
}

// ReviewsAt returns the reviews submitted at or before now (a prefix of Reviews; do not modify).
func (pr *PullRequest) ReviewsAt(now time.Time) []Review {
	return pr.Reviews[:upTo(len(pr.Reviews), now, func(i int) time.Time { return pr.Reviews[i].SubmittedAt })]
}

// MergedAtNow reports whether the PR is merged as of now.
func (pr *PullRequest) MergedAtNow(now time.Time) bool {
	return !pr.MergedAt.IsZero() && !pr.MergedAt.After(now)
}

// UpdatedAt returns the time of the last event at or before now.
func (pr *PullRequest) UpdatedAt(now time.Time) time.Time { return pr.StateAt(now).UpdatedAt }

// StateAt returns the pull request as of now.
func (pr *PullRequest) StateAt(now time.Time) PRState {
	c, r := pr.CommitsAt(now), pr.ReviewsAt(now)
	s := PRState{State: "open", UpdatedAt: pr.Created, NumCommits: len(c), NumReviews: len(r), HeadSHA: pr.HeadSHA}
	if len(c) > 0 {
		s.HeadSHA = c[len(c)-1].SHA
		s.UpdatedAt = later(s.UpdatedAt, c[len(c)-1].CommittedAt)
	}
	if len(r) > 0 {
		s.UpdatedAt = later(s.UpdatedAt, r[len(r)-1].SubmittedAt)
	}
	if !pr.ReadyAt.IsZero() {
		if now.Before(pr.ReadyAt) {
			s.Draft = true
		} else {
			s.UpdatedAt = later(s.UpdatedAt, pr.ReadyAt)
		}
	}
	if !pr.ClosedAt.IsZero() && !pr.ClosedAt.After(now) {
		s.State, s.ClosedAt = "closed", pr.ClosedAt
		s.UpdatedAt = later(s.UpdatedAt, pr.ClosedAt)
		if !pr.MergedAt.IsZero() {
			s.Merged, s.MergedAt, s.MergedBy, s.MergeCommitSHA = true, pr.MergedAt, pr.MergedBy, pr.MergeCommitSHA
		}
	}
	return s
}

// ChangesRequested reports whether a CHANGES_REQUESTED review exists at or before now.
func (pr *PullRequest) ChangesRequested(now time.Time) bool {
	for _, r := range pr.ReviewsAt(now) {
		if r.State == ReviewChangesRequested {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- deployments

// VisibleAt reports whether the deployment exists as of now.
func (d *Deployment) VisibleAt(now time.Time) bool { return !d.CreatedAt.After(now) }

// StatusesAt returns the statuses created at or before now, oldest first (a
// prefix of Statuses; do not modify). The API lists them newest first.
func (d *Deployment) StatusesAt(now time.Time) []DeploymentStatus {
	return d.Statuses[:upTo(len(d.Statuses), now, func(i int) time.Time { return d.Statuses[i].CreatedAt })]
}

// StateAt returns the state of the last status at or before now ("" if none).
func (d *Deployment) StateAt(now time.Time) string {
	s := d.StatusesAt(now)
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].State
}

// UpdatedAt returns the time of the last status at or before now.
func (d *Deployment) UpdatedAt(now time.Time) time.Time {
	s := d.StatusesAt(now)
	if len(s) == 0 {
		return d.CreatedAt
	}
	return s[len(s)-1].CreatedAt
}

// SucceededAt returns the time of the success status (zero if none at or before now).
func (d *Deployment) SucceededAt(now time.Time) time.Time {
	for _, s := range d.StatusesAt(now) {
		if s.State == "success" {
			return s.CreatedAt
		}
	}
	return time.Time{}
}

// ---------------------------------------------------------------- slices up to now

// IncidentsUpTo returns the incidents created at or before now (a prefix of Incidents).
func (o *Org) IncidentsUpTo(now time.Time) []*Incident {
	return o.Incidents[:upTo(len(o.Incidents), now, func(i int) time.Time { return o.Incidents[i].CreatedAt })]
}

// IssuesUpTo returns the issues created at or before now (a prefix of
// Issues); callers must still drop those with !VisibleAt(now) (deleted).
func (o *Org) IssuesUpTo(now time.Time) []*Issue {
	return o.Issues[:upTo(len(o.Issues), now, func(i int) time.Time { return o.Issues[i].Created })]
}

// PullRequestsUpTo returns the PRs of all repos created at or before now (a prefix of PullRequests).
func (o *Org) PullRequestsUpTo(now time.Time) []*PullRequest {
	return o.PullRequests[:upTo(len(o.PullRequests), now, func(i int) time.Time { return o.PullRequests[i].Created })]
}

// DeploymentsUpTo returns the deployments of all repos created at or before now (a prefix of Deployments).
func (o *Org) DeploymentsUpTo(now time.Time) []*Deployment {
	return o.Deployments[:upTo(len(o.Deployments), now, func(i int) time.Time { return o.Deployments[i].CreatedAt })]
}

// PullRequestsUpTo returns the repo's PRs created at or before now (a prefix, by number).
func (r *Repo) PullRequestsUpTo(now time.Time) []*PullRequest {
	return r.PullRequests[:upTo(len(r.PullRequests), now, func(i int) time.Time { return r.PullRequests[i].Created })]
}

// DeploymentsUpTo returns the repo's deployments created at or before now (a prefix).
func (r *Repo) DeploymentsUpTo(now time.Time) []*Deployment {
	return r.Deployments[:upTo(len(r.Deployments), now, func(i int) time.Time { return r.Deployments[i].CreatedAt })]
}
