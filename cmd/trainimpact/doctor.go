package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
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
authenticated call per configured source (a rejected token names its environment variable),
validates the people files named in the config as import would (every problem with its line and
column; warnings such as a cohort participant in no team are shown too), and checks that the
working database and the published warehouse open and carry a known schema.`,
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
			failed += checkPeopleFiles(ctx, f, cfg)
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

// checkPeopleFiles validates the configured people files as `import --dry-run` would, against an
// empty database (so it works while a run holds the working one), and returns how many failed.
func checkPeopleFiles(ctx context.Context, f *Factory, cfg *config.Config) int {
	out := f.IO.Out
	var files []people.File
	for _, pf := range []people.File{{Kind: people.KindTeams, Path: cfg.People.Teams},
		{Kind: people.KindCohorts, Path: cfg.People.Cohorts}, {Kind: people.KindIdentities, Path: cfg.People.Identities}} {
		if pf.Path != "" {
			files = append(files, pf)
		}
	}
	if len(files) == 0 {
		fmt.Fprintln(out, "note  no people files configured (people.teams, people.cohorts): nobody is treated")
		return 0
	}
	dir, err := os.MkdirTemp("", "trainimpact-doctor-")
	if err != nil {
		fmt.Fprintf(out, "FAIL  people files: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "empty.duckdb"))
	if err != nil {
		fmt.Fprintf(out, "FAIL  people files: %v\n", err)
		return 1
	}
	defer st.Close()
	failed := 0
	opts := people.ImportOptions{DryRun: true, Now: f.Now(), Today: f.Now()}
	for _, pf := range files {
		res, err := people.ImportFiles(ctx, st, []people.File{pf}, opts)
		if err != nil {
			failed++
			fmt.Fprintf(out, "FAIL  people.%s %s: %v\n", pf.Kind, pf.Path, err)
			continue
		}
		fmt.Fprintf(out, "ok    people.%s %s (%d rows)\n", pf.Kind, pf.Path, res[0].Rows)
	}
	if failed > 0 {
		return failed
	}
	// Together, for the warnings that need more than one file (a participant in no team).
	res, err := people.ImportFiles(ctx, st, files, opts)
	if err != nil {
		fmt.Fprintf(out, "FAIL  people files: %v\n", err)
		return 1
	}
	for _, r := range res {
		for i, w := range r.Warnings {
			if i == 5 {
				fmt.Fprintf(out, "warn  people.%s: %d more warnings (trainimpact import --dry-run lists them)\n", r.Kind, len(r.Warnings)-5)
				break
			}
			fmt.Fprintf(out, "warn  people.%s %s: %s\n", r.Kind, filepath.Base(r.File), w)
		}
	}
	return 0
}
