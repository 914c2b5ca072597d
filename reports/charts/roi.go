package charts

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ROIBreakdown draws the estimated benefit of each metric, in currency, as a horizontal bar
// with its interval, top to bottom in the order given, against a dashed vertical line at the
// program's cost. Each row's label carries its numbers under the name; the axis reads
// "Benefit (currency)". A row labelled as a total may be passed like any other.
//
// A row without a finite estimate is left out and a row whose bounds are missing is drawn
// without an interval; the Alt says so. A cost that is NaN or infinite draws no line and the
// Alt says the cost is not available. It returns ErrNoData when no row has an estimate.
func ROIBreakdown(title, currency string, rows []Interval, cost float64) (Chart, error) {
	f, err := roiBreakdown(title, currency, rows, cost)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

func roiBreakdown(title, currency string, rows []Interval, cost float64) (*figure, error) {
	title, currency = clean(title), clean(currency)
	if len(rows) == 0 {
		return nil, fmt.Errorf("charts: ROI breakdown %q: %w", title, ErrNoData)
	}
	var kept []Interval
	var omitted []string
	for _, r := range rows {
		r.Label = clean(r.Label)
		if finite(r.Estimate) {
			kept = append(kept, r)
		} else {
			omitted = append(omitted, r.Label)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("charts: ROI breakdown %q: no row has an estimate: %w", title, ErrNoData)
	}
	money := func(v float64) string {
		if currency == "" {
			return grouped(v)
		}
		return currency + " " + grouped(v)
	}

	xLabel := withUnit("Benefit", currency)
	if len(omitted) > 0 {
		xLabel += "\n" + wrap("Not shown (no estimate): "+strings.Join(omitted, ", "), 90)
	}
	p := newPlot(wrap(title, 64), xLabel, "")
	p.X.Tick.Marker = niceTicks(compact)
	grid := plotter.NewGrid()
	grid.Vertical.Color = colGrid
	grid.Horizontal.Color = nil
	p.Add(grid)

	n := len(kept)
	vals := make(plotter.Values, n)
	names := make([]string, n)
	var bars plotter.XYs
	var errs plotter.XErrors
	var sentences []string
	for i, r := range kept {
		y := n - 1 - i // first row on top
		vals[y] = r.Estimate
		if hasInterval(r.Estimate, r.Low, r.High) {
			bars = append(bars, plotter.XY{X: r.Estimate, Y: float64(y)})
			errs = append(errs, struct{ Low, High float64 }{r.Estimate - r.Low, r.High - r.Estimate})
			names[y] = fmt.Sprintf("%s\n%s (%s to %s)", wrap(r.Label, labelWidth), money(r.Estimate), grouped(r.Low), grouped(r.High))
			sentences = append(sentences, fmt.Sprintf("%s %s (interval %s to %s)", r.Label, money(r.Estimate), money(r.Low), money(r.High)))
		} else {
			names[y] = fmt.Sprintf("%s\n%s (no interval)", wrap(r.Label, labelWidth), money(r.Estimate))
			sentences = append(sentences, fmt.Sprintf("%s %s (interval not available)", r.Label, money(r.Estimate)))
		}
	}
	bc, err := plotter.NewBarChart(vals, vg.Points(22))
	if err != nil {
		return nil, fmt.Errorf("charts: ROI breakdown %q: bars: %w", title, err)
	}
	bc.Horizontal = true
	bc.Color = colBand
	bc.LineStyle = draw.LineStyle{Color: colBlue, Width: vg.Points(1)}
	p.Add(bc)
	if len(bars) > 0 {
		eb, err := plotter.NewXErrorBars(xErrors{bars, errs})
		if err != nil {
			return nil, fmt.Errorf("charts: ROI breakdown %q: intervals: %w", title, err)
		}
		eb.LineStyle = draw.LineStyle{Color: colBlue, Width: vg.Points(1.8)}
		eb.CapWidth = vg.Points(7)
		p.Add(eb)
	}
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.1
	if finite(cost) {
		p.X.Min, p.X.Max = min(p.X.Min, cost, 0), max(p.X.Max, cost, 0)
	}
	pad(&p.X, 0.04)
	if finite(cost) {
		line, err := plotter.NewLine(plotter.XYs{{X: cost, Y: p.Y.Min}, {X: cost, Y: p.Y.Max}})
		if err != nil {
			return nil, fmt.Errorf("charts: ROI breakdown %q: cost line: %w", title, err)
		}
		line.LineStyle = draw.LineStyle{Color: colRed, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		lbl, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    plotter.XYs{{X: cost, Y: p.Y.Max - 0.02}},
			Labels: []string{"Program cost " + money(cost)},
		})
		if err != nil {
			return nil, fmt.Errorf("charts: ROI breakdown %q: cost label: %w", title, err)
		}
		lbl.TextStyle[0] = labelStyle(sizeNote, colRed)
		lbl.TextStyle[0].YAlign = draw.YTop
		lbl.Offset = vg.Point{X: vg.Points(4)}
		// Right of the line when it sits in the left half of the axis, left of it otherwise.
		if cost > (p.X.Min+p.X.Max)/2 {
			lbl.TextStyle[0].XAlign = draw.XRight
			lbl.Offset.X = -lbl.Offset.X
		}
		p.Add(line, lbl)
	}
	p.NominalY(names...)
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Padding = vg.Points(6)

	var alt strings.Builder
	unit := ""
	if currency != "" {
		unit = " in " + currency
	}
	if finite(cost) {
		fmt.Fprintf(&alt, "Estimated benefit by metric%s, with intervals, against the program cost of %s (dashed line): %s.",
			unit, money(cost), strings.Join(sentences, "; "))
	} else {
		fmt.Fprintf(&alt, "Estimated benefit by metric%s, with intervals; the program cost is not available: %s.",
			unit, strings.Join(sentences, "; "))
	}
	if len(omitted) > 0 {
		fmt.Fprintf(&alt, " Not shown, no estimate: %s.", strings.Join(omitted, ", "))
	}
	h := 1.2*vg.Inch + vg.Length(n)*0.5*vg.Inch + vg.Length(extraLines(names))*0.18*vg.Inch
	return newFigure(p, h, title, alt.String()), nil
}
