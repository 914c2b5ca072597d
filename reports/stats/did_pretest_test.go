package stats

import (
	"errors"
	"math"
	"testing"
)

// TestPreTrendEventTestMPDTA ties the event-time pre-trend test to did's published event study on
// mpdta (the dynamic terms and their analytic SEs reproduce R did's, TestDiDMPDTA): one event time
// with ν → ∞ is the squared t statistic of did's own pre-treatment term, and F(1, ν) tends to χ²(1).
// Three event times: F = T²/3 whatever ν, and a finite ν lengthens the tail.
func TestPreTrendEventTestMPDTA(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pre := gt.PreEvents()
	if len(pre) != 3 || pre[0] != -1 || pre[2] != -3 {
		t.Fatalf("pre-treatment event times %v, want [-1 -2 -3]", pre)
	}
	dyn, err := gt.Aggregate(AggDynamic, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range dyn.Terms {
		if tm.Key >= 0 {
			continue
		}
		f, err := gt.PreTrendEventTest([]int{tm.Key}, 1e12)
		if err != nil {
			t.Fatal(err)
		}
		z := tm.ATT / tm.SE
		didClose(t, "F of one event time = t²", f.F, z*z, 1e-9)
		didClose(t, "p of one event time", f.P, 2*(1-normalCDF(math.Abs(z))), 1e-4) // F(1, 1e12) as χ²(1), to gonum's precision
	}
	all, err := gt.PreTrendEventTest(pre, 1e12)
	if err != nil {
		t.Fatal(err)
	}
	small, err := gt.PreTrendEventTest(pre, 10)
	if err != nil {
		t.Fatal(err)
	}
	didClose(t, "T² does not depend on ν", small.T2, all.T2, 1e-12)
	didClose(t, "F scaling", small.F, small.T2/3, 1e-12)
	if small.DF1 != 3 || small.DF2 != 10 || !(small.P > all.P) {
		t.Errorf("ν = 10: df (%v, %v), p %v; want (3, 10) and p above %v", small.DF1, small.DF2, small.P, all.P)
	}
	if _, err := gt.PreTrendEventTest(pre, 0.5); !errors.Is(err, ErrTooFewObservations) {
		t.Errorf("ν = 0.5: err %v, want ErrTooFewObservations", err)
	}
	if _, err := gt.PreTrendEventTest([]int{-4}, 100); !errors.Is(err, ErrNoPreTreatment) {
		t.Errorf("event time without cells: err %v, want ErrNoPreTreatment", err)
	}
}

func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
