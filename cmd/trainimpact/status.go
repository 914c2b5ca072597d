package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/status"
	"github.com/trainimpact/trainimpact/reports/table"
)

// StatusOptions are the flags of `trainimpact status`.
type StatusOptions struct {
	Format string
	Work   bool
}

func newCmdStatus(f *Factory) *cobra.Command {
	opts := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show row counts, the last runs and the sync cursors (stale ones marked)",
		Example: `  $ trainimpact status
  $ trainimpact status --work     # the working database (fails while a run writes)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(table.Formats, opts.Format) {
				return flagErrorf("--format %q: want one of %s", opts.Format, strings.Join(table.Formats, ", "))
			}
			st, err := f.openReadOnly(cmd, "", opts.Work)
			if err != nil {
				return err
			}
			defer st.Close()
			secs, err := status.Report(cmd.Context(), st)
			if err != nil {
				return err
			}
			for i, s := range secs {
				if opts.Format == "table" {
					if i > 0 {
						fmt.Fprintln(f.IO.Out)
					}
					fmt.Fprintf(f.IO.Out, "%s\n", s.Title)
				}
				if err := table.Write(f.IO.Out, opts.Format, s.Result); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table, csv or json")
	cmd.Flags().BoolVar(&opts.Work, "work", false, "read the working database instead of the published warehouse")
	return cmd
}
