package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/reportdata"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
	"github.com/trainimpact/trainimpact/reports/roi"
)

// DemoOptions are the flags of `trainimpact demo`.
type DemoOptions struct {
	Out    string
	Size   string
	Seed   uint64
	Effect float64
	Faults bool
}

func newCmdDemo(f *Factory) *cobra.Command {
	opts := &DemoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on a simulated organisation (no credentials needed)",
		Long: `demo generates an organisation with a known training effect, serves it over the real PagerDuty,
Jira (with the service desk's request feedback) and GitHub APIs on loopback (with mild faults),
syncs it through the real connectors, imports its people files, assessments and surveys, analyses
the last full quarter and writes a DuckDB file into --out. It then prints the estimated effect per
metric beside the naive before/after and the planted truth (operational, DORA, people,
satisfaction and assessment metrics).

Sizes (--size):
` + demo.SizeHelp(),
		Example: `  $ trainimpact demo
  $ trainimpact demo --size small --effect 0      # a placebo organisation: nothing should be significant
  $ trainimpact demo --out /tmp/demo --seed 7 --faults=false`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := demo.SizeParams(opts.Size); err != nil {
				return flagErrorf("--size: %w", err)
			}
			if opts.Effect <= -1 || opts.Effect >= 1 {
				return flagErrorf("--effect %v: want a relative effect between -1 and 1 (e.g. -0.2 for 20%% better)", opts.Effect)
			}
			step := func(name string) {
				if f.IO.ErrTTY {
					fmt.Fprintf(f.IO.ErrOut, "\r\033[K• %s\n", name)
				} else {
					f.Logger().Info(name)
				}
			}
			res, err := demo.Run(cmd.Context(), demo.Options{Out: opts.Out, Preset: opts.Size, Seed: opts.Seed, Effect: opts.Effect,
				Faults: opts.Faults, Logger: f.Logger(), Step: step, Progress: f.progress()})
			f.endProgress()
			if err != nil {
				return err
			}
			step("rendering the report")
			rep, note, err := renderDemoReport(cmd.Context(), res)
			if err != nil {
				return err
			}
			return printDemo(f, res, rep, note)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "trainimpact-demo", "folder to write into (only an empty or earlier demo folder is overwritten)")
	cmd.Flags().StringVar(&opts.Size, "size", demo.DefaultSize, "organisation size: "+strings.Join(demo.SizeNames(), ", ")+" (see above)")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed of the organisation and the analysis")
	cmd.Flags().Float64Var(&opts.Effect, "effect", -0.2, "planted effect of training: every metric better by -effect (durations, failures, reworks, leavers ×(1+effect); satisfaction, engagement, scores ×(1-effect); deployments a week ×1/(1+effect)); 0 plants nothing")
	cmd.Flags().BoolVar(&opts.Faults, "faults", true, "inject mild API faults (429s, 5xx, dropped connections)")
	return cmd
}

// renderDemoReport renders the report of the demo's period from its published warehouse into the
// config's report.out_dir, as `trainimpact report` does. Without a browser the other formats are
// written and note says how to get the PDF: the demo still succeeds.
func renderDemoReport(ctx context.Context, res *demo.Result) (*reportdata.Paths, string, error) {
	cfg, err := config.Load(res.ConfigPath, func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, "", err
	}
	p, err := reportdata.Render(ctx, cfg, reportdata.Options{Period: res.Period})
	if errors.Is(err, pdf.ErrNoBrowser) {
		return p, err.Error(), nil
	}
	return p, "", err
}

