package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && cmd == root && !isExitError(err) {
		// Errors of the root command itself are usage errors: an unknown command or a bad flag
		// before the command name (the root has no action of its own that could fail).
		err = &FlagError{Err: err}
	}
	code := exitCode(err)
	if err != nil {
		reportError(f, cmd, err, code)
	}
	return code
}

func isExitError(err error) bool {
	var ee *ExitError
	var fe *FlagError
	return errors.As(err, &ee) || errors.As(err, &fe)
}

// reportError writes the final error: one "Error: ..." line for a person, or, when the logs are
// JSON lines (under a scheduler), one JSON record with the command and the exit code, so a log
// collector sees how the run ended without parsing free text.
func reportError(f *Factory, cmd *cobra.Command, err error, code int) {
	f.endProgress()
	name := "trainimpact"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	if f.JSONLogs() {
		f.Logger().LogAttrs(context.Background(), slog.LevelError, "command failed", slog.String("command", name),
			slog.Int("exit_code", code), slog.String("error", err.Error()))
		return
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		fmt.Fprintf(f.IO.ErrOut, "Error: %v\nRun 'trainimpact --help' or '<command> --help' for usage.\n", err)
	} else {
		fmt.Fprintf(f.IO.ErrOut, "Error: %v\n", err)
	}
}

// usageArgs makes every argument-count error of every command a usage error (exit code 2):
// cobra's own validators return plain errors.
func usageArgs(c *cobra.Command) {
	if orig := c.Args; orig != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := orig(cmd, args); err != nil {
				var fe *FlagError
				if errors.As(err, &fe) {
					return err
				}
				return &FlagError{Err: fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "trainimpact <command>",
		Short: "Measure whether leadership training changed how IT teams operate",
		Long: `trainimpact pulls incidents (PagerDuty), tickets (Jira) and delivery data (GitHub) into one
DuckDB file, joins them with who was trained when, and estimates the program's effect on
resolution quality, rework, escalations and lead time, with an ROI a sponsor can trust.

Writing commands (init, sync, import, rebuild, analyze, run) work on the private working database
in state_dir and publish a snapshot to the warehouse file when they succeed; sql, query, status,
report, plan and export read the published warehouse and never block the pipeline.

Exit codes: 0 success; 1 failed (nothing published); 2 bad usage, config or input file;
3 partial (a source failed); 4 another run holds the lock. Logs go to stderr: text on a
terminal, JSON lines otherwise (a scheduler), ending with the final error.`,
		Example: `  # Try everything on a simulated organisation, no credentials needed
  $ trainimpact demo

  # Start a real project
  $ trainimpact init && $EDITOR trainimpact.yaml && trainimpact doctor

  # The scheduled job (cron, systemd timer, Kubernetes CronJob: see deploy/)
  $ trainimpact run --quiet`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&f.ConfigPath, "config", "c", "", "config file (default ./trainimpact.yaml)")
	root.PersistentFlags().StringVar(&f.LogFormat, "log-format", "auto", "log format: auto (text on a terminal, JSON otherwise), text or json")
	root.PersistentFlags().StringVar(&f.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().BoolVarP(&f.Quiet, "quiet", "q", false, "warnings and errors only: no progress display, no summary lines")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{Err: err} })
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error { return f.checkLogFlags() }

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
		newCmdRun(f),
		newCmdReport(f), newCmdPlan(f),
		newCmdExport(f),
	)
	usageArgs(root)
	return root
}
