package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
)

// AnalyzeOptions are the flags of `trainimpact analyze`.
type AnalyzeOptions struct {
	Period string
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
effects and flags) and the ROI over the four quarters ending with it. Rows of the same quarter
are replaced. The result is deterministic for the configured analysis.seed.`,
		Example: `  $ trainimpact analyze --period 2026-Q3
  # the last full quarter before today
  $ trainimpact analyze`,
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
			// The metric files read the service map and min_cell from the database: current ones.
			err = refresh.WriteSettings(ctx, s.Store, cfg, f.Now())
			var res *analyze.Result
			if err == nil {
				res, err = analyze.Run(ctx, s.Store, cfg, opts.Period, f.Now())
			}
			if err == nil {
				err = analyze.AddPairedAssessments(ctx, s.Store, cfg, res, f.Now())
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
			return writeHeadline(f, res)
		},
	}
	cmd.Flags().StringVar(&opts.Period, "period", "", "reporting quarter, e.g. 2026-Q3 (default: the last full quarter)")
	return cmd
}

func writeHeadline(f *Factory, res *analyze.Result) error {
	w := f.IO.Out
	fmt.Fprintf(w, "%s: data up to %s, %d estimates\n\n", res.Period, res.Cutoff.Format("2006-01-02 15:04 MST"), len(res.Estimates))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tchange\t95% CI\tq\ttreated\tcontrol\tflags")
	for _, h := range res.Headline {
		change, ci := "—", "—"
		if !math.IsNaN(h.RelativeChange) {
			change = fmt.Sprintf("%+.1f%%", 100*h.RelativeChange)
		}
		if !math.IsNaN(h.CILow) {
			ci = fmt.Sprintf("[%.3f, %.3f] %s", h.CILow, h.CIHigh, h.Scale)
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
	for _, r := range res.ROI {
		if r.Metric == "total" && !math.IsNaN(r.ROIPct) {
			fmt.Fprintf(w, "\nROI: %.0f%% (conservative %.0f%%), benefit/cost %.2f (conservative %.2f), cost %.0f %s\n",
				r.ROIPct, r.ROIPctLow, r.BCR, r.BCRLow, r.Cost, r.Currency)
		}
	}
	return nil
}
