// Package charts draws the quarterly report's charts with gonum.org/v1/plot and renders them
// as SVG through vg/vgsvg, ready to be embedded inline in an HTML page.
//
// Every chart comes back as a Chart: a title, a text alternative (Alt) that states the numbers
// the chart shows, and the SVG bytes. The SVG is one <svg> element with a viewBox and
// width="100%" (it scales to its container, a phone's width included), no XML prolog, no
// script, no external reference, and a <title> and <desc> (the Title and Alt) that make it an
// accessible image. Its fonts are named, not fetched or embedded (a chart weighs about 10 kB):
// Liberation Sans, then the metric-compatible Arial and Helvetica, then the generic sans-serif;
// every <text> carries the textLength of its Liberation layout, so that any other fallback font
// is fitted to the same width and labels keep their alignment. Every string from the data
// (metric titles, team names, units) is cleaned of characters XML cannot hold and escaped.
//
// Units: Forest reads relative changes as fractions (-0.21, drawn as -21%); EventStudy draws
// its values as given, in the unit its yLabel names; ROIBreakdown reads money in the currency
// named; Distribution reads durations in the unit named.
//
// Values may be NaN or infinite (a missing bound, an estimate that could not be computed): such
// a point or interval is left out of the drawing, and the Alt and a note under the axis say so.
// An input with nothing to draw returns ErrNoData. The same input gives the same bytes, and the
// functions are safe for concurrent use.
package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"
	"time"

	xfnt "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// ErrNoData is returned (wrapped) by every chart function when its input holds nothing to draw:
// no rows, or only rows whose values are missing.
var ErrNoData = errors.New("charts: no data to draw")

// Chart is one rendered chart.
type Chart struct {
	// Title is the chart's title, as drawn at its top.
	Title string
	// Alt is a text alternative: one or more sentences that say what the chart shows, with its
	// numbers, and what was left out (suppressed or missing values).
	Alt string
	// SVG is one complete <svg> element (no XML prolog or doctype) with a viewBox and
	// width="100%", for inline embedding in HTML.
	SVG []byte
}

// Interval is one estimate with its interval, labelled for display.
type Interval struct {
	// Label names the row (a metric title); it is drawn as text and escaped.
	Label string
	// Estimate is the point estimate; Low and High bound its interval. NaN means missing.
	// Forest reads them as relative changes in fractions (-0.21 = 21% lower, drawn as -21%);
	// ROIBreakdown as amounts of money.
	Estimate, Low, High float64
}

// EventPoint is one period of an event study.
type EventPoint struct {
	// RelPeriod is the period relative to training: negative before it, 0 for the period in
	// which training was completed, positive after.
	RelPeriod int
	// Estimate, Low and High are the effect and its interval for that period, in the unit the
	// EventStudy's yLabel names (see EventStudy).
	Estimate, Low, High float64
	// Suppressed points (too few people in the cell) are not drawn; the Alt lists them.
	Suppressed bool
}

// CohortTeams is the number of teams whose training completed in one month.
type CohortTeams struct {
	// Month is any instant in the month (only its year and month are used, in UTC).
	Month time.Time
	// Teams is the number of teams trained that month.
	Teams int
}

// Palette: the Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
var (
	colBlue   = color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}
	colOrange = color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}
	colRed    = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}
	colBand   = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0x38}
	colGrey   = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xFF}
	colGrid   = color.RGBA{R: 0xDD, G: 0xDD, B: 0xDD, A: 0xFF}
)

// width is every chart's drawn width: it fits an A4 or Letter page between margins, and the
// viewBox scales it down on a phone.
const width = 6.5 * vg.Inch

// Text sizes in points. At the drawn width of 6.5 inches a phone shows a chart at about three
// quarters of its size, so the tick labels still read at about 8 CSS pixels.
const (
	sizeTitle = 14
	sizeLabel = 12
	sizeTick  = 11
	sizeNote  = 11
)

// sans is the face every text of every chart uses.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with a title and axis labels in the sans face, light text sizes and
// white background.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, sizeTitle)
	p.Title.TextStyle.Font.Weight = xfnt.WeightBold
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, sizeLabel)
		a.Label.TextStyle.Color = colGrey
		a.Label.Padding = vg.Points(4)
		a.Tick.Label.Font = font.From(sans, sizeTick)
		a.LineStyle.Color = colGrey
		a.Tick.LineStyle.Color = colGrey
		a.Tick.Length = vg.Points(4)
	}
	p.Legend.TextStyle.Font = font.From(sans, sizeTick)
	return p
}

// labelStyle is the text style of labels drawn inside the data area.
func labelStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(sans, size), Handler: plot.DefaultTextHandler}
}

// finite reports whether every value is neither NaN nor infinite.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// hasInterval reports whether low ≤ est ≤ high, all finite.
func hasInterval(est, low, high float64) bool {
	return finite(est, low, high) && low <= est && est <= high
}

var (
	svgSize   = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*"`)
	xlinkNS   = regexp.MustCompile(`\s*xmlns:xlink="[^"]*"`)
	fontLib   = []byte("font-family:Liberation Sans;")
	fontStack = []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
)

