package demo

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// handROISQL recomputes incident_resolve_hours' baseline and annual volume from the published
// warehouse, independently of the Go code, by the rules of README "ROI" and the panel: teams
// (dropouts left out) with their first treated month g (the first whole month after treated_at +
// 30 days of washout) and the month of treated_at tp; the washout months tp ≤ p < g in neither
// period; the cohorts estimated = those with a month from g on, g not after the cut-off's month.
// Baseline = the mean restricted duration min(T, 48 h) of their events before tp that are at least
// 48 h old at the cut-off, an open one counting at 48 h (the metric's catalog outcome
// restricted_mean_log, horizon 48); volume = 12 × Σ_team events from g on / months from g to the
// cut-off. $1 is the cut-off.
const handROISQL = `
WITH u AS (
    SELECT unit_id,
           CASE WHEN treated_at IS NULL THEN 0
                ELSE period_index(treated_at + INTERVAL 29 DAY, 'month') + 1 END AS g,
           period_index(treated_at, 'month') AS tp
    FROM exposure WHERE unit_type = 'team' AND status <> 'dropout'
),
last AS (SELECT period_index(CAST(CAST($1 AS TIMESTAMPTZ) - INTERVAL 1 SECOND AS DATE), 'month') AS last),
ev AS (
    SELECT m.value, m.censored, m.occurred_at, u.unit_id, u.g, u.tp,
           period_index(make_timestamp(epoch_us(m.occurred_at)), 'month') AS p
    FROM metric_events m JOIN u ON u.unit_id = m.team_id
    WHERE m.metric = 'incident_resolve_hours' AND m.occurred_at < CAST($1 AS TIMESTAMPTZ) AND m.value IS NOT NULL
),
kept AS (SELECT * FROM ev WHERE NOT (g > 0 AND p >= tp AND p < g)),
est_g AS (SELECT DISTINCT g FROM kept, last WHERE g > 0 AND p >= g AND g <= last),
base AS (SELECT avg(least(value, 48)) AS baseline FROM kept WHERE g IN (SELECT g FROM est_g) AND p < g
         AND occurred_at <= CAST($1 AS TIMESTAMPTZ) - INTERVAL 48 HOUR AND (NOT censored OR value >= 48)),
vol AS (SELECT 12 * sum(n / (last - g + 1)) AS volume FROM last, (
          SELECT unit_id, any_value(g) AS g, count(*) FILTER (WHERE p >= g) AS n FROM kept
          WHERE g IN (SELECT g FROM est_g) GROUP BY unit_id)),
est AS (SELECT estimate FROM estimates WHERE metric = 'incident_resolve_hours' AND method = 'did' AND aggregation = 'simple' AND headline),
enr AS (SELECT count(*) AS enrolled FROM enrollments WHERE enrolled_at < CAST(CAST($1 AS TIMESTAMPTZ) AS DATE))
SELECT baseline, volume, estimate, enrolled FROM base, vol, est, enr`

