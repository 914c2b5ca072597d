package org

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// MatchRule is how a correct identity resolver links a source account to a person.
type MatchRule string

// Match rules.
const (
	// RuleEmail: the account's email (PagerDuty; Jira when not hidden)
	// equals the work email, compared case-insensitively.
	RuleEmail MatchRule = "email"
	// RuleCommitEmail: a GitHub login whose commits (at least one visible
	// as of now) carry the work email.
	RuleCommitEmail MatchRule = "commit_email"
	// RuleNoreply: a GitHub login whose commits use the noreply form
	// "ID+login@users.noreply.github.com"; the login is linked to the person
	// by a row of identities.csv (Org.IdentityOverrides).
	RuleNoreply MatchRule = "noreply"
	// RuleOverride: a Jira account with a hidden email, linked by identities.csv.
	RuleOverride MatchRule = "override"
	// RuleNone: the account cannot be matched to an employee (bots,
	// contractors, hidden emails and noreply commits without an override,
	// GitHub users without a visible commit).
	RuleNone MatchRule = "none"
)

// Truth is the ground truth of an organisation as of a given now.
type Truth struct {
	Seed  uint64    `json:"seed"`
	Size  string    `json:"size"`
	Now   time.Time `json:"now"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`

	Counts   Counts            `json:"counts"`
	Identity IdentityTruth     `json:"identity"`
	Teams    []TeamTruth       `json:"teams"`
	People   []PersonTruth     `json:"people"`
	Effects  []EffectTruth     `json:"effects"`
	Trend    TrendTruth        `json:"trend"`
	Cohorts  []CohortTruth     `json:"cohorts"`
	Deploys  DeploymentRule    `json:"deployment_rule"`
	Notes    map[string]string `json:"notes"`
}

// Counts are entity counts as the APIs show them at now (visible records,
// state and sub-records as of now).
type Counts struct {
	People      int `json:"people"`
	Employees   int `json:"employees"`
	Contractors int `json:"contractors"`
	Bots        int `json:"bots"`
	Teams       int `json:"teams"`
	Memberships int `json:"memberships"`
	Enrollments int `json:"enrollments"`
	Completed   int `json:"enrollments_completed"`
	Dropouts    int `json:"enrollments_dropped"`

	Services            int            `json:"services"`
	EscalationPolicies  int            `json:"escalation_policies"`
	Incidents           int            `json:"incidents"`
	IncidentsOpen       int            `json:"incidents_open"`
	IncidentsResolved   int            `json:"incidents_resolved"`
	IncidentsEscalated  int            `json:"incidents_escalated"`
	IncidentsReassigned int            `json:"incidents_reassigned"`
	LogEntries          int            `json:"log_entries"`
	LogEntriesByType    map[string]int `json:"log_entries_by_type"`

	Projects                int            `json:"projects"`
	Tickets                 int            `json:"tickets"`
	TicketsDeleted          int            `json:"tickets_deleted"`
	TicketsOpen             int            `json:"tickets_open"`
	TicketsResolved         int            `json:"tickets_resolved"`
	TicketsReopened         int            `json:"tickets_reopened"`
	TicketsPriorityRaised   int            `json:"tickets_priority_raised"`
	TicketsEscalationLabel  int            `json:"tickets_escalation_label"`
	TicketsRaisedOrLabelled int            `json:"tickets_priority_raised_or_escalation_label"`
	TicketsWithDueDate      int            `json:"tickets_with_due_date"`
	ChangeGroups            int            `json:"change_groups"`
	ChangelogItems          int            `json:"changelog_items"`
	ChangelogItemsByField   map[string]int `json:"changelog_items_by_field"`

	Repos                        int            `json:"repos"`
	ReposArchived                int            `json:"repos_archived"`
	PullRequests                 int            `json:"pull_requests"`
	PullRequestsOpen             int            `json:"pull_requests_open"`
	PullRequestsDraft            int            `json:"pull_requests_draft"`
	PullRequestsMerged           int            `json:"pull_requests_merged"`
	PullRequestsClosedUnmerged   int            `json:"pull_requests_closed_unmerged"`
	PullRequestsChangesRequested int            `json:"pull_requests_changes_requested"`
	Commits                      int            `json:"commits"`
	Reviews                      int            `json:"reviews"`
	ReviewsByState               map[string]int `json:"reviews_by_state"`
	RevertPRs                    int            `json:"revert_prs"`
	RevertsLinked                int            `json:"reverts_linked"` // revert PRs whose target is visible
	RevertedPRs                  int            `json:"reverted_prs"`   // merged PRs with a merged revert as of now

	Deployments          int            `json:"deployments"`
	DeploymentsByEnv     map[string]int `json:"deployments_by_environment"`
	DeploymentStatuses   int            `json:"deployment_statuses"`
	DeploymentsLinked    int            `json:"deployments_linked"` // production deployments shipping ≥1 PR
	PullRequestsDeployed int            `json:"pull_requests_deployed"`

	// Events = log entries + changelog items + commits + reviews + deployment statuses.
	Events int `json:"events"`
}

