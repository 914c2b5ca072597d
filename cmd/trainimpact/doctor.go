package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

// DoctorOptions are the flags of `trainimpact doctor`.
type DoctorOptions struct {
	Offline bool
}

func newCmdDoctor(f *Factory) *cobra.Command {
	opts := &DoctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the config, the credentials (one cheap call per source) and the databases",
		Long: `doctor loads the config (reporting every problem with its key and line), makes one cheap
authenticated call per configured source (a rejected token names its environment variable), and
checks that the working database and the published warehouse open and carry a known schema.`,
		Example: `  $ trainimpact doctor
  $ trainimpact doctor --offline   # skip the network checks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := f.IO.Out
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "ok    config %s\n", cfg.Path)
			failed := 0
			if len(cfg.Sources) == 0 {
				fmt.Fprintln(out, "note  no sources configured: sync has nothing to collect")
			}
			for _, name := range cfg.SourceNames() {
				if opts.Offline {
					fmt.Fprintf(out, "skip  source %s (offline)\n", name)
					continue
				}
				if err := syncer.Ping(ctx, cfg, name, nil); err != nil {
					failed++
					fmt.Fprintf(out, "FAIL  source %s: %v\n", name, err)
					continue
				}
				fmt.Fprintf(out, "ok    source %s\n", name)
			}
			for _, db := range []struct{ what, path string }{{"working database", cfg.WorkPath()}, {"warehouse", cfg.Warehouse}} {
				if _, err := os.Stat(db.path); errors.Is(err, os.ErrNotExist) {
					fmt.Fprintf(out, "note  %s %s does not exist yet (init or the first sync creates it)\n", db.what, db.path)
					continue
				}
				st, err := store.OpenReadOnly(ctx, db.path)
				if err != nil {
					if errors.Is(err, store.ErrLocked) {
						fmt.Fprintf(out, "busy  %s %s is being written by a running command\n", db.what, db.path)
						continue
					}
					failed++
					fmt.Fprintf(out, "FAIL  %s: %v\n", db.what, err)
					continue
				}
				v, err := st.SchemaVersion(ctx)
				st.Close()
				if err != nil {
					failed++
					fmt.Fprintf(out, "FAIL  %s: %v\n", db.what, err)
					continue
				}
				fmt.Fprintf(out, "ok    %s %s (schema %d)\n", db.what, db.path, v)
			}
			if failed > 0 {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("doctor: %d check(s) failed", failed)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "skip the checks that call the sources")
	return cmd
}
