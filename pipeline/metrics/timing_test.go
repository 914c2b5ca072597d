package metrics

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// TestTreatmentStartAndHorizon pins items 4 and 5 of issue 19 on one panel: analysis.treatment_start
// enrolled moves the start of team A's washout from its lead's completion month (May) back to the
// enrollment month (March), so March and April leave the panel and the base period precedes the
// program; and the restricted-mean-log outcome of a metric with a 48-hour horizon counts an item
// still open at the cut-off at 48 hours instead of dropping it, and leaves out the items younger
// than 48 hours at the cut-off (their outcome is not known yet), without dropping their month.
func TestTreatmentStartAndHorizon(t *testing.T) {
	cutoff := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	rows := []models.Row{
		models.Exposure{UnitType: "team", UnitID: "A", Status: "treated", TreatedAt: time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC),
			CohortID: "C", LeadPersonID: "P1"},
		models.Exposure{UnitType: "team", UnitID: "B", Status: "never"},
		models.Enrollment{EnrollmentID: "e1", PersonID: "P1", CohortID: "C", Program: "p", EnrolledAt: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC),
			CompletedAt: time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC), Status: "completed", SourceFile: "f", Line: 1},
		ev("dur", "a1", "A", d(2, 1), 10, false),
		ev("dur", "a2", "A", d(2, 2), 100, true), // open at the cut-off: counts at the horizon
		ev("dur", "a3", "A", d(3, 10), 5, false), // in the program
		ev("dur", "a4", "A", d(4, 10), 5, false), // in the program
		ev("dur", "a5", "A", d(7, 10), 20, false),
		ev("dur", "b1", "B", d(8, 1), 30, false),
		ev("dur", "b2", "B", cutoff.Add(-24*time.Hour), 2, false), // younger than the horizon: unknown at 48 h
		ev("dur", "b3", "B", cutoff.Add(-30*time.Hour), 29, true), // open and young
	}
	feb, mar, apr, jul, aug := (2025-1970)*12+1, (2025-1970)*12+2, (2025-1970)*12+3, (2025-1970)*12+6, (2025-1970)*12+7
	for _, start := range []string{"completed", "enrolled"} {
		o := Options{Unit: "team", Period: "month", WashoutDays: 30, TreatmentStart: start, ExcludeDropouts: true, Cutoff: cutoff,
			Horizons: map[string]Horizon{"dur": {Value: 48, Seconds: 48 * 3600}}}
		withDB(t, rows, func(ctx context.Context, w *store.Writer) error {
			p, err := Panels(ctx, w, o)
			if err != nil {
				return err
			}
			cells := map[[2]int]Cell{}
			for _, c := range p["dur"].Cells {
				cells[[2]int{c.Unit, c.Period}] = c
			}
			_, inMar := cells[[2]int{0, mar}]
			_, inApr := cells[[2]int{0, apr}]
			if want := start == "completed"; inMar != want || inApr != want {
				t.Errorf("%s: March in panel %v, April %v; want %v", start, inMar, inApr, want)
			}
			a := cells[[2]int{0, feb}]
			wantTP := map[string]int{"completed": apr + 1, "enrolled": mar}[start]
			if a.TreatedPeriod != wantTP || a.Group != jul {
				t.Errorf("%s: A treated period %d, g %d; want %d, %d", start, a.TreatedPeriod, a.Group, wantTP, jul)
			}
			if math.Abs(a.MeanLogH-(math.Log(10)+math.Log(48))/2) > 1e-12 || a.NH != 2 || math.Abs(a.MeanLog-math.Log(10)) > 1e-12 {
				t.Errorf("%s: A Feb restricted %v (n %d), resolved %v", start, a.MeanLogH, a.NH, a.MeanLog)
			}
			b := cells[[2]int{1, aug}]
			if b.N != 3 || b.NH != 1 || math.Abs(b.MeanLogH-math.Log(30)) > 1e-12 {
				t.Errorf("%s: B Aug: %d events, %d known at 48 h, restricted %v; want 3, 1, ln 30", start, b.N, b.NH, b.MeanLogH)
			}
			return nil
		})
	}
}
