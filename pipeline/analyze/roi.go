package analyze

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/roi"
	"github.com/trainimpact/trainimpact/reports/stats"
)

//go:embed roi_baseline.sql
var roiBaselineSQL string

//go:embed roi_enrolled.sql
var roiEnrolledSQL string

// Cost lines of the roi_costs table, one per roi.costs key.
const (
	CostParticipantFee    = "participant_fee"    // roi.costs.per_participant × enrolled
	CostParticipantTime   = "participant_time"   // participant_hours × enrolled, at loaded_hourly_rate
	CostFacilitation      = "facilitation"       // roi.costs.facilitation
	CostDesignDevelopment = "design_development" // roi.costs.design_development
	CostEvaluation        = "evaluation"         // roi.costs.evaluation
	CostOverhead          = "overhead"           // roi.costs.overhead
	CostOtherFixed        = "other_fixed"        // roi.costs.fixed
)

// roiCell is a (unit, period) cell of a panel.
type roiCell struct {
	unit   string
	period int
}

// roiParts is what the ROI needs from one metric's headline DiD: the estimate's influence function
// over its units (for the shared bootstrap) and, for the cohorts whose effect was estimated, the
// cells the baseline and the annual volume are taken from.
type roiParts struct {
	att float64
	// inf is the influence function of the simple ATT (stats.Aggregation.IF), names its units.
	inf   []float64
	names []string
	// tScale is t_{1−α/2, df} / z_{1−α/2}: it stretches the multiplier draws so that each metric's
	// interval is as wide as its headline t interval (few treated teams per cohort).
	tScale float64
	// pre are the DiD's cells before treatment of units of estimated cohorts (the untreated
	// outcome the effect is relative to).
	pre map[roiCell]bool
	// postEvents and group are, per unit of an estimated cohort, its events from its first treated
	// period on (washout left out) and that period g.
	postEvents map[string]int64
	group      map[string]int
}

// newROIParts collects the roiParts of a fitted DiD on panel (the cells the DiD used) built from
// p (all cells).
func newROIParts(p *metrics.Panel, panel *intPanel, res *DiDResult, alpha float64) *roiParts {
	if p == nil || res == nil || res.Simple == nil {
		return nil
	}
	gt := res.GT
	r := &roiParts{att: res.Simple.ATT, pre: map[roiCell]bool{}, postEvents: map[string]int64{}, group: map[string]int{},
		tScale: stats.TCritical(alpha, res.DF) / zQuantile(1-alpha/2)}
	if len(res.Simple.IF) == len(gt.Units) {
		r.inf = res.Simple.IF
		r.names = make([]string, len(gt.Units))
		for i, u := range gt.Units {
			r.names[i] = p.Units[u]
		}
	}
	estimated := map[int]bool{}
	for _, g := range gt.Groups {
		estimated[g] = true
	}
	// panel may number only the periods with a cell (compactPeriods); p and r keep calendar periods.
	for i, u := range panel.unit {
		if g := panel.group[i]; estimated[g] && panel.time[i] < g {
			r.pre[roiCell{p.Units[u], panel.calendarPeriod(panel.time[i])}] = true
		}
	}
	for _, c := range p.Cells {
		if !estimated[panel.compactGroup(c.Group)] {
			continue
		}
		name := p.Units[c.Unit]
		r.group[name] = c.Group
		if c.Period >= c.Group {
			r.postEvents[name] += c.N
		}
	}
	return r
}

// PeriodIndex numbers t's period as the period_index macro (queries/views/02_period_index.sql):
// months since 1970-01, quarters since 1970-Q1, or weeks since Monday 1969-12-29, of t's UTC date
// (consecutive integers; weeks before that Monday are negative, floored).
func PeriodIndex(t time.Time, kind string) int {
	t = t.UTC()
	switch kind {
	case "quarter":
		return (t.Year()-1970)*4 + (int(t.Month())-1)/3
	case "week":
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		days := int(d.Sub(time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC)).Hours() / 24)
		return int(math.Floor(float64(days) / 7))
	}
	return (t.Year()-1970)*12 + int(t.Month()) - 1
}

// periodsPerYear is the number of analysis periods in a year.
func periodsPerYear(kind string) float64 {
	switch kind {
	case "quarter":
		return 4
	case "week":
		return 365.2425 / 7
	}
	return 12
}

