package org

import "time"

// PersonByGitHubLogin returns the person with that GitHub login, or nil.
func (o *Org) PersonByGitHubLogin(login string) *Person { return o.idx.personByGitHubLogin[login] }

// PersonByJiraAccountID returns the person with that Jira Cloud accountId, or nil.
func (o *Org) PersonByJiraAccountID(id string) *Person { return o.idx.personByJiraAccount[id] }

// PersonByJiraUsername returns the person with that Jira Data Center user name, or nil.
func (o *Org) PersonByJiraUsername(name string) *Person { return o.idx.personByJiraName[name] }

// PersonByPagerDutyID returns the person with that PagerDuty user id, or nil.
func (o *Org) PersonByPagerDutyID(id string) *Person { return o.idx.personByPDID[id] }

// Team returns the team with that slug, or nil.
func (o *Org) Team(id string) *Team { return o.idx.teamByID[id] }

// TeamByPagerDutyID returns the team with that PagerDuty team id, or nil.
func (o *Org) TeamByPagerDutyID(id string) *Team { return o.idx.teamByPDID[id] }

// Service returns the PagerDuty service with that id, or nil.
func (o *Org) Service(id string) *Service { return o.idx.serviceByID[id] }

// Policy returns the escalation policy with that id, or nil.
func (o *Org) Policy(id string) *EscalationPolicy { return o.idx.policyByID[id] }

// Incident returns the incident with that id, or nil (regardless of visibility).
func (o *Org) Incident(id string) *Incident { return o.idx.incidentByID[id] }

// IssueByKey returns the issue with that key ("PAY-12"), or nil (regardless of visibility).
func (o *Org) IssueByKey(key string) *Issue { return o.idx.issueByKey[key] }

// IssueByID returns the issue with that numeric id, or nil (regardless of visibility).
func (o *Org) IssueByID(id string) *Issue { return o.idx.issueByID[id] }

// ProjectByKey returns the Jira project with that key, or nil.
func (o *Org) ProjectByKey(key string) *JiraProject { return o.idx.projectByKey[key] }

// ProjectByID returns the Jira project with that numeric id, or nil.
func (o *Org) ProjectByID(id string) *JiraProject { return o.idx.projectByID[id] }

// Repo returns the repository "owner/name", or nil.
func (o *Org) Repo(fullName string) *Repo { return o.idx.repoByFullName[fullName] }

// Deployment returns the deployment with that id, or nil (regardless of visibility).
func (o *Org) Deployment(id int64) *Deployment { return o.idx.deploymentByID[id] }

// MembershipsOf returns the person's memberships sorted by ValidFrom.
func (o *Org) MembershipsOf(p *Person) []*Membership { return o.idx.membershipsByPerson[p] }

// MembershipsIn returns the team's memberships sorted by ValidFrom.
func (o *Org) MembershipsIn(t *Team) []*Membership { return o.idx.membershipsByTeam[t] }

// TeamOf returns the team the person belongs to at t, or nil. A person
// belongs to at most one team at a time.
func (o *Org) TeamOf(p *Person, t time.Time) *Team {
	for _, m := range o.idx.membershipsByPerson[p] {
		if m.ActiveAt(t) {
			return m.Team
		}
	}
	return nil
}

// LeadOf returns the lead of the team at t, or nil.
func (o *Org) LeadOf(team *Team, t time.Time) *Person {
	for _, m := range o.idx.membershipsByTeam[team] {
		if m.Role == RoleLead && m.ActiveAt(t) {
			return m.Person
		}
	}
	return nil
}

// MembersAt returns the team's members (lead included) at t, in membership order.
func (o *Org) MembersAt(team *Team, t time.Time) []*Person {
	var out []*Person
	for _, m := range o.idx.membershipsByTeam[team] {
		if m.ActiveAt(t) {
			out = append(out, m.Person)
		}
	}
	return out
}

// Employees returns the employees (People with Kind == KindEmployee).
func (o *Org) Employees() []*Person {
	var out []*Person
	for _, p := range o.People {
		if p.Kind == KindEmployee {
			out = append(out, p)
		}
	}
	return out
}

// buildIndexes fills o.idx from the record slices.
func (o *Org) buildIndexes() {
	x := &o.idx
	x.personByGitHubLogin = map[string]*Person{}
	x.personByJiraAccount = map[string]*Person{}
	x.personByJiraName = map[string]*Person{}
	x.personByPDID = map[string]*Person{}
	for _, p := range o.People {
		if p.GitHub != nil {
			x.personByGitHubLogin[p.GitHub.Login] = p
		}
		if p.Jira != nil {
			x.personByJiraAccount[p.Jira.AccountID] = p
			x.personByJiraName[p.Jira.Username] = p
		}
		if p.PagerDuty != nil {
			x.personByPDID[p.PagerDuty.ID] = p
		}
	}
	x.teamByID = map[string]*Team{}
	x.teamByPDID = map[string]*Team{}
	for _, t := range o.Teams {
		x.teamByID[t.ID] = t
		x.teamByPDID[t.PagerDutyID] = t
	}
	x.serviceByID = map[string]*Service{}
	for _, s := range o.Services {
		x.serviceByID[s.ID] = s
	}
	x.policyByID = map[string]*EscalationPolicy{}
	for _, p := range o.Policies {
		x.policyByID[p.ID] = p
	}
	x.incidentByID = make(map[string]*Incident, len(o.Incidents))
	for _, in := range o.Incidents {
		x.incidentByID[in.ID] = in
	}
	x.issueByKey = make(map[string]*Issue, len(o.Issues))
	x.issueByID = make(map[string]*Issue, len(o.Issues))
	for _, is := range o.Issues {
		x.issueByKey[is.Key] = is
		x.issueByID[is.ID] = is
	}
	x.projectByKey = map[string]*JiraProject{}
	x.projectByID = map[string]*JiraProject{}
	for _, p := range o.Projects {
		x.projectByKey[p.Key] = p
		x.projectByID[p.ID] = p
	}
	x.repoByFullName = map[string]*Repo{}
	for _, r := range o.Repos {
		x.repoByFullName[r.FullName()] = r
	}
	x.deploymentByID = make(map[int64]*Deployment, len(o.Deployments))
	for _, d := range o.Deployments {
		x.deploymentByID[d.ID] = d
	}
	x.membershipsByPerson = map[*Person][]*Membership{}
	x.membershipsByTeam = map[*Team][]*Membership{}
	for _, m := range o.Memberships {
		x.membershipsByPerson[m.Person] = append(x.membershipsByPerson[m.Person], m)
		x.membershipsByTeam[m.Team] = append(x.membershipsByTeam[m.Team], m)
	}
}
