package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Hollander & Wolfe (1999, p. 111), permeability of membranes at 12–26 and
// at term gestational age; the example data of R's ?wilcox.test.
var (
	hwX = []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46}
	hwY = []float64{1.15, 0.88, 0.90, 0.74, 1.21}
)

func TestRankSumR(t *testing.T) {
	for _, c := range []struct {
		name  string
		x, y  []float64
		u, p  float64
		exact bool
	}{
		// R 4.2.2: wilcox.test(x, y) on the data above: W = 35,
		// p-value = 0.2544122544122544 (exact; R's documented one-sided
		// p-value 0.1272 is half of it).
		{"exact", hwX, hwY, 35, 0.2544122544122544, true},
		// R: wilcox.test(c(1,2,2,3,4,5,5,6), c(3,4,4,5,7,8,8,9,9)):
		// W = 13.5, p-value = 0.032950114194834415 (ties: normal).
		{"ties", []float64{1, 2, 2, 3, 4, 5, 5, 6}, []float64{3, 4, 4, 5, 7, 8, 8, 9, 9}, 13.5, 0.032950114194834415, false},
		// R: wilcox.test(sin(1:55) + 0.3, cos(1:60)): W = 2122,
		// p-value = 0.0082932160097831699 (sizes ≥ 50: normal).
		{"large", sinData(55, 0.3, false), sinData(60, 0, true), 2122, 0.0082932160097831699, false},
	} {
		res, err := RankSum(c.x, c.y)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		refNear(t, c.name+" U", res.U, c.u, 1e-12)
		refNear(t, c.name+" P", res.P, c.p, 1e-12)
		if res.Exact != c.exact || res.M != len(c.x) || res.N != len(c.y) {
			t.Errorf("%s: %+v", c.name, res)
		}
	}
}

func TestRankSumDistR(t *testing.T) {
	p := rankSumDist(7, 10)
	// R: dwilcox(c(0, 7, 20, 35), 7, 10)
	want := []float64{5.1419169066227893e-05, 7.7128753599341833e-04, 1.4088852324146441e-02, 3.7741670094611268e-02}
	for i, k := range []int{0, 7, 20, 35} {
		refNear(t, "dwilcox", p[k], want[i], 1e-13)
	}
	// R: pwilcox(30, 12, 9) = 0.047725648964039066
	var c float64
	for _, v := range rankSumDist(12, 9)[:31] {
		c += v
	}
	refNear(t, "pwilcox", c, 0.047725648964039066, 1e-13)
}

func TestHodgesLehmannShiftR(t *testing.T) {
	// R: wilcox.test(x, y, conf.int = TRUE) on hwX, hwY:
	// difference in location 0.30500000000000005,
	// 95% CI -0.15000000000000002 0.75999999999999990.
	est, lo, hi, err := HodgesLehmannShiftCI(hwX, hwY, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "shift", est, 0.30500000000000005, 1e-14)
	refNear(t, "shift lo", lo, -0.15000000000000002, 1e-14)
	refNear(t, "shift hi", hi, 0.75999999999999990, 1e-14)

	// R: median(outer(c(1,2,2,3,4,5,5,6), c(3,4,4,5,7,8,8,9,9), "-")) = -3
	est, err = HodgesLehmannShift([]float64{1, 2, 2, 3, 4, 5, 5, 6}, []float64{3, 4, 4, 5, 7, 8, 8, 9, 9})
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "shift ties", est, -3, 0)

	// Large samples. R: x <- sin(1:55) + 0.3; y <- cos(1:60);
	// dd <- sort(outer(x, y, "-")); median(dd) = 0.30727220537462019;
	// k <- ceiling(55*60/2 - 0.5 - qnorm(0.975)*sqrt(55*60*116/12)) = 1300;
	// c(dd[k], dd[55*60 + 1 - k]) = 0.10643388142462473 0.55775766329348464.
	est, lo, hi, err = HodgesLehmannShiftCI(sinData(55, 0.3, false), sinData(60, 0, true), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	refNear(t, "shift large", est, 0.30727220537462019, 1e-12)
	refNear(t, "shift large lo", lo, 0.10643388142462473, 1e-12)
	refNear(t, "shift large hi", hi, 0.55775766329348464, 1e-12)
	// R's wilcox.test(x, y, conf.int = TRUE) uses uniroot(tol = 1e-4):
	// 0.30725518667567775, CI 0.10640544881512233 0.55778809075451929.
	refNear(t, "shift large vs uniroot", est, 0.30725518667567775, 1e-4)
	refNear(t, "shift large lo vs uniroot", lo, 0.10640544881512233, 1e-4)
	refNear(t, "shift large hi vs uniroot", hi, 0.55778809075451929, 1e-4)
}

func TestRankSumErrors(t *testing.T) {
	if _, err := RankSum(nil, []float64{1}); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("empty x: %v", err)
	}
	if _, err := RankSum([]float64{2, 2, 2}, []float64{2, 2}); !errors.Is(err, ErrNoVariation) {
		t.Errorf("all tied: %v", err)
	}
	if _, err := HodgesLehmannShift([]float64{math.NaN()}, []float64{1}); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("NaN only: %v", err)
	}
	// Swapping the samples mirrors U and keeps P.
	a, _ := RankSum(hwX, hwY)
	b, _ := RankSum(hwY, hwX)
	if a.U+b.U != float64(len(hwX)*len(hwY)) || math.Abs(a.P-b.P) > 1e-15 {
		t.Errorf("swap: %+v vs %+v", a, b)
	}
}

// TestRankSumLevelUnderH0: with both samples from one distribution, P ≤ a
// happens with probability close to (and for the exact test at most) a.
// Fixed seed; 3000 replications each of 12 vs 15 (exact) and 50 vs 60
// (normal approximation).
func TestRankSumLevelUnderH0(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	const reps = 3000
	for _, sz := range [][2]int{{12, 15}, {50, 60}} {
		x, y := make([]float64, sz[0]), make([]float64, sz[1])
		var rej int
		for r := 0; r < reps; r++ {
			for i := range x {
				x[i] = rng.ExpFloat64()
			}
			for i := range y {
				y[i] = rng.ExpFloat64()
			}
			res, err := RankSum(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if res.P <= 0.05 {
				rej++
			}
		}
		// Binomial SE √(0.05·0.95/3000) ≈ 0.004; allow about 4 SE.
		if f := float64(rej) / reps; math.Abs(f-0.05) > 0.016 {
			t.Errorf("%v: P ≤ 0.05 in %.4f of H0 samples", sz, f)
		}
	}
}
