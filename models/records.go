package models

import (
	"database/sql/driver"
	"encoding/json"
	"time"
)

// tableColumns lists, per canonical table, the columns in schema order (models/migrations).
var tableColumns = map[string][]string{
	"raw_records":        {"source", "entity", "native_id", "scope", "payload", "updated_at", "fetched_at", "deleted_at"},
	"people":             {"person_id", "email", "name", "pseudonymized", "updated_at"},
	"accounts":           {"account_id", "source", "native_id", "login", "email", "name", "is_bot", "person_id", "match_rule", "first_seen_at", "last_seen_at"},
	"identity_overrides": {"source", "account", "person_id", "source_file", "line"},
	"teams":              {"team_id", "name", "updated_at"},
	"team_memberships":   {"membership_id", "person_id", "team_id", "role", "valid_from", "valid_to", "source_file", "line"},
	"cohorts":            {"cohort_id", "name", "program"},
	"enrollments":        {"enrollment_id", "person_id", "cohort_id", "program", "enrolled_at", "completed_at", "status", "source_file", "line"},
	"incidents": {"incident_id", "source", "native_id", "number", "title", "incident_key", "service_id", "service_name",
		"source_team_id", "escalation_policy_id", "status", "urgency", "priority", "created_at", "acknowledged_at",
		"resolved_at", "updated_at", "escalation_count", "reassignment_count", "first_responder_account_id",
		"resolver_account_id", "assignee_account_id", "deleted_at"},
	"incident_events": {"event_id", "incident_id", "type", "created_at", "agent_account_id", "assignee_account_ids", "summary"},
	"tickets": {"ticket_id", "source", "native_id", "key", "project_key", "issue_type", "status", "status_category",
		"priority", "assignee_account_id", "reporter_account_id", "created_at", "updated_at", "resolved_at", "due_date",
		"labels", "first_in_progress_at", "reopen_count", "priority_raised", "escalation_label_added", "custom_fields", "deleted_at"},
	"ticket_changes": {"change_id", "ticket_id", "author_account_id", "changed_at", "field", "from_value", "from_string", "to_value", "to_string"},
	"pull_requests": {"pr_id", "source", "native_id", "repo", "number", "title", "state", "is_draft", "author_account_id",
		"base_ref", "created_at", "updated_at", "closed_at", "merged_at", "merge_commit_sha", "first_commit_at",
		"commit_count", "is_revert", "reverts_pr_id", "deleted_at"},
	"pr_commits":     {"pr_id", "sha", "author_account_id", "authored_at"},
	"pr_reviews":     {"review_id", "pr_id", "reviewer_account_id", "state", "submitted_at"},
	"deployments":    {"deployment_id", "source", "native_id", "repo", "environment", "sha", "ref", "creator_account_id", "created_at", "status", "finished_at", "deleted_at"},
	"deployment_prs": {"deployment_id", "pr_id"},
	"exposure":       {"unit_type", "unit_id", "status", "treated_at", "cohort_id", "program", "lead_person_id", "note"},
	"metric_events":  {"metric", "event_id", "person_id", "team_id", "occurred_at", "value", "censored"},
	"estimates": {"analysis_id", "period", "metric", "method", "aggregation", "rel_period", "scale", "estimate", "ci_low",
		"ci_high", "relative_change", "std_error", "p_value", "q_value", "n_treated_units", "n_control_units",
		"n_events_pre", "n_events_post", "mde", "flags", "computed_at", "population", "outcome", "headline",
		"pretrend_stat", "pretrend_df1", "pretrend_df2", "pretrend_p", "pretrend_note", "relative_ci_low", "relative_ci_high",
		"ri_p_value", "ri_permutations", "ri_exact", "mbar", "breakdown_mbar"},
	"roi": {"analysis_id", "period", "metric", "monetised", "effect_per_event", "annual_volume", "value_per_unit", "benefit",
		"benefit_low", "benefit_high", "cost", "roi_pct", "roi_pct_low", "bcr", "bcr_low", "currency", "computed_at",
		"benefit_ci_low", "benefit_ci_high", "net_benefit", "net_benefit_ci_low", "net_benefit_ci_high", "roi_pct_ci_low",
		"roi_pct_ci_high", "bcr_ci_low", "bcr_ci_high", "conservative_roi_pct", "conservative_bcr", "level", "unit_value_unit",
		"baseline"},
	"roi_costs": {"analysis_id", "period", "line", "quantity", "unit_cost", "amount", "currency", "computed_at"},
}

