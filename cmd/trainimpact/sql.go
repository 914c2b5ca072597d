package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/table"
)

// SQLOptions are the flags of `trainimpact sql`.
type SQLOptions struct {
	Query  string
	Format string
	Work   bool
	File   string
}

func newCmdSQL(f *Factory) *cobra.Command {
	opts := &SQLOptions{}
	cmd := &cobra.Command{
		Use:   "sql [QUERY]",
		Short: "Run read-only SQL on the published warehouse",
		Long: `sql runs one query on the published warehouse, read-only, and prints the result. The query
comes from the argument or, when there is none, from standard input. The warehouse never blocks
the pipeline: a running sync or analyze keeps working while you query.

The query may read and write local files, as an analyst at the keyboard may (read_csv of a file
beside it, COPY ... TO 'out.csv'); it fetches no code: DuckDB extensions are neither installed nor
downloaded (autoinstall_known_extensions=false, allow_community_extensions=false), so URLs and
extensions not built in fail. Named queries (` + "`trainimpact query`" + `) and the report run with file and
network access off.`,
		Example: `  $ trainimpact sql "select count(*) from incidents"
  $ trainimpact sql --format csv "select * from estimates" > estimates.csv
  $ echo "select metric, relative_change from estimates where method = 'did'" | trainimpact sql --format json
  # export a table to a local CSV file
  $ trainimpact sql "copy (select * from estimates) to 'estimates.csv' (header)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(table.Formats, opts.Format) {
				return flagErrorf("--format %q: want one of %s", opts.Format, strings.Join(table.Formats, ", "))
			}
			if len(args) == 1 {
				opts.Query = args[0]
			} else {
				b, err := io.ReadAll(f.IO.In)
				if err != nil {
					return err
				}
				opts.Query = string(b)
			}
			if strings.TrimSpace(opts.Query) == "" {
				return flagErrorf("no query: pass it as an argument or on standard input")
			}
			st, err := f.openReadOnly(cmd, opts.File, opts.Work)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := st.DB().QueryContext(cmd.Context(), opts.Query)
			if err != nil {
				return UsageError(fmt.Errorf("sql: %w", err))
			}
			defer rows.Close()
			res, err := table.Read(rows)
			if err != nil {
				return UsageError(fmt.Errorf("sql: %w", err))
			}
			return table.Write(f.IO.Out, opts.Format, res)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table, csv or json")
	cmd.Flags().BoolVar(&opts.Work, "work", false, "read the working database instead of the published warehouse (fails while the pipeline writes)")
	cmd.Flags().StringVar(&opts.File, "db", "", "DuckDB file to read (default: the configured warehouse)")
	return cmd
}

// openReadOnly opens the file given, or the configured warehouse (or working database).
func (f *Factory) openReadOnly(cmd *cobra.Command, file string, work bool, opts ...store.Option) (*store.Store, error) {
	if file == "" {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		file = cfg.Warehouse
		if work {
			file = cfg.WorkPath()
		}
	}
	return store.OpenReadOnly(cmd.Context(), file, opts...)
}
