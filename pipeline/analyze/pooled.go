package analyze

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/roi"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// FlagNoClusterP marks a pooled row (kaplan_meier, two_proportion, rate_ratio) whose
// cluster-robust standard error could not be computed (fewer than two treated units, no
// variation, or a Kaplan–Meier median not reached in too many bootstrap draws): it keeps its
// estimate but has no interval and no p-value.
const FlagNoClusterP = "no_cluster_p"

// KMBootstrap is the number of cluster-bootstrap draws of the Kaplan–Meier row.
const KMBootstrap = 199

// kaplanMeier compares the durations of treated units before and after treatment: estimate =
// ln(median after / median before) of the pooled Kaplan–Meier curves. Events of one unit are not
// independent (a team's items share its people and ways), so the standard error comes from a
// cluster bootstrap over units (Davison & Hinkley 1997, Bootstrap Methods, §3.8; Cameron, Gelbach
// & Miller 2008, Rev. Econ. Stat. 90(3)): each of KMBootstrap draws resamples the treated units with
// replacement, each unit bringing both its windows, and recomputes the log median ratio; SE is the
// standard deviation of the draws, the interval est ± t(G−1)·SE and the p-value that of est/SE on
// t(G−1), G the number of units — the interval and the p-value test the same thing (the former
// log-rank p treated events as independent and tested equality of whole curves, not of medians).
// More than 10% of draws without both medians leave the row without SE (FlagNoClusterP).
// Not causal.
func kaplanMeier(m queries.Metric, surv *metrics.SurvivalData, a config.Analysis) (r models.Estimate) {
	r = newRow(m, MethodKaplanMeier, AggOverall, roi.ScaleLog)
	r.Flags = []string{FlagNotCausal}
	if surv == nil || surv.Windows[0] == nil || surv.Windows[1] == nil {
		r.Flags = append(r.Flags, FlagNotEstimable)
		return r
	}
	pre, post := surv.Windows[0], surv.Windows[1]
	r.NEventsPre, r.NEventsPost = pre.NEvents, post.NEvents
	units := len(surv.Units.IDs)
	r.NTreatedUnits = units
	sorted := [2]*stats.KMPresorted{stats.PresortKM(pre.Value, pre.Event), stats.PresortKM(post.Value, post.Event)}
	w := [2][]float64{make([]float64, len(pre.Count)), make([]float64, len(post.Count))}
	est, ok := logMedianRatio(sorted, [2]*metrics.Durations{pre, post}, nil, w)
	if !ok {
		r.Flags = append(r.Flags, FlagNotEstimable)
		return r
	}
	r.Estimate = est
	r.RelativeChange = math.Expm1(est)
	if units < 2 {
		r.Flags = append(r.Flags, FlagNoClusterP)
		return r
	}
	h := fnv.New64a()
	h.Write([]byte("km:" + m.Name))
	rng := rand.New(rand.NewPCG(a.Seed, h.Sum64()))
	mult := make([]float64, units)
	var draws []float64
	for range KMBootstrap {
		for i := range mult {
			mult[i] = 0
		}
		for range units {
			mult[rng.IntN(units)]++
		}
		if d, ok := logMedianRatio(sorted, [2]*metrics.Durations{pre, post}, mult, w); ok {
			draws = append(draws, d)
		}
	}
	if len(draws) < KMBootstrap*9/10 {
		r.Flags = append(r.Flags, FlagNoClusterP)
		return r
	}
	var mean, ss float64
	for _, d := range draws {
		mean += d / float64(len(draws))
	}
	for _, d := range draws {
		ss += (d - mean) * (d - mean)
	}
	se := math.Sqrt(ss / float64(len(draws)-1))
	fillClustered(&r, est, se, float64(units-1), a.Alpha)
	return r
}

// logMedianRatio returns ln(median post / median pre) of the Kaplan–Meier curves of the durations
// d (pre, post; sorted once each), each entry weighted by its count times its unit's multiplicity
// (mult; nil = 1), and false when a median is not reached or not positive. w holds scratch weights.
func logMedianRatio(sorted [2]*stats.KMPresorted, d [2]*metrics.Durations, mult []float64, w [2][]float64) (float64, bool) {
	var med [2]float64
	for k := range 2 {
		for i, c := range d[k].Count {
			w[k][i] = c
			if mult != nil {
				w[k][i] *= mult[d[k].Unit[i]]
			}
		}
		med[k] = sorted[k].Median(w[k])
		if !(med[k] > 0) || math.IsInf(med[k], 0) {
			return math.NaN(), false
		}
	}
	return math.Log(med[1] / med[0]), true
}

