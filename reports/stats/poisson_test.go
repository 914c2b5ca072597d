package stats

import (
	"errors"
	"math"
	"testing"
)

func TestPoissonRateRatioR(t *testing.T) {
	for _, c := range []struct {
		name          string
		x1            int
		t1            float64
		x2            int
		t2            float64
		level         float64
		ratio, lo, hi float64
		p             float64
	}{
		// The two-sample example of R's ?poisson.test (cancer cases by age
		// group). R 4.2.2: r <- poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))
		// estimate 1.9714880952380953, conf.int 0.85842640339163923
		// 4.27726594365407120, p.value 0.079668633033329522
		// (scipy.stats.binomtest(11, 32, 800/3811).pvalue: 0.0796686330333295).
		{"R example", 11, 800, 21, 1083 + 1050 + 878, 0.95, 1.9714880952380953, 0.85842640339163923, 4.27726594365407120, 0.079668633033329522},
		// R: poisson.test(c(5, 0), c(10, 12)): Inf, [1.0996270287785521, Inf],
		// p 0.019403791345598602.
		{"x2=0", 5, 10, 0, 12, 0.95, math.Inf(1), 1.0996270287785521, math.Inf(1), 0.019403791345598602},
		// R: poisson.test(c(3, 40), c(20, 52), conf.level = 0.9):
		// 0.19499999999999998, [0.051126706331528861, 0.534656879005335761],
		// p 0.0010465905379653175.
		{"90%", 3, 20, 40, 52, 0.9, 0.19499999999999998, 0.051126706331528861, 0.534656879005335761, 0.0010465905379653175},
		// R: poisson.test(c(0, 7), c(5, 5)): 0, [0, 0.69381398009645256],
		// p 0.015625000000000007.
		{"x1=0", 0, 5, 7, 5, 0.95, 0, 0, 0.69381398009645256, 0.015625000000000007},
	} {
		ratio, lo, hi, p, err := PoissonRateRatio(c.x1, c.t1, c.x2, c.t2, c.level)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		refNear(t, c.name+" ratio", ratio, c.ratio, 1e-14)
		refNear(t, c.name+" lo", lo, c.lo, 1e-12)
		refNear(t, c.name+" hi", hi, c.hi, 1e-12)
		refNear(t, c.name+" p", p, c.p, 1e-12)
	}
}

func TestPoissonRateRatioErrors(t *testing.T) {
	for _, c := range []struct {
		x1, x2 int
		t1, t2 float64
		want   error
	}{
		{-1, 2, 1, 1, ErrInvalidCount},
		{1, 2, 0, 1, ErrNonPositiveExposure},
		{1, 2, 1, math.NaN(), ErrNonPositiveExposure},
		{1, 2, 1, math.Inf(1), ErrNonPositiveExposure},
		{0, 0, 1, 1, ErrEmptyCell},
	} {
		if _, _, _, _, err := PoissonRateRatio(c.x1, c.t1, c.x2, c.t2, 0.95); !errors.Is(err, c.want) {
			t.Errorf("%+v: err = %v", c, err)
		}
	}
	refPanics(t, "level", "stats: confidence level out of (0, 1)", func() { PoissonRateRatio(1, 1, 1, 1, 0) })
}

// TestPoissonRateRatioSymmetry: swapping the periods inverts the ratio and
// its interval and keeps the p-value.
func TestPoissonRateRatioSymmetry(t *testing.T) {
	r1, lo1, hi1, p1, _ := PoissonRateRatio(17, 30, 9, 41, 0.95)
	r2, lo2, hi2, p2, _ := PoissonRateRatio(9, 41, 17, 30, 0.95)
	refNear(t, "ratio", r1, 1/r2, 1e-14)
	refNear(t, "lo", lo1, 1/hi2, 1e-10)
	refNear(t, "hi", hi1, 1/lo2, 1e-10)
	refNear(t, "p", p1, p2, 1e-12)
}
