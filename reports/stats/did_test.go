package stats

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// mpdta is R did's mpdta data set (500 counties × 2003–2007), checked in as
// testdata/mpdta.csv; its sha256 is the one in shared/reference/README.md.
type mpdta struct {
	year, county, first []int
	lemp                []float64
}

const mpdtaSHA256 = "2283bea1221a152420f98dfa20f633c5d054ea51d881115c8cd702a97bcd3167"

func loadMPDTA(t testing.TB) mpdta {
	t.Helper()
	raw, err := os.ReadFile("testdata/mpdta.csv")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != mpdtaSHA256 {
		t.Fatalf("testdata/mpdta.csv sha256 = %s, want %s", got, mpdtaSHA256)
	}
	recs, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2501 {
		t.Fatalf("mpdta has %d rows, want 2500 + header", len(recs))
	}
	var d mpdta
	for _, r := range recs[1:] {
		y, err1 := strconv.Atoi(r[0])
		c, err2 := strconv.Atoi(r[1])
		l, err3 := strconv.ParseFloat(r[3], 64)
		g, err4 := strconv.Atoi(r[4])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatal(err)
		}
		d.year = append(d.year, y)
		d.county = append(d.county, c)
		d.lemp = append(d.lemp, l)
		d.first = append(d.first, g)
	}
	return d
}

func didClose(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.15g, want %.15g (tol %g)", what, got, want, tol)
	}
}

func didCellAt(t *testing.T, gt *GroupTime, g, p int) GTCell {
	t.Helper()
	for _, c := range gt.Cells {
		if c.Group == g && c.Period == p {
			return c
		}
	}
	t.Fatalf("no cell g=%d t=%d", g, p)
	return GTCell{}
}

