package queries

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

func TestMetricAssessmentScore(t *testing.T) {
	const m = "assessment_score"
	a := func(id, person string, at time.Time, score, top float64) models.Assessment {
		return models.Assessment{AssessmentID: id, PersonID: person, Instrument: "quiz", TakenAt: at, Score: score, MaxScore: top, SourceFile: "a.csv", Line: 2}
	}
	got := runMetric(t, m,
		a("a1", "p1", day(2, 1, 0), 12, 20),
		a("a2", "p2", day(3, 1, 0), 3.5, 5),  // p2 in B in March
		a("a3", "p2", day(8, 1, 0), 5, 5),    // and in C in August
		a("a4", "p9", day(3, 1, 0), 1, 4),    // in no team: kept without one
		a("a5", "p1", day(10, 1, 0), 20, 20), // on the cut-off day: not yet known
	)
	check(t, m, got, "a1", "A", 0.6, false)
	check(t, m, got, "a2", "B", 0.7, false)
	check(t, m, got, "a3", "C", 1, false)
	check(t, m, got, "a4", "", 0.25, false)
	absent(t, m, got, "a5")
	if e := got["a2"]; e.person.String != "p2" || !e.at.Equal(day(3, 1, 0)) {
		t.Errorf("a2: person %v at %v", e.person, e.at)
	}
}

// surveyRows: team A's engagement pulse w1 has five respondents, team B's two; team A's partners
// rate it in a stakeholder survey s1 with five respondents.
func surveyRows() []models.Row {
	r := func(team, kind, survey, respondent, question string, at time.Time, score, scale float64) models.SurveyResponse {
		return models.SurveyResponse{ResponseID: survey + respondent + team + question, TeamID: team, Kind: kind, Survey: survey, TakenAt: at,
			RespondentKey: respondent, Question: question, Score: score, Scale: scale, SourceFile: "s.csv", Line: 2}
	}
	const e, s = "engagement", "stakeholder_satisfaction"
	return []models.Row{
		r("A", e, "w1", "r1", "q1", day(6, 2, 0), 5, 5), r("A", e, "w1", "r1", "q2", day(6, 3, 0), 3, 5), // mean 0.8: favourable
		r("A", e, "w1", "r2", "q1", day(6, 2, 0), 4, 5),
		r("A", e, "w1", "r3", "q1", day(6, 2, 0), 3, 5),
		r("A", e, "w1", "r4", "q1", day(6, 2, 0), 2, 5),
		r("A", e, "w1", "r5", "q1", day(6, 4, 0), 9, 10),
		r("A", e, "w2", "r1", "q1", day(10, 2, 0), 5, 5), // after the cut-off
		r("B", e, "w1", "r6", "q1", day(6, 2, 0), 5, 5),
		r("B", e, "w1", "r7", "q1", day(6, 2, 0), 1, 5),
		r("A", s, "s1", "x1", "q", day(7, 1, 0), 10, 10), r("A", s, "s1", "x2", "q", day(7, 1, 0), 7, 10),
		r("A", s, "s1", "x3", "q", day(7, 1, 0), 8, 10), r("A", s, "s1", "x4", "q", day(7, 1, 0), 2, 10),
		r("A", s, "s1", "x5", "q", day(7, 1, 0), 0, 10),
	}
}

func TestMetricEngagementScore(t *testing.T) {
	const m = "engagement_score"
	got := runMetric(t, m, surveyRows()...)
	if len(got) != 5 {
		t.Errorf("%d events, want team A's 5 respondents of w1 only (B's cell of 2 is under min_cell 5)", len(got))
	}
	check(t, m, got, "engagement_score:w1|A|r1", "A", 1, false)
	check(t, m, got, "engagement_score:w1|A|r2", "A", 1, false)
	check(t, m, got, "engagement_score:w1|A|r3", "A", 0, false)
	check(t, m, got, "engagement_score:w1|A|r4", "A", 0, false)
	check(t, m, got, "engagement_score:w1|A|r5", "A", 1, false)
	if e := got["engagement_score:w1|A|r1"]; e.person.String != "respondent:r1" || !e.at.Equal(day(6, 2, 0)) {
		t.Errorf("r1: person %v at %v", e.person, e.at)
	}
	absent(t, m, got, "engagement_score:w1|B|r6", "engagement_score:w2|A|r1", "engagement_score:s1|A|x1")

	// With analysis.min_cell = 2, team B's cell is shown.
	got = runMetric(t, m, append(surveyRows(), models.Setting{Key: "analysis.min_cell", Value: 2, UpdatedAt: day(1, 1, 0)})...)
	check(t, m, got, "engagement_score:w1|B|r6", "B", 1, false)
	check(t, m, got, "engagement_score:w1|B|r7", "B", 0, false)
}

