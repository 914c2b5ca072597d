package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// syncProject writes a config pointing at a running simulator; the GitHub token it names is wrong.
func syncProject(t *testing.T) (dir string, env map[string]string) {
	t.Helper()
	o := org.Generate(org.Params{Seed: 3, Size: org.Small})
	srv, err := simulate.Start(context.Background(), o, simulate.Options{GitHubRateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir = t.TempDir()
	since := o.Now.AddDate(0, -3, 0).Format(time.DateOnly)
	cfg := fmt.Sprintf(`warehouse: impact.duckdb
state_dir: state
sources:
  pagerduty: {base_url: %q, token_env: PD_TOKEN, since: %s}
  github: {base_url: %q, token_env: GH_TOKEN, orgs: [%s], since: %s}
`, srv.PagerDutyURL(), since, srv.GitHubURL(), o.GitHubOwner, since)
	if err := os.WriteFile(filepath.Join(dir, "trainimpact.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, map[string]string{"PD_TOKEN": simulate.DefaultPagerDutyToken, "GH_TOKEN": "wrong-token"}
}

func runWithEnv(t *testing.T, dir string, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Now: time.Now,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	code := Main(append([]string{"--config", filepath.Join(dir, "trainimpact.yaml"), "--log-level", "error"}, args...), f)
	return code, out.String() + errOut.String()
}

func TestSyncPartialAndLock(t *testing.T) {
	dir, env := syncProject(t)
	warehouse := filepath.Join(dir, "impact.duckdb")

	code, out := runWithEnv(t, dir, env, "sync")
	if code != ExitPartial {
		t.Fatalf("sync with one bad token: exit %d, want %d\n%s", code, ExitPartial, out)
	}
	if !strings.Contains(out, "GH_TOKEN") || strings.Contains(out, "wrong-token") {
		t.Errorf("the failure must name the variable and never the token:\n%s", out)
	}
	if _, err := os.Stat(warehouse); err == nil {
		t.Fatal("a partial sync without --allow-partial published the warehouse")
	}

	code, out = runWithEnv(t, dir, env, "sync", "--allow-partial")
	if code != ExitPartial {
		t.Fatalf("sync --allow-partial: exit %d\n%s", code, out)
	}
	st, err := store.OpenReadOnly(context.Background(), warehouse)
	if err != nil {
		t.Fatalf("--allow-partial did not publish: %v", err)
	}
	var incidents, prs int
	st.DB().QueryRow(`SELECT count(*) FROM incidents`).Scan(&incidents)
	st.DB().QueryRow(`SELECT count(*) FROM pull_requests`).Scan(&prs)
	var statuses string
	st.DB().QueryRow(`SELECT string_agg(status, ',' ORDER BY started_at) FROM runs WHERE command = 'sync'`).Scan(&statuses)
	st.Close()
	if incidents == 0 || prs != 0 {
		t.Errorf("published %d incidents and %d pull requests; want PagerDuty's data only", incidents, prs)
	}
	if statuses != "failed,partial" {
		t.Errorf("runs ledger: %q, want failed,partial", statuses)
	}

	// A second writer while the lock is held exits 4.
	cfg, err := config.Load(filepath.Join(dir, "trainimpact.yaml"), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Begin(context.Background(), cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	code, out = runWithEnv(t, dir, env, "sync")
	s.Finish(context.Background(), fmt.Errorf("test over"), "failed")
	if code != ExitLocked || !strings.Contains(out, "locked") {
		t.Fatalf("sync while another run holds the lock: exit %d\n%s", code, out)
	}
}

// A missing token stops only what needs it: sync names the key and its line before anything starts,
// doctor fails that source, and commands that read the database load the config as usual.
func TestUnsetTokenStopsOnlyNetworkCommands(t *testing.T) {
	dir, env := syncProject(t)
	env = map[string]string{"PD_TOKEN": env["PD_TOKEN"]} // GH_TOKEN unset

	code, out := runWithEnv(t, dir, env, "sync")
	if code != ExitUsage || !strings.Contains(out, "trainimpact.yaml:5: sources.github.token_env") || !strings.Contains(out, "GH_TOKEN is not set") {
		t.Fatalf("sync with GH_TOKEN unset: exit %d, want %d naming the key and line\n%s", code, ExitUsage, out)
	}
	if strings.Contains(out, "fetched") {
		t.Errorf("sync started collecting before reporting the missing token:\n%s", out)
	}
	if code, out = runWithEnv(t, dir, env, "sync", "pagerduty"); code != ExitOK {
		t.Fatalf("sync pagerduty (its token is set): exit %d\n%s", code, out)
	}
	code, out = runWithEnv(t, dir, env, "sql", "select count(*) > 0 as has_incidents from incidents")
	if code != ExitOK || !strings.Contains(out, "true") {
		t.Fatalf("sql with GH_TOKEN unset: exit %d\n%s", code, out)
	}
	code, out = runWithEnv(t, dir, env, "doctor")
	if code == ExitOK || !strings.Contains(out, "ok    source pagerduty") || !strings.Contains(out, "FAIL  source github") ||
		!strings.Contains(out, "GH_TOKEN is not set") {
		t.Fatalf("doctor with GH_TOKEN unset: exit %d\n%s", code, out)
	}
}
