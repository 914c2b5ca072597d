package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

type honestDiDCase struct {
	Betahat []float64                        `json:"betahat"`
	Sigma   [][]float64                      `json:"sigma"`
	NumPre  int                              `json:"numPrePeriods"`
	NumPost int                              `json:"numPostPeriods"`
	L       []float64                        `json:"l_vec"`
	Grid    int                              `json:"gridPoints"`
	Result  struct{ LB, UB, Mbar []float64 } `json:"result"`
}

func loadHonestDiDCases(t *testing.T) map[string]honestDiDCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "honestdid_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		CS    honestDiDCase `json:"callaway_santanna"`
		Sunab honestDiDCase `json:"sunab"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return map[string]honestDiDCase{"callaway_santanna": ref.CS, "sunab": ref.Sunab}
}

func symFrom(rows [][]float64) *mat.SymDense {
	n := len(rows)
	S := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			S.SetSym(i, j, (rows[i][j]+rows[j][i])/2)
		}
	}
	return S
}

// TestRelativeMagnitudesHonestDiD pins RelativeMagnitudes to HonestDiD's own C-LF results in its
// README, at full precision from the README's knitr cache (testdata/honestdid_reference.json):
//
//	honest_did(es, e = 0, type = "relative_magnitude", Mbarvec = seq(0.5, 2, by = 0.5)) with
//	gridPoints = 100, on did's event study of the Medicaid expansions (ehec data, not-yet-treated
//	controls, universal base, min_e = -5, max_e = 5; 4 pre- and 6 post-periods), HonestDiD 0.2.2:
//	M̄ 0.5 [0.0303976, 0.0571475], 1 [0.0255340, 0.0620111], 1.5 [0.0182386, 0.0693065],
//	2 [0.0085113, 0.0766019]
//
// to 1e-3 as issue 24 asks; they agree to 1e-9 (the same grid points, step 2.4e-3, are accepted).
// The README's later knit of the same call (2024, result_2024 in the file) is not on the
// package's grid and is not used; see the file's notes.
func TestRelativeMagnitudesHonestDiD(t *testing.T) {
	for name, c := range loadHonestDiDCases(t) {
		if name != "callaway_santanna" {
			continue
		}
		got, err := RelativeMagnitudes(c.Betahat, symFrom(c.Sigma), c.NumPre, c.NumPost, c.L, c.Result.Mbar,
			SensitivityOptions{GridPoints: c.Grid})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, iv := range got {
			t.Logf("%s M̄ %.1f: [%.6f, %.6f], HonestDiD [%.6f, %.6f]", name, iv.Mbar, iv.Lo, iv.Hi, c.Result.LB[i], c.Result.UB[i])
			if math.Abs(iv.Lo-c.Result.LB[i]) > 1e-9 || math.Abs(iv.Hi-c.Result.UB[i]) > 1e-9 {
				t.Errorf("%s M̄ %.1f: [%.6f, %.6f], HonestDiD [%.6f, %.6f]", name, iv.Mbar, iv.Lo, iv.Hi, c.Result.LB[i], c.Result.UB[i])
			}
		}
	}
}

// TestEventStudyMatchesDynamic checks EventStudy against Aggregate(AggDynamic) on mpdta with a
// universal base period (not-yet-treated controls): the same coefficients, standard errors equal
// to the square roots of the covariance's diagonal, the reference event −1 left out, and the
// covariance of two terms equal to what the variance of their sum implies.
func TestEventStudyMatchesDynamic(t *testing.T) {
	d := loadMPDTA(t)
	gt, err := ATTGT(d.county, d.year, d.first, d.lemp, nil, DiDOptions{Control: ControlNotYetTreated, Base: BaseUniversal})
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := gt.Aggregate(AggDynamic, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := gt.EventStudy(math.MinInt, math.MaxInt)
	if err != nil {
		t.Fatal(err)
	}
	if es.Reference != -1 || es.NumPre != 3 || es.NumPost != 4 || len(es.Events) != 7 {
		t.Fatalf("events %v reference %d, %d pre %d post", es.Events, es.Reference, es.NumPre, es.NumPost)
	}
	j := 0
	for _, term := range dyn.Terms {
		if term.Key == -1 {
			continue
		}
		if es.Events[j] != term.Key || math.Abs(es.Beta[j]-term.ATT) > 1e-14 || math.Abs(math.Sqrt(es.Cov.At(j, j))-term.SE) > 1e-14 {
			t.Errorf("e=%d: β %v SE %v, dynamic %v %v", term.Key, es.Beta[j], math.Sqrt(es.Cov.At(j, j)), term.ATT, term.SE)
		}
		j++
	}
	// The dynamic aggregation's overall effect is the mean of the post terms: its SE² is l'Σl.
	var v float64
	for a := es.NumPre; a < len(es.Events); a++ {
		for b := es.NumPre; b < len(es.Events); b++ {
			v += es.Cov.At(a, b) / float64(es.NumPost*es.NumPost)
		}
	}
	if math.Abs(math.Sqrt(v)-dyn.SE) > 1e-14 {
		t.Errorf("SE of the mean post effect %v, dynamic overall %v", math.Sqrt(v), dyn.SE)
	}
}

// TestBreakdownMbar checks the breakdown value on the pinned example: the interval at M̄ = 2 lies
// above zero, so the breakdown is above 2; θ = 0 is accepted at the returned value and rejected
// 0.05 below it, and the grid interval there reaches down to within one grid step (2.4e-3) of 0.
func TestBreakdownMbar(t *testing.T) {
	c := loadHonestDiDCases(t)["callaway_santanna"]
	S := symFrom(c.Sigma)
	opts := SensitivityOptions{GridPoints: c.Grid}
	b, err := BreakdownMbar(c.Betahat, S, c.NumPre, c.NumPost, c.L, 0, 6, 0.05, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !(b > 2 && b < 6) {
		t.Fatalf("breakdown M̄ = %v, want in (2, 6)", b)
	}
	at, err1 := RelativeMagnitudesAccepts(c.Betahat, S, c.NumPre, c.NumPost, c.L, b, 0, opts)
	below, err2 := RelativeMagnitudesAccepts(c.Betahat, S, c.NumPre, c.NumPost, c.L, b-0.05, 0, opts)
	if err1 != nil || err2 != nil || !at || below {
		t.Errorf("θ = 0 accepted at M̄ %v: %v, at %v: %v (%v, %v)", b, at, b-0.05, below, err1, err2)
	}
	ivs, err := RelativeMagnitudes(c.Betahat, S, c.NumPre, c.NumPost, c.L, []float64{b}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("breakdown M̄ %.3f: grid interval [%.5f, %.5f]", b, ivs[0].Lo, ivs[0].Hi)
	if step := 40 * math.Sqrt(S.At(c.NumPre, c.NumPre)) / float64(c.Grid-1); !(ivs[0].Lo <= step) {
		t.Errorf("grid interval at the breakdown starts at %v, more than a step (%v) above 0", ivs[0].Lo, step)
	}
}

func TestTruncNormQuantile(t *testing.T) {
	// Untruncated and symmetric cases.
	for _, c := range []struct{ p, a, b, want, tol float64 }{
		{0.975, math.Inf(-1), math.Inf(1), 1.959963984540054, 1e-12},
		{0.5, -1, 1, 0, 1e-12},
	} {
		if got := truncNormQuantile(c.p, c.a, c.b); math.Abs(got-c.want) > c.tol {
			t.Errorf("q(%v; %v, %v) = %v, want %v", c.p, c.a, c.b, got, c.want)
		}
	}
	// A far tail, where Φ(a) rounds to 1: the median of X | X > 7.5 has Φ̄(q) = Φ̄(7.5)/2.
	q := truncNormQuantile(0.5, 7.5, math.Inf(1))
	surv := func(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }
	if r := surv(q) / (surv(7.5) / 2); math.Abs(r-1) > 1e-9 {
		t.Errorf("tail median %v: Φ̄ ratio %v", q, r)
	}
}

// TestDualProgramCache checks that the basis cache of the least-favourable simulation returns
// the simplex's optimal value for every objective (it only uses a basis it has proved optimal).
func TestDualProgramCache(t *testing.T) {
	c := loadHonestDiDCases(t)["callaway_santanna"]
	gi, err := honestGammaInverse(c.L)
	if err != nil {
		t.Fatal(err)
	}
	p := newARPProblem(honestRMConstraints(c.NumPre, c.NumPost, 1, -1, true), c.Betahat, symFrom(c.Sigma), c.NumPre, c.NumPost, gi)
	prog := newDualProgram(p.sd, p.X)
	rng := newRNormals(7)
	f := make([]float64, len(p.sd))
	for range 300 {
		for i := range f {
			f[i] = rng.norm()
		}
		got, ok1 := prog.value(f)
		want, _, ok2 := dualVertex(p.sd, p.X, f)
		if ok1 != ok2 || (ok1 && math.Abs(got-want) > 1e-10*(1+math.Abs(want))) {
			t.Fatalf("cached %v (%v), simplex %v (%v)", got, ok1, want, ok2)
		}
	}
	if len(prog.bases) == 0 || len(prog.bases) >= 300 {
		t.Errorf("%d cached bases for 300 objectives", len(prog.bases))
	}
}
