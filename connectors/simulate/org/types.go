// Package org is the synthetic organisation behind the simulator: people with
// identities in GitHub, Jira and PagerDuty, teams with time-bounded memberships,
// a staggered leadership program, and about two years of operational activity
// with a planted training effect and a known ground truth.
//
// # Timeline semantics
//
// The organisation is generated once, over a span [Start, End) that extends past
// the initial Now (by default 18 months before Now up to 6 months after it).
// Every record carries the full timeline of its events. The organisation is
// immutable after Generate and safe for concurrent readers. A reader (an API
// handler) holds a moving "now" and shows
//
//   - a record only if VisibleAt(now) (created at or before now, not deleted);
//   - its state as of now (StateAt): events after now are invisible, so an
//     incident resolved later shows as triggered/acknowledged and a ticket
//     reopened later still shows done;
//   - updated_at as UpdatedAt(now): the time of the last event at or before now;
//   - its sub-records up to now (LogEntriesAt, HistoryAt, CommitsAt, ReviewsAt,
//     StatusesAt).
//
// Advancing the clock therefore makes new records appear and old ones change,
// deterministically, without mutating anything.
//
// All times are UTC. Slices of records are sorted by creation time (ties by id)
// and every sub-record slice is sorted by time.
package org

import (
	"time"
)

// PersonKind says whether a Person is an employee (listed in teams.csv) or an
// account holder who matches nobody in the HR data.
type PersonKind string

// Person kinds.
const (
	KindEmployee   PersonKind = "employee"   // has a work email, belongs to teams
	KindContractor PersonKind = "contractor" // external email, no team membership
	KindBot        PersonKind = "bot"        // automation account (dependabot[bot], Jira automation)
)

// Person is one human or bot with an identity in zero or more tools. Records
// reference people by pointer; Person values are never copied by the generator.
type Person struct {
	ID    string     // stable simulator id, "p0001"; never shown by an API
	Index int        // position in Org.People
	Kind  PersonKind // employee, contractor or bot
	Name  string     // display name, "Ada Lovelace"
	// Email is the canonical work email used in teams.csv and cohorts.csv
	// (lower case, "ada.lovelace@acme.example"); contractors have an external
	// address, bots have none.
	Email string

	GitHub    *GitHubIdentity    // nil = no GitHub account
	Jira      *JiraIdentity      // nil = no Jira account
	PagerDuty *PagerDutyIdentity // nil = no PagerDuty account
}

// GitHubIdentity is a person's GitHub user.
type GitHubIdentity struct {
	Login string // "alovelace", "dependabot[bot]"
	ID    int64  // numeric user id
	Type  string // "User" or "Bot"
	Name  string // profile name (may differ from Person.Name; empty for some)
	// CommitEmail is the address in commit author fields: the work email, or
	// the noreply form "ID+login@users.noreply.github.com".
	CommitEmail string
	// Noreply reports that CommitEmail is the noreply form.
	Noreply bool
}

// JiraIdentity is a person's Jira user. Cloud exposes AccountID (and hides the
// email for some users, as Jira Cloud does with privacy settings); Data Center
// exposes Username and Key.
type JiraIdentity struct {
	AccountID   string // Cloud, 24 lower-case hex characters
	AccountType string // "atlassian" or "app" (bots)
	DisplayName string
	Email       string // the address Jira knows; shown only if !EmailHidden
	EmailHidden bool   // Cloud hides emailAddress for this user
	Username    string // Data Center "name", "alovelace"
	Key         string // Data Center "key", "JIRAUSER10123"
	TimeZone    string // "Europe/Berlin"
}

// PagerDutyIdentity is a person's PagerDuty user.
type PagerDutyIdentity struct {
	ID       string // "PABC123" (7 characters, P + 6 upper-case alphanumerics)
	Name     string
	Email    string // same address as the work email, in some cases with different letter case
	Role     string // "user", "admin", "limited_user"
	TimeZone string
}

// Role is a person's role in a team.
type Role string

// Membership roles.
const (
	RoleLead   Role = "lead"
	RoleMember Role = "member"
)

