package stats

import (
	"math"
	"testing"
)

// TestClusterWeightsShared checks that the weights depend on the seed and the cluster's name only,
// are ±1 with mean near 0, and differ between clusters.
func TestClusterWeightsShared(t *testing.T) {
	a, b := NewClusterWeights(4000, 7), NewClusterWeights(4000, 7)
	b.Of("other") // asking in another order changes nothing
	x, y := a.Of("team-a"), b.Of("team-a")
	var sum, agree float64
	for i := range x {
		if x[i] != y[i] || (x[i] != 1 && x[i] != -1) {
			t.Fatalf("draw %d: %v vs %v", i, x[i], y[i])
		}
		sum += x[i]
		if x[i] == a.Of("team-b")[i] {
			agree++
		}
	}
	if math.Abs(sum/4000) > 0.06 { // 4 SE of a mean of 4000 fair signs
		t.Errorf("mean weight %v", sum/4000)
	}
	if f := agree / 4000; f < 0.44 || f > 0.56 {
		t.Errorf("team-a and team-b agree in %.3f of draws, want about half", f)
	}
	if c := NewClusterWeights(64, 8).Of("team-a"); equalSlices(c, a.Of("team-a")[:64]) {
		t.Error("another seed gave the same weights")
	}
}

func equalSlices(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMultiplierDraws checks the draws against their exact moments: centred at θ̂ with variance
// Σ (scale·IF_i/N)² (Rademacher weights have variance 1), and that two estimates over the same
// teams move together draw by draw (what makes the total's interval reflect their correlation).
func TestMultiplierDraws(t *testing.T) {
	inf := []float64{3, -1, 2, 0.5, -4, 1.5}
	names := []string{"a", "b", "c", "d", "e", "f"}
	w := NewClusterWeights(20000, 1)
	d := MultiplierDraws(0.3, inf, names, w, 2)
	var m, v float64
	for _, x := range d {
		m += x
	}
	m /= float64(len(d))
	for _, x := range d {
		v += (x - m) * (x - m)
	}
	v /= float64(len(d) - 1)
	var want float64
	for _, f := range inf {
		want += (2 * f / 6) * (2 * f / 6)
	}
	se := math.Sqrt(want / float64(len(d)))
	if math.Abs(m-0.3) > 4*se || math.Abs(v/want-1) > 0.05 {
		t.Errorf("mean %v (want 0.3), variance %v (want %v)", m, v, want)
	}
	// Same teams, IF reordered with the names: identical draws.
	d2 := MultiplierDraws(0.3, []float64{1.5, -4, 0.5, 2, -1, 3}, []string{"f", "e", "d", "c", "b", "a"}, w, 2)
	for b := range d {
		if math.Abs(d[b]-d2[b]) > 1e-12 {
			t.Fatalf("draw %d: %v vs %v", b, d[b], d2[b])
		}
	}
}