// figure is a chart before rendering: the plot, its drawn size and its texts.
type figure struct {
	p          *plot.Plot
	w, h       vg.Length
	title, alt string
}

// newFigure returns the figure of p, h high plus room for every line of its title and x-axis
// label beyond the first.
func newFigure(p *plot.Plot, h vg.Length, title, alt string) *figure {
	extra := strings.Count(p.Title.Text, "\n")*18 + strings.Count(p.X.Label.Text, "\n")*15
	return &figure{p: p, w: width, h: h + vg.Points(float64(extra)), title: title, alt: alt}
}

// svg renders the figure as a Chart.
func (f *figure) svg() (Chart, error) { return render(f, f.title, f.alt) }

// margin is the white border around every chart.
var margin = vg.Points(6)

// draw draws the figure on c inside the margin.
func (f *figure) draw(c vg.CanvasSizer) {
	f.p.Draw(draw.Crop(draw.New(c), margin, -margin, margin, -margin))
}

// measuring is a vgsvg canvas that records the width of every string it draws, in order, as
// laid out with the embedded Liberation metrics.
type measuring struct {
	*vgsvg.Canvas
	widths []vg.Length
}

// FillString records the string's width and draws it.
func (m *measuring) FillString(f font.Face, pt vg.Point, s string) {
	m.widths = append(m.widths, f.Width(s))
	m.Canvas.FillString(f, pt, s)
}

var textTag = []byte("<text ")

// fixTextLengths gives the i-th <text> element of b the textLength widths[i] (with
// lengthAdjust="spacingAndGlyphs"): a browser without Liberation Sans or a metric-compatible
// font (Arial, Helvetica) then stretches or squeezes its fallback font to the width the layout
// was computed with, so that labels keep their alignment and do not overlap. vgsvg writes one
// <text> per FillString and escapes its content, so "<text " occurs only as those tags.
func fixTextLengths(b []byte, widths []vg.Length) ([]byte, error) {
	if n := bytes.Count(b, textTag); n != len(widths) {
		return nil, fmt.Errorf("%d <text> elements for %d strings drawn", n, len(widths))
	}
	out := make([]byte, 0, len(b)+len(widths)*48)
	for _, w := range widths {
		i := bytes.Index(b, textTag)
		out = append(out, b[:i+len(textTag)]...)
		b = b[i+len(textTag):]
		if w > 0 {
			out = fmt.Appendf(out, `textLength="%.5g" lengthAdjust="spacingAndGlyphs" `, w.Points())
		}
	}
	return append(out, b...), nil
}

// render draws f and returns the chart: the vgsvg document with its prolog
// removed, sized to its container, fonts named with generic fallbacks, and the title and alt
// text as its accessible name and description. A panic inside the plotting library (it panics
// on some degenerate ranges) is returned as an error.
func render(f *figure, title, alt string) (ch Chart, err error) {
	defer func() {
		if r := recover(); r != nil {
			ch = Chart{}
			err = fmt.Errorf("charts: drawing %q: %v", title, r)
		}
	}()
	c := &measuring{Canvas: vgsvg.NewWith(vgsvg.UseWH(f.w, f.h))}
	f.draw(c)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return Chart{}, fmt.Errorf("charts: writing SVG of %q: %w", title, err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte("<svg"))
	if i < 0 {
		return Chart{}, fmt.Errorf("charts: vgsvg wrote no <svg> element for %q", title)
	}
	b = b[i:]
	if !svgSize.Match(b) {
		return Chart{}, fmt.Errorf("charts: unexpected <svg> header from vgsvg for %q", title)
	}
	var head bytes.Buffer
	head.WriteString(`<svg width="100%" style="height:auto;max-width:100%" role="img"`)
	b = svgSize.ReplaceAll(b, head.Bytes())
	// The xlink namespace only serves embedded images, which no chart draws.
	b = xlinkNS.ReplaceAll(b, nil)
	b = bytes.ReplaceAll(b, fontLib, fontStack)
	if b, err = fixTextLengths(b, c.widths); err != nil {
		return Chart{}, fmt.Errorf("charts: %q: %w", title, err)
	}
	// <title> and <desc> right after the opening tag: the chart's accessible name and description.
	end := bytes.IndexByte(b, '>')
	var meta bytes.Buffer
	meta.WriteString("\n<title>")
	if err := xml.EscapeText(&meta, []byte(title)); err != nil {
		return Chart{}, fmt.Errorf("charts: escaping title: %w", err)
	}
	meta.WriteString("</title>\n<desc>")
	if err := xml.EscapeText(&meta, []byte(alt)); err != nil {
		return Chart{}, fmt.Errorf("charts: escaping alt text: %w", err)
	}
	meta.WriteString("</desc>")
	out := make([]byte, 0, len(b)+meta.Len())
	out = append(out, b[:end+1]...)
	out = append(out, meta.Bytes()...)
	out = append(out, b[end+1:]...)
	return Chart{Title: title, Alt: alt, SVG: out}, nil
}
