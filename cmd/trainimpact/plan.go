package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/plan"
	"github.com/trainimpact/trainimpact/reports/planreport"
)

// PlanOptions are the flags of `trainimpact plan`.
type PlanOptions struct {
	Rollout               string
	Teams, Cohorts, Every int
	Start                 string
	Quarters              int
	Metrics               []string
	ChartMetric           string
	Alpha, Power          float64
	Placebos              int
	Seed                  uint64
	Out, DB               string
}

func newCmdPlan(f *Factory) *cobra.Command {
	opts := &PlanOptions{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Size a proposed rollout before it starts: minimum detectable effects and a randomised order",
		Long: `plan reads the published warehouse (read-only) and, for a proposed staggered rollout, finds per
metric the minimum detectable effect (MDE): the smallest effect the analysis would detect with
probability --power at --alpha. It lays the rollout many times on the organisation's own history
with teams drawn at random and no effect (placebo rollouts), estimates each with the analysis' own
difference-in-differences, and reads the MDE off their spread. It also draws a randomised
stepped-wedge order of the teams not yet trained, with a recorded seed.

The rollout comes from a CSV (--rollout) or from --teams, --cohorts, --every and --start. The CSV
has a header line and one line per cohort:

  cohort,start_month,teams
  wave 1,2027-03,6
  wave 2,2027-05,6

start_month is the month the cohort's leads complete the program (taken as its first day; the
analysis then leaves out analysis.washout_days after it); teams is how many teams the cohort
trains. Lines starting with # are comments. A bad line is reported with the file and line (exit 2).

History: the complete months before the cut-off of the warehouse's latest analysis and before the
proposed start. Teams already trained keep only their months before training and are never drawn
into a simulated cohort; teams whose lead dropped out are left out. --quarters is how long after
the first cohort's first trained month the analysis is made; the rollout is laid on the history so
that this window ends where the history ends.

Output: a table (metric, scale, MDE — a relative change for durations, percentage points for
shares — its Monte Carlo interval, the MDE on the estimator's scale, the null SD, placebos used
and failed), a short text a sponsor can approve, and the order. With --out DIR it writes plan.md,
plan.json, mde.svg (the MDE of one metric by teams trained and quarters observed) and order.csv
(team ids and names, never a person) instead.`,
		Example: `  # 24 teams in 4 cohorts two months apart from March 2027, analysed a year after the start
  $ trainimpact plan --teams 24 --cohorts 4 --every 2 --start 2027-03

  # a rollout from a file, two metrics, written for the sponsor into ./plan
  $ trainimpact plan --rollout rollout.csv --metrics incident_resolve_hours,ticket_reopened --out plan

  # the demo's warehouse, 90% power, 500 placebos, another seed for the order
  $ trainimpact plan --config trainimpact-demo/trainimpact.yaml --teams 20 --cohorts 4 --start 2026-03 --power 0.9 --placebos 500 --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			byFlags := fl.Changed("teams") || fl.Changed("cohorts") || fl.Changed("start") || fl.Changed("every")
			switch {
			case opts.Rollout != "" && byFlags:
				return flagErrorf("--rollout and --teams/--cohorts/--every/--start: give one or the other")
			case opts.Rollout == "" && !byFlags:
				return flagErrorf("no rollout: give --rollout FILE, or --teams, --cohorts and --start")
			case byFlags && (!fl.Changed("teams") || !fl.Changed("start")):
				return flagErrorf("--teams and --start are both needed (with --cohorts, default 1, and --every, default 1 month)")
			case opts.Quarters < 1:
				return flagErrorf("--quarters %d: want 1 or more", opts.Quarters)
			case fl.Changed("alpha") && !(opts.Alpha > 0 && opts.Alpha < 1):
				return flagErrorf("--alpha %g: want a level between 0 and 1", opts.Alpha)
			case !(opts.Power > 0 && opts.Power < 1):
				return flagErrorf("--power %g: want a probability between 0 and 1", opts.Power)
			case opts.Placebos < 20:
				return flagErrorf("--placebos %d: want 20 or more", opts.Placebos)
			}
			var cohorts []plan.Cohort
			var err error
			if opts.Rollout != "" {
				if cohorts, err = plan.ReadRolloutFile(opts.Rollout); err != nil {
					return UsageError(err)
				}
			} else {
				start, err := plan.ParseMonth(opts.Start)
				if err != nil {
					return &FlagError{Err: fmt.Errorf("--start: %w", err)}
				}
				if cohorts, err = plan.EvenRollout(opts.Teams, opts.Cohorts, opts.Every, start); err != nil {
					return &FlagError{Err: err}
				}
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			alpha := cfg.Analysis.Alpha
			if fl.Changed("alpha") || alpha == 0 {
				alpha = opts.Alpha
			}
			seed := cfg.Analysis.Seed
			if fl.Changed("seed") {
				seed = opts.Seed
			}
			db := opts.DB
			if db == "" {
				db = cfg.Warehouse
			}
			ro := plan.RunOptions{Analysis: cfg.Analysis, Design: plan.Design{Cohorts: cohorts, Quarters: opts.Quarters},
				Metrics: opts.Metrics, ChartMetric: opts.ChartMetric, Alpha: alpha, Power: opts.Power, Placebos: opts.Placebos, Seed: seed}
			if step := f.step(); step != nil {
				ro.Progress = step
			}
			began := f.Now()
			p, err := plan.FromWarehouse(cmd.Context(), db, ro)
			f.endProgress()
			switch {
			case errors.Is(err, plan.ErrBadRollout), errors.Is(err, plan.ErrTooFewTeams), errors.Is(err, plan.ErrUnknownMetric),
				errors.Is(err, plan.ErrPersonUnits), errors.Is(err, plan.ErrNoHistory):
				return UsageError(err)
			case err != nil:
				return err
			}
			sized := 0
			for _, m := range p.Metrics {
				if m.Err == nil {
					sized++
				}
			}
			f.Logger().Info("plan done", "metrics", len(p.Metrics), "sized", sized, "placebos", p.Placebos, "seed", seed,
				"seconds", f.Now().Sub(began).Seconds())
			r := planreport.Build(p.Input(f.Now(), db, reproduce(cmd, opts, seed)))
			if opts.Out == "" {
				return planreport.Text(f.IO.Out, r)
			}
			paths, err := planreport.WriteFiles(opts.Out, r)
			for _, path := range paths {
				fmt.Fprintln(f.IO.Out, path)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Rollout, "rollout", "", "rollout CSV: cohort,start_month,teams (see above)")
	fl.IntVar(&opts.Teams, "teams", 0, "teams the rollout trains (with --start)")
	fl.IntVar(&opts.Cohorts, "cohorts", 1, "cohorts the teams are split into, as evenly as possible")
	fl.IntVar(&opts.Every, "every", 1, "months between cohorts")
	fl.StringVar(&opts.Start, "start", "", "month the first cohort completes the program, YYYY-MM")
	fl.IntVar(&opts.Quarters, "quarters", 4, "quarters observed after the first cohort's first trained month")
	fl.StringSliceVar(&opts.Metrics, "metrics", nil, "metrics to size, comma-separated (default: every metric of the catalog with history)")
	fl.StringVar(&opts.ChartMetric, "chart-metric", "", "metric of the chart (default: the first duration sized)")
	fl.Float64Var(&opts.Alpha, "alpha", 0.05, "two-sided test level (default: analysis.alpha)")
	fl.Float64Var(&opts.Power, "power", 0.8, "probability of detecting an effect of the MDE")
	fl.IntVar(&opts.Placebos, "placebos", 200, "placebo rollouts per MDE (the chart's grid uses half, at least 50)")
	fl.Uint64Var(&opts.Seed, "seed", 0, "seed of the placebos and the order (default: analysis.seed); printed with the plan")
	fl.StringVar(&opts.Out, "out", "", "write plan.md, plan.json, mde.svg and order.csv into this folder instead of printing")
	fl.StringVar(&opts.DB, "db", "", "DuckDB file to read (default: the configured warehouse)")
	return cmd
}

// reproduce is the command line that draws the same plan: the flags given, with the seed used.
func reproduce(cmd *cobra.Command, o *PlanOptions, seed uint64) string {
	parts := []string{"trainimpact plan"}
	if o.Rollout != "" {
		parts = append(parts, "--rollout "+o.Rollout)
	} else {
		parts = append(parts, fmt.Sprintf("--teams %d --cohorts %d --every %d --start %s", o.Teams, o.Cohorts, o.Every, o.Start))
	}
	parts = append(parts, fmt.Sprintf("--quarters %d", o.Quarters))
	if len(o.Metrics) > 0 {
		parts = append(parts, "--metrics "+strings.Join(o.Metrics, ","))
	}
	for _, name := range []string{"chart-metric", "alpha", "power", "placebos"} {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			parts = append(parts, "--"+name+" "+fl.Value.String())
		}
	}
	return strings.Join(append(parts, fmt.Sprintf("--seed %d", seed)), " ")
}
