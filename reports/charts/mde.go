package charts

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MDEPoint is the minimum detectable effect of a planned rollout observed for Quarters quarters,
// with the Monte Carlo interval of its simulation (Low, High; NaN when missing).
type MDEPoint struct {
	Quarters       int
	MDE, Low, High float64
}

// MDESeries is one line of an MDE chart: the rollout with Teams teams trained.
type MDESeries struct {
	Teams  int
	Points []MDEPoint
}

// MDEGrid draws the minimum detectable effect of a planned rollout against the quarters observed
// after the start (x axis, whole quarters), one line per number of teams trained (the legend
// names it), each point with its Monte Carlo interval as an error bar. Values are drawn as given,
// in the unit yLabel names (the caller converts them, e.g. to a relative change in percent, and
// says so in the label). Smaller is better: the rollout can detect smaller effects.
//
// Points without a finite MDE are left out; the Alt and a note under the axis say which. It
// returns ErrNoData when no point can be drawn.
func MDEGrid(title, yLabel string, series []MDESeries) (Chart, error) {
	f, err := mdeGrid(title, yLabel, series)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

func mdeGrid(title, yLabel string, series []MDESeries) (*figure, error) {
	title, yLabel = clean(title), clean(yLabel)
	ss := append([]MDESeries(nil), series...)
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].Teams < ss[j].Teams })
	var missing, sentences []string
	drawn := 0
	for _, s := range ss {
		for _, pt := range s.Points {
			if finite(pt.MDE) {
				drawn++
			} else {
				missing = append(missing, fmt.Sprintf("%d %s, %d %s", s.Teams, plural(s.Teams, "team", "teams"), pt.Quarters, plural(pt.Quarters, "quarter", "quarters")))
			}
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("charts: MDE grid %q: %w", title, ErrNoData)
	}
	unit := ""
	if i := strings.LastIndex(yLabel, "("); i >= 0 && strings.HasSuffix(yLabel, ")") {
		unit = yLabel[i+1 : len(yLabel)-1]
	}
	xLabel := "Quarters observed after the first cohort's first trained month"
	if len(missing) > 0 {
		xLabel += "\n" + wrap("Not shown (not estimable): "+strings.Join(missing, "; "), 90)
	}
	p := newPlot(wrap(title, 64), xLabel, yLabel)
	p.Y.Tick.Marker = niceTicks(trimNum)
	p.X.Tick.Marker = plot.TickerFunc(integerTicks)
	grid := plotter.NewGrid()
	grid.Horizontal.Color = colGrid
	grid.Vertical.Color = nil
	p.Add(grid)
	cols := []color.Color{colBlue, colOrange, colRed, colGrey}
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}}
	xMin, xMax := 1e9, -1e9
	for i, s := range ss {
		c, shape := cols[i%len(cols)], shapes[i%len(shapes)]
		pts := append([]MDEPoint(nil), s.Points...)
		sort.Slice(pts, func(a, b int) bool { return pts[a].Quarters < pts[b].Quarters })
		var xys, bars plotter.XYs
		var errs plotter.YErrors
		var words []string
		for _, pt := range pts {
			if !finite(pt.MDE) {
				continue
			}
			x := float64(pt.Quarters)
			xMin, xMax = min(xMin, x), max(xMax, x)
			xys = append(xys, plotter.XY{X: x, Y: pt.MDE})
			if hasInterval(pt.MDE, pt.Low, pt.High) {
				bars = append(bars, plotter.XY{X: x, Y: pt.MDE})
				errs = append(errs, struct{ Low, High float64 }{pt.MDE - pt.Low, pt.High - pt.MDE})
				words = append(words, fmt.Sprintf("%d %s: %s%s (%s to %s)", pt.Quarters, plural(pt.Quarters, "quarter", "quarters"),
					trimNum(round3(pt.MDE)), unitSuffix(unit), trimNum(round3(pt.Low)), trimNum(round3(pt.High))))
			} else {
				words = append(words, fmt.Sprintf("%d %s: %s%s", pt.Quarters, plural(pt.Quarters, "quarter", "quarters"), trimNum(round3(pt.MDE)), unitSuffix(unit)))
			}
		}
		if len(xys) == 0 {
			continue
		}
		if len(xys) >= 2 {
			l, err := plotter.NewLine(xys)
			if err != nil {
				return nil, fmt.Errorf("charts: MDE grid %q: line: %w", title, err)
			}
			l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5)}
			p.Add(l)
		}
		if len(bars) > 0 {
			eb, err := plotter.NewYErrorBars(yErrors{bars, errs})
			if err != nil {
				return nil, fmt.Errorf("charts: MDE grid %q: intervals: %w", title, err)
			}
			eb.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1)}
			eb.CapWidth = vg.Points(5)
			p.Add(eb)
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("charts: MDE grid %q: points: %w", title, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3.5), Shape: shape}
		p.Add(sc)
		name := fmt.Sprintf("%d %s trained", s.Teams, plural(s.Teams, "team", "teams"))
		p.Legend.Add(name, sc)
		sentences = append(sentences, name+": "+strings.Join(words, ", "))
	}
	p.Legend.Top = true
	p.X.Min, p.X.Max = xMin-0.4, xMax+0.4
	p.Y.Min = min(p.Y.Min, 0)
	pad(&p.Y, 0.08)
	p.Y.Max += 0.15 * (p.Y.Max - p.Y.Min) // room for the legend

	var alt strings.Builder
	fmt.Fprintf(&alt, "%s by quarters observed after the start, one line per number of teams trained, with the Monte Carlo interval of the simulation: %s.",
		yLabel, strings.Join(sentences, "; "))
	if len(missing) > 0 {
		fmt.Fprintf(&alt, " Not shown, not estimable: %s.", strings.Join(missing, "; "))
	}
	return newFigure(p, 4*vg.Inch, title, alt.String()), nil
}

// round3 rounds to 3 significant digits for sentences.
func round3(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	s := fmt.Sprintf("%.3g", v)
	var r float64
	fmt.Sscan(s, &r)
	return r
}

// unitSuffix is the unit written after a number in a sentence: "%" directly, others after a space.
func unitSuffix(unit string) string {
	switch unit {
	case "":
		return ""
	case "%":
		return "%"
	}
	return " " + unit
}