// Team is an engineering team. ID is a stable slug ("payments") used in teams.csv.
type Team struct {
	ID          string // slug, "payments"
	Index       int    // position in Org.Teams
	Name        string // "Payments"
	PagerDutyID string // "PT1ABCD"
	JiraKeys    []string
	Projects    []*JiraProject
	Repos       []*Repo
	Services    []*Service
	// TreatedAt is the team's treatment date: the first moment at which the
	// lead in office had completed the program (see Org.TeamTreatedAt for the
	// lead-change rule). Zero = never treated within the generated span.
	TreatedAt time.Time
	// Cohort is the cohort of the lead whose completion treated the team ("" if never).
	Cohort string
	// Effect is the team's random effect on durations (a multiplier around 1),
	// recorded for the truth; it is constant over time.
	Effect float64
}

// Membership is one time-bounded team membership. ValidTo is exclusive; zero
// means still valid at End.
type Membership struct {
	Person    *Person
	Team      *Team
	Role      Role
	ValidFrom time.Time // a date at 00:00 UTC
	ValidTo   time.Time // a date at 00:00 UTC, zero = open
}

// ActiveAt reports whether the membership holds at t.
func (m *Membership) ActiveAt(t time.Time) bool {
	return !t.Before(m.ValidFrom) && (m.ValidTo.IsZero() || t.Before(m.ValidTo))
}

// Program is the leadership program with its cohorts and enrollments.
type Program struct {
	Name        string // "Leading Engineering Teams"
	Cohorts     []*Cohort
	Enrollments []*Enrollment
}

// Cohort is one run of the program. Cohorts are staggered by a few months.
type Cohort struct {
	ID    string    // "2025-spring"
	Start time.Time // first session
	End   time.Time // last session = nominal completion date
}

// Enrollment is one person's participation in a cohort.
type Enrollment struct {
	Person     *Person
	Cohort     *Cohort
	Program    string
	EnrolledAt time.Time
	// CompletedAt is the completion date; zero = not completed (dropout, or
	// still in progress at End).
	CompletedAt time.Time
	// DroppedAt is the dropout date; zero = did not drop out.
	DroppedAt time.Time
}

// ---------------------------------------------------------------- PagerDuty

// Service is a PagerDuty service.
type Service struct {
	ID          string // "PSV1234"
	Name        string
	Description string
	Team        *Team
	Policy      *EscalationPolicy
	CreatedAt   time.Time
}

// EscalationPolicy is a PagerDuty escalation policy.
type EscalationPolicy struct {
	ID     string // "PEP1234"
	Name   string
	Team   *Team
	Levels []EscalationLevel // level 1 first
}

// EscalationLevel is one escalation rule.
type EscalationLevel struct {
	DelayMinutes int       // escalation_delay_in_minutes
	Targets      []*Person // user targets
}

// LogEntryType is a PagerDuty log entry type (the API "type" field).
type LogEntryType string

// Log entry types.
const (
	LogTrigger     LogEntryType = "trigger_log_entry"
	LogAcknowledge LogEntryType = "acknowledge_log_entry"
	LogEscalate    LogEntryType = "escalate_log_entry"
	LogAssign      LogEntryType = "assign_log_entry" // reassignment by a user
	LogResolve     LogEntryType = "resolve_log_entry"
	LogNotify      LogEntryType = "notify_log_entry"
	LogAnnotate    LogEntryType = "annotate_log_entry"
)

// LogEntry is one event of an incident's timeline.
type LogEntry struct {
	ID   string // "R1ABCDEFGHIJKLMNOPQRSTUVWX"-like
	Type LogEntryType
	At   time.Time
	// Agent is the person who acted; nil means the service (trigger,
	// escalate by timeout, auto-resolve) — render as a service_reference.
	Agent *Person
	// Assignees are the assignees after this entry (trigger, escalate, assign);
	// for notify, the single notified user; nil for the others.
	Assignees []*Person
	// Level is the escalation level after a trigger or escalate entry (1-based).
	Level   int
	Channel string // "api", "web_ui", "email", "sms", "timeout", "auto"
	Note    string // annotate text
}

// IncidentStatus is a PagerDuty incident status.
type IncidentStatus string

