package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/trainimpact/trainimpact/reports/charts"
)

// caveats generates the warnings from the data: pre-trend tests failed or untestable, small
// samples, suppressed estimates, imbalance, excluded censored periods, unmatched identities, stale
// sources, and disagreement between intention-to-treat and per-protocol.
func caveats(in Input, r *Report) []Caveat {
	var out []Caveat
	group := func(kind string, pred func(f Finding) bool, text func(titles []string) string) {
		var ms, ts []string
		for _, f := range r.Findings {
			if pred(f) {
				ms = append(ms, f.Metric)
				ts = append(ts, f.Title)
			}
		}
		if len(ms) > 0 {
			out = append(out, Caveat{Kind: kind, Metrics: ms, Text: text(ts)})
		}
	}
	list := func(ts []string) string { return strings.Join(ts, "; ") }
	group("pretrend_failed", func(f Finding) bool {
		return hasFlag(f.Headline.Flags, "pretrend_failed") || (f.Pretrend != nil && f.Pretrend.P <= in.Alpha)
	}, func(ts []string) string {
		return fmt.Sprintf("Before the training, trained and comparison units already moved differently for: %s. The difference-in-differences estimate of these may be biased; read them with care.", list(ts))
	})
	group("imputation", func(f Finding) bool { return hasFlag(f.Headline.Flags, "imputation") && f.Verdict != Suppressed }, func(ts []string) string {
		return fmt.Sprintf("Too few events per team and month to compare trained teams month by month for: %s. Each is estimated by comparing every month of a trained team after training with what its own months before training and the other teams' same months predict (the imputation method of Borusyak, Jaravel & Spiess); there is no month-by-month chart and the pre-training trends were not tested.", list(ts))
	})
	group("pretrend_untestable", func(f Finding) bool {
		if hasFlag(f.Headline.Flags, "pretrend_failed") || hasFlag(f.Headline.Flags, "imputation") || f.Verdict == Suppressed || f.Verdict == NotEstimable {
			return false
		}
		if f.Pretrend != nil {
			return math.IsNaN(f.Pretrend.P)
		}
		return !hasPre(f.EventStudy)
	}, func(ts []string) string {
		return fmt.Sprintf("The pre-training trends could not be tested (no pre-training months with an estimate) for: %s.", list(ts))
	})
	var bends []string
	for _, f := range r.Findings {
		if (f.Verdict == Improved || f.Verdict == Worsened) && !math.IsNaN(f.Breakdown) && !math.IsInf(f.Breakdown, 1) {
			bends = append(bends, fmt.Sprintf("%s (M̄ = %.1f)", f.Title, f.Breakdown))
		}
	}
	if len(bends) > 0 {
		out = append(out, Caveat{Kind: "sensitivity", Text: fmt.Sprintf("How far the conclusions bend if trends after training were not parallel (Rambachan & Roth 2023): each holds only while the departure stays below M̄ times the largest month-to-month departure seen before training — %s. An M̄ below 1 means a departure no larger than those already seen would overturn it.", strings.Join(bends, "; "))})
	}
	group("small_sample", func(f Finding) bool { return hasFlag(f.Headline.Flags, "small_sample") }, func(ts []string) string {
		n := smallest(r.Findings)
		return fmt.Sprintf("Small samples: fewer than %d treated or comparison units stand behind %s (as few as %s). Intervals are wide, and few effects can be detected.", in.MinCell, list(ts), n)
	})
	group("suppressed", func(f Finding) bool { return f.Verdict == Suppressed }, func(ts []string) string {
		return fmt.Sprintf("Suppressed to protect individuals: fewer than %d people stand behind %s, so no number is shown.", in.MinCell, list(ts))
	})
	supEvents := 0
	for _, f := range r.Findings {
		if f.Verdict == Suppressed {
			continue
		}
		for _, p := range f.EventStudy {
			if p.Suppressed {
				supEvents++
			}
		}
	}
	if supEvents > 0 {
		out = append(out, Caveat{Kind: "suppressed_cells", Text: fmt.Sprintf("%d months of the event-study charts are left blank: fewer than %d people (or no data) stand behind them.", supEvents, in.MinCell)})
	}
	group("not_estimable", func(f Finding) bool { return f.Verdict == NotEstimable }, func(ts []string) string {
		return fmt.Sprintf("No estimate could be made for: %s.", list(ts))
	})
	group("imbalance", func(f Finding) bool { return hasFlag(f.Headline.Flags, "imbalance") }, func(ts []string) string {
		return fmt.Sprintf("Before the training, trained and never-trained units differed in level by more than a quarter of a standard deviation for: %s. Difference-in-differences allows for a constant difference, but such gaps make it less certain the groups are comparable.", list(ts))
	})
	group("censoring_excluded_periods", func(f Finding) bool { return hasFlag(f.Headline.Flags, "censoring_excluded_periods") }, func(ts []string) string {
		return fmt.Sprintf("The most recent months, where many items were still open at the cut-off, are left out of the difference-in-differences for: %s.", list(ts))
	})
	group("itt_disagrees", func(f Finding) bool { return f.ITT != nil && f.ITTVerdict != f.Verdict }, func(ts []string) string {
		return fmt.Sprintf("Counting dropouts as trained (intention to treat) leads to a different conclusion than counting completers only (per protocol) for: %s.", list(ts))
	})
	if in.Data.Accounts > 0 && in.Data.MatchRate < 0.95 {
		out = append(out, Caveat{Kind: "unmatched_identities", Text: fmt.Sprintf("%d of %d accounts (%s) are not matched to a person; their activity is not attributed to a team and is left out.",
			in.Data.Accounts-in.Data.AccountsMatched, in.Data.Accounts, Pct(1-in.Data.MatchRate))})
	}
	// Stale and missing sources are the ones the analysis recorded (pipeline/freshness decides,
	// from each source's last data against the period's cut-off); a source is marked stale in the
	// data table from the same record.
	out = append(out, in.Recorded...)
	for _, p := range in.Problems {
		out = append(out, Caveat{Kind: "data_missing", Text: p})
	}
	if o := r.Charts.ForestOmitted; len(o) > 0 {
		out = append(out, Caveat{Kind: "forest_omitted", Text: fmt.Sprintf("The plot of every measure leaves out those whose interval reaches beyond +%.0f%%, so that the others stay readable: %s. Their findings show them whole.", 100*ForestMax, strings.Join(o, "; "))})
	}
	for _, e := range r.Charts.ChartErrors {
		out = append(out, Caveat{Kind: "chart_missing", Text: e})
	}
	return out
}