// IdentityTruth says which account belongs to whom and how it can be matched.
type IdentityTruth struct {
	Accounts []AccountTruth `json:"accounts"`
	// Summary counts seen accounts per source and rule ("github/commit_email": 12).
	Summary map[string]int `json:"summary"`
	// Matched and Unmatched count seen accounts per source.
	Matched   map[string]int `json:"matched"`
	Unmatched map[string]int `json:"unmatched"`
	// OnlyCommitEmail counts employees whose only matchable account is a
	// GitHub login matched by commit email.
	OnlyCommitEmail int `json:"people_only_commit_email"`
}

// AccountTruth is one account in one source.
type AccountTruth struct {
	Source string    `json:"source"` // github, jira, pagerduty
	ID     string    `json:"id"`     // GitHub numeric id, Jira accountId, PagerDuty user id
	Login  string    `json:"login"`  // GitHub login, Jira DC user name
	Email  string    `json:"email"`  // as the API shows it ("" when hidden); GitHub: the commit email
	Owner  string    `json:"owner"`  // person id of the true owner ("" for bots)
	Kind   string    `json:"kind"`   // employee, contractor, bot
	Person string    `json:"person"` // work email of the matched employee ("" when Rule is none)
	Rule   MatchRule `json:"rule"`
	Seen   bool      `json:"seen"` // acts in a visible record as of now
}

// TeamTruth is a team's treatment and volume.
type TeamTruth struct {
	ID          string     `json:"id"`
	TreatedAt   *time.Time `json:"treated_at"`
	Cohort      string     `json:"cohort,omitempty"`
	TreatedNow  bool       `json:"treated_now"`
	LeadNow     string     `json:"lead_now"` // work email of the lead at now
	LeadChanges int        `json:"lead_changes"`
	Effect      float64    `json:"random_effect"`
	// Volumes by native ownership (incident: service's team; ticket:
	// project's team; PR: repo's team), visible at now.
	Incidents    int `json:"incidents"`
	Tickets      int `json:"tickets"`
	PullRequests int `json:"pull_requests"`
}

// PersonTruth is one employee's program participation.
type PersonTruth struct {
	Email       string     `json:"email"`
	TeamNow     string     `json:"team_now"`
	Cohort      string     `json:"cohort,omitempty"`
	EnrolledAt  *time.Time `json:"enrolled_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"` // = person-level treatment date
	DroppedAt   *time.Time `json:"dropped_at,omitempty"`
}