// RawRecord is one API payload as fetched (raw_records).
type RawRecord struct {
	Source, Entity, NativeID, Scope string
	Payload                         []byte // JSON, as the API returned it
	UpdatedAt, FetchedAt, DeletedAt time.Time
}

// Table implements Row.
func (RawRecord) Table() string { return "raw_records" }

// Values implements Row.
func (r RawRecord) Values() []driver.Value {
	return []driver.Value{r.Source, r.Entity, r.NativeID, r.Scope, json.RawMessage(r.Payload), nullTime(r.UpdatedAt), r.FetchedAt.UTC(), nullTime(r.DeletedAt)}
}

// Person is an employee (people).
type Person struct {
	PersonID, Email, Name string
	Pseudonymized         bool
	UpdatedAt             time.Time
}

// Table implements Row.
func (Person) Table() string { return "people" }

// Values implements Row.
func (p Person) Values() []driver.Value {
	return []driver.Value{p.PersonID, p.Email, nullString(p.Name), p.Pseudonymized, p.UpdatedAt.UTC()}
}

// Account is an actor at a source (accounts).
type Account struct {
	AccountID, Source, NativeID, Login, Email, Name string
	IsBot                                           bool
	PersonID, MatchRule                             string
	FirstSeenAt, LastSeenAt                         time.Time
}

// Table implements Row.
func (Account) Table() string { return "accounts" }

// Values implements Row.
func (a Account) Values() []driver.Value {
	return []driver.Value{a.AccountID, a.Source, a.NativeID, nullString(a.Login), nullString(a.Email), nullString(a.Name),
		a.IsBot, nullString(a.PersonID), nullString(a.MatchRule), nullTime(a.FirstSeenAt), nullTime(a.LastSeenAt)}
}

// IdentityOverride is a manual account-to-person match (identity_overrides).
type IdentityOverride struct {
	Source, Account, PersonID, SourceFile string
	Line                                  int
}

// Table implements Row.
func (IdentityOverride) Table() string { return "identity_overrides" }

// Values implements Row.
func (o IdentityOverride) Values() []driver.Value {
	return []driver.Value{o.Source, o.Account, o.PersonID, o.SourceFile, int32(o.Line)}
}

// Team is a unit of analysis (teams).
type Team struct {
	TeamID, Name string
	UpdatedAt    time.Time
}

// Table implements Row.
func (Team) Table() string { return "teams" }

// Values implements Row.
func (t Team) Values() []driver.Value { return []driver.Value{t.TeamID, t.Name, t.UpdatedAt.UTC()} }

// TeamMembership is a time-bounded membership (team_memberships). ValidTo zero means still valid.
type TeamMembership struct {
	MembershipID, PersonID, TeamID, Role string
	ValidFrom, ValidTo                   time.Time
	SourceFile                           string
	Line                                 int
}

// Table implements Row.
func (TeamMembership) Table() string { return "team_memberships" }

// Values implements Row.
func (m TeamMembership) Values() []driver.Value {
	return []driver.Value{m.MembershipID, m.PersonID, m.TeamID, m.Role, nullDate(m.ValidFrom), nullDate(m.ValidTo), m.SourceFile, int32(m.Line)}
}

// Cohort is a training cohort (cohorts).
type Cohort struct{ CohortID, Name, Program string }

// Table implements Row.
func (Cohort) Table() string { return "cohorts" }

// Values implements Row.
func (c Cohort) Values() []driver.Value { return []driver.Value{c.CohortID, c.Name, c.Program} }

// Enrollment is one person in one cohort (enrollments). CompletedAt zero means not completed.
type Enrollment struct {
	EnrollmentID, PersonID, CohortID, Program string
	EnrolledAt, CompletedAt                   time.Time
	Status, SourceFile                        string
	Line                                      int
}

