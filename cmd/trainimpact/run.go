package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/reportdata"
	"github.com/trainimpact/trainimpact/pipeline/run"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
)

// RunOptions are the flags of `trainimpact run`.
type RunOptions struct {
	Period       string
	AllowPartial bool
	AllowStale   bool
	Full         bool
	Overlap      time.Duration
}

// reportStage renders the report inside `trainimpact run`, from the working database after the
// analysis and before the publish (reportdata.RenderStore), into report.out_dir. A machine without
// a browser still gets every other format: the missing PDF is logged as a warning, with how to get
// one, and does not fail the scheduled job.
func reportStage(f *Factory) run.ReportFunc {
	return func(ctx context.Context, in run.ReportInput) ([]string, error) {
		p, err := reportdata.RenderStore(ctx, in.Store, in.Config, reportdata.Options{Period: in.Period,
			Now: func() time.Time { return in.Now }})
		if errors.Is(err, pdf.ErrNoBrowser) {
			f.Logger().Warn("report written without its PDF", "error", err.Error())
			err = nil
		}
		if err != nil {
			return nil, err
		}
		return p.Files(), nil
	}
}

func newCmdRun(f *Factory) *cobra.Command {
	opts := &RunOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "The scheduled job: import changed people files, sync, analyse, report, publish",
		Long: `run is the batch job to schedule (cron, a systemd timer, a Kubernetes CronJob: see deploy/).
Under one lock and one row of the runs ledger it
  1. imports the people files named in the config whose content changed since the last import,
  2. syncs every configured source incrementally (from each saved cursor minus --overlap),
  3. re-matches identities and recomputes exposure and the analyst views,
  4. checks that every source's data covers the reporting period,
  5. analyses the period (--period, default: the last full quarter),
  6. renders the report,
  7. and publishes the warehouse once.
A failed stage publishes nothing. A source that fails while others sync stops the run (exit 3)
unless --allow-partial, which publishes and records a missing_source caveat naming the source.
A period the data does not cover stops the run (exit 2) unless --allow-stale, which marks every
estimate of the period stale_source and records a caveat naming the source and its last data.

Exit codes: 0 published; 1 failed (nothing published); 2 bad usage, config, people file or a
period the data does not cover; 3 a source failed (published only with --allow-partial);
4 another command holds the lock. Logs go to stderr: one line per stage and per source at info,
each retry at debug, JSON lines when stderr is not a terminal.`,
		Example: `  # The quarterly job, as a scheduler runs it
  $ trainimpact run --quiet

  # Publish even if one source is down; the report names the missing source
  $ trainimpact run --allow-partial

  # Re-run an earlier quarter
  $ trainimpact run --period 2026-Q2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Period != "" {
				if _, err := analyze.ParseQuarter(opts.Period); err != nil {
					return &FlagError{Err: err}
				}
			}
			if opts.Overlap < 0 {
				return flagErrorf("--overlap %s: must not be negative", opts.Overlap)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			res, err := run.Run(cmd.Context(), cfg, run.Options{Period: opts.Period, AllowPartial: opts.AllowPartial,
				AllowStale: opts.AllowStale, Full: opts.Full, Overlap: opts.Overlap, Now: f.Now, Logger: f.Logger(),
				Progress: f.progress(), Step: f.step(), Report: reportStage(f)})
			f.endProgress()
			if res != nil && !f.Quiet {
				writeRunSummary(f, res)
			}
			switch {
			case err == nil:
				return nil
			case errors.Is(err, syncer.ErrPartial):
				return &ExitError{Code: ExitPartial, Err: err}
			case errors.Is(err, fs.ErrNotExist):
				return UsageError(err)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Period, "period", "", "reporting quarter, e.g. 2026-Q3 (default: the last full quarter)")
	cmd.Flags().BoolVar(&opts.AllowPartial, "allow-partial", false, "publish even when some sources failed (exit code 3 still)")
	cmd.Flags().BoolVar(&opts.AllowStale, "allow-stale", false, "analyse a period the data does not cover; every estimate carries the flag stale_source")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "refetch everything and mark what disappeared as deleted")
	cmd.Flags().DurationVar(&opts.Overlap, "overlap", time.Hour, "how far before each saved cursor to start")
	return cmd
}

// writeRunSummary prints what the run did, stage by stage, to stdout.
func writeRunSummary(f *Factory, res *run.Result) {
	w := f.IO.Out
	published := "nothing published"
	if res.Published {
		published = "published"
	}
	fmt.Fprintf(w, "run %s, period %s: %s, %s\n", res.RunID, res.Period, res.Status, published)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, st := range res.Stages {
		fmt.Fprintf(tw, "  %s\t%s\n", st.Name, st.Duration.Round(time.Millisecond))
	}
	tw.Flush()
	for _, c := range res.Caveats {
		fmt.Fprintf(w, "caveat %s: %s\n", c.Kind, c.Detail)
	}
}