// annualVolume is the treated units' annualised event rate over the cohorts whose effect was
// estimated:
//
//	volume = Σ_u events_u / P_u × periods per year
//
// over the units u of those cohorts, events_u their events from their first treated period g_u on
// (the washout left out) up to the cut-off, P_u = last − g_u + 1 the periods they were observed in
// that time, last the period of the cut-off's last instant. NaN without such units.
func (r *roiParts) annualVolume(cutoff time.Time, kind string) float64 {
	if r == nil || len(r.group) == 0 {
		return math.NaN()
	}
	last := PeriodIndex(cutoff.Add(-time.Microsecond), kind)
	var v float64
	for u, g := range r.group {
		if p := last - g + 1; p > 0 {
			v += float64(r.postEvents[u]) / float64(p)
		}
	}
	return v * periodsPerYear(kind)
}

// durationBaseline returns the treated units' arithmetic mean untreated duration of metric m over
// r.pre, the DiD's cells before treatment of the estimated cohorts, on the DiD's own outcome
// (roi_baseline.sql): with outcome restricted_mean_log the restricted mean E[min(T, h)] (open items
// counting at h), else the mean of the resolved items.
func durationBaseline(ctx context.Context, db metrics.DB, m queries.Metric, r *roiParts, a config.Analysis, cutoff time.Time) (float64, error) {
	if r == nil || len(r.pre) == 0 {
		return math.NaN(), nil
	}
	p := map[string]any{"metric": m.Name, "unit_type": a.Unit, "period": a.Period, "cutoff": cutoff.UTC(),
		"horizon": nil, "horizon_seconds": nil}
	if h, ok := metrics.HorizonOf(m); ok {
		p["horizon"], p["horizon_seconds"] = h.Value, h.Seconds
	}
	q, args, err := queries.BindNamed("roi_baseline.sql", roiBaselineSQL, p)
	if err != nil {
		return 0, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("analyze: roi baseline of %s: %w", m.Name, err)
	}
	defer rows.Close()
	var n, total float64
	for rows.Next() {
		var c roiCell
		var cn int64
		var ct float64
		if err := rows.Scan(&c.unit, &c.period, &cn, &ct); err != nil {
			return 0, fmt.Errorf("analyze: roi baseline of %s: %w", m.Name, err)
		}
		if r.pre[c] {
			n += float64(cn)
			total += ct
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("analyze: roi baseline of %s: %w", m.Name, err)
	}
	if n == 0 {
		return math.NaN(), nil
	}
	return total / n, nil
}

// enrolled counts every enrollment started before the cut-off (roi_enrolled.sql).
func enrolled(ctx context.Context, db metrics.DB, cutoff time.Time) (int64, error) {
	q, args, err := queries.BindNamed("roi_enrolled.sql", roiEnrolledSQL, map[string]any{"cutoff": cutoff.UTC()})
	if err != nil {
		return 0, err
	}
	var n int64
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("analyze: enrolled participants: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("analyze: enrolled participants: %w", err)
		}
	}
	return n, rows.Err()
}

// CostLines returns the fully loaded cost lines of c for n enrolled people, in roi_costs order;
// lines configured as 0 are kept (a sponsor sees that they were considered).
func CostLines(c config.Costs, n int64) []roi.CostLine {
	e := float64(n)
	return []roi.CostLine{
		{Line: CostParticipantFee, Quantity: e, UnitCost: c.PerParticipant},
		{Line: CostParticipantTime, Quantity: e * c.ParticipantHours, UnitCost: c.LoadedHourlyRate},
		{Line: CostFacilitation, Quantity: 1, UnitCost: c.Facilitation},
		{Line: CostDesignDevelopment, Quantity: 1, UnitCost: c.DesignDevelopment},
		{Line: CostEvaluation, Quantity: 1, UnitCost: c.Evaluation},
		{Line: CostOverhead, Quantity: 1, UnitCost: c.Overhead},
		{Line: CostOtherFixed, Quantity: 1, UnitCost: c.Fixed},
	}
}

// valueUnit says what one unit of a metric's money value is.
func valueUnit(m queries.Metric) string {
	switch m.Kind {
	case queries.KindDuration:
		return m.Unit[:len(m.Unit)-1] // hour, minute
	case queries.KindProportion:
		return "event"
	}
	return "count"
}

// roiSeedMix separates the ROI's team weights from the DiDs' streams of the same seed.
const roiSeedMix = 0x726f695f77656967 // "roi_weig"

