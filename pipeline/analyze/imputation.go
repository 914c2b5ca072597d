package analyze

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// Thin cells, estimated. A metric with a few events per unit and period (failed deployments: about
// one team-month in seven has one) leaves Callaway & Sant'Anna's group-time cells resting on single
// treated units (thinCells), and was left not estimated. The imputation estimator of Borusyak,
// Jaravel & Spiess (2024; stats.Imputation) needs no unit observed in both of two given periods:
// each unit's level comes from all its untreated cells, the periods' common movement from every
// untreated cell, and each treated cell is compared with what those predict. Same estimand (the
// average effect on the treated under parallel trends), event-weighted cells, a team-clustered
// bootstrap for the interval. What it does not give here: an event study, the pre-trend test, the
// permutation p-value and the sensitivity rows (all built on the group-time cells); the row says
// so (FlagImputation, pretrend_note).

// ImputationMinDraws is the fewest cluster bootstrap draws behind an imputation row's standard
// error: the estimator has no analytic one, so analysis.bootstrap 0 (analytic standard errors
// only) still draws this many.
const ImputationMinDraws = 199

// imputationNote is the pretrend_note of an imputation row.
const imputationNote = "imputation estimator (too few events per team and period for group-time comparisons): no event study or pre-trend test"

// imputed fills the headline row head of a thin-celled DiD with the imputation estimate on the
// same panel (weights: the events behind each cell), its t interval on t(G₁ − 1) with G₁ the
// treated units behind it and a unit bootstrap's standard error, and reports whether it could be
// estimated. flags are the row's flags so far; postSum/postW the event-weighted treated
// post-treatment outcome (the counterfactual level of shares and rates, as for the other DiD rows).
func imputed(head *models.Estimate, p *intPanel, weights []float64, a config.Analysis, anticipation int, stream string,
	flags []string, postSum, postW float64, boot int) bool {
	h := fnv.New64a()
	h.Write([]byte("imputation:" + stream))
	r, err := stats.Imputation(p.unit, p.time, p.group, p.y, weights, stats.ImputationOptions{Anticipation: anticipation,
		Bootstrap: max(boot, ImputationMinDraws), Src: rand.NewPCG(a.Seed, h.Sum64())})
	if err != nil || r.NTreatedUnits < 2 || math.IsNaN(r.SE) {
		return false
	}
	df := float64(r.NTreatedUnits - 1)
	crit := stats.TCritical(a.Alpha, df)
	head.Estimate, head.StdError = r.ATT, r.SE
	head.CILow, head.CIHigh = r.ATT-crit*r.SE, r.ATT+crit*r.SE
	head.PValue = stats.TPValue(r.ATT, r.SE, df)
	head.MDE = mde(r.SE, a.Alpha, df)
	counterfactual := math.NaN()
	if postW > 0 {
		if cf := postSum/postW - r.ATT; cf > 0 {
			counterfactual = cf
		}
	}
	head.RelativeChange = relChange(head.Scale, r.ATT, counterfactual)
	head.NTreatedUnits, head.NControlUnits = r.NTreatedUnits, r.NUntreatedUnits
	head.Flags = append(append([]string(nil), flags...), FlagImputation)
	if r.NTreatedUnits < a.MinCell || r.NUntreatedUnits < a.MinCell {
		head.Flags = append(head.Flags, FlagSmallSample)
	}
	head.PretrendNote = imputationNote
	return true
}