// TestDiDMPDTA reproduces the published values of shared/reference/README.md:
//
//	out <- did::att_gt(yname = "lemp", tname = "year", idname = "countyreal",
//	                   gname = "first.treat", data = mpdta,
//	                   control_group = "nevertreated", bstrap = FALSE)
//	aggte(out, type = "simple"); aggte(out, type = "group"); aggte(out, type = "dynamic")
//	out$W; out$Wpval   # summary(out) prints the p-value 0.16812
func TestDiDMPDTA(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if gt.N != 500 || len(gt.Cells) != 12 || len(gt.Groups) != 3 {
		t.Fatalf("N=%d cells=%d groups=%v, want 500, 12, 3 cohorts", gt.N, len(gt.Cells), gt.Groups)
	}
	for _, tc := range []struct {
		kind     AggKind
		att, se  float64
		tolerant float64
	}{
		{AggSimple, -0.0399512751551763, 0.0120340127701854, 1e-9},
		{AggGroup, -0.0310182822287484, 0.0124460593209979, 1e-9},
		{AggDynamic, -0.0772398214573151, 0.0199649890618494, 1e-9},
	} {
		a, err := gt.Aggregate(tc.kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		didClose(t, tc.kind.String()+" ATT", a.ATT, tc.att, tc.tolerant)
		didClose(t, tc.kind.String()+" SE", a.SE, tc.se, tc.tolerant)
		if !math.IsNaN(a.BootSE) || !math.IsNaN(a.Crit) {
			t.Errorf("%v: bootstrap results without bootstrap: %v %v", tc.kind, a.BootSE, a.Crit)
		}
		// The overall influence function gives the SE.
		var ss float64
		for _, v := range a.IF {
			ss += v * v
		}
		didClose(t, tc.kind.String()+" SE from IF", math.Sqrt(ss)/500, a.SE, 1e-15)
	}
	w, err := gt.PreTrendTest()
	if err != nil {
		t.Fatal(err)
	}
	didClose(t, "Wald W", w.W, 7.79123662720035, 1e-8)
	didClose(t, "Wald p", w.P, 0.16812, 5e-6) // did rounds to 5 decimals
	if w.DF != 5 {
		t.Errorf("Wald df = %d, want 5", w.DF)
	}

	// ATT(g,t) as printed (4 decimals) by summary(mw.attgt) in did's
	// "Getting started" vignette (did-basics), same call.
	want := map[[2]int]float64{
		{2004, 2004}: -0.0105, {2004, 2005}: -0.0704, {2004, 2006}: -0.1373, {2004, 2007}: -0.1008,
		{2006, 2004}: 0.0065, {2006, 2005}: -0.0028, {2006, 2006}: -0.0046, {2006, 2007}: -0.0412,
		{2007, 2004}: 0.0305, {2007, 2005}: -0.0027, {2007, 2006}: -0.0311, {2007, 2007}: -0.0261,
	}
	for k, v := range want {
		c := didCellAt(t, gt, k[0], k[1])
		didClose(t, "ATT"+strconv.Itoa(k[0])+","+strconv.Itoa(k[1]), c.ATT, v, 5e-5)
		if c.NTreated == 0 || c.NControl != 309 {
			t.Errorf("cell %v: %d treated, %d controls; want 309 never-treated controls", k, c.NTreated, c.NControl)
		}
	}
	// Event study terms printed by summary(aggte(mw.attgt, type = "dynamic"))
	// in the same vignette: e = 0..3.
	dyn, _ := gt.Aggregate(AggDynamic, nil)
	for e, v := range map[int]float64{0: -0.0199, 1: -0.0510, 2: -0.1373, 3: -0.1008} {
		found := false
		for _, tm := range dyn.Terms {
			if tm.Key == e {
				found = true
				didClose(t, "dynamic e="+strconv.Itoa(e), tm.ATT, v, 5e-5)
			}
		}
		if !found {
			t.Errorf("dynamic: no term e=%d", e)
		}
	}
	// aggte(mw.attgt, type = "dynamic", balance_e = 1): overall -0.0288
	// (same vignette), the 2007 cohort dropped.
	one := 1
	bal, err := gt.Aggregate(AggDynamic, &AggOptions{BalanceE: &one})
	if err != nil {
		t.Fatal(err)
	}
	didClose(t, "dynamic balance_e=1", bal.ATT, -0.0288, 5e-5)
}

// TestDiDUniversalBase checks base_period = "universal" against the
// ATT(g,t) printed by the twfeweights README for
// did::att_gt(yname = "lemp", idname = "countyreal", gname = "first.treat",
// tname = "year", data = mpdta, control_group = "nevertreated",
// base_period = "universal").
func TestDiDUniversalBase(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Base: BaseUniversal})
	if err != nil {
		t.Fatal(err)
	}
	if len(gt.Cells) != 15 {
		t.Fatalf("%d cells, want 15", len(gt.Cells))
	}
	for k, v := range map[[2]int]float64{
		{2004, 2003}: 0, {2004, 2004}: -0.010503246, {2004, 2007}: -0.100811363,
		{2006, 2003}: -0.003769294, {2006, 2004}: 0.002750819, {2006, 2005}: 0,
		{2007, 2003}: 0.003306357, {2007, 2004}: 0.033813012, {2007, 2005}: 0.031087119,
		{2007, 2006}: 0, {2007, 2007}: -0.026054411,
	} {
		c := didCellAt(t, gt, k[0], k[1])
		didClose(t, "universal ATT"+strconv.Itoa(k[0])+","+strconv.Itoa(k[1]), c.ATT, v, 5e-9)
		if v == 0 && (!c.Reference || !math.IsNaN(c.SE)) {
			t.Errorf("cell %v should be a reference cell with SE NaN: %+v", k, c)
		}
	}
	// The universal pre-period cells telescope the varying ones.
	vary, _ := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{})
	u := didCellAt(t, gt, 2007, 2003).ATT
	s := didCellAt(t, vary, 2007, 2004).ATT + didCellAt(t, vary, 2007, 2005).ATT + didCellAt(t, vary, 2007, 2006).ATT
	didClose(t, "universal = -Σ varying", u, -s, 1e-12)
}

