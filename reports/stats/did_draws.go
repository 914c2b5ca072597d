package stats

import (
	"hash/fnv"
	"math/rand/v2"
)

// ClusterWeights are Rademacher multipliers, one per cluster and bootstrap draw, that depend only on
// a seed and the cluster's name: every estimate that asks for the weights of team "t" gets the same
// B signs, whichever other clusters its panel holds and in whichever order it asks. Sharing them
// across estimates makes the bootstrap draws of a sum of estimates (the total benefit over metrics)
// carry the estimates' correlation through the teams they share, as one joint multiplier
// bootstrap would (did's mboot draws one weight per unit; here the unit is named, not numbered).
type ClusterWeights struct {
	B    int
	seed uint64
	memo map[string][]float64
}

// NewClusterWeights returns the weights of B draws for seed. Not safe for concurrent use.
func NewClusterWeights(B int, seed uint64) *ClusterWeights {
	if B < 0 {
		panic("stats: negative number of bootstrap draws")
	}
	return &ClusterWeights{B: B, seed: seed, memo: map[string][]float64{}}
}

// Of returns the B weights (±1) of cluster name. The slice is shared: do not modify it.
func (w *ClusterWeights) Of(name string) []float64 {
	if v, ok := w.memo[name]; ok {
		return v
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	src := rand.NewPCG(w.seed, h.Sum64())
	v := make([]float64, w.B)
	var bits uint64
	for b := range v {
		if b%64 == 0 {
			bits = src.Uint64()
		}
		v[b] = 1
		if bits&1 == 1 {
			v[b] = -1
		}
		bits >>= 1
	}
	w.memo[name] = v
	return v
}

// MultiplierDraws returns the multiplier-bootstrap draws of an estimate θ̂ with influence function
// inf (one value per cluster, as Aggregation.IF, whose analytic SE is sqrt(Σ IF²)/N) over the
// clusters names (same order as inf):
//
//	θ*_b = θ̂ + scale · Σ_i v_bi · IF_i / N,   N = len(inf),  v_bi = w.Of(names[i])[b]
//
// (the draws of did's mboot, Callaway & Sant'Anna 2021 §4.1, recentred at θ̂). scale stretches the
// deviations, e.g. t_{df} / z to match a small-sample t interval (1 leaves them as drawn). It
// panics when inf and names differ in length.
func MultiplierDraws(theta float64, inf []float64, names []string, w *ClusterWeights, scale float64) []float64 {
	if len(inf) != len(names) {
		panic("stats: length mismatch")
	}
	out := make([]float64, w.B)
	n := float64(len(inf))
	for i, f := range inf {
		if f == 0 {
			continue
		}
		a := scale * f / n
		for b, v := range w.Of(names[i]) {
			out[b] += a * v
		}
	}
	for b := range out {
		out[b] += theta
	}
	return out
}
