package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/queryparams"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/table"
)

// QueryOptions are the flags of `trainimpact query`.
type QueryOptions struct {
	Params []string
	List   bool
	Show   bool
	Format string
	Work   bool
	File   string
}

func newCmdQuery(f *Factory) *cobra.Command {
	opts := &QueryOptions{}
	cmd := &cobra.Command{
		Use:   "query NAME",
		Short: "Run a named example query (queries/examples) on the published warehouse",
		Long: `query runs one of the named, documented queries shipped in queries/examples on the published
warehouse, read-only. Parameters are passed with --param key=value and bound as query parameters,
never spliced into the SQL. --list describes every query and its parameters; --show prints the SQL.

Named queries are what a scheduler or a service runs, so their connection reaches nothing beyond
the database file: no other file or URL, no extension installed or loaded, no setting changed
(DuckDB's enable_external_access=false, lock_configuration=true). A query that tries fails with
exit code 2. For ad hoc work with local files (exporting a CSV), use ` + "`trainimpact sql`" + `.`,
		Example: `  $ trainimpact query --list
  $ trainimpact query headline
  $ trainimpact query team_monthly --param metric=incident_resolve_hours --param since=2025-06-01
  $ trainimpact query team_monthly --show`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.List {
				return cobra.NoArgs(cmd, args)
			}
			if len(args) != 1 {
				return flagErrorf("name one query (see `trainimpact query --list`)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(table.Formats, opts.Format) {
				return flagErrorf("--format %q: want one of %s", opts.Format, strings.Join(table.Formats, ", "))
			}
			cat, err := f.catalog()
			if err != nil {
				return err
			}
			if opts.List {
				return listQueries(f, cat)
			}
			ex, err := cat.Example(args[0])
			if err != nil {
				return &FlagError{Err: err}
			}
			if opts.Show {
				fmt.Fprintln(f.IO.Out, ex.SQL)
				return nil
			}
			values := map[string]string{}
			for _, p := range opts.Params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || k == "" {
					return flagErrorf("--param %q: want key=value", p)
				}
				values[k] = v
			}
			q, args2, err := ex.Bind(values)
			if err != nil {
				return &FlagError{Err: err}
			}
			st, err := f.openReadOnly(cmd, opts.File, opts.Work, store.NoExternalAccess())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := queryparams.Check(cmd.Context(), st.DB(), cat, ex, values); err != nil {
				return err
			}
			rows, err := st.DB().QueryContext(cmd.Context(), q, args2...)
			if err != nil {
				return queryError(ex.Name, err)
			}
			defer rows.Close()
			res, err := table.Read(rows)
			if err != nil {
				return queryError(ex.Name, err)
			}
			return table.Write(f.IO.Out, opts.Format, res)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Params, "param", "p", nil, "query parameter as key=value (repeatable)")
	cmd.Flags().BoolVar(&opts.List, "list", false, "describe the named queries and their parameters")
	cmd.Flags().BoolVar(&opts.Show, "show", false, "print the query's SQL instead of running it")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table, csv or json")
	cmd.Flags().BoolVar(&opts.Work, "work", false, "read the working database instead of the published warehouse")
	cmd.Flags().StringVar(&opts.File, "db", "", "DuckDB file to read (default: the configured warehouse)")
	return cmd
}

// queryError wraps the failure of a named query; one that reached outside the database (a file,
// a URL, an extension, a setting) is a usage error, exit code 2, saying so.
func queryError(name string, err error) error {
	if store.IsRestricted(err) {
		return UsageError(fmt.Errorf("query %s: named queries read only the database file (no other file, URL, extension or setting; use `trainimpact sql` for local files): %w", name, err))
	}
	return fmt.Errorf("query %s: %w", name, err)
}

func listQueries(f *Factory, cat *queries.Catalog) error {
	tw := tabwriter.NewWriter(f.IO.Out, 0, 0, 2, ' ', 0)
	for _, ex := range cat.Examples {
		fmt.Fprintf(tw, "%s\t%s\n", ex.Name, ex.Description)
		for _, p := range ex.Params {
			def := "required"
			if p.HasDefault {
				def = "default " + p.Default
			}
			fmt.Fprintf(tw, "\t  --param %s=<%s>  %s (%s)\n", p.Name, p.Type, p.Description, def)
		}
	}
	return tw.Flush()
}