func TestMetricStakeholderSatisfaction(t *testing.T) {
	const m = "stakeholder_satisfaction"
	got := runMetric(t, m, surveyRows()...)
	if len(got) != 5 {
		t.Errorf("%d events, want 5", len(got))
	}
	for id, want := range map[string]float64{"x1": 1, "x2": 0, "x3": 1, "x4": 0, "x5": 0} {
		check(t, m, got, "stakeholder_satisfaction:s1|A|"+id, "A", want, false)
	}
}

func TestAssessmentPairs(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a := func(id, person, instrument string, at time.Time, score float64) models.Assessment {
		return models.Assessment{AssessmentID: id, PersonID: person, Instrument: instrument, TakenAt: at, Score: score, MaxScore: 10, SourceFile: "a.csv", Line: 2}
	}
	rows := append(baseRows(),
		models.Enrollment{EnrollmentID: "e1", PersonID: "p1", CohortID: "c", Program: "L", EnrolledAt: day(1, 10, 0), CompletedAt: day(3, 15, 0), Status: "completed", SourceFile: "c", Line: 2},
		models.Enrollment{EnrollmentID: "e2", PersonID: "p2", CohortID: "c", Program: "L", EnrolledAt: day(1, 10, 0), Status: "dropout", SourceFile: "c", Line: 3},
		a("a1", "p1", "quiz", day(2, 1, 0), 5), a("a2", "p1", "quiz", day(2, 20, 0), 6), // pre: the first
		a("a3", "p1", "quiz", day(4, 1, 0), 8), a("a4", "p1", "quiz", day(5, 1, 0), 9), // post: the first
		a("a5", "p1", "360", day(4, 1, 0), 7),                                          // no pre
		a("a6", "p2", "quiz", day(2, 1, 0), 3), a("a7", "p2", "quiz", day(4, 1, 0), 4), // not completed
	)
	var pre, post float64
	var n int
	var suppressed bool
	var mean sql.NullFloat64
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := c.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		if err := w.QueryRow(ctx, "SELECT count(*), any_value(pre), any_value(post) FROM assessment_pairs(TIMESTAMPTZ '2025-10-01 00:00:00+00')").Scan(&n, &pre, &post); err != nil {
			return err
		}
		e, err := c.Example("assessment_pairs")
		if err != nil {
			return err
		}
		q, args, err := e.Bind(nil)
		if err != nil {
			return err
		}
		var instrument string
		var pairs int
		var x1, x2, x3 sql.NullFloat64
		return w.QueryRow(ctx, q, args...).Scan(&instrument, &pairs, &mean, &x1, &x2, &x3, &suppressed)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || pre != 0.5 || post != 0.8 {
		t.Errorf("pairs: %d, pre %v, post %v; want one pair 0.5 -> 0.8", n, pre, post)
	}
	if !suppressed || mean.Valid {
		t.Errorf("one pair under min_cell 5: suppressed %v, mean %v", suppressed, mean)
	}
}

func TestMetricJSMSatisfaction(t *testing.T) {
	const m = "jsm_satisfaction"
	fb := func(id string, rating int) models.RawRecord {
		return models.RawRecord{Source: "jira", Entity: "request_feedback", NativeID: id, Scope: id,
			Payload: []byte(`{"type":"csat","rating":` + string(rune('0'+rating)) + `,"comment":{"body":"x"}}`), FetchedAt: day(9, 1, 0)}
	}
	resolved := func(at time.Time) func(*models.Ticket) { return func(x *models.Ticket) { x.ResolvedAt = at } }
	got := runMetric(t, m,
		tk("t1", day(2, 1, 0), resolved(day(2, 3, 0))), fb("t1", 5),
		tk("t2", day(8, 1, 0), resolved(day(8, 2, 0))), fb("t2", 4), // p2 in C in August
		tk("t3", day(3, 1, 0), resolved(day(3, 2, 0))), fb("t3", 3),
		tk("t4", day(3, 1, 0), resolved(day(3, 2, 0))),                // no feedback
		tk("t5", day(9, 29, 0), resolved(day(10, 2, 0))), fb("t5", 5), // resolved after the cut-off
		tk("t6", day(3, 1, 0), nil), fb("t6", 1), // not resolved
		models.RawRecord{Source: "jira", Entity: "request_feedback", NativeID: "t7", Payload: []byte(`{"type":"csat","rating":4}`),
			FetchedAt: day(9, 1, 0), DeletedAt: day(9, 2, 0)},
		tk("t7", day(3, 1, 0), resolved(day(3, 2, 0))),
	)
	check(t, m, got, "t1", "B", 1, false)
	check(t, m, got, "t2", "C", 1, false)
	check(t, m, got, "t3", "B", 0, false)
	absent(t, m, got, "t4", "t5", "t6", "t7")
	if e := got["t1"]; !e.at.Equal(day(2, 3, 0)) || e.person.String != "p2" {
		t.Errorf("t1: at %v person %v", e.at, e.person)
	}
}
