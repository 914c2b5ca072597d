package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/config"
)

// InitOptions are the flags of `trainimpact init`.
type InitOptions struct {
	Dir   string
	Force bool
}

func newCmdInit(f *Factory) *cobra.Command {
	opts := &InitOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented trainimpact.yaml and example people files, and create the databases",
		Long: `init writes a commented trainimpact.yaml, an example teams.csv and cohorts.csv (which pass
validation), then creates the working database and the published warehouse, migrated and empty.
It refuses to overwrite existing files unless --force is given.`,
		Example: `  # Start a project in the current folder
  $ trainimpact init
  $ trainimpact doctor
  $ trainimpact sql "select count(*) from incidents"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			written, err := config.WriteStarter(opts.Dir, opts.Force)
			if err != nil {
				return UsageError(err)
			}
			f.ConfigPath = filepath.Join(opts.Dir, "trainimpact.yaml")
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			s, err := f.begin(cmd.Context(), "init")
			if err != nil {
				return err
			}
			err = f.afterWrite(cmd.Context(), s)
			if ferr := s.Finish(cmd.Context(), err, ""); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			for _, p := range written {
				fmt.Fprintf(f.IO.Out, "wrote %s\n", p)
			}
			fmt.Fprintf(f.IO.Out, "created %s (working database) and %s (published warehouse)\n", cfg.WorkPath(), cfg.Warehouse)
			fmt.Fprintln(f.IO.Out, "next: edit trainimpact.yaml (sources, people files), export the tokens it names, then run `trainimpact doctor`")
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "folder to write the files into")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite existing files")
	return cmd
}
