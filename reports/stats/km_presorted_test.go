package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKMPresortedMatchesKaplanMeier: the presorted refit gives KaplanMeier's median exactly, for
// random integer weights (including zeros, as a cluster bootstrap makes) on data with ties,
// censoring, and curves that do and do not reach 0.5, and on the aml data (medians 31 and 23,
// TestKaplanMeierAML's published values).
func TestKMPresortedMatchesKaplanMeier(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for r := range 300 {
		n := 5 + rng.IntN(60)
		tm, ev, w := make([]float64, n), make([]bool, n), make([]float64, n)
		for i := range n {
			tm[i] = float64(1 + rng.IntN(20))
			ev[i] = rng.Float64() < 0.3+0.6*float64(r%3)/2
			w[i] = float64(rng.IntN(3))
		}
		p := PresortKM(tm, ev)
		want := math.NaN()
		if c, err := KaplanMeier(tm, ev, w, 0.95); err == nil {
			want, _, _ = c.Median()
		}
		got := p.Median(w)
		if !(got == want || (math.IsNaN(got) && math.IsNaN(want))) {
			t.Fatalf("replication %d: median %v, KaplanMeier %v", r, got, want)
		}
	}
	// A curve flat at exactly 0.5 between t = 2 and 3: R's rule gives the midpoint; one reaching 0.5
	// on its last step gives the midpoint with the last time.
	if got := PresortKM([]float64{1, 2, 3, 4}, []bool{true, true, true, true}).Median([]float64{1, 1, 1, 1}); got != 2.5 {
		t.Errorf("flat at 0.5: median %v, want 2.5", got)
	}
	if got := PresortKM([]float64{1, 2, 5}, []bool{true, false, false}).Median([]float64{1, 1, 0}); got != 1.5 {
		t.Errorf("0.5 from t = 1 to the last (weighted) time 2: median %v, want 1.5", got)
	}
	if got := PresortKM([]float64{1, 2, 5}, []bool{true, false, false}).Median([]float64{1, 1, 1}); !math.IsNaN(got) {
		t.Errorf("never down to 0.5: median %v, want NaN", got)
	}
	for g, want := range map[string]float64{"Maintained": 31, "Nonmaintained": 23} {
		tm, ev := amlGroup(t, g)
		w := make([]float64, len(tm))
		for i := range w {
			w[i] = 1
		}
		if got := PresortKM(tm, ev).Median(w); got != want {
			t.Errorf("aml %s: median %v, want %v", g, got, want)
		}
	}
}
