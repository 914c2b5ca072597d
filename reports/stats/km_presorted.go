package stats

import (
	"math"
	"sort"
)

// KMPresorted holds right-censored durations sorted once, so that the Kaplan–Meier median can be
// refitted cheaply under other case weights (a bootstrap that resamples clusters reweights the
// same observations). Median(w) equals KaplanMeier(time, event, w, ·).Median()'s estimate.
type KMPresorted struct {
	t     []float64
	e     []bool
	order []int // indices into the caller's slices, by time
}

// PresortKM sorts the durations by time (NaN times are dropped, as KaplanMeier does). It panics if
// the slices differ in length.
func PresortKM(time []float64, event []bool) *KMPresorted {
	if len(time) != len(event) {
		panic("stats: length mismatch")
	}
	p := &KMPresorted{t: time, e: event}
	for i, t := range time {
		if !math.IsNaN(t) {
			p.order = append(p.order, i)
		}
	}
	sort.SliceStable(p.order, func(a, b int) bool { return time[p.order[a]] < time[p.order[b]] })
	return p
}

// Median returns the Kaplan–Meier median under case weights w (indexed like the slices given to
// PresortKM; negative weights panic): q = inf{t : S(t) ≤ 0.5} with R's rule for a curve flat at
// 0.5 (see KMCurve.Quantile), NaN when not reached or when no weight is positive.
func (p *KMPresorted) Median(w []float64) float64 {
	var atRisk float64
	for _, i := range p.order {
		if w[i] < 0 {
			panic("stats: negative weight")
		}
		atRisk += w[i]
	}
	if !(atRisk > 0) {
		return math.NaN()
	}
	x := []float64{0}
	y := []float64{0}
	s := 1.0
	for k := 0; k < len(p.order); {
		t := p.t[p.order[k]]
		var ev, cens float64
		j := k
		for ; j < len(p.order) && p.t[p.order[j]] == t; j++ {
			i := p.order[j]
			if p.e[i] {
				ev += w[i]
			} else {
				cens += w[i]
			}
		}
		k = j
		if ev+cens == 0 {
			continue // no weight at this time: KaplanMeier has no step here
		}
		if ev > 0 {
			s *= 1 - ev/atRisk
		}
		x, y = append(x, t), append(y, 1-s)
		atRisk -= ev + cens
	}
	return findqMonotone(x, y, 0.5)
}

// findqMonotone is findq for a non-decreasing y without NaN (a Kaplan–Meier cumulative
// incidence): equal values are then adjacent, so the repeated ones are dropped in one pass
// instead of through a map, which matters when a bootstrap calls it thousands of times.
func findqMonotone(x, y []float64, p float64) float64 {
	tol := math.Sqrt(0x1p-52)
	if y[len(y)-1] < p {
		return math.NaN()
	}
	xmax := x[len(x)-1]
	dx, dy := x[:0:0], y[:0:0]
	for i, v := range y {
		if i > 0 && v == y[i-1] {
			continue
		}
		dx, dy = append(dx, x[i]), append(dy, v)
	}
	first := func(shift float64) int {
		for i, v := range dy {
			if v+shift >= p {
				if i == 0 && v+shift > p {
					return -1
				}
				return i
			}
		}
		return -1
	}
	i1, i2 := first(tol), first(-tol)
	q := math.NaN()
	if i1 >= 0 && i2 >= 0 {
		q = (dx[i1] + dx[i2]) / 2
	}
	if last := dy[len(dy)-1]; math.Abs(p-last) < tol && i1 >= 0 {
		q = (dx[i1] + xmax) / 2
	}
	return q
}
