package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/export"
	"github.com/trainimpact/trainimpact/reports/table"
)

// ExportOptions are the flags of `trainimpact export`.
type ExportOptions struct {
	Parquet string
	Force   bool
	File    string
}

func newCmdExport(f *Factory) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export --parquet DIR",
		Short: "Write the published warehouse as Hive-partitioned Parquet with a manifest",
		Long: `export writes every analysis table of the published warehouse (canonical tables, metric_events,
estimates, roi and the rest; not the pipeline's raw payloads, runs, sync cursors or import records)
as Parquet files that Spark, Trino, BigQuery or DuckDB read as they are:

  DIR/manifest.json                          tables, row counts, columns and types, partitioning,
                                             the warehouse's schema version, the export time
  DIR/incidents/source=pagerduty/month=2025-03/data_0.parquet
  DIR/metric_events/month=2025-03/data_0.parquet
  DIR/estimates/data_0.parquet

Tables with a source column are partitioned by source, event tables also by the UTC month of their
event time (a month column that is not in the table; NULL times go to __HIVE_DEFAULT_PARTITION__).
It reads the published warehouse read-only, so with people.pseudonymize on the files hold the
same keyed hashes as the warehouse, never a person's name, email, login or account id. Each table is
read back and compared with the warehouse (row count and fingerprint) before the folder, written
beside DIR, is renamed into place: a failed export leaves DIR as it was.`,
		Example: `  $ trainimpact export --parquet exports/2026-Q3
  $ trainimpact export --parquet exports/latest --force          # replace an earlier export
  $ trainimpact export --parquet out --db trainimpact-demo/impact.duckdb

  # read it back with DuckDB
  $ duckdb -c "SELECT metric, count(*) FROM read_parquet('out/metric_events/**/*.parquet', hive_partitioning = true) GROUP BY ALL"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Parquet == "" {
				return flagErrorf("--parquet DIR is required: the folder to write")
			}
			st, err := f.openReadOnly(cmd, opts.File, false)
			if err != nil {
				return err
			}
			defer st.Close()
			m, err := export.Parquet(cmd.Context(), st, export.Options{Dir: opts.Parquet, Force: opts.Force, Now: f.Now})
			if errors.Is(err, export.ErrNotEmpty) || errors.Is(err, export.ErrNotFolder) {
				return UsageError(err)
			}
			if err != nil {
				return err
			}
			res := &table.Result{Columns: []string{"table", "rows", "files", "partitioned by"}}
			for _, t := range m.Tables {
				var by []string
				for _, p := range t.PartitionBy {
					by = append(by, p.Column)
				}
				res.Rows = append(res.Rows, []any{t.Name, t.Rows, t.Files, strings.Join(by, ", ")})
			}
			if err := table.Write(f.IO.Out, "table", res); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "\n%d tables written to %s (schema version %d); manifest: %s\n",
				len(m.Tables), opts.Parquet, m.SchemaVersion, export.ManifestFile)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Parquet, "parquet", "", "folder to write the Parquet export to (must not exist or be empty, unless --force)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace a folder that already holds files (an earlier export)")
	cmd.Flags().StringVar(&opts.File, "db", "", "DuckDB file to export (default: the configured warehouse)")
	return cmd
}
