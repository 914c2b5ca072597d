package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/models"
)

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, the schema version and the Go version",
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
			fmt.Fprintf(f.IO.Out, "trainimpact %s (schema %d, %s)\n", version, migs[len(migs)-1].Version, goVersion)
			return nil
		},
	}
}
