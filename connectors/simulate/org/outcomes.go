package org

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"
)

// Headers of the outcome files, in the formats `trainimpact import assessments|surveys` reads.
var (
	AssessmentsHeader = []string{"person_email", "instrument", "taken_at", "score", "max_score"}
	SurveysHeader     = []string{"team", "kind", "survey", "taken_at", "respondent", "question", "score", "scale"}
)

// OutcomeEffects are the effects planted in the outcome files (WriteAssessmentsCSV,
// WriteSurveysCSV), on the scales the metrics read. They are separate from Params.Effects: the
// outcome files are written from a generated organisation and change nothing in it.
type OutcomeEffects struct {
	// AssessmentGain is the gain in knowledge quiz score, as a share of the maximum, between a
	// participant's quiz at enrollment and the one a week after completion (paired within person).
	AssessmentGain float64
	// Engagement is the change in the probability that a member of a treated team answers an
	// engagement pulse favourably (mean answer at least 80% of the scale), from the team's
	// treatment on: the planted effect on engagement_score (a share).
	Engagement float64
	// Satisfaction is the same for stakeholders rating a treated team: stakeholder_satisfaction.
	Satisfaction float64

	// The relative effects (the demo's, see RelativeOutcomeEffects): each multiplies a share by
	// (1+e) — so the metric's relative change is e exactly — on top of the additive effects above.
	// AssessmentRelative multiplies the score share of a participant's quiz after completion and of
	// a treated team's lead's 360 feedback; EngagementRelative and SatisfactionRelative the
	// probability of a favourable answer about a treated team.
	AssessmentRelative, EngagementRelative, SatisfactionRelative float64
	// LeadObservations adds a monthly manager observation of every team's lead (instrument "manager
	// observation", 0 to 100): with it every team has an assessment every month, so assessment_score
	// has a base period for every cohort in the difference-in-differences (with the quizzes alone a
	// team is assessed in two months of the span, seldom the one before its treatment).
	LeadObservations bool
}

// DefaultOutcomeEffects plants +0.10 on each.
func DefaultOutcomeEffects() OutcomeEffects {
	return OutcomeEffects{AssessmentGain: 0.10, Engagement: 0.10, Satisfaction: 0.10}
}

// RelativeOutcomeEffects returns the demo's outcome effects: every share ×(1+e) (e = 0.2: 20%
// better), the leads' monthly manager observations included.
func RelativeOutcomeEffects(e float64) OutcomeEffects {
	return OutcomeEffects{AssessmentRelative: e, EngagementRelative: e, SatisfactionRelative: e, LeadObservations: true}
}

// Truths returns the planted relative effects of e on the metrics the outcome files feed, as
// Truth.Effects entries (Relative = the relative effects; the additive ones are not relative
// and are left out).
func (e OutcomeEffects) Truths() []EffectTruth {
	lg := func(x float64) float64 { return math.Log1p(x) }
	return []EffectTruth{
		{MetricAssessment, "proportion", e.AssessmentRelative, lg(e.AssessmentRelative), 0,
			"score share ×(1+e) for a participant's quiz after completion and a treated team's lead's manager observation (assessments.csv)"},
		{MetricEngagement, "proportion", e.EngagementRelative, lg(e.EngagementRelative), 0,
			"P(a member answers the quarterly engagement pulse favourably) ×(1+e) once the team is treated (surveys.csv)"},
		{MetricStakeholder, "proportion", e.SatisfactionRelative, lg(e.SatisfactionRelative), 0,
			"P(a partner rates the team favourably in the quarterly stakeholder pulse) ×(1+e) once the team is treated (surveys.csv)"},
	}
}

// Random streams of the outcome files, apart from Generate's.
const (
	streamAssessments  = 0xa55e55
	streamSurveys      = 0x5a7e1
	streamObservations = 0x0b5e
)

