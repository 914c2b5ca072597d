package stats_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// Six teams observed for three months; teams 1 and 2 have a trained lead
// from month 3 on (group 3), teams 3–6 never (group 0). The outcome has a
// team effect, a common monthly trend, a little noise and an effect of
// -1.5 once trained. (Checked by hand: in month 3 the treated teams change
// by -0.75 on average and the others by +0.5, so ATT(3,3) = -1.25; its SE is
// sqrt(Σ(Δ-m)²/n² over each group) = sqrt(0.005/4 + 0.36/16) = 0.154.)
func ExampleATTGT() {
	var unit, month, group []int
	var y []float64
	noise := []float64{0.1, -0.2, 0.0, 0.3, -0.1, 0.2, -0.3, 0.1, 0.2, 0.0, -0.2, 0.1, 0.2, -0.1, 0.0, -0.1, 0.3, -0.2}
	for team := 1; team <= 6; team++ {
		g := 0
		if team <= 2 {
			g = 3
		}
		for m := 1; m <= 3; m++ {
			v := float64(team) + 0.5*float64(m) + noise[(team-1)*3+m-1]
			if g > 0 && m >= g {
				v -= 1.5
			}
			unit, month, group = append(unit, team), append(month, m), append(group, g)
			y = append(y, v)
		}
	}
	gt, err := stats.ATTGT(unit, month, group, y, nil, stats.DiDOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range gt.Cells {
		fmt.Printf("ATT(g=%d, t=%d) vs %d: %.3f (SE %.3f)\n", c.Group, c.Period, c.Base, c.ATT, c.SE)
	}
	simple, _ := gt.Aggregate(stats.AggSimple, nil)
	fmt.Printf("overall %.3f, 95%% CI [%.3f, %.3f]\n", simple.ATT, simple.Lo, simple.Hi)
	// Output:
	// ATT(g=3, t=2) vs 1: -0.425 (SE 0.167)
	// ATT(g=3, t=3) vs 2: -1.250 (SE 0.154)
	// overall -1.250, 95% CI [-1.552, -0.948]
}

// readMPDTA reads testdata/mpdta.csv (R did's mpdta: county, year, log teen
// employment, first treated year).
func readMPDTA() (county, year, first []int, lemp []float64, err error) {
	f, err := os.Open("testdata/mpdta.csv")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, r := range recs[1:] {
		y, _ := strconv.Atoi(r[0])
		c, _ := strconv.Atoi(r[1])
		l, _ := strconv.ParseFloat(r[3], 64)
		g, _ := strconv.Atoi(r[4])
		county, year, first, lemp = append(county, c), append(year, y), append(first, g), append(lemp, l)
	}
	return county, year, first, lemp, nil
}

// The minimum-wage example of R's did package: the event study of county
// teen employment, with the pre-trend test that summary(att_gt) prints.
func ExampleGroupTime_Aggregate() {
	county, year, first, lemp, err := readMPDTA()
	if err != nil {
		fmt.Println(err)
		return
	}
	gt, err := stats.ATTGT(county, year, first, lemp, nil, stats.DiDOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	es, err := gt.Aggregate(stats.AggDynamic, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range es.Terms {
		fmt.Printf("e=%2d  %7.4f  (%.4f)\n", t.Key, t.ATT, t.SE)
	}
	fmt.Printf("overall %.4f (%.4f)\n", es.ATT, es.SE)
	w, err := gt.PreTrendTest()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pre-trends: W = %.3f, df = %d, p = %.5f\n", w.W, w.DF, w.P)
	// Output:
	// e=-3   0.0305  (0.0150)
	// e=-2  -0.0006  (0.0133)
	// e=-1  -0.0245  (0.0142)
	// e= 0  -0.0199  (0.0118)
	// e= 1  -0.0510  (0.0169)
	// e= 2  -0.1373  (0.0364)
	// e= 3  -0.1008  (0.0344)
	// overall -0.0772 (0.0200)
	// pre-trends: W = 7.791, df = 5, p = 0.16812
}
