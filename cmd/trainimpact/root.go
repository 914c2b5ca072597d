package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	// Source drivers register themselves in init; the binary carries all of them.
	_ "github.com/trainimpact/trainimpact/connectors/all"
)

// Main runs the command line and returns the exit code.
func Main(args []string, f *Factory) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var fe *FlagError
		if errors.As(err, &fe) {
			fmt.Fprintf(f.IO.ErrOut, "Error: %v\nRun 'trainimpact --help' or '<command> --help' for usage.\n", err)
		} else {
			fmt.Fprintf(f.IO.ErrOut, "Error: %v\n", err)
		}
	}
	return exitCode(err)
}

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "trainimpact <command>",
		Short: "Measure whether leadership training changed how IT teams operate",
		Long: `trainimpact pulls incidents (PagerDuty), tickets (Jira) and delivery data (GitHub) into one
DuckDB file, joins them with who was trained when, and estimates the program's effect on
resolution quality, rework, escalations and lead time, with an ROI a sponsor can trust.

Writing commands (init, sync, import, rebuild, analyze) work on the private working database in
state_dir and publish a snapshot to the warehouse file when they succeed; sql, query and status
read the published warehouse and never block the pipeline.

Exit codes: 0 success; 1 failed (nothing published); 2 bad usage, config or input file;
3 partial (a source failed); 4 another run holds the lock.`,
		Example: `  # Try everything on a simulated organisation, no credentials needed
  $ trainimpact demo

  # Start a real project
  $ trainimpact init && $EDITOR trainimpact.yaml && trainimpact doctor`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&f.ConfigPath, "config", "c", "", "config file (default ./trainimpact.yaml)")
	root.PersistentFlags().StringVar(&f.LogFormat, "log-format", "auto", "log format: auto (text on a terminal, JSON otherwise), text or json")
	root.PersistentFlags().StringVar(&f.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{Err: err} })

	root.AddCommand(
		newCmdInit(f),
		newCmdDoctor(f),
		newCmdSync(f),
		newCmdRebuild(f),
		newCmdSQL(f),
		newCmdSchema(f),
		newCmdStatus(f),
		newCmdVersion(f),
		newCmdDemo(f), newCmdSimulate(f),
		newCmdQuery(f),
		newCmdAnalyze(f), newCmdEstimate(f),
		newCmdImport(f), newCmdIdentities(f),
	)
	return root
}
