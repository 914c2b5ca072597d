package analyze

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
)

// Hollander & Wolfe (1999, p. 39), the example of R's ?wilcox.test, read as nine people's scores
// before (pre) and after (post) the program. R 4.2.2:
// wilcox.test(x, y, paired = TRUE, conf.int = TRUE): V = 40, p-value = 0.0390625, (pseudo)median
// 0.46, 95% CI 0.010 0.786.
func TestPairedAssessmentsR(t *testing.T) {
	post := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	pre := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	var ps []metrics.AssessmentPair
	for i := range pre {
		ps = append(ps, metrics.AssessmentPair{Pre: pre[i], Post: post[i]})
	}
	a := config.Default().Analysis
	rows := PairedAssessments(map[string][]metrics.AssessmentPair{"quiz": ps, "360": ps[:3]}, a)
	if len(rows) != 2 || rows[0].Aggregation != "instrument:360" || rows[1].Aggregation != "instrument:quiz" {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[1]
	near := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("estimate", r.Estimate, 0.46)
	near("ci_low", r.CILow, 0.01)
	near("ci_high", r.CIHigh, 0.786)
	near("p", r.PValue, 0.0390625)
	var mean float64
	for _, x := range pre {
		mean += x / 9
	}
	near("relative change", r.RelativeChange, 0.46/mean)
	if r.NTreatedUnits != 9 || r.Metric != "assessment_score" || r.Method != MethodPairedSignedRank || !slices.Contains(r.Flags, FlagNotCausal) ||
		slices.Contains(r.Flags, FlagSuppressed) {
		t.Errorf("quiz row: %+v", r)
	}
	// Three pairs, under min_cell 5: counts kept, numbers not.
	s := rows[0]
	if s.NTreatedUnits != 3 || !slices.Contains(s.Flags, FlagSuppressed) || !math.IsNaN(s.Estimate) || !math.IsNaN(s.PValue) || !math.IsNaN(s.CILow) {
		t.Errorf("360 row not suppressed: %+v", s)
	}
}

// A planted improvement of 0.10 of the maximum score on 40 people whose scores vary: the 95%
// interval covers it in most of 200 replications, and excludes 0 in most too.
func TestPairedAssessmentsPlanted(t *testing.T) {
	a := config.Default().Analysis
	rng := rand.New(rand.NewPCG(22, 1))
	covered, significant := 0, 0
	const reps = 200
	for range reps {
		var ps []metrics.AssessmentPair
		for range 40 {
			ability := 0.4 + 0.3*rng.Float64()
			pre := ability + 0.08*rng.NormFloat64()
			ps = append(ps, metrics.AssessmentPair{Pre: pre, Post: pre + 0.10 + 0.08*rng.NormFloat64()})
		}
		r := PairedAssessments(map[string][]metrics.AssessmentPair{"quiz": ps}, a)[0]
		if r.CILow <= 0.10 && 0.10 <= r.CIHigh {
			covered++
		}
		if r.PValue < 0.05 && r.CILow > 0 {
			significant++
		}
	}
	if covered < 180 || covered > 198 {
		t.Errorf("planted 0.10 covered %d/%d times, want about 95%%", covered, reps)
	}
	if significant < 190 {
		t.Errorf("significant %d/%d times, want nearly always", significant, reps)
	}
}
