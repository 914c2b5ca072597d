package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// didSimPanel simulates a balanced staggered panel: unit and period fixed
// effects, a common linear trend, cohorts first treated at the given
// periods (0 = never; assigned round-robin) and a constant effect att on
// treated cells, plus N(0, 1) noise.
func didSimPanel(rng *rand.Rand, units, periods int, cohorts []int, att float64) (unit, period, group []int, y []float64) {
	pfe := make([]float64, periods)
	for t := range pfe {
		pfe[t] = rng.NormFloat64() + 0.1*float64(t)
	}
	for i := 0; i < units; i++ {
		g := cohorts[i%len(cohorts)]
		ufe := rng.NormFloat64() + 0.3*float64(g%3)
		for t := 1; t <= periods; t++ {
			v := ufe + pfe[t-1] + rng.NormFloat64()
			if g > 0 && t >= g {
				v += att
			}
			unit = append(unit, i+1)
			period = append(period, t)
			group = append(group, g)
			y = append(y, v)
		}
	}
	return
}

// BenchmarkDiD is one metric of the batch job: 5,000 units × 36 periods,
// six cohorts plus never-treated units, 999 bootstrap draws, then the
// simple, dynamic and group aggregations and the pre-trend test.
func BenchmarkDiD(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	unit, period, group, y := didSimPanel(rng, 5000, 36, []int{0, 0, 0, 6, 10, 14, 18, 24, 30}, 0.2)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		gt, err := ATTGT(unit, period, group, y, nil, DiDOptions{Bootstrap: 999, Src: rand.NewPCG(3, 4)})
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range []AggKind{AggSimple, AggDynamic, AggGroup} {
			if _, err := gt.Aggregate(k, nil); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := gt.PreTrendTest(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiDUnbalanced is BenchmarkDiD with 10% of the cells missing at
// random and not-yet-treated controls: the bootstrap's sparse corrections
// for units observed in only one period of a comparison are exercised.
func BenchmarkDiDUnbalanced(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	unit, period, group, y := didSimPanel(rng, 5000, 36, []int{0, 0, 0, 6, 10, 14, 18, 24, 30}, 0.2)
	for i := range y {
		if rng.Float64() < 0.1 {
			y[i] = math.NaN()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		gt, err := ATTGT(unit, period, group, y, nil, DiDOptions{Bootstrap: 999, Src: rand.NewPCG(3, 4), Control: ControlNotYetTreated})
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range []AggKind{AggSimple, AggDynamic, AggGroup} {
			if _, err := gt.Aggregate(k, nil); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := gt.PreTrendTest(); err != nil {
			b.Fatal(err)
		}
	}
}
