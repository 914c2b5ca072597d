package stats

import (
	"math/rand/v2"
	"testing"
)

func benchData(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func BenchmarkSignedRank1000(b *testing.B) {
	d := benchData(1000, 1)
	for b.Loop() {
		SignedRank(d)
	}
}

func BenchmarkHodgesLehmannCI500(b *testing.B) {
	d := benchData(500, 2)
	for b.Loop() {
		HodgesLehmannCI(d, 0.95)
	}
}

func BenchmarkRankSumExact40x45(b *testing.B) {
	x, y := benchData(40, 3), benchData(45, 4)
	for b.Loop() {
		RankSum(x, y)
	}
}

func BenchmarkKaplanMeier10000(b *testing.B) {
	t := benchData(10000, 5)
	e := make([]bool, len(t))
	for i := range t {
		if t[i] < 0 {
			t[i] = -t[i]
		}
		e[i] = i%4 != 0
	}
	for b.Loop() {
		c, _ := KaplanMeier(t, e, nil, 0.95)
		c.Median()
	}
}

func BenchmarkClusterBootstrapCI(b *testing.B) {
	clusters := make([][]float64, 100)
	for i := range clusters {
		clusters[i] = benchData(5, uint64(i))
	}
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	for b.Loop() {
		ClusterBootstrapCI(clusters, mean, 2000, 0.95, rand.NewPCG(1, 2))
	}
}
