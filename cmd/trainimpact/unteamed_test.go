package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cohort row for a person in no team imports with a warning naming its line, and
// `identities --unmatched` lists it; doctor checks the people files and fails a broken one.
func TestCohortPersonWithoutTeamAndDoctorPeople(t *testing.T) {
	dir := t.TempDir()
	if code, out := child(t, dir, "init"); code != ExitOK {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	cohorts := filepath.Join(dir, "cohorts.csv")
	b, err := os.ReadFile(cohorts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cohorts, append(b, "ana.laed@example.com,2025-autumn,lead-well,2025-09-01,\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := mainIn(t, dir, "text", "import")
	if code != ExitOK || !strings.Contains(out, "warning: cohorts.csv: line 4, column 1 (person_email): this person is in no team") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	code, out = mainIn(t, dir, "text", "identities", "--unmatched")
	if code != ExitOK || !strings.Contains(out, "Cohort participants in no team") || !strings.Contains(out, "ana.laed@example.com") {
		t.Fatalf("identities --unmatched: exit %d\n%s", code, out)
	}
	code, out = mainIn(t, dir, "text", "doctor", "--offline")
	if code != ExitOK || !strings.Contains(out, "ok    people.teams") || !strings.Contains(out, "ok    people.cohorts") ||
		!strings.Contains(out, "warn  people.cohorts") {
		t.Fatalf("doctor with valid people files: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "teams.csv"), []byte("person_email,team,role,valid_from,valid_to\nnot-an-email,payments,boss,2025-01-01,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = mainIn(t, dir, "text", "doctor", "--offline")
	if code != ExitFailed || !strings.Contains(out, "FAIL  people.teams") || !strings.Contains(out, "line 2") {
		t.Fatalf("doctor with a broken teams.csv: exit %d\n%s", code, out)
	}
}