// Incident statuses.
const (
	StatusTriggered    IncidentStatus = "triggered"
	StatusAcknowledged IncidentStatus = "acknowledged"
	StatusResolved     IncidentStatus = "resolved"
)

// Incident is a PagerDuty incident with its full log.
type Incident struct {
	ID          string // "Q1ABCDEFGHIJKL" (14 characters)
	Number      int    // incident_number, unique in the account
	Title       string
	IncidentKey string // dedup key; repeats of the same problem share it
	Service     *Service
	Teams       []*Team // the service's team
	Urgency     string  // "high" or "low"
	Priority    *Priority
	CreatedAt   time.Time
	// Log is the full timeline, sorted by time; Log[0] is the trigger at CreatedAt.
	Log []LogEntry
	// ResolvedAt is the resolve time over the whole span; zero = never resolved
	// before End. Use StateAt for the value as of a given now.
	ResolvedAt time.Time
	// CausedBy is the production deployment whose failure this incident is (nil for the
	// incidents that arrive on their own).
	CausedBy *Deployment
}

// Priority is a PagerDuty priority ("P1".."P5"); incidents may have none.
type Priority struct {
	ID    string
	Name  string
	Order int
}

// IncidentState is an incident as of some now.
type IncidentState struct {
	Status             IncidentStatus
	Assignees          []*Person // current assignees (empty when resolved)
	Acknowledgers      []*Person // since the last trigger/escalation
	Level              int       // current escalation level
	ResolvedAt         time.Time // zero if not resolved as of now
	LastStatusChangeAt time.Time
	LastStatusChangeBy *Person // nil = the service
	UpdatedAt          time.Time
	NumLogEntries      int // len(LogEntriesAt(now))
}

// ---------------------------------------------------------------- Jira

// JiraProject is a Jira project.
type JiraProject struct {
	ID   string // numeric string, "10000"
	Key  string // "PAY"
	Name string
	Team *Team
	Lead *Person
}

// IssueType is a Jira issue type.
type IssueType struct {
	ID      string
	Name    string // "Bug", "Task", "Story"
	Subtask bool
}

// StatusCategory is a Jira status category.
type StatusCategory struct {
	ID        int    // 2 new, 4 indeterminate, 3 done
	Key       string // "new", "indeterminate", "done"
	Name      string // "To Do", "In Progress", "Done"
	ColorName string
}

// Status is a Jira workflow status.
type Status struct {
	ID       string
	Name     string // "To Do", "In Progress", "In Review", "Done", "Closed"
	Category *StatusCategory
}

// JiraPriority is a Jira priority; a lower Rank is more urgent (Highest = 1).
type JiraPriority struct {
	ID   string // "1".."5"
	Name string // "Highest".."Lowest"
	Rank int
}

// Resolution is a Jira resolution ("Done", "Won't Do", "Duplicate").
type Resolution struct {
	ID   string
	Name string
}

// Issue is a Jira issue with its full changelog.
type Issue struct {
	ID       string // numeric string, "10234"
	Key      string // "PAY-12"
	Project  *JiraProject
	Type     *IssueType
	Summary  string
	Reporter *Person
	Created  time.Time
	DueDate  time.Time // date at 00:00 UTC; zero = no due date

	// Initial values at creation (before History[0]).
	InitialStatus   *Status
	InitialPriority *JiraPriority
	InitialAssignee *Person // nil = unassigned
	InitialLabels   []string

	// History is the full changelog, sorted by Created.
	History []ChangeGroup

	// DeletedAt is when the issue was deleted (or moved out of scope); zero
	// = never. A deleted issue is invisible from DeletedAt on.
	DeletedAt time.Time

	states []IssueState // states[0] = initial, states[i+1] = after History[i]
}

// ChangeGroup is one changelog history entry.
type ChangeGroup struct {
	ID      string // numeric string
	Author  *Person
	Created time.Time
	Items   []ChangeItem
}