// TestDiDNotYetTreated checks not-yet-treated controls against 2×2 means
// computed here by hand, and the analytic SE against the variance of a
// difference of two independent means.
func TestDiDNotYetTreated(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Control: ControlNotYetTreated})
	if err != nil {
		t.Fatal(err)
	}
	y := map[[2]int]float64{}
	g := map[int]int{}
	for r := range d.year {
		y[[2]int{d.county[r], d.year[r]}] = d.lemp[r]
		g[d.county[r]] = d.first[r]
	}
	hand := func(grp, tp, base int, ctrl func(int) bool) (att, se float64, nc int) {
		var dt, dc []float64
		for id, gi := range g {
			dy := y[[2]int{id, tp}] - y[[2]int{id, base}]
			switch {
			case gi == grp:
				dt = append(dt, dy)
			case ctrl(gi):
				dc = append(dc, dy)
			}
		}
		mean := func(x []float64) float64 {
			var s float64
			for _, v := range x {
				s += v
			}
			return s / float64(len(x))
		}
		v := func(x []float64) float64 { // Σ(x-m)²/n², the plug-in variance of the mean
			m := mean(x)
			var s float64
			for _, e := range x {
				s += (e - m) * (e - m)
			}
			return s / float64(len(x)*len(x))
		}
		return mean(dt) - mean(dc), math.Sqrt(v(dt) + v(dc)), len(dc)
	}
	for _, tc := range []struct{ g, t, base int }{
		{2004, 2004, 2003}, {2004, 2005, 2003}, {2004, 2006, 2003}, {2004, 2007, 2003},
		{2006, 2004, 2003}, {2006, 2005, 2004}, {2006, 2006, 2005}, {2006, 2007, 2005},
		{2007, 2004, 2003}, {2007, 2005, 2004}, {2007, 2006, 2005}, {2007, 2007, 2006},
	} {
		last := max(tc.t, tc.base)
		att, se, nc := hand(tc.g, tc.t, tc.base, func(gi int) bool { return gi == 0 || (gi > last && gi != tc.g) })
		c := didCellAt(t, gt, tc.g, tc.t)
		name := "nyt ATT" + strconv.Itoa(tc.g) + "," + strconv.Itoa(tc.t)
		didClose(t, name, c.ATT, att, 1e-12)
		didClose(t, name+" SE", c.SE, se, 1e-12)
		if c.Base != tc.base || c.NControl != nc {
			t.Errorf("%s: base %d, %d controls; want %d, %d", name, c.Base, c.NControl, tc.base, nc)
		}
	}
	// 2004 in 2005 is compared with never-treated, 2006 and 2007 counties.
	if c := didCellAt(t, gt, 2004, 2005); c.NControl != 309+40+131 {
		t.Errorf("ATT(2004,2005) has %d controls, want 480", c.NControl)
	}
}

// didDirectDraws recomputes the bootstrap draws Σ_i v_bi IF_ik / N from the
// dense influence functions, with the Rademacher signs the engine uses.
func didDirectDraws(t *testing.T, gt *GroupTime, p *didPanel, B int, src rand.Source) [][]float64 {
	t.Helper()
	l := didNewBootLayout(p, len(gt.Cells))
	nw := (len(l.blocks)*didBlock + 63) / 64
	rb := make([]uint64, B*nw)
	for i := range rb {
		rb[i] = src.Uint64()
	}
	out := make([][]float64, len(gt.Cells))
	for k := range out {
		out[k] = make([]float64, B)
		col := gt.ifc[k*gt.N : (k+1)*gt.N]
		for b := 0; b < B; b++ {
			var s float64
			for i, v := range col {
				pos := l.unitBlock[i]*didBlock + l.unitSlot[i]
				sign := -1.0
				if rb[b*nw+pos/64]>>(pos%64)&1 == 1 {
					sign = 1
				}
				s += sign * v
			}
			out[k][b] = s / float64(gt.N)
		}
	}
	return out
}

