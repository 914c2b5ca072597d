package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, the schema version, the DuckDB version and the Go version",
		Example: "  $ trainimpact version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			version, goVersion := "(devel)", ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				goVersion = bi.GoVersion
			}
			migs, err := models.Migrations()
			if err != nil {
				return err
			}
			duck, err := duckDBVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "trainimpact %s (schema %d, DuckDB %s, %s)\n", version, migs[len(migs)-1].Version, duck, goVersion)
			return nil
		},
	}
}

// duckDBVersion asks the embedded DuckDB engine for its version, on a scratch database.
func duckDBVersion(ctx context.Context) (string, error) {
	dir, err := os.MkdirTemp("", "trainimpact-version-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "version.duckdb"))
	if err != nil {
		return "", err
	}
	defer st.Close()
	var v string
	if err := st.DB().QueryRowContext(ctx, "SELECT library_version FROM pragma_version()").Scan(&v); err != nil {
		return "", fmt.Errorf("version: ask DuckDB: %w", err)
	}
	return v, nil
}