// anyShown reports whether an event study has a point to draw.
func anyShown(pts []charts.EventPoint) bool {
	for _, p := range pts {
		if !p.Suppressed && !math.IsNaN(p.Estimate) {
			return true
		}
	}
	return false
}

func hasPre(pts []charts.EventPoint) bool {
	for _, p := range pts {
		if p.RelPeriod < 0 && !p.Suppressed {
			return true
		}
	}
	return false
}

func smallest(fs []Finding) string {
	n := math.MaxInt
	for _, f := range fs {
		if hasFlag(f.Headline.Flags, "small_sample") {
			n = min(n, f.Headline.NTreated, f.Headline.NControl)
		}
	}
	return fmt.Sprint(n)
}

// summary writes the one-paragraph summary.
func summary(r *Report) []string {
	var imp, wor, none []Finding
	for _, f := range r.Findings {
		switch f.Verdict {
		case Improved:
			imp = append(imp, f)
		case Worsened:
			wor = append(wor, f)
		case NoDetectableChange:
			none = append(none, f)
		}
	}
	_, comparison := Who(r.Unit, r.Control)
	units := "teams"
	if r.Unit == "person" {
		units = "people"
	}
	s := []string{fmt.Sprintf("This report covers %s, with data up to %s: %d %s trained, compared with %s.",
		r.Period, r.Cutoff.UTC().Format("2 January 2006"), r.Program.Treated, units, comparison)}
	counts := fmt.Sprintf("Of %d measures, %d improved and %d worsened", len(r.Findings), len(imp), len(wor))
	if len(none) > 0 {
		counts += fmt.Sprintf("; %d show no detectable change at this sample size", len(none))
	}
	if k := len(r.Findings) - len(imp) - len(wor) - len(none); k > 0 {
		counts += fmt.Sprintf("; %d could not be shown", k)
	}
	s = append(s, counts+".")
	for _, f := range imp {
		s = append(s, f.Sentence)
	}
	for _, f := range wor {
		s = append(s, f.Sentence)
	}
	if r.ROI.Available {
		s = append(s, r.ROI.Headline)
	}
	return s
}

