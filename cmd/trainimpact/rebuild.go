package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

func newCmdRebuild(f *Factory) *cobra.Command {
	var memoryLimit string
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Re-derive the canonical tables from raw_records, without the network",
		Long: `rebuild maps every stored raw payload again into the canonical tables (incidents, tickets,
pull requests, ...) and re-runs the derived columns, source by source, each in one transaction.
Use it after upgrading trainimpact or changing a mapping option; it makes no network call.

--memory-limit caps DuckDB's memory while it runs (its buffer manager spills to temporary files
beyond it): measured at 2,000 people, 0.8 GB of peak memory with 512MB against 2.0 GB without, in
about the same time (BENCHMARKS.md). Too small a limit fails a source's rebuild with DuckDB's
out-of-memory error and leaves that source's tables as they were (128MB did on 60 people).`,
		Example: `  $ trainimpact rebuild
  $ trainimpact rebuild --memory-limit 512MB`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			limit, err := config.ParseBytes(memoryLimit)
			if err != nil {
				return flagErrorf("--memory-limit: %v", err)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			s, err := f.begin(ctx, "rebuild")
			if err != nil {
				return err
			}
			counts, err := syncer.Rebuild(ctx, s.Store, cfg, syncer.RebuildOptions{Logger: f.Logger(), MemoryLimit: limit})
			for src, n := range counts {
				s.Counts[src] = n
				fmt.Fprintf(f.IO.ErrOut, "%-10s rebuilt from %d raw records\n", src, n)
			}
			if err == nil {
				err = f.afterWrite(ctx, s)
			}
			if ferr := s.Finish(ctx, err, ""); ferr != nil && err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&memoryLimit, "memory-limit", "", "DuckDB's memory limit while the rebuild runs, e.g. 512MB (default: DuckDB's, 80% of the machine's memory)")
	return cmd
}
