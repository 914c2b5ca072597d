package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/demo"
)

// SimulateOptions are the flags of `trainimpact simulate`.
type SimulateOptions struct {
	Out         string
	Size        string
	Seed        uint64
	Effect      float64
	Faults      bool
	Addr        string
	ClockOffset time.Duration

	// ready, when set, is called once the simulator serves and the folder is written (tests).
	ready func(*demo.Sim)
	// params, when set, shape the organisation instead of Size (tests: a smaller one).
	params *org.Params
}

func newCmdSimulate(f *Factory) *cobra.Command {
	opts := &SimulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve a simulated organisation on 127.0.0.1 to rehearse on, until interrupted",
		Long: `simulate generates an organisation with a known training effect (as demo does), serves it over
the real PagerDuty, Jira and GitHub APIs on 127.0.0.1, and writes a ready project into --out:
trainimpact.yaml pointing at it, teams.csv, cohorts.csv, identities.csv and the ground truth
(truth.json). It prints the token variables to export, then serves until Ctrl-C (SIGINT) or SIGTERM.

The simulator's clock starts at this machine's time plus --clock-offset; its organisation has
18 to 24 months of history before that (see the sizes) and 6 months of future that advancing the
clock reveals. Rehearse an operator's day against it with the admin endpoints (loopback only):

  GET  /admin/status                        the simulator's now, requests served, sources down
  POST /admin/advance?days=N (or hours=N)   move the clock forward: new and changed records appear
  POST /admin/down?source=S[&mode=M]        take pagerduty, jira or github down: mode unavailable
                                            (503 after retries, the default) or unauthorized (401)
  POST /admin/up?source=S                   bring it back (source=all: every source)
  POST /admin/faults?preset=P               off, mild or all

Sizes (--size):
` + demo.SizeHelp(),
		Example: `  $ trainimpact simulate --out /tmp/sim --addr 127.0.0.1:8900
  # in another terminal, after the export lines it printed:
  $ cd /tmp/sim && trainimpact import && trainimpact sync          # the first sync
  $ curl -X POST 'http://127.0.0.1:8900/admin/advance?days=30'
  $ trainimpact sync                                                # incremental: only what changed
  $ curl -X POST 'http://127.0.0.1:8900/admin/down?source=github&mode=unauthorized'
  $ trainimpact sync; echo $?                                       # 3: partial, nothing published
  $ curl -X POST 'http://127.0.0.1:8900/admin/up?source=all'
  $ trainimpact sync & sleep 1; trainimpact sync; echo $?           # 4: the other run holds the lock`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulate(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "trainimpact-sim", "folder to write the project into (only an empty or earlier demo/simulate folder is overwritten)")
	cmd.Flags().StringVar(&opts.Size, "size", "small", "organisation size: "+strings.Join(demo.SizeNames(), ", ")+" (see above; small syncs in seconds)")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed of the organisation and the analysis")
	cmd.Flags().Float64Var(&opts.Effect, "effect", -0.2, "planted relative effect of training on every metric (0 allowed)")
	cmd.Flags().BoolVar(&opts.Faults, "faults", true, "inject mild API faults (429s, 5xx, dropped connections)")
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:0", "listening address, loopback only (port 0: a free port)")
	cmd.Flags().DurationVar(&opts.ClockOffset, "clock-offset", 0, "the simulator's clock minus this machine's, e.g. -720h: the sources run 30 days behind")
	return cmd
}

// runSimulate serves until ctx ends.
func runSimulate(ctx context.Context, f *Factory, opts *SimulateOptions) error {
	params, err := demo.SizeParams(opts.Size)
	if err != nil {
		return flagErrorf("--size: %w", err)
	}
	if opts.params != nil {
		params = *opts.params
	}
	if opts.Effect <= -1 || opts.Effect >= 1 {
		return flagErrorf("--effect %v: want a relative effect between -1 and 1 (e.g. -0.2 for 20%% better)", opts.Effect)
	}
	now := f.Now().UTC().Add(opts.ClockOffset).Truncate(time.Second)
	sim, err := demo.StartSim(ctx, demo.SimOptions{Out: opts.Out, Params: params, Seed: opts.Seed, Effect: opts.Effect,
		Faults: opts.Faults, Now: now, Addr: opts.Addr, Admin: true})
	if err != nil {
		if errors.Is(err, simulate.ErrNotLoopback) {
			return flagErrorf("--addr: %w", err)
		}
		return err
	}
	defer sim.Close()
	printSimulate(f, sim, opts)
	if opts.ready != nil {
		opts.ready(sim)
	}
	<-ctx.Done()
	fmt.Fprintf(f.IO.ErrOut, "simulate: stopped (%d requests served)\n", sim.Server.Requests().Total)
	return nil
}

// printSimulate tells the operator what runs where and what to do next.
func printSimulate(f *Factory, sim *demo.Sim, opts *SimulateOptions) {
	out := f.IO.Out
	o, url := sim.Org, sim.Server.URL()
	tc := sim.Truth.Counts
	fmt.Fprintf(out, "Simulated organisation: %d teams, %d incidents, %d tickets, %d pull requests so far (seed %d, planted effect %+.0f%%, faults %s)\n",
		len(o.Teams), tc.Incidents, tc.Tickets, tc.PullRequests, opts.Seed, 100*opts.Effect, onOff(opts.Faults))
	fmt.Fprintf(out, "Serving PagerDuty, Jira and GitHub on %s; its clock: %s (data until %s)\n",
		url, sim.Server.Now().Format(time.RFC3339), o.End.Format(time.DateOnly))
	fmt.Fprintf(out, "Project folder: %s (trainimpact.yaml, teams.csv, cohorts.csv, identities.csv, truth.json)\n\n", sim.Out)
	fmt.Fprintln(out, "Set the simulator's test tokens in the shell you run trainimpact from:")
	for _, e := range sim.Exports() {
		fmt.Fprintln(out, "  "+e)
	}
	steps := [][2]string{
		{"cd " + sim.Out, ""},
		{"trainimpact doctor", ""},
		{"trainimpact import && trainimpact sync", "the first sync"},
		{"curl -X POST '" + url + "/admin/advance?days=30'", "30 days pass: new records appear"},
		{"trainimpact sync", "incremental"},
		{"curl -X POST '" + url + "/admin/down?source=github'", "GitHub answers 503 (&mode=unauthorized: 401)"},
		{`trainimpact sync; echo "exit $?"`, "3: partial, nothing published"},
		{"curl -X POST '" + url + "/admin/up?source=all'", ""},
		{`trainimpact sync & sleep 1; trainimpact sync; echo "exit $?"`, "4: the first holds the lock"},
		{"trainimpact analyze && trainimpact status", ""},
	}
	width := 0
	for _, st := range steps {
		width = max(width, len(st[0]))
	}
	fmt.Fprintln(out, "\nThen rehearse:")
	for _, st := range steps {
		if st[1] == "" {
			fmt.Fprintf(out, "  %s\n", st[0])
		} else {
			fmt.Fprintf(out, "  %-*s  # %s\n", width, st[0], st[1])
		}
	}
	fmt.Fprintln(out, "Stop the simulator with Ctrl-C.")
}
