package charts

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one line of a Growth chart: the points (X[i], Y[i]), in the units the chart's axis
// labels name, and the label of the line.
type Series struct {
	Label string
	X, Y  []float64
}

// growthColours extend the palette with the rest of the Okabe–Ito colours, one per series.
var growthColours = []color.Color{colBlue, colOrange, color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF},
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}, colRed, color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}}

// Growth draws how quantities grow with size on log–log axes (the scaling study of
// BENCHMARKS.md): one line with points per series and, dashed and grey, a line of slope 1 through
// the first series' first point, which is what linear growth would look like. On log–log axes
// the slope between two points is the growth exponent log(y₂/y₁)/log(x₂/x₁): 1 is linear, below 1
// sub-linear, 0 flat; the Alt states every point and every exponent.
//
// Points whose X or Y is not positive and finite cannot be placed on a log axis: they are left
// out, and the Alt and a note under the axis say so. It returns ErrNoData when no series has a
// point left, and an error when a series' X and Y differ in length.
func Growth(title, xLabel, yLabel string, series []Series) (Chart, error) {
	title, xLabel, yLabel = clean(title), clean(xLabel), clean(yLabel)
	var alt []string
	var dropped []string
	type line struct {
		label string
		xys   plotter.XYs
	}
	var lines []line
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range series {
		if len(s.X) != len(s.Y) {
			return Chart{}, fmt.Errorf("charts: growth %q: series %q has %d x and %d y values", title, s.Label, len(s.X), len(s.Y))
		}
		l := line{label: clean(s.Label)}
		for i := range s.X {
			x, y := s.X[i], s.Y[i]
			if !finite(x, y) || x <= 0 || y <= 0 {
				dropped = append(dropped, l.label)
				continue
			}
			l.xys = append(l.xys, plotter.XY{X: x, Y: y})
			xmin, xmax, ymin, ymax = math.Min(xmin, x), math.Max(xmax, x), math.Min(ymin, y), math.Max(ymax, y)
		}
		if len(l.xys) == 0 {
			continue
		}
		lines = append(lines, l)
		var pts, slopes []string
		for i, p := range l.xys {
			pts = append(pts, fmt.Sprintf("%s at %s", sig(p.Y), compact(sig3(p.X))))
			if i > 0 && p.X != l.xys[i-1].X {
				slopes = append(slopes, fmt.Sprintf("%.2f", math.Log(p.Y/l.xys[i-1].Y)/math.Log(p.X/l.xys[i-1].X)))
			}
		}
		sentence := fmt.Sprintf("%s: %s", l.label, strings.Join(pts, ", "))
		if len(slopes) > 0 {
			sentence += fmt.Sprintf(" (growth exponents %s; 1 is linear)", strings.Join(slopes, ", "))
		}
		alt = append(alt, sentence+".")
	}
	if len(lines) == 0 {
		return Chart{}, fmt.Errorf("charts: growth %q: %w", title, ErrNoData)
	}
	if len(dropped) > 0 {
		note := fmt.Sprintf("Not shown: %d %s with a value that is not positive (%s)", len(dropped),
			plural(len(dropped), "point", "points"), strings.Join(dropped, ", "))
		xLabel += "\n" + wrap(note, 90)
		alt = append(alt, note+".")
	}
	p := newPlot(wrap(title, 64), xLabel, yLabel)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := logTicks(min, max)
		for i := range ts {
			if ts[i].Label != "" {
				ts[i].Label = compact(ts[i].Value) // 100k, 1M, 10M
			}
		}
		return ts
	})
	p.Y.Tick.Marker = plot.TickerFunc(logTicks)
	// Room around the points, by a factor on each log axis; below them for the legend.
	p.X.Min, p.X.Max = xmin/1.5, xmax*1.5
	p.Y.Min, p.Y.Max = ymin/300, ymax*2
	grid := plotter.NewGrid()
	grid.Horizontal.Color, grid.Vertical.Color = colGrid, colGrid
	p.Add(grid)

	// Linear growth through the first point: y = y₀·x/x₀, clipped to the axes.
	x0, y0 := lines[0].xys[0].X, lines[0].xys[0].Y
	lo, hi := math.Max(p.X.Min, x0*p.Y.Min/y0), math.Min(p.X.Max, x0*p.Y.Max/y0)
	if lo < hi {
		ref, err := plotter.NewLine(plotter.XYs{{X: lo, Y: y0 * lo / x0}, {X: hi, Y: y0 * hi / x0}})
		if err != nil {
			return Chart{}, fmt.Errorf("charts: growth %q: reference line: %w", title, err)
		}
		ref.Color = colGrey
		ref.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		ref.Width = vg.Points(1)
		p.Add(ref)
		p.Legend.Add("linear growth (slope 1)", ref)
	}
	for i, l := range lines {
		c := growthColours[i%len(growthColours)]
		ln, pts, err := plotter.NewLinePoints(l.xys)
		if err != nil {
			return Chart{}, fmt.Errorf("charts: growth %q: %s: %w", title, l.label, err)
		}
		ln.Color, ln.Width = c, vg.Points(2)
		pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, vg.Points(3.5)
		p.Add(ln, pts)
		p.Legend.Add(l.label, ln, pts)
	}
	// The legend in the lower right corner, below the points (the y axis reaches far below them).
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(6)
	p.Legend.Padding = vg.Points(2)
	f := newFigure(p, 4*vg.Inch, title, strings.Join(alt, " "))
	return f.svg()
}

// sig3 rounds v to three significant digits (86,727 → 86,700), for sizes in the Alt.
func sig3(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	p := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-2)
	return math.Round(v/p) * p
}