// addROI computes the Phillips ROI of the headline estimates (res.Headline, catalog order, after
// suppression) and appends its rows to res.ROI and res.ROICosts. Every monetised metric's draws
// come from one set of per-unit multipliers (stats.ClusterWeights over the analysis units), so the
// total's interval reflects the metrics' correlation.
func addROI(ctx context.Context, db metrics.DB, cat *queries.Catalog, cfg *config.Config, outs []metricOutcome,
	res *Result, cutoff, now time.Time) error {
	a := cfg.Analysis
	w := stats.NewClusterWeights(a.Bootstrap, a.Seed^roiSeedMix)
	nan := math.NaN()
	inputs := make([]roi.Input, 0, len(cat.Metrics))
	for i, m := range cat.Metrics {
		h, parts := res.Headline[i], outs[i].roi
		v, ok := cfg.ROI.Values[m.Name]
		in := roi.Input{Metric: m.Name, Level: m.Level, Value: v, Monetised: ok, ValueUnit: valueUnit(m), Scale: h.Scale,
			Estimate: h.Estimate, Baseline: nan, Untrained: outs[i].level, AnnualVolume: parts.annualVolume(cutoff, a.Period),
			LowerIsBetter: m.LowerIsBetter()}
		if math.IsNaN(h.Estimate) || parts == nil {
			in.Estimate = nan
		}
		if ok && !math.IsNaN(in.Estimate) {
			if m.Kind == queries.KindDuration {
				b, err := durationBaseline(ctx, db, m, parts, a, cutoff)
				if err != nil {
					return err
				}
				in.Baseline = b
			}
			if a.Bootstrap > 0 {
				if parts.inf != nil {
					in.Draws = stats.MultiplierDraws(parts.att, parts.inf, parts.names, w, parts.tScale)
				} else {
					in.Draws = make([]float64, a.Bootstrap)
					for b := range in.Draws {
						in.Draws[b] = nan // no influence function: no interval, said as NaN
					}
				}
			}
		}
		inputs = append(inputs, in)
	}
	n, err := enrolled(ctx, db, cutoff)
	if err != nil {
		return err
	}
	s := roi.Compute(inputs, CostLines(cfg.ROI.Costs, n), a.Alpha)
	cur, at := cfg.ROI.Currency, now.UTC()
	for _, l := range s.Lines {
		res.ROI = append(res.ROI, models.ROI{AnalysisID: res.AnalysisID, Period: res.Period, Metric: l.Metric,
			Monetised: l.Monetised, EffectPerEvent: l.EffectPerEvent, AnnualVolume: l.AnnualVolume, ValuePerUnit: l.Value,
			Benefit: orNaN(l.Benefit, l.Monetised), BenefitLow: l.BenefitCILow, BenefitHigh: l.BenefitCIHigh, Cost: nan,
			ROIPct: nan, ROIPctLow: nan, BCR: nan, BCRLow: nan, Currency: cur, ComputedAt: at,
			BenefitCILow: l.BenefitCILow, BenefitCIHigh: l.BenefitCIHigh, NetBenefit: nan, NetBenefitCILow: nan,
			NetBenefitCIHigh: nan, ROIPctCILow: nan, ROIPctCIHigh: nan, BCRCILow: nan, BCRCIHigh: nan,
			ConservativeROIPct: nan, ConservativeBCR: nan, Level: l.Level, UnitValueUnit: l.ValueUnit, Baseline: l.Baseline})
	}
	res.ROI = append(res.ROI, models.ROI{AnalysisID: res.AnalysisID, Period: res.Period, Metric: "total", Monetised: true,
		EffectPerEvent: nan, AnnualVolume: nan, ValuePerUnit: nan, Benefit: s.Benefit, BenefitLow: s.BenefitCILow,
		BenefitHigh: s.BenefitCIHigh, Cost: s.Cost, ROIPct: s.ROIPct, ROIPctLow: s.ConservativeROIPct, BCR: s.BCR,
		BCRLow: s.ConservativeBCR, Currency: cur, ComputedAt: at, BenefitCILow: s.BenefitCILow, BenefitCIHigh: s.BenefitCIHigh,
		NetBenefit: s.NetBenefit, NetBenefitCILow: s.NetCILow, NetBenefitCIHigh: s.NetCIHigh, ROIPctCILow: s.ROIPctCILow,
		ROIPctCIHigh: s.ROIPctCIHigh, BCRCILow: s.BCRCILow, BCRCIHigh: s.BCRCIHigh, ConservativeROIPct: s.ConservativeROIPct,
		ConservativeBCR: s.ConservativeBCR, Baseline: nan})
	for _, c := range s.Costs {
		res.ROICosts = append(res.ROICosts, models.ROICost{AnalysisID: res.AnalysisID, Period: res.Period, Line: c.Line,
			Quantity: c.Quantity, UnitCost: c.UnitCost, Amount: c.Amount(), Currency: cur, ComputedAt: at})
	}
	res.Enrolled = n
	return nil
}
