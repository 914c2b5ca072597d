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
	Betahat []float64   `json:"betahat"`
	Sigma   [][]float64 `json:"sigma"`
	NumPre  int         `json:"numPrePeriods"`
	NumPost int         `json:"numPostPeriods"`
	L       []float64   `json:"l_vec"`
	Grid    int         `json:"gridPoints"`
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
