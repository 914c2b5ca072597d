package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/table"
)

// ImportOptions are the arguments and flags of `trainimpact import`.
type ImportOptions struct {
	Files  []people.File
	DryRun bool
	Format string
}

func newCmdImport(f *Factory) *cobra.Command {
	opts := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import [teams|cohorts|identities|assessments|surveys [FILE]]",
		Short: "Import team memberships, training cohorts, identity overrides, assessments or surveys from CSV",
		Long: `import reads a people file and replaces the rows previously imported from the same file, in
one transaction; then it re-matches accounts to people and recomputes who is treated from when.
Without arguments it imports the files named under people: in the config (teams, cohorts,
identities, assessments, surveys); with a kind and no FILE, the configured file of that kind.

  teams.csv       person_email, team, role (lead|member), valid_from, valid_to (empty = still valid)
  cohorts.csv     person_email, cohort, program, enrolled_at, completed_at (empty = not completed)
  identities.csv  person_email, source (github|jira|pagerduty), account (login, accountId or user id)
  assessments.csv person_email, instrument (e.g. knowledge quiz, confidence, 360, manager observation),
                  taken_at, score, max_score (0 <= score <= max_score)
  surveys.csv     team, kind (engagement|stakeholder_satisfaction), survey, taken_at, respondent
                  (the survey tool's opaque id, never an email), question, score, scale (its top)

Dates are YYYY-MM-DD; valid_to is the last day of a membership. The whole file is validated
first and every problem is listed with its line and column; any problem means nothing is
imported (exit code 2). Files must be comma-separated UTF-8 (a BOM, CRLF line endings and spaces
around values are fine). Re-importing an unchanged file changes nothing.`,
		Example: `  # The people files named in trainimpact.yaml
  $ trainimpact import

  # One file, first as a dry run
  $ trainimpact import teams hr/teams-2026-03.csv --dry-run
  $ trainimpact import teams hr/teams-2026-03.csv

  # This quarter's engagement and stakeholder pulses
  $ trainimpact import surveys pulses/2026-Q1.csv`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(table.Formats, opts.Format) {
				return flagErrorf("--format %q: want one of %s", opts.Format, strings.Join(table.Formats, ", "))
			}
			if len(args) > 0 {
				if _, ok := people.Headers[args[0]]; !ok && !people.IsOutcomeKind(args[0]) {
					return flagErrorf("unknown kind %q: want teams, cohorts, identities, assessments or surveys", args[0])
				}
			}
			if len(args) == 2 {
				opts.Files = []people.File{{Kind: args[0], Path: args[1]}}
			} else {
				cfg, err := f.Config()
				if err != nil {
					return err
				}
				for _, pf := range []people.File{{Kind: people.KindTeams, Path: cfg.People.Teams},
					{Kind: people.KindCohorts, Path: cfg.People.Cohorts}, {Kind: people.KindIdentities, Path: cfg.People.Identities},
					{Kind: people.KindAssessments, Path: cfg.People.Assessments}, {Kind: people.KindSurveys, Path: cfg.People.Surveys}} {
					if pf.Path != "" && (len(args) == 0 || args[0] == pf.Kind) {
						opts.Files = append(opts.Files, pf)
					}
				}
				if len(opts.Files) == 0 {
					return flagErrorf("no file: name one (trainimpact import KIND FILE) or set people.teams, people.cohorts, people.identities, people.assessments or people.surveys in the config")
				}
			}
			return runImport(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "validate and show what would change, write nothing")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table, csv or json")
	return cmd
}

func runImport(ctx context.Context, f *Factory, opts *ImportOptions) error {
	iopts := people.ImportOptions{DryRun: opts.DryRun, Now: f.Now(), Today: f.Now()}
	var results []people.ImportResult
	var err error
	if opts.DryRun {
		results, err = dryRunImport(ctx, f, opts.Files, iopts)
	} else {
		s, berr := f.begin(ctx, "import")
		if berr != nil {
			return berr
		}
		results, err = importAll(ctx, s.Store, opts.Files, iopts)
		if err == nil {
			for _, r := range results {
				s.Counts[r.Kind] = map[string]int{"rows": r.Rows, "added": r.Added, "changed": r.Changed, "removed": r.Removed}
			}
			err = f.afterWrite(ctx, s)
		}
		if ferr := s.Finish(ctx, err, ""); ferr != nil && err == nil {
			err = ferr
		}
	}
	var ve *people.ValidationError
	if errors.As(err, &ve) || errors.Is(err, fs.ErrNotExist) {
		return UsageError(err)
	}
	if err != nil {
		return err
	}
	for _, r := range results {
		for _, w := range r.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s: %s\n", filepath.Base(r.File), w)
		}
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	res := &table.Result{Columns: []string{"kind", "file", "rows", "added", "changed", "removed", "unchanged"}}
	for _, r := range results {
		res.Rows = append(res.Rows, []any{r.Kind, r.File, r.Rows, r.Added, r.Changed, r.Removed, r.Unchanged})
	}
	if err := table.Write(f.IO.Out, opts.Format, res); err != nil {
		return err
	}
	if opts.DryRun && opts.Format == "table" {
		for _, r := range results {
			if len(r.Changes) == 0 {
				continue
			}
			fmt.Fprintf(f.IO.Out, "\n%s would change:\n", filepath.Base(r.File))
			for _, c := range r.Changes {
				switch c.Op {
				case "add":
					fmt.Fprintf(f.IO.Out, "  + line %d: %s\n", c.Line, c.Row)
				case "change":
					fmt.Fprintf(f.IO.Out, "  ~ line %d: %s (was: %s)\n", c.Line, c.Row, c.Was)
				default:
					fmt.Fprintf(f.IO.Out, "  - was line %d: %s\n", c.Line, c.Row)
				}
			}
		}
		fmt.Fprintln(f.IO.ErrOut, "dry run: nothing was written")
	}
	return nil
}

// dryRunImport compares the files with the working database, read-only (an empty database when
// none exists yet).
func dryRunImport(ctx context.Context, f *Factory, files []people.File, opts people.ImportOptions) ([]people.ImportResult, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	st, err := store.OpenReadOnly(ctx, cfg.WorkPath())
	if errors.Is(err, store.ErrNotFound) {
		dir, derr := os.MkdirTemp("", "trainimpact-dry-run-")
		if derr != nil {
			return nil, derr
		}
		defer os.RemoveAll(dir)
		st, err = store.Open(ctx, filepath.Join(dir, "empty.duckdb"))
	}
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return importAll(ctx, st, files, opts)
}

// importAll imports people files and outcome files (assessments, surveys): the outcome files are
// validated before anything is written, so a broken one leaves everything unchanged.
func importAll(ctx context.Context, st *store.Store, files []people.File, opts people.ImportOptions) ([]people.ImportResult, error) {
	var peopleFiles, outcomeFiles []people.File
	for _, f := range files {
		if people.IsOutcomeKind(f.Kind) {
			outcomeFiles = append(outcomeFiles, f)
		} else {
			peopleFiles = append(peopleFiles, f)
		}
	}
	if err := people.ValidateOutcomes(outcomeFiles, opts); err != nil {
		return nil, err
	}
	var results []people.ImportResult
	if len(peopleFiles) > 0 {
		r, err := people.ImportFiles(ctx, st, peopleFiles, opts)
		if err != nil {
			return nil, err
		}
		results = r
	}
	if len(outcomeFiles) > 0 {
		r, err := people.ImportOutcomes(ctx, st, outcomeFiles, opts)
		if err != nil {
			return nil, err
		}
		results = append(results, r...)
	}
	return results, nil
}
