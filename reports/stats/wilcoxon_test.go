package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Hollander & Wolfe (1999, p. 39), depression scale before (y) and after
// (x) therapy; the example data of R's ?wilcox.test.
var (
	hwAfter  = []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	hwBefore = []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
)

func hwDiffs() []float64 {
	d := make([]float64, len(hwAfter))
	for i := range d {
		d[i] = hwAfter[i] - hwBefore[i]
	}
	return d
}

// sinData returns sin(1:n)*scale + shift, as R computes it.
func sinData(n int, shift float64, cosine bool) []float64 {
	d := make([]float64, n)
	for i := range d {
		if cosine {
			d[i] = math.Cos(float64(i+1)) + shift
		} else {
			d[i] = math.Sin(float64(i+1)) + shift
		}
	}
	return d
}

func TestSignedRankR(t *testing.T) {
	for _, c := range []struct {
		name  string
		d     []float64
		v, p  float64
		z     bool // normal approximation expected
		n     int
		zeros int
		tol   float64
	}{
		// R 4.2.2: wilcox.test(x, y, paired = TRUE) on the data above:
		// V = 40, p-value = 0.0390625 (exact; H&W's published P = 0.039).
		{"exact", hwDiffs(), 40, 0.0390625, false, 9, 0, 1e-12},
		// R: wilcox.test(c(2, -1, 0, 3, 3, -2, 4, 1, 5, 2, 0, 6))
		// V = 49.5, p-value = 0.027801830120072514 (ties and zeros: normal
		// approximation with continuity correction).
		{"ties+zeros", []float64{2, -1, 0, 3, 3, -2, 4, 1, 5, 2, 0, 6}, 49.5, 0.027801830120072514, true, 10, 2, 1e-12},
		// R: d <- sin(1:60) + 0.2; wilcox.test(d)
		// V = 1246, p-value = 0.014973895936315925 (n ≥ 50: normal).
		{"n=60", sinData(60, 0.2, false), 1246, 0.014973895936315925, true, 60, 0, 1e-12},
	} {
		res, err := SignedRank(c.d)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		refNear(t, c.name+" V", res.V, c.v, 1e-12)
		refNear(t, c.name+" P", res.P, c.p, c.tol)
		if res.Exact == c.z || res.N != c.n || res.Zeros != c.zeros {
			t.Errorf("%s: Exact=%v N=%d Zeros=%d", c.name, res.Exact, res.N, res.Zeros)
		}
		if res.Exact != math.IsNaN(res.Z) {
			t.Errorf("%s: Z = %v with Exact = %v", c.name, res.Z, res.Exact)
		}
	}
}

func TestSignedRankErrors(t *testing.T) {
	if _, err := SignedRank([]float64{0, 0, math.NaN()}); !errors.Is(err, ErrTooFewObservations) {
		t.Errorf("all zero: err = %v", err)
	}
	// A single nonzero difference: exact, V = 1, p = min(2·1/2, 1) = 1
	// (R: wilcox.test(3)$p.value is 1).
	res, err := SignedRank([]float64{3})
	if err != nil || res.P != 1 || res.V != 1 {
		t.Errorf("single: %+v, %v", res, err)
	}
	// Inf differences are dropped like R's is.finite filter.
	a, _ := SignedRank(append(hwDiffs(), math.Inf(1), math.NaN()))
	b, _ := SignedRank(hwDiffs())
	if a.V != b.V || a.N != b.N || a.P != b.P || a.Exact != b.Exact {
		t.Errorf("non-finite not dropped: %+v vs %+v", a, b)
	}
}

func TestSignRankDistR(t *testing.T) {
	p := signRankDist(10)
	// R: dsignrank(c(0, 5, 13, 27, 55), 10)
	for i, k := range []int{0, 5, 13, 27, 55} {
		want := []float64{0.0009765625, 0.0029296875000000009, 0.0146484374999999931, 0.0390625, 0.0009765625}[i]
		refNear(t, "dsignrank", p[k], want, 1e-14)
	}
	// R: psignrank(20, 15) = 0.010772705078125003
	var c float64
	for _, v := range signRankDist(15)[:21] {
		c += v
	}
	refNear(t, "psignrank", c, 0.010772705078125003, 1e-14)
}

