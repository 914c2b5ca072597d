package charts

import (
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// EventStudy draws an effect by period relative to training: each period's estimate as a point
// (grey before training, blue from the training period on) joined by a line, its interval as a
// shaded band and error bar, a dashed line at zero and a vertical marker labelled "Training"
// between period -1 and period 0. A period is a month.
//
// Values are drawn as given, in the unit yLabel names: the caller converts them (to percent,
// percentage points, per-event units) and says so in the label, e.g. "Change (%)" or "Change
// (percentage points)". The unit in the label's closing parentheses, when there is one, follows
// every number in the Alt ("-19%", "-1.2 percentage points"). A point whose estimate and
// bounds are all zero is described as the reference period.
//
// Suppressed points and points without a finite estimate are not drawn; the Alt and a note
// under the axis list their periods. A point whose bounds are missing is drawn without an
// interval. It returns ErrNoData when no point can be drawn.
func EventStudy(title, yLabel string, pts []EventPoint) (Chart, error) {
	f, err := eventStudy(title, yLabel, pts)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

func eventStudy(title, yLabel string, pts []EventPoint) (*figure, error) {
	title, yLabel = clean(title), clean(yLabel)
	if len(pts) == 0 {
		return nil, fmt.Errorf("charts: event study %q: %w", title, ErrNoData)
	}
	sorted := append([]EventPoint(nil), pts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].RelPeriod < sorted[j].RelPeriod })
	var shown []EventPoint
	var suppressed, missing []string
	for _, e := range sorted {
		switch {
		case e.Suppressed:
			suppressed = append(suppressed, strconv.Itoa(e.RelPeriod))
		case !finite(e.Estimate):
			missing = append(missing, strconv.Itoa(e.RelPeriod))
		default:
			shown = append(shown, e)
		}
	}
	if len(shown) == 0 {
		return nil, fmt.Errorf("charts: event study %q: every point is suppressed or missing: %w", title, ErrNoData)
	}

	xLabel := "Months since training (0 = first whole month after training and washout)"
	var notes []string
	if len(suppressed) > 0 {
		notes = append(notes, fmt.Sprintf("%s %s suppressed (too few people)", plural(len(suppressed), "month", "months"), strings.Join(suppressed, ", ")))
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("%s %s not estimated", plural(len(missing), "month", "months"), strings.Join(missing, ", ")))
	}
	if len(notes) > 0 {
		xLabel += "\n" + wrap("Not shown: "+strings.Join(notes, "; "), 90)
	}
	p := newPlot(wrap(title, 64), xLabel, yLabel)
	p.Y.Tick.Marker = niceTicks(trimNum)
	p.X.Tick.Marker = plot.TickerFunc(integerTicks)
	grid := plotter.NewGrid()
	grid.Horizontal.Color = colGrid
	grid.Vertical.Color = nil
	p.Add(grid)

	// Runs of consecutive drawn periods: the band and the line break where a period is missing.
	var runs [][]EventPoint
	for i, e := range shown {
		if i == 0 || e.RelPeriod != shown[i-1].RelPeriod+1 {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], e)
	}
	for _, run := range runs {
		// Band over each stretch of consecutive periods that all have intervals.
		var upper, lower plotter.XYs
		flush := func() error {
			if len(upper) >= 2 {
				poly := append(append(plotter.XYs(nil), upper...), reverse(lower)...)
				band, err := plotter.NewPolygon(poly)
				if err != nil {
					return err
				}
				band.Color = colBand
				band.LineStyle.Width = 0
				p.Add(band)
			}
			upper, lower = nil, nil
			return nil
		}
		for _, e := range run {
			if !hasInterval(e.Estimate, e.Low, e.High) {
				if err := flush(); err != nil {
					return nil, fmt.Errorf("charts: event study %q: band: %w", title, err)
				}
				continue
			}
			x := float64(e.RelPeriod)
			upper = append(upper, plotter.XY{X: x, Y: e.High})
			lower = append(lower, plotter.XY{X: x, Y: e.Low})
		}
		if err := flush(); err != nil {
			return nil, fmt.Errorf("charts: event study %q: band: %w", title, err)
		}
	}

	var bars plotter.XYs
	var errs plotter.YErrors
	var pre, post plotter.XYs
	for _, e := range shown {
		xy := plotter.XY{X: float64(e.RelPeriod), Y: e.Estimate}
		if hasInterval(e.Estimate, e.Low, e.High) {
			bars = append(bars, xy)
			errs = append(errs, struct{ Low, High float64 }{e.Estimate - e.Low, e.High - e.Estimate})
		}
		if e.RelPeriod < 0 {
			pre = append(pre, xy)
		} else {
			post = append(post, xy)
		}
	}
	if len(bars) > 0 {
		eb, err := plotter.NewYErrorBars(yErrors{bars, errs})
		if err != nil {
			return nil, fmt.Errorf("charts: event study %q: intervals: %w", title, err)
		}
		eb.LineStyle = draw.LineStyle{Color: colBlue, Width: vg.Points(1)}
		eb.CapWidth = vg.Points(5)
		p.Add(eb)
	}
	for _, run := range runs {
		if len(run) < 2 {
			continue
		}
		xys := make(plotter.XYs, len(run))
		for i, e := range run {
			xys[i] = plotter.XY{X: float64(e.RelPeriod), Y: e.Estimate}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("charts: event study %q: line: %w", title, err)
		}
		l.LineStyle = draw.LineStyle{Color: colBlue, Width: vg.Points(1.5)}
		p.Add(l)
	}
	for _, s := range []struct {
		xys plotter.XYs
		c   color.Color
	}{{pre, colGrey}, {post, colBlue}} {
		if len(s.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.xys)
		if err != nil {
			return nil, fmt.Errorf("charts: event study %q: points: %w", title, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.c, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
		p.Add(sc)
	}

	// Axis ranges: every drawn period, the training marker, zero, and a margin.
	first, last := float64(shown[0].RelPeriod), float64(shown[len(shown)-1].RelPeriod)
	p.X.Min, p.X.Max = min(first, -1)-0.6, max(last, 0)+0.6
	p.Y.Min, p.Y.Max = min(p.Y.Min, 0), max(p.Y.Max, 0)
	pad(&p.Y, 0.06)
	p.Y.Max += 0.06 * (p.Y.Max - p.Y.Min) // room for the marker's label
	zero, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: 0}, {X: p.X.Max, Y: 0}})
	if err != nil {
		return nil, fmt.Errorf("charts: event study %q: zero line: %w", title, err)
	}
	zero.LineStyle = draw.LineStyle{Color: colGrey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	marker, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: p.Y.Min}, {X: -0.5, Y: p.Y.Max}})
	if err != nil {
		return nil, fmt.Errorf("charts: event study %q: training marker: %w", title, err)
	}
	marker.LineStyle = draw.LineStyle{Color: colOrange, Width: vg.Points(1.5)}
	lbl, err := plotter.NewLabels(plotter.XYLabels{
		XYs:    plotter.XYs{{X: -0.5, Y: p.Y.Max - 0.005*(p.Y.Max-p.Y.Min)}},
		Labels: []string{"Training"},
	})
	if err != nil {
		return nil, fmt.Errorf("charts: event study %q: training label: %w", title, err)
	}
	lbl.TextStyle[0] = labelStyle(sizeNote, colGrey)
	lbl.TextStyle[0].YAlign = draw.YTop
	lbl.Offset = vg.Point{X: vg.Points(4)}
	p.Add(zero, marker, lbl)

	var alt strings.Builder
	unit := unitOf(yLabel)
	val := func(v float64) string { return signed(v) + unit }
	what := yLabel
	if what == "" {
		what = "Effect"
	}
	fmt.Fprintf(&alt, "%s by month since training, with intervals; the dashed line at 0 is no change and month 0 is the first whole month after training and its washout. ", what)
	describe := func(name string, es []EventPoint) {
		var parts []string
		for _, e := range es {
			switch {
			case e.Estimate == 0 && e.Low == 0 && e.High == 0:
				parts = append(parts, fmt.Sprintf("month %d is the reference (0)", e.RelPeriod))
			case hasInterval(e.Estimate, e.Low, e.High):
				parts = append(parts, fmt.Sprintf("month %d %s (interval %s to %s)", e.RelPeriod, val(e.Estimate), val(e.Low), val(e.High)))
			default:
				parts = append(parts, fmt.Sprintf("month %d %s (interval not available)", e.RelPeriod, val(e.Estimate)))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(&alt, "%s: %s. ", name, strings.Join(parts, "; "))
		}
	}
	var before, after []EventPoint
	for _, e := range shown {
		if e.RelPeriod < 0 {
			before = append(before, e)
		} else {
			after = append(after, e)
		}
	}
	describe("Before training", before)
	describe("From training on", after)
	if len(suppressed) > 0 {
		fmt.Fprintf(&alt, "Not shown, suppressed because too few people: %s %s. ", plural(len(suppressed), "month", "months"), strings.Join(suppressed, ", "))
	}
	if len(missing) > 0 {
		fmt.Fprintf(&alt, "Not shown, no estimate: %s %s. ", plural(len(missing), "month", "months"), strings.Join(missing, ", "))
	}
	return newFigure(p, 3.6*vg.Inch, title, strings.TrimSpace(alt.String())), nil
}

// unitOf returns the unit named in label's closing parentheses, ready to follow a number: "%"
// for "Change (%)", " percentage points" for "Change (percentage points)", "" for none.
func unitOf(label string) string {
	label = strings.TrimSpace(label)
	if !strings.HasSuffix(label, ")") {
		return ""
	}
	i := strings.LastIndex(label, "(")
	if i < 0 {
		return ""
	}
	u := strings.TrimSpace(label[i+1 : len(label)-1])
	switch u {
	case "":
		return ""
	case "%":
		return "%"
	}
	return " " + u
}

// signed formats v to three significant digits with its sign: +4.5, -19.1, 0, -120.
func signed(v float64) string {
	s := sig(v)
	if s == "0" || s == "-0" {
		return "0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// reverse returns xys in reverse order.
func reverse(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xys))
	for i, xy := range xys {
		out[len(xys)-1-i] = xy
	}
	return out
}
