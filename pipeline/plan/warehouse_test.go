package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// Synthetic organisation of the warehouse tests: 24 months of history (2024-01 to 2025-12),
// 40 teams: 30 never trained, 8 trained on 2025-03-10 whose incidents resolve 40% faster from then
// on (a planted effect the history must not contain), and 2 whose lead dropped out.
const (
	orgTeams   = 40
	orgTrained = 8
	orgDropout = 2
)

var orgTrainedAt = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)

// orgWarehouse writes the synthetic organisation into a fresh warehouse (migrations, views and
// macros as analyze leaves them, teams, exposure, metric_events and one estimate row naming the
// latest analysis, 2025-Q4) and returns its path. Events: incident_resolve_hours, 6 a team-month,
// log-normal with a team level, a common trend and seasonality, AR(1) team-month noise and event
// noise; ticket_reopened, 6 a team-month, Bernoulli with a team-specific share.
func orgWarehouse(t testing.TB) string {
	t.Helper()
	orgOnce.Do(func() {
		dir, err := os.MkdirTemp("", "plan-org-")
		if err != nil {
			t.Fatal(err)
		}
		orgDir = dir
		orgPath = writeOrg(t, filepath.Join(dir, "impact.duckdb"))
	})
	if orgPath == "" {
		t.Fatal("the synthetic warehouse could not be written")
	}
	return orgPath
}

// The synthetic warehouse is written once per test process (read-only afterwards) and removed by
// TestMain.
var (
	orgOnce         sync.Once
	orgDir, orgPath string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if orgDir != "" {
		os.RemoveAll(orgDir)
	}
	os.Exit(code)
}