// Table implements Row.
func (Enrollment) Table() string { return "enrollments" }

// Values implements Row.
func (e Enrollment) Values() []driver.Value {
	return []driver.Value{e.EnrollmentID, e.PersonID, e.CohortID, e.Program, nullDate(e.EnrolledAt), nullDate(e.CompletedAt), e.Status, e.SourceFile, int32(e.Line)}
}

// Incident is one incident (incidents).
type Incident struct {
	IncidentID, Source, NativeID                                  string
	Number                                                        int64
	Title, IncidentKey, ServiceID, ServiceName                    string
	SourceTeamID, EscalationPolicyID, Status, Urgency, Priority   string
	CreatedAt, AcknowledgedAt, ResolvedAt, UpdatedAt              time.Time
	EscalationCount, ReassignmentCount                            int
	FirstResponderAccountID, ResolverAccountID, AssigneeAccountID string
	DeletedAt                                                     time.Time
}

// Table implements Row.
func (Incident) Table() string { return "incidents" }

// Values implements Row.
func (i Incident) Values() []driver.Value {
	return []driver.Value{i.IncidentID, i.Source, i.NativeID, i.Number, nullString(i.Title), nullString(i.IncidentKey),
		nullString(i.ServiceID), nullString(i.ServiceName), nullString(i.SourceTeamID), nullString(i.EscalationPolicyID),
		i.Status, nullString(i.Urgency), nullString(i.Priority), i.CreatedAt.UTC(), nullTime(i.AcknowledgedAt),
		nullTime(i.ResolvedAt), nullTime(i.UpdatedAt), int32(i.EscalationCount), int32(i.ReassignmentCount),
		nullString(i.FirstResponderAccountID), nullString(i.ResolverAccountID), nullString(i.AssigneeAccountID), nullTime(i.DeletedAt)}
}

// IncidentEvent is one entry of an incident's timeline (incident_events).
type IncidentEvent struct {
	EventID, IncidentID, Type string
	CreatedAt                 time.Time
	AgentAccountID            string
	AssigneeAccountIDs        []string
	Summary                   string
}

// Table implements Row.
func (IncidentEvent) Table() string { return "incident_events" }

// Values implements Row.
func (e IncidentEvent) Values() []driver.Value {
	return []driver.Value{e.EventID, e.IncidentID, e.Type, e.CreatedAt.UTC(), nullString(e.AgentAccountID), list(e.AssigneeAccountIDs), nullString(e.Summary)}
}

// Ticket is one Jira issue (tickets).
type Ticket struct {
	TicketID, Source, NativeID, Key, ProjectKey, IssueType, Status, StatusCategory, Priority string
	AssigneeAccountID, ReporterAccountID                                                     string
	CreatedAt, UpdatedAt, ResolvedAt, DueDate                                                time.Time
	Labels                                                                                   []string
	FirstInProgressAt                                                                        time.Time
	ReopenCount                                                                              int
	PriorityRaised, EscalationLabelAdded                                                     bool
	CustomFields                                                                             []byte // JSON object, nil for NULL
	DeletedAt                                                                                time.Time
}

// Table implements Row.
func (Ticket) Table() string { return "tickets" }

// Values implements Row.
func (t Ticket) Values() []driver.Value {
	var custom driver.Value
	if t.CustomFields != nil {
		custom = json.RawMessage(t.CustomFields)
	}
	return []driver.Value{t.TicketID, t.Source, t.NativeID, t.Key, t.ProjectKey, nullString(t.IssueType), nullString(t.Status),
		nullString(t.StatusCategory), nullString(t.Priority), nullString(t.AssigneeAccountID), nullString(t.ReporterAccountID),
		t.CreatedAt.UTC(), nullTime(t.UpdatedAt), nullTime(t.ResolvedAt), nullDate(t.DueDate), list(t.Labels),
		nullTime(t.FirstInProgressAt), int32(t.ReopenCount), t.PriorityRaised, t.EscalationLabelAdded, custom, nullTime(t.DeletedAt)}
}

