package charts

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Forest draws a forest plot: one row per interval, top to bottom in the order given, with the
// point estimate, its interval as a horizontal bar, and a dashed vertical line at zero (no
// change). Estimates and bounds are relative changes as fractions (-0.21 = 21% lower) and are
// shown as percentages; each row's label carries its numbers under the name. xLabel names the
// quantity ("Change vs. teams not yet trained"); " (%)" is appended unless it has a % already.
//
// A row without a finite estimate is left out, and a row whose bounds are missing, infinite or
// do not bracket the estimate is drawn without an interval; the Alt names both. It returns
// ErrNoData when no row has an estimate.
func Forest(title, xLabel string, rows []Interval) (Chart, error) {
	f, err := forest(title, xLabel, rows)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

func forest(title, xLabel string, rows []Interval) (*figure, error) {
	title, xLabel = clean(title), clean(xLabel)
	if len(rows) == 0 {
		return nil, fmt.Errorf("charts: forest plot %q: %w", title, ErrNoData)
	}
	var kept []Interval
	var omitted, noInterval []string
	for _, r := range rows {
		r.Label = clean(r.Label)
		switch {
		case !finite(r.Estimate):
			omitted = append(omitted, r.Label)
		default:
			kept = append(kept, r)
			if !hasInterval(r.Estimate, r.Low, r.High) {
				noInterval = append(noInterval, r.Label)
			}
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("charts: forest plot %q: no row has an estimate: %w", title, ErrNoData)
	}

	xLabel = withUnit(xLabel, "%")
	if len(omitted) > 0 {
		xLabel += "\n" + wrap("Not shown (no estimate): "+strings.Join(omitted, ", "), 90)
	}
	p := newPlot(wrap(title, 64), xLabel, "")
	p.X.Tick.Marker = niceTicks(tickPct)
	grid := plotter.NewGrid()
	grid.Vertical.Color = colGrid
	grid.Horizontal.Color = nil
	p.Add(grid)

	n := len(kept)
	names := make([]string, n)
	var pts, bars plotter.XYs
	var errs plotter.XErrors
	var sentences []string
	for i, r := range kept {
		y := float64(n - 1 - i) // first row on top
		pts = append(pts, plotter.XY{X: r.Estimate, Y: y})
		if hasInterval(r.Estimate, r.Low, r.High) {
			bars = append(bars, plotter.XY{X: r.Estimate, Y: y})
			errs = append(errs, struct{ Low, High float64 }{r.Estimate - r.Low, r.High - r.Estimate})
			names[n-1-i] = fmt.Sprintf("%s\n%s (%s to %s)", wrap(r.Label, labelWidth), pct(r.Estimate), pct(r.Low), pct(r.High))
			sentences = append(sentences, fmt.Sprintf("%s %s (interval %s to %s)", r.Label, pct(r.Estimate), pct(r.Low), pct(r.High)))
		} else {
			names[n-1-i] = fmt.Sprintf("%s\n%s (no interval)", wrap(r.Label, labelWidth), pct(r.Estimate))
			sentences = append(sentences, fmt.Sprintf("%s %s (interval not available)", r.Label, pct(r.Estimate)))
		}
	}

	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, fmt.Errorf("charts: forest plot %q: zero line: %w", title, err)
	}
	zero.LineStyle = draw.LineStyle{Color: colGrey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(zero)
	if len(bars) > 0 {
		eb, err := plotter.NewXErrorBars(xErrors{bars, errs})
		if err != nil {
			return nil, fmt.Errorf("charts: forest plot %q: intervals: %w", title, err)
		}
		eb.LineStyle = draw.LineStyle{Color: colBlue, Width: vg.Points(1.8)}
		eb.CapWidth = vg.Points(7)
		p.Add(eb)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, fmt.Errorf("charts: forest plot %q: estimates: %w", title, err)
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: colBlue, Radius: vg.Points(4), Shape: draw.BoxGlyph{}}
	p.Add(sc)
	pad(&p.X, 0.04)
	p.NominalY(names...)
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Padding = vg.Points(6)

	var alt strings.Builder
	fmt.Fprintf(&alt, "Relative change for %d %s, with intervals; the dashed line at 0%% is no change: %s.",
		n, plural(n, "metric", "metrics"), strings.Join(sentences, "; "))
	if len(omitted) > 0 {
		fmt.Fprintf(&alt, " Not shown, no estimate: %s.", strings.Join(omitted, ", "))
	}
	h := vg.Inch + vg.Length(n)*0.5*vg.Inch + vg.Length(extraLines(names))*0.18*vg.Inch
	return newFigure(p, h, title, alt.String()), nil
}

// xErrors pairs points with their horizontal errors for plotter.NewXErrorBars.
type xErrors struct {
	plotter.XYs
	plotter.XErrors
}

// yErrors pairs points with their vertical errors for plotter.NewYErrorBars.
type yErrors struct {
	plotter.XYs
	plotter.YErrors
}

// labelWidth is the most runes on one line of a row label; longer labels wrap.
const labelWidth = 32

// extraLines counts the lines of row labels beyond two per row.
func extraLines(names []string) int {
	n := 0
	for _, s := range names {
		n += max(strings.Count(s, "\n")-1, 0)
	}
	return n
}

// withUnit appends " (unit)" to label unless the label already mentions the unit.
func withUnit(label, unit string) string {
	if unit == "" || strings.Contains(label, unit) {
		return label
	}
	if label == "" {
		return unit
	}
	return label + " (" + unit + ")"
}

// plural returns one when n is 1 and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
