package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// TestMain lets the test binary act as the trainimpact command in a child process (for tests that
// need a second process, such as DuckDB's file lock): TI_MAIN_ARGS holds the arguments, one per line.
func TestMain(m *testing.M) {
	if args := os.Getenv("TI_MAIN_ARGS"); args != "" {
		os.Exit(Main(strings.Split(args, "\n"), DefaultFactory()))
	}
	code := m.Run()
	if small.root != "" {
		os.RemoveAll(small.root)
	}
	os.Exit(code)
}

// child runs the command in another process and returns its exit code and output.
func child(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TI_MAIN_ARGS="+strings.Join(args, "\n"))
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

// TestInitDoctorSQL is the foundation's acceptance path in an empty folder.
func TestInitDoctorSQL(t *testing.T) {
	dir := t.TempDir()
	if code, out := child(t, dir, "init"); code != ExitOK || !strings.Contains(out, "wrote") {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	for _, f := range []string{"trainimpact.yaml", "teams.csv", "cohorts.csv", "impact.duckdb", ".trainimpact/work.duckdb"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("init did not create %s", f)
		}
	}
	if code, out := child(t, dir, "doctor"); code != ExitOK || !strings.Contains(out, "ok    warehouse") {
		t.Fatalf("doctor: exit %d\n%s", code, out)
	}
	code, out := child(t, dir, "sql", "--format", "csv", "select count(*) AS n from incidents")
	if code != ExitOK || strings.TrimSpace(out) != "n\n0" {
		t.Fatalf("sql: exit %d\n%q", code, out)
	}
	// The example people files written by init pass validation.
	if code, out := child(t, dir, "import", "--dry-run"); code != ExitOK {
		t.Fatalf("import --dry-run of the starter files: exit %d\n%s", code, out)
	}
	// A second init refuses to overwrite.
	if code, out := child(t, dir, "init"); code != ExitUsage || !strings.Contains(out, "--force") {
		t.Fatalf("second init: exit %d\n%s", code, out)
	}
}

// TestSQLClearErrors: a missing file and a file held by a writer each fail with one sentence that
// says what happened and what to do, never a driver dump.
func TestSQLClearErrors(t *testing.T) {
	dir := t.TempDir()
	code, out := child(t, dir, "sql", "--db", "missing.duckdb", "select 1")
	if code == ExitOK || !strings.Contains(out, "does not exist") || !strings.Contains(out, "trainimpact init") {
		t.Fatalf("missing file: exit %d\n%s", code, out)
	}
	if n := strings.Count(strings.TrimSpace(out), "\n"); n > 0 {
		t.Errorf("missing file: %d lines, want one:\n%s", n+1, out)
	}
	path := filepath.Join(dir, "held.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, out = child(t, dir, "sql", "--db", path, "select 1")
	if code != ExitLocked || !strings.Contains(out, "in use by another process") || !strings.Contains(out, "published warehouse") {
		t.Fatalf("held file: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "IO Error") || strings.Count(strings.TrimSpace(out), "\n") > 0 {
		t.Errorf("held file: not one clear sentence:\n%s", out)
	}
}

func TestBadConfigExitCode(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "trainimpact.yaml"), []byte("warehouse: x.duckdb\nanalysis:\n  unit: dept\ncolour: red\n"), 0o644)
	code, out := child(t, dir, "doctor")
	if code != ExitUsage || !strings.Contains(out, "trainimpact.yaml:3: analysis.unit") || !strings.Contains(out, "trainimpact.yaml:4: colour") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestEveryCommandHasExample(t *testing.T) {
	root := newRootCmd(DefaultFactory())
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("command %s has no --help example", c.Name())
		}
	}
}
