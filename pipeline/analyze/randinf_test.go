package analyze

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// TestRandomizationRun checks the wiring of the Fisher timing test: on an organisation of 40 teams
// (20 trained in four cohorts) every headline DiD row that has an estimate carries a permutation
// p-value over RandomizationDraws seeded permutations (40!/(20!·5!⁴) assignments, far too many to
// enumerate), stored in estimates.ri_p_value; the planted effect (−0.4 on the log hours, about
// 5 SD of the estimate) gives the smallest p-value the draws allow for incident_resolve_hours, and
// the same organisation without the effect does not.
func TestRandomizationRun(t *testing.T) {
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
		var withP int
		for _, h := range res.Headline {
			if !(h.StdError > 0) { // not estimable, or no variation: no studentized statistic
				continue
			}
			if h.RIPermutations != RandomizationDraws || h.RIExact || !(h.RIPValue > 0 && h.RIPValue <= 1) {
				t.Errorf("effect %v, %s: ri p %v over %d (exact %v)", effect, h.Metric, h.RIPValue, h.RIPermutations, h.RIExact)
				continue
			}
			withP++
			if h.Metric != "incident_resolve_hours" {
				continue
			}
			switch {
			case effect != 0 && h.RIPValue != 1.0/(1+RandomizationDraws):
				t.Errorf("planted effect: ri p = %v, want %v", h.RIPValue, 1.0/(1+RandomizationDraws))
			case effect == 0 && h.RIPValue < 0.05:
				t.Errorf("no effect: ri p = %v", h.RIPValue)
			}
			t.Logf("effect %v: incident_resolve_hours t-based p %.4f, permutation p %.4f", effect, h.PValue, h.RIPValue)
		}
		if withP == 0 {
			t.Errorf("effect %v: no headline row with a permutation p-value", effect)
		}
		var stored int
		if err := st.DB().QueryRow(`SELECT count(*) FROM estimates WHERE headline AND ri_p_value IS NOT NULL AND ri_permutations = ?`,
			RandomizationDraws).Scan(&stored); err != nil || stored != withP {
			t.Errorf("effect %v: %d headline rows with ri_p_value stored (%v), want %d", effect, stored, err, withP)
		}
		var other int
		st.DB().QueryRow(`SELECT count(*) FROM estimates WHERE NOT headline AND ri_p_value IS NOT NULL AND population = 'per_protocol'`).Scan(&other)
		if other != 0 {
			t.Errorf("effect %v: %d non-headline per-protocol rows carry ri_p_value", effect, other)
		}
		st.Close()
	}
}