// TestDiDBootstrapEngine checks that the table-driven bootstrap gives the
// same draws as multiplying the influence functions by the Rademacher
// weights directly, on a balanced and on an unbalanced panel.
func TestDiDBootstrapEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	unit, period, group, y := didSimPanel(rng, 157, 7, []int{0, 0, 3, 5, 6}, 0.3)
	yu := append([]float64(nil), y...)
	for i := range yu {
		if rng.Float64() < 0.15 {
			yu[i] = math.NaN()
		}
	}
	for _, tc := range []struct {
		name string
		y    []float64
		opts DiDOptions
	}{
		{"balanced", y, DiDOptions{}},
		{"balanced-nyt-universal", y, DiDOptions{Control: ControlNotYetTreated, Base: BaseUniversal}},
		{"unbalanced", yu, DiDOptions{}},
		{"unbalanced-nyt", yu, DiDOptions{Control: ControlNotYetTreated}},
	} {
		const B = 50
		tc.opts.Bootstrap = B
		tc.opts.Src = rand.NewPCG(5, 6)
		gt, err := ATTGT(unit, period, group, tc.y, nil, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		p, err := didBuildPanel(unit, period, group, tc.y, nil, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.balance != (tc.name[0] == 'b') {
			t.Fatalf("%s: balance = %v", tc.name, p.balance)
		}
		want := didDirectDraws(t, gt, p, B, rand.NewPCG(5, 6))
		for k, c := range gt.Cells {
			got := gt.boot.cell[k]
			if c.Reference {
				if got != nil {
					t.Errorf("%s: reference cell has draws", tc.name)
				}
				continue
			}
			for b := range want[k] {
				if math.Abs(got[b]-want[k][b]) > 1e-10 {
					t.Fatalf("%s: cell %d draw %d = %g, want %g", tc.name, k, b, got[b], want[k][b])
				}
			}
		}
		// The weight-estimation draws: Σ_i v_i·w_i·1(cohort c) and Σ_i v_i.
		agg, err := gt.Aggregate(AggSimple, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Draws of the whole aggregated IF against the direct product.
		l := didNewBootLayout(p, len(gt.Cells))
		nw := (len(l.blocks)*didBlock + 63) / 64
		src := rand.NewPCG(5, 6)
		rb := make([]uint64, B*nw)
		for i := range rb {
			rb[i] = src.Uint64()
		}
		direct := make([]float64, B)
		for b := range direct {
			for i, v := range agg.IF {
				pos := l.unitBlock[i]*didBlock + l.unitSlot[i]
				sign := -1.0
				if rb[b*nw+pos/64]>>(pos%64)&1 == 1 {
					sign = 1
				}
				direct[b] += sign * v / float64(gt.N)
			}
		}
		se := didBootSE(direct, gt.N)
		didClose(t, tc.name+" simple BootSE vs direct", agg.BootSE, se, 1e-12)
	}
}

// TestDiDBootstrapSE: with 999 draws from the default fixed seed the
// bootstrap SEs of the mpdta aggregations are within 10% of the analytic
// ones, and with many draws the standard deviation of the draws matches the
// analytic SE (the draws' variance is Σ IF²/N² by construction).
func TestDiDBootstrapSE(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Bootstrap: 999})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []AggKind{AggSimple, AggGroup, AggDynamic} {
		a, err := gt.Aggregate(k, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := a.BootSE / a.SE; !(r > 0.9 && r < 1.1) {
			t.Errorf("%v: bootstrap SE %.5f vs analytic %.5f (ratio %.3f)", k, a.BootSE, a.SE, r)
		}
		z := didZ(0.05)
		didClose(t, k.String()+" CI", a.Hi-a.Lo, 2*z*a.BootSE, 1e-12)
		if k != AggSimple {
			// The simultaneous band is at least as wide as the pointwise one.
			if !(a.Crit >= z) || a.Crit > 4 {
				t.Errorf("%v: crit %.3f", k, a.Crit)
			}
			for _, tm := range a.Terms {
				if !(tm.BandLo <= tm.Lo && tm.BandHi >= tm.Hi) {
					t.Errorf("%v term %d: band [%g,%g] inside interval [%g,%g]", k, tm.Key, tm.BandLo, tm.BandHi, tm.Lo, tm.Hi)
				}
			}
		}
	}
	if !(gt.Crit > 2 && gt.Crit < 4) {
		t.Errorf("cells' sup-t critical value %.3f, want between 2 and 4 for 12 cells", gt.Crit)
	}
	// Reproducible: same source, same draws.
	again, _ := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Bootstrap: 999})
	for k := range gt.Cells {
		if gt.Cells[k].BootSE != again.Cells[k].BootSE {
			t.Fatalf("bootstrap not reproducible for a fixed seed")
		}
	}

	big, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Bootstrap: 20000, Src: rand.NewPCG(9, 9)})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := big.Aggregate(AggDynamic, nil)
	// The root mean square of each cell's draws matches its analytic SE.
	for k, c := range big.Cells {
		var ss float64
		for _, v := range big.boot.cell[k] {
			ss += v * v
		}
		sd := math.Sqrt(ss / float64(len(big.boot.cell[k])))
		if r := sd / c.SE; math.Abs(r-1) > 0.025 {
			t.Errorf("cell %d: sd of draws %.5f vs SE %.5f", k, sd, c.SE)
		}
	}
	if r := a.BootSE / a.SE; !(r > 0.97 && r < 1.08) {
		t.Errorf("dynamic with 20000 draws: ratio %.3f", r)
	}
}

