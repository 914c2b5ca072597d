package stats

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// walshAverages returns the n(n+1)/2 averages (x_i + x_j)/2, i ≤ j: the entries walshRows
// selects from, stored.
func walshAverages(x []float64) []float64 {
	var w []float64
	for i := range x {
		for j := i; j < len(x); j++ {
			w = append(w, (x[i]+x[j])/2)
		}
	}
	return w
}

// pairwiseDiffs returns the m·n differences x_i − y_j: the entries diffRows selects from, stored.
func pairwiseDiffs(x, y []float64) []float64 {
	var d []float64
	for _, a := range x {
		for _, b := range y {
			d = append(d, a-b)
		}
	}
	return d
}

// TestSortedRowsMatchesSorting compares the selection in the implicit matrix with sorting the
// stored Walsh averages and pairwise differences: continuous data, heavy ties, constant data and
// sizes from one row to past the point where candidates stop being collected at once, at the
// extreme, middle and random ranks. Every value must be identical, not merely close.
func TestSortedRowsMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	gens := map[string]func(n int) []float64{
		"normal": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = rng.NormFloat64() * 1e3
			}
			return s
		},
		"ties": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = float64(rng.IntN(5)) / 3
			}
			return s
		},
		"constant": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = 0.1
			}
			return s
		},
	}
	check := func(label string, r sortedRows, stored []float64) {
		t.Helper()
		sort.Float64s(stored)
		m := len(stored)
		if r.size() != m {
			t.Fatalf("%s: size %d, want %d", label, r.size(), m)
		}
		ranks := []int{0, m - 1, (m - 1) / 2, m / 2, rng.IntN(m), rng.IntN(m), rng.IntN(m)}
		got := r.orderStats(ranks...)
		for i, k := range ranks {
			if got[i] != stored[k] {
				t.Fatalf("%s: rank %d of %d is %v, want %v", label, k, m, got[i], stored[k])
			}
		}
	}
	for name, gen := range gens {
		for _, n := range []int{1, 2, 3, 9, 40, 200, 1500} {
			x := gen(n)
			sort.Float64s(x)
			check(fmt.Sprintf("walsh %s n=%d", name, n), walshRows(x), walshAverages(x))
			for _, m := range []int{1, 7, 300} {
				y := gen(m)
				check(fmt.Sprintf("diffs %s n=%d m=%d", name, n, m), diffRows(x, descending(y)), pairwiseDiffs(x, y))
			}
		}
	}
}