// ForestMax is the largest relative change the forest plot draws (+300%): a rare event's interval
// reaching to +2,000% would squeeze every other measure into a sliver. Measures beyond it are left
// out of the plot and named (Charts.ForestOmitted, and a caveat); their findings show them whole.
const ForestMax = 3.0

// buildCharts draws every chart; a chart that fails is named in ChartErrors.
func buildCharts(in Input, r *Report) Charts {
	var c Charts
	fail := func(what string, err error) {
		c.ChartErrors = append(c.ChartErrors, fmt.Sprintf("The %s chart could not be drawn: %v.", what, err))
	}
	var rows []charts.Interval
	for _, f := range r.Findings {
		h := f.Headline
		if f.Verdict == Suppressed || math.IsNaN(h.Relative) {
			continue
		}
		if h.Relative > ForestMax || h.RelHigh > ForestMax {
			c.ForestOmitted = append(c.ForestOmitted, f.Title)
			continue
		}
		rows = append(rows, charts.Interval{Label: f.Title, Estimate: h.Relative, Low: h.RelLow, High: h.RelHigh})
	}
	if len(rows) > 0 {
		_, comparison := Who(r.Unit, r.Control)
		ch, err := charts.Forest(fmt.Sprintf("Effect of the training on every measure, %s", r.Period), "Change vs. "+comparison+" (%)", rows)
		if err != nil {
			fail("forest", err)
		} else {
			c.Forest = &ch
		}
	}
	for _, f := range r.Findings {
		if f.Verdict == Suppressed || !anyShown(f.EventStudy) {
			continue // nothing to draw: every month suppressed (the caveats count them) or missing
		}
		y := "Change (%)"
		if f.EventScale == "points" {
			y = "Change (percentage points)"
			if f.Headline.Scale == "rate" {
				y = "Change (per event)"
			}
		}
		ch, err := charts.EventStudy(fmt.Sprintf("%s: effect by months since training (%d before to %d after)", f.Title, -EventStudyFirst, EventStudyLast), y, f.EventStudy)
		if err != nil {
			fail("event-study ("+f.Title+")", err)
			continue
		}
		c.EventStudies = append(c.EventStudies, MetricChart{Metric: f.Metric, Chart: ch})
	}
	if len(r.Program.Cohorts) > 0 {
		var cs []charts.CohortTeams
		for _, co := range r.Program.Cohorts {
			cs = append(cs, charts.CohortTeams{Month: co.Month, Teams: co.Units})
		}
		title, one, many := "Teams trained, by month their lead completed the program", "team", "teams"
		if in.Unit == "person" {
			title, one, many = "People trained, by month of completion", "person", "people"
		}
		ch, err := charts.CohortTimelineOf(title, one, many, cs)
		if err != nil {
			fail("cohort timeline", err)
		} else {
			c.Cohorts = &ch
		}
	}
	if r.ROI.Available && len(r.ROI.Metrics) > 0 {
		var rs []charts.Interval
		for _, m := range r.ROI.Metrics {
			rs = append(rs, charts.Interval{Label: m.Title, Estimate: m.Benefit, Low: m.BenefitLow, High: m.BenefitHigh})
		}
		ch, err := charts.ROIBreakdown("First-year benefit by measure, against the program cost", r.ROI.Currency, rs, r.ROI.Cost)
		if err != nil {
			fail("ROI breakdown", err)
		} else {
			c.ROI = &ch
		}
	}
	for _, f := range r.Findings {
		d, ok := in.Distributions[f.Metric]
		if !ok || f.Verdict == Suppressed || len(d[0]) == 0 || len(d[1]) == 0 {
			continue
		}
		ch, err := charts.Distribution(f.Title+": before and after training (trained units)", f.Unit, d[0], d[1])
		if err != nil {
			fail("distribution ("+f.Title+")", err)
			continue
		}
		c.Distributions = append(c.Distributions, MetricChart{Metric: f.Metric, Chart: ch})
	}
	return c
}
