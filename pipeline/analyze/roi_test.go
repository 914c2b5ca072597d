package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// handBenefitSQL recomputes incident_resolve_hours' benefit from the warehouse, independently of
// the Go code: the treated teams' first treated month g (the first whole month starting after
// treated_at + 30 days of washout), their arithmetic mean restricted duration min(T, 48 h) before
// the month of treated_at, over the incidents at least 48 h old at the cut-off, an open one counting
// at 48 h (the catalog's outcome restricted_mean_log, horizon 48; baseline; the months from
// treated_month to g are the washout, in neither period of the DiD),
// their events from g to the cut-off per month observed, × 12 (annual volume), and the headline
// DiD estimate from the estimates table. benefit = −baseline·(exp(θ) − 1) × volume × value.
const handBenefitSQL = `
WITH g AS (
    SELECT unit_id, date_trunc('month', treated_at + INTERVAL 29 DAY) + INTERVAL 1 MONTH AS g,
           date_trunc('month', treated_at) AS treated_month
    FROM exposure WHERE unit_type = 'team' AND status = 'treated'
),
ev AS (
    SELECT m.*, g.g, g.treated_month FROM metric_events m JOIN g ON g.unit_id = m.team_id
    WHERE m.metric = 'incident_resolve_hours' AND m.occurred_at < TIMESTAMPTZ '2026-01-01 00:00:00+00'
),
base AS (SELECT avg(least(value, 48)) AS baseline FROM ev
         WHERE occurred_at < treated_month AND value IS NOT NULL
           AND occurred_at <= TIMESTAMPTZ '2026-01-01 00:00:00+00' - INTERVAL 48 HOUR
           AND (NOT censored OR value >= 48)),
vol AS (
    SELECT 12 * sum(n / months) AS volume FROM (
        SELECT team_id, count(*) FILTER (WHERE occurred_at >= g) AS n,
               date_diff('month', any_value(g), DATE '2026-01-01') AS months
        FROM ev WHERE value IS NOT NULL GROUP BY team_id)
),
est AS (SELECT estimate FROM estimates WHERE period = '2025-Q4' AND metric = 'incident_resolve_hours'
        AND method = 'did' AND aggregation = 'simple' AND headline)
SELECT baseline, volume, estimate, -baseline * (exp(estimate) - 1) * volume * $1 AS benefit FROM base, vol, est`