// firstQuarter returns the first day of the first calendar quarter starting on or after t.
func firstQuarter(t time.Time) time.Time {
	q := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	for (q.Month()-1)%3 != 0 || q.Before(t) {
		q = q.AddDate(0, 1, 0)
		q = time.Date(q.Year(), q.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return q
}

// monday returns the first Monday on or after t.
func monday(t time.Time) time.Time {
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// WriteAssessmentsCSV writes assessments.csv as known at now: for every enrollment, a 20-point
// knowledge quiz on the enrollment day and, for a completion, another seven days after it (each
// only when taken by now). Each participant has an ability (share of the maximum, uniform in
// 0.35..0.70); a quiz scores ability + N(0, 0.06), plus e.AssessmentGain after completion,
// rounded to whole points within 0..20; with e.AssessmentRelative the post-completion share is
// (ability + gain) × (1 + e.AssessmentRelative). With e.LeadObservations, every team's lead in
// office on the second Monday of each month (from Start) also gets a manager observation that
// day, scored on 0..100: the lead's ability (the same draw as their quiz for participants, else
// uniform in 0.35..0.70) × (1 + e.AssessmentRelative) when the team is treated by then, + N(0, 0.05).
func (o *Org) WriteAssessmentsCSV(w io.Writer, now time.Time, e OutcomeEffects) error {
	r := newRand(o.Params.Seed, streamAssessments)
	rows := [][]string{AssessmentsHeader}
	emit := func(p *Person, instrument string, at time.Time, share, sd, top float64) {
		score := math.Round(top * (share + sd*r.NormFloat64()))
		score = math.Max(0, math.Min(top, score))
		if !at.After(now) {
			rows = append(rows, []string{p.Email, instrument, date(at), fmt.Sprint(score), fmt.Sprint(top)})
		}
	}
	abilities := map[*Person]float64{}
	for _, en := range o.Program.Enrollments {
		ability := 0.35 + 0.35*r.Float64()
		if _, ok := abilities[en.Person]; !ok {
			abilities[en.Person] = ability
		}
		emit(en.Person, "knowledge quiz", en.EnrolledAt, ability, 0.06, 20)
		if !en.CompletedAt.IsZero() {
			emit(en.Person, "knowledge quiz", en.CompletedAt.AddDate(0, 0, 7), (ability+e.AssessmentGain)*(1+e.AssessmentRelative), 0.06, 20)
		}
	}
	if e.LeadObservations {
		r360 := newRand(o.Params.Seed, streamObservations)
		for m := time.Date(o.Start.Year(), o.Start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(now); m = m.AddDate(0, 1, 0) {
			day := monday(m).AddDate(0, 0, 7)
			if day.Before(o.Start) {
				continue
			}
			if day.After(now) {
				break
			}
			for _, t := range o.Teams {
				lead := o.LeadOf(t, day)
				if lead == nil {
					continue
				}
				ability, ok := abilities[lead]
				if !ok {
					ability = 0.35 + 0.35*r360.Float64()
					abilities[lead] = ability
				}
				if !t.TreatedAt.IsZero() && !t.TreatedAt.After(day) {
					ability *= 1 + e.AssessmentRelative
				}
				score := math.Max(0, math.Min(100, math.Round(100*(ability+0.05*r360.NormFloat64()))))
				rows = append(rows, []string{lead.Email, "manager observation", date(day), fmt.Sprint(score), "100"})
			}
		}
	}
	if err := csv.NewWriter(w).WriteAll(rows); err != nil {
		return fmt.Errorf("org: write assessments csv: %w", err)
	}
	return nil
}

// WriteSurveysCSV writes surveys.csv as known at now: a quarterly engagement pulse (from the first
// quarter starting on or after Start, on its first Monday) in which each member of each team then
// answers with probability 0.7, and a stakeholder pulse a week later in which 6 to 10 partners rate
// each team. A respondent is favourable with a team's base probability (0.45..0.65 for
// engagement, 0.40..0.60 for satisfaction, drawn once per team), plus e.Engagement or
// e.Satisfaction when the team was treated by the pulse's day; a favourable respondent answers
// 4 or 5 of 5 (9 or 10 of 10 for partners) to every question, another 1 to 3 (2 to 7). With the
// relative effects the treated probability is (base + e.Engagement) × (1 + e.EngagementRelative),
// and the same for satisfaction. Respondents are opaque ids.
func (o *Org) WriteSurveysCSV(w io.Writer, now time.Time, e OutcomeEffects) error {
	r := newRand(o.Params.Seed, streamSurveys)
	engage, satisfy := make([]float64, len(o.Teams)), make([]float64, len(o.Teams))
	for i := range o.Teams {
		engage[i], satisfy[i] = 0.45+0.2*r.Float64(), 0.40+0.2*r.Float64()
	}
	rows := [][]string{SurveysHeader}
	id := 0
	respondent := func() string { id++; return fmt.Sprintf("R_%06d", id) }
	answer := func(r *rand.Rand, favourable bool, top int) int {
		if top == 5 {
			if favourable {
				return 4 + r.IntN(2)
			}
			return 1 + r.IntN(3)
		}
		if favourable {
			return 9 + r.IntN(2)
		}
		return 2 + r.IntN(6)
	}
	for q := firstQuarter(o.Start); !q.After(now); q = q.AddDate(0, 3, 0) {
		day := monday(q)
		wave := fmt.Sprintf("%d-Q%d", q.Year(), (int(q.Month())+2)/3)
		partners := day.AddDate(0, 0, 7)
		for i, t := range o.Teams {
			treated := func(at time.Time) bool { return !t.TreatedAt.IsZero() && !t.TreatedAt.After(at) }
			if !day.After(now) {
				p := engage[i]
				if treated(day) {
					p = (p + e.Engagement) * (1 + e.EngagementRelative)
				}
				for _, m := range o.MembersAt(t, day) {
					if m.Kind != KindEmployee || r.Float64() >= 0.7 {
						continue
					}
					fav, who := r.Float64() < p, respondent()
					for _, question := range []string{"I would recommend my team", "I see myself here in a year"} {
						rows = append(rows, []string{t.ID, "engagement", wave + " pulse", date(day), who, question, fmt.Sprint(answer(r, fav, 5)), "5"})
					}
				}
			}
			if !partners.After(now) {
				p := satisfy[i]
				if treated(partners) {
					p = (p + e.Satisfaction) * (1 + e.SatisfactionRelative)
				}
				for range 6 + r.IntN(5) {
					fav, who := r.Float64() < p, respondent()
					rows = append(rows, []string{t.ID, "stakeholder_satisfaction", wave + " partners", date(partners), who,
						"Overall satisfaction with the team", fmt.Sprint(answer(r, fav, 10)), "10"})
				}
			}
		}
	}
	if err := csv.NewWriter(w).WriteAll(rows); err != nil {
		return fmt.Errorf("org: write surveys csv: %w", err)
	}
	return nil
}
