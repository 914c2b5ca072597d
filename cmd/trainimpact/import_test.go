package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// cli runs trainimpact with a config in dir and returns the exit code and both streams.
func cli(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Now:       func() time.Time { return time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC) },
		LookupEnv: func(string) (string, bool) { return "", false }}
	code := Main(append([]string{"--config", filepath.Join(dir, "trainimpact.yaml"), "--log-format", "text"}, args...), f)
	return code, out.String(), errOut.String()
}

func peopleProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"trainimpact.yaml": "warehouse: impact.duckdb\nstate_dir: state\npeople:\n  teams: teams.csv\n  cohorts: cohorts.csv\n  identities: identities.csv\n",
		"teams.csv":        "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\nbob@acme.example,payments,member,2024-01-01,\n",
		"cohorts.csv":      "person_email,cohort,program,enrolled_at,completed_at\nada@acme.example,c1,LET,2025-01-10,2025-03-15\n",
		"identities.csv":   "person_email,source,account\nbob@acme.example,github,bobby\n",
		"broken.csv":       "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,boss,2024-01-01,\ncy@acme,payments,member,2024-13-01,\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportCommand(t *testing.T) {
	dir := peopleProject(t)

	code, out, errOut := cli(t, dir, "import", "--dry-run")
	if code != ExitOK || !strings.Contains(out, "teams") || !strings.Contains(errOut, "dry run") ||
		!strings.Contains(out, "  + line 2: ada@acme.example lead of payments from 2024-01-01 to open") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "impact.duckdb")); err == nil {
		t.Fatal("a dry run published a warehouse")
	}

	code, out, errOut = cli(t, dir, "import", "--format", "csv")
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"teams,", ",2,2,0,0,0", "cohorts,", "identities,"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli(t, dir, "sql", "select status, treated_at from exposure where unit_id = 'files:team:payments'")
	if code != ExitOK || !strings.Contains(out, "treated") || !strings.Contains(out, "2025-03-15") {
		t.Errorf("exposure not published after import: exit %d\n%s", code, out)
	}

	// A broken file: exit 2, every problem listed, nothing changed.
	code, out, errOut = cli(t, dir, "import", "teams", filepath.Join(dir, "broken.csv"))
	if code != ExitUsage {
		t.Fatalf("broken file: exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
	for _, want := range []string{`line 2, column 3 (role): unknown role "boss"`, `line 3, column 1 (person_email): bad email "cy@acme"`, `line 3, column 4 (valid_from): bad date "2024-13-01"`, "nothing imported"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, out, _ = cli(t, dir, "sql", "--work", "select count(*) AS n from team_memberships")
	if code != ExitOK || !strings.Contains(out, "2") {
		t.Errorf("memberships after a rejected import: %s", out)
	}

	// Re-import: all unchanged.
	code, out, _ = cli(t, dir, "import", "teams", "--format", "csv")
	if code != ExitOK || !strings.Contains(out, ",2,0,0,0,2") {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}

	if code, _, errOut = cli(t, dir, "import", "teams", filepath.Join(dir, "missing.csv")); code != ExitUsage || !strings.Contains(errOut, "missing.csv") {
		t.Errorf("missing file: exit %d\n%s", code, errOut)
	}
	if code, _, errOut = cli(t, dir, "import", "salaries", "x.csv"); code != ExitUsage || !strings.Contains(errOut, "unknown kind") {
		t.Errorf("unknown kind: exit %d\n%s", code, errOut)
	}
}

func TestIdentitiesCommand(t *testing.T) {
	dir := peopleProject(t)
	if code, _, errOut := cli(t, dir, "import"); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	// Accounts as a sync would leave them, then a rebuild-free refresh through a re-import.
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "state", "work.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	rows := []models.Row{
		models.Account{AccountID: "github:account:bobby", Source: "github", NativeID: "bobby", Login: "bobby"},
		models.Account{AccountID: "jira:account:q1", Source: "jira", NativeID: "q1", Name: "Quiet"},
		models.Account{AccountID: "jira:account:b2", Source: "jira", NativeID: "b2", Name: "Busy"},
		models.TicketChange{ChangeID: "1", TicketID: "t", AuthorAccountID: "jira:account:q1", ChangedAt: t0, Field: "status"},
		models.TicketChange{ChangeID: "2", TicketID: "t", AuthorAccountID: "jira:account:b2", ChangedAt: t0, Field: "status"},
		models.TicketChange{ChangeID: "3", TicketID: "t", AuthorAccountID: "jira:account:b2", ChangedAt: t0, Field: "status"},
	}
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, rows) }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.WriteFile(filepath.Join(dir, "identities.csv"), []byte("person_email,source,account\nbob@acme.example,github,BOBBY\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli(t, dir, "import", "identities"); code != ExitOK {
		t.Fatalf("import identities: exit %d\n%s", code, errOut)
	}
	code, out, errOut := cli(t, dir, "identities", "--format", "csv")
	if code != ExitOK || !strings.Contains(out, "github,1,0,1,0,0,1,0,0,0,0") || !strings.Contains(out, "jira,2,0,0,2,2,0,0,0,0,0,3 (100.0%)") {
		t.Fatalf("identities: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = cli(t, dir, "identities", "--unmatched", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitOK || len(lines) != 3 || !strings.HasPrefix(lines[1], "jira,b2,,Busy,2,") || !strings.HasPrefix(lines[2], "jira,q1,,Quiet,1,") {
		t.Errorf("identities --unmatched: exit %d\n%s", code, out)
	}
}