// ChangeItem is one field change, exactly as Jira reports it. For the
// assignee field From/To hold account ids (Cloud); APIs in Data Center mode
// render user names themselves from FromPerson/ToPerson.
type ChangeItem struct {
	Field      string // "status", "priority", "assignee", "labels", "resolution"
	FieldType  string // "jira"
	FieldID    string // "status", "priority", "assignee", "labels", "resolution"
	From       string
	FromString string
	To         string
	ToString   string
	FromPerson *Person // assignee changes only
	ToPerson   *Person // assignee changes only
}

// IssueState is an issue as of some now.
type IssueState struct {
	Status         *Status
	Priority       *JiraPriority
	Assignee       *Person // nil = unassigned
	Labels         []string
	Resolution     *Resolution // nil = unresolved
	ResolutionDate time.Time   // zero = unresolved
	Updated        time.Time
}

// ---------------------------------------------------------------- GitHub

// Repo is a GitHub repository.
type Repo struct {
	ID            int64
	Owner         string // organisation login, "acme"
	Name          string // "payments-api"
	Team          *Team
	Archived      bool
	Private       bool
	DefaultBranch string // "main"
	CreatedAt     time.Time
	PullRequests  []*PullRequest // sorted by Number
	Deployments   []*Deployment  // sorted by CreatedAt
	// Service is the PagerDuty service the repository's production runs as (nil for an archived
	// repository): the team's Worker service for a worker repository when the team has one, else
	// its API service. Org.ServiceMap lists the links for sources.github.service_map; a failing
	// deployment causes an incident there.
	Service *Service
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.Owner + "/" + r.Name }

// PullRequest is a GitHub pull request with its commits and reviews.
type PullRequest struct {
	ID      int64
	Number  int
	Repo    *Repo
	Title   string
	Body    string
	Author  *Person
	Created time.Time
	// ReadyAt is when a draft was marked ready for review; zero = never a
	// draft. Draft as of now = !ReadyAt.IsZero() && now < ReadyAt.
	ReadyAt time.Time
	HeadRef string // "feature/pay-123-retry"
	HeadSHA string // sha of the last commit
	BaseRef string // "main"
	BaseSHA string

	Commits []Commit // sorted by CommittedAt; all CommittedAt >= Created except the first
	Reviews []Review // sorted by SubmittedAt

	// MergedAt (zero = never merged before End), ClosedAt (zero = still open
	// at End; equals MergedAt when merged).
	MergedAt       time.Time
	ClosedAt       time.Time
	MergedBy       *Person
	MergeCommitSHA string // set when merged

	// Reverts is the PR this one reverts (its title is `Revert "<title>"` and
	// its body `This reverts commit <merge sha>.`); RevertedBy is the reverse link.
	Reverts    *PullRequest
	RevertedBy *PullRequest

	// DeployedBy is the first successful production deployment that ships
	// this PR's merge commit (nil = not deployed before End).
	DeployedBy *Deployment
}

// Commit is one commit of a pull request.
type Commit struct {
	SHA         string // 40 hex
	Author      *Person
	AuthorName  string
	AuthorEmail string // the commit email (work email or noreply form)
	Message     string
	AuthoredAt  time.Time
	CommittedAt time.Time // when pushed to the PR; visible from then on
}

// ReviewState is a GitHub review state.
type ReviewState string

// Review states.
const (
	ReviewApproved         ReviewState = "APPROVED"
	ReviewChangesRequested ReviewState = "CHANGES_REQUESTED"
	ReviewCommented        ReviewState = "COMMENTED"
)

// Review is one pull request review.
type Review struct {
	ID          int64
	User        *Person
	State       ReviewState
	Body        string
	SubmittedAt time.Time
	CommitID    string // head sha at submission
}

// PRState is a pull request as of some now.
type PRState struct {
	State          string // "open" or "closed"
	Draft          bool
	Merged         bool
	MergedAt       time.Time // zero if not merged as of now
	ClosedAt       time.Time // zero if open as of now
	MergedBy       *Person
	MergeCommitSHA string // "" if not merged as of now
	HeadSHA        string // last commit visible as of now
	UpdatedAt      time.Time
	NumCommits     int
	NumReviews     int
}

