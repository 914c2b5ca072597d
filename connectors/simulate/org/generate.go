package org

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultNow is the initial now when Params.Now is zero.
var DefaultNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// EmailDomain is the work email domain of every employee.
const EmailDomain = "acme.example"

// Generate builds an organisation from p. The same Params always give the
// same organisation (math/rand/v2 PCG streams seeded from p.Seed; no map
// iteration order reaches the output).
func Generate(p Params) *Org {
	p = p.withDefaults()
	o := &Org{Params: p, Now: p.Now, GitHubOwner: "acme"}
	o.Start = p.Now.AddDate(0, -p.HistoryMonths, 0)
	o.End = p.Now.AddDate(0, p.FutureMonths, 0)
	g := &gen{o: o, p: p, eff: *p.Effects, trend: *p.TrendPerMonth}

	g.people(newRand(p.Seed, 1))
	g.teams(newRand(p.Seed, 2))
	g.memberships(newRand(p.Seed, 3))
	g.program(newRand(p.Seed, 4))
	g.attrition(newRand(p.Seed, 5))
	g.catalogs()
	g.indexMemberships()

	// The three sources are independent: generate them concurrently, each
	// from its own stream, so the result does not depend on scheduling.
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); g.pagerduty(newRand(p.Seed, 10)) }()
	go func() { defer wg.Done(); g.jira(newRand(p.Seed, 20)) }()
	go func() { defer wg.Done(); g.github(newRand(p.Seed, 30)) }()
	wg.Wait()
	g.deployments(newRand(p.Seed, 40))
	g.numberIncidents()
	g.identityOverrides()
	o.buildIndexes()
	return o
}

func (p Params) withDefaults() Params {
	if p.Now.IsZero() {
		p.Now = DefaultNow
	}
	p.Now = p.Now.UTC().Truncate(time.Second)
	if p.HistoryMonths <= 0 {
		p.HistoryMonths = 18
	}
	if p.FutureMonths < 0 {
		p.FutureMonths = 0
	} else if p.FutureMonths == 0 {
		p.FutureMonths = 6
	}
	if p.People <= 0 {
		if p.Size == SizeCustom {
			p.Size = Medium
		}
		p.People = p.Size.People()
	} else {
		p.Size = SizeCustom
	}
	if p.People < 16 {
		p.People = 16
	}
	if p.Effects == nil {
		e := DefaultEffects()
		p.Effects = &e
	}
	if p.TrendPerMonth == nil {
		t := -0.01
		p.TrendPerMonth = &t
	}
	if p.Scale <= 0 {
		p.Scale = 1
	}
	if p.TeamSize <= 0 {
		p.TeamSize = 8
	}
	for _, v := range []*float64{&p.IncidentScale, &p.TicketScale, &p.PRScale} {
		if *v <= 0 {
			*v = 1
		}
	}
	if p.DeployIntervalHours <= 0 {
		p.DeployIntervalHours = deployMedianHours
	}
	return p
}

// gen holds generation state.
type gen struct {
	o     *Org
	p     Params
	eff   Effects
	trend float64

	employees []*Person
	bots      struct{ dependabot, renovate, actions, jiraAutomation *Person }
	contract  []*Person
	// caused are the incidents deployments caused (dora.go), numbered with the others by
	// numberIncidents.
	caused []*Incident
	// bugs are each project's Bugs never deleted, by creation (bugBefore).
	bugs map[*JiraProject][]*Issue
}

var firstNames = strings.Fields(`Ada Alan Amara Ana Andrei Aisha Ben Bianca Carlos Chen Chloe Dara David Diego Elena Emeka Emma Farah
Felix Grace Hana Hiro Ines Ivan Jamal Jana Jonas Julia Kai Kenji Lara Leila Liam Lucia Malik Maria Mateo Mei Nadia Nikhil Noah
Olga Omar Paula Priya Rafael Rosa Sam Sara Sofia Tariq Tom Uma Victor Wei Yara Yusuf Zoe Ravi Ingrid Pedro`)