// printDemo prints the report's path, the findings and what to try next.
func printDemo(f *Factory, res *demo.Result, r *reportdata.Paths, note string) error {
	out := f.IO.Out
	if r != nil {
		main := r.HTML
		if main == "" {
			main = r.Markdown
		}
		fmt.Fprintf(out, "Report: %s\n", main)
		if r.PDF != "" {
			fmt.Fprintf(out, "        %s\n", r.PDF)
		}
	}
	if note != "" {
		fmt.Fprintf(out, "Note: %s\n", note)
	}
	fmt.Fprintf(out, "\nSimulated organisation: %d incidents, %d tickets, %d pull requests, %d deployments synced over HTTP\n",
		res.Truth.Counts.Incidents, res.Truth.Counts.Tickets, res.Truth.Counts.PullRequests, res.Truth.Counts.Deployments)
	fmt.Fprintf(out, "(%d API requests, faults %s; identities: %d of %d accounts matched)\n",
		res.Requests, onOff(res.Faults), res.Identity.Matched, res.Identity.Accounts)
	fmt.Fprintf(out, "\nEffect of the training, %s — difference-in-differences vs the naive before/after:\n\n", res.Period)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tDiD effect\t95% interval\tq\tnaive before/after\tplanted\tunits (treated/control)")
	anyCut, anyImputed, anyPoints := false, false, false
	for _, fd := range res.Findings {
		d := fd.DiD
		ci, cut := interval(d)
		anyCut = anyCut || cut
		est := pct(d.RelativeChange)
		if pp, ppCI, ok := points(d); ok && math.IsNaN(d.RelativeChange) {
			est, ci = pp, ppCI
			anyPoints = true
		}
		if slices.Contains(d.Flags, analyze.FlagImputation) {
			est += "*"
			anyImputed = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\n", fd.Metric, est, ci, num(d.QValue),
			pct(fd.Naive.RelativeChange), pct(fd.Planted), d.NTreatedUnits, d.NControlUnits)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nEffects are relative changes (-20% = 20% less time, or 20% fewer; +20% = 20% more deployments,")
	fmt.Fprintln(out, "satisfied ratings or score). The naive before/after also contains the organisation-wide trend;")
	fmt.Fprintln(out, "difference-in-differences removes it by comparing with teams not (yet) trained. \"—\" in the planted")
	fmt.Fprintln(out, "column: the simulator plants nothing there; in the estimate: not estimated (see the report).")
	if anyPoints {
		fmt.Fprintln(out, "pp: percentage points, for a share whose level without the training could not be estimated")
		fmt.Fprintln(out, "  (no relative change without it).")
	}
	if anyImputed {
		fmt.Fprintln(out, "* Too few events per team and month for month-by-month comparisons: estimated by the imputation")
		fmt.Fprintln(out, "  method (each trained team against what its untrained months and the other teams predict).")
	}
	if anyCut {
		fmt.Fprintln(out, "An interval of a share or rate stops at -100% (none left) or at a share of 100%: the estimate's")
		fmt.Fprintln(out, "interval reaches past what is possible (ci_low and ci_high in the estimates table keep it whole).")
	}
	if res.Analysis != nil {
		writeROI(out, res.Analysis) // roi_print.go
	}
	fmt.Fprintf(out, "\nThe DuckDB file: %s\n", res.Warehouse)
	if n, err := dirSize(res.Out); err == nil {
		fmt.Fprintf(out, "The folder %s holds %.0f MB: the published warehouse, the working database in .trainimpact/\n"+
			"(about the same size), the config, the people files and truth.json. Delete it when done.\n", res.Out, float64(n)/1e6)
	}
	fmt.Fprintln(out, "Try (after go install ./cmd/trainimpact):")
	db := res.Warehouse
	fmt.Fprintf(out, "  trainimpact sql --db %s \"select metric, method, scale, round(estimate, 3) as estimate, round(ci_low, 3) as ci_low, round(ci_high, 3) as ci_high, round(relative_change, 3) as relative_change, round(q_value, 3) as q from estimates where aggregation in ('simple', 'overall') order by metric, method\"\n", db)
	fmt.Fprintf(out, "  trainimpact sql --db %s \"select team_id, count(*) as incidents, round(median(value), 1) as median_hours from metric_events where metric = 'incident_resolve_hours' group by all order by incidents desc limit 10\"\n", db)
	fmt.Fprintf(out, "  trainimpact sql --db %s \"select unit_id, status, treated_at, program from exposure order by treated_at nulls last\"\n", db)
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", 100*x)
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.3f", x)
}

// points prints a share's effect and interval in percentage points (the absolute reading the report
// also falls back to); ok is false for other scales or without an estimate.
func points(e models.Estimate) (est, ci string, ok bool) {
	if e.Scale != roi.ScaleShare || math.IsNaN(e.Estimate) || math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) {
		return "", "", false
	}
	f := func(x float64) string { return fmt.Sprintf("%+.1f pp", 100*x) }
	return f(e.Estimate), fmt.Sprintf("[%s, %s]", f(e.CILow), f(e.CIHigh)), true
}

// interval prints the CI as relative changes (analyze.RelativeInterval: what relative_ci_low and
// relative_ci_high hold), "—" when there is none: never a share or a log difference printed as a
// percent. cut reports a bound stopped at what is possible.
func interval(e models.Estimate) (text string, cut bool) {
	lo, hi, cut := analyze.RelativeInterval(e)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return "—", false
	}
	return fmt.Sprintf("[%s, %s]", pct(lo), pct(hi)), cut
}

// dirSize returns the bytes of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
