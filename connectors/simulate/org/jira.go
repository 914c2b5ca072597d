package org

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

// EscalationLabel is the label the simulator adds to escalated tickets.
const EscalationLabel = "escalated"

var (
	issueVerbs  = []string{"Fix", "Add", "Remove", "Refactor", "Investigate", "Document", "Upgrade", "Speed up", "Migrate", "Clean up"}
	issueThings = []string{"retry logic", "rate limiter", "login flow", "export job", "cache invalidation", "alert thresholds",
		"schema migration", "feature flag", "dashboard", "webhook handler", "batch importer", "error messages"}
	labelPool = []string{"backend", "frontend", "tech-debt", "customer", "security", "performance"}
)

// ticket base parameters.
const (
	issuesPerMemberDay = 0.065
	waitMedianHours    = 30
	cycleMedianHours   = 60
	reopenBase         = 0.12
	raiseP             = 0.08
	labelP             = 0.04
	reassignTicketP    = 0.12
	deleteP            = 0.006
)

type issueEvent struct {
	at   time.Time
	kind int
}

const (
	evStart = iota
	evReview
	evDone
	evWontDo
	evRaise
	evLabel
	evReassign
	evReopen
	evRedone
)

// jira generates the issues of every project.
func (g *gen) jira(r *rand.Rand) {
	o := g.o
	mid := o.Start.Add(o.End.Sub(o.Start) / 2)
	var all []*Issue
	for _, t := range o.Teams {
		size := len(g.membersWith(t, mid, anyone))
		if size == 0 {
			size = 1
		}
		pr := t.Projects[0]
		for _, t0 := range poissonTimes(r, o.Start, o.End, issuesPerMemberDay*float64(size)*g.p.Scale*g.p.TicketScale, true) {
			if is := g.issue(r, t, pr, t0); is != nil {
				all = append(all, is)
			}
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Created.Before(all[b].Created) })
	next := map[*JiraProject]int{}
	gid := 100000
	for i, is := range all {
		is.ID = fmt.Sprint(10000 + i)
		next[is.Project]++
		is.Key = fmt.Sprintf("%s-%d", is.Project.Key, next[is.Project])
		for k := range is.History {
			gid++
			is.History[k].ID = fmt.Sprint(gid)
		}
	}
	o.Issues = all
}

