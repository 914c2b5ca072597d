package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// honestDiDRef is testdata/honestdid_reference.json: inputs and C-LF results of HonestDiD's
// createSensitivityResults_relativeMagnitudes as the package computed them for its README
// (decoded from the README's knitr cache; see the file's "source"), the reference of
// RelativeMagnitudes (TestRelativeMagnitudesHonestDiD).
type honestDiDRef struct {
	CS struct {
		Betahat []float64                        `json:"betahat"`
		Sigma   [][]float64                      `json:"sigma"`
		NumPre  int                              `json:"numPrePeriods"`
		NumPost int                              `json:"numPostPeriods"`
		Orig    struct{ LB, UB float64 }         `json:"orig_ci"`
		Result  struct{ LB, UB, Mbar []float64 } `json:"result"`
	} `json:"callaway_santanna"`
}

// TestHonestDiDReferenceInputs checks that the stored event-study inputs of the Callaway–Sant'Anna
// example reproduce the package's own original interval (constructOriginalCS: l'β ± z·√(l'Σl)
// for the first post-period, [0.0334787, 0.0570717]) to 1e-9, so the reference file is internally
// consistent, and that its robust intervals widen with M̄.
func TestHonestDiDReferenceInputs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "honestdid_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref honestDiDRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	cs := ref.CS
	if len(cs.Betahat) != cs.NumPre+cs.NumPost || len(cs.Sigma) != len(cs.Betahat) {
		t.Fatalf("%d coefficients, %d×? sigma, %d+%d periods", len(cs.Betahat), len(cs.Sigma), cs.NumPre, cs.NumPost)
	}
	k := cs.NumPre
	z := distuv.UnitNormal.Quantile(0.975)
	se := math.Sqrt(cs.Sigma[k][k])
	if lo, hi := cs.Betahat[k]-z*se, cs.Betahat[k]+z*se; math.Abs(lo-cs.Orig.LB) > 1e-9 || math.Abs(hi-cs.Orig.UB) > 1e-9 {
		t.Errorf("original interval [%.10f, %.10f], package [%.10f, %.10f]", lo, hi, cs.Orig.LB, cs.Orig.UB)
	}
	for i := 1; i < len(cs.Result.Mbar); i++ {
		if cs.Result.LB[i] > cs.Result.LB[i-1] || cs.Result.UB[i] < cs.Result.UB[i-1] {
			t.Errorf("robust interval at M̄ = %v does not contain the one at %v", cs.Result.Mbar[i], cs.Result.Mbar[i-1])
		}
	}
}
