package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/demo"
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
Jira and GitHub APIs on loopback (with mild faults), syncs it through the real connectors, imports
its people files, analyses the last full quarter and writes a DuckDB file into --out. It then
prints the estimated effect per metric beside the naive before/after and the planted truth.`,
		Example: `  $ trainimpact demo
  $ trainimpact demo --size small --effect 0      # a placebo organisation: nothing should be significant
  $ trainimpact demo --out /tmp/demo --seed 7 --faults=false`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sizes := map[string]org.Size{"small": org.Small, "medium": org.Medium, "large": org.Large}
			size, ok := sizes[opts.Size]
			if !ok {
				return flagErrorf("--size %q: want small, medium or large", opts.Size)
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
			res, err := demo.Run(cmd.Context(), demo.Options{Out: opts.Out, Size: size, Seed: opts.Seed, Effect: opts.Effect,
				Faults: opts.Faults, Logger: f.Logger(), Step: step, Progress: f.progress()})
			f.endProgress()
			if err != nil {
				return err
			}
			return printDemo(f, res)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "trainimpact-demo", "folder to write into (only an empty or earlier demo folder is overwritten)")
	cmd.Flags().StringVar(&opts.Size, "size", "medium", "organisation size: small, medium or large")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed of the organisation and the analysis")
	cmd.Flags().Float64Var(&opts.Effect, "effect", -0.2, "planted relative effect of training on every metric (0 allowed)")
	cmd.Flags().BoolVar(&opts.Faults, "faults", true, "inject mild API faults (429s, 5xx, dropped connections)")
	return cmd
}

// printDemo prints the findings and what to try next.
func printDemo(f *Factory, res *demo.Result) error {
	out := f.IO.Out
	for _, r := range res.Sync {
		for entity, c := range r.Counts {
			fmt.Fprintf(out, "%-10s %-16s %7d fetched\n", r.Source, entity, c.Fetched)
		}
	}
	fmt.Fprintf(out, "\n%d API requests in %s\n", res.Requests, res.Duration.Round(100*time.Millisecond))
	fmt.Fprintf(out, "\nThe DuckDB file: %s\n", res.Warehouse)
	return nil
}