// didCoverage simulates reps panels with a constant effect att and returns
// how often the 95% interval of the simple ATT covers att, and how often
// the simultaneous band of the event study covers every true e-effect.
func didCoverage(t *testing.T, reps int, att, missing float64, boot int) (cover, band, reject float64, meanEst float64) {
	rng := rand.New(rand.NewPCG(2024, uint64(reps)))
	var nc, nb, nr int
	for r := 0; r < reps; r++ {
		unit, period, group, y := didSimPanel(rng, 240, 8, []int{0, 0, 4, 6}, att)
		for i := range y {
			if rng.Float64() < missing {
				y[i] = math.NaN()
			}
		}
		gt, err := ATTGT(unit, period, group, y, nil, DiDOptions{Bootstrap: boot, Src: rand.NewPCG(uint64(r), 1)})
		if err != nil {
			t.Fatal(err)
		}
		s, err := gt.Aggregate(AggSimple, nil)
		if err != nil {
			t.Fatal(err)
		}
		meanEst += s.ATT / float64(reps)
		if s.Lo <= att && att <= s.Hi {
			nc++
		}
		if s.Lo > 0 || s.Hi < 0 {
			nr++
		}
		if boot > 0 {
			dyn, _ := gt.Aggregate(AggDynamic, nil)
			all := true
			for _, tm := range dyn.Terms {
				truth := 0.0
				if tm.Key >= 0 {
					truth = att
				}
				if tm.BandLo > truth || tm.BandHi < truth {
					all = false
				}
			}
			if all {
				nb++
			}
		}
	}
	return float64(nc) / float64(reps), float64(nb) / float64(reps), float64(nr) / float64(reps), meanEst
}

