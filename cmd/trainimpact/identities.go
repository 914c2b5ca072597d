package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trainimpact/trainimpact/pipeline/identity"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/table"
)

// IdentitiesOptions are the flags of `trainimpact identities`.
type IdentitiesOptions struct {
	Unmatched bool
	Limit     int
	Format    string
	File      string
}

func newCmdIdentities(f *Factory) *cobra.Command {
	opts := &IdentitiesOptions{}
	cmd := &cobra.Command{
		Use:   "identities",
		Short: "Show how accounts were matched to people, and which unmatched accounts matter",
		Long: `identities counts, per source, the accounts matched to a person (by rule: override, email,
commit_email, noreply_email, display_name), the bots, and the unmatched accounts; then it lists
the unmatched accounts that have activity, most active first, and the cohort participants who
are in no team of the teams file (import warned about each, with its line). Add a line
"person_email,source,account" to identities.csv for each that belongs to an employee, and run
trainimpact import identities.

It reads the working database (real logins and names; the published warehouse may be
pseudonymised), read-only: it fails while a sync or import is writing.`,
		Example: `  $ trainimpact identities
  $ trainimpact identities --unmatched --format csv > unmatched.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(table.Formats, opts.Format) {
				return flagErrorf("--format %q: want one of %s", opts.Format, strings.Join(table.Formats, ", "))
			}
			if opts.Limit < 0 {
				return flagErrorf("--limit must be 0 (all) or more")
			}
			return runIdentities(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Unmatched, "unmatched", "u", false, "list only the unmatched accounts with activity (all of them)")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "unmatched accounts to list without --unmatched (0 = all)")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table, csv or json")
	cmd.Flags().StringVar(&opts.File, "db", "", "DuckDB file to read (default: the working database)")
	return cmd
}

func runIdentities(ctx context.Context, f *Factory, opts *IdentitiesOptions) error {
	file := opts.File
	if file == "" {
		cfg, err := f.Config()
		if err != nil {
			return err
		}
		file = cfg.WorkPath()
	}
	st, err := store.OpenReadOnly(ctx, file)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := identity.BuildReport(ctx, st)
	if err != nil {
		return err
	}
	if !opts.Unmatched && opts.Limit > 0 && len(rep.Unmatched) > opts.Limit {
		rep.Unmatched = rep.Unmatched[:opts.Limit]
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if opts.Unmatched {
			return enc.Encode(rep.Unmatched)
		}
		return enc.Encode(rep)
	}
	if !opts.Unmatched {
		rules := []string{identity.RuleOverride, identity.RuleEmail, identity.RuleCommitEmail, identity.RuleNoreply, identity.RuleDisplayName}
		counts := &table.Result{Columns: append([]string{"source", "accounts", "bots", "matched", "unmatched", "unmatched_active"}, append(rules, "unmatched_events")...)}
		for _, s := range rep.Sources {
			row := []any{s.Source, s.Accounts, s.Bots, s.Matched, s.Unmatched, s.UnmatchedActive}
			for _, r := range rules {
				row = append(row, s.ByRule[r])
			}
			share := "0%"
			if n := s.MatchedEvents + s.UnmatchedEvents; n > 0 {
				share = fmt.Sprintf("%d (%.1f%%)", s.UnmatchedEvents, 100*float64(s.UnmatchedEvents)/float64(n))
			}
			counts.Rows = append(counts.Rows, append(row, share))
		}
		if err := table.Write(f.IO.Out, opts.Format, counts); err != nil {
			return err
		}
		if opts.Format == "csv" {
			return nil // one table per CSV output; use --unmatched for the list
		}
		fmt.Fprintf(f.IO.Out, "\nUnmatched accounts with activity, most active first (%d without activity not shown).\n", rep.Idle)
		fmt.Fprintln(f.IO.Out, "Add a line person_email,source,account to identities.csv for each that belongs to an employee:")
	}
	list := &table.Result{Columns: []string{"source", "account", "login", "name", "events", "first_seen_at", "last_seen_at"}}
	for _, u := range rep.Unmatched {
		list.Rows = append(list.Rows, []any{u.Source, u.Account, u.Login, u.Name, u.Events, u.FirstSeen, u.LastSeen})
	}
	if err := table.Write(f.IO.Out, opts.Format, list); err != nil {
		return err
	}
	if opts.Format != "table" {
		return nil // one table per CSV or JSON output
	}
	// Cohort participants in no team: import warned about each; they are listed here again.
	unteamed, err := people.ListUnteamed(ctx, st.DB())
	if err != nil || len(unteamed) == 0 {
		return err
	}
	fmt.Fprintf(f.IO.Out, "\nCohort participants in no team of the teams file (%d): their training changes no team's exposure.\n", len(unteamed))
	fmt.Fprintln(f.IO.Out, "Fix the email where it differs from teams.csv; leave people outside the measured teams as they are:")
	ut := &table.Result{Columns: []string{"file", "line", "person_email", "program", "cohort"}}
	for _, u := range unteamed {
		ut.Rows = append(ut.Rows, []any{filepath.Base(u.File), u.Line, u.Email, u.Program, u.Cohort})
	}
	return table.Write(f.IO.Out, opts.Format, ut)
}
