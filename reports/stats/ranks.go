package stats

import (
	"math"
	"sort"
)

// ExactLimit is the sample size below which the rank tests use their exact
// null distribution when there are no ties (and, for the signed-rank test, no
// zero differences), as R's wilcox.test does with exact = NULL: a sample of
// ExactLimit or more uses the normal approximation.
const ExactLimit = 50

// averageRanks returns the ranks of x (1-based, ties get the average of the
// ranks they span, like R's rank(x)) and the tie term Σ(t³ - t) over groups
// of t tied values.
func averageRanks(x []float64) (ranks []float64, ties float64) {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && x[idx[j]] == x[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if t := float64(j - i); t > 1 {
			ties += t*t*t - t
		}
		i = j
	}
	return ranks, ties
}

// finite returns the finite values of x in a new slice.
func finite(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

// signRankDist returns P(V = k), k = 0 … n(n+1)/2, for the signed-rank
// statistic V of n untied, nonzero differences under H0 (each rank is
// positive with probability 1/2 independently).
func signRankDist(n int) []float64 {
	m := n * (n + 1) / 2
	p := make([]float64, m+1)
	p[0] = 1
	top := 0
	for j := 1; j <= n; j++ {
		top += j
		for k := top; k >= 0; k-- {
			v := p[k]
			if k >= j {
				v += p[k-j]
			}
			p[k] = v / 2
		}
	}
	return p
}

// rankSumDist returns P(U = k), k = 0 … m·n, for the Mann–Whitney statistic
// U of samples of sizes m and n without ties under H0, from the recursion
// p(m,n;k) = m/(m+n)·p(m-1,n;k-n) + n/(m+n)·p(m,n-1;k)
// (the largest observation is from the first sample with probability
// m/(m+n), and then exceeds all n of the second).
func rankSumDist(m, n int) []float64 {
	prev := make([][]float64, n+1) // row i-1, indexed by j
	for j := range prev {
		prev[j] = []float64{1}
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1}
		for j := 1; j <= n; j++ {
			d := make([]float64, i*j+1)
			a := float64(i) / float64(i+j)
			b := float64(j) / float64(i+j)
			for k, v := range prev[j] { // (i-1, j): shift by j
				d[k+j] += a * v
			}
			for k, v := range cur[j-1] { // (i, j-1)
				d[k] += b * v
			}
			cur[j] = d
		}
		prev = cur
	}
	return prev[n]
}

// exactTwoSided returns the two-sided exact p-value of an observed statistic
// s for a discrete distribution dist symmetric about mean, as R's wilcox.test:
// twice the tail on the side of s, at most 1.
func exactTwoSided(dist []float64, s, mean float64) float64 {
	k := int(math.Round(s))
	var p float64
	if s > mean {
		for i := k; i < len(dist); i++ {
			p += dist[i]
		}
	} else {
		for i := 0; i <= k && i < len(dist); i++ {
			p += dist[i]
		}
	}
	return math.Min(2*p, 1)
}

// lowerQuantile returns the smallest q with P(S ≤ q) ≥ a for the discrete
// distribution dist, with R's fuzz (qsignrank, qwilcox); a must be ≤ 0.5.
func lowerQuantile(dist []float64, a float64) int {
	a -= 10 * 0x1p-52
	var p float64
	for q, v := range dist {
		p += v
		if p >= a {
			return q
		}
	}
	return len(dist) - 1
}

// normalTwoSided returns the two-sided normal p-value of a centred statistic
// z0 with standard deviation sigma, after R's continuity correction of
// sign(z0)/2, and the corrected z.
func normalTwoSided(z0, sigma float64) (z, p float64) {
	corr := 0.0
	switch {
	case z0 > 0:
		corr = 0.5
	case z0 < 0:
		corr = -0.5
	}
	z = (z0 - corr) / sigma
	return z, 2 * math.Min(unitNormalCDF(z), unitNormalCDF(-z))
}

func unitNormalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

func checkLevel(level float64) {
	if !(level > 0 && level < 1) {
		panic("stats: confidence level out of (0, 1)")
	}
}
