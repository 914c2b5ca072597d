package stats

import (
	"errors"
	"testing"
)

func TestTwoProportionR(t *testing.T) {
	for _, c := range []struct {
		name           string
		x1, n1, x2, n2 int
		level          float64
		correct        bool
		chi, p, lo, hi float64
		tolChi         float64
	}{
		// R 4.2.2: prop.test(c(15, 25), c(50, 50)): X-squared 3.375,
		// p-value 0.06619257972219339, CI -0.4079931412322958528
		// 0.0079931412322958306.
		{"yates", 15, 50, 25, 50, 0.95, true, 3.375, 0.06619257972219339, -0.4079931412322958528, 0.0079931412322958306, 1e-13},
		// R: prop.test(c(15, 25), c(50, 50), correct = FALSE):
		// X-squared 4.166666666666667, p 0.041226833337163572, CI
		// -0.387993141232295891 -0.012006858767704159. statsmodels
		// proportions_ztest([15, 25], [50, 50]): z = -2.041241452319315,
		// p = 0.041226833337163676.
		{"plain", 15, 50, 25, 50, 0.95, false, 4.166666666666667, 0.041226833337163572, -0.387993141232295891, -0.012006858767704159, 1e-13},
		// R: prop.test(c(83, 90), c(86, 93), conf.level = 0.9): X-squared
		// 8.3538889448025659e-30 (zero up to rounding), p 0.99999999999999767,
		// CI -0.049605876251625380 0.044354563423418369.
		{"near equal", 83, 86, 90, 93, 0.9, true, 0, 1, -0.049605876251625380, 0.044354563423418369, 1e-12},
		// R: prop.test(c(3, 1), c(10, 12)): X-squared 0.57291666666666674,
		// p 0.44910223297552876, CI -0.19922887927102828 0.63256221260436163.
		{"small", 3, 10, 1, 12, 0.95, true, 0.57291666666666674, 0.44910223297552876, -0.19922887927102828, 0.63256221260436163, 1e-13},
	} {
		res, err := TwoProportion(c.x1, c.n1, c.x2, c.n2, c.level, c.correct)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		refNear(t, c.name+" chisq", res.ChiSq, c.chi, c.tolChi)
		refNear(t, c.name+" p", res.P, c.p, 1e-12)
		refNear(t, c.name+" lo", res.Lower, c.lo, 1e-13)
		refNear(t, c.name+" hi", res.Upper, c.hi, 1e-13)
		refNear(t, c.name+" diff", res.Diff, float64(c.x1)/float64(c.n1)-float64(c.x2)/float64(c.n2), 1e-15)
		refNear(t, c.name+" z²", res.Z*res.Z, res.ChiSq, 1e-13)
	}
	res, _ := TwoProportion(15, 50, 25, 50, 0.95, false)
	refNear(t, "z statsmodels", res.Z, -2.041241452319315, 1e-13)
}

func TestTwoProportionErrors(t *testing.T) {
	for _, c := range []struct {
		x1, n1, x2, n2 int
		want           error
	}{
		{0, 0, 1, 2, ErrEmptyCell},
		{3, 2, 1, 2, ErrInvalidCount},
		{-1, 2, 1, 2, ErrInvalidCount},
		{0, 5, 0, 7, ErrNoVariation},
		{5, 5, 7, 7, ErrNoVariation},
	} {
		if _, err := TwoProportion(c.x1, c.n1, c.x2, c.n2, 0.95, true); !errors.Is(err, c.want) {
			t.Errorf("%+v: err = %v", c, err)
		}
	}
	// With no variation the proportions are still reported.
	res, _ := TwoProportion(0, 5, 0, 7, 0.95, true)
	if res.P1 != 0 || res.Diff != 0 {
		t.Errorf("no variation: %+v", res)
	}
}