// TicketChange is one changelog item (ticket_changes).
type TicketChange struct {
	ChangeID, TicketID, AuthorAccountID             string
	ChangedAt                                       time.Time
	Field, FromValue, FromString, ToValue, ToString string
}

// Table implements Row.
func (TicketChange) Table() string { return "ticket_changes" }

// Values implements Row.
func (c TicketChange) Values() []driver.Value {
	return []driver.Value{c.ChangeID, c.TicketID, nullString(c.AuthorAccountID), c.ChangedAt.UTC(), c.Field,
		nullString(c.FromValue), nullString(c.FromString), nullString(c.ToValue), nullString(c.ToString)}
}

// PullRequest is one pull request (pull_requests).
type PullRequest struct {
	PRID, Source, NativeID, Repo             string
	Number                                   int
	Title, State                             string
	IsDraft                                  bool
	AuthorAccountID, BaseRef                 string
	CreatedAt, UpdatedAt, ClosedAt, MergedAt time.Time
	MergeCommitSHA                           string
	FirstCommitAt                            time.Time
	CommitCount                              int
	IsRevert                                 bool
	RevertsPRID                              string
	DeletedAt                                time.Time
}

// Table implements Row.
func (PullRequest) Table() string { return "pull_requests" }

// Values implements Row.
func (p PullRequest) Values() []driver.Value {
	return []driver.Value{p.PRID, p.Source, p.NativeID, p.Repo, int32(p.Number), nullString(p.Title), p.State, p.IsDraft,
		nullString(p.AuthorAccountID), nullString(p.BaseRef), p.CreatedAt.UTC(), nullTime(p.UpdatedAt), nullTime(p.ClosedAt),
		nullTime(p.MergedAt), nullString(p.MergeCommitSHA), nullTime(p.FirstCommitAt), int32(p.CommitCount), p.IsRevert,
		nullString(p.RevertsPRID), nullTime(p.DeletedAt)}
}

// PRCommit is one commit of a pull request (pr_commits).
type PRCommit struct {
	PRID, SHA, AuthorAccountID string
	AuthoredAt                 time.Time
}

// Table implements Row.
func (PRCommit) Table() string { return "pr_commits" }

// Values implements Row.
func (c PRCommit) Values() []driver.Value {
	return []driver.Value{c.PRID, c.SHA, nullString(c.AuthorAccountID), nullTime(c.AuthoredAt)}
}

// PRReview is one review (pr_reviews).
type PRReview struct {
	ReviewID, PRID, ReviewerAccountID, State string
	SubmittedAt                              time.Time
}

// Table implements Row.
func (PRReview) Table() string { return "pr_reviews" }

// Values implements Row.
func (r PRReview) Values() []driver.Value {
	return []driver.Value{r.ReviewID, r.PRID, nullString(r.ReviewerAccountID), r.State, nullTime(r.SubmittedAt)}
}

// Deployment is one deployment with its latest status (deployments).
type Deployment struct {
	DeploymentID, Source, NativeID, Repo, Environment, SHA, Ref, CreatorAccountID string
	CreatedAt                                                                     time.Time
	Status                                                                        string
	FinishedAt, DeletedAt                                                         time.Time
}

// Table implements Row.
func (Deployment) Table() string { return "deployments" }

// Values implements Row.
func (d Deployment) Values() []driver.Value {
	return []driver.Value{d.DeploymentID, d.Source, d.NativeID, d.Repo, d.Environment, nullString(d.SHA), nullString(d.Ref),
		nullString(d.CreatorAccountID), d.CreatedAt.UTC(), nullString(d.Status), nullTime(d.FinishedAt), nullTime(d.DeletedAt)}
}

// DeploymentPR links a deployment to a pull request it shipped (deployment_prs).
type DeploymentPR struct{ DeploymentID, PRID string }

// Table implements Row.
func (DeploymentPR) Table() string { return "deployment_prs" }

// Values implements Row.
func (d DeploymentPR) Values() []driver.Value { return []driver.Value{d.DeploymentID, d.PRID} }