func TestHodgesLehmannR(t *testing.T) {
	// R: wilcox.test(x, y, paired = TRUE, conf.int = TRUE) on H&W data:
	// (pseudo)median 0.46000000000000008, 95% CI 0.010000000000000009
	// 0.786000000000000032; with conf.level = 0.9: 0.17500000000000004
	// 0.72600000000000020.
	est, lo, hi, err := HodgesLehmannCI(hwDiffs(), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "HL", est, 0.46000000000000008, 1e-14)
	refNear(t, "HL lo", lo, 0.010000000000000009, 1e-14)
	refNear(t, "HL hi", hi, 0.786000000000000032, 1e-14)
	_, lo, hi, _ = HodgesLehmannCI(hwDiffs(), 0.9)
	refNear(t, "HL lo 90", lo, 0.17500000000000004, 1e-14)
	refNear(t, "HL hi 90", hi, 0.72600000000000020, 1e-14)
	if e2, _ := HodgesLehmann(hwDiffs()); e2 != est {
		t.Errorf("HodgesLehmann %v != HodgesLehmannCI %v", e2, est)
	}

	// Zeros and ties: median of all Walsh averages, zeros kept.
	// R: d <- c(2, -1, 0, 3, 3, -2, 4, 1, 5, 2, 0, 6); w <- outer(d, d, "+")/2
	// median(w[upper.tri(w, diag = TRUE)]) = 2
	est, err = HodgesLehmann([]float64{2, -1, 0, 3, 3, -2, 4, 1, 5, 2, 0, 6})
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "HL ties", est, 2, 0)

	// n = 60 (normal approximation). R: d <- sin(1:60) + 0.2;
	// w <- outer(d, d, "+")/2; w <- sort(w[upper.tri(w, diag = TRUE)])
	// median(w) = 0.21477138574252308;
	// k <- ceiling(60*61/4 - 0.5 - qnorm(0.975)*sqrt(60*61*121/24)) = 649;
	// c(w[k], w[length(w) + 1 - k]) = 0.055866596255335146 0.409901505202034055.
	est, lo, hi, err = HodgesLehmannCI(sinData(60, 0.2, false), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "HL60", est, 0.21477138574252308, 1e-12)
	refNear(t, "HL60 lo", lo, 0.055866596255335146, 1e-12)
	refNear(t, "HL60 hi", hi, 0.409901505202034055, 1e-12)
	// R's wilcox.test(d, conf.int = TRUE) solves the corrected statistic
	// with uniroot(tol = 1e-4) instead: estimate 0.21471638887943956, CI
	// 0.05584330013051627 0.40992180510956761 — the same to within 1e-4.
	refNear(t, "HL60 vs uniroot", est, 0.21471638887943956, 1e-4)
	refNear(t, "HL60 lo vs uniroot", lo, 0.05584330013051627, 1e-4)
	refNear(t, "HL60 hi vs uniroot", hi, 0.40992180510956761, 1e-4)

	if _, err := HodgesLehmann([]float64{math.NaN()}); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("empty: %v", err)
	}
	refPanics(t, "level", "stats: confidence level out of (0, 1)", func() { HodgesLehmannCI([]float64{1}, 95) })
}

// TestSignedRankUniformUnderH0 checks that the signed-rank test holds its
// level: under H0 (symmetric differences) P ≤ a happens with probability at
// most a, and close to a. Fixed seed; 4000 replications of n = 20 (exact)
// and n = 60 (normal approximation).
func TestSignedRankUniformUnderH0(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	norm := distuv.Normal{Mu: 0, Sigma: 1, Src: rng}
	const reps = 4000
	for _, n := range []int{20, 60} {
		d := make([]float64, n)
		var rej05, rej20 int
		for r := 0; r < reps; r++ {
			for i := range d {
				d[i] = norm.Rand()
			}
			res, err := SignedRank(d)
			if err != nil {
				t.Fatal(err)
			}
			if res.P <= 0.05 {
				rej05++
			}
			if res.P <= 0.20 {
				rej20++
			}
		}
		// Binomial SE at a = 0.05: √(0.05·0.95/4000) ≈ 0.0034; allow 4 SE.
		if f := float64(rej05) / reps; math.Abs(f-0.05) > 0.014 {
			t.Errorf("n=%d: P ≤ 0.05 in %.4f of H0 samples", n, f)
		}
		if f := float64(rej20) / reps; math.Abs(f-0.20) > 0.026 {
			t.Errorf("n=%d: P ≤ 0.20 in %.4f of H0 samples", n, f)
		}
	}
}

// TestHodgesLehmannCINormalMatchesExact checks that the normal
// approximation to the critical rank used for n ≥ ExactLimit agrees with the
// exact one where both can be computed.
func TestHodgesLehmannCINormalMatchesExact(t *testing.T) {
	z := distuv.UnitNormal.Quantile(0.975)
	for n := 30; n < ExactLimit; n++ {
		nf := float64(n)
		approx := int(math.Ceil(nf*(nf+1)/4 - 0.5 - z*math.Sqrt(nf*(nf+1)*(2*nf+1)/24)))
		exact := lowerQuantile(signRankDist(n), 0.025)
		if d := approx - exact; d < -1 || d > 1 {
			t.Errorf("n=%d: normal critical rank %d, exact %d", n, approx, exact)
		}
	}
}
