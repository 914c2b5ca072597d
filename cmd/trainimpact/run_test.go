package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// runProject is a small simulated organisation served on 127.0.0.1 and a project folder whose
// config points at it (PagerDuty and Jira: GitHub's reviews and commits cost a request per pull
// request, which would only slow these tests) with the people files written as of its now.
type runProject struct {
	dir, warehouse string
	srv            *simulate.Server
	env            map[string]string
	// now is the clock the commands read; it follows the simulator's unless a test moves it.
	now func() time.Time
}

func newRunProject(t *testing.T) *runProject {
	t.Helper()
	o := org.Generate(org.Params{Seed: 5, Size: org.Small, HistoryMonths: 8})
	srv, err := simulate.Start(context.Background(), o, simulate.Options{GitHubRateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p := &runProject{dir: t.TempDir(), srv: srv, now: srv.Now,
		env: map[string]string{"PD_TOKEN": simulate.DefaultPagerDutyToken, "JIRA_EMAIL": simulate.DefaultJiraEmail,
			"JIRA_TOKEN": simulate.DefaultJiraToken}}
	p.warehouse = filepath.Join(p.dir, "impact.duckdb")
	since := o.Start.Format(time.DateOnly)
	var projects []string
	for _, pr := range o.Projects {
		projects = append(projects, pr.Key)
	}
	cfg := fmt.Sprintf(`warehouse: impact.duckdb
state_dir: state
sources:
  pagerduty: {base_url: %q, token_env: PD_TOKEN, since: %s}
  jira: {base_url: %q, deployment: cloud, email_env: JIRA_EMAIL, token_env: JIRA_TOKEN, jql: "project in (%s)", since: %s}
people:
  teams: teams.csv
  cohorts: cohorts.csv
  identities: identities.csv
analysis:
  bootstrap: 99
`, srv.PagerDutyURL(), since, srv.JiraURL(), strings.Join(projects, ", "), since)
	write := func(name string, fn func(f *os.File) error) {
		f, err := os.Create(filepath.Join(p.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write("trainimpact.yaml", func(f *os.File) error { _, err := f.WriteString(cfg); return err })
	write("teams.csv", func(f *os.File) error { return o.WriteTeamsCSV(f, srv.Now()) })
	write("cohorts.csv", func(f *os.File) error { return o.WriteCohortsCSV(f, srv.Now()) })
	write("identities.csv", func(f *os.File) error { return o.WriteIdentitiesCSV(f) })
	return p
}

// run runs the command in this process with the project's clock and environment.
func (p *runProject) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: p.now,
		LookupEnv: func(k string) (string, bool) { v, ok := p.env[k]; return v, ok }}
	code := Main(append([]string{"--config", filepath.Join(p.dir, "trainimpact.yaml")}, args...), f)
	return code, out.String() + errOut.String()
}

// query reads one value from a DuckDB file.
func queryFile(t *testing.T, path, q string, dst any) {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB().QueryRow(q).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Two runs in a row: the first imports the people files, syncs everything, analyses the last full
// quarter and publishes, with one ledger row holding every stage; the second imports nothing,
// fetches only what changed and publishes again, while an analyst who held the published file
// open keeps the view they opened and a new open sees the new run.
func TestRunTwiceIncrementalWithReader(t *testing.T) {
	p := newRunProject(t)
	code, out := p.run(t, "run")
	if code != ExitOK {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	first := p.srv.Requests().Total
	period := analyze.LastFullQuarter(p.srv.Now()).String()
	if !strings.Contains(out, "period "+period+": succeeded, published") {
		t.Errorf("first run summary:\n%s", out)
	}
	// One INFO line per stage and per source, with counts and time; no retry at INFO.
	for _, want := range []string{`"msg":"stage done","stage":"people"`, `"msg":"source synced","stage":"sync","source":"pagerduty"`, `"msg":"source synced","stage":"sync","source":"jira"`,
		`"msg":"stage done","stage":"analyze"`, `"msg":"stage done","stage":"report"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s\n%s", want, out)
		}
	}

	var status, counts, durs string
	queryFile(t, p.warehouse, `SELECT status || '|' || counts::VARCHAR || '|' || durations::VARCHAR FROM runs WHERE command = 'run'`, &status)
	parts := strings.SplitN(status, "|", 3)
	status, counts, durs = parts[0], parts[1], parts[2]
	var c map[string]map[string]any
	var d map[string]float64
	if err := json.Unmarshal([]byte(counts), &c); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(durs), &d); err != nil {
		t.Fatal(err)
	}
	if status != "succeeded" || c["people"]["teams"] == nil || c["sync"]["pagerduty"] == nil || c["analyze"]["estimates"] == nil {
		t.Fatalf("ledger row: status %s counts %s", status, counts)
	}
	for _, stage := range []string{"people", "sync", "sync.pagerduty", "sync.jira", "refresh", "freshness", "analyze", "report"} {
		if _, ok := d[stage]; !ok {
			t.Errorf("ledger durations lack %s: %s", stage, durs)
		}
	}
	var estimates int
	queryFile(t, p.warehouse, `SELECT count(*) FROM estimates WHERE period = '`+period+`'`, &estimates)
	if estimates == 0 {
		t.Fatal("the run published no estimate")
	}

	// An analyst holds the published file open across the second run.
	reader, err := store.OpenReadOnly(context.Background(), p.warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	var incidentsBefore int
	reader.DB().QueryRow(`SELECT count(*) FROM incidents`).Scan(&incidentsBefore)

	p.srv.Advance(10)
	p.srv.ResetRequests()
	code, out = p.run(t, "run")
	if code != ExitOK {
		t.Fatalf("second run while a reader holds the warehouse: exit %d\n%s", code, out)
	}
	second := p.srv.Requests().Total
	if second*2 >= first {
		t.Errorf("second run made %d requests, the first %d: not incremental", second, first)
	}
	if !strings.Contains(out, `"teams":"unchanged"`) {
		t.Errorf("second run re-imported unchanged people files:\n%s", out)
	}
	var runsHeld, incidentsHeld int
	if err := reader.DB().QueryRow(`SELECT count(*) FROM runs WHERE command = 'run'`).Scan(&runsHeld); err != nil {
		t.Fatalf("the reader lost its view: %v", err)
	}
	reader.DB().QueryRow(`SELECT count(*) FROM incidents`).Scan(&incidentsHeld)
	if runsHeld != 1 || incidentsHeld != incidentsBefore {
		t.Errorf("the held view changed: %d runs, %d incidents (was 1, %d)", runsHeld, incidentsHeld, incidentsBefore)
	}
	// A new open, by another process as an analyst's would be, sees the new run and its data.
	code, out = child(t, p.dir, "sql", "--db", p.warehouse, "--format", "csv",
		fmt.Sprintf("SELECT (SELECT count(*) FROM runs WHERE command = 'run' AND status = 'succeeded') AS runs, (SELECT count(*) FROM incidents) > %d AS more_incidents", incidentsBefore))
	if code != ExitOK || strings.TrimSpace(out) != "runs,more_incidents\n2,true" {
		t.Errorf("a new open of the warehouse: exit %d\n%s", code, out)
	}
}

// Two runs started together: one holds the lock and publishes, the other exits 4 at once without
// a ledger row, and the published warehouse opens with the winner's data.
func TestConcurrentRunsOneExitsLocked(t *testing.T) {
	p := newRunProject(t)
	// The children read the real clock: name the period the simulated data covers.
	period := analyze.LastFullQuarter(p.srv.Now()).String()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(exe)
		cmd.Dir = p.dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = append(os.Environ(), "PD_TOKEN="+p.env["PD_TOKEN"], "JIRA_EMAIL="+p.env["JIRA_EMAIL"], "JIRA_TOKEN="+p.env["JIRA_TOKEN"],
			"TI_MAIN_ARGS="+strings.Join([]string{"run", "--period", period}, "\n"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	a, outA := start()
	// Start the second once the first holds the lock.
	lock := filepath.Join(p.dir, "state", "lock")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if b, _ := os.ReadFile(lock); len(b) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never took the lock")
		}
	}
	b, outB := start()
	codeB := exitOf(t, b.Wait())
	codeA := exitOf(t, a.Wait())
	if codeA != ExitOK || codeB != ExitLocked {
		t.Fatalf("concurrent runs: exits %d and %d, want 0 and 4\nfirst:\n%s\nsecond:\n%s", codeA, codeB, outA, outB)
	}
	if !strings.Contains(outB.String(), "locked") || !strings.Contains(outB.String(), `"exit_code":4`) {
		t.Errorf("the loser's final JSON line does not say why:\n%s", outB)
	}
	var runs, incidents int
	queryFile(t, p.warehouse, `SELECT count(*) FROM runs WHERE command = 'run'`, &runs)
	queryFile(t, p.warehouse, `SELECT count(*) FROM incidents`, &incidents)
	if runs != 1 || incidents == 0 {
		t.Errorf("published warehouse: %d run rows, %d incidents", runs, incidents)
	}
	// The working database is intact: a third run succeeds.
	if code, out := p.run(t, "run", "--quiet"); code != ExitOK || strings.TrimSpace(out) != "" {
		t.Fatalf("run after the concurrent pair: exit %d (quiet, so no output expected)\n%s", code, out)
	}
}

func exitOf(t *testing.T, err error) int {
	t.Helper()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// A source down: run exits 3 and publishes nothing; with --allow-partial it publishes the
// others' data and records a missing_source caveat naming the source, which the report reads.
// When the failed source's data no longer covers the period, the run stops (exit 2) naming it,
// and --allow-stale analyses anyway with every estimate flagged stale_source.
func TestRunSourceDown(t *testing.T) {
	p := newRunProject(t)
	if code, out := p.run(t, "run"); code != ExitOK {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	published := fileHash(t, p.warehouse)
	p.env["JIRA_TOKEN"] = "revoked"
	p.srv.Advance(3)
	code, out := p.run(t, "run")
	if code != ExitPartial || !strings.Contains(out, "jira") || !strings.Contains(out, "nothing published") {
		t.Fatalf("run with Jira down: exit %d, want %d\n%s", code, ExitPartial, out)
	}
	if fileHash(t, p.warehouse) != published {
		t.Fatal("a partial run without --allow-partial replaced the warehouse")
	}
	if strings.Contains(out, "revoked") {
		t.Errorf("the token appears in the output:\n%s", out)
	}

	code, out = p.run(t, "run", "--allow-partial")
	if code != ExitPartial {
		t.Fatalf("run --allow-partial: exit %d\n%s", code, out)
	}
	if fileHash(t, p.warehouse) == published {
		t.Fatal("run --allow-partial did not publish")
	}
	var caveat, statuses string
	queryFile(t, p.warehouse, `SELECT string_agg(kind || ':' || source, ',') FROM caveats`, &caveat)
	queryFile(t, p.warehouse, `SELECT string_agg(status, ',' ORDER BY started_at) FROM runs WHERE command = 'run'`, &statuses)
	if caveat != "missing_source:jira" {
		t.Errorf("caveats: %q, want missing_source:jira", caveat)
	}
	if statuses != "succeeded,failed,partial" {
		t.Errorf("runs ledger: %q", statuses)
	}

	// Months later Jira is still down: its data no longer covers the period.
	p.srv.Advance(120)
	code, out = p.run(t, "run", "--allow-partial")
	if code != ExitUsage || !strings.Contains(out, "jira's data ends") || !strings.Contains(out, "--allow-stale") {
		t.Fatalf("stale run: exit %d, want %d naming the source\n%s", code, ExitUsage, out)
	}
	code, out = p.run(t, "run", "--allow-partial", "--allow-stale")
	if code != ExitPartial {
		t.Fatalf("run --allow-partial --allow-stale: exit %d\n%s", code, out)
	}
	period := analyze.LastFullQuarter(p.srv.Now()).String()
	var unflagged, total int
	queryFile(t, p.warehouse, `SELECT count(*) FROM estimates WHERE period = '`+period+`'`, &total)
	queryFile(t, p.warehouse, `SELECT count(*) FROM estimates WHERE period = '`+period+`' AND NOT list_contains(flags, 'stale_source')`, &unflagged)
	queryFile(t, p.warehouse, `SELECT string_agg(kind || ':' || source, ',' ORDER BY kind) FROM caveats WHERE period = '`+period+`'`, &caveat)
	if total == 0 || unflagged != 0 {
		t.Errorf("%d of %d estimates of %s lack the flag stale_source", unflagged, total, period)
	}
	if caveat != "missing_source:jira,stale_source:jira" {
		t.Errorf("caveats of %s: %q", period, caveat)
	}

	// analyze makes the same check: half a year later, with no sync since, no source covers the
	// last full quarter.
	later := p.srv.Now().AddDate(0, 6, 0)
	p.now = func() time.Time { return later }
	code, out = p.run(t, "analyze")
	if code != ExitUsage || !strings.Contains(out, "jira's data ends") || !strings.Contains(out, "pagerduty's data ends") {
		t.Fatalf("analyze of a stale period: exit %d, want %d naming both sources\n%s", code, ExitUsage, out)
	}
	code, out = p.run(t, "analyze", "--allow-stale")
	if code != ExitOK || !strings.Contains(out, "caveat stale_source: pagerduty: data ends") {
		t.Fatalf("analyze --allow-stale: exit %d\n%s", code, out)
	}
	period = analyze.LastFullQuarter(later).String()
	queryFile(t, p.warehouse, `SELECT count(*) FROM estimates WHERE period = '`+period+`' AND NOT list_contains(flags, 'stale_source')`, &unflagged)
	queryFile(t, p.warehouse, `SELECT string_agg(kind || ':' || source, ',' ORDER BY source) FROM caveats WHERE period = '`+period+`'`, &caveat)
	if unflagged != 0 || caveat != "stale_source:jira,stale_source:pagerduty" {
		t.Errorf("analyze --allow-stale of %s: %d estimates unflagged, caveats %q", period, unflagged, caveat)
	}
}