// TestDiDSimulation plants a known effect in panels with unit and period
// fixed effects and a common trend, and checks the estimate, the coverage
// of 95% intervals (analytic and bootstrap, balanced and with 10% missing
// cells) and the false-positive rate without effect. With 100 replications
// the binomial standard error of a 95% rate is 2.2 points; the bounds are
// about three of them.
func TestDiDSimulation(t *testing.T) {
	reps := 100
	cov, _, _, est := didCoverage(t, reps, 0.5, 0, 0)
	didClose(t, "mean estimate of a 0.5 effect", est, 0.5, 0.03)
	if cov < 0.88 || cov > 1 {
		t.Errorf("analytic 95%% CI coverage %.2f", cov)
	}
	cov, band, _, _ := didCoverage(t, reps, 0.5, 0.1, 199)
	if cov < 0.88 {
		t.Errorf("bootstrap 95%% CI coverage with missing cells %.2f", cov)
	}
	if band < 0.88 {
		t.Errorf("simultaneous band coverage %.2f", band)
	}
	_, _, rej, est0 := didCoverage(t, reps, 0, 0, 0)
	if rej > 0.12 {
		t.Errorf("false-positive rate %.2f without effect", rej)
	}
	didClose(t, "mean estimate without effect", est0, 0, 0.03)
}

