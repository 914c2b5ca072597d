package people

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzPrepare feeds data to the validation of one people file and checks what any input must
// give: no panic; either a *ValidationError listing at least one problem (each on a line of the
// file) and no rows, or rows that are all well formed; and the same answer twice.
func fuzzPrepare(t *testing.T, kind string, data []byte) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	today := now
	p, err := prepareData(kind, "in.csv", "/in.csv", data, now, today)
	p2, err2 := prepareData(kind, "in.csv", "/in.csv", data, now, today)
	if (err == nil) != (err2 == nil) || (err == nil && !reflect.DeepEqual(p, p2)) || (err != nil && err.Error() != err2.Error()) {
		t.Fatalf("two validations of the same bytes differ: %v / %v", err, err2)
	}
	lines := 1 + strings.Count(string(data), "\n")
	if err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("error is not a *ValidationError: %T %v", err, err)
		}
		if p != nil {
			t.Fatalf("rows returned with an error")
		}
		if len(ve.Problems) == 0 && ve.Omitted == 0 {
			t.Fatalf("validation error without a problem")
		}
		for _, pr := range ve.Problems {
			if pr.Line < 0 || pr.Line > lines || pr.Column < 0 || pr.Message == "" {
				t.Fatalf("problem out of the file (%d lines): %+v", lines, pr)
			}
			if !utf8.ValidString(pr.String()) {
				t.Fatalf("problem text is not UTF-8: %q", pr.String())
			}
		}
		return
	}
	if p.rows < 0 || p.kind != kind || p.sha == "" {
		t.Fatalf("bad prepared file: %+v", p)
	}
	for _, pe := range p.p.people {
		if !ValidEmail(pe.Email) || pe.Email != NormalizeEmail(pe.Email) || pe.PersonID != PersonID(pe.Email) {
			t.Fatalf("bad person %+v", pe)
		}
	}
	for _, m := range p.p.memberships {
		if m.PersonID == "" || m.TeamID == "" || (m.Role != "lead" && m.Role != "member") || m.ValidFrom.IsZero() ||
			(!m.ValidTo.IsZero() && m.ValidTo.Before(m.ValidFrom)) || m.Line < 2 || m.Line > lines {
			t.Fatalf("bad membership %+v", m)
		}
	}
	for _, tm := range p.p.teams {
		if strings.TrimSpace(tm.Name) == "" || tm.Name != strings.TrimSpace(tm.Name) {
			t.Fatalf("bad team %+v", tm)
		}
	}
	for _, e := range p.p.enrollments {
		if e.PersonID == "" || e.CohortID == "" || e.Program == "" || e.EnrolledAt.IsZero() ||
			(!e.CompletedAt.IsZero() && e.CompletedAt.Before(e.EnrolledAt)) || e.Status == "" || e.Line < 2 || e.Line > lines {
			t.Fatalf("bad enrollment %+v", e)
		}
	}
	for _, o := range p.p.overrides {
		if !identitySources[o.Source] || o.Account == "" || o.PersonID == "" || o.Line < 2 || o.Line > lines {
			t.Fatalf("bad identity override %+v", o)
		}
	}
}

func seedPeople(f *testing.F, kind string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzPrepare(t, kind, data) })
}

// FuzzImportTeams checks teams.csv validation on any bytes (corpus: testdata/fuzz/FuzzImportTeams).
func FuzzImportTeams(f *testing.F) {
	seedPeople(f, KindTeams,
		"person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\nbob@acme.example,payments,member,2024-01-01,2024-06-30\n",
		"\xef\xbb\xbfperson_email , team,ROLE,valid_from,valid_to\r\nada@acme.example,payments,Lead,2024-01-01,2024-03-01\r\nada@acme.example,core,lead,2024-03-01,\r\n")
}

// FuzzImportCohorts checks cohorts.csv validation on any bytes (corpus: testdata/fuzz/FuzzImportCohorts).
func FuzzImportCohorts(f *testing.F) {
	seedPeople(f, KindCohorts,
		"person_email,cohort,program,enrolled_at,completed_at\nada@acme.example,2024-A,lead,2024-01-01,2024-02-01\nbob@acme.example,2024-A,lead,2024-01-01,\n",
		"person_email,cohort,program,enrolled_at,completed_at\nada@acme.example,\"A, \"\"first\"\"\",lead,2024-01-01,2027-01-01\n")
}

// FuzzImportIdentities checks identities.csv validation on any bytes (corpus: testdata/fuzz/FuzzImportIdentities).
func FuzzImportIdentities(f *testing.F) {
	seedPeople(f, KindIdentities,
		"person_email,source,account\nada@acme.example,github,ada-l\nada@acme.example,jira,5b10ac8d82e05b22cc7d4ef5\n",
		"person_email,source,account\nada@acme.example,GitHub,Ada\nbob@acme.example,github,ada\n")
}