func (g *gen) issue(r *rand.Rand, t *Team, pr *JiraProject, t0 time.Time) *Issue {
	o := g.o
	members := g.membersWith(t, t0, anyone)
	if len(members) == 0 {
		return nil
	}
	pick := func() *Person { return members[r.IntN(len(members))] }
	is := &Issue{Project: pr, Created: t0}
	switch x := r.Float64(); {
	case x < 0.03 && len(g.contract) > 0:
		is.Reporter = g.contract[r.IntN(len(g.contract))]
	case x < 0.05:
		is.Reporter = g.bots.jiraAutomation
	default:
		is.Reporter = pick()
	}
	is.Type = o.IssueTypes[r.IntN(len(o.IssueTypes))]
	is.Summary = issueVerbs[r.IntN(len(issueVerbs))] + " " + issueThings[r.IntN(len(issueThings))]
	if is.Type.Name == "Bug" {
		is.Summary = "Bug: " + strings.ToLower(is.Summary[:1]) + is.Summary[1:]
	}
	is.InitialStatus = o.Statuses[0]
	is.InitialPriority = o.JiraPriorities[2+r.IntN(3)-1] // High, Medium or Low
	if r.Float64() < 0.1 {
		is.InitialPriority = o.JiraPriorities[0]
	}
	assignee := pick()
	if r.Float64() < 0.7 {
		is.InitialAssignee = assignee
	}
	if r.Float64() < 0.5 {
		is.InitialLabels = []string{labelPool[r.IntN(len(labelPool))]}
	}
	if r.Float64() < 0.4 {
		is.DueDate = day(t0.AddDate(0, 0, 3+r.IntN(19)))
	}
	if r.Float64() < deleteP {
		is.DeletedAt = t0.Add(time.Duration(24+r.IntN(120*24)) * time.Hour)
	}

	m := g.mult(t, t0, g.eff.TicketResolve)
	wait := lognormal(r, waitMedianHours, 1.0) * m
	cycle := lognormal(r, cycleMedianHours, 0.9) * m
	start := t0.Add(dur(wait))
	done := start.Add(dur(cycle))
	var evs []issueEvent
	switch x := r.Float64(); {
	case x < 0.05:
		evs = append(evs, issueEvent{start, evWontDo})
	case x < 0.09:
		// abandoned: stays in To Do
	default:
		evs = append(evs, issueEvent{start, evStart}, issueEvent{done, evDone})
		if r.Float64() < 0.6 {
			evs = append(evs, issueEvent{start.Add(dur(cycle * (0.5 + 0.35*r.Float64()))), evReview})
		}
		pReopen := reopenBase * g.mult(t, t0, g.eff.TicketReopened)
		if r.Float64() < pReopen {
			ro := done.Add(dur(lognormal(r, 72, 0.8)))
			evs = append(evs, issueEvent{ro, evReopen}, issueEvent{ro.Add(dur(lognormal(r, 24, 0.8) * m)), evRedone})
		}
		if r.Float64() < reassignTicketP {
			evs = append(evs, issueEvent{start.Add(dur(cycle * 0.3 * r.Float64())), evReassign})
		}
	}
	if r.Float64() < raiseP {
		evs = append(evs, issueEvent{t0.Add(dur(wait * r.Float64())), evRaise})
	}
	if r.Float64() < labelP {
		evs = append(evs, issueEvent{t0.Add(dur(wait * r.Float64())), evLabel})
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].at.Before(evs[b].at) })

	cur := IssueState{Status: is.InitialStatus, Priority: is.InitialPriority, Assignee: is.InitialAssignee, Labels: is.InitialLabels, Updated: t0}
	is.states = make([]IssueState, 1, len(evs)+2)
	is.states[0] = cur
	is.History = make([]ChangeGroup, 0, len(evs))
	last := t0
	for _, ev := range evs {
		at := ev.at
		if !at.After(last) {
			at = last.Add(time.Second)
		}
		if !at.Before(o.End) {
			break
		}
		grp := ChangeGroup{Created: at}
		author := assignee
		switch ev.kind {
		case evStart:
			if cur.Assignee == nil {
				grp.Items = append(grp.Items, assigneeItem(nil, assignee))
				cur.Assignee = assignee
			}
			grp.Items = append(grp.Items, g.statusItems(&cur, o.Statuses[1], at)...)
		case evReview:
			if cur.Status == o.Statuses[1] {
				grp.Items = append(grp.Items, g.statusItems(&cur, o.Statuses[2], at)...)
			}
		case evDone, evRedone:
			grp.Items = append(grp.Items, g.statusItems(&cur, o.Statuses[3], at)...)
		case evWontDo:
			author = pr.Team.leadOr(o, at, assignee)
			grp.Items = append(grp.Items, g.statusItems(&cur, o.Statuses[4], at)...)
		case evReopen:
			author = is.Reporter
			if cur.Status.Category.Key == "done" {
				grp.Items = append(grp.Items, g.statusItems(&cur, o.Statuses[1], at)...)
			}
		case evRaise:
			author = pr.Team.leadOr(o, at, assignee)
			if cur.Priority.Rank > 1 {
				np := o.JiraPriorities[cur.Priority.Rank-2]
				grp.Items = append(grp.Items, ChangeItem{Field: "priority", FieldType: "jira", FieldID: "priority",
					From: cur.Priority.ID, FromString: cur.Priority.Name, To: np.ID, ToString: np.Name})
				cur.Priority = np
			}
		case evLabel:
			author = g.bots.jiraAutomation
			if !slices.Contains(cur.Labels, EscalationLabel) {
				nl := append(slices.Clip(cur.Labels), EscalationLabel)
				grp.Items = append(grp.Items, ChangeItem{Field: "labels", FieldType: "jira", FieldID: "labels",
					FromString: strings.Join(cur.Labels, " "), ToString: strings.Join(nl, " ")})
				cur.Labels = nl
			}
		case evReassign:
			var other *Person
			for range 4 {
				if c := members[r.IntN(len(members))]; c != cur.Assignee {
					other = c
					break
				}
			}
			if other != nil {
				author = cur.Assignee
				if author == nil {
					author = assignee
				}
				grp.Items = append(grp.Items, assigneeItem(cur.Assignee, other))
				cur.Assignee = other
			}
		}
		if len(grp.Items) == 0 {
			continue
		}
		grp.Author = author
		cur.Updated = at
		last = at
		is.History = append(is.History, grp)
		is.states = append(is.states, cur)
	}
	return is
}

// leadOr returns the team's lead at t, or def.
func (t *Team) leadOr(o *Org, at time.Time, def *Person) *Person {
	if l := o.LeadOf(t, at); l != nil {
		return l
	}
	return def
}

func assigneeItem(from, to *Person) ChangeItem {
	it := ChangeItem{Field: "assignee", FieldType: "jira", FieldID: "assignee", FromPerson: from, ToPerson: to}
	if from != nil {
		it.From, it.FromString = from.Jira.AccountID, from.Jira.DisplayName
	}
	if to != nil {
		it.To, it.ToString = to.Jira.AccountID, to.Jira.DisplayName
	}
	return it
}

// statusItems moves cur to status s at t: a status item plus, when the
// done category is entered or left, a resolution item.
func (g *gen) statusItems(cur *IssueState, s *Status, at time.Time) []ChangeItem {
	if cur.Status == s {
		return nil
	}
	items := []ChangeItem{{Field: "status", FieldType: "jira", FieldID: "status",
		From: cur.Status.ID, FromString: cur.Status.Name, To: s.ID, ToString: s.Name}}
	wasDone, isDone := cur.Status.Category.Key == "done", s.Category.Key == "done"
	cur.Status = s
	switch {
	case isDone && !wasDone:
		res := g.o.Resolutions[0]
		if s.Name == "Closed" {
			res = g.o.Resolutions[1]
		}
		items = append(items, ChangeItem{Field: "resolution", FieldType: "jira", FieldID: "resolution", To: res.ID, ToString: res.Name})
		cur.Resolution, cur.ResolutionDate = res, at
	case wasDone && !isDone:
		items = append(items, ChangeItem{Field: "resolution", FieldType: "jira", FieldID: "resolution",
			From: cur.Resolution.ID, FromString: cur.Resolution.Name})
		cur.Resolution, cur.ResolutionDate = nil, time.Time{}
	}
	return items
}
