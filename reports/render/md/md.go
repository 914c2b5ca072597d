// Package md writes the report as Markdown for wikis: the same sentences and numbers as the HTML,
// tables, and charts as separate SVG files beside it (Files) linked as images. Every value from
// the data is escaped so that it renders as text.
package md

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strings"
	"text/template"
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
	"github.com/trainimpact/trainimpact/reports/render/html"
	"github.com/trainimpact/trainimpact/reports/render/svgcheck"
	"github.com/trainimpact/trainimpact/reports/report"
)

//go:embed report.md.tmpl
var tmplText string

// ChartDir is the folder, beside report.md, that holds the chart files.
const ChartDir = "charts"

// File is a chart file to write beside report.md.
type File struct {
	Name string // relative to report.md's folder, e.g. charts/forest.svg
	SVG  []byte
}

// Files returns the chart files report.md links to; a chart svgcheck rejects is left out.
func Files(r *report.Report) []File {
	var out []File
	for _, c := range named(r) {
		if svgcheck.Check(c.chart.SVG) == nil {
			out = append(out, File{Name: c.file, SVG: c.chart.SVG})
		}
	}
	return out
}

type namedChart struct {
	file  string
	chart *charts.Chart
}

func named(r *report.Report) []namedChart {
	var out []namedChart
	add := func(name string, c *charts.Chart) {
		if c != nil {
			out = append(out, namedChart{file: ChartDir + "/" + name + ".svg", chart: c})
		}
	}
	add("roi", r.Charts.ROI)
	add("cohorts", r.Charts.Cohorts)
	for i := range r.Charts.EventStudies {
		add("event_"+r.Charts.EventStudies[i].Metric, &r.Charts.EventStudies[i].Chart)
	}
	add("forest", r.Charts.Forest)
	for i := range r.Charts.Distributions {
		add("distribution_"+r.Charts.Distributions[i].Metric, &r.Charts.Distributions[i].Chart)
	}
	return out
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;",
	"&", "&amp;", "|", `\|`, "#", `\#`, "\n", " ", "\r", " ")

// Escape makes a value from the data render as plain text in Markdown (and in the HTML a wiki
// makes of it), table cells included.
func Escape(s string) string { return mdEscaper.Replace(s) }

// Render writes the report as Markdown to w; its images point at Files.
func Render(ctx context.Context, w io.Writer, r *report.Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	files := map[string]string{} // chart title → file
	for _, c := range named(r) {
		if svgcheck.Check(c.chart.SVG) == nil {
			files[c.chart.Title] = c.file
		}
	}
	h := html.Funcs()
	funcs := template.FuncMap{
		"md":    Escape,
		"code":  func(s string) string { return strings.ReplaceAll(s, "`", "'") },
		"fence": func(s string) string { return strings.ReplaceAll(s, "```", "'''") },
		"title": report.UpperFirst,
		"pctv":  report.PctValue, "money": report.Money, "ratio": report.Ratio,
		"pctu": func(x float64) string { return report.Pct(x) },
		"ok":   func(x float64) bool { return !math.IsNaN(x) },
		"num":  h["num"], "perEvent": report.PerEvent, "rel": report.RelText, "num0": html.Num0, "p": html.P, "peq": html.PEq,
		"join":       strings.Join,
		"date":       func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"datetime":   h["datetime"],
		"month":      func(t time.Time) string { return t.Format("January 2006") },
		"verdict":    html.VerdictLabel,
		"flags":      h["flags"],
		"eventChart": h["eventChart"],
		"chart": func(v any) string {
			var c charts.Chart
			switch x := v.(type) {
			case *charts.Chart:
				c = *x
			case charts.Chart:
				c = x
			}
			f, ok := files[c.Title]
			if !ok {
				return "*(" + Escape(c.Title) + ": chart left out)*\n\n"
			}
			return fmt.Sprintf("**%s**\n\n![%s](%s)\n\n", Escape(c.Title), Escape(c.Alt), f)
		},
	}
	t, err := template.New("md").Funcs(funcs).Parse(tmplText)
	if err != nil {
		return fmt.Errorf("md: template: %w", err)
	}
	data := struct {
		R  *report.Report
		CI string
	}{R: r, CI: fmt.Sprintf("%s%% CI", strings.TrimSuffix(fmt.Sprintf("%.1f", r.Confidence), ".0"))}
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("md: render: %w", err)
	}
	return nil
}
