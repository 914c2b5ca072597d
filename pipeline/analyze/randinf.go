package analyze

import (
	"context"
	"hash/fnv"
	"math/rand/v2"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// setRandomization fills the Fisher randomization p-value of a headline DiD row r
// (ri_p_value, ri_permutations, ri_exact): the cohort labels of the units of p are permuted
// across units (cohort sizes kept) and the studentized simple aggregation re-estimated with the
// options of the headline (not-yet-treated or never-treated controls, anticipation plus washout),
// see stats.FisherTimingTest. Exact enumeration when the distinct assignments are at most
// stats.DefaultMaxExact, else analysis.permutations permutations from analysis.seed with the metric
// name as stream. The outcomes and the panel's missing cells stay as observed: under the sharp
// null they do not depend on the assignment, except that the washout left out the months around
// each unit's real treatment start, which the permuted assignments keep out too (a small loss of
// data, not of validity: the statistic is still a fixed function of data and assignment).
// Only the metric's catalog outcome (the headline candidate) is tested, not sensitivity rows.
// A row without an estimate, or whose statistic is undefined, gets no p-value (columns NULL).
func setRandomization(r *models.Estimate, p *intPanel, a config.Analysis, washout int, m queries.Metric, outcome string) {
	if p == nil || len(p.unit) == 0 || r.RIPermutations > 0 || outcome != outcomeOf(m) || a.Permutations == 0 {
		return
	}
	stream := m.Name
	opts := stats.DiDOptions{Anticipation: a.Anticipation + washout, SkipEmptyCells: true}
	if a.Control != "never_treated" {
		opts.Control = stats.ControlNotYetTreated
	}
	ids, groups := stats.ObservedGroups(p.unit, p.group)
	stat := stats.DiDTimingStatistic(ids, p.unit, p.time, p.y, nil, opts)
	h := fnv.New64a()
	h.Write([]byte("randomization/" + stream))
	res, err := stats.FisherTimingTest(context.Background(), groups, stat,
		stats.PermutationOptions{Draws: a.Permutations, Src: rand.NewPCG(a.Seed, h.Sum64())})
	if err != nil {
		return
	}
	r.RIPValue, r.RIPermutations, r.RIExact = res.P, res.Permutations, res.Exact
}
