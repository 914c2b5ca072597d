package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// mainIn runs the command in this process in dir's config, with logs as logFormat says.
func mainIn(t *testing.T, dir, logFormat string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: time.Now,
		LookupEnv: func(string) (string, bool) { return "", false }}
	code := Main(append([]string{"--config", filepath.Join(dir, "trainimpact.yaml"), "--log-format", logFormat}, args...), f)
	return code, out.String() + errOut.String()
}

// Every usage error exits 2 with a message naming what was wrong.
func TestUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "trainimpact.yaml"), []byte("warehouse: impact.duckdb\nstate_dir: state\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nowhere.duckdb")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command`},
		{[]string{"frobnicate"}, `frobnicate`},
		{[]string{"sync", "--nope"}, "unknown flag: --nope"},
		{[]string{"analyze", "extra"}, `trainimpact analyze: unknown command "extra"`},
		{[]string{"analyze", "--period", "2026-Q5"}, "2026-Q5"},
		{[]string{"run", "--period", "Q3"}, `"Q3"`},
		{[]string{"--log-format", "xml", "status"}, `--log-format`},
		{[]string{"--log-format", "xml", "status"}, `xml`},
		{[]string{"--log-level", "loud", "status"}, `--log-level "loud"`},
		{[]string{"sql", "--db", missing, "select 1"}, "nowhere.duckdb"},
		{[]string{"query", "headline", "--param", "period=2026-Q3", "--db", missing}, "nowhere.duckdb"},
		{[]string{"sync"}, "no sources configured"},
		{[]string{"run"}, "no sources configured"},
		{[]string{"query", "nosuchquery"}, `unknown example "nosuchquery"`},
		{[]string{"query", "headline", "--param", "bogus=1"}, "bogus"},
	} {
		code, out := mainIn(t, dir, "text", c.args...)
		if code != ExitUsage || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %d naming %q\n%s", c.args, code, ExitUsage, c.want, out)
		}
	}
}

// An unknown metric or period in a query parameter is an error (exit 2), not an empty result.
func TestQueryUnknownMetricOrPeriodExit2(t *testing.T) {
	dir := t.TempDir()
	if code, out := child(t, dir, "init"); code != ExitOK {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		params []string
		want   string
	}{
		{[]string{"metric=incident_resolve_hourz", "period=2026-Q3"}, `unknown metric "incident_resolve_hourz"`},
		{[]string{"metric=incident_resolve_hours", "period=2026-Q3"}, "no period is analysed in this database yet"},
	} {
		args := []string{"query", "event_study"}
		for _, p := range c.params {
			args = append(args, "--param", p)
		}
		code, out := mainIn(t, dir, "text", args...)
		if code != ExitUsage || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %d naming %q\n%s", c.params, code, ExitUsage, c.want, out)
		}
	}
}

// Under a scheduler (stderr not a terminal) every line on stderr is JSON, the final error included,
// with the command and the exit code.
func TestFinalErrorIsAJSONLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "trainimpact.yaml"), []byte("warehouse: impact.duckdb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := mainIn(t, dir, "auto", "run")
	if code != ExitUsage {
		t.Fatalf("exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last map[string]any
	for _, l := range lines {
		if err := json.Unmarshal([]byte(l), &last); err != nil {
			t.Fatalf("not a JSON line: %q (%v)", l, err)
		}
	}
	if last["level"] != "ERROR" || last["command"] != "trainimpact run" || last["exit_code"] != float64(ExitUsage) ||
		!strings.Contains(last["error"].(string), "no sources configured") {
		t.Errorf("final line: %v", last)
	}
}

// On a terminal, a log line written while the progress line is shown clears it, appears on its
// own line, and the progress line is drawn again below it; --quiet shows no progress.
func TestLogLinesDoNotBreakProgress(t *testing.T) {
	var buf bytes.Buffer
	f := &Factory{IO: IOStreams{ErrOut: &buf, ErrTTY: true}, LogFormat: "text"}
	progress := f.progress()
	progress("jira", "issue", 50)
	f.Logger().Info("source synced", "source", "pagerduty")
	progress("jira", "issue", 50)
	f.endProgress()
	got := buf.String()
	want := clearLine + "jira issue: 50 fetched" + clearLine
	if !strings.HasPrefix(got, want) {
		t.Fatalf("output starts %q, want %q", got, want)
	}
	rest := strings.TrimPrefix(got, want)
	logLine, after, ok := strings.Cut(rest, "\n")
	if !ok || !strings.Contains(logLine, "msg=\"source synced\"") || strings.Contains(logLine, "\r") {
		t.Fatalf("log line %q", logLine)
	}
	if after != "jira issue: 50 fetched"+clearLine+"jira issue: 100 fetched"+clearLine {
		t.Errorf("after the log line: %q", after)
	}
	quiet := &Factory{IO: IOStreams{ErrOut: &buf, ErrTTY: true}, Quiet: true}
	if quiet.progress() != nil {
		t.Error("--quiet still draws progress")
	}
	if quiet.Logger().Enabled(context.Background(), slog.LevelDebug) || quiet.Logger().Enabled(context.Background(), slog.LevelInfo) {
		t.Error("--quiet still logs below warnings")
	}
}

// version names the DuckDB engine; schema prints Markdown without a flag.
func TestVersionAndSchemaDefaults(t *testing.T) {
	dir := t.TempDir()
	code, out := mainIn(t, dir, "text", "version")
	if code != ExitOK || !regexp.MustCompile(`DuckDB v\d+\.\d+\.\d+`).MatchString(out) {
		t.Errorf("version: exit %d\n%s", code, out)
	}
	code, out = mainIn(t, dir, "text", "schema")
	if code != ExitOK || !strings.HasPrefix(out, "# Warehouse schema") || !strings.Contains(out, "## caveats") {
		t.Errorf("schema: exit %d\n%.300s", code, out)
	}
}
