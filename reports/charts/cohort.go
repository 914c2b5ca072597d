package charts

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CohortTimeline draws the number of teams trained in each month as bars, one bar per calendar
// month from the first to the last month given (months between them with no team show as zero;
// several entries for one month are added up), each bar labelled with its count (zeros too).
// Only the year and month of CohortTeams.Month count, read in UTC.
//
// Entries with a negative count are left out and the Alt says so. It returns ErrNoData when no
// entry is left.
func CohortTimeline(title string, cs []CohortTeams) (Chart, error) {
	return CohortTimelineOf(title, "team", "teams", cs)
}

// CohortTimelineOf is CohortTimeline for units other than teams: one and many name the unit
// counted, e.g. "person" and "people" when the analysis unit is a person; CohortTeams.Teams then
// holds that count. The y axis reads "People trained (count)".
func CohortTimelineOf(title, one, many string, cs []CohortTeams) (Chart, error) {
	f, err := cohortTimeline(title, one, many, cs)
	if err != nil {
		return Chart{}, err
	}
	return f.svg()
}

// monthIndex counts months since year 0, so that consecutive months differ by one.
func monthIndex(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// monthName is the label of a month index: "Mar 2026".
func monthName(i int) string {
	return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC).Format("Jan 2006")
}

func cohortTimeline(title, one, many string, cs []CohortTeams) (*figure, error) {
	title, one, many = clean(title), clean(one), clean(many)
	if one == "" || many == "" {
		one, many = "team", "teams"
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("charts: cohort timeline %q: %w", title, ErrNoData)
	}
	counts := map[int]int{}
	lo, hi := math.MaxInt, math.MinInt
	invalid := 0
	for _, c := range cs {
		if c.Teams < 0 {
			invalid++
			continue
		}
		m := monthIndex(c.Month)
		counts[m] += c.Teams
		lo, hi = min(lo, m), max(hi, m)
	}
	if len(counts) == 0 {
		return nil, fmt.Errorf("charts: cohort timeline %q: no valid entry: %w", title, ErrNoData)
	}
	if hi-lo >= 120 {
		return nil, fmt.Errorf("charts: cohort timeline %q: %s to %s spans more than ten years", title, monthName(lo), monthName(hi))
	}

	n := hi - lo + 1
	vals := make(plotter.Values, n)
	names := make([]string, n)
	var labels plotter.XYLabels
	total, peak := 0, lo
	var parts []string
	for i := range n {
		m := lo + i
		vals[i] = float64(counts[m])
		names[i] = monthName(m)
		total += counts[m]
		if counts[m] > counts[peak] {
			peak = m
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: vals[i]})
		labels.Labels = append(labels.Labels, fmt.Sprint(counts[m]))
		parts = append(parts, fmt.Sprintf("%s %d", names[i], counts[m]))
	}

	p := newPlot(wrap(title, 64), "Month training was completed", capitalise(many)+" trained (count)")
	grid := plotter.NewGrid()
	grid.Horizontal.Color = colGrid
	grid.Vertical.Color = nil
	p.Add(grid)
	barW := min(vg.Points(36), (width-vg.Inch)/vg.Length(n)*0.7)
	bars, err := plotter.NewBarChart(vals, barW)
	if err != nil {
		return nil, fmt.Errorf("charts: cohort timeline %q: bars: %w", title, err)
	}
	bars.Color = colBlue
	bars.LineStyle.Width = 0
	p.Add(bars)
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("charts: cohort timeline %q: bar labels: %w", title, err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i] = labelStyle(sizeNote, colGrey)
		lb.TextStyle[i].XAlign = draw.XCenter
	}
	lb.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(lb)
	p.NominalX(names...)
	p.Y.Padding = vg.Points(5) // NominalX pads by half the first label; the X range has room
	if n > 8 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4
	p.Y.Min = 0
	p.Y.Max = math.Max(p.Y.Max*1.12, 1)
	p.Y.Tick.Marker = plot.TickerFunc(integerTicks)

	var alt strings.Builder
	fmt.Fprintf(&alt, "%d %s trained between %s and %s, most in %s (%d). By month: %s.",
		total, plural(total, one, many), monthName(lo), monthName(hi), monthName(peak), counts[peak], strings.Join(parts, ", "))
	if invalid > 0 {
		fmt.Fprintf(&alt, " %d %s with a negative count left out.", invalid, plural(invalid, "entry", "entries"))
	}
	return newFigure(p, 3.2*vg.Inch, title, alt.String()), nil
}

// capitalise returns s with its first letter in upper case.
func capitalise(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
