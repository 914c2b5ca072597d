package stats

import (
	"math"
	"math/rand/v2"
	"sort"
)

// ClusterBootstrap runs a nonparametric cluster bootstrap: b times, it draws
// n cluster indices uniformly with replacement from 0 … n−1 and records
// stat(idx). A cluster is the unit of independence — for trainimpact the
// team (unit): resampling whole units keeps each unit's before/after pair and
// its serial correlation together.
//
// The statistic receives only indices, so it can look up any per-cluster
// data the caller holds (several slices, a panel, per-unit costs and
// benefits): the before/after comparison resamples units and recomputes, say,
// the mean or Hodges–Lehmann estimate of their differences; the ROI interval
// resamples units and recomputes benefit and cost together. idx is reused
// between calls: stat must not retain or modify it.
//
// The draws come only from src, so the replicates are reproducible for a
// seed (rand.NewPCG(seed, 0), for example), and they are taken in a fixed
// order, b·n draws of rand.New(src).IntN(n). Source: Davison & Hinkley
// (1997), Bootstrap Methods and their Application, §3.8 (resampling
// clusters); Cameron, Gelbach & Miller (2008).
//
// ClusterBootstrap panics if n < 1, b < 1 or src is nil.
func ClusterBootstrap(n, b int, stat func(idx []int) float64, src rand.Source) (reps []float64) {
	if n < 1 || b < 1 || src == nil {
		panic("stats: bootstrap needs n ≥ 1, b ≥ 1 and a source")
	}
	rng := rand.New(src)
	idx := make([]int, n)
	reps = make([]float64, b)
	for r := range reps {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		reps[r] = stat(idx)
	}
	return reps
}

// PercentileCI returns the percentile bootstrap interval at the given level:
// the type-7 quantiles (see Quantile7) of the replicates at α/2 and 1 − α/2,
// α = 1 − level. NaN replicates (resamples on which the statistic is
// undefined) are left out; callers that care should count them. The interval
// is first-order accurate and transformation-respecting; it assumes the
// statistic's bootstrap distribution is roughly unbiased. Source: Efron &
// Tibshirani (1993), An Introduction to the Bootstrap, §13.3.
//
// PercentileCI panics if level is not in (0, 1) and returns
// ErrTooFewObservations if fewer than two replicates are not NaN. reps is
// not modified.
func PercentileCI(reps []float64, level float64) (lo, hi float64, err error) {
	checkLevel(level)
	s := make([]float64, 0, len(reps))
	for _, v := range reps {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	if len(s) < 2 {
		return math.NaN(), math.NaN(), ErrTooFewObservations
	}
	sort.Float64s(s)
	a := (1 - level) / 2
	return Quantile7(a, s), Quantile7(1-a, s), nil
}

// ClusterBootstrapCI is the common case of ClusterBootstrap: clusters[i]
// holds the values of cluster i (for example the per-period before/after
// differences of unit i, or a single difference per unit), and stat is
// computed on the concatenated values of the resampled clusters. It returns
// the percentile interval (see PercentileCI) of b replicates at the given
// level. values is reused between calls: stat must not retain or modify it.
//
// For a paired before/after comparison with one difference per unit, pass
// one single-element cluster per unit. Deterministic for a given src state.
//
// ClusterBootstrapCI panics if b < 1, src is nil or level is not in (0, 1);
// it returns ErrEmptyCell if there are no clusters and the errors of
// PercentileCI.
func ClusterBootstrapCI(clusters [][]float64, stat func(values []float64) float64, b int, level float64, src rand.Source) (lo, hi float64, err error) {
	checkLevel(level)
	if len(clusters) == 0 {
		return math.NaN(), math.NaN(), ErrEmptyCell
	}
	var values []float64
	reps := ClusterBootstrap(len(clusters), b, func(idx []int) float64 {
		values = values[:0]
		for _, i := range idx {
			values = append(values, clusters[i]...)
		}
		return stat(values)
	}, src)
	return PercentileCI(reps, level)
}