// TestROIFromWarehouse checks the ROI against the warehouse: one metric's benefit recomputed by
// hand in SQL, the cost = the configured lines × everyone enrolled (a dropout included), the cost
// lines in roi_costs, intervals for benefit, net benefit, ROI % and BCR with the conservative figure
// at the lower bound, the metric's level, intangibles left unmonetised, and relative intervals on
// the estimates.
func TestROIFromWarehouse(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows := orgRows(rand.New(rand.NewPCG(11, 3)), 40, -0.3)
	// An untrained team's member enrolled and dropped out: their seat and time are paid for.
	rows = append(rows, models.Enrollment{EnrollmentID: "eDrop", PersonID: "P01", CohortID: "c", Program: "p",
		EnrolledAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Status: "dropout", SourceFile: "f", Line: 99})
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, rows) }); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Analysis.Bootstrap = 499
	const value = 120.0
	cfg.ROI.Values = map[string]float64{"incident_resolve_hours": value, "incident_escalated": 50}
	cfg.ROI.Costs = config.Costs{PerParticipant: 1000, ParticipantHours: 10, LoadedHourlyRate: 50, Facilitation: 3000,
		DesignDevelopment: 2000, Evaluation: 1000, Overhead: 500}
	res, err := Run(ctx, st, cfg, "2025-Q4", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}

	var hand struct{ baseline, volume, estimate, benefit float64 }
	if err := st.DB().QueryRow(handBenefitSQL, value).Scan(&hand.baseline, &hand.volume, &hand.estimate, &hand.benefit); err != nil {
		t.Fatal(err)
	}
	var got struct{ baseline, volume, effect, benefit float64 }
	var level string
	if err := st.DB().QueryRow(`SELECT baseline, annual_volume, effect_per_event, benefit, level FROM roi
		WHERE period = '2025-Q4' AND metric = 'incident_resolve_hours'`).Scan(&got.baseline, &got.volume, &got.effect, &got.benefit, &level); err != nil {
		t.Fatal(err)
	}
	rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	if !rel(got.baseline, hand.baseline) || !rel(got.volume, hand.volume) || !rel(got.benefit, hand.benefit) ||
		!rel(got.effect, hand.baseline*math.Expm1(hand.estimate)) || level != "L4" {
		t.Errorf("incident_resolve_hours: baseline %v volume %v effect %v benefit %v level %s; by hand %+v",
			got.baseline, got.volume, got.effect, got.benefit, level, hand)
	}
	// The arithmetic mean, not the geometric one: log-normal durations with σ ≈ 0.6–0.8 put it
	// well above exp(mean log).
	if !(hand.baseline > 5 && hand.benefit > 0) {
		t.Errorf("hand figures %+v", hand)
	}

	// Cost: 20 completed + 1 dropout enrolled.
	wantCost := 21*1000 + 21*10*50 + 3000 + 2000 + 1000 + 500.0
	var sumLines float64
	var nLines int
	if err := st.DB().QueryRow(`SELECT sum(amount), count(*) FROM roi_costs WHERE period = '2025-Q4'`).Scan(&sumLines, &nLines); err != nil {
		t.Fatal(err)
	}
	var fee, feeQty float64
	st.DB().QueryRow(`SELECT amount, quantity FROM roi_costs WHERE period = '2025-Q4' AND line = 'participant_fee'`).Scan(&fee, &feeQty)
	if sumLines != wantCost || nLines != 7 || fee != 21000 || feeQty != 21 || res.Enrolled != 21 {
		t.Errorf("cost lines: sum %v (want %v), %d lines, fee %v × %v, enrolled %d", sumLines, wantCost, nLines, fee, feeQty, res.Enrolled)
	}

	var tot struct {
		benefit, lo, hi, cost, net, netLo, netHi, roi, roiLo, roiHi, bcr, bcrLo, bcrHi, consROI, consBCR float64
	}
	if err := st.DB().QueryRow(`SELECT benefit, benefit_ci_low, benefit_ci_high, cost, net_benefit, net_benefit_ci_low,
		net_benefit_ci_high, roi_pct, roi_pct_ci_low, roi_pct_ci_high, bcr, bcr_ci_low, bcr_ci_high, conservative_roi_pct,
		conservative_bcr FROM roi WHERE period = '2025-Q4' AND metric = 'total'`).Scan(&tot.benefit, &tot.lo, &tot.hi, &tot.cost,
		&tot.net, &tot.netLo, &tot.netHi, &tot.roi, &tot.roiLo, &tot.roiHi, &tot.bcr, &tot.bcrLo, &tot.bcrHi, &tot.consROI, &tot.consBCR); err != nil {
		t.Fatal(err)
	}
	if tot.cost != wantCost || !(tot.lo < tot.benefit && tot.benefit < tot.hi) || !rel(tot.net, tot.benefit-wantCost) ||
		!rel(tot.netLo, tot.lo-wantCost) || !rel(tot.netHi, tot.hi-wantCost) {
		t.Errorf("total %+v", tot)
	}
	if !(tot.roiLo < tot.roi && tot.roi < tot.roiHi) || !rel(tot.roiLo, (tot.lo-wantCost)/wantCost*100) ||
		!(tot.bcrLo < tot.bcr && tot.bcr < tot.bcrHi) || !rel(tot.bcrLo, tot.lo/wantCost) {
		t.Errorf("ROI %v [%v, %v], BCR %v [%v, %v]", tot.roi, tot.roiLo, tot.roiHi, tot.bcr, tot.bcrLo, tot.bcrHi)
	}
	if tot.consROI != tot.roiLo || tot.consBCR != tot.bcrLo {
		t.Errorf("conservative %v / %v, want the lower bounds %v / %v", tot.consROI, tot.consBCR, tot.roiLo, tot.bcrLo)
	}

	// The benefit's bootstrap interval is as wide as the estimate's t interval carried through.
	var h models.Estimate
	for _, e := range res.Headline {
		if e.Metric == "incident_resolve_hours" {
			h = e
		}
	}
	var bLo, bHi float64
	st.DB().QueryRow(`SELECT benefit_ci_low, benefit_ci_high FROM roi WHERE period = '2025-Q4' AND metric = 'incident_resolve_hours'`).Scan(&bLo, &bHi)
	tLo := -hand.baseline * math.Expm1(h.CIHigh) * hand.volume * value
	tHi := -hand.baseline * math.Expm1(h.CILow) * hand.volume * value
	if w, tw := bHi-bLo, tHi-tLo; math.Abs(w/tw-1) > 0.2 {
		t.Errorf("benefit interval [%v, %v] width %v, t interval carried through [%v, %v] width %v", bLo, bHi, w, tLo, tHi, tw)
	}

	// Intangibles: no money value, not monetised, no benefit.
	var monetised bool
	var benefit sql.NullFloat64
	st.DB().QueryRow(`SELECT monetised, benefit FROM roi WHERE period = '2025-Q4' AND metric = 'incident_ack_minutes'`).Scan(&monetised, &benefit)
	if monetised || benefit.Valid {
		t.Errorf("intangible incident_ack_minutes: monetised %v benefit %v", monetised, benefit)
	}

	// Relative intervals on the estimates, on the relative change's scale.
	var rc, rlo, rhi, lo, hi float64
	st.DB().QueryRow(`SELECT relative_change, relative_ci_low, relative_ci_high, ci_low, ci_high FROM estimates
		WHERE period = '2025-Q4' AND metric = 'incident_resolve_hours' AND method = 'did' AND aggregation = 'simple'`).Scan(&rc, &rlo, &rhi, &lo, &hi)
	if !rel(rlo, math.Expm1(lo)) || !rel(rhi, math.Expm1(hi)) || !(rlo < rc && rc < rhi) {
		t.Errorf("relative change %v [%v, %v] from [%v, %v]", rc, rlo, rhi, lo, hi)
	}
}

