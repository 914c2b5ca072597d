package report

import (
	"fmt"
	"math"
	"strings"
)

// Money formats an amount with thousands separators and the currency code: "USD 390,230".
func Money(x float64, currency string) string {
	if math.IsNaN(x) {
		return "—"
	}
	neg := x < 0
	s := fmt.Sprintf("%.0f", math.Abs(math.Round(x)))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg && out != "0" {
		out = "−" + out
	}
	if currency == "" {
		return out
	}
	return currency + " " + out
}

// PctValue formats a percentage already in percent (ROI %): 146.5 → "147%", 7.3 → "7.3%".
func PctValue(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	s := Pct(x / 100)
	if x < 0 && s != "0.0%" {
		return "−" + s
	}
	return s
}

// Ratio formats a benefit/cost ratio: "1.80".
func Ratio(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f", x)
}

func buildROI(in Input, fs []Finding) ROI {
	out := ROI{Currency: in.Currency}
	for _, c := range in.CostLines {
		c.Label = costLabel(c.Line)
		out.CostLines = append(out.CostLines, c)
	}
	nan := math.NaN()
	out.Cost, out.Benefit, out.BenefitCILow, out.BenefitCIHigh, out.BenefitConservative = nan, nan, nan, nan, nan
	out.NetBenefit, out.ROIPct, out.ROICILow, out.ROICIHigh = nan, nan, nan, nan
	out.BCR, out.BCRCILow, out.BCRCIHigh, out.ConservativeROIPct, out.ConservativeBCR = nan, nan, nan, nan, nan
	titles, units := map[string]string{}, map[string]string{}
	for _, f := range fs {
		titles[f.Metric] = f.Title
		units[f.Metric] = f.Unit
	}
	var total *ROIRow
	for i := range in.ROI {
		row := in.ROI[i]
		if row.Metric == "total" {
			total = &in.ROI[i]
			continue
		}
		if row.Currency != "" {
			out.Currency = row.Currency
		}
		t := titles[row.Metric]
		if t == "" {
			t = row.Metric
		}
		if !row.Monetised {
			out.Intangibles = append(out.Intangibles, t)
			continue
		}
		m := MetricROI{Metric: row.Metric, Title: t, Unit: units[row.Metric], Monetised: true, EffectPerEvent: row.EffectPerEvent,
			AnnualVolume: row.AnnualVolume, ValuePerUnit: row.ValuePerUnit, Benefit: row.Benefit, Level: row.Level}
		if !math.IsNaN(row.BenefitCILow) && !math.IsNaN(row.BenefitCIHigh) {
			m.BenefitLow, m.BenefitHigh, m.BenefitBounds = row.BenefitCILow, row.BenefitCIHigh, "ci"
		} else {
			m.BenefitLow, m.BenefitHigh, m.BenefitBounds = row.BenefitLow, row.BenefitHigh, "conservative"
		}
		out.Metrics = append(out.Metrics, m)
	}
	for i := range fs {
		for j := range out.Metrics {
			if out.Metrics[j].Metric == fs[i].Metric {
				m := out.Metrics[j]
				fs[i].ROI = &m
			}
		}
	}
	if total == nil || math.IsNaN(total.Cost) {
		out.Sentences = []string{"No ROI was computed for this period (no program cost or no money value is configured in roi:)."}
		return out
	}
	out.Available = true
	if total.Currency != "" {
		out.Currency = total.Currency
	}
	t := *total
	out.Cost, out.Benefit = t.Cost, t.Benefit
	out.BenefitCILow, out.BenefitCIHigh = t.BenefitCILow, t.BenefitCIHigh
	out.BenefitConservative = t.BenefitLow
	out.NetBenefit = t.NetBenefit
	if math.IsNaN(out.NetBenefit) {
		out.NetBenefit = t.Benefit - t.Cost
	}
	out.ROIPct, out.BCR = t.ROIPct, t.BCR
	out.ROICILow, out.ROICIHigh = t.ROICILow, t.ROICIHigh
	if math.IsNaN(out.ROICILow) && !math.IsNaN(t.BenefitCILow) && t.Cost > 0 {
		out.ROICILow, out.ROICIHigh = 100*(t.BenefitCILow-t.Cost)/t.Cost, 100*(t.BenefitCIHigh-t.Cost)/t.Cost
	}
	out.BCRCILow, out.BCRCIHigh = t.BCRCILow, t.BCRCIHigh
	if math.IsNaN(out.BCRCILow) && !math.IsNaN(t.BenefitCILow) && t.Cost > 0 {
		out.BCRCILow, out.BCRCIHigh = t.BenefitCILow/t.Cost, t.BenefitCIHigh/t.Cost
	}
	out.ConservativeROIPct, out.ConservativeBCR = t.ConservativeROIPct, t.ConservativeBCR
	if math.IsNaN(out.ConservativeROIPct) {
		out.ConservativeROIPct = t.ROIPctLow
	}
	if math.IsNaN(out.ConservativeBCR) {
		out.ConservativeBCR = t.BCRLow
	}
	out.Sentences = roiSentences(out, 100*(1-in.Alpha))
	out.Headline = roiHeadline(out, 100*(1-in.Alpha))
	return out
}

