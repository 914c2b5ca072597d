package stats

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// KMStep is one row of a Kaplan–Meier curve: the state just after Time.
type KMStep struct {
	// Time is a distinct observed time (of an event or a censoring).
	Time float64
	// AtRisk is the (weighted) number still under observation just before
	// Time.
	AtRisk float64
	// Events and Censored are the (weighted) numbers of events and of
	// censorings at Time.
	Events, Censored float64
	// Surv is the Kaplan–Meier estimate S(Time).
	Surv float64
	// StdErr is the Greenwood standard error of log S(Time),
	// √Σ d/(n(n−d)) over event times ≤ Time (R's survfit std.err); the
	// Greenwood standard error of S itself is Surv·StdErr. It is +Inf once
	// S reaches 0.
	StdErr float64
	// Lower and Upper are the pointwise confidence limits for S(Time) on the
	// log scale (R's conf.type = "log"); NaN once S reaches 0.
	Lower, Upper float64
}

// KMCurve is a Kaplan–Meier survival curve.
type KMCurve struct {
	// Steps holds one row per distinct observed time, in increasing order.
	Steps []KMStep
	// Level is the confidence level of the pointwise limits.
	Level float64
}

// KaplanMeier estimates the survival function from right-censored
// durations, as R's
//
//	survfit(Surv(time, event) ~ 1, weights = weights, conf.type = "log",
//	        conf.int = level)
//
// time[i] is the observed duration of item i and event[i] reports whether
// the item's end was observed (true) or the item was still open at the
// cut-off, i.e. censored at time[i] (false). With n_j the (weighted) number
// at risk just before the distinct time t_j and d_j the (weighted) number of
// events at t_j,
//
//	S(t) = Π_{t_j ≤ t} (1 − d_j/n_j)
//	Var[log S(t)] = Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j))          (Greenwood)
//	CI: exp(log S(t) ± z_{(1+level)/2}·√Var[log S(t)]), upper limit capped at 1.
//
// Censored items count as at risk at their own censoring time (events are
// processed before censorings at tied times). Observations with a NaN time
// are dropped. weights may be nil (all 1); case weights count as frequencies
// and enter n_j and d_j as sums. With non-integer weights R defaults to a
// robust (infinitesimal jackknife) variance; this function gives R's
// robust = FALSE, the Greenwood formula on weighted counts.
//
// Assumptions: censoring is independent of the event process
// (non-informative). Source: Kaplan & Meier (1958); Greenwood (1926);
// Therneau & Grambsch (2000), Modeling Survival Data, §2.1; R survival
// package 3.5.
//
// KaplanMeier panics if the slices differ in length, if a weight is negative
// or if level is not in (0, 1); it returns ErrEmptyCell if no observation
// (with positive weight) remains.
func KaplanMeier(time []float64, event []bool, weights []float64, level float64) (curve KMCurve, err error) {
	if len(time) != len(event) || (weights != nil && len(weights) != len(time)) {
		panic("stats: length mismatch")
	}
	checkLevel(level)
	curve.Level = level
	type obs struct {
		t, w float64
		e    bool
	}
	data := make([]obs, 0, len(time))
	for i, t := range time {
		w := 1.0
		if weights != nil {
			w = weights[i]
			if w < 0 {
				panic("stats: negative weight")
			}
		}
		if math.IsNaN(t) || w == 0 {
			continue
		}
		data = append(data, obs{t, w, event[i]})
	}
	if len(data) == 0 {
		return curve, ErrEmptyCell
	}
	sort.Slice(data, func(a, b int) bool { return data[a].t < data[b].t })
	var atRisk float64
	for _, o := range data {
		atRisk += o.w
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	s, varLog := 1.0, 0.0
	for i := 0; i < len(data); {
		st := KMStep{Time: data[i].t, AtRisk: atRisk}
		j := i
		for ; j < len(data) && data[j].t == st.Time; j++ {
			if data[j].e {
				st.Events += data[j].w
			} else {
				st.Censored += data[j].w
			}
		}
		if st.Events > 0 {
			s *= 1 - st.Events/atRisk
			if st.Events < atRisk {
				varLog += st.Events / (atRisk * (atRisk - st.Events))
			} else {
				varLog = math.Inf(1)
			}
		}
		st.Surv = s
		st.StdErr = math.Sqrt(varLog)
		if s > 0 && !math.IsInf(varLog, 1) {
			st.Lower = math.Exp(math.Log(s) - z*st.StdErr)
			st.Upper = math.Min(1, math.Exp(math.Log(s)+z*st.StdErr))
		} else {
			st.Lower, st.Upper = math.NaN(), math.NaN()
		}
		curve.Steps = append(curve.Steps, st)
		atRisk -= st.Events + st.Censored
		i = j
	}
	return curve, nil
}

// At returns the Kaplan–Meier estimate S(t): 1 before the first time, the
// value of the last step at or before t otherwise.
func (c KMCurve) At(t float64) float64 {
	k := sort.Search(len(c.Steps), func(i int) bool { return c.Steps[i].Time > t })
	if k == 0 {
		return 1
	}
	return c.Steps[k-1].Surv
}

// Median returns the median survival time and its confidence interval, as
// printed by R's print.survfit; it is Quantile(0.5).
func (c KMCurve) Median() (med, lo, hi float64) {
	return c.Quantile(0.5)
}

// Quantile returns the time by which a fraction p of items have had their
// event, q = inf{t : S(t) ≤ 1 − p}, with the confidence interval obtained by
// applying the same rule to the lower (giving lo) and upper (giving hi)
// pointwise limits (Brookmeyer & Crowley 1982), exactly as R's
// quantile.survfit: where S is equal to 1 − p (within √ε) on a flat stretch,
// q is the midpoint between the time S reaches 1 − p and the next time it
// drops (or the last observed time if it never drops again). Any of q, lo
// and hi is NaN where the corresponding curve never falls to 1 − p ("not
// reached"; R prints NA). Quantile panics if p is outside [0, 1].
func (c KMCurve) Quantile(p float64) (q, lo, hi float64) {
	if !(p >= 0 && p <= 1) {
		panic("stats: quantile probability out of [0, 1]")
	}
	n := len(c.Steps)
	x := make([]float64, n+1)
	ys, yl, yu := make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	// x[0] = 0: R starts the curve at time 0 (survfit's start.time).
	for i, st := range c.Steps {
		x[i+1] = st.Time
		ys[i+1] = 1 - st.Surv
		yl[i+1] = 1 - st.Lower
		yu[i+1] = 1 - st.Upper
	}
	return findq(x, ys, p), findq(x, yl, p), findq(x, yu, p)
}

// findq is survival:::findq: the p-quantile of the non-decreasing step
// function y (cumulative incidence) at knots x, with y[0] = 0.
func findq(x, y []float64, p float64) float64 {
	tol := math.Sqrt(0x1p-52)
	maxY := math.Inf(-1)
	for _, v := range y {
		if !math.IsNaN(v) && v > maxY {
			maxY = v
		}
	}
	if maxY < p {
		return math.NaN()
	}
	xmax := x[len(x)-1]
	// Drop repeated y values, keeping the first x of each (the time the
	// curve reached that value); NaN counts as one value.
	var dx, dy []float64
	seen := make(map[float64]bool, len(y))
	seenNaN := false
	for i, v := range y {
		if math.IsNaN(v) {
			if seenNaN {
				continue
			}
			seenNaN = true
		} else {
			if seen[v] {
				continue
			}
			seen[v] = true
		}
		dx = append(dx, x[i])
		dy = append(dy, v)
	}
	if p == 0 {
		return dx[0]
	}
	// approx(y ± tol, 1:n, p, method = "constant", f = 1): the first knot
	// at or above p, ignoring NaN knots; NaN outside the knots' range.
	first := func(shift float64) int {
		lowest := true
		for i, v := range dy {
			if math.IsNaN(v) {
				continue
			}
			if v+shift >= p {
				if lowest && v+shift > p {
					return -1 // below the first knot
				}
				return i
			}
			lowest = false
		}
		return -1
	}
	i1, i2 := first(tol), first(-tol)
	q := math.NaN()
	if i1 >= 0 && i2 >= 0 {
		q = (dx[i1] + dx[i2]) / 2
	}
	if last := dy[len(dy)-1]; !math.IsNaN(last) && math.Abs(p-last) < tol && i1 >= 0 {
		q = (dx[i1] + xmax) / 2
	}
	return q
}
