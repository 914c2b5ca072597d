package org

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// CSV headers, in the formats `trainimpact import` reads.
var (
	TeamsHeader      = []string{"person_email", "team", "role", "valid_from", "valid_to"}
	CohortsHeader    = []string{"person_email", "cohort", "program", "enrolled_at", "completed_at"}
	IdentitiesHeader = []string{"person_email", "source", "account"}
)

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// WriteTeamsCSV writes teams.csv as HR knows it at now: one row per
// membership that started at or before now; valid_to is empty when the
// membership is still valid at now. Team ids are the stable slugs.
func (o *Org) WriteTeamsCSV(w io.Writer, now time.Time) error {
	cw := csv.NewWriter(w)
	rows := [][]string{TeamsHeader}
	for _, m := range o.Memberships {
		if m.ValidFrom.After(now) {
			continue
		}
		to := ""
		if !m.ValidTo.IsZero() && !m.ValidTo.After(now) {
			to = date(m.ValidTo)
		}
		rows = append(rows, []string{m.Person.Email, m.Team.ID, string(m.Role), date(m.ValidFrom), to})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("org: write teams csv: %w", err)
	}
	return nil
}

// WriteCohortsCSV writes cohorts.csv as known at now: one row per enrollment
// made at or before now; completed_at is empty for dropouts and for
// completions after now.
func (o *Org) WriteCohortsCSV(w io.Writer, now time.Time) error {
	cw := csv.NewWriter(w)
	rows := [][]string{CohortsHeader}
	for _, e := range o.Program.Enrollments {
		if e.EnrolledAt.After(now) {
			continue
		}
		done := ""
		if !e.CompletedAt.IsZero() && !e.CompletedAt.After(now) {
			done = date(e.CompletedAt)
		}
		rows = append(rows, []string{e.Person.Email, e.Cohort.ID, e.Program, date(e.EnrolledAt), done})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("org: write cohorts csv: %w", err)
	}
	return nil
}

// WriteIdentitiesCSV writes identities.csv: the manual overrides linking
// noreply GitHub logins and hidden-email Jira accounts to work emails
// (source is github, jira or pagerduty; account is the login, accountId or user id).
func (o *Org) WriteIdentitiesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{IdentitiesHeader}
	for _, ov := range o.IdentityOverrides {
		rows = append(rows, []string{ov.Person.Email, ov.Source, ov.Account})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("org: write identities csv: %w", err)
	}
	return nil
}