// costLabels name the cost lines analyze writes (table roi_costs) in a sponsor's words, with what
// their quantity counts.
var costLabels = map[string]string{
	"participant_fee":    "Participant fees (people enrolled, dropouts included)",
	"participant_time":   "Participants' time (hours, at the loaded hourly rate)",
	"facilitation":       "Facilitation",
	"design_development": "Design and development",
	"evaluation":         "Evaluation",
	"overhead":           "Overhead",
	"other_fixed":        "Other fixed costs",
}

// costLabel returns a cost line's label, or the line itself when it has none.
func costLabel(line string) string {
	if l, ok := costLabels[line]; ok {
		return l
	}
	return line
}

func roiHeadline(r ROI, conf float64) string {
	s := fmt.Sprintf("Against a fully loaded cost of %s, the return on investment at the point estimates is %s", Money(r.Cost, r.Currency), PctValue(r.ROIPct))
	if !math.IsNaN(r.ROICILow) {
		s += fmt.Sprintf(" (%s %s to %s)", ciLabel(conf), PctValue(r.ROICILow), PctValue(r.ROICIHigh))
	}
	if !math.IsNaN(r.ROICILow) {
		return s + fmt.Sprintf("; the conservative figure, the lower bound of that interval, is %s (benefit/cost %s). %s",
			PctValue(r.ConservativeROIPct), Ratio(r.ConservativeBCR), paidBack(r))
	}
	return s + fmt.Sprintf("; the conservative figure, counting only what the intervals support, is %s (benefit/cost %s).",
		PctValue(r.ConservativeROIPct), Ratio(r.ConservativeBCR))
}

// paidBack says what the ROI's interval allows about whether the program paid for itself in its
// first year (ROI ≥ 0), claiming no more than the interval does.
func paidBack(r ROI) string {
	switch {
	case r.ROICILow >= 0:
		return "The program paid for itself within the first year even at the lower bound."
	case r.ROICIHigh < 0:
		return "The program did not pay for itself within the first year: even the upper bound is a loss."
	}
	return "The interval runs from a loss to a gain: the data cannot tell yet whether the program paid for itself."
}

func roiSentences(r ROI, conf float64) []string {
	cur := r.Currency
	ci := ciLabel(conf)
	var s []string
	benefit := fmt.Sprintf("At the point estimates, the first-year benefit is %s", Money(r.Benefit, cur))
	if !math.IsNaN(r.BenefitCILow) {
		benefit += fmt.Sprintf(" (%s %s to %s)", ci, Money(r.BenefitCILow, cur), Money(r.BenefitCIHigh, cur))
	}
	benefit += fmt.Sprintf(", against a fully loaded program cost of %s.", Money(r.Cost, cur))
	s = append(s, benefit)
	roi := fmt.Sprintf("Return on investment: %s", PctValue(r.ROIPct))
	if !math.IsNaN(r.ROICILow) {
		roi += fmt.Sprintf(" (%s %s to %s)", ci, PctValue(r.ROICILow), PctValue(r.ROICIHigh))
	}
	roi += fmt.Sprintf("; benefit/cost ratio %s", Ratio(r.BCR))
	if !math.IsNaN(r.BCRCILow) {
		roi += fmt.Sprintf(" (%s %s to %s)", ci, Ratio(r.BCRCILow), Ratio(r.BCRCIHigh))
	}
	roi += "."
	if math.IsNaN(r.ROICILow) {
		roi += " This warehouse holds no interval for the total; the conservative figure below is the one to quote."
	}
	s = append(s, roi)
	if math.IsNaN(r.ROICILow) {
		s = append(s, fmt.Sprintf("Conservatively — counting each metric at the bound of its interval nearest to no effect, nothing where the interval includes no effect, and harms in full — the ROI is %s and the benefit/cost ratio %s.",
			PctValue(r.ConservativeROIPct), Ratio(r.ConservativeBCR)))
	} else {
		s = append(s, fmt.Sprintf("Conservatively — at the lower bound of the total's %s, which one bootstrap over teams draws for every metric at once, with harms counted as harms (Phillips: the most conservative alternative) — the ROI is %s and the benefit/cost ratio %s. %s",
			ci, PctValue(r.ConservativeROIPct), Ratio(r.ConservativeBCR), paidBack(r)))
	}
	if len(r.Intangibles) > 0 {
		s = append(s, fmt.Sprintf("%d measures have no money value configured and are listed as intangibles, not converted.", len(r.Intangibles)))
	}
	return s
}

// PerEvent writes an ROI line's effect per event in its unit: "−1.52 hours", "−11.1 percentage
// points" (a share), "0.27 per event" (a count).
func PerEvent(m MetricROI) string {
	x := m.EffectPerEvent
	if math.IsNaN(x) {
		return "—"
	}
	sign := ""
	if x < 0 {
		sign = "−"
	}
	switch m.Unit {
	case "share":
		return fmt.Sprintf("%s%.1f percentage points", sign, math.Abs(x)*100)
	case "count", "":
		return fmt.Sprintf("%s%.2f per event", sign, math.Abs(x))
	}
	return fmt.Sprintf("%s%.3g %s", sign, math.Abs(x), m.Unit)
}
