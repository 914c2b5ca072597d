package stats

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"testing"
)

// amlGroup reads testdata/aml.csv (R survival::aml, copied from
// shared/reference) and returns the times and event flags of one group.
func amlGroup(t *testing.T, group string) (time []float64, event []bool) {
	t.Helper()
	f, err := os.Open("testdata/aml.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if r[2] != group {
			continue
		}
		v, err := strconv.ParseFloat(r[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		time = append(time, v)
		event = append(event, r[1] == "1")
	}
	if len(time) == 0 {
		t.Fatalf("no rows for %s", group)
	}
	return time, event
}

func TestKaplanMeierAML(t *testing.T) {
	time, event := amlGroup(t, "Maintained")
	c, err := KaplanMeier(time, event, nil, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// R 4.2.2, survival 3.5.3:
	// fit <- survfit(Surv(time, status) ~ 1, data = aml, subset = x == "Maintained")
	// summary(fit, censored = TRUE) and fit$std.err:
	wantTime := []float64{9, 13, 18, 23, 28, 31, 34, 45, 48, 161}
	wantRisk := []float64{11, 10, 8, 7, 6, 5, 4, 3, 2, 1}
	wantEvent := []float64{1, 1, 1, 1, 0, 1, 1, 0, 1, 0}
	wantCens := []float64{0, 1, 0, 0, 1, 0, 0, 1, 0, 1}
	wantSurv := []float64{0.90909090909090906, 0.81818181818181812, 0.71590909090909083,
		0.61363636363636354, 0.61363636363636354, 0.49090909090909085, 0.36818181818181817,
		0.36818181818181817, 0.18409090909090908, 0.18409090909090908}
	wantSE := []float64{0.095346258924559224, 0.142133810903740276, 0.195087577921207123,
		0.248734169081545498, 0.248734169081545498, 0.334467766561572954, 0.441816726937788340,
		0.441816726937788340, 0.833787754888508870, 0.833787754888508870}
	wantLower := []float64{0.754133845081525478, 0.619248987399363515, 0.488426287422128458,
		0.376867059501679758, 0.376867059501679758, 0.254859951199317314, 0.154877117897191052,
		0.154877117897191052, 0.035917898489185258, 0.035917898489185258}
	wantUpper := []float64{1, 1, 1, 0.99915760022847266, 0.99915760022847266, 0.94558495520042918,
		0.87526067814390762, 0.87526067814390762, 0.94352576947455202, 0.94352576947455202}
	if len(c.Steps) != len(wantTime) {
		t.Fatalf("%d steps, want %d", len(c.Steps), len(wantTime))
	}
	for i, s := range c.Steps {
		if s.Time != wantTime[i] || s.AtRisk != wantRisk[i] || s.Events != wantEvent[i] || s.Censored != wantCens[i] {
			t.Errorf("step %d: %+v", i, s)
		}
		refNear(t, "surv", s.Surv, wantSurv[i], 1e-14)
		refNear(t, "std.err", s.StdErr, wantSE[i], 1e-13)
		refNear(t, "lower", s.Lower, wantLower[i], 1e-13)
		refNear(t, "upper", s.Upper, wantUpper[i], 1e-13)
	}
	// Published: median 31 (shared/reference/README.md). R: quantile(fit, 0.5)
	// gives 31 with 95% limits 18 and NA (print(fit): 0.95LCL 18, UCL NA).
	med, lo, hi := c.Median()
	refNear(t, "median", med, 31, 0)
	refNear(t, "median lo", lo, 18, 0)
	if !math.IsNaN(hi) {
		t.Errorf("median hi = %v, want NaN (not reached)", hi)
	}
	refNear(t, "At(30)", c.At(30), wantSurv[4], 1e-14)
	refNear(t, "At(1000)", c.At(1000), wantSurv[9], 1e-14)
	refNear(t, "At(5)", c.At(5), 1, 0)
	refNear(t, "At(9)", c.At(9), wantSurv[0], 1e-14)

	// R: survfit(..., conf.int = 0.9): quantile(fit, c(0.25, 0.5)) gives
	// 18, 31 with lower 13, 23 and upper 48, NA; fit$lower[6] =
	// 0.283187278660588349, fit$upper[6] = 0.85099774494471059.
	c90, _ := KaplanMeier(time, event, nil, 0.9)
	refNear(t, "lower90", c90.Steps[5].Lower, 0.283187278660588349, 1e-13)
	refNear(t, "upper90", c90.Steps[5].Upper, 0.85099774494471059, 1e-13)
	q, lo, hi := c90.Quantile(0.25)
	if q != 18 || lo != 13 || hi != 48 {
		t.Errorf("quantile 0.25 = %v [%v, %v], want 18 [13, 48]", q, lo, hi)
	}
	if _, lo, _ = c90.Median(); lo != 23 {
		t.Errorf("median lo 90%% = %v, want 23", lo)
	}
}

func TestKaplanMeierAMLNonmaintained(t *testing.T) {
	time, event := amlGroup(t, "Nonmaintained")
	c, err := KaplanMeier(time, event, nil, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// R: fit2 <- survfit(Surv(time, status) ~ 1, data = aml,
	// subset = x == "Nonmaintained"); print(fit2): median 23, 0.95LCL 8,
	// 0.95UCL NA (published median 23).
	med, lo, hi := c.Median()
	if med != 23 || lo != 8 || !math.IsNaN(hi) {
		t.Errorf("median %v [%v, %v], want 23 [8, NA]", med, lo, hi)
	}
	last := c.Steps[len(c.Steps)-1]
	// fit2$surv ends at 0 with std.err Inf and limits NA.
	if last.Surv != 0 || !math.IsInf(last.StdErr, 1) || !math.IsNaN(last.Lower) || !math.IsNaN(last.Upper) {
		t.Errorf("last step %+v", last)
	}
	// fit2$std.err[9] = 0.94491118252306805, fit2$lower[9] =
	// 0.015256527170865199, fit2$upper[9] = 0.61954862911905562.
	s := c.Steps[len(c.Steps)-2]
	refNear(t, "std.err", s.StdErr, 0.94491118252306805, 1e-13)
	refNear(t, "lower", s.Lower, 0.015256527170865199, 1e-13)
	refNear(t, "upper", s.Upper, 0.61954862911905562, 1e-13)
}

func TestKaplanMeierMedianRules(t *testing.T) {
	// R: quantile(survfit(Surv(c(1,2,3,4), c(1,1,1,1)) ~ 1), 0.5) is 2.5
	// (S = 0.5 exactly on [2, 3): midpoint), lower 1, upper NA.
	c, _ := KaplanMeier([]float64{1, 2, 3, 4}, []bool{true, true, true, true}, nil, 0.95)
	med, lo, hi := c.Median()
	if med != 2.5 || lo != 1 || !math.IsNaN(hi) {
		t.Errorf("flat 0.5: %v [%v, %v], want 2.5 [1, NA]", med, lo, hi)
	}
	// R: quantile(survfit(Surv(c(1,2,3,4), c(1,1,0,0)) ~ 1), 0.5) is 3
	// (S = 0.5 from 2 to the end of follow-up at 4: midpoint 3), lower 1.
	c, _ = KaplanMeier([]float64{4, 3, 2, 1}, []bool{false, false, true, true}, nil, 0.95)
	med, lo, _ = c.Median()
	if med != 3 || lo != 1 {
		t.Errorf("last point: %v [%v], want 3 [1]", med, lo)
	}
	// Never below 0.5: not reached.
	c, _ = KaplanMeier([]float64{1, 2, 3}, []bool{true, false, false}, nil, 0.95)
	if med, _, _ := c.Median(); !math.IsNaN(med) {
		t.Errorf("not reached: %v", med)
	}
}

func TestKaplanMeierWeighted(t *testing.T) {
	tt := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}
	ee := []bool{true, false, true, true, false, true, true, true, true, false, true, false}
	ww := []float64{1, 2, 1, 1, 3, 1, 2, 1, 1, 1, 0.5, 2}
	c, err := KaplanMeier(tt, ee, ww, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// R: f <- survfit(Surv(tt, ee) ~ 1, weights = ww, robust = FALSE)
	// (with non-integer weights R's default is the robust variance; robust =
	// FALSE gives Greenwood on weighted counts).
	wantRisk := []float64{16.5, 13.5, 11.5, 9.5, 8.5, 4.0, 3.0, 1.0}
	wantSurv := []float64{0.93939393939393945, 0.80022446689113358, 0.73063973063973064,
		0.65373028530923272, 0.53836611731348571, 0.40377458798511429, 0.40377458798511429, 0}
	wantSE := []float64{0.062530539948072242, 0.129585940947518741, 0.158348001535284999,
		0.193540668901942131, 0.250335923416166228, 0.382101305789391332, 0.382101305789391332, math.Inf(1)}
	wantLower := []float64{0.83103949081725659, 0.62073762881009575, 0.53569454167333086,
		0.44735931930321626, 0.32960318138084793, 0.19093861212979854, 0.19093861212979854, math.NaN()}
	for i, s := range c.Steps {
		refNear(t, "n.risk", s.AtRisk, wantRisk[i], 1e-14)
		refNear(t, "surv", s.Surv, wantSurv[i], 1e-14)
		refNear(t, "std.err", s.StdErr, wantSE[i], 1e-13)
		refNear(t, "lower", s.Lower, wantLower[i], 1e-13)
	}
	// quantile(f, c(0.25, 0.5)): 3 and 6, lower 2 and 4, upper NA.
	q, lo, _ := c.Quantile(0.25)
	m, mlo, mhi := c.Median()
	if q != 3 || lo != 2 || m != 6 || mlo != 4 || !math.IsNaN(mhi) {
		t.Errorf("quantiles %v [%v], %v [%v, %v]", q, lo, m, mlo, mhi)
	}
	// Integer weights are frequencies: the same curve as repeated rows.
	rep := func(w []float64) ([]float64, []bool) {
		var t2 []float64
		var e2 []bool
		for i, n := range w {
			for k := 0; k < int(n); k++ {
				t2 = append(t2, tt[i])
				e2 = append(e2, ee[i])
			}
		}
		return t2, e2
	}
	iw := []float64{1, 2, 1, 1, 3, 1, 2, 1, 1, 1, 1, 2}
	a, _ := KaplanMeier(tt, ee, iw, 0.95)
	t2, e2 := rep(iw)
	b, _ := KaplanMeier(t2, e2, nil, 0.95)
	for i := range a.Steps {
		refNear(t, "freq surv", a.Steps[i].Surv, b.Steps[i].Surv, 1e-15)
		refNear(t, "freq se", a.Steps[i].StdErr, b.Steps[i].StdErr, 1e-15)
	}
}

func TestKaplanMeierErrors(t *testing.T) {
	if _, err := KaplanMeier([]float64{math.NaN()}, []bool{true}, nil, 0.95); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("all NaN: %v", err)
	}
	refPanics(t, "mismatch", "stats: length mismatch", func() { KaplanMeier([]float64{1}, nil, nil, 0.95) })
	refPanics(t, "weights", "stats: length mismatch", func() { KaplanMeier([]float64{1}, []bool{true}, []float64{}, 0.95) })
	refPanics(t, "negative", "stats: negative weight", func() { KaplanMeier([]float64{1}, []bool{true}, []float64{-1}, 0.95) })
	refPanics(t, "p", "stats: quantile probability out of [0, 1]", func() { KMCurve{}.Quantile(2) })
}
