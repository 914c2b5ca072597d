package analyze

import (
	"math"
	"slices"

	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
)

// inference adds to the headline population's DiD outcome of metric m (pool.headline; the other
// population's rows are left as they are) the Fisher randomization p-value of its headline row
// (setRandomization) and, with analysis.sensitivity, the relative-magnitudes sensitivity rows with
// the breakdown value (sensitivityRows), both on the panel of the metric's catalog outcome as didRows builds it. They
// run here, on the production path, and not in estimatePanel, which the simulation studies call
// thousands of times.
func (pool *metricPool) inference(out metricOutcome, m queries.Metric, p *metrics.Panel) metricOutcome {
	if !pool.headline || p == nil || len(out.rows) == 0 {
		return out
	}
	outcome := outcomeOf(m)
	head := &out.rows[out.headline]
	if head.Method != MethodDiD || head.Outcome != outcome || slices.Contains(head.Flags, FlagImputation) {
		return out // no group-time cells to permute or bend (imputation.go)
	}
	panel, washout := headlinePanel(p, outcome, pool.a.MaxCensored)
	setRandomization(head, panel, pool.a, washout, m, outcome)
	if pool.a.Sensitivity {
		out.rows = append(out.rows, sensitivityRows(head, panel, pool.a, washout, m, outcome)...)
	}
	return out
}

// headlinePanel is the unit × period panel of cell outcomes didRows estimates on (periods with
// more than maxCensored open events left out for resolved_mean_log; periods without any cell not
// counted, compactPeriods), and the most periods any unit spends in washout.
func headlinePanel(p *metrics.Panel, outcome string, maxCensored float64) (*intPanel, int) {
	panel := &intPanel{units: len(p.Units)}
	if len(p.Cells) == 0 {
		return panel, 0
	}
	lo, hi := p.Cells[0].Period, p.Cells[0].Period
	for _, cell := range p.Cells {
		lo, hi = min(lo, cell.Period), max(hi, cell.Period)
	}
	drop := make([]bool, hi-lo+1)
	if outcome == OutcomeResolvedMeanLog {
		n, c := make([]int64, hi-lo+1), make([]int64, hi-lo+1)
		for _, cell := range p.Cells {
			n[cell.Period-lo] += cell.N
			c[cell.Period-lo] += cell.NCensored
		}
		for t := range n {
			drop[t] = n[t] > 0 && float64(c[t]) > maxCensored*float64(n[t])
		}
	}
	var treatedPeriod []int
	for _, cell := range p.Cells {
		if drop[cell.Period-lo] {
			continue
		}
		y, n := cellOutcome(outcome, cell)
		if math.IsNaN(y) || n == 0 {
			continue
		}
		panel.add(cell.Unit, cell.Period, cell.Group, y)
		treatedPeriod = append(treatedPeriod, cell.TreatedPeriod)
	}
	return panel, compactPeriods(panel, treatedPeriod) // as didRows: sparse.go
}
