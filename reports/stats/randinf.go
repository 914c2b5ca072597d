package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
)

// ErrNoStatistic reports that the observed assignment gives no statistic (the estimator failed
// on the real data), so there is nothing to compare permutations with.
var ErrNoStatistic = errors.New("stats: statistic undefined on the observed assignment")

// PermutationOptions configures FisherTimingTest.
type PermutationOptions struct {
	// MaxExact is the largest number of distinct assignments enumerated exactly; above it
	// Draws random permutations are sampled. 0 means DefaultMaxExact.
	MaxExact int
	// Draws is the number of random permutations when the assignments are too many to
	// enumerate. 0 means DefaultPermutationDraws.
	Draws int
	// Src drives the random permutations. If nil, a fixed-seed PCG source is used, so the
	// p-value is reproducible either way.
	Src rand.Source
}

// DefaultMaxExact is PermutationOptions.MaxExact's default: up to 5000 distinct timing
// assignments are enumerated.
const DefaultMaxExact = 5000

// DefaultPermutationDraws is PermutationOptions.Draws' default.
const DefaultPermutationDraws = 999

// PermutationTest is the result of FisherTimingTest.
type PermutationTest struct {
	// Observed is the statistic on the real assignment.
	Observed float64
	// P is the two-sided permutation p-value (see FisherTimingTest).
	P float64
	// Permutations is the number of assignments the statistic was compared with: every
	// distinct assignment (the observed one included) when Exact, else the random draws.
	Permutations int
	// Exact reports complete enumeration of the distinct assignments.
	Exact bool
	// Distinct is the number of distinct assignments N! / Π_g n_g! (may be astronomically
	// large; it is exact, as a big integer).
	Distinct *big.Int
	// Undefined counts the assignments whose statistic could not be computed (the estimator
	// failed on them); they count as at least as extreme as the observed one (conservative).
	Undefined int
}

// FisherTimingTest is a Fisher randomization test of the sharp null of no treatment effect for a
// staggered rollout whose timing is as good as random (Roth & Sant'Anna, "Efficient Estimation for
// Staggered Rollout Designs", J. Political Economy Microeconomics 2023, §4; their R package
// staggered, compute_fisher = TRUE): the vector of first-treated periods (cohort labels, 0 for
// never treated) is permuted across units, keeping every cohort's size, the estimator is re-run
// on each permuted assignment with the outcomes unchanged (under the sharp null they do not
// depend on the assignment), and the observed statistic is ranked among the permuted ones.
//
// groups[i] is unit i's observed cohort; stat(assign) returns the statistic for a complete
// assignment (assign[i] = cohort of unit i), or an error when it is undefined. Use a studentized
// statistic (estimate / standard error): then the test is exact for the sharp null and
// asymptotically valid for the null of no average effect (Wu & Ding 2021, JASA 116(536);
// Roth & Sant'Anna 2023).
//
// When the number of distinct assignments N! / Π_g n_g! is at most MaxExact, every distinct
// assignment is enumerated (multiset permutations in lexicographic order) and
//
//	P = #{a : |T(a)| ≥ |T_obs|} / #assignments,
//
// which is exactly the probability of a statistic at least as extreme under random timing
// (the observed assignment is among them). Otherwise Draws uniform random permutations
// (Fisher–Yates) are drawn and
//
//	P = (1 + #{b : |T_b| ≥ |T_obs|}) / (1 + Draws),
//
// which is a valid p-value (P(P ≤ α) ≤ α) for any number of draws (Lehmann & Romano, Testing
// Statistical Hypotheses, 3rd ed., §15.2.1). Ties are compared with a relative tolerance of
// 1e-9 so that an assignment identical to the observed one up to rounding counts as as extreme.
// (staggered reports mean(|T_obs| < |T_b|) over its draws, which omits the +1 and differs
// by at most 1/(1+Draws).)
//
// FisherTimingTest returns ErrNoStatistic (wrapping stat's error) when stat fails on the observed
// assignment, and ctx's error when cancelled.
func FisherTimingTest(ctx context.Context, groups []int, stat func(assign []int) (float64, error), opts PermutationOptions) (PermutationTest, error) {
	maxExact := opts.MaxExact
	if maxExact <= 0 {
		maxExact = DefaultMaxExact
	}
	draws := opts.Draws
	if draws <= 0 {
		draws = DefaultPermutationDraws
	}
	res := PermutationTest{Distinct: DistinctAssignments(groups), P: math.NaN()}
	obs, err := stat(slices.Clone(groups))
	if err != nil {
		return res, fmt.Errorf("%w: %w", ErrNoStatistic, err)
	}
	if math.IsNaN(obs) {
		return res, ErrNoStatistic
	}
	res.Observed = obs
	ref := math.Abs(obs)
	extreme := func(t float64, err error) bool {
		if err != nil || math.IsNaN(t) {
			res.Undefined++
			return true
		}
		return math.Abs(t) >= ref-1e-9*math.Max(ref, 1e-300)
	}

	if res.Distinct.IsInt64() && res.Distinct.Int64() <= int64(maxExact) {
		res.Exact = true
		a := slices.Clone(groups)
		slices.Sort(a)
		count := 0
		for {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			res.Permutations++
			if extreme(stat(slices.Clone(a))) {
				count++
			}
			if !nextMultisetPermutation(a) {
				break
			}
		}
		res.P = float64(count) / float64(res.Permutations)
		return res, nil
	}

	src := opts.Src
	if src == nil {
		src = rand.NewPCG(0x5eed, 0xf15e)
	}
	rng := rand.New(src)
	a := slices.Clone(groups)
	count := 0
	for b := 0; b < draws; b++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
		res.Permutations++
		if extreme(stat(slices.Clone(a))) {
			count++
		}
	}
	res.P = float64(1+count) / float64(1+draws)
	return res, nil
}

