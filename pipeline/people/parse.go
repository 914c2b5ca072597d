package people

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// Import kinds and their CSV headers.
const (
	KindTeams      = "teams"
	KindCohorts    = "cohorts"
	KindIdentities = "identities"
)

// Headers holds the columns of each kind of people file.
var Headers = map[string][]string{
	KindTeams:      {"person_email", "team", "role", "valid_from", "valid_to"},
	KindCohorts:    {"person_email", "cohort", "program", "enrolled_at", "completed_at"},
	KindIdentities: {"person_email", "source", "account"},
}

// Enrollment statuses (enrollments.status).
const (
	StatusCompleted  = "completed"
	StatusInProgress = "in_progress"
	StatusDropout    = "dropout"
)

// DropoutGrace is how long after the first completion in a cohort a participant without a
// completion date is still counted as in progress; after it they count as a dropout.
const DropoutGrace = 21 * 24 * time.Hour

// EnrollmentStatus classifies an enrollment as of today: completed when completedAt is set and not
// after today; in_progress when the completion lies in the future, or when it is missing but the
// cohort has no completion yet or its first completion (cohortFirst) is less than DropoutGrace
// before today; dropout otherwise (the cohort finished and this participant did not).
func EnrollmentStatus(completedAt, cohortFirst, today time.Time) string {
	today = day(today)
	switch {
	case !completedAt.IsZero() && !completedAt.After(today):
		return StatusCompleted
	case !completedAt.IsZero():
		return StatusInProgress
	case cohortFirst.IsZero() || cohortFirst.After(today) || today.Sub(cohortFirst) < DropoutGrace:
		return StatusInProgress
	}
	return StatusDropout
}

// CohortFirstCompletions returns, per cohort id, the earliest completion date not after today.
func CohortFirstCompletions(es []models.Enrollment, today time.Time) map[string]time.Time {
	today = day(today)
	out := map[string]time.Time{}
	for _, e := range es {
		if e.CompletedAt.IsZero() || e.CompletedAt.After(today) {
			continue
		}
		if f, ok := out[e.CohortID]; !ok || e.CompletedAt.Before(f) {
			out[e.CohortID] = e.CompletedAt
		}
	}
	return out
}

// parsed holds the rows derived from one file.
type parsed struct {
	people      []models.Person
	teams       []models.Team
	memberships []models.TeamMembership
	cohorts     []models.Cohort
	enrollments []models.Enrollment
	overrides   []models.IdentityOverride
}

// addPerson records a person once.
func (p *parsed) addPerson(seen map[string]bool, email string, now time.Time) string {
	id := PersonID(email)
	if !seen[id] {
		seen[id] = true
		p.people = append(p.people, models.Person{PersonID: id, Email: NormalizeEmail(email), UpdatedAt: now})
	}
	return id
}

// email validates the person_email field of r.
func emailField(t *table, r record, pr *problems) (string, bool) {
	v := r.get(t, "person_email")
	switch {
	case v == "":
		pr.add(r.line, t.column("person_email"), "person_email", "missing email")
		return "", false
	case !ValidEmail(v):
		pr.add(r.line, t.column("person_email"), "person_email", "bad email %q", v)
		return "", false
	}
	return NormalizeEmail(v), true
}

func required(t *table, r record, name string, pr *problems) (string, bool) {
	v := r.get(t, name)
	if v == "" {
		pr.add(r.line, t.column(name), name, "missing %s", name)
		return "", false
	}
	return v, true
}

func dateField(t *table, r record, name string, optional bool, pr *problems) (time.Time, bool) {
	v := r.get(t, name)
	if v == "" {
		if optional {
			return time.Time{}, true
		}
		pr.add(r.line, t.column(name), name, "missing %s", name)
		return time.Time{}, false
	}
	d, err := parseDate(v)
	if err != nil {
		pr.add(r.line, t.column(name), name, "%v", err)
		return time.Time{}, false
	}
	return d, true
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "open"
	}
	return t.Format(dateLayout)
}

// mrow is one valid teams.csv row.
type mrow struct {
	line               int
	person, team, role string
	from, to           time.Time // to zero = open; inclusive
	handover           bool
}

