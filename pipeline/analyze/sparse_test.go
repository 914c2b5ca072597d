package analyze

import (
	"math"
	"slices"
	"testing"
)

// sparsePanel is measured in periods 3, 6 and 9 only (a quarterly pulse analysed by month): unit 0
// is first treated in period 8 (its treatment date in period 8, no washout), units 1 and 2 never.
func sparsePanel() (*intPanel, []int) {
	p := &intPanel{units: 3}
	tp := []int{}
	for u, ys := range [][3]float64{{1, 2, 5}, {1, 2, 3}, {0, 1, 2}} {
		g := 0
		if u == 0 {
			g = 8
		}
		for k, y := range ys {
			p.add(u, 3+3*k, g, y)
			tp = append(tp, g)
		}
	}
	return p, tp
}

// Numbering only the measured periods makes period 6 (the last measurement before treatment) the
// base and the first measurement after it event time 0 — in calendar periods it is event time 1, a
// month after the cohort's first treated period —, and the ATT is the hand-computed
// (5 − 2) − mean(3 − 2, 2 − 1) = 2, with the pre-treatment cell (6 against 3)
// (2 − 1) − mean(2 − 1, 1 − 0) = 0.
func TestCompactPeriodsSparse(t *testing.T) {
	p, tp := sparsePanel()
	if res, err := estimateDiD(p, DiDOptions{}); err != nil || res.GT.Cells[len(res.GT.Cells)-1].Event != 1 {
		t.Fatalf("calendar periods: %v", err)
	}
	p, tp = sparsePanel()
	washout := compactPeriods(p, tp)
	if washout != 0 {
		t.Errorf("washout %d, want 0", washout)
	}
	if want := []int{3, 4, 5, 3, 4, 5, 3, 4, 5}; !slices.Equal(p.time, want) {
		t.Errorf("periods %v, want %v", p.time, want)
	}
	if want := []int{5, 5, 5, 0, 0, 0, 0, 0, 0}; !slices.Equal(p.group, want) {
		t.Errorf("groups %v, want %v", p.group, want)
	}
	for period, cal := range map[int]int{3: 3, 4: 6, 5: 9} {
		if got := p.calendarPeriod(period); got != cal {
			t.Errorf("calendarPeriod(%d) = %d, want %d", period, got, cal)
		}
	}
	for cal, g := range map[int]int{0: 0, 7: 5, 8: 5, 9: 5, 4: 4, 10: 6} {
		if got := p.compactGroup(cal); got != g {
			t.Errorf("compactGroup(%d) = %d, want %d", cal, got, g)
		}
	}
	res, err := estimateDiD(p, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Simple.ATT-2) > 1e-12 {
		t.Errorf("ATT %v, want 2", res.Simple.ATT)
	}
	if last := res.GT.Cells[len(res.GT.Cells)-1]; !last.Post || last.Event != 0 || last.Base != 4 {
		t.Errorf("post cell %+v, want event 0 against base 4 (calendar 6)", last)
	}
	for _, c := range res.GT.Cells {
		if !c.Post && c.Err == nil && math.Abs(c.ATT) > 1e-12 {
			t.Errorf("pre-treatment cell %+v, want ATT 0", c)
		}
	}
}

// A panel with a cell in every period from its first to its last is left exactly as it was, and
// the washout is the most periods between a unit's treatment date and its first treated period.
func TestCompactPeriodsDense(t *testing.T) {
	p := &intPanel{units: 2}
	var tp []int
	for u := range 2 {
		for period := 10; period <= 14; period++ {
			g, at := 0, 0
			if u == 0 {
				g, at = 13, 12 // treated in period 12, one washout period
				if period == 12 {
					continue // washout cells are not in the panel
				}
			}
			p.add(u, period, g, float64(period*u))
			tp = append(tp, at)
		}
	}
	before := *p
	before.time, before.group = slices.Clone(p.time), slices.Clone(p.group)
	if w := compactPeriods(p, tp); w != 1 {
		t.Errorf("washout %d, want 1", w)
	}
	if !slices.Equal(p.time, before.time) || !slices.Equal(p.group, before.group) || p.calendar != nil {
		t.Errorf("dense panel changed: periods %v groups %v calendar %v", p.time, p.group, p.calendar)
	}
	if p.calendarPeriod(12) != 12 || p.compactGroup(13) != 13 {
		t.Error("identity mapping expected on a dense panel")
	}
}

// thinPanel: a cohort of three units first treated in period 5 of which only unit 0 has events in
// the base period (4) and after; units 1 and 2 only early on. Three never-treated units have a cell
// in every period. With thinControls instead the cohort is observed throughout and only one of the
// never-treated units (3) after period 2.
func thinPanel(dense, thinControls bool) *intPanel {
	p := &intPanel{units: 6}
	for u := range 6 {
		g := 0
		if u < 3 {
			g = 5
		}
		for t := 1; t <= 7; t++ {
			if u == 1 || u == 2 {
				if !dense && !thinControls && t > 2 {
					continue
				}
			}
			if (u == 4 || u == 5) && thinControls && t > 2 {
				continue
			}
			p.add(u, t, g, float64(u+t%3))
		}
	}
	return p
}

// A DiD whose post-treatment cells rest on one treated unit of a larger cohort, or on one
// comparison unit, is thin (estimated by imputation); the same cohort and comparison units observed
// throughout are not, and neither is a cohort of one unit (small_cohort's case).
func TestThinCells(t *testing.T) {
	for _, c := range []struct {
		name string
		p    *intPanel
		want bool
	}{{"sparse", thinPanel(false, false), true}, {"thin comparison", thinPanel(true, true), true}, {"dense", thinPanel(true, false), false}} {
		res, err := estimateDiD(c.p, DiDOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := thinCells(res); got != c.want {
			t.Errorf("%s: thinCells %v, want %v (cohorts %v)", c.name, got, c.want, res.Cohorts)
		}
	}
	p := &intPanel{units: 3}
	for u := range 3 {
		g := 0
		if u == 0 {
			g = 4
		}
		for t := 1; t <= 6; t++ {
			p.add(u, t, g, float64(u*t))
		}
	}
	res, err := estimateDiD(p, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if thinCells(res) {
		t.Error("a cohort of one unit counted as thin")
	}
}
