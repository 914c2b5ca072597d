package charts

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/trainimpact/trainimpact/reports/stats"
)

// Distribution draws the distributions of a duration before and after training as two box
// plots (median, quartiles, whiskers to the furthest value within 1.5 interquartile ranges of
// the logarithms, points beyond) on a logarithmic axis, since durations are skewed. unit names the duration's
// unit ("hours"); the axis reads "Duration (unit, log scale)". Each box's label gives its count
// and median.
//
// These are before/after figures: they do not isolate the program's effect (other things
// changed over the same time), and the Alt says so. Values that are NaN, infinite, zero or
// negative cannot sit on a log axis and are left out, counted in the Alt. It returns ErrNoData
// when neither side has a value left.
func Distribution(title, unit string, pre, post []float64) (Chart, error) {
	f, err := distribution(title, unit, pre, post)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

// positive returns the finite positive values of vs, sorted, and how many were dropped.
func positive(vs []float64) (plotter.Values, int) {
	var out plotter.Values
	for _, v := range vs {
		if finite(v) && v > 0 {
			out = append(out, v)
		}
	}
	sort.Float64s(out)
	return out, len(vs) - len(out)
}

func distribution(title, unit string, pre, post []float64) (*figure, error) {
	title, unit = clean(title), clean(unit)
	before, dropPre := positive(pre)
	after, dropPost := positive(post)
	if len(before) == 0 && len(after) == 0 {
		return nil, fmt.Errorf("charts: distribution %q: no positive finite value: %w", title, ErrNoData)
	}
	withUnit := func(v float64) string {
		if unit == "" {
			return sig(v)
		}
		return sig(v) + " " + unit
	}

	axis := "Duration (log scale)"
	if unit != "" {
		axis = "Duration (" + unit + ", log scale)"
	}
	p := newPlot(wrap(title, 64), "", axis)
	// The values are drawn as log10 on a linear axis whose ticks are labelled with the original
	// values: plot.LogScale misplaces a centred axis label (it centres it on the linear
	// midpoint), and whiskers at 1.5 interquartile ranges suit skewed data better in log space.
	p.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := logTicks(math.Pow(10, min), math.Pow(10, max))
		for i := range ts {
			ts[i].Value = math.Log10(ts[i].Value)
		}
		return ts
	})
	grid := plotter.NewGrid()
	grid.Horizontal.Color = colGrid
	grid.Vertical.Color = nil
	p.Add(grid)

	var names []string
	var sentences []string
	for i, side := range []struct {
		name string
		vs   plotter.Values
	}{{"Before training", before}, {"After training", after}} {
		if len(side.vs) == 0 {
			names = append(names, side.name+"\nno values")
			sentences = append(sentences, side.name+": no values")
			continue
		}
		// Quantiles as R's type 7 (DuckDB's quantile_cont), so `trainimpact sql` reproduces them.
		med := stats.Quantile7(0.5, side.vs)
		q1 := stats.Quantile7(0.25, side.vs)
		q3 := stats.Quantile7(0.75, side.vs)
		p90 := stats.Quantile7(0.9, side.vs)
		names = append(names, fmt.Sprintf("%s\nn = %d, median %s", side.name, len(side.vs), withUnit(med)))
		sentences = append(sentences, fmt.Sprintf("%s: %d values, median %s, middle half %s to %s, 90th percentile %s",
			side.name, len(side.vs), withUnit(med), sig(q1), withUnit(q3), withUnit(p90)))
		logs := make(plotter.Values, len(side.vs))
		for j, v := range side.vs {
			logs[j] = math.Log10(v)
		}
		bp, err := plotter.NewBoxPlot(vg.Points(60), float64(i), logs)
		if err != nil {
			return nil, fmt.Errorf("charts: distribution %q: box plot: %w", title, err)
		}
		col := colBlue
		if i == 0 {
			col = colGrey
		}
		bp.FillColor = nil
		bp.BoxStyle = draw.LineStyle{Color: col, Width: vg.Points(1.5)}
		bp.MedianStyle = draw.LineStyle{Color: col, Width: vg.Points(2.5)}
		bp.WhiskerStyle = draw.LineStyle{Color: col, Width: vg.Points(1)}
		bp.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.5), Shape: draw.CircleGlyph{}}
		p.Add(bp)
	}
	p.NominalX(names...)
	p.Y.Padding = vg.Points(5) // NominalX pads by half the first label; the X range has room
	p.X.Min, p.X.Max = -0.6, 1.6
	// At least one decade, so that the axis has labelled ticks to read values against.
	if span := p.Y.Max - p.Y.Min; span < 1 {
		mid := (p.Y.Max + p.Y.Min) / 2
		p.Y.Min, p.Y.Max = mid-0.5, mid+0.5
	}
	pad(&p.Y, 0.04)

	var alt strings.Builder
	fmt.Fprintf(&alt, "Box plots of the duration before and after training, on a log scale. %s.", strings.Join(sentences, "; "))
	if dropped := dropPre + dropPost; dropped > 0 {
		fmt.Fprintf(&alt, " %d %s missing, zero or negative left out.", dropped, plural(dropped, "value", "values"))
	}
	alt.WriteString(" A before/after comparison does not isolate the effect of training.")
	return newFigure(p, 3.6*vg.Inch, title, alt.String()), nil
}