// CohortTruth is one cohort.
type CohortTruth struct {
	ID        string    `json:"id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Enrolled  int       `json:"enrolled"`
	Completed int       `json:"completed"`
	Dropped   int       `json:"dropped"`
	Teams     int       `json:"teams_treated"`
}

// EffectTruth is the planted effect of one metric.
type EffectTruth struct {
	Metric   string  `json:"metric"`
	Kind     string  `json:"kind"`     // duration or proportion
	Relative float64 `json:"relative"` // e: value ×(1+e) in treated team-periods
	// Log is ln(1+e), the effect on mean log duration (durations only; for
	// proportions the same number is reported but the DiD on shares sees
	// e × baseline share).
	Log float64 `json:"log"`
	// BaselineShare is the untreated share for proportions (before trend).
	BaselineShare float64 `json:"baseline_share,omitempty"`
	Description   string  `json:"description"`
}

// TrendTruth is the shared time trend and seasonality.
type TrendTruth struct {
	PerMonth     float64     `json:"per_month"`     // relative change of every duration per month
	LogPerMonth  float64     `json:"log_per_month"` // ln(1+PerMonth)
	Seasonality  [12]float64 `json:"seasonality"`   // multiplier by calendar month, January first
	TeamEffectSD float64     `json:"team_effect_log_sd"`
}

// DeploymentRule documents which PRs each deployment ships.
type DeploymentRule struct {
	Rule string `json:"rule"`
}

// Truth computes the ground truth as of now.
func (o *Org) Truth(now time.Time) *Truth {
	now = now.UTC()
	t := &Truth{Seed: o.Params.Seed, Size: fmt.Sprint(o.Params.People, " people"), Now: now, Start: o.Start, End: o.End}
	t.Counts = o.counts(now)
	t.Identity = o.identityTruth(now)
	t.Teams = o.teamTruth(now)
	t.People = o.personTruth(now)
	t.Cohorts = o.cohortTruth()
	e := *o.Params.Effects
	lg := func(x float64) float64 { return math.Log1p(x) }
	t.Effects = []EffectTruth{
		{MetricIncidentResolve, "duration", e.IncidentResolve, lg(e.IncidentResolve), 0, "resolved_at − created_at ×(1+e)"},
		{MetricIncidentAck, "duration", e.IncidentAck, lg(e.IncidentAck), 0, "first acknowledge − created_at ×(1+e)"},
		{MetricIncidentEscalated, "proportion", e.IncidentEscalated, lg(e.IncidentEscalated), escalateBase, "P(≥1 escalate entry) ×(1+e)"},
		{MetricTicketReopened, "proportion", e.TicketReopened, lg(e.TicketReopened), reopenBase, "P(reopened | worked on) ×(1+e)"},
		{MetricTicketResolve, "duration", e.TicketResolve, lg(e.TicketResolve), 0, "resolutiondate − created ×(1+e)"},
		{MetricTicketCycle, "duration", e.TicketResolve, lg(e.TicketResolve), 0, "first in-progress → resolution ×(1+e) (same parameter as ticket_resolve_hours)"},
		{MetricPRLeadTime, "duration", e.PRLeadTime, lg(e.PRLeadTime), 0, "first commit → merge ×(1+e)"},
		{MetricChangeLeadTime, "duration", e.ChangeLeadTime, lg(e.ChangeLeadTime), 0,
			"deployment interval of the repo's team ×(1+e); first commit → production deploy moves by e when pr_lead_time has the same e"},
		{MetricDeploymentFrequency, "count", 1/(1+e.ChangeLeadTime) - 1, -lg(e.ChangeLeadTime), 0,
			"production deployments per team-week ×1/(1+e) with e the change_lead_time effect: deployment slots and pull requests both come 1/(1+e) times as often (a rollback that ships nothing is the bot's and counts for no team)"},
		{MetricChangeFailureRate, "proportion", e.ChangeFailure, lg(e.ChangeFailure), changeFailureBase,
			"P(a successful production deployment causes an incident on its repository's service within hours) ×(1+e); reverts (rework effect) also fail deployments, so this holds exactly when the rework effect is the same"},
		{MetricRecovery, "duration", e.Recovery, lg(e.Recovery), 0,
			"failure (incident trigger) → automated rollback finished ×(1+e); the incident resolves minutes later"},
		{MetricRework, "proportion", e.Rework, lg(e.Rework), reworkBase,
			"P(a production deployment ships a pull request titled with a Jira Bug's key) ×(1+e), and P(a merged pull request is reverted) ×(1+e)"},
		{MetricPRReverted, "proportion", e.Rework, lg(e.Rework), revertP, "P(a merged pull request is reverted) ×(1+e) (the rework effect)"},
		{MetricAttrition, "proportion", e.Attrition, lg(e.Attrition), attritionPerMonth,
			"P(a team member leaves the organisation in a month) ×(1+e) once the team is treated (leads and program participants never leave)"},
		{MetricJSMSatisfaction, "proportion", e.JSMSatisfaction, lg(e.JSMSatisfaction), JSMSatisfiedBase,
			"P(a request's CSAT rating is 4 or 5) ×(1+e) when the project's team was treated by the resolution (the Jira simulator's request feedback)"},
	}
	tr := *o.Params.TrendPerMonth
	t.Trend = TrendTruth{PerMonth: tr, LogPerMonth: math.Log1p(tr), TeamEffectSD: 0.25}
	if !o.Params.NoSeasonality {
		t.Trend.Seasonality = seasonality
	} else {
		for i := range t.Trend.Seasonality {
			t.Trend.Seasonality[i] = 1
		}
	}
	t.Deploys.Rule = "a production deployment ships the PRs of its repo merged after the creation of the previous successful production deployment and at or before its own creation; a PR is deployed by the first such deployment that succeeds (change lead time = first commit → that success status); automated rollbacks (github-actions[bot], recovering a deployment that caused an incident) follow the same rule and seldom ship anything"
	t.Notes = map[string]string{
		"treatment":   "a team is treated from the earliest moment its lead in office has completed the program (max(completion, lead tenure start), if before the tenure ends); treatment is absorbing; dropouts treat nobody",
		"attribution": "effects apply to events of a treated team from its treatment date: incident by its service's team (responders are that team's members), ticket by its project's team (assignees are members at creation), PR by the team of the author at the first commit",
		"multiplier":  "each duration = base draw × team random effect × (1+trend)^months × seasonality[month] × (1+e if treated); probabilities use the same multiplier",
	}
	return t
}

// WriteJSON writes the truth as indented JSON.
func (t *Truth) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("org: write truth: %w", err)
	}
	return nil
}

func (o *Org) counts(now time.Time) Counts {
	c := Counts{LogEntriesByType: map[string]int{}, ChangelogItemsByField: map[string]int{}, ReviewsByState: map[string]int{}, DeploymentsByEnv: map[string]int{}}
	for _, p := range o.People {
		c.People++
		switch p.Kind {
		case KindEmployee:
			c.Employees++
		case KindContractor:
			c.Contractors++
		case KindBot:
			c.Bots++
		}
	}
	c.Teams, c.Memberships = len(o.Teams), len(o.Memberships)
	for _, e := range o.Program.Enrollments {
		c.Enrollments++
		if !e.CompletedAt.IsZero() {
			c.Completed++
		}
		if !e.DroppedAt.IsZero() {
			c.Dropouts++
		}
	}
	c.Services, c.EscalationPolicies = len(o.Services), len(o.Policies)
	for _, in := range o.IncidentsUpTo(now) {
		c.Incidents++
		log := in.LogEntriesAt(now)
		c.LogEntries += len(log)
		esc, re, res := false, false, false
		for _, e := range log {
			c.LogEntriesByType[string(e.Type)]++
			switch e.Type {
			case LogEscalate:
				esc = true
			case LogAssign:
				re = true
			case LogResolve:
				res = true
			}
		}
		if esc {
			c.IncidentsEscalated++
		}
		if re {
			c.IncidentsReassigned++
		}
		if res {
			c.IncidentsResolved++
		} else {
			c.IncidentsOpen++
		}
	}
	c.Projects = len(o.Projects)
	for _, is := range o.IssuesUpTo(now) {
		if !is.VisibleAt(now) {
			c.TicketsDeleted++
			continue
		}
		c.Tickets++
		st := is.StateAt(now)
		if st.Status.Category.Key == "done" {
			c.TicketsResolved++
		} else {
			c.TicketsOpen++
		}
		if is.Reopened(now) {
			c.TicketsReopened++
		}
		if !is.DueDate.IsZero() {
			c.TicketsWithDueDate++
		}
		h := is.HistoryAt(now)
		c.ChangeGroups += len(h)
		raised, label := false, false
		for _, g := range h {
			c.ChangelogItems += len(g.Items)
			for _, it := range g.Items {
				c.ChangelogItemsByField[it.Field]++
				if it.Field == "priority" {
					raised = true // the simulator only ever raises priority
				}
				if it.Field == "labels" && strings.Contains(" "+it.ToString+" ", " "+EscalationLabel+" ") &&
					!strings.Contains(" "+it.FromString+" ", " "+EscalationLabel+" ") {
					label = true
				}
			}
		}
		if raised {
			c.TicketsPriorityRaised++
		}
		if label {
			c.TicketsEscalationLabel++
		}
		if raised || label {
			c.TicketsRaisedOrLabelled++
		}
	}
	c.Repos = len(o.Repos)
	for _, r := range o.Repos {
		if r.Archived {
			c.ReposArchived++
		}
	}
	for _, pr := range o.PullRequestsUpTo(now) {
		c.PullRequests++
		s := pr.StateAt(now)
		switch {
		case s.Merged:
			c.PullRequestsMerged++
		case s.State == "closed":
			c.PullRequestsClosedUnmerged++
		default:
			c.PullRequestsOpen++
		}
		if s.Draft {
			c.PullRequestsDraft++
		}
		c.Commits += s.NumCommits
		rv := pr.ReviewsAt(now)
		c.Reviews += len(rv)
		cr := false
		for _, r := range rv {
			c.ReviewsByState[string(r.State)]++
			if r.State == ReviewChangesRequested {
				cr = true
			}
		}
		if cr {
			c.PullRequestsChangesRequested++
		}
		if pr.Reverts != nil {
			c.RevertPRs++
			if pr.Reverts.VisibleAt(now) {
				c.RevertsLinked++
			}
		}
		if pr.RevertedBy != nil && pr.RevertedBy.MergedAtNow(now) && s.Merged {
			c.RevertedPRs++
		}
		if s.Merged && pr.DeployedBy != nil {
			if at := pr.DeployedBy.SucceededAt(now); !at.IsZero() {
				c.PullRequestsDeployed++
			}
		}
	}
	for _, d := range o.DeploymentsUpTo(now) {
		c.Deployments++
		c.DeploymentsByEnv[d.Environment]++
		c.DeploymentStatuses += len(d.StatusesAt(now))
		if d.Environment == "production" && len(d.Ships) > 0 {
			c.DeploymentsLinked++
		}
	}
	c.Events = c.LogEntries + c.ChangelogItems + c.Commits + c.Reviews + c.DeploymentStatuses
	return c
}

// seenAccounts returns the people acting in visible records at now, per source.
func (o *Org) seenAccounts(now time.Time) (pd, jira, gh map[*Person]bool, commits map[*Person]bool) {
	pd, jira, gh, commits = map[*Person]bool{}, map[*Person]bool{}, map[*Person]bool{}, map[*Person]bool{}
	for _, in := range o.IncidentsUpTo(now) {
		for _, e := range in.LogEntriesAt(now) {
			if e.Agent != nil {
				pd[e.Agent] = true
			}
			for _, a := range e.Assignees {
				pd[a] = true
			}
		}
	}
	for _, is := range o.IssuesUpTo(now) {
		if !is.VisibleAt(now) {
			continue
		}
		jira[is.Reporter] = true
		if is.InitialAssignee != nil {
			jira[is.InitialAssignee] = true
		}
		for _, g := range is.HistoryAt(now) {
			jira[g.Author] = true
			for _, it := range g.Items {
				if it.ToPerson != nil {
					jira[it.ToPerson] = true
				}
				if it.FromPerson != nil {
					jira[it.FromPerson] = true
				}
			}
		}
	}
	for _, pr := range o.PullRequestsUpTo(now) {
		gh[pr.Author] = true
		for _, c := range pr.CommitsAt(now) {
			gh[c.Author] = true
			commits[c.Author] = true
		}
		for _, r := range pr.ReviewsAt(now) {
			gh[r.User] = true
		}
		if s := pr.StateAt(now); s.Merged && s.MergedBy != nil {
			gh[s.MergedBy] = true
		}
	}
	for _, d := range o.DeploymentsUpTo(now) {
		gh[d.Creator] = true
	}
	return
}

func (o *Org) identityTruth(now time.Time) IdentityTruth {
	pdSeen, jiraSeen, ghSeen, committed := o.seenAccounts(now)
	over := map[string]bool{}
	for _, ov := range o.IdentityOverrides {
		over[ov.Source+"\x00"+ov.Account] = true
	}
	it := IdentityTruth{Summary: map[string]int{}, Matched: map[string]int{}, Unmatched: map[string]int{}}
	add := func(a AccountTruth) {
		it.Accounts = append(it.Accounts, a)
		if !a.Seen {
			return
		}
		it.Summary[a.Source+"/"+string(a.Rule)]++
		if a.Rule == RuleNone {
			it.Unmatched[a.Source]++
		} else {
			it.Matched[a.Source]++
		}
	}
	for _, p := range o.People {
		emp := p.Kind == KindEmployee
		matched := func(r MatchRule) string {
			if r == RuleNone {
				return ""
			}
			return p.Email
		}
		var nOther, nCommit int
		if d := p.PagerDuty; d != nil {
			r := RuleNone
			if emp && strings.EqualFold(d.Email, p.Email) {
				r = RuleEmail
			}
			if r != RuleNone && pdSeen[p] {
				nOther++
			}
			add(AccountTruth{Source: "pagerduty", ID: d.ID, Email: d.Email, Owner: p.ID, Kind: string(p.Kind), Person: matched(r), Rule: r, Seen: pdSeen[p]})
		}
		if j := p.Jira; j != nil {
			r, email := RuleNone, j.Email
			if j.EmailHidden {
				email = ""
			}
			switch {
			case !emp:
			case !j.EmailHidden:
				r = RuleEmail
			case over["jira\x00"+j.AccountID]:
				r = RuleOverride
			}
			if r != RuleNone && jiraSeen[p] {
				nOther++
			}
			add(AccountTruth{Source: "jira", ID: j.AccountID, Login: j.Username, Email: email, Owner: p.ID, Kind: string(p.Kind), Person: matched(r), Rule: r, Seen: jiraSeen[p]})
		}
		if h := p.GitHub; h != nil {
			r := RuleNone
			switch {
			case !emp:
			case h.Noreply && over["github\x00"+h.Login]:
				r = RuleNoreply
			case !h.Noreply && committed[p]:
				r = RuleCommitEmail
			}
			if r == RuleCommitEmail && ghSeen[p] {
				nCommit++
			} else if r != RuleNone && ghSeen[p] {
				nOther++
			}
			add(AccountTruth{Source: "github", ID: fmt.Sprint(h.ID), Login: h.Login, Email: h.CommitEmail, Owner: p.ID, Kind: string(p.Kind), Person: matched(r), Rule: r, Seen: ghSeen[p]})
		}
		if emp && nCommit > 0 && nOther == 0 {
			it.OnlyCommitEmail++
		}
	}
	sort.SliceStable(it.Accounts, func(a, b int) bool { return it.Accounts[a].Source < it.Accounts[b].Source })
	return it
}

func (o *Org) teamTruth(now time.Time) []TeamTruth {
	out := make([]TeamTruth, len(o.Teams))
	idx := map[*Team]int{}
	for i, t := range o.Teams {
		idx[t] = i
		tt := TeamTruth{ID: t.ID, Cohort: t.Cohort, Effect: t.Effect}
		if !t.TreatedAt.IsZero() {
			at := t.TreatedAt
			tt.TreatedAt, tt.TreatedNow = &at, !at.After(now)
		}
		if l := o.LeadOf(t, now); l != nil {
			tt.LeadNow = l.Email
		}
		for _, m := range o.MembershipsIn(t) {
			if m.Role == RoleLead && m.ValidFrom.After(o.Start) {
				tt.LeadChanges++
			}
		}
		out[i] = tt
	}
	for _, in := range o.IncidentsUpTo(now) {
		out[idx[in.Service.Team]].Incidents++
	}
	for _, is := range o.IssuesUpTo(now) {
		if is.VisibleAt(now) {
			out[idx[is.Project.Team]].Tickets++
		}
	}
	for _, pr := range o.PullRequestsUpTo(now) {
		out[idx[pr.Repo.Team]].PullRequests++
	}
	return out
}

func (o *Org) personTruth(now time.Time) []PersonTruth {
	var out []PersonTruth
	en := map[*Person]*Enrollment{}
	for _, e := range o.Program.Enrollments {
		if en[e.Person] == nil {
			en[e.Person] = e
		}
	}
	tp := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	for _, p := range o.People {
		if p.Kind != KindEmployee {
			continue
		}
		pt := PersonTruth{Email: p.Email}
		if t := o.TeamOf(p, now); t != nil {
			pt.TeamNow = t.ID
		}
		if e := en[p]; e != nil {
			pt.Cohort, pt.EnrolledAt, pt.CompletedAt, pt.DroppedAt = e.Cohort.ID, tp(e.EnrolledAt), tp(e.CompletedAt), tp(e.DroppedAt)
		}
		out = append(out, pt)
	}
	return out
}

func (o *Org) cohortTruth() []CohortTruth {
	var out []CohortTruth
	for _, c := range o.Program.Cohorts {
		ct := CohortTruth{ID: c.ID, Start: c.Start, End: c.End}
		for _, e := range o.Program.Enrollments {
			if e.Cohort != c {
				continue
			}
			ct.Enrolled++
			if !e.CompletedAt.IsZero() {
				ct.Completed++
			}
			if !e.DroppedAt.IsZero() {
				ct.Dropped++
			}
		}
		for _, t := range o.Teams {
			if t.Cohort == c.ID {
				ct.Teams++
			}
		}
		out = append(out, ct)
	}
	return out
}
