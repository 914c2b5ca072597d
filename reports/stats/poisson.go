package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// PoissonRateRatio compares two Poisson rates — x1 events over exposure t1
// (for example incidents per team-week after training) against x2 events over
// exposure t2 (before) — exactly as R's
//
//	poisson.test(c(x1, x2), c(t1, t2), r = 1, conf.level = level)
//
// The estimate is the ratio of the rates,
//
//	ratio = (x1/t1) / (x2/t2).
//
// Inference conditions on the total x1 + x2 = n: under H0 (equal rates) x1
// is Binomial(n, π₀) with π₀ = t1/(t1 + t2). The interval is the
// Clopper–Pearson interval [π_L, π_U] for π (beta quantiles, as
// binom.test),
//
//	π_L = B⁻¹(α/2; x1, n−x1+1),   π_U = B⁻¹(1−α/2; x1+1, n−x1),
//
// mapped to the ratio scale by π/(1−π)·t2/t1; p is binom.test's two-sided
// exact p-value: the probability of all outcomes no more likely than x1
// (with R's relative tolerance 1 + 10⁻⁷). ratio is +Inf when x2 = 0 and hi is
// +Inf when x2 = 0.
//
// Assumptions: events in each period are Poisson, i.e. independent with a
// constant rate (overdispersion, such as incidents clustered in a few teams,
// makes the interval too narrow). Source: Clopper & Pearson (1934); Breslow
// & Day (1987), Statistical Methods in Cancer Research II, §2.3; R
// stats::poisson.test and stats::binom.test.
//
// PoissonRateRatio panics if level is not in (0, 1). It returns
// ErrInvalidCount for a negative count, ErrNonPositiveExposure for an
// exposure that is not positive and finite, and ErrEmptyCell if x1 + x2 = 0.
func PoissonRateRatio(x1 int, t1 float64, x2 int, t2 float64, level float64) (ratio, lo, hi, p float64, err error) {
	checkLevel(level)
	nan := math.NaN()
	if x1 < 0 || x2 < 0 {
		return nan, nan, nan, nan, ErrInvalidCount
	}
	if !(t1 > 0) || !(t2 > 0) || math.IsInf(t1, 1) || math.IsInf(t2, 1) {
		return nan, nan, nan, nan, ErrNonPositiveExposure
	}
	n := x1 + x2
	if n == 0 {
		return nan, nan, nan, nan, ErrEmptyCell
	}
	ratio = (float64(x1) / t1) / (float64(x2) / t2)
	pi0 := t1 / (t1 + t2)
	p = binomTwoSided(x1, n, pi0)
	piL, piU := clopperPearson(x1, n, level)
	toRatio := func(pi float64) float64 {
		if pi == 1 {
			return math.Inf(1)
		}
		return pi / (1 - pi) * t2 / t1
	}
	return ratio, toRatio(piL), toRatio(piU), p, nil
}

// clopperPearson returns the two-sided exact binomial interval for x
// successes in n trials (R's binom.test conf.int).
func clopperPearson(x, n int, level float64) (lo, hi float64) {
	a := (1 - level) / 2
	lo, hi = 0, 1
	if x > 0 {
		lo = mathext.InvRegIncBeta(float64(x), float64(n-x+1), a)
	}
	if x < n {
		hi = mathext.InvRegIncBeta(float64(x+1), float64(n-x), 1-a)
	}
	return lo, hi
}

// binomPMF returns P(X = k) for X ~ Binomial(n, p), 0 < p < 1.
func binomPMF(k, n int, p float64) float64 {
	if k < 0 || k > n {
		return 0
	}
	lc, _ := math.Lgamma(float64(n + 1))
	l1, _ := math.Lgamma(float64(k + 1))
	l2, _ := math.Lgamma(float64(n - k + 1))
	return math.Exp(lc - l1 - l2 + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
}

// binomCDF returns P(X ≤ k) for X ~ Binomial(n, p).
func binomCDF(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= n:
		return 1
	}
	return mathext.RegIncBeta(float64(n-k), float64(k+1), 1-p)
}

// binomSurvival returns P(X > k) for X ~ Binomial(n, p).
func binomSurvival(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 1
	case k >= n:
		return 0
	}
	return mathext.RegIncBeta(float64(k+1), float64(n-k), p)
}

// binomTwoSided is binom.test's two-sided p-value for x successes in n
// trials under H0: π = p.
func binomTwoSided(x, n int, p float64) float64 {
	switch p {
	case 0:
		if x == 0 {
			return 1
		}
		return 0
	case 1:
		if x == n {
			return 1
		}
		return 0
	}
	const relErr = 1 + 1e-7
	d := binomPMF(x, n, p)
	m := float64(n) * p
	switch {
	case float64(x) == m:
		return 1
	case float64(x) < m:
		y := 0
		for i := int(math.Ceil(m)); i <= n; i++ {
			if binomPMF(i, n, p) <= d*relErr {
				y++
			}
		}
		return binomCDF(x, n, p) + binomSurvival(n-y, n, p)
	default:
		y := 0
		for i := 0; i <= int(math.Floor(m)); i++ {
			if binomPMF(i, n, p) <= d*relErr {
				y++
			}
		}
		return binomCDF(y-1, n, p) + binomSurvival(x-1, n, p)
	}
}
