package analyze

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/roi"
	"github.com/trainimpact/trainimpact/reports/stats"
)

// The paired pre/post comparison of assessment scores within person.
const (
	// MethodPairedSignedRank is the method of the paired assessment rows.
	MethodPairedSignedRank = "paired_signed_rank"
	// MetricAssessmentScore is the catalog metric the paired rows belong to.
	MetricAssessmentScore = "assessment_score"
	// AggInstrumentPrefix starts the aggregation of a paired row: "instrument:<name>".
	AggInstrumentPrefix = "instrument:"
)

// PairedAssessments compares, per instrument, trained people's assessment score after their
// completion of the program with their own score before it (metrics.AssessmentPairs): the
// Hodges–Lehmann estimate of the change d = post − pre (median of the Walsh averages
// (d_i + d_j)/2, i ≤ j) with its distribution-free interval, and the two-sided Wilcoxon
// signed-rank p-value (Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, 3rd ed.,
// §3.1–3.3; stats.HodgesLehmannCI and stats.SignedRank, pinned to R's wilcox.test). Scale: share
// of the instrument's maximum. relative_change = estimate / mean pre score. Not causal: no
// comparison group (flag not_causal). A row resting on fewer than analysis.min_cell pairs keeps
// its count but not its numbers (flag suppressed). Rows come sorted by instrument.
func PairedAssessments(pairs map[string][]metrics.AssessmentPair, a config.Analysis) []models.Estimate {
	instruments := make([]string, 0, len(pairs))
	for k := range pairs {
		instruments = append(instruments, k)
	}
	sort.Strings(instruments)
	var out []models.Estimate
	for _, inst := range instruments {
		ps := pairs[inst]
		nan := math.NaN()
		r := models.Estimate{Metric: MetricAssessmentScore, Method: MethodPairedSignedRank, Aggregation: AggInstrumentPrefix + inst,
			Scale: roi.ScaleShare, Estimate: nan, CILow: nan, CIHigh: nan, RelativeChange: nan, StdError: nan, PValue: nan,
			QValue: nan, MDE: nan, Flags: []string{FlagNotCausal}}
		d := make([]float64, len(ps))
		var pre float64
		for i, p := range ps {
			d[i] = p.Post - p.Pre
			pre += p.Pre
		}
		r.NTreatedUnits = len(ps)
		r.NEventsPre, r.NEventsPost = int64(len(ps)), int64(len(ps))
		if len(ps) < a.MinCell {
			r.Flags = append(r.Flags, FlagSmallSample)
		}
		est, lo, hi, err := stats.HodgesLehmannCI(d, 1-a.Alpha)
		if err != nil {
			r.Flags = append(r.Flags, FlagNotEstimable)
			out = append(out, r)
			continue
		}
		r.Estimate, r.CILow, r.CIHigh = est, lo, hi
		z := zQuantile(1 - a.Alpha/2)
		r.StdError = (hi - lo) / (2 * z)
		r.MDE = mde(r.StdError, a.Alpha, math.Inf(1))
		if sr, err := stats.SignedRank(d); err == nil {
			r.PValue = sr.P
		}
		if pre > 0 {
			r.RelativeChange = est / (pre / float64(len(ps)))
		}
		if len(ps) < a.MinCell {
			suppress(&r)
		}
		out = append(out, r)
	}
	return out
}

// pairedAssessments computes the paired assessment rows (PairedAssessments) of the analysis res
// that Run is writing in w — pairs known at its cut-off — stamped with its analysis id, period and
// now, in the population analysis.dropouts configures (a within-person comparison has no
// comparison group, so it is the same under both).
func pairedAssessments(ctx context.Context, w *store.Writer, cfg *config.Config, res *Result, now time.Time) ([]models.Estimate, error) {
	pairs, err := metrics.AssessmentPairs(ctx, w, res.Cutoff)
	if err != nil {
		return nil, fmt.Errorf("analyze: paired assessments: %w", err)
	}
	rows := PairedAssessments(pairs, cfg.Analysis)
	for i := range rows {
		rows[i].AnalysisID, rows[i].Period, rows[i].ComputedAt = res.AnalysisID, res.Period, now.UTC()
		rows[i].Population = populationOf(cfg.Analysis.Dropouts)
	}
	return rows, nil
}