func (m *mrow) end() time.Time {
	if m.to.IsZero() {
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return m.to
}

// parseTeams validates teams.csv. Memberships are inclusive date ranges. A membership whose valid_to
// equals the valid_from of another membership of the same person, or of the team's next lead, is
// read as a handover: its last day becomes the day before (many HR exports write the successor's
// start date as the end date), with one warning listing the lines.
func parseTeams(t *table, file string, now time.Time, pr *problems) parsed {
	var out parsed
	n := len(t.records)
	rows := make([]*mrow, 0, n)
	dup := make(map[string]int, n)
	ids := make(map[string]int, n)
	for _, r := range t.records {
		email, ok1 := emailField(t, r, pr)
		team, ok2 := required(t, r, "team", pr)
		role := strings.ToLower(r.get(t, "role"))
		ok3 := true
		switch role {
		case "lead", "member":
		case "":
			pr.add(r.line, t.column("role"), "role", "missing role (lead or member)")
			ok3 = false
		default:
			pr.add(r.line, t.column("role"), "role", "unknown role %q (lead or member)", r.get(t, "role"))
			ok3 = false
		}
		from, ok4 := dateField(t, r, "valid_from", false, pr)
		to, ok5 := dateField(t, r, "valid_to", true, pr)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			continue
		}
		if !to.IsZero() && to.Before(from) {
			pr.add(r.line, t.column("valid_to"), "valid_to", "valid_to %s is before valid_from %s", fmtDate(to), fmtDate(from))
			continue
		}
		key := strings.Join([]string{email, team, role, fmtDate(from), fmtDate(to)}, "\x00")
		if l, ok := dup[key]; ok {
			pr.add(r.line, 0, "", "duplicate row: same as line %d", l)
			continue
		}
		dup[key] = r.line
		pid := PersonID(email)
		mid := MembershipID(pid, TeamID(team), fmtDate(from))
		if l, ok := ids[mid]; ok {
			pr.add(r.line, t.column("valid_from"), "valid_from", "same person, team and valid_from as line %d", l)
			continue
		}
		ids[mid] = r.line
		rows = append(rows, &mrow{line: r.line, person: email, team: team, role: role, from: from, to: to})
	}

	// Handovers.
	startsByPerson := map[string]map[time.Time]bool{}
	leadStarts := map[string]map[time.Time]string{} // team -> date -> lead person
	for _, m := range rows {
		if startsByPerson[m.person] == nil {
			startsByPerson[m.person] = map[time.Time]bool{}
		}
		startsByPerson[m.person][m.from] = true
		if m.role == "lead" {
			if leadStarts[m.team] == nil {
				leadStarts[m.team] = map[time.Time]string{}
			}
			leadStarts[m.team][m.from] = m.person
		}
	}
	var handovers []int
	for _, m := range rows {
		if m.to.IsZero() || !m.to.After(m.from) {
			continue
		}
		next, ok := leadStarts[m.team][m.to]
		if startsByPerson[m.person][m.to] || (m.role == "lead" && ok && next != m.person) {
			m.to = m.to.AddDate(0, 0, -1)
			m.handover = true
			handovers = append(handovers, m.line)
		}
	}
	if len(handovers) > 0 {
		sort.Ints(handovers)
		pr.warn(handovers[0], t.column("valid_to"), "valid_to", "%d membership(s) end on the day the same person's next membership (or the team's next lead) starts, on lines %s: read as handovers, each earlier membership's last day is the day before",
			len(handovers), lineList(handovers))
	}

	// Overlaps of one person in one team, and of two leads of one team.
	overlaps(rows, func(m *mrow) string { return m.person + "\x00" + m.team }, func(a, b *mrow) {
		pr.add(b.line, t.column("valid_from"), "valid_from", "overlapping memberships of the same person in team %q: this one starts %s, the one on line %d runs %s to %s",
			b.team, fmtDate(b.from), a.line, fmtDate(a.from), fmtDate(a.to))
	})
	var leads []*mrow
	for _, m := range rows {
		if m.role == "lead" {
			leads = append(leads, m)
		}
	}
	overlaps(leads, func(m *mrow) string { return m.team }, func(a, b *mrow) {
		if a.person == b.person {
			return // already reported as an overlapping membership
		}
		pr.add(b.line, t.column("valid_from"), "valid_from", "two leads of team %q at the same time: this lead starts %s while the lead on line %d runs %s to %s",
			b.team, fmtDate(b.from), a.line, fmtDate(a.from), fmtDate(a.to))
	})

	seenP, seenT := make(map[string]bool, len(rows)), map[string]bool{}
	out.memberships = make([]models.TeamMembership, 0, len(rows))
	for _, m := range rows {
		pid := out.addPerson(seenP, m.person, now)
		tid := TeamID(m.team)

		if !seenT[tid] {
			seenT[tid] = true
			out.teams = append(out.teams, models.Team{TeamID: tid, Name: m.team, UpdatedAt: now})
		}
		out.memberships = append(out.memberships, models.TeamMembership{
			MembershipID: MembershipID(pid, tid, fmtDate(m.from)), PersonID: pid, TeamID: tid, Role: m.role,
			ValidFrom: m.from, ValidTo: m.to, SourceFile: file, Line: m.line})
	}
	return out
}

// overlaps calls report(a, b) for each row b that starts while an earlier row a of the same group
// is still running (inclusive ranges).
func overlaps(rows []*mrow, group func(*mrow) string, report func(a, b *mrow)) {
	groups := map[string][]*mrow{}
	var order []string
	for _, m := range rows {
		g := group(m)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], m)
	}
	for _, g := range order {
		ms := groups[g]
		sort.SliceStable(ms, func(i, j int) bool {
			if !ms[i].from.Equal(ms[j].from) {
				return ms[i].from.Before(ms[j].from)
			}
			return ms[i].line < ms[j].line
		})
		var run *mrow
		for _, m := range ms {
			if run != nil && !m.from.After(run.end()) {
				report(run, m)
			}
			if run == nil || m.end().After(run.end()) {
				run = m
			}
		}
	}
}

