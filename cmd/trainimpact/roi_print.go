package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
)

// writeROI prints the ROI as a sponsor reads it: first-year benefit, cost (its lines), net benefit,
// ROI % and benefit/cost ratio, each with its interval, the conservative figures (the lower bounds
// of the total's interval) and the intangibles. Nothing is printed without a total row.
func writeROI(w io.Writer, res *analyze.Result) {
	var total *models.ROI
	var monetised, intangibles []string
	for i, r := range res.ROI {
		switch {
		case r.Metric == "total":
			total = &res.ROI[i]
		case r.Monetised:
			monetised = append(monetised, r.Metric)
		default:
			intangibles = append(intangibles, r.Metric)
		}
	}
	if total == nil {
		return
	}
	money := func(x float64) string {
		if math.IsNaN(x) {
			return "—"
		}
		return thousands(x)
	}
	iv := func(lo, hi float64, f func(float64) string) string {
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return "no interval"
		}
		return fmt.Sprintf("[%s, %s]", f(lo), f(hi))
	}
	pctf := func(x float64) string {
		if math.IsNaN(x) {
			return "—"
		}
		return fmt.Sprintf("%+.1f%%", x)
	}
	ratio := func(x float64) string {
		if math.IsNaN(x) {
			return "—"
		}
		return fmt.Sprintf("%.2f", x)
	}
	fmt.Fprintf(w, "\nROI, first-year benefits (%s; monetised: %s; 95%% intervals from one bootstrap over teams):\n",
		total.Currency, strings.Join(monetised, ", "))
	fmt.Fprintf(w, "  benefit       %s %s\n", money(total.Benefit), iv(total.BenefitCILow, total.BenefitCIHigh, money))
	var lines []string
	for _, c := range res.ROICosts {
		if c.Amount != 0 {
			lines = append(lines, fmt.Sprintf("%s %s", c.Line, money(c.Amount)))
		}
	}
	fmt.Fprintf(w, "  cost          %s (%d enrolled; %s)\n", money(total.Cost), res.Enrolled, strings.Join(lines, ", "))
	fmt.Fprintf(w, "  net benefit   %s %s\n", money(total.NetBenefit), iv(total.NetBenefitCILow, total.NetBenefitCIHigh, money))
	fmt.Fprintf(w, "  ROI           %s %s; conservative %s\n", pctf(total.ROIPct), iv(total.ROIPctCILow, total.ROIPctCIHigh, pctf),
		pctf(total.ConservativeROIPct))
	fmt.Fprintf(w, "  benefit/cost  %s %s; conservative %s\n", ratio(total.BCR), iv(total.BCRCILow, total.BCRCIHigh, ratio),
		ratio(total.ConservativeBCR))
	switch {
	case math.IsNaN(total.ROIPctCILow):
	case total.ROIPctCILow > 0:
		fmt.Fprintln(w, "  The whole interval is a return above cost.")
	case total.ROIPctCIHigh < 0:
		fmt.Fprintln(w, "  The whole interval is below cost: the benefits shown do not pay for the program.")
	default:
		fmt.Fprintln(w, "  The interval runs from a loss to a gain: the data cannot tell whether the program paid for itself.")
	}
	if len(intangibles) > 0 {
		fmt.Fprintf(w, "  Intangibles (no money value configured, not converted): %s\n", strings.Join(intangibles, ", "))
	}
}

// thousands prints x rounded to a whole number with comma thousands separators.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(x))
	var b strings.Builder
	if x <= -0.5 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
