package metrics

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

func TestAssessmentPairs(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 0, 0, 0, 0, time.UTC) }
	a := func(id, person, inst string, at time.Time, score float64) models.Assessment {
		return models.Assessment{AssessmentID: id, PersonID: person, Instrument: inst, TakenAt: at, Score: score, MaxScore: 4, SourceFile: "a", Line: 2}
	}
	rows := []models.Row{
		models.Enrollment{EnrollmentID: "e1", PersonID: "p1", CohortID: "c", Program: "L", EnrolledAt: d(1, 1), CompletedAt: d(3, 1), Status: "completed", SourceFile: "c", Line: 2},
		models.Enrollment{EnrollmentID: "e2", PersonID: "p2", CohortID: "c", Program: "L", EnrolledAt: d(1, 1), CompletedAt: d(3, 1), Status: "completed", SourceFile: "c", Line: 3},
		a("a1", "p1", "quiz", d(2, 1), 1), a("a2", "p1", "quiz", d(3, 1), 3), // taken on the completion day: post
		a("a3", "p2", "quiz", d(2, 1), 2), a("a4", "p2", "quiz", d(9, 1), 4), // after the cut-off
		a("a5", "p2", "360", d(2, 1), 2), a("a6", "p2", "360", d(4, 1), 2),
	}
	var got map[string][]AssessmentPair
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := queries.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		got, err = AssessmentPairs(ctx, w, d(8, 1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got["quiz"]) != 1 || got["quiz"][0] != (AssessmentPair{0.25, 0.75}) ||
		len(got["360"]) != 1 || got["360"][0] != (AssessmentPair{0.5, 0.5}) {
		t.Errorf("pairs %+v", got)
	}
}