// fillClustered sets the interval, p-value and MDE of a pooled row from a cluster-robust SE on df
// degrees of freedom (Student's t; FlagNoClusterP when the SE is not positive).
func fillClustered(r *models.Estimate, est, se, df, alpha float64) {
	if !(se > 0) || math.IsInf(se, 0) || !(df >= 1) {
		r.Flags = append(r.Flags, FlagNoClusterP)
		return
	}
	crit := stats.TCritical(alpha, df)
	r.StdError = se
	r.CILow, r.CIHigh = est-crit*se, est+crit*se
	r.PValue = stats.TPValue(est, se, df)
	r.MDE = mde(se, alpha, df)
}

// pooledTest compares treated units' pooled events after vs before treatment: for proportions the
// share after − share before, for counts ln(rate after / rate before), with r_k = X_k / N_k the
// pooled share or per-event rate of window k (X the events' total, N their number). Events of one
// unit are not independent, so the variance is cluster-robust over units (the linearised ratio
// estimator; Cameron & Miller 2015, J. Human Resources 50(2), §II–III): unit i contributes
//
//	share:  ψ_i = (X_i1 − r_1 N_i1)/N_1 − (X_i0 − r_0 N_i0)/N_0
//	rate:   ψ_i = (X_i1 − r_1 N_i1)/X_1 − (X_i0 − r_0 N_i0)/X_0
//
// and Var = G/(G−1) Σ_i ψ_i² (CR1) over the G treated units, referred to t(G−1) for the interval
// and the p-value. (The former two-proportion and exact Poisson tests treated events as
// independent and called 8–21% of placebo comparisons significant.) Not causal.
func pooledTest(m queries.Metric, ws []metrics.Window, a config.Analysis) models.Estimate {
	type unitSums struct{ x, n [2]float64 }
	byUnit := map[string]*unitSums{}
	var x, n [2]float64
	for _, w := range ws {
		k := 0
		if w.Post {
			k = 1
		}
		u := byUnit[w.Unit]
		if u == nil {
			u = &unitSums{}
			byUnit[w.Unit] = u
		}
		u.x[k] += w.Total
		u.n[k] += float64(w.N)
		x[k] += w.Total
		n[k] += float64(w.N)
	}
	method, scale := MethodRateRatio, roi.ScaleLog
	if m.Kind == queries.KindProportion {
		method, scale = MethodTwoProportion, roi.ScaleShare
	}
	r := newRow(m, method, AggOverall, scale)
	r.Flags = []string{FlagNotCausal}
	r.NEventsPre, r.NEventsPost = int64(n[0]), int64(n[1])
	r.NTreatedUnits = len(byUnit)
	if n[0] == 0 || n[1] == 0 || (m.Kind != queries.KindProportion && (x[0] <= 0 || x[1] <= 0)) {
		r.Flags = append(r.Flags, FlagNotEstimable)
		return r
	}
	rate := [2]float64{x[0] / n[0], x[1] / n[1]}
	denom := n
	if m.Kind == queries.KindProportion {
		r.Estimate = rate[1] - rate[0]
		r.RelativeChange = relChange(roi.ScaleShare, r.Estimate, rate[0])
	} else {
		r.Estimate = math.Log(rate[1] / rate[0])
		r.RelativeChange = rate[1]/rate[0] - 1
		denom = x
	}
	units := make([]string, 0, len(byUnit))
	for u := range byUnit {
		units = append(units, u)
	}
	sort.Strings(units) // a fixed summation order
	var ss float64
	for _, id := range units {
		u := byUnit[id]
		psi := (u.x[1]-rate[1]*u.n[1])/denom[1] - (u.x[0]-rate[0]*u.n[0])/denom[0]
		ss += psi * psi
	}
	g := float64(len(units))
	if g < 2 {
		r.Flags = append(r.Flags, FlagNoClusterP)
		return r
	}
	fillClustered(&r, r.Estimate, math.Sqrt(g/(g-1)*ss), g-1, a.Alpha)
	return r
}
