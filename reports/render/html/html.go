// Package html writes the report as one self-contained HTML file: inline CSS, inline SVG charts,
// no script and no reference outside the file (a Content-Security-Policy forbids any request), in
// the order a sponsor reads. Every value from the data goes through html/template's escaping; a
// chart's SVG is embedded only when svgcheck accepts it.
package html

import (
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
	"github.com/trainimpact/trainimpact/reports/render/svgcheck"
	"github.com/trainimpact/trainimpact/reports/report"
)

//go:embed report.html.tmpl
var tmplText string

//go:embed style.css
var css string

var tmpl = template.Must(template.New("report").Funcs(Funcs()).Parse(tmplText))

// Funcs are the template functions; formats go through the report package so that every format
// writes the same numbers.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"pctv":     report.PctValue,
		"pctu":     func(x float64) string { return report.Pct(x) },
		"money":    report.Money,
		"ratio":    report.Ratio,
		"ok":       func(x float64) bool { return !math.IsNaN(x) },
		"num":      num,
		"peq":      PEq,
		"perEvent": report.PerEvent,
		"rel":      report.RelText,
		"hasLevel": func(ms []report.MetricROI) bool {
			for _, m := range ms {
				if m.Level != "" {
					return true
				}
			}
			return false
		},
		"num0": func(x float64) string { return Num0(x) },
		"p":    P,
		"join": strings.Join,
		"date": func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "never"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"month":   func(t time.Time) string { return t.Format("January 2006") },
		"verdict": VerdictLabel,
		"flags":   func(fs []string) string { return strings.ReplaceAll(strings.Join(fs, ", "), "_", " ") },
		"svg":     svg,
		"eventChart": func(r *report.Report, metric string) *charts.Chart {
			for i := range r.Charts.EventStudies {
				if r.Charts.EventStudies[i].Metric == metric {
					return &r.Charts.EventStudies[i].Chart
				}
			}
			return nil
		},
	}
}

// VerdictLabel is a verdict as a heading badge says it.
func VerdictLabel(v report.Verdict) string {
	switch v {
	case report.Improved:
		return "Improved"
	case report.Worsened:
		return "Worsened"
	case report.Suppressed:
		return "Suppressed (fewer than min_cell people)"
	case report.NotEstimable:
		return "Not estimable"
	}
	return "No detectable change"
}

// P formats a p- or q-value.
func P(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case x < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", x)
}

// PEq writes "name = x" with x as P writes it, or "name < 0.001" for a value below that.
func PEq(name string, x float64) string {
	v := P(x)
	if strings.HasPrefix(v, "<") {
		return name + " " + v[:1] + " " + v[1:]
	}
	return name + " = " + v
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.3g", x)
}

// Num0 formats a count-like number with thousands separators.
func Num0(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return report.Money(x, "")
}

// svg embeds a chart's SVG when svgcheck accepts it, and says so in text when it does not.
func svg(c charts.Chart) template.HTML {
	if err := svgcheck.Check(c.SVG); err != nil {
		return template.HTML(`<p class="note">This chart was left out: ` + template.HTMLEscapeString(err.Error()) + `</p>`)
	}
	return template.HTML(svgcheck.Element(c.SVG)) // #nosec: checked by svgcheck above
}

// Render writes the report as HTML to w.
func Render(ctx context.Context, w io.Writer, r *report.Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data := struct {
		R   *report.Report
		CSS template.CSS
		CI  string
	}{R: r, CSS: template.CSS(css), CI: fmt.Sprintf("%s%% CI", strings.TrimSuffix(fmt.Sprintf("%.1f", r.Confidence), ".0"))}
	if err := tmpl.Execute(w, data); err != nil {
		return fmt.Errorf("html: render: %w", err)
	}
	return nil
}