// TestDiDWeights: integer weights act as replicated units for the point
// estimates (cells and aggregations, whose cohort shares use the weights).
func TestDiDWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	unit, period, group, y := didSimPanel(rng, 60, 6, []int{0, 3, 5}, 0.4)
	w := make([]float64, len(unit))
	var ru, rp, rg []int
	var ry []float64
	for r := range unit {
		w[r] = float64(1 + unit[r]%3)
		for c := 0; c < int(w[r]); c++ {
			ru = append(ru, unit[r]*10+c)
			rp = append(rp, period[r])
			rg = append(rg, group[r])
			ry = append(ry, y[r])
		}
	}
	gw, err := ATTGT(unit, period, group, y, w, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := ATTGT(ru, rp, rg, ry, nil, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range gw.Cells {
		didClose(t, "weighted cell", gw.Cells[k].ATT, gr.Cells[k].ATT, 1e-12)
	}
	for _, k := range []AggKind{AggSimple, AggGroup, AggDynamic} {
		a, _ := gw.Aggregate(k, nil)
		b, _ := gr.Aggregate(k, nil)
		didClose(t, "weighted "+k.String(), a.ATT, b.ATT, 1e-12)
	}
}

func TestDiDErrors(t *testing.T) {
	// Two cohorts, never-treated, 4 periods.
	mk := func() (u, p, g []int, y []float64) {
		for i := 1; i <= 6; i++ {
			gi := []int{0, 0, 3, 3, 4, 4}[i-1]
			for t := 1; t <= 4; t++ {
				u, p, g = append(u, i), append(p, t), append(g, gi)
				y = append(y, float64(i*t%5)+0.1*float64(t))
			}
		}
		return
	}
	u, p, g, y := mk()
	if _, err := ATTGT(u, p, g, y, nil, DiDOptions{}); err != nil {
		t.Fatalf("valid panel: %v", err)
	}

	func() {
		defer func() {
			if r := recover(); r != "stats: length mismatch" {
				t.Errorf("panic = %v, want length mismatch", r)
			}
		}()
		ATTGT(u, p[:3], g, y, nil, DiDOptions{})
	}()

	// No never-treated unit.
	g2 := append([]int(nil), g...)
	for i := range g2 {
		if g2[i] == 0 {
			g2[i] = 3
		}
	}
	if _, err := ATTGT(u, p, g2, y, nil, DiDOptions{}); !errors.Is(err, ErrNoControls) {
		t.Errorf("no never-treated: %v, want ErrNoControls", err)
	}
	// ... but not-yet-treated works, the last cohort (4) being a control.
	if gt, err := ATTGT(u, p, g2, y, nil, DiDOptions{Control: ControlNotYetTreated}); err != nil {
		t.Errorf("not-yet-treated without never-treated: %v", err)
	} else if len(gt.Groups) != 1 || gt.Groups[0] != 3 || len(gt.Periods) != 3 {
		t.Errorf("groups %v periods %v, want [3] and periods before 4", gt.Groups, gt.Periods)
	}

	// Nobody treated inside the panel.
	g3 := make([]int, len(g))
	if _, err := ATTGT(u, p, g3, y, nil, DiDOptions{}); !errors.Is(err, ErrNoTreated) {
		t.Errorf("no treated: %v, want ErrNoTreated", err)
	}

	// Duplicate (unit, period).
	u4 := append([]int(nil), u...)
	u4[1] = u4[0]
	p4 := append([]int(nil), p...)
	p4[1] = p4[0]
	if _, err := ATTGT(u4, p4, g, y, nil, DiDOptions{}); !errors.Is(err, ErrInvalidPanel) {
		t.Errorf("duplicate: %v, want ErrInvalidPanel", err)
	}
	// Group changing within a unit.
	g5 := append([]int(nil), g...)
	g5[0] = 4
	if _, err := ATTGT(u, p, g5, y, nil, DiDOptions{}); !errors.Is(err, ErrInvalidPanel) {
		t.Errorf("varying group: %v, want ErrInvalidPanel", err)
	}
	// Weights varying within a unit.
	w := make([]float64, len(u))
	for i := range w {
		w[i] = 1
	}
	w[0] = 2
	if _, err := ATTGT(u, p, g, y, w, DiDOptions{}); !errors.Is(err, ErrInvalidWeights) {
		t.Errorf("varying weights: %v, want ErrInvalidWeights", err)
	}

	// Cohort 3 unobserved in period 2 (its base): empty cell.
	y6 := append([]float64(nil), y...)
	for r := range y6 {
		if g[r] == 3 && p[r] == 2 {
			y6[r] = math.NaN()
		}
	}
	_, err := ATTGT(u, p, g, y6, nil, DiDOptions{})
	var ce *CellError
	if !errors.Is(err, ErrEmptyCell) || !errors.As(err, &ce) || ce.Group != 3 || ce.NTreated != 0 {
		t.Errorf("empty cell: %v, want *CellError for group 3", err)
	}
	gt, err := ATTGT(u, p, g, y6, nil, DiDOptions{SkipEmptyCells: true, Bootstrap: 99})
	if err != nil {
		t.Fatalf("SkipEmptyCells: %v", err)
	}
	skipped := 0
	for _, c := range gt.Cells {
		if c.Err != nil {
			skipped++
			if !math.IsNaN(c.ATT) {
				t.Errorf("skipped cell has ATT %v", c.ATT)
			}
		}
	}
	if skipped == 0 {
		t.Error("no cell skipped")
	}
	for _, k := range []AggKind{AggSimple, AggGroup, AggDynamic} {
		a, err := gt.Aggregate(k, nil)
		if err != nil || math.IsNaN(a.ATT) {
			t.Errorf("%v after skipping: %v, %v", k, a, err)
		}
	}
	// Too few periods.
	if _, err := ATTGT([]int{1, 2}, []int{1, 1}, []int{0, 1}, []float64{1, 2}, nil, DiDOptions{}); !errors.Is(err, ErrTooFewPeriods) {
		t.Errorf("one period: %v", err)
	}
	// Pre-trend test without pre-treatment cells (only cohort 2, varying base).
	var u7, p7, g7 []int
	var y7 []float64
	for i := 1; i <= 4; i++ {
		for tt := 1; tt <= 3; tt++ {
			u7, p7, g7 = append(u7, i), append(p7, tt), append(g7, []int{0, 0, 2, 2}[i-1])
			y7 = append(y7, float64(i+tt*tt))
		}
	}
	gt7, err := ATTGT(u7, p7, g7, y7, nil, DiDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gt7.PreTrendTest(); !errors.Is(err, ErrNoPreTreatment) {
		t.Errorf("pre-test without pre cells: %v", err)
	}
}

// TestDiDAnticipation: with one period of anticipation the base period of
// cohort g is g-2, and not-yet-treated controls must start after t+1.
func TestDiDAnticipation(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	unit, period, group, y := didSimPanel(rng, 90, 7, []int{0, 4, 6}, 0.2)
	gt, err := ATTGT(unit, period, group, y, nil, DiDOptions{Anticipation: 1, Control: ControlNotYetTreated})
	if err != nil {
		t.Fatal(err)
	}
	c := didCellAt(t, gt, 4, 5)
	if c.Base != 2 {
		t.Errorf("base of ATT(4,5) with anticipation 1 = %d, want 2", c.Base)
	}
	// Controls for t=5: never treated and g > 6: only the 30 never-treated.
	if c.NControl != 30 {
		t.Errorf("ATT(4,5) controls = %d, want 30", c.NControl)
	}
	// Pre-period cell (6,3) against 2: cohort 4 is not later than 3+1.
	if c := didCellAt(t, gt, 6, 3); c.NControl != 30 || c.Base != 2 {
		t.Errorf("ATT(6,3): %d controls, base %d; want 30, 2", c.NControl, c.Base)
	}
	if c := didCellAt(t, gt, 6, 2); c.NControl != 60 {
		t.Errorf("ATT(6,2): %d controls, want 60 (never + cohort 4)", c.NControl)
	}
}

// TestPreCovarianceMatchesDense checks the cohort-by-cohort covariance of the pre-treatment cells
// against the dense IFᵀIF/N, with never-treated and not-yet-treated controls, on a balanced panel
// and on one with cells missing (where a unit's influence can vanish from a comparison).
func TestPreCovarianceMatchesDense(t *testing.T) {
	for _, control := range []ControlGroup{ControlNeverTreated, ControlNotYetTreated} {
		for _, missing := range []float64{0, 0.15} {
			rng := rand.New(rand.NewPCG(5, 9))
			unit, period, group, y := didSimPanel(rng, 300, 12, []int{0, 0, 4, 6, 9, 11}, 0.3)
			for i := range y {
				if rng.Float64() < missing {
					y[i] = math.NaN()
				}
			}
			gt, err := ATTGT(unit, period, group, y, nil, DiDOptions{Control: control})
			if err != nil {
				t.Fatal(err)
			}
			var pre []int
			for k, c := range gt.Cells {
				if c.Group > c.Period && !math.IsNaN(c.ATT) {
					pre = append(pre, k)
				}
			}
			n := gt.N
			a := mat.NewDense(len(pre), n, nil)
			for j, k := range pre {
				a.SetRow(j, gt.ifc[k*n:(k+1)*n])
			}
			var dense mat.SymDense
			dense.SymOuterK(1/float64(n), a)
			got := gt.preCovariance(pre)
			for i := range pre {
				for j := range pre {
					d, g := dense.At(i, j), got.At(i, j)
					if math.Abs(d-g) > 1e-12*(math.Abs(d)+1e-300) && math.Abs(d-g) > 1e-18 {
						t.Fatalf("control %v, missing %v: V[%d,%d] = %v, dense %v", control, missing, i, j, g, d)
					}
				}
			}
			if len(pre) < 10 {
				t.Fatalf("control %v: only %d pre-treatment cells", control, len(pre))
			}
		}
	}
}

// TestDidBootSEIsTypeOneIQR checks the selection-based bootstrap SE against the type-1 quantiles
// of the sorted draws, for draw counts around the quantiles' rounding points and with ties.
func TestDidBootSEIsTypeOneIQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 8))
	for _, b := range []int{3, 4, 5, 8, 99, 100, 999, 1000} {
		for _, ties := range []bool{false, true} {
			d := make([]float64, b)
			for i := range d {
				d[i] = rng.NormFloat64()
				if ties {
					d[i] = math.Round(d[i] * 2)
				}
			}
			s := append([]float64(nil), d...)
			sort.Float64s(s)
			want := (Quantile1(0.75, s) - Quantile1(0.25, s)) / didIQRScale
			if got := didBootSE(d, 50); got != want {
				t.Errorf("B=%d ties=%v: %v, want %v", b, ties, got, want)
			}
		}
	}
}