// DistinctAssignments returns the number of distinct ways to assign the cohort labels of groups
// to its units keeping every cohort's size: the multinomial coefficient N! / Π_g n_g!.
func DistinctAssignments(groups []int) *big.Int {
	counts := map[int]int64{}
	for _, g := range groups {
		counts[g]++
	}
	out := new(big.Int).MulRange(1, int64(len(groups)))
	if len(groups) == 0 {
		out.SetInt64(1)
	}
	for _, n := range counts {
		out.Quo(out, new(big.Int).MulRange(1, n))
	}
	return out
}

// nextMultisetPermutation rearranges a into the next permutation in lexicographic order and
// reports whether there was one (Knuth, TAOCP 4A, Algorithm 7.2.1.2L); starting from the sorted
// slice it visits every distinct permutation of a multiset once.
func nextMultisetPermutation(a []int) bool {
	j := len(a) - 2
	for j >= 0 && a[j] >= a[j+1] {
		j--
	}
	if j < 0 {
		return false
	}
	l := len(a) - 1
	for a[l] <= a[j] {
		l--
	}
	a[j], a[l] = a[l], a[j]
	slices.Reverse(a[j+1:])
	return true
}

// didTimingStatisticFull is DiDTimingStatistic by the general path: ATTGT and Aggregate re-run on
// every assignment. It is kept for the cases the fast path does not cover and as its test oracle.
//
// It returns a statistic for FisherTimingTest on a long panel (the inputs of
// ATTGT, one row per unit and period, unit ids in unit): the studentized simple aggregation
// ATT / SE (analytic, influence-function standard error) of ATTGT with opts, re-estimated with
// every unit's group replaced by assign[k] for the unit ids[k]. ids are the distinct unit ids in
// the order of the groups slice given to FisherTimingTest; ObservedGroups returns both.
// opts.Bootstrap is ignored (the analytic SE studentizes).
func didTimingStatisticFull(ids, unit, period []int, y, weights []float64, opts DiDOptions) func(assign []int) (float64, error) {
	opts.Bootstrap = 0
	pos := make(map[int]int, len(ids))
	for k, id := range ids {
		pos[id] = k
	}
	rowUnit := make([]int, len(unit))
	for r, id := range unit {
		rowUnit[r] = pos[id]
	}
	group := make([]int, len(unit))
	return func(assign []int) (float64, error) {
		for r := range group {
			group[r] = assign[rowUnit[r]]
		}
		gt, err := ATTGT(unit, period, group, y, weights, opts)
		if err != nil {
			return math.NaN(), err
		}
		agg, err := gt.Aggregate(AggSimple, nil)
		if err != nil {
			return math.NaN(), err
		}
		if !(agg.SE > 0) {
			return math.NaN(), fmt.Errorf("stats: simple aggregation: zero standard error: %w", ErrNoVariation)
		}
		return agg.ATT / agg.SE, nil
	}
}

// ObservedGroups returns the distinct unit ids of a long panel, sorted, and each one's group (the
// first row's; ATTGT checks that it is constant within unit).
func ObservedGroups(unit, group []int) (ids, groups []int) {
	first := map[int]int{}
	for r, id := range unit {
		if _, ok := first[id]; !ok {
			first[id] = group[r]
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	groups = make([]int, len(ids))
	for k, id := range ids {
		groups[k] = first[id]
	}
	return ids, groups
}