func lineList(lines []int) string {
	const show = 10
	parts := make([]string, 0, show)
	for i, l := range lines {
		if i == show {
			parts = append(parts, fmt.Sprintf("... (%d more)", len(lines)-show))
			break
		}
		parts = append(parts, fmt.Sprint(l))
	}
	return strings.Join(parts, ", ")
}

// parseCohorts validates cohorts.csv. A completion date after today is kept, with a warning: the
// participant counts as not yet treated until then.
func parseCohorts(t *table, file string, now, today time.Time, pr *problems) parsed {
	var out parsed
	dup := map[string]int{}
	ids := map[string]int{}
	seenP, seenC := map[string]bool{}, map[string]bool{}
	today = day(today)
	for _, r := range t.records {
		email, ok1 := emailField(t, r, pr)
		cohort, ok2 := required(t, r, "cohort", pr)
		program, ok3 := required(t, r, "program", pr)
		enrolled, ok4 := dateField(t, r, "enrolled_at", false, pr)
		completed, ok5 := dateField(t, r, "completed_at", true, pr)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			continue
		}
		if !completed.IsZero() && completed.Before(enrolled) {
			pr.add(r.line, t.column("completed_at"), "completed_at", "completed before enrolled: completed_at %s is before enrolled_at %s", fmtDate(completed), fmtDate(enrolled))
			continue
		}
		key := strings.Join([]string{email, cohort, program, fmtDate(enrolled), r.get(t, "completed_at")}, "\x00")
		if l, ok := dup[key]; ok {
			pr.add(r.line, 0, "", "duplicate row: same as line %d", l)
			continue
		}
		dup[key] = r.line
		pid := PersonID(email)
		cid := CohortID(program, cohort)
		eid := EnrollmentID(pid, cid)
		if l, ok := ids[eid]; ok {
			pr.add(r.line, t.column("cohort"), "cohort", "same person enrolled twice in cohort %q of %q (line %d)", cohort, program, l)
			continue
		}
		ids[eid] = r.line
		if completed.After(today) {
			pr.warn(r.line, t.column("completed_at"), "completed_at", "completed_at %s is after today; kept, and counted as not yet treated until then", fmtDate(completed))
		}
		out.addPerson(seenP, email, now)
		if !seenC[cid] {
			seenC[cid] = true
			out.cohorts = append(out.cohorts, models.Cohort{CohortID: cid, Name: cohort, Program: program})
		}
		out.enrollments = append(out.enrollments, models.Enrollment{EnrollmentID: eid, PersonID: pid, CohortID: cid,
			Program: program, EnrolledAt: enrolled, CompletedAt: completed, SourceFile: file, Line: r.line})
	}
	first := CohortFirstCompletions(out.enrollments, today)
	for i := range out.enrollments {
		e := &out.enrollments[i]
		e.Status = EnrollmentStatus(e.CompletedAt, first[e.CohortID], today)
	}
	return out
}

// Identity sources accepted in identities.csv.
var identitySources = map[string]bool{models.SourceGitHub: true, models.SourceJira: true, models.SourcePagerDuty: true}

// parseIdentities validates identities.csv. Accounts are compared case-insensitively.
func parseIdentities(t *table, file string, now time.Time, pr *problems) parsed {
	var out parsed
	type first struct {
		line   int
		person string
	}
	seen := map[string]first{}
	seenP := map[string]bool{}
	for _, r := range t.records {
		email, ok1 := emailField(t, r, pr)
		src := strings.ToLower(r.get(t, "source"))
		ok2 := true
		switch {
		case src == "":
			pr.add(r.line, t.column("source"), "source", "missing source (github, jira or pagerduty)")
			ok2 = false
		case !identitySources[src]:
			pr.add(r.line, t.column("source"), "source", "unknown source %q (github, jira or pagerduty)", r.get(t, "source"))
			ok2 = false
		}
		account, ok3 := required(t, r, "account", pr)
		if !(ok1 && ok2 && ok3) {
			continue
		}
		key := src + "\x00" + strings.ToLower(account)
		if f, ok := seen[key]; ok {
			if f.person == email {
				pr.add(r.line, 0, "", "duplicate row: same as line %d", f.line)
			} else {
				pr.add(r.line, t.column("account"), "account", "%s account %q is already assigned to another person on line %d", src, account, f.line)
			}
			continue
		}
		seen[key] = first{r.line, email}
		pid := out.addPerson(seenP, email, now)
		out.overrides = append(out.overrides, models.IdentityOverride{Source: src, Account: account, PersonID: pid, SourceFile: file, Line: r.line})
	}
	return out
}