// checkROIByHand recomputes, on a demo's published warehouse, incident_resolve_hours' benefit
// (−baseline·(exp θ − 1) × volume × value) and the total cost (the configured lines × everyone
// enrolled) and compares them with the roi table; it checks that ROI and BCR have intervals and
// that the conservative figures are their lower bounds (issue 20's acceptance on the demo).
func checkROIByHand(t *testing.T, res *Result) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(res.ConfigPath, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var baseline, volume, theta float64
	var n int64
	if err := st.DB().QueryRow(handROISQL, res.Analysis.Cutoff.UTC()).Scan(&baseline, &volume, &theta, &n); err != nil {
		t.Fatal(err)
	}
	value := cfg.ROI.Values["incident_resolve_hours"]
	hand := -baseline * math.Expm1(theta) * volume * value
	c := cfg.ROI.Costs
	wantCost := float64(n)*(c.PerParticipant+c.ParticipantHours*c.LoadedHourlyRate) + c.Facilitation + c.DesignDevelopment +
		c.Evaluation + c.Overhead + c.Fixed
	rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	for _, r := range res.Analysis.ROI {
		switch r.Metric {
		case "incident_resolve_hours":
			if !rel(r.Benefit, hand) || !rel(r.Baseline, baseline) || !rel(r.AnnualVolume, volume) {
				t.Errorf("incident_resolve_hours: benefit %v (baseline %v, volume %v); by hand %v (baseline %v, volume %v, θ %v)",
					r.Benefit, r.Baseline, r.AnnualVolume, hand, baseline, volume, theta)
			}
		case "total":
			if !rel(r.Cost, wantCost) || res.Analysis.Enrolled != n {
				t.Errorf("cost %v for %d enrolled, want %v for %d", r.Cost, res.Analysis.Enrolled, wantCost, n)
			}
			if math.IsNaN(r.ROIPctCILow) || math.IsNaN(r.ROIPctCIHigh) || math.IsNaN(r.BCRCILow) || math.IsNaN(r.BCRCIHigh) ||
				!(r.ROIPctCILow <= r.ROIPct && r.ROIPct <= r.ROIPctCIHigh) || r.ConservativeROIPct != r.ROIPctCILow ||
				r.ConservativeBCR != r.BCRCILow {
				t.Errorf("total ROI %v [%v, %v] conservative %v; BCR %v [%v, %v] conservative %v", r.ROIPct, r.ROIPctCILow,
					r.ROIPctCIHigh, r.ConservativeROIPct, r.BCR, r.BCRCILow, r.BCRCIHigh, r.ConservativeBCR)
			}
		}
	}
	t.Logf("ROI by hand: incident_resolve_hours baseline %.3f h, volume %.1f a year, θ %.4f, benefit %.0f; %d enrolled, cost %.0f",
		baseline, volume, theta, hand, n, wantCost)
}

// TestROIPlaceboStudy (issue 20's acceptance): with no planted effect the program's benefits are
// nothing, so its ROI is the cost-only −100%; across 10 placebo organisations (medium, seeds
// 1–10, faults off) the ROI interval must contain −100% in at least 9. Each demo takes one to three
// minutes, so the study runs only with TRAINIMPACT_STUDY=1. Measured once (2026-12-07, shared
// 2-core machine, 19 min): 9 of 10; seed 1's interval [−3663%, −497%] misses it, its
// incident_resolve_hours DiD estimate (+0.43 on the log scale, [0.10, 0.77]) excluding 0.
func TestROIPlaceboStudy(t *testing.T) {
	if os.Getenv("TRAINIMPACT_STUDY") == "" {
		t.Skip("set TRAINIMPACT_STUDY=1 to run the 10-organisation ROI placebo study (about 20 minutes)")
	}
	covered := 0
	for seed := uint64(1); seed <= 10; seed++ {
		start := time.Now()
		res, err := Run(context.Background(), Options{Out: filepath.Join(t.TempDir(), "demo"), Size: org.Medium, Seed: seed, Effect: 0})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkROIByHand(t, res)
		for _, r := range res.Analysis.ROI {
			if r.Metric != "total" {
				continue
			}
			if math.IsNaN(r.ROIPctCILow) || math.IsNaN(r.ROIPctCIHigh) {
				t.Errorf("seed %d: no ROI interval", seed)
			}
			ok := r.ROIPctCILow <= -100 && -100 <= r.ROIPctCIHigh
			if ok {
				covered++
			}
			t.Logf("seed %2d: ROI %+.1f%% [%+.1f%%, %+.1f%%], benefit %.0f [%.0f, %.0f], cost %.0f, covers -100%%: %v (%s)",
				seed, r.ROIPct, r.ROIPctCILow, r.ROIPctCIHigh, r.Benefit, r.BenefitCILow, r.BenefitCIHigh, r.Cost, ok,
				time.Since(start).Round(time.Second))
		}
		for _, r := range res.Analysis.ROI {
			if r.Monetised && r.Metric != "total" {
				t.Logf("    %s: benefit %.0f [%.0f, %.0f]", r.Metric, r.Benefit, r.BenefitCILow, r.BenefitCIHigh)
			}
		}
	}
	if covered < 9 {
		t.Errorf("the ROI interval contains the cost-only -100%% in %d of 10 placebo organisations, want at least 9", covered)
	}
}