// TestRelativeInterval checks the relative interval of each scale: exp − 1 on the log scale, over
// the level for shares and rates, cut at none left and at a share of 1.
func TestRelativeInterval(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name   string
		e      models.Estimate
		lo, hi float64
		cut    bool
	}{
		{"log", models.Estimate{Scale: "log", Estimate: math.Log(0.8), RelativeChange: -0.2, CILow: math.Log(0.7), CIHigh: math.Log(0.9)}, -0.3, -0.1, false},
		// Share level 0.05 (−0.02 / −0.4): [−0.06, −0.01] → [−120%, −20%], cut at −100%.
		{"share below 0", models.Estimate{Scale: "share", Estimate: -0.02, RelativeChange: -0.4, CILow: -0.06, CIHigh: -0.01}, -1, -0.2, true},
		// Share level 0.8: +0.3 would be a share of 1.1; at most +25%.
		{"share above 1", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: 0.125, CILow: 0.04, CIHigh: 0.3}, 0.05, 0.25, true},
		{"rate", models.Estimate{Scale: "rate", Estimate: 1, RelativeChange: 0.5, CILow: -0.5, CIHigh: 3}, -0.25, 1.5, false},
		// A share interval without a relative change stays empty: never a share printed as a percent.
		{"no relative change", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: nan, CILow: 0.05, CIHigh: 0.15}, nan, nan, false},
		{"no interval", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: 0.1, CILow: nan, CIHigh: nan}, nan, nan, false},
	}
	eq := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 || (math.IsNaN(a) && math.IsNaN(b)) }
	for _, c := range cases {
		lo, hi, cut := RelativeInterval(c.e)
		if !eq(lo, c.lo) || !eq(hi, c.hi) || cut != c.cut {
			t.Errorf("%s: [%v, %v] cut %v, want [%v, %v] cut %v", c.name, lo, hi, cut, c.lo, c.hi, c.cut)
		}
	}
}

// TestSharedDrawsMatchDiDBootstrap checks the ROI's draws against the DiD's own bootstrap: on a
// simulated staggered panel (30 units, 3 cohorts), the spread of stats.MultiplierDraws over the
// simple ATT's influence function (IQR / 1.349, as did's mboot) is within 10% of the bootstrap SE
// that stats.ATTGT reports, and their median is the estimate.
func TestSharedDrawsMatchDiDBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var p PanelData
	var names []string
	for u := range 30 {
		name := fmt.Sprintf("team%02d", u)
		names = append(names, name)
		g := []int{0, 5, 7, 9}[u%4]
		fe := rng.NormFloat64()
		for tt := 1; tt <= 12; tt++ {
			y := fe + 0.1*float64(tt) + rng.NormFloat64()*0.5
			if g > 0 && tt >= g {
				y -= 0.3
			}
			p.Add(name, tt, g, y)
		}
	}
	res, err := EstimateDiD(&p, DiDOptions{Bootstrap: 4999, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names) // EstimateDiD numbers units 1.. in name order
	unitNames := make([]string, len(res.GT.Units))
	for i, u := range res.GT.Units {
		unitNames[i] = names[u-1]
	}
	d := stats.MultiplierDraws(res.Simple.ATT, res.Simple.IF, unitNames, stats.NewClusterWeights(4999, 9), 1)
	slices.Sort(d)
	iqr := (stats.Quantile7(0.75, d) - stats.Quantile7(0.25, d)) / 1.3489795003921634
	if math.Abs(iqr/res.Simple.BootSE-1) > 0.1 || math.Abs(stats.Quantile7(0.5, d)-res.Simple.ATT) > 0.1*res.Simple.BootSE {
		t.Errorf("shared draws: spread %v median %v; DiD bootstrap SE %v, ATT %v", iqr, stats.Quantile7(0.5, d),
			res.Simple.BootSE, res.Simple.ATT)
	}
}
