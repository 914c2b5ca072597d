package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func meanOf(v []float64) float64 { return stat.Mean(v, nil) }

func TestPercentileCI(t *testing.T) {
	reps := make([]float64, 100)
	for i := range reps {
		reps[len(reps)-1-i] = float64(i + 1) // unsorted on purpose
	}
	// R 4.2.2: quantile(1:100, c(0.025, 0.975)) = 3.475 97.525
	lo, hi, err := PercentileCI(reps, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "lo", lo, 3.475, 1e-13)
	refNear(t, "hi", hi, 97.525, 1e-13)
	if reps[0] != 100 {
		t.Error("reps modified")
	}
	// NaN replicates are left out: same interval.
	lo2, hi2, _ := PercentileCI(append(reps, math.NaN(), math.NaN()), 0.95)
	if lo2 != lo || hi2 != hi {
		t.Errorf("with NaN: %v %v", lo2, hi2)
	}
	if _, _, err := PercentileCI([]float64{1, math.NaN()}, 0.95); !errors.Is(err, ErrTooFewObservations) {
		t.Errorf("one finite replicate: %v", err)
	}
}

func TestClusterBootstrapDeterministic(t *testing.T) {
	clusters := [][]float64{{1, 2}, {3}, {4, 5, 6}, {7}, {8, 9}}
	lo1, hi1, err := ClusterBootstrapCI(clusters, meanOf, 500, 0.9, rand.NewPCG(7, 11))
	if err != nil {
		t.Fatal(err)
	}
	lo2, hi2, _ := ClusterBootstrapCI(clusters, meanOf, 500, 0.9, rand.NewPCG(7, 11))
	if lo1 != lo2 || hi1 != hi2 {
		t.Errorf("same seed, different result: [%v, %v] vs [%v, %v]", lo1, hi1, lo2, hi2)
	}
	lo3, hi3, _ := ClusterBootstrapCI(clusters, meanOf, 500, 0.9, rand.NewPCG(8, 11))
	if lo1 == lo3 && hi1 == hi3 {
		t.Errorf("different seeds gave the same interval [%v, %v]", lo1, hi1)
	}
	// The convenience form equals ClusterBootstrap + PercentileCI.
	reps := ClusterBootstrap(len(clusters), 500, func(idx []int) float64 {
		var v []float64
		for _, i := range idx {
			v = append(v, clusters[i]...)
		}
		return meanOf(v)
	}, rand.NewPCG(7, 11))
	lo4, hi4, _ := PercentileCI(reps, 0.9)
	if lo4 != lo1 || hi4 != hi1 {
		t.Errorf("ClusterBootstrapCI [%v, %v] != ClusterBootstrap+PercentileCI [%v, %v]", lo1, hi1, lo4, hi4)
	}
	if lo1 > 5 || hi1 < 5 || lo1 < 1 || hi1 > 9 {
		t.Errorf("interval [%v, %v] implausible for data with mean 5", lo1, hi1)
	}
	if _, _, err := ClusterBootstrapCI(nil, meanOf, 10, 0.9, rand.NewPCG(1, 1)); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("no clusters: %v", err)
	}
	refPanics(t, "b", "stats: bootstrap needs n ≥ 1, b ≥ 1 and a source", func() { ClusterBootstrap(3, 0, nil, rand.NewPCG(1, 1)) })
	refPanics(t, "src", "stats: bootstrap needs n ≥ 1, b ≥ 1 and a source", func() { ClusterBootstrap(3, 1, nil, nil) })
}

// TestClusterBootstrapSE checks the bootstrap against the analytic standard
// error of a mean: with independent observations the bootstrap SE is close
// to the plug-in s/√n; with clusters of perfectly correlated members it
// must follow the number of clusters, not of observations.
func TestClusterBootstrapSE(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	norm := distuv.Normal{Mu: 10, Sigma: 2, Src: rng}
	const n, b = 200, 2000
	x := make([]float64, n)
	for i := range x {
		x[i] = norm.Rand()
	}
	reps := ClusterBootstrap(n, b, func(idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += x[i]
		}
		return s / n
	}, rand.NewPCG(5, 6))
	plugin := stat.PopStdDev(x, nil) / math.Sqrt(n)
	if got := stat.StdDev(reps, nil); math.Abs(got/plugin-1) > 0.05 {
		t.Errorf("bootstrap SE %v, plug-in SE %v", got, plugin)
	}

	// 40 clusters of 5 identical values: the cluster bootstrap SE of the
	// overall mean is the SE of 40 cluster means, √5 times the naive one.
	const k, m = 40, 5
	clusters := make([][]float64, k)
	means := make([]float64, k)
	for i := range clusters {
		v := norm.Rand()
		means[i] = v
		for j := 0; j < m; j++ {
			clusters[i] = append(clusters[i], v)
		}
	}
	var values []float64
	reps = ClusterBootstrap(k, b, func(idx []int) float64 {
		values = values[:0]
		for _, i := range idx {
			values = append(values, clusters[i]...)
		}
		return meanOf(values)
	}, rand.NewPCG(9, 10))
	want := stat.PopStdDev(means, nil) / math.Sqrt(k)
	got := stat.StdDev(reps, nil)
	if math.Abs(got/want-1) > 0.06 {
		t.Errorf("cluster bootstrap SE %v, want about %v", got, want)
	}
	var all []float64
	for _, c := range clusters {
		all = append(all, c...)
	}
	if naive := stat.PopStdDev(all, nil) / math.Sqrt(k*m); got < 2*naive {
		t.Errorf("cluster bootstrap SE %v not above the naive i.i.d. SE %v", got, naive)
	}
}