// Deployment is a GitHub deployment with its statuses.
type Deployment struct {
	ID          int64
	Repo        *Repo
	SHA         string // the merge commit sha of the newest PR it ships (or the previous head)
	Ref         string // "main"
	Task        string // "deploy"
	Environment string // "production" or "staging"
	Description string
	Creator     *Person
	CreatedAt   time.Time
	Statuses    []DeploymentStatus // sorted by CreatedAt
	// Ships lists the PRs whose merge commits this deployment ships: for a
	// production deployment, the PRs of its repo merged after the creation of
	// the previous successful production deployment and at or before its own
	// creation; a failed deployment ships them too, but they are deployed
	// (PullRequest.DeployedBy) only by the next successful one. Staging
	// deployments ship nothing by this rule (Ships is nil); an automated rollback (RollbackOf set)
	// follows it like any production deployment and seldom ships anything, as it comes within
	// hours of the deployment it recovers.
	Ships []*PullRequest
	// FinalState is the state of the last status ("success", "failure", "error", "inactive").
	FinalState string
	// Failure is the incident this deployment caused (nil when it caused none); Rollback the
	// automated production deployment that recovered it, created by github-actions[bot] and
	// shipping nothing; RollbackOf the reverse link.
	Failure    *Incident
	Rollback   *Deployment
	RollbackOf *Deployment
	// BugFix reports that the deployment ships a pull request titled with the key of a Jira Bug
	// (planted rework).
	BugFix bool
}

// DeploymentStatus is one deployment status.
type DeploymentStatus struct {
	ID          int64
	State       string // queued, in_progress, success, failure, error, inactive
	Environment string
	Description string
	Creator     *Person
	CreatedAt   time.Time
	LogURL      string
}

// ---------------------------------------------------------------- the whole

// Org is a generated organisation. It is immutable after Generate and safe
// for concurrent use.
type Org struct {
	Params Params
	Start  time.Time // first day of generated activity
	Now    time.Time // the initial now (Params.Now)
	End    time.Time // end of generated activity (exclusive)

	// People holds employees first (sorted by ID), then contractors and bots.
	People      []*Person
	Teams       []*Team
	Memberships []*Membership // sorted by ValidFrom, then person, then team
	Program     Program

	// GitHubOwner is the organisation login owning all repos ("acme").
	GitHubOwner string

	// PagerDuty.
	Services   []*Service
	Policies   []*EscalationPolicy
	Priorities []*Priority
	Incidents  []*Incident // sorted by CreatedAt; Number ascends with it

	// Jira.
	Projects         []*JiraProject
	IssueTypes       []*IssueType
	StatusCategories []*StatusCategory
	Statuses         []*Status
	JiraPriorities   []*JiraPriority
	Resolutions      []*Resolution
	Issues           []*Issue // sorted by Created

	// GitHub.
	Repos        []*Repo
	PullRequests []*PullRequest // all repos, sorted by Created
	Deployments  []*Deployment  // all repos, sorted by CreatedAt

	// IdentityOverrides are the manual overrides written by WriteIdentitiesCSV.
	IdentityOverrides []IdentityOverride

	idx indexes
}

// IdentityOverride is one row of identities.csv: a manual link of a source
// account to a person.
type IdentityOverride struct {
	Person  *Person
	Source  string // "github", "jira", "pagerduty"
	Account string // GitHub login, Jira accountId, PagerDuty user id
}

// indexes are lookup maps built once by Generate.
type indexes struct {
	personByGitHubLogin map[string]*Person
	personByJiraAccount map[string]*Person
	personByJiraName    map[string]*Person
	personByPDID        map[string]*Person
	teamByID            map[string]*Team
	teamByPDID          map[string]*Team
	serviceByID         map[string]*Service
	policyByID          map[string]*EscalationPolicy
	incidentByID        map[string]*Incident
	issueByKey          map[string]*Issue
	issueByID           map[string]*Issue
	projectByKey        map[string]*JiraProject
	projectByID         map[string]*JiraProject
	repoByFullName      map[string]*Repo
	deploymentByID      map[int64]*Deployment
	membershipsByPerson map[*Person][]*Membership
	membershipsByTeam   map[*Team][]*Membership
}