// Exposure is the treatment of one analysis unit (exposure). TreatedAt zero means never treated.
type Exposure struct {
	UnitType, UnitID, Status              string
	TreatedAt                             time.Time
	CohortID, Program, LeadPersonID, Note string
}

// Table implements Row.
func (Exposure) Table() string { return "exposure" }

// Values implements Row.
func (e Exposure) Values() []driver.Value {
	return []driver.Value{e.UnitType, e.UnitID, e.Status, nullDate(e.TreatedAt), nullString(e.CohortID), nullString(e.Program), nullString(e.LeadPersonID), nullString(e.Note)}
}

// MetricEvent is one value of one metric (metric_events). Value NaN is NULL.
type MetricEvent struct {
	Metric, EventID, PersonID, TeamID string
	OccurredAt                        time.Time
	Value                             float64
	Censored                          bool
}

// Table implements Row.
func (MetricEvent) Table() string { return "metric_events" }

// Values implements Row.
func (m MetricEvent) Values() []driver.Value {
	return []driver.Value{m.Metric, m.EventID, nullString(m.PersonID), nullString(m.TeamID), m.OccurredAt.UTC(), nullFloat(m.Value), m.Censored}
}

// Estimate is one estimated effect (estimates). Float fields NaN are NULL; RelPeriod nil is NULL.
type Estimate struct {
	AnalysisID, Period, Metric, Method, Aggregation string
	RelPeriod                                       *int
	Scale                                           string
	Estimate, CILow, CIHigh, RelativeChange         float64
	StdError, PValue, QValue                        float64
	NTreatedUnits, NControlUnits                    int
	NEventsPre, NEventsPost                         int64
	MDE                                             float64
	Flags                                           []string
	ComputedAt                                      time.Time
	// Population is per_protocol or intention_to_treat, Outcome the DiD cell outcome (migration
	// 004), Headline marks the metric's headline row.
	Population, Outcome string
	Headline            bool
	// PretrendStat, PretrendDF1, PretrendDF2 and PretrendP are the pre-trend F test of a DiD row
	// (NaN when it did not run: PretrendNote says why).
	PretrendStat, PretrendDF1, PretrendDF2, PretrendP float64
	PretrendNote                                      string
	// RelativeCILow and RelativeCIHigh are the interval on the scale of RelativeChange.
	RelativeCILow, RelativeCIHigh float64
	// RIPValue is the Fisher randomization p-value of a headline DiD row and RIPermutations the
	// assignments it compares with (0: not computed, both NULL); RIExact reports that they are
	// all the distinct ones.
	RIPValue       float64
	RIPermutations int
	RIExact        bool
	// Mbar is the relative-magnitudes bound of a sensitivity row and BreakdownMbar the breakdown
	// value of a headline DiD row (nil = NULL).
	Mbar, BreakdownMbar *float64
}

// Table implements Row.
func (Estimate) Table() string { return "estimates" }

// Values implements Row.
func (e Estimate) Values() []driver.Value {
	var rel driver.Value
	if e.RelPeriod != nil {
		rel = int32(*e.RelPeriod)
	}
	flags := e.Flags
	if flags == nil {
		flags = []string{}
	}
	var ri, riN, riExact, mbar, breakdown driver.Value
	if e.RIPermutations > 0 {
		ri, riN, riExact = nullFloat(e.RIPValue), int32(e.RIPermutations), e.RIExact
	}
	if e.Mbar != nil {
		mbar = *e.Mbar
	}
	if e.BreakdownMbar != nil {
		breakdown = *e.BreakdownMbar
	}
	return []driver.Value{e.AnalysisID, e.Period, e.Metric, e.Method, e.Aggregation, rel, e.Scale, nullFloat(e.Estimate),
		nullFloat(e.CILow), nullFloat(e.CIHigh), nullFloat(e.RelativeChange), nullFloat(e.StdError), nullFloat(e.PValue),
		nullFloat(e.QValue), int32(e.NTreatedUnits), int32(e.NControlUnits), e.NEventsPre, e.NEventsPost, nullFloat(e.MDE),
		list(flags), e.ComputedAt.UTC(), nullString(e.Population), nullString(e.Outcome), e.Headline,
		nullFloat(e.PretrendStat), nullFloat(e.PretrendDF1), nullFloat(e.PretrendDF2), nullFloat(e.PretrendP),
		nullString(e.PretrendNote), nullFloat(e.RelativeCILow), nullFloat(e.RelativeCIHigh), ri, riN, riExact, mbar, breakdown}
}

