package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomTimingPanel draws a staggered long panel that exercises every rule the fast path must
// follow: cohorts before, inside and after the observed periods (some units already treated in
// the first period, some after the last), optionally no never-treated unit, missing cells,
// optional unit weights, and a unit with no outcome at all.
func randomTimingPanel(rng *rand.Rand, n, T int, tau float64, never, weighted, holes bool) (unit, period, group []int, y, w []float64) {
	labels := []int{3, 5, 5, 8, T + 4, 1}
	if never {
		labels = append(labels, 0, 0, 0)
	}
	for i := 1; i <= n; i++ {
		g := labels[rng.IntN(len(labels))]
		fe := rng.NormFloat64()
		wi := 1.0
		if weighted {
			wi = 0.5 + rng.Float64()
		}
		for t := 1; t <= T; t++ {
			v := fe + 0.1*float64(t) + rng.NormFloat64()
			if g > 0 && t >= g {
				v += tau
			}
			if (holes && rng.Float64() < 0.08) || i == n {
				v = math.NaN()
			}
			unit, period, group = append(unit, i), append(period, t), append(group, g)
			y, w = append(y, v), append(w, wi)
		}
	}
	if !weighted {
		w = nil
	}
	return
}

// TestDiDTimingFastMatchesATTGT holds the fast statistic to ATTGT followed by Aggregate(AggSimple)
// on the observed assignment and on random permutations of it, across control groups,
// anticipation, base periods, weights and missing cells: equal to 1e-10 (relative), and failing
// on exactly the same assignments.
func TestDiDTimingFastMatchesATTGT(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	compared, failedBoth := 0, 0
	for rep := range 48 {
		never, weighted, holes := rep%2 == 0, rep%3 == 0, rep%4 < 2
		n := 6 + rng.IntN(30)
		if rep%8 == 7 {
			n = 4 // small: many permutations leave a cohort's cells empty
		}
		unit, period, group, y, w := randomTimingPanel(rng, n, 10, 0.4, never, weighted, holes)
		opts := DiDOptions{SkipEmptyCells: true, Anticipation: rep % 3 / 2}
		if rep%5 < 3 {
			opts.Control = ControlNotYetTreated
		}
		if rep%7 == 0 {
			opts.Base = BaseUniversal
		}
		ids, groups := ObservedGroups(unit, group)
		fast := DiDTimingStatistic(ids, unit, period, y, w, opts)
		full := didTimingStatisticFull(ids, unit, period, y, w, opts)
		a := slices.Clone(groups)
		for k := range 12 {
			if k > 0 {
				rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
			}
			got, errFast := fast(slices.Clone(a))
			want, errFull := full(slices.Clone(a))
			name := fmt.Sprintf("rep %d (n %d, %+v), permutation %d", rep, n, opts, k)
			if (errFast != nil) != (errFull != nil) {
				t.Fatalf("%s: fast error %v, general error %v", name, errFast, errFull)
			}
			if errFull != nil {
				failedBoth++
				continue
			}
			if d := math.Abs(got - want); d > 1e-10*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s: fast %.15g, general %.15g", name, got, want)
			}
			compared++
		}
	}
	if compared < 400 {
		t.Errorf("only %d assignments compared (%d failed on both paths)", compared, failedBoth)
	}
	t.Logf("%d assignments equal, %d undefined on both paths", compared, failedBoth)
}

// TestDiDTimingFastFallsBack checks the cases the fast path leaves to the general one: without
// SkipEmptyCells, on a panel ATTGT rejects, and on an assignment that is not a permutation of the
// first one.
func TestDiDTimingFastFallsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	unit, period, group, y, _ := randomTimingPanel(rng, 20, 8, 0.4, true, false, false)
	ids, groups := ObservedGroups(unit, group)
	for _, skip := range []bool{false, true} {
		opts := DiDOptions{SkipEmptyCells: skip}
		fast := DiDTimingStatistic(ids, unit, period, y, nil, opts)
		full := didTimingStatisticFull(ids, unit, period, y, nil, opts)
		if _, err := fast(slices.Clone(groups)); err != nil {
			t.Fatal(err)
		}
		other := slices.Clone(groups)
		other[0], other[1] = 5, 0 // a different multiset of labels
		got, err1 := fast(slices.Clone(other))
		want, err2 := full(slices.Clone(other))
		if (err1 == nil) != (err2 == nil) || (err1 == nil && math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want))) {
			t.Errorf("skip %v: other labels: fast %v (%v), general %v (%v)", skip, got, err1, want, err2)
		}
	}
	// A unit observed twice in a period: ATTGT's error, through either path.
	unit2, period2, y2 := append(slices.Clone(unit), unit[0]), append(slices.Clone(period), period[0]), append(slices.Clone(y), 1)
	group2 := append(slices.Clone(group), group[0])
	ids2, groups2 := ObservedGroups(unit2, group2)
	_, err := DiDTimingStatistic(ids2, unit2, period2, y2, nil, DiDOptions{SkipEmptyCells: true})(groups2)
	if !errors.Is(err, ErrInvalidPanel) {
		t.Errorf("duplicate cell: %v, want ErrInvalidPanel", err)
	}
}

// TestFisherTimingFastSamePValue runs the whole permutation test both ways on one panel: the same
// p-value, draw for draw.
func TestFisherTimingFastSamePValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	unit, period, group, y, _ := randomTimingPanel(rng, 40, 12, 1.5, true, false, true)
	ids, groups := ObservedGroups(unit, group)
	opts := DiDOptions{SkipEmptyCells: true, Control: ControlNotYetTreated}
	a, err := FisherTimingTest(context.Background(), groups, DiDTimingStatistic(ids, unit, period, y, nil, opts),
		PermutationOptions{Draws: 199, Src: rand.NewPCG(1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := FisherTimingTest(context.Background(), groups, didTimingStatisticFull(ids, unit, period, y, nil, opts),
		PermutationOptions{Draws: 199, Src: rand.NewPCG(1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if a.P != b.P || a.Undefined != b.Undefined || math.Abs(a.Observed-b.Observed) > 1e-10*math.Abs(b.Observed) {
		t.Errorf("fast %+v, general %+v", a, b)
	}
	if a.P > 0.05 {
		t.Errorf("p = %v (t %v) on a panel with a planted effect of 1.5 noise SDs in 40 units", a.P, a.Observed)
	}
}

// BenchmarkDiDTimingStatistic is one permutation's statistic on the benchmarks' panel shape: 5,000
// units × 36 months, twenty monthly cohorts and a third never treated, not-yet-treated controls;
// "general" is ATTGT and Aggregate, "fast" the path the analysis uses.
func BenchmarkDiDTimingStatistic(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	var unit, period []int
	var y []float64
	var groups []int
	for i := range 5000 {
		g := 0
		if i%3 != 0 {
			g = 13 + i%20
		}
		groups = append(groups, g)
		fe := rng.NormFloat64()
		for t := 1; t <= 36; t++ {
			unit, period, y = append(unit, i), append(period, t), append(y, fe+rng.NormFloat64())
		}
	}
	ids := make([]int, 5000)
	for i := range ids {
		ids[i] = i
	}
	opts := DiDOptions{SkipEmptyCells: true, Control: ControlNotYetTreated}
	for _, c := range []struct {
		name string
		stat func([]int) (float64, error)
	}{{"fast", DiDTimingStatistic(ids, unit, period, y, nil, opts)}, {"general", didTimingStatisticFull(ids, unit, period, y, nil, opts)}} {
		b.Run(c.name, func(b *testing.B) {
			a := slices.Clone(groups)
			for range b.N {
				rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
				if _, err := c.stat(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
