package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/freshness"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
)

// AnalyzeOptions are the flags of `trainimpact analyze`.
type AnalyzeOptions struct {
	Period     string
	AllowStale bool
}

func newCmdAnalyze(f *Factory) *cobra.Command {
	opts := &AnalyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Derive metrics and estimate the program's effect (and ROI) for a quarter",
		Long: `analyze derives metric_events from the metric catalog with the data known at the end of the
reporting quarter, builds unit × period panels and writes, in one transaction, the estimates
(difference-in-differences headline, event study and per-cohort effects; before/after within the
treated; Kaplan–Meier for durations; rate and proportion tests; q-values, minimum detectable
effects and flags) and the Phillips ROI: first-year benefits of the metrics with a money value
(roi.values), every cost line (roi.costs, everyone enrolled), ROI % and benefit/cost with intervals
from one bootstrap over teams and a conservative figure (README "ROI"). Rows of the same quarter
are replaced. The result is deterministic for the configured analysis.seed.

Before anything is computed, the period is compared with each configured source's last data (its
latest sync cursor): when a source's data ends more than 7 days before the period does, analyze
stops with exit code 2 naming the source and its last data; --allow-stale analyses it anyway,
flags every estimate of the period stale_source and records the caveat (table caveats).`,
		Example: `  $ trainimpact analyze --period 2026-Q3
  # the last full quarter before today
  $ trainimpact analyze
  # then the ROI as a sponsor reads it
  $ trainimpact query roi_sponsor --param period=2026-Q3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if opts.Period != "" {
				if _, err := analyze.ParseQuarter(opts.Period); err != nil {
					return &FlagError{Err: err}
				}
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			s, err := f.begin(ctx, "analyze")
			if err != nil {
				return err
			}
			fresh, err := freshness.Check(ctx, s.Store, cfg.SourceNames(), opts.Period, f.Now(), 0)
			if err == nil && !opts.AllowStale {
				err = fresh.Err()
			}
			if err == nil {
				// The metric files read the service map and min_cell from the database: current ones.
				err = refresh.WriteSettings(ctx, s.Store, cfg, f.Now())
			}
			var res *analyze.Result
			if err == nil {
				res, err = analyze.Run(ctx, s.Store, cfg, opts.Period, f.Now())
			}
			if err == nil {
				err = freshness.Record(ctx, s.Store, res.Period, s.RunID(), f.Now(), fresh.Caveats())
			}
			if err == nil {
				s.Counts["estimates"] = len(res.Estimates)
				for m, n := range res.Events {
					s.Counts["events."+m] = n
				}
				err = f.afterWrite(ctx, s)
			}
			if ferr := s.Finish(ctx, err, ""); ferr != nil && err == nil {
				err = ferr
			}
			if err != nil {
				if errors.Is(err, analyze.ErrBadPeriod) {
					return UsageError(err)
				}
				return err
			}
			if err := writeHeadline(f, res); err != nil {
				return err
			}
			for _, c := range fresh.Caveats() {
				fmt.Fprintf(f.IO.Out, "caveat %s: %s\n", c.Kind, c.Detail)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Period, "period", "", "reporting quarter, e.g. 2026-Q3 (default: the last full quarter)")
	cmd.Flags().BoolVar(&opts.AllowStale, "allow-stale", false, "analyse a period the data does not cover; every estimate carries the flag stale_source")
	return cmd
}

func writeHeadline(f *Factory, res *analyze.Result) error {
	w := f.IO.Out
	fmt.Fprintf(w, "%s: data up to %s, %d estimates\n\n", res.Period, res.Cutoff.Format("2006-01-02 15:04 MST"), len(res.Estimates))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tchange\t95% interval\tq\ttreated\tcontrol\tflags")
	for _, h := range res.Headline {
		change, ci := "—", "—"
		if !math.IsNaN(h.RelativeChange) {
			change = fmt.Sprintf("%+.1f%%", 100*h.RelativeChange)
		}
		if !math.IsNaN(h.RelativeCILow) && !math.IsNaN(h.RelativeCIHigh) {
			ci = fmt.Sprintf("[%+.1f%%, %+.1f%%]", 100*h.RelativeCILow, 100*h.RelativeCIHigh)
		}
		q := "—"
		if !math.IsNaN(h.QValue) {
			q = fmt.Sprintf("%.3f", h.QValue)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", h.Metric, change, ci, q, h.NTreatedUnits, h.NControlUnits, strings.Join(h.Flags, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nChanges are relative (-20% = 20% less time, or 20% fewer), with their interval on the same scale.")
	writeROI(w, res) // roi_print.go
	return nil
}
