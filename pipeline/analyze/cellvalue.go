package analyze

import (
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
)

// CellValue returns the headline DiD outcome of one panel cell of metric m — the metric's catalog
// outcome: the restricted (or resolved) mean log duration, the share, or the per-event rate — and
// the number of events behind it, exactly as the analysis puts the cell in its panel. A cell with
// a NaN value or no event is left out of the analysis. (The analysis also leaves out periods with
// more than analysis.max_censored open items for the resolved mean log outcome; that rule is not
// applied here, and no catalog metric has that outcome as its headline.) Added for pipeline/plan,
// which lays placebo rollouts on these panels.
func CellValue(m queries.Metric, c metrics.Cell) (float64, int64) {
	return cellOutcome(outcomeOf(m), c)
}
