// Package csvout writes the headline estimates as CSV (estimates.csv): one row per metric, the
// estimate on its scale, the relative change and its interval as fractions, p, q, counts, verdict
// and flags. Cells that begin like a spreadsheet formula are prefixed with a quote.
package csvout

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/trainimpact/trainimpact/reports/report"
)

// Header is the CSV's first line.
var Header = []string{"period", "metric", "family", "title", "method", "scale", "estimate", "ci_low", "ci_high",
	"relative_change", "relative_ci_low", "relative_ci_high", "p_value", "q_value", "mde", "n_treated_units",
	"n_control_units", "n_events_pre", "n_events_post", "verdict", "flags"}

func f(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// cell neutralises text a spreadsheet would run as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Render writes the headline estimates of r as CSV to w.
func Render(ctx context.Context, w io.Writer, r *report.Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return fmt.Errorf("csvout: %w", err)
	}
	for _, x := range r.Findings {
		h := x.Headline
		rec := []string{r.Period, cell(x.Metric), cell(x.Family), cell(x.Title), h.Method, h.Scale, f(h.Estimate), f(h.CILow), f(h.CIHigh),
			f(h.Relative), f(h.RelLow), f(h.RelHigh), f(h.PValue), f(h.QValue), f(h.MDE), strconv.Itoa(h.NTreated),
			strconv.Itoa(h.NControl), strconv.FormatInt(h.NEventsPre, 10), strconv.FormatInt(h.NEventsPost, 10),
			string(x.Verdict), cell(strings.Join(h.Flags, ";"))}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("csvout: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csvout: %w", err)
	}
	return nil
}