var lastNames = strings.Fields(`Adams Ahmed Alvarez Andersen Bauer Becker Brown Castro Chen Costa Cruz Dubois Eriksen Fischer Garcia
Gomez Gupta Hansen Haddad Ito Jensen Johnson Kim Kowalski Kumar Larsen Lee Lopez Martin Meyer Moreau Muller Nakamura Nguyen Novak
Okafor Olsen Park Patel Perez Petrov Quinn Rahman Rossi Santos Schmidt Silva Singh Smith Tanaka Torres Vargas Wagner Walker Wang
Weber Wilson Yamada Young Zhang`)

var timeZones = []string{"Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Europe/Madrid"}

// people creates employees, contractors and bots with their tool identities.
func (g *gen) people(r *rand.Rand) {
	o := g.o
	usedEmail := map[string]bool{}
	usedLogin := map[string]bool{}
	usedPD := map[string]bool{}
	ids := &idGen{seed: g.p.Seed ^ 0x1d}
	pdID := func() string {
		for {
			s := short(r, "P", 6)
			if !usedPD[s] {
				usedPD[s] = true
				return s
			}
		}
	}
	login := func(base string) string {
		l := base
		for i := 2; usedLogin[l]; i++ {
			l = fmt.Sprintf("%s%d", base, i)
		}
		usedLogin[l] = true
		return l
	}
	n := g.p.People
	for i := 0; i < n; i++ {
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		local := strings.ToLower(fn + "." + ln)
		email := local + "@" + EmailDomain
		for k := 2; usedEmail[email]; k++ {
			email = fmt.Sprintf("%s%d@%s", local, k, EmailDomain)
		}
		usedEmail[email] = true
		p := &Person{ID: fmt.Sprintf("p%04d", i+1), Index: i, Kind: KindEmployee, Name: fn + " " + ln, Email: email}
		tz := timeZones[r.IntN(len(timeZones))]
		// Jira: everyone; ~15% hide their email (Cloud privacy setting).
		p.Jira = &JiraIdentity{
			AccountID: ids.hex(24), AccountType: "atlassian", DisplayName: p.Name, Email: email,
			EmailHidden: r.Float64() < 0.15, Username: strings.TrimSuffix(email, "@"+EmailDomain),
			Key: fmt.Sprintf("JIRAUSER%d", 10100+i), TimeZone: tz,
		}
		// GitHub: ~88%; commit email is the work email for most, the noreply form for ~15%.
		if r.Float64() < 0.88 || i < 4 {
			gh := &GitHubIdentity{Login: login(strings.ToLower(fn[:1] + ln)), ID: int64(1_000_000 + i*7919 + r.IntN(7000)), Type: "User"}
			if r.Float64() < 0.8 {
				gh.Name = p.Name
			}
			if r.Float64() < 0.15 {
				gh.Noreply = true
				gh.CommitEmail = fmt.Sprintf("%d+%s@users.noreply.github.com", gh.ID, gh.Login)
			} else {
				gh.CommitEmail = email
			}
			p.GitHub = gh
		}
		// PagerDuty: ~65% (on-call engineers); ~12% of those with a
		// differently cased email, as entered by hand.
		if r.Float64() < 0.65 || i < 4 {
			pe := email
			if r.Float64() < 0.12 {
				pe = titleEmail(email)
			}
			p.PagerDuty = &PagerDutyIdentity{ID: pdID(), Name: p.Name, Email: pe, Role: "user", TimeZone: tz}
		}
		o.People = append(o.People, p)
		g.employees = append(g.employees, p)
	}
	// Contractors: Jira and GitHub accounts with external emails; one is on call.
	nc := 2 + n/40
	for i := 0; i < nc; i++ {
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		email := fmt.Sprintf("%s.%s%d@contractor.example", strings.ToLower(fn), strings.ToLower(ln), i+1)
		idx := len(o.People)
		p := &Person{ID: fmt.Sprintf("c%03d", i+1), Index: idx, Kind: KindContractor, Name: fn + " " + ln, Email: email}
		p.Jira = &JiraIdentity{AccountID: ids.hex(24), AccountType: "atlassian", DisplayName: p.Name, Email: email,
			Username: fmt.Sprintf("ext-%s%d", strings.ToLower(ln), i+1), Key: fmt.Sprintf("JIRAUSER%d", 90100+i), TimeZone: "UTC"}
		gl := login(strings.ToLower(fn[:1]+ln) + "-ext")
		p.GitHub = &GitHubIdentity{Login: gl, ID: int64(5_000_000 + i*104729), Type: "User", Name: p.Name, CommitEmail: email}
		if i == 0 {
			p.PagerDuty = &PagerDutyIdentity{ID: pdID(), Name: p.Name, Email: email, Role: "limited_user", TimeZone: "UTC"}
		}
		o.People = append(o.People, p)
		g.contract = append(g.contract, p)
	}
	// Bots.
	db := &Person{ID: "b001", Index: len(o.People), Kind: KindBot, Name: "dependabot[bot]",
		GitHub: &GitHubIdentity{Login: "dependabot[bot]", ID: 49699333, Type: "Bot",
			CommitEmail: "49699333+dependabot[bot]@users.noreply.github.com", Noreply: true}}
	o.People = append(o.People, db)
	rb := &Person{ID: "b002", Index: len(o.People), Kind: KindBot, Name: "renovate[bot]",
		GitHub: &GitHubIdentity{Login: "renovate[bot]", ID: 29139614, Type: "Bot",
			CommitEmail: "29139614+renovate[bot]@users.noreply.github.com", Noreply: true}}
	o.People = append(o.People, rb)
	ga := &Person{ID: "b003", Index: len(o.People), Kind: KindBot, Name: "github-actions[bot]",
		GitHub: &GitHubIdentity{Login: "github-actions[bot]", ID: 41898282, Type: "Bot",
			CommitEmail: "41898282+github-actions[bot]@users.noreply.github.com", Noreply: true}}
	o.People = append(o.People, ga)
	ja := &Person{ID: "b004", Index: len(o.People), Kind: KindBot, Name: "Automation for Jira",
		Jira: &JiraIdentity{AccountID: "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", AccountType: "app",
			DisplayName: "Automation for Jira", EmailHidden: true, Username: "automation", Key: "automation", TimeZone: "UTC"}}
	o.People = append(o.People, ja)
	g.bots.dependabot, g.bots.renovate, g.bots.actions, g.bots.jiraAutomation = db, rb, ga, ja
}

