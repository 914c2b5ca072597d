package analyze

import (
	"testing"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// checkRandomization checks the permutation p-values of TestInferenceRun's headline rows.
func checkRandomization(t *testing.T, st *store.Store, headline []models.Estimate, effect float64) {
	t.Helper()
	draws := config.Default().Analysis.Permutations // TestInferenceRun analyses with the defaults
	var withP int
	for _, h := range headline {
		if !(h.StdError > 0) { // not estimable, or no variation: no studentized statistic
			continue
		}
		if h.RIPermutations != draws || h.RIExact || !(h.RIPValue > 0 && h.RIPValue <= 1) {
			t.Errorf("effect %v, %s: ri p %v over %d (exact %v)", effect, h.Metric, h.RIPValue, h.RIPermutations, h.RIExact)
			continue
		}
		withP++
		if h.Metric != "incident_resolve_hours" {
			continue
		}
		switch {
		case effect != 0 && h.RIPValue != 1.0/float64(1+draws):
			t.Errorf("planted effect: ri p = %v, want %v", h.RIPValue, 1.0/float64(1+draws))
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
		draws).Scan(&stored); err != nil || stored != withP {
		t.Errorf("effect %v: %d headline rows with ri_p_value stored (%v), want %d", effect, stored, err, withP)
	}
	var other int
	st.DB().QueryRow(`SELECT count(*) FROM estimates WHERE NOT headline AND ri_p_value IS NOT NULL`).Scan(&other)
	if other != 0 {
		t.Errorf("effect %v: %d non-headline rows carry ri_p_value", effect, other)
	}
}

// TestSuppressClearsInference checks that a suppressed row keeps no permutation p-value and no
// breakdown value (they would give away what suppression hides).
func TestSuppressClearsInference(t *testing.T) {
	b := 0.5
	r := models.Estimate{Estimate: -0.2, RIPValue: 0.01, RIPermutations: 999, RIExact: false, BreakdownMbar: &b}
	suppress(&r)
	vals := r.Values()
	cols := models.Columns("estimates")
	for i, c := range cols {
		if (c == "ri_p_value" || c == "ri_permutations" || c == "ri_exact" || c == "breakdown_mbar" || c == "estimate") && vals[i] != nil {
			t.Errorf("suppressed row: %s = %v", c, vals[i])
		}
	}
}
