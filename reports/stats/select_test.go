package stats

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// TestOrderStatsMatchesSorting compares the selection with sorting on data with many ties,
// already sorted, reversed, constant and random, at sizes around the cut-over to sorting.
func TestOrderStatsMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	shapes := map[string]func(n int) []float64{
		"random": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = rng.NormFloat64()
			}
			return s
		},
		"ties": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = float64(rng.IntN(4))
			}
			return s
		},
		"sorted": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = float64(i)
			}
			return s
		},
		"reversed": func(n int) []float64 {
			s := make([]float64, n)
			for i := range s {
				s[i] = float64(-i)
			}
			return s
		},
		"constant": func(n int) []float64 { return make([]float64, n) },
	}
	for name, gen := range shapes {
		for _, n := range []int{1, 2, 3, 15, 16, 17, 100, 1001, 50_000} {
			s := gen(n)
			want := append([]float64(nil), s...)
			sort.Float64s(want)
			ranks := []int{n - 1, 0, n / 2, (n - 1) / 2, rng.IntN(n), rng.IntN(n)}
			got := orderStats(append([]float64(nil), s...), ranks...)
			for i, r := range ranks {
				if got[i] != want[r] {
					t.Fatalf("%s n=%d: rank %d is %v, want %v", name, n, r, got[i], want[r])
				}
			}
		}
	}
}

// BenchmarkHodgesLehmannCI is the before/after interval of 3,333 treated units (5.6M Walsh
// averages), the size of the Analyze10M benchmark.
func BenchmarkHodgesLehmannCI(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := make([]float64, 3333)
	for i := range d {
		d[i] = rng.NormFloat64() - 0.1
	}
	for range b.N {
		if _, lo, hi, err := HodgesLehmannCI(d, 0.95); err != nil || !(lo < hi) {
			b.Fatal(lo, hi, err)
		}
	}
}