// titleEmail upper-cases the first letter of each dot-separated part of the local part.
func titleEmail(e string) string {
	local, domain, _ := strings.Cut(e, "@")
	parts := strings.Split(local, ".")
	for i, s := range parts {
		if s != "" {
			parts[i] = strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return strings.Join(parts, ".") + "@" + domain
}

var teamWords = strings.Fields(`payments checkout identity search platform data mobile web billing notifications infra security
growth catalog orders shipping pricing analytics messaging onboarding support ledger fraud accounts reporting integrations
storage observability release gateway frontend auth inventory recommendations media maps ads compliance devex sre`)

var teamSuffixes = []string{"", "core", "edge", "apps", "tools", "ops", "labs", "flow", "hub"}

// teams creates teams with their Jira projects, repos, services and policies.
func (g *gen) teams(r *rand.Rand) {
	o := g.o
	nt := g.p.People / g.p.TeamSize
	if nt < 3 {
		nt = 3
	}
	usedKey := map[string]bool{}
	usedPD := map[string]bool{}
	var repoID int64 = 700_000_000
	ids := &idGen{seed: g.p.Seed ^ 0x7ea}
	for i := 0; i < nt; i++ {
		w := teamWords[i%len(teamWords)]
		suf := teamSuffixes[(i/len(teamWords))%len(teamSuffixes)]
		slug := w
		if suf != "" {
			slug = w + "-" + suf
		}
		if n := i / (len(teamWords) * len(teamSuffixes)); n > 0 {
			slug = fmt.Sprintf("%s-%d", slug, n+1)
		}
		name := strings.ToUpper(slug[:1]) + strings.ReplaceAll(slug[1:], "-", " ")
		t := &Team{ID: slug, Index: i, Name: name, Effect: math.Exp(0.25 * r.NormFloat64())}
		for {
			s := short(r, "PT", 5)
			if !usedPD[s] {
				usedPD[s], t.PagerDutyID = true, s
				break
			}
		}
		// Jira project key: up to 4 letters of the word plus the suffix initial.
		key := strings.ToUpper(w)
		key = strings.Map(func(c rune) rune {
			if c >= 'A' && c <= 'Z' {
				return c
			}
			return -1
		}, key)
		if len(key) > 4 {
			key = key[:4]
		}
		if suf != "" {
			key += strings.ToUpper(suf[:1])
		}
		base := key
		for k := 2; usedKey[key]; k++ {
			key = fmt.Sprintf("%s%d", base, k)
		}
		usedKey[key] = true
		pr := &JiraProject{ID: fmt.Sprint(10000 + i), Key: key, Name: name, Team: t}
		t.JiraKeys, t.Projects = []string{key}, []*JiraProject{pr}
		o.Projects = append(o.Projects, pr)
		// Repos: one or two.
		kinds := []string{"api"}
		if r.Float64() < 0.4 {
			kinds = append(kinds, []string{"web", "worker", "infra"}[r.IntN(3)])
		}
		for _, k := range kinds {
			repoID += int64(1 + r.IntN(5000))
			rp := &Repo{ID: repoID, Owner: o.GitHubOwner, Name: slug + "-" + k, Team: t, Private: true, DefaultBranch: "main",
				CreatedAt: o.Start.AddDate(-1-r.IntN(3), -r.IntN(12), 0)}
			t.Repos = append(t.Repos, rp)
			o.Repos = append(o.Repos, rp)
		}
		if i == 0 {
			repoID += 17
			rp := &Repo{ID: repoID, Owner: o.GitHubOwner, Name: "legacy-monolith", Team: t, Private: true, DefaultBranch: "master",
				Archived: true, CreatedAt: o.Start.AddDate(-6, 0, 0)}
			t.Repos = append(t.Repos, rp)
			o.Repos = append(o.Repos, rp)
		}
		// Services: one or two, one escalation policy per team.
		pol := &EscalationPolicy{ID: ids.b36("PEP")[:7], Name: name + " escalation", Team: t}
		o.Policies = append(o.Policies, pol)
		sk := []string{"API"}
		if r.Float64() < 0.5 {
			sk = append(sk, "Worker")
		}
		for _, k := range sk {
			s := &Service{ID: ids.b36("PSV")[:7], Name: name + " " + k, Description: "Production " + strings.ToLower(k) + " of " + name,
				Team: t, Policy: pol, CreatedAt: o.Start.AddDate(-1, 0, 0)}
			t.Services = append(t.Services, s)
			o.Services = append(o.Services, s)
		}
		// Each live repository runs as one service: a worker repository as the Worker service
		// when there is one, the others as the API service.
		for _, rp := range t.Repos {
			if rp.Archived {
				continue
			}
			rp.Service = t.Services[0]
			if strings.HasSuffix(rp.Name, "-worker") && len(t.Services) > 1 {
				rp.Service = t.Services[1]
			}
		}
		o.Teams = append(o.Teams, t)
	}
}

// memberships assigns employees to teams with a history: initial
// memberships, hires during the span, lead changes and moves between teams.
func (g *gen) memberships(r *rand.Rand) {
	o := g.o
	nt := len(o.Teams)
	emps := g.employees
	perm := r.Perm(len(emps))
	current := make([]*Membership, len(emps)) // by employee index
	add := func(p *Person, t *Team, role Role, from time.Time) *Membership {
		m := &Membership{Person: p, Team: t, Role: role, ValidFrom: day(from)}
		o.Memberships = append(o.Memberships, m)
		current[p.Index] = m
		return m
	}
	// Leads first: the first nt people of the permutation, preferring people
	// with both PagerDuty and GitHub accounts.
	full := func(p *Person) bool { return p.PagerDuty != nil && p.GitHub != nil }
	sort.SliceStable(perm, func(a, b int) bool { return full(emps[perm[a]]) && !full(emps[perm[b]]) })
	span := o.End.Sub(o.Start)
	for k, pi := range perm {
		p := emps[pi]
		from := o.Start.AddDate(-r.IntN(4), -r.IntN(12), -r.IntN(28))
		if k >= nt && r.Float64() < 0.05 { // hired during the span
			from = o.Start.Add(time.Duration(r.Float64() * 0.7 * float64(span)))
		}
		if k < nt {
			add(p, o.Teams[k], RoleLead, from)
		} else {
			add(p, o.Teams[(k-nt)%nt], RoleMember, from)
		}
	}
	changed := make([]bool, len(emps))
	window := func() time.Time {
		lo, hi := o.Start.AddDate(0, 2, 0), o.Now.AddDate(0, -1, 0)
		return day(lo.Add(time.Duration(r.Float64() * float64(hi.Sub(lo)))))
	}
	// Lead changes: at least one team.
	nlc := max(1, nt/12)
	for _, ti := range r.Perm(nt)[:nlc] {
		t := o.Teams[ti]
		d := window()
		var lead, succ *Membership
		for _, m := range o.Memberships {
			if m.Team != t || !m.ActiveAt(d) || changed[m.Person.Index] || !m.ValidTo.IsZero() {
				continue
			}
			if m.Role == RoleLead {
				lead = m
			} else if succ == nil || m.ValidFrom.Before(succ.ValidFrom) {
				succ = m
			}
		}
		if lead == nil || succ == nil {
			continue
		}
		lead.ValidTo, succ.ValidTo = d, d
		changed[lead.Person.Index], changed[succ.Person.Index] = true, true
		add(succ.Person, t, RoleLead, d)
		if r.Float64() < 0.5 {
			add(lead.Person, t, RoleMember, d)
		} else {
			add(lead.Person, o.Teams[(ti+1+r.IntN(nt-1))%nt], RoleMember, d)
		}
	}
	// Members moving teams: at least two.
	nmv := max(2, len(emps)/15)
	for _, pi := range r.Perm(len(emps)) {
		if nmv == 0 {
			break
		}
		m := current[pi]
		if changed[pi] || m.Role != RoleMember || !m.ValidTo.IsZero() {
			continue
		}
		d := window()
		if !m.ValidFrom.Before(d) {
			continue
		}
		ti := m.Team.Index
		m.ValidTo = d
		changed[pi] = true
		add(m.Person, o.Teams[(ti+1+r.IntN(nt-1))%nt], RoleMember, d)
		nmv--
	}
	sort.SliceStable(o.Memberships, func(a, b int) bool {
		ma, mb := o.Memberships[a], o.Memberships[b]
		if !ma.ValidFrom.Equal(mb.ValidFrom) {
			return ma.ValidFrom.Before(mb.ValidFrom)
		}
		if ma.Person.Index != mb.Person.Index {
			return ma.Person.Index < mb.Person.Index
		}
		return ma.Team.Index < mb.Team.Index
	})
}

func (g *gen) indexMemberships() {
	x := &g.o.idx
	x.membershipsByPerson = map[*Person][]*Membership{}
	x.membershipsByTeam = map[*Team][]*Membership{}
	for _, m := range g.o.Memberships {
		x.membershipsByPerson[m.Person] = append(x.membershipsByPerson[m.Person], m)
		x.membershipsByTeam[m.Team] = append(x.membershipsByTeam[m.Team], m)
	}
}

// ProgramName is the name of the simulated leadership program.
const ProgramName = "Leading Engineering Teams"

// program creates ≥3 staggered cohorts, enrolls the leads of about 60% of
// the teams (about 10% drop out) and some individual members, and derives
// each team's treatment date.
func (g *gen) program(r *rand.Rand) {
	o := g.o
	o.Program.Name = ProgramName
	// Cohorts every 4 months from Start+3 months; the last completes before Now.
	nc := 0
	for c := 0; ; c++ {
		st := o.Start.AddDate(0, 3+4*c, 0)
		en := st.AddDate(0, 2, 0)
		if nc >= 3 && en.After(o.Now.AddDate(0, -1, 0)) {
			break
		}
		if en.After(o.End) {
			break
		}
		y, m, _ := st.Date()
		season := map[bool]string{true: "h1", false: "h2"}[m <= 6]
		id := fmt.Sprintf("%d-%s-%02d", y, season, int(m))
		o.Program.Cohorts = append(o.Program.Cohorts, &Cohort{ID: id, Start: st, End: en})
		nc++
	}
	nt := len(o.Teams)
	leadAt := func(t *Team, at time.Time) *Person {
		for _, m := range o.Memberships {
			if m.Team == t && m.Role == RoleLead && m.ActiveAt(at) {
				return m.Person
			}
		}
		return nil
	}
	enrolled := map[*Person]bool{}
	enroll := func(p *Person, c *Cohort, dropP float64) {
		e := &Enrollment{Person: p, Cohort: c, Program: ProgramName, EnrolledAt: day(c.Start.AddDate(0, 0, -2-r.IntN(28)))}
		if r.Float64() < dropP {
			e.DroppedAt = day(c.Start.Add(time.Duration(r.Float64() * float64(c.End.Sub(c.Start)))))
		} else {
			e.CompletedAt = day(c.End.AddDate(0, 0, r.IntN(8)))
		}
		o.Program.Enrollments = append(o.Program.Enrollments, e)
		enrolled[p] = true
	}
	// ~60% of teams get their lead enrolled, spread over the cohorts; the rest never trained.
	order := r.Perm(nt)
	ntrain := nt * 6 / 10
	if ntrain > nt-1 {
		ntrain = nt - 1
	}
	for k, ti := range order[:ntrain] {
		c := o.Program.Cohorts[k%len(o.Program.Cohorts)]
		if p := leadAt(o.Teams[ti], c.Start); p != nil && !enrolled[p] {
			drop := 0.1
			if k < len(o.Program.Cohorts) {
				drop = 0 // each cohort treats at least one team
			}
			enroll(p, c, drop)
		}
	}
	// At least one lead drops out: that team stays untrained.
	if untrained := order[ntrain:]; len(untrained) >= 2 {
		c := o.Program.Cohorts[len(o.Program.Cohorts)/2]
		if p := leadAt(o.Teams[untrained[0]], c.Start); p != nil && !enrolled[p] {
			enroll(p, c, 1)
		}
	}
	// Some members take the program too (person-level analysis).
	for _, p := range g.employees {
		if !enrolled[p] && r.Float64() < 0.05 {
			enroll(p, o.Program.Cohorts[r.IntN(len(o.Program.Cohorts))], 0.15)
		}
	}
	sort.SliceStable(o.Program.Enrollments, func(a, b int) bool {
		ea, eb := o.Program.Enrollments[a], o.Program.Enrollments[b]
		if !ea.EnrolledAt.Equal(eb.EnrolledAt) {
			return ea.EnrolledAt.Before(eb.EnrolledAt)
		}
		return ea.Person.Index < eb.Person.Index
	})
	completed := map[*Person]*Enrollment{}
	for _, e := range o.Program.Enrollments {
		if !e.CompletedAt.IsZero() && completed[e.Person] == nil {
			completed[e.Person] = e
		}
	}
	// Treatment rule: a team is treated from the earliest moment at which its
	// lead in office has completed the program: for each lead tenure
	// [from, to) with completion c, the candidate is max(c, from) if it falls
	// before to. Treatment is absorbing: a later lead change does not undo it.
	for _, t := range o.Teams {
		for _, m := range o.Memberships {
			if m.Team != t || m.Role != RoleLead {
				continue
			}
			e := completed[m.Person]
			if e == nil {
				continue
			}
			c := e.CompletedAt
			if c.Before(m.ValidFrom) {
				c = m.ValidFrom
			}
			if !m.ValidTo.IsZero() && !c.Before(m.ValidTo) {
				continue
			}
			if t.TreatedAt.IsZero() || c.Before(t.TreatedAt) {
				t.TreatedAt, t.Cohort = c, e.Cohort.ID
			}
		}
	}
}

// catalogs fills the fixed Jira and PagerDuty catalogs.
func (g *gen) catalogs() {
	o := g.o
	o.Priorities = []*Priority{{ID: "PPRI001", Name: "P1", Order: 1}, {ID: "PPRI002", Name: "P2", Order: 2},
		{ID: "PPRI003", Name: "P3", Order: 3}, {ID: "PPRI004", Name: "P4", Order: 4}, {ID: "PPRI005", Name: "P5", Order: 5}}
	o.IssueTypes = []*IssueType{{ID: "10001", Name: "Bug"}, {ID: "10002", Name: "Task"}, {ID: "10003", Name: "Story"}}
	catNew := &StatusCategory{ID: 2, Key: "new", Name: "To Do", ColorName: "blue-gray"}
	catProg := &StatusCategory{ID: 4, Key: "indeterminate", Name: "In Progress", ColorName: "yellow"}
	catDone := &StatusCategory{ID: 3, Key: "done", Name: "Done", ColorName: "green"}
	o.StatusCategories = []*StatusCategory{catNew, catDone, catProg}
	o.Statuses = []*Status{
		{ID: "10000", Name: "To Do", Category: catNew},
		{ID: "3", Name: "In Progress", Category: catProg},
		{ID: "10001", Name: "In Review", Category: catProg},
		{ID: "10002", Name: "Done", Category: catDone},
		{ID: "6", Name: "Closed", Category: catDone},
	}
	o.JiraPriorities = []*JiraPriority{{ID: "1", Name: "Highest", Rank: 1}, {ID: "2", Name: "High", Rank: 2},
		{ID: "3", Name: "Medium", Rank: 3}, {ID: "4", Name: "Low", Rank: 4}, {ID: "5", Name: "Lowest", Rank: 5}}
	o.Resolutions = []*Resolution{{ID: "10000", Name: "Done"}, {ID: "10001", Name: "Won't Do"}, {ID: "10002", Name: "Duplicate"}}
}

// mult is the duration multiplier of a team's event at t: team random
// effect × shared trend × seasonality × (1+e) once the team is treated.
func (g *gen) mult(t *Team, at time.Time, e float64) float64 {
	m := g.base(at)
	if t != nil {
		m *= t.Effect
		if g.treated(t, at) {
			m *= 1 + e
		}
	}
	return m
}

// base is the shared time trend × seasonality at t.
func (g *gen) base(at time.Time) float64 {
	months := at.Sub(g.o.Start).Hours() / (24 * 30.4375)
	m := math.Pow(1+g.trend, months)
	if !g.p.NoSeasonality {
		m *= seasonality[at.Month()-1]
	}
	return m
}

func (g *gen) treated(t *Team, at time.Time) bool {
	return t != nil && !t.TreatedAt.IsZero() && !at.Before(t.TreatedAt)
}

// membersWith returns the team's members at t that satisfy ok.
func (g *gen) membersWith(t *Team, at time.Time, ok func(*Person) bool) []*Person {
	var out []*Person
	for _, m := range g.o.idx.membershipsByTeam[t] {
		if m.ActiveAt(at) && ok(m.Person) {
			out = append(out, m.Person)
		}
	}
	return out
}

func hasPD(p *Person) bool { return p.PagerDuty != nil }
func hasGH(p *Person) bool { return p.GitHub != nil }
func anyone(*Person) bool  { return true }

// identityOverrides lists, for identities.csv, the GitHub logins of people
// whose commits use the noreply address (half of them) and the Jira
// accounts of people whose email is hidden (half of them). The other half
// stay unmatched in the identity truth.
func (g *gen) identityOverrides() {
	o := g.o
	for _, p := range g.employees {
		if p.GitHub != nil && p.GitHub.Noreply && p.Index%2 == 0 {
			o.IdentityOverrides = append(o.IdentityOverrides, IdentityOverride{Person: p, Source: "github", Account: p.GitHub.Login})
		}
		if p.Jira != nil && p.Jira.EmailHidden && p.Index%2 == 0 {
			o.IdentityOverrides = append(o.IdentityOverrides, IdentityOverride{Person: p, Source: "jira", Account: p.Jira.AccountID})
		}
	}
}
