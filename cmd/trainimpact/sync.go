package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

// SyncOptions are the flags of `trainimpact sync`.
type SyncOptions struct {
	Full         bool
	Overlap      time.Duration
	AllowPartial bool
}

func newCmdSync(f *Factory) *cobra.Command {
	opts := &SyncOptions{}
	cmd := &cobra.Command{
		Use:   "sync [SOURCE...]",
		Short: "Collect the configured sources into the working database, then publish",
		Long: `sync collects every configured source (or the ones named) into the working database:
incrementally from each saved cursor minus --overlap, or everything with --full (which also marks
records that disappeared at the source as deleted). Every page is committed with its cursor in one
transaction, so a killed sync resumes where it stopped and never doubles a record. When every
source succeeds the warehouse is published; when some fail (exit 3) nothing is published unless
--allow-partial.`,
		Example: `  $ trainimpact sync
  $ trainimpact sync jira --full
  $ trainimpact sync --allow-partial   # publish what succeeded even if a source failed`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if len(cfg.SourceNames()) == 0 {
				return UsageError(fmt.Errorf("sync: no sources configured (add a block under sources: in %s)", cfg.Path))
			}
			for _, a := range args {
				if _, ok := cfg.Sources[a]; !ok {
					return flagErrorf("source %q is not configured (configured: %s)", a, strings.Join(cfg.SourceNames(), ", "))
				}
			}
			// Every token is checked before anything starts (a missing one is a config error).
			if err := cfg.CheckSourceSecrets(args...); err != nil {
				return err
			}
			s, err := f.begin(ctx, "sync")
			if err != nil {
				return err
			}
			results, err := syncer.Sync(ctx, s.Store, cfg, syncer.Options{Sources: args, Full: opts.Full, Overlap: opts.Overlap,
				Logger: f.Logger(), Now: f.Now, Progress: f.progress()})
			f.endProgress()
			for _, r := range results {
				s.Durations[r.Source] = r.Duration.Seconds()
				s.Counts[r.Source] = r.Counts
				if f.Quiet {
					continue
				}
				for entity, c := range r.Counts {
					fmt.Fprintf(f.IO.ErrOut, "%-10s %-16s fetched %d, new %d, updated %d, deleted %d\n", r.Source, entity, c.Fetched, c.New, c.Updated, c.Deleted)
				}
			}
			if err == nil || (errors.Is(err, syncer.ErrPartial) && opts.AllowPartial) {
				// What did sync gets its identities, exposure and views before it is published.
				if rerr := f.afterWrite(ctx, s); rerr != nil {
					err = rerr
				}
			}
			status := ""
			if errors.Is(err, syncer.ErrPartial) {
				status = "partial"
				if !opts.AllowPartial {
					s.Finish(ctx, err, "failed")
					return &ExitError{Code: ExitPartial, Err: fmt.Errorf("%w (nothing published; --allow-partial publishes what succeeded)", err)}
				}
				if ferr := s.Finish(ctx, err, status); ferr != nil {
					return ferr
				}
				return &ExitError{Code: ExitPartial, Err: err}
			}
			if ferr := s.Finish(ctx, err, status); ferr != nil && err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.Full, "full", false, "refetch everything and mark what disappeared as deleted")
	cmd.Flags().DurationVar(&opts.Overlap, "overlap", time.Hour, "how far before each saved cursor to start")
	cmd.Flags().BoolVar(&opts.AllowPartial, "allow-partial", false, "publish even when some sources failed (exit code 3 still)")
	return cmd
}
