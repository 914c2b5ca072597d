package analyze

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/exposure"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// TestPopulations pins item 2 of issue 19: with one team whose lead dropped out of the program,
// per protocol leaves that team out of both arms (20 treated, 19 comparison teams) and intention to
// treat counts it as treated (21 treated, 19 comparison); both are written for every metric,
// analysis.dropouts picks which one is the headline (and alone gets q-values), and the exposure
// table is left as refresh wrote it.
func TestPopulations(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, dropouts := range []string{exposure.DropoutsExclude, exposure.DropoutsIntentionToTreat} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		var rows []models.Row
		for _, r := range orgRows(rand.New(rand.NewPCG(7, 7)), 40, -0.4) {
			if _, ok := r.(models.Exposure); !ok {
				rows = append(rows, r)
			}
		}
		// T01's lead enrolled in cohort c (first completion 2025-01-10) and never completed.
		rows = append(rows, models.Enrollment{EnrollmentID: "eT01", PersonID: "P01", CohortID: "c", Program: "p",
			EnrolledAt: time.Date(2024, 11, 10, 0, 0, 0, 0, time.UTC), Status: "dropout", SourceFile: "f", Line: 99})
		if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, rows) }); err != nil {
			t.Fatal(err)
		}
		if _, err := exposure.Write(ctx, st, "team", dropouts, now); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		cfg.Analysis.Bootstrap, cfg.Analysis.Dropouts = 0, dropouts
		res, err := Run(ctx, st, cfg, "2025-Q4", now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int{PopulationPerProtocol: {20, 19}, PopulationIntentionToTreat: {21, 19}}
		headline := populationOf(dropouts)
		seen := map[string]bool{}
		for _, e := range res.Estimates {
			if e.Metric != "incident_resolve_hours" || e.Method != MethodDiD || e.Aggregation != AggSimple || e.Outcome != OutcomeRestrictedMeanLog {
				continue
			}
			seen[e.Population] = true
			if n := want[e.Population]; e.NTreatedUnits != n[0] || e.NControlUnits != n[1] {
				t.Errorf("%s, %s: %d treated, %d comparison teams; want %d, %d", dropouts, e.Population, e.NTreatedUnits, e.NControlUnits, n[0], n[1])
			}
			if e.Headline != (e.Population == headline) || (e.Population == headline) == isNaN(e.QValue) {
				t.Errorf("%s, %s: headline %v, q %v", dropouts, e.Population, e.Headline, e.QValue)
			}
		}
		if len(seen) != 2 {
			t.Errorf("%s: populations written %v, want both", dropouts, seen)
		}
		var status string
		if err := st.DB().QueryRow(`SELECT status FROM exposure WHERE unit_id = 'T01'`).Scan(&status); err != nil ||
			status != map[string]string{exposure.DropoutsExclude: "dropout", exposure.DropoutsIntentionToTreat: "treated"}[dropouts] {
			t.Errorf("%s: exposure of T01 after the analysis: %q (%v)", dropouts, status, err)
		}
		st.Close()
	}
}

func isNaN(x float64) bool { return x != x }
