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
}

// DefaultOutcomeEffects plants +0.10 on each.
func DefaultOutcomeEffects() OutcomeEffects { return OutcomeEffects{0.10, 0.10, 0.10} }

// Random streams of the outcome files, apart from Generate's.
const (
	streamAssessments = 0xa55e55
	streamSurveys     = 0x5a7e1
)

// WriteAssessmentsCSV writes assessments.csv as known at now: for every enrollment, a 20-point
// knowledge quiz on the enrollment day and, for a completion, another seven days after it (each
// only when taken by now). Each participant has an ability (share of the maximum, uniform in
// 0.35..0.70); a quiz scores ability + N(0, 0.06), plus e.AssessmentGain after completion,
// rounded to whole points within 0..20.
func (o *Org) WriteAssessmentsCSV(w io.Writer, now time.Time, e OutcomeEffects) error {
	r := newRand(o.Params.Seed, streamAssessments)
	rows := [][]string{AssessmentsHeader}
	quiz := func(p *Person, at time.Time, share float64) {
		score := math.Round(20 * (share + 0.06*r.NormFloat64()))
		score = math.Max(0, math.Min(20, score))
		if !at.After(now) {
			rows = append(rows, []string{p.Email, "knowledge quiz", date(at), fmt.Sprint(score), "20"})
		}
	}
	for _, en := range o.Program.Enrollments {
		ability := 0.35 + 0.35*r.Float64()
		quiz(en.Person, en.EnrolledAt, ability)
		if !en.CompletedAt.IsZero() {
			quiz(en.Person, en.CompletedAt.AddDate(0, 0, 7), ability+e.AssessmentGain)
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
// 4 or 5 of 5 (9 or 10 of 10 for partners) to every question, another 1 to 3 (2 to 7). Respondents
// are opaque ids.
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
	q := time.Date(o.Start.Year(), o.Start.Month(), 1, 0, 0, 0, 0, time.UTC)
	for (q.Month()-1)%3 != 0 || q.Before(o.Start) {
		q = q.AddDate(0, 1, 0)
		q = time.Date(q.Year(), q.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	for ; !q.After(now); q = q.AddDate(0, 3, 0) {
		day := q
		for day.Weekday() != time.Monday {
			day = day.AddDate(0, 0, 1)
		}
		wave := fmt.Sprintf("%d-Q%d", q.Year(), (int(q.Month())+2)/3)
		partners := day.AddDate(0, 0, 7)
		for i, t := range o.Teams {
			treated := func(at time.Time) bool { return !t.TreatedAt.IsZero() && !t.TreatedAt.After(at) }
			if !day.After(now) {
				p := engage[i]
				if treated(day) {
					p += e.Engagement
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
					p += e.Satisfaction
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
