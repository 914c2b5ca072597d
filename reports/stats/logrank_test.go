package stats

import (
	"errors"
	"testing"
)

func TestLogRankAML(t *testing.T) {
	t1, e1 := amlGroup(t, "Maintained")
	t2, e2 := amlGroup(t, "Nonmaintained")
	res, err := LogRank(t1, e1, t2, e2)
	if err != nil {
		t.Fatal(err)
	}
	// Published: observed 7 vs expected 10.69 in Maintained, chi-square 3.4
	// on 1 df, p = 0.0653 (shared/reference/README.md). Full precision from
	// R 4.2.2, survival 3.5.3: sd <- survdiff(Surv(time, status) ~ x, data = aml)
	// sd$obs = 7 11; sd$exp = 10.6893359923007250 7.3106640076992759;
	// sd$var[1, 1] = 4.0075507459387349; sd$chisq = 3.3963886989776011;
	// pchisq(sd$chisq, 1, lower.tail = FALSE) = 0.065339322040505132.
	if res.Observed != [2]float64{7, 11} {
		t.Errorf("observed %v", res.Observed)
	}
	refNear(t, "E1", res.Expected[0], 10.6893359923007250, 1e-13)
	refNear(t, "E2", res.Expected[1], 7.3106640076992759, 1e-13)
	refNear(t, "var", res.Var, 4.0075507459387349, 1e-13)
	refNear(t, "chisq", res.ChiSq, 3.3963886989776011, 1e-13)
	refNear(t, "p", res.P, 0.065339322040505132, 1e-12)
	// And the rounded published figures.
	refNear(t, "E1 published", res.Expected[0], 10.69, 0.005/10.69)
	refNear(t, "chisq published", res.ChiSq, 3.4, 0.05/3.4)
	refNear(t, "p published", res.P, 0.0653, 0.00005/0.0653)

	// Swapping the groups leaves the statistic unchanged.
	sw, _ := LogRank(t2, e2, t1, e1)
	refNear(t, "swap chisq", sw.ChiSq, res.ChiSq, 1e-14)
	refNear(t, "swap E", sw.Expected[0], res.Expected[1], 1e-14)
}

func TestLogRankTies(t *testing.T) {
	// R: t1 <- c(1,2,2,3,5,6); e1 <- c(1,1,0,1,1,0)
	// t2 <- c(2,3,3,4,7,8,9); e2 <- c(1,1,1,0,1,1,0)
	// sd <- survdiff(Surv(c(t1, t2), c(e1, e2)) ~ rep(1:2, c(6, 7)))
	// obs 4 5; exp 2.6948717948717951 6.3051282051282049;
	// var[1, 1] 1.4304399019783636; chisq 1.1907942650826129;
	// p 0.27516940215042995.
	res, err := LogRank(
		[]float64{1, 2, 2, 3, 5, 6}, []bool{true, true, false, true, true, false},
		[]float64{2, 3, 3, 4, 7, 8, 9}, []bool{true, true, true, false, true, true, false})
	if err != nil {
		t.Fatal(err)
	}
	if res.Observed != [2]float64{4, 5} {
		t.Errorf("observed %v", res.Observed)
	}
	refNear(t, "E1", res.Expected[0], 2.6948717948717951, 1e-13)
	refNear(t, "var", res.Var, 1.4304399019783636, 1e-13)
	refNear(t, "chisq", res.ChiSq, 1.1907942650826129, 1e-13)
	refNear(t, "p", res.P, 0.27516940215042995, 1e-12)
}

func TestLogRankErrors(t *testing.T) {
	if _, err := LogRank(nil, nil, []float64{1}, []bool{true}); !errors.Is(err, ErrEmptyCell) {
		t.Errorf("empty group: %v", err)
	}
	if _, err := LogRank([]float64{1}, []bool{false}, []float64{2}, []bool{false}); !errors.Is(err, ErrNoVariation) {
		t.Errorf("no events: %v", err)
	}
	refPanics(t, "mismatch", "stats: length mismatch", func() { LogRank([]float64{1}, nil, nil, nil) })
}
