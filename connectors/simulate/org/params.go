package org

import "time"

// Size is a preset organisation size.
type Size int

// Preset sizes. SizeCustom uses Params.People.
const (
	SizeCustom Size = iota
	Small           // ~60 employees, for unit tests (generated in well under 0.3 s)
	Medium          // ~300 employees, the demo default (~1 s)
	Large           // 2,000 employees, ~1M events (benchmark target < 10 s)
)

// People returns the number of employees of a preset size (0 for SizeCustom).
func (s Size) People() int {
	switch s {
	case Small:
		return 60
	case Medium:
		return 300
	case Large:
		return 2000
	}
	return 0
}

// Metric names used by Effects and the truth. They match the metric catalog in
// DESIGN.md.
const (
	MetricIncidentResolve   = "incident_resolve_hours"
	MetricIncidentAck       = "incident_ack_minutes"
	MetricIncidentEscalated = "incident_escalated"
	MetricTicketReopened    = "ticket_reopened"
	MetricTicketResolve     = "ticket_resolve_hours"
	MetricTicketCycle       = "ticket_cycle_hours"
	MetricPRLeadTime        = "pr_lead_time_hours"
	MetricChangeLeadTime    = "change_lead_time_hours"
	// DORA, people and satisfaction metrics with a planted effect.
	MetricDeploymentFrequency = "deployment_frequency"
	MetricChangeFailureRate   = "change_failure_rate"
	MetricRecovery            = "failed_deployment_recovery_hours"
	MetricRework              = "deployment_rework_rate"
	MetricPRReverted          = "pr_reverted"
	MetricAttrition           = "attrition_rate"
	MetricJSMSatisfaction     = "jsm_satisfaction"
	MetricAssessment          = "assessment_score"
	MetricEngagement          = "engagement_score"
	MetricStakeholder         = "stakeholder_satisfaction"
)

// Effects are the planted relative effects of training per metric, applied to
// a treated team's events from its treatment date on. A value e multiplies a
// duration by (1+e) and a probability by (1+e); −0.20 means 20% better
// (faster, fewer), 0 means no effect.
type Effects struct {
	IncidentResolve   float64 // resolve duration
	IncidentAck       float64 // acknowledge delay
	IncidentEscalated float64 // probability of ≥1 escalation
	TicketReopened    float64 // probability a resolved ticket is reopened
	TicketResolve     float64 // created → resolution (and in-progress → resolution)
	PRLeadTime        float64 // first commit → merge
	// ChangeLeadTime scales the wait from merge to the production deployment
	// (the deployment interval of the repo's team). The whole change lead time
	// (first commit → deployment) moves by exactly this relative effect when
	// PRLeadTime equals ChangeLeadTime. Pull requests of a treated team also arrive 1/(1+e) times
	// as often, so that every deployment slot finds about as much to ship: production deployments
	// per team-week (deployment_frequency) change by 1/(1+e) − 1 (+25% for e = −0.20).
	ChangeLeadTime float64
	// ChangeFailure scales the probability that a successful production deployment causes an
	// incident on the service linked to its repository (Repo.Service) within hours
	// (change_failure_rate).
	ChangeFailure float64
	// Recovery scales the time from such an incident's trigger to the automated rollback that
	// recovers it, the incident being resolved minutes later (failed_deployment_recovery_hours).
	Recovery float64
	// Rework scales the probability that a production deployment ships a bug fix (a pull request
	// titled with the key of a Jira Bug of the team's project) and the probability that a merged
	// pull request is reverted (deployment_rework_rate; pr_reverted).
	Rework float64
	// Attrition scales the monthly probability that a team member (not a lead) leaves the
	// organisation (attrition_rate).
	Attrition float64
	// JSMSatisfaction is the relative change of the probability that a customer rating a resolved
	// request gives 4 or 5 of 5 (jsm_satisfaction): positive is better, +0.20 means 20% more
	// satisfied ratings (served by the Jira simulator's request feedback).
	JSMSatisfaction float64
}

// DefaultEffects returns 20% better on every metric: −0.20 for durations, rates of bad events
// and attrition, +0.20 for JSM satisfaction.
func DefaultEffects() Effects {
	return Uniform(-0.2)
}

// Uniform returns the effects of an organisation where training makes every metric better by the
// same relative amount −e (e = −0.2: 20% faster, 20% fewer failures, leavers and reworks, 20%
// more satisfied ratings): e on every field but JSMSatisfaction, which gets −e.
func Uniform(e float64) Effects {
	return Effects{IncidentResolve: e, IncidentAck: e, IncidentEscalated: e, TicketReopened: e, TicketResolve: e,
		PRLeadTime: e, ChangeLeadTime: e, ChangeFailure: e, Recovery: e, Rework: e, Attrition: e, JSMSatisfaction: 0 - e}
}

// NoEffects returns 0 for every metric (a placebo organisation).
func NoEffects() Effects { return Effects{} }

// Params configure Generate. The zero value (plus a Seed) is a valid Medium
// organisation with default effects, trend and seasonality.
type Params struct {
	Seed uint64
	Size Size // preset; ignored when People > 0
	// People overrides the number of employees (SizeCustom).
	People int
	// Now is the initial now; default 2026-01-01T00:00:00Z. Truncated to the second.
	Now time.Time
	// HistoryMonths of activity before Now (default 18) and FutureMonths after
	// it (default 6, the room for Advance; a negative FutureMonths means none).
	HistoryMonths int
	FutureMonths  int
	// Effects planted; nil = DefaultEffects().
	Effects *Effects
	// TrendPerMonth is the shared relative change of every duration per month
	// (default −0.01: all teams 1% faster each month); use a pointer to 0 for none.
	TrendPerMonth *float64
	// NoSeasonality switches off the seasonal multipliers (December slower).
	NoSeasonality bool
	// Scale multiplies activity volume (events per person); default 1.
	Scale float64
	// TeamSize is the number of employees per team (default 8): People/TeamSize teams (at least
	// 3). Smaller teams give more teams — more units for the analysis — at the same volume.
	TeamSize int
	// IncidentScale, TicketScale and PRScale multiply the volume of one source on top of Scale
	// (default 1): incidents per service, Jira issues per member, pull requests per member and
	// bot pull requests per repository. Pull requests cost several API requests each; incidents
	// and issues come in pages of 100.
	IncidentScale, TicketScale, PRScale float64
	// DeployIntervalHours is the median time between two deployments of a repository
	// (default 48). Every deployment costs an API request for its statuses.
	DeployIntervalHours float64
}

// JSMSatisfiedBase is the probability that a customer's request feedback rates 4 or 5 of 5 when the
// request's team was not treated at its resolution; JSMFeedbackShare the share of resolved
// requests with feedback (see Effects.JSMSatisfaction and the Jira simulator's servicedesk.go).
const (
	JSMSatisfiedBase = 0.60
	JSMFeedbackShare = 0.35
)

// Seasonality multiplies durations by calendar month (index 0 = January): the
// December holidays are slower, summer slightly slower.
var seasonality = [12]float64{1.05, 1.0, 1.0, 1.0, 1.0, 0.98, 1.06, 1.10, 1.0, 1.0, 1.02, 1.25}