func writeOrg(t testing.TB, path string) string {
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := queries.Default()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(24, 24))
	var rows []models.Row
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	season := make([]float64, 24)
	for m := range season {
		season[m] = 0.1*math.Sin(2*math.Pi*float64(m)/12) - 0.01*float64(m) + 0.05*rng.NormFloat64()
	}
	for i := range orgTeams {
		id := fmt.Sprintf("files:team:t%02d", i)
		rows = append(rows, models.Team{TeamID: id, Name: fmt.Sprintf("team %02d", i), UpdatedAt: now})
		e := models.Exposure{UnitType: "team", UnitID: id, Status: "never"}
		switch {
		case i < orgTrained:
			e.Status, e.TreatedAt, e.CohortID = "treated", orgTrainedAt, "c1"
		case i < orgTrained+orgDropout:
			e.Status = "dropout"
		}
		rows = append(rows, e)
		level, sd, ar := 0.4*rng.NormFloat64(), 0.1+0.15*rng.Float64(), 0.0
		share := 0.05 + 0.1*rng.Float64()
		for m := range 24 {
			ar = 0.4*ar + sd*rng.NormFloat64()
			for k := range 6 {
				at := time.Date(2024, time.Month(m+1), 1+4*k, 3, 0, 0, 0, time.UTC)
				effect := 0.0
				if i < orgTrained && !at.Before(orgTrainedAt) {
					effect = math.Log(0.6)
				}
				v := math.Exp(1.5 + level + season[m] + ar + effect + 0.6*rng.NormFloat64())
				rows = append(rows, models.MetricEvent{Metric: "incident_resolve_hours", EventID: fmt.Sprintf("i%d-%d-%d", i, m, k),
					TeamID: id, PersonID: fmt.Sprintf("p%d", i), OccurredAt: at, Value: v})
				r := 0.0
				if rng.Float64() < share {
					r = 1
				}
				rows = append(rows, models.MetricEvent{Metric: "ticket_reopened", EventID: fmt.Sprintf("t%d-%d-%d", i, m, k),
					TeamID: id, PersonID: fmt.Sprintf("p%d", i), OccurredAt: at, Value: r})
			}
		}
	}
	nan := math.NaN()
	rows = append(rows, models.Estimate{AnalysisID: "2025-Q4@x", Period: "2025-Q4", Metric: "incident_resolve_hours", Method: "did",
		Aggregation: "simple", Scale: "log", Estimate: nan, CILow: nan, CIHigh: nan, RelativeChange: nan, StdError: nan, PValue: nan,
		QValue: nan, MDE: nan, ComputedAt: now, PretrendStat: nan, PretrendDF1: nan, PretrendDF2: nan, PretrendP: nan,
		RelativeCILow: nan, RelativeCIHigh: nan, RIPValue: nan})
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := cat.CreateViews(ctx, w); err != nil {
			return err
		}
		return w.Insert(ctx, rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runOrg runs Run on the synthetic warehouse, read-only as the command opens it.
func runOrg(t testing.TB, path string, o RunOptions) *Plan {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnlyLocked(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if o.Analysis.Period == "" {
		o.Analysis = config.Default().Analysis
	}
	p, err := Run(ctx, st.DB(), o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// design20 trains 20 teams in 4 monthly cohorts from March 2026, observed 4 quarters.
func design20(t testing.TB) Design {
	cs, err := EvenRollout(20, 4, 1, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return Design{Cohorts: cs, Quarters: 4}
}

func metricPlan(t testing.TB, p *Plan, name string) *MetricPlan {
	t.Helper()
	for i := range p.Metrics {
		if p.Metrics[i].Metric.Name == name {
			return &p.Metrics[i]
		}
	}
	t.Fatalf("no plan for %s", name)
	return nil
}

// detected plants delta on every treated post-treatment cell of reps fresh placebo rollouts of
// the metric's design (laid on its warehouse history exactly as the MDE's placebos) and returns
// the share that analyze.EstimateDiD finds significant at alpha (t reference, as the analysis).
func detected(t testing.TB, mp *MetricPlan, delta, alpha float64, reps int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 77))
	var k, n int
	for range reps {
		p := mp.Placebo(rng)
		for i := range p.Y {
			if g := p.Group[i]; g > 0 && p.Time[i] >= g {
				p.Y[i] += delta
			}
		}
		d, err := analyze.EstimateDiD(p, analyze.DiDOptions{NotYetTreated: true, Anticipation: mp.Anticipation(), Alpha: alpha})
		if err != nil {
			continue
		}
		n++
		if stats.TPValue(d.Simple.ATT, d.Simple.SE, d.DF) < alpha {
			k++
		}
	}
	if n < reps*9/10 {
		t.Fatalf("only %d of %d planted rollouts estimable", n, reps)
	}
	return float64(k) / float64(n)
}

// TestRunOnWarehouseDetectedAtPower is the acceptance check on a warehouse: plan's MDE for
// incident_resolve_hours (20 teams in 4 monthly cohorts, 4 quarters observed, 300 placebos, on the
// synthetic organisation's warehouse read through the analysis' panel construction) is planted
// on 300 fresh random rollouts of the same design on the same history and estimated with
// analyze.EstimateDiD: the share significant at 5% must be 80% ± 8 points (binomial SD 2.3 points
// at 300, plus the MDE's own Monte Carlo error), and at half the MDE well below 80%.
func TestRunOnWarehouseDetectedAtPower(t *testing.T) {
	path := orgWarehouse(t)
	p := runOrg(t, path, RunOptions{Design: design20(t), Placebos: 300, Seed: 5, Metrics: []string{"incident_resolve_hours"}, NoGrid: true})
	mp := metricPlan(t, p, "incident_resolve_hours")
	if mp.Err != nil {
		t.Fatal(mp.Err)
	}
	if mp.Result.Placebos < 290 || !(mp.Result.MDE > 0) || !(mp.Result.Low <= mp.Result.MDE && mp.Result.MDE <= mp.Result.High) {
		t.Fatalf("%+v", mp.Result)
	}
	at := detected(t, mp, mp.Result.MDE, 0.05, 300, 11)
	half := detected(t, mp, mp.Result.MDE/2, 0.05, 300, 12)
	t.Logf("MDE %.4f [%.4f, %.4f] (null SD %.4f): detected %.1f%% at the MDE, %.1f%% at half of it", mp.Result.MDE,
		mp.Result.Low, mp.Result.High, mp.Result.NullSD, 100*at, 100*half)
	if math.Abs(at-0.8) > 0.08 {
		t.Errorf("planted effect at the MDE detected %.1f%% of the time, want 80 ± 8", 100*at)
	}
	if half > 0.55 {
		t.Errorf("half the MDE detected %.1f%% of the time", 100*half)
	}
}

// TestRunHistoryLeavesOutTraining checks the program-already-running rules: the 8 trained teams
// keep only their months before training (none of their cells from March 2025 on is in the
// history, so their planted −40% cannot pass for noise) and are never drawn into a placebo
// cohort; the dropouts are not in it at all; the order draws from the 30 never-trained teams
// only; a proposed start inside the data ends the history there.
func TestRunHistoryLeavesOutTraining(t *testing.T) {
	path := orgWarehouse(t)
	p := runOrg(t, path, RunOptions{Design: design20(t), Placebos: 20, Seed: 1})
	if p.TrainedCut != orgTrained || p.Dropouts != orgDropout || len(p.Eligible) != orgTeams-orgTrained-orgDropout || p.Started {
		t.Fatalf("trained cut %d, dropouts %d, eligible %d, started %v", p.TrainedCut, p.Dropouts, len(p.Eligible), p.Started)
	}
	if !p.HistoryEnd.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !p.HistoryStart.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("history %s to %s", p.HistoryStart, p.HistoryEnd)
	}
	trainedP := analyze.PeriodIndex(orgTrainedAt, "month")
	trained := map[string]bool{}
	for i := range orgTrained {
		trained[fmt.Sprintf("files:team:t%02d", i)] = true
	}
	for _, name := range []string{"incident_resolve_hours", "ticket_reopened"} {
		mp := metricPlan(t, p, name)
		if mp.Err != nil {
			t.Fatalf("%s: %v", name, mp.Err)
		}
		pre := 0
		for i, u := range mp.history.Unit {
			if u == "files:team:t08" || u == "files:team:t09" {
				t.Fatalf("%s: dropout team %s in the history", name, u)
			}
			if trained[u] {
				if mp.history.Time[i] >= trainedP {
					t.Fatalf("%s: trained team %s has period %d ≥ its training %d", name, u, mp.history.Time[i], trainedP)
				}
				pre++
			}
		}
		if pre != orgTrained*(trainedP-analyze.PeriodIndex(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "month")) {
			t.Errorf("%s: %d pre-training cells of trained teams kept", name, pre)
		}
		for _, u := range mp.pool {
			if trained[u] {
				t.Errorf("%s: trained team %s in the placebo pool", name, u)
			}
		}
		if mp.Pool != orgTeams-orgTrained-orgDropout {
			t.Errorf("%s: pool %d", name, mp.Pool)
		}
	}
	for _, c := range p.Order {
		for _, tm := range c {
			if trained[tm.ID] || !slices.ContainsFunc(p.Eligible, func(e Team) bool { return e.ID == tm.ID }) {
				t.Errorf("order draws %s, not an eligible team", tm.ID)
			}
		}
	}
	if len(p.Grid) != 16 || p.ChartMetric != "incident_resolve_hours" {
		t.Errorf("grid of %d points on %q", len(p.Grid), p.ChartMetric)
	}

	// A proposed start inside the data: the history ends at its month.
	cs, _ := EvenRollout(4, 2, 1, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	early := runOrg(t, path, RunOptions{Design: Design{Cohorts: cs, Quarters: 1}, Placebos: 20, Seed: 1, Metrics: []string{"ticket_reopened"}, NoGrid: true})
	if !early.Started || !early.HistoryEnd.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start 2025-07: started %v, history end %s", early.Started, early.HistoryEnd)
	}
	if mp := metricPlan(t, early, "ticket_reopened"); slices.Max(mp.history.Time) >= analyze.PeriodIndex(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), "month") {
		t.Errorf("history reaches past the proposed start")
	}
}

// TestRunSeedAndErrors: the same seed gives the same order and MDEs, another seed another order;
// a rollout larger than the eligible teams, an unknown metric and person units are refused.
func TestRunSeedAndErrors(t *testing.T) {
	path := orgWarehouse(t)
	o := RunOptions{Design: design20(t), Placebos: 30, Seed: 9, Metrics: []string{"ticket_reopened"}, NoGrid: true}
	a, b := runOrg(t, path, o), runOrg(t, path, o)
	o.Seed = 10
	c := runOrg(t, path, o)
	// The same up to the last bits of DuckDB's parallel sums (the history's cell means).
	ra, rb := a.Metrics[0].Result, b.Metrics[0].Result
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x)) }
	if fmt.Sprint(a.Order) != fmt.Sprint(b.Order) || ra.Placebos != rb.Placebos || ra.Failed != rb.Failed ||
		!close(ra.MDE, rb.MDE) || !close(ra.NullSD, rb.NullSD) || !close(ra.Low, rb.Low) || !close(ra.High, rb.High) {
		t.Errorf("seed 9 twice: %v %+v vs %v %+v", a.Order, ra, b.Order, rb)
	}
	if fmt.Sprint(a.Order) == fmt.Sprint(c.Order) {
		t.Errorf("seeds 9 and 10 give the same order")
	}
	ctx := context.Background()
	st, err := store.OpenReadOnlyLocked(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	big, _ := EvenRollout(31, 3, 2, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	an := config.Default().Analysis
	if _, err := Run(ctx, st.DB(), RunOptions{Analysis: an, Design: Design{Cohorts: big, Quarters: 2}}); !errors.Is(err, ErrTooFewTeams) {
		t.Errorf("31 teams of 30 eligible: %v", err)
	}
	if _, err := Run(ctx, st.DB(), RunOptions{Analysis: an, Design: design20(t), Metrics: []string{"nope"}}); !errors.Is(err, ErrUnknownMetric) {
		t.Errorf("unknown metric: %v", err)
	}
	an.Unit = "person"
	if _, err := Run(ctx, st.DB(), RunOptions{Analysis: an, Design: design20(t)}); !errors.Is(err, ErrPersonUnits) {
		t.Errorf("person units: %v", err)
	}
}
