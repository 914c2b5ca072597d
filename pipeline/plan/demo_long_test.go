package plan

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
)

// TestPlanOnDemoDetectedAtPower is the acceptance on the demo organisation itself: the
// medium demo (37 teams, 22 trained with a planted −20%, 2 dropouts, 13 never trained: the program
// is already running) is synced, analysed and published as `trainimpact demo` does; plan then
// sizes a rollout of 12 of the untrained teams in 3 cohorts two months apart, observed 4
// quarters, on that warehouse with the demo's own config (600 placebos). For three metrics of
// different kinds, the MDE is planted on 400 fresh random rollouts of the same design on the same
// history and estimated as the analysis does: the share significant at 5% must be 80% ± 8 points
// and at half the MDE well below (measured 2026-12-07: 82.2%, 75.8% and 80.8% at the MDE, 39.8%,
// 26.2% and 30.2% at half). Long (a demo, about a minute): TRAINIMPACT_LONG=1.
func TestPlanOnDemoDetectedAtPower(t *testing.T) {
	if os.Getenv("TRAINIMPACT_LONG") == "" || testing.Short() {
		t.Skip("long test (the medium demo, about a minute): run with TRAINIMPACT_LONG=1")
	}
	ctx := context.Background()
	res, err := demo.Run(ctx, demo.Options{Out: t.TempDir(), Size: org.Medium, Seed: 1, Effect: -0.2})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(res.ConfigPath, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cs, err := EvenRollout(12, 3, 2, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	metrics := []string{"incident_resolve_hours", "ticket_resolve_hours", "ticket_reopened"}
	p, err := FromWarehouse(ctx, res.Warehouse, RunOptions{Analysis: cfg.Analysis, Design: Design{Cohorts: cs, Quarters: 4},
		Metrics: metrics, Alpha: cfg.Analysis.Alpha, Placebos: 600, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.TrainedCut == 0 || p.Dropouts == 0 || len(p.Eligible) < 12 {
		t.Fatalf("the demo's program is running: trained %d, dropouts %d, eligible %d", p.TrainedCut, p.Dropouts, len(p.Eligible))
	}
	for i, name := range metrics {
		mp := metricPlan(t, p, name)
		if mp.Err != nil {
			t.Errorf("%s: %v", name, mp.Err)
			continue
		}
		at := detected(t, mp, mp.Result.MDE, 0.05, 400, uint64(100+i))
		half := detected(t, mp, mp.Result.MDE/2, 0.05, 400, uint64(200+i))
		t.Logf("%s: MDE %.4f [%.4f, %.4f] (%d placebos, null SD %.4f): detected %.1f%% at the MDE, %.1f%% at half", name,
			mp.Result.MDE, mp.Result.Low, mp.Result.High, mp.Result.Placebos, mp.Result.NullSD, 100*at, 100*half)
		if math.Abs(at-0.8) > 0.08 {
			t.Errorf("%s: planted effect at the MDE detected %.1f%% of the time, want 80 ± 8", name, 100*at)
		}
		if half > 0.55 {
			t.Errorf("%s: half the MDE detected %.1f%% of the time", name, 100*half)
		}
	}
}
