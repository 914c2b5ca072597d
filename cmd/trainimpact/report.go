package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/reportdata"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
)

// ReportOptions are the flags of `trainimpact report`.
type ReportOptions struct {
	Period  string
	Formats []string
	Out     string
	DB      string
}

func newCmdReport(f *Factory) *cobra.Command {
	opts := &ReportOptions{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the quarterly impact report (HTML, PDF, Markdown, JSON, CSV)",
		Long: `report reads the published estimates and ROI of a period from the warehouse and writes the
sponsor's report: report.html (one self-contained file: inline CSS and charts, no script, no
network), report.pdf (that HTML printed by headless Chromium), report.md with its charts as SVG
files in charts/, report.json (schema: docs/report.schema.json) and estimates.csv. Defaults come
from the config's report: block (out_dir, formats, title, page_size, browser).

The PDF needs Chromium or Chrome. Without one, report writes the other formats, says how to get
a browser and exits with 3.`,
		Example: `  # the latest analysis, every format configured
  $ trainimpact report
  # one quarter, HTML and PDF only, into ./q3
  $ trainimpact report --period 2026-Q3 --format html,pdf --out q3
  # the demo's warehouse
  $ trainimpact report --config trainimpact-demo/trainimpact.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Period != "" {
				if _, err := analyze.ParseQuarter(opts.Period); err != nil {
					return &FlagError{Err: err}
				}
			}
			for _, x := range opts.Formats {
				if !contains(reportdata.Formats, x) {
					return flagErrorf("--format %q: want some of %s", x, strings.Join(reportdata.Formats, ","))
				}
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			ro := reportdata.Options{Period: opts.Period, Out: opts.Out, DB: opts.DB, Now: f.Now}
			if cmd.Flags().Changed("format") {
				ro.Formats = opts.Formats
			}
			paths, err := reportdata.Render(cmd.Context(), cfg, ro)
			if paths != nil {
				printPaths(f, paths)
			}
			switch {
			case errors.Is(err, pdf.ErrNoBrowser):
				return &ExitError{Code: ExitPartial, Err: err}
			case errors.Is(err, reportdata.ErrNoEstimates):
				return UsageError(err)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Period, "period", "", "reporting quarter, e.g. 2026-Q3 (default: the latest analysis)")
	cmd.Flags().StringSliceVar(&opts.Formats, "format", nil, "formats, comma-separated: html, pdf, md, json, csv (default: report.formats)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "output folder (default: report.out_dir)")
	cmd.Flags().StringVar(&opts.DB, "db", "", "DuckDB file to read (default: the configured warehouse)")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func printPaths(f *Factory, p *reportdata.Paths) {
	w := f.IO.Out
	for _, x := range []struct{ what, path string }{{"HTML", p.HTML}, {"PDF", p.PDF}, {"Markdown", p.Markdown}, {"JSON", p.JSON}, {"CSV", p.CSV}} {
		if x.path != "" {
			fmt.Fprintf(w, "%-9s %s\n", x.what, x.path)
		}
	}
	if len(p.Charts) > 0 {
		fmt.Fprintf(w, "%-9s %d SVG files beside report.md\n", "charts", len(p.Charts))
	}
}
