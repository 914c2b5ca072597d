package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/schemadoc"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// SchemaOptions are the flags of `trainimpact schema`.
type SchemaOptions struct {
	// Markdown is kept for scripts written when it was required; Markdown is the default.
	Markdown bool
}

func newCmdSchema(f *Factory) *cobra.Command {
	opts := &SchemaOptions{}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Describe the warehouse schema (tables, columns, their meaning)",
		Long: `schema prints the warehouse schema as this version of trainimpact creates it, with the meaning
of every table and column, read from the database's own comments, as Markdown (the source of
docs/schema.md).`,
		Example: `  $ trainimpact schema | less
  # Regenerate docs/schema.md
  $ trainimpact schema > docs/schema.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := os.MkdirTemp("", "trainimpact-schema-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			st, err := store.Open(cmd.Context(), filepath.Join(dir, "schema.duckdb"))
			if err != nil {
				return err
			}
			defer st.Close()
			if err := schemadoc.Markdown(cmd.Context(), st.DB(), f.IO.Out); err != nil {
				return fmt.Errorf("schema: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Markdown, "markdown", true, "print Markdown (the default and only format; accepted for older scripts)")
	return cmd
}
