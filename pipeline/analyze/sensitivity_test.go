package analyze

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// TestInferenceRun checks the wiring of issue 24's inference on an organisation of 40 teams (20
// trained in four cohorts) with parallel trends by construction, with and without a planted effect
// (−0.4 on the log hours).
//
// Randomization: every headline DiD row with a standard error carries a permutation p-value over
// analysis.permutations (999 by default) seeded permutations (40!/(20!·5!⁴) assignments, far too many to enumerate),
// stored in estimates.ri_p_value; the planted effect (about 5 SE) gives the smallest p-value the
// draws allow for incident_resolve_hours, and the organisation without it a p-value above 0.05.
//
// Sensitivity: the headline metric gets one rm_sensitivity row per M̄ in SensitivityMbars, stored
// with estimates.mbar, whose intervals are nested (they grow with M̄) and contain θ̂; with the
// planted effect the interval at M̄ = 0 excludes zero and the headline row's breakdown M̄ is
// positive and consistent with the intervals; without it the breakdown is 0.
func TestInferenceRun(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, effect := range []float64{-0.4, 0} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Write(ctx, func(w *store.Writer) error {
			return w.Upsert(ctx, orgRows(rand.New(rand.NewPCG(7, 7)), 40, effect))
		}); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		cfg.Analysis.Bootstrap = 0
		res, err := Run(ctx, st, cfg, "2025-Q4", now)
		if err != nil {
			t.Fatal(err)
		}
		checkRandomization(t, st, res.Headline, effect)
		const metric = "incident_resolve_hours"
		var sens []float64 // lo, hi per M̄
		var theta float64
		for _, e := range res.Estimates {
			if e.Metric != metric || e.Aggregation != AggSensitivityRM || !(e.Population == populationOf(cfg.Analysis.Dropouts)) {
				continue
			}
			if e.Mbar == nil || *e.Mbar != SensitivityMbars[len(sens)/2] {
				t.Fatalf("effect %v: sensitivity row %d has M̄ %v", effect, len(sens)/2, e.Mbar)
			}
			theta = e.Estimate
			sens = append(sens, e.CILow, e.CIHigh)
			t.Logf("effect %v, M̄ %.1f: θ %.4f (SE %.4f), robust interval [%.4f, %.4f]", effect, *e.Mbar, e.Estimate, e.StdError, e.CILow, e.CIHigh)
		}
		if len(sens) != 2*len(SensitivityMbars) {
			t.Fatalf("effect %v: %d sensitivity rows, want %d", effect, len(sens)/2, len(SensitivityMbars))
		}
		// A NULL (NaN) bound is unbounded on the grid.
		for j := range sens {
			if math.IsNaN(sens[j]) {
				sens[j] = math.Inf(2*(j%2) - 1)
			}
		}
		for j := 0; j < len(sens); j += 2 {
			if !(sens[j] <= theta && theta <= sens[j+1]) {
				t.Errorf("effect %v: θ %v outside [%v, %v]", effect, theta, sens[j], sens[j+1])
			}
			if j > 0 && (sens[j] > sens[j-2] || sens[j+1] < sens[j-1]) {
				t.Errorf("effect %v: interval %d not containing the previous one", effect, j/2)
			}
		}
		var head *float64
		for _, h := range res.Headline {
			if h.Metric == metric {
				head = h.BreakdownMbar
			}
		}
		if head == nil {
			t.Fatalf("effect %v: no breakdown M̄ on the headline", effect)
		}
		t.Logf("effect %v: breakdown M̄ %v", effect, *head)
		covers := func(j int) bool { return sens[2*j] <= 0 && sens[2*j+1] >= 0 }
		if effect != 0 {
			if covers(0) || !(*head > 0) {
				t.Errorf("planted effect: interval at M̄ = 0 [%v, %v], breakdown %v", sens[0], sens[1], *head)
			}
			for j, m := range SensitivityMbars {
				if covers(j) != (m >= *head) && math.Abs(m-*head) > BreakdownTolerance {
					t.Errorf("planted effect: M̄ %v covers zero %v, breakdown %v", m, covers(j), *head)
				}
			}
		} else if covers(0) && *head != 0 {
			t.Errorf("no effect: interval at M̄ = 0 covers zero but breakdown %v", *head)
		}
		var stored int
		st.DB().QueryRow(`SELECT count(*) FROM estimates WHERE metric = ? AND aggregation = 'rm_sensitivity' AND mbar IS NOT NULL`, metric).Scan(&stored)
		if stored < len(SensitivityMbars) {
			t.Errorf("effect %v: %d rm_sensitivity rows stored", effect, stored)
		}
		var bd float64
		if err := st.DB().QueryRow(`SELECT breakdown_mbar FROM estimates WHERE metric = ? AND headline`, metric).Scan(&bd); err != nil || bd != *head {
			t.Errorf("effect %v: stored breakdown %v (%v), want %v", effect, bd, err, *head)
		}
		st.Close()
	}
}

// With analysis.sensitivity off the analysis writes no rm_sensitivity row and no breakdown value,
// and the headline estimates are those of the run with it on (to 1e-12 relative: the cell sums come
// from DuckDB's parallel aggregation, whose order of addition, and so last bit, varies run to run).
func TestSensitivityOff(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	heads := map[bool]map[string]float64{}
	for _, on := range []bool{true, false} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Write(ctx, func(w *store.Writer) error {
			return w.Upsert(ctx, orgRows(rand.New(rand.NewPCG(7, 7)), 40, -0.4))
		}); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		cfg.Analysis.Bootstrap, cfg.Analysis.Permutations, cfg.Analysis.Sensitivity = 0, 0, on
		res, err := Run(ctx, st, cfg, "2025-Q4", now)
		if err != nil {
			t.Fatal(err)
		}
		var rows, breakdowns int
		st.DB().QueryRow(`SELECT count(*) FILTER (WHERE aggregation = 'rm_sensitivity'), count(breakdown_mbar) FROM estimates`).Scan(&rows, &breakdowns)
		if on != (rows > 0 && breakdowns > 0) {
			t.Errorf("sensitivity %v: %d rm_sensitivity rows, %d breakdown values", on, rows, breakdowns)
		}
		heads[on] = map[string]float64{}
		for _, h := range res.Headline {
			heads[on][h.Metric] = h.Estimate
		}
		st.Close()
	}
	for m, v := range heads[true] {
		w := heads[false][m]
		if math.IsNaN(v) && math.IsNaN(w) {
			continue
		}
		if !(math.Abs(w-v) <= 1e-12*math.Max(math.Abs(v), 1e-300)) {
			t.Errorf("%s: headline %v with the sensitivity, %v without", m, v, w)
		}
	}
}
