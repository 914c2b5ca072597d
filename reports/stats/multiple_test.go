package stats

import (
	"math"
	"testing"
)

func TestBenjaminiHochbergR(t *testing.T) {
	nan := math.NaN()
	p := []float64{0.01, 0.04, 0.03, 0.005, nan, 0.2, 0.04, 0.9}
	// R 4.2.2: p.adjust(c(0.01, 0.04, 0.03, 0.005, NA, 0.2, 0.04, 0.9), "BH")
	want := []float64{0.035000000000000003, 0.055999999999999994, 0.055999999999999994,
		0.035000000000000003, nan, 0.233333333333333365, 0.055999999999999994, 0.9}
	q := BenjaminiHochberg(p)
	if len(q) != len(p) {
		t.Fatalf("len %d", len(q))
	}
	for i := range q {
		refNear(t, "q", q[i], want[i], 1e-15)
	}
	if !math.IsNaN(p[4]) || p[0] != 0.01 {
		t.Error("input modified")
	}
	if len(BenjaminiHochberg(nil)) != 0 {
		t.Error("nil input")
	}
	// A single p-value is unchanged; q is never below p and never above 1.
	if q := BenjaminiHochberg([]float64{0.3}); q[0] != 0.3 {
		t.Errorf("single: %v", q)
	}
	refPanics(t, "range", "stats: p-value out of [0, 1]", func() { BenjaminiHochberg([]float64{1.2}) })
}
