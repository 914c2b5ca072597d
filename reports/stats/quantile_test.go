package stats

import (
	"math"
	"sort"
	"testing"
)

func TestQuantileR(t *testing.T) {
	x := []float64{2.3, -1, 4.5, 0, 7.25, 3, 3, 10, -2.5, 6}
	sort.Float64s(x)
	p := []float64{0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 1, 1.0 / 3}
	// R 4.2.2: x <- c(2.3, -1, 4.5, 0, 7.25, 3, 3, 10, -2.5, 6)
	// quantile(x, c(0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 1, 1/3), type = 7)
	want7 := []float64{-2.5, -1.15000000000000013, 0.57499999999999996, 1.60999999999999921,
		3, 4.94999999999999929, 7.52499999999999858, 10, 2.29999999999999982}
	// Same call with type = 1.
	want1 := []float64{-2.5, -2.5, 0, 0, 3, 4.5, 7.25, 10, 2.3}
	for i, pi := range p {
		refNear(t, "Quantile7", Quantile7(pi, x), want7[i], 1e-14)
		refNear(t, "Quantile1", Quantile1(pi, x), want1[i], 0)
	}
}

func TestQuantile1Fuzz(t *testing.T) {
	// 0.7·10 = 7.000000000000001 in floating point; R's fuzz still picks the
	// 7th order statistic: quantile(1:10, 0.7, type = 1) is 7.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if got := Quantile1(0.7, x); got != 7 {
		t.Errorf("Quantile1(0.7, 1:10) = %v, want 7", got)
	}
	if got := Quantile1(0.71, x); got != 8 {
		t.Errorf("Quantile1(0.71, 1:10) = %v, want 8", got)
	}
}

func TestQuantileSpecial(t *testing.T) {
	if got := Quantile7(0.5, []float64{4}); got != 4 {
		t.Errorf("single value: %v", got)
	}
	if got := Quantile7(0.5, []float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("NaN data: %v, want NaN", got)
	}
	// R: quantile(c(1, Inf, Inf), 0.75) is Inf, not NaN.
	if got := Quantile7(0.75, []float64{1, math.Inf(1), math.Inf(1)}); !math.IsInf(got, 1) {
		t.Errorf("Inf data: %v, want +Inf", got)
	}
	refPanics(t, "p>1", "stats: quantile probability out of [0, 1]", func() { Quantile7(1.5, []float64{1}) })
	refPanics(t, "NaN p", "stats: quantile probability out of [0, 1]", func() { Quantile1(math.NaN(), []float64{1}) })
	refPanics(t, "empty", "stats: zero length slice", func() { Quantile7(0.5, nil) })
	refPanics(t, "unsorted", "stats: data are not sorted", func() { Quantile1(0.5, []float64{2, 1}) })
}
