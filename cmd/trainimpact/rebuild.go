package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

func newCmdRebuild(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "rebuild",
		Short: "Re-derive the canonical tables from raw_records, without the network",
		Long: `rebuild maps every stored raw payload again into the canonical tables (incidents, tickets,
pull requests, ...) and re-runs the derived columns, source by source, each in one transaction.
Use it after upgrading trainimpact or changing a mapping option; it makes no network call.`,
		Example: "  $ trainimpact rebuild",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			s, err := f.begin(ctx, "rebuild")
			if err != nil {
				return err
			}
			counts, err := syncer.Rebuild(ctx, s.Store, cfg, syncer.RebuildOptions{Logger: f.Logger()})
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
}