// ROI is one row of the ROI table (roi); Metric "total" carries cost, ROI % and BCR.
type ROI struct {
	AnalysisID, Period, Metric                 string
	Monetised                                  bool
	EffectPerEvent, AnnualVolume, ValuePerUnit float64
	Benefit, BenefitLow, BenefitHigh, Cost     float64
	ROIPct, ROIPctLow, BCR, BCRLow             float64
	Currency                                   string
	ComputedAt                                 time.Time
	// Intervals from the shared team bootstrap (migration 005); net benefit, ROI % and BCR
	// intervals and the conservative figures on the total row only.
	BenefitCILow, BenefitCIHigh, NetBenefit, NetBenefitCILow, NetBenefitCIHigh float64
	ROIPctCILow, ROIPctCIHigh, BCRCILow, BCRCIHigh                             float64
	ConservativeROIPct, ConservativeBCR                                        float64
	Level, UnitValueUnit                                                       string
	Baseline                                                                   float64
}

// Table implements Row.
func (ROI) Table() string { return "roi" }

// Values implements Row.
func (r ROI) Values() []driver.Value {
	return []driver.Value{r.AnalysisID, r.Period, r.Metric, r.Monetised, nullFloat(r.EffectPerEvent), nullFloat(r.AnnualVolume),
		nullFloat(r.ValuePerUnit), nullFloat(r.Benefit), nullFloat(r.BenefitLow), nullFloat(r.BenefitHigh), nullFloat(r.Cost),
		nullFloat(r.ROIPct), nullFloat(r.ROIPctLow), nullFloat(r.BCR), nullFloat(r.BCRLow), nullString(r.Currency), r.ComputedAt.UTC(),
		nullFloat(r.BenefitCILow), nullFloat(r.BenefitCIHigh), nullFloat(r.NetBenefit), nullFloat(r.NetBenefitCILow),
		nullFloat(r.NetBenefitCIHigh), nullFloat(r.ROIPctCILow), nullFloat(r.ROIPctCIHigh), nullFloat(r.BCRCILow),
		nullFloat(r.BCRCIHigh), nullFloat(r.ConservativeROIPct), nullFloat(r.ConservativeBCR), nullString(r.Level),
		nullString(r.UnitValueUnit), nullFloat(r.Baseline)}
}

// ROICost is one line of the fully loaded program cost (roi_costs): Amount = Quantity × UnitCost.
type ROICost struct {
	AnalysisID, Period, Line   string
	Quantity, UnitCost, Amount float64
	Currency                   string
	ComputedAt                 time.Time
}

// Table implements Row.
func (ROICost) Table() string { return "roi_costs" }

// Values implements Row.
func (c ROICost) Values() []driver.Value {
	return []driver.Value{c.AnalysisID, c.Period, c.Line, nullFloat(c.Quantity), nullFloat(c.UnitCost), c.Amount,
		nullString(c.Currency), c.ComputedAt.UTC()}
}

// Compile-time checks that every record type is a Row.
var (
	_ Row = RawRecord{}
	_ Row = Person{}
	_ Row = Account{}
	_ Row = IdentityOverride{}
	_ Row = Team{}
	_ Row = TeamMembership{}
	_ Row = Cohort{}
	_ Row = Enrollment{}
	_ Row = Incident{}
	_ Row = IncidentEvent{}
	_ Row = Ticket{}
	_ Row = TicketChange{}
	_ Row = PullRequest{}
	_ Row = PRCommit{}
	_ Row = PRReview{}
	_ Row = Deployment{}
	_ Row = DeploymentPR{}
	_ Row = Exposure{}
	_ Row = ROICost{}
	_ Row = MetricEvent{}
	_ Row = Estimate{}
	_ Row = ROI{}
)
