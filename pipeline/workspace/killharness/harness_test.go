package killharness_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/trainimpact/trainimpact/connectors/all"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// With TI_KH_ROLE set the test binary is one writing command (sync, import or analyze) against the
// config in TI_KH_CONFIG at the simulated now TI_KH_NOW: the process the harness kills.
func TestMain(m *testing.M) {
	if role := os.Getenv("TI_KH_ROLE"); role != "" {
		now, err := time.Parse(time.RFC3339Nano, os.Getenv("TI_KH_NOW"))
		if err == nil {
			var cfg *config.Config
			if cfg, err = config.Load(os.Getenv("TI_KH_CONFIG"), nil); err == nil {
				err = command(context.Background(), role, cfg, now)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "killharness child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var roles = []string{"sync", "import", "analyze"}

// command runs one writing command as the CLI does: a workspace session, the command's work, the
// refresh of identities, exposure and views, and the publish.
func command(ctx context.Context, role string, cfg *config.Config, now time.Time) error {
	clock := func() time.Time { return now }
	s, err := workspace.Begin(ctx, cfg, role, clock)
	if err != nil {
		return err
	}
	switch role {
	case "sync":
		_, err = syncer.Sync(ctx, s.Store, cfg, syncer.Options{Now: clock})
	case "import":
		_, err = refresh.ImportConfigured(ctx, s.Store, cfg, people.ImportOptions{Now: now, Today: now})
	case "analyze":
		_, err = analyze.Run(ctx, s.Store, cfg, analyze.LastFullQuarter(now).String(), now)
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err == nil {
		_, err = refresh.Derived(ctx, s.Store, cfg, now)
	}
	if ferr := s.Finish(ctx, err, ""); err == nil {
		err = ferr
	}
	return err
}

// TestKillHarness: sync, import and analyze (each publishing a pseudonymised warehouse) are
// SIGKILLed at seeded random moments, on a clean simulator and then with every fault at high rates; the run after each kill
// must succeed, the warehouse must open after each kill, and the final tables — working database and
// published warehouse — must equal an uninterrupted run's, row for row. TRAINIMPACT_KILLS sets the
// SIGKILLs that must land per phase (default: 2 clean, 1 under faults), TRAINIMPACT_KILL_SEED the
// seed (default 1).
func TestKillHarness(t *testing.T) {
	// The default run syncs the last month of the organisation's history; a long run all of it
	// (TRAINIMPACT_KILL_MONTHS overrides).
	clean, faulty, months := 2, 1, 1
	if v := os.Getenv("TRAINIMPACT_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("TRAINIMPACT_KILLS=%q: want a positive number", v)
		}
		clean, faulty, months = n, n, 0
	}
	if v := os.Getenv("TRAINIMPACT_KILL_MONTHS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("TRAINIMPACT_KILL_MONTHS=%q: want a number of months (0: the whole history)", v)
		}
		months = n
	}
	seed := uint64(1)
	if v := os.Getenv("TRAINIMPACT_KILL_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("TRAINIMPACT_KILL_SEED=%q: %v", v, err)
		}
		seed = n
	}
	ctx := context.Background()
	started := time.Now()
	o := org.Generate(org.Params{Seed: 2, Size: org.Small})
	srv, err := simulate.Start(ctx, o, simulate.Options{GitHubRateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	now := srv.Now()
	for k, v := range map[string]string{"KH_PD_TOKEN": simulate.DefaultPagerDutyToken, "KH_JIRA_EMAIL": simulate.DefaultJiraEmail,
		"KH_JIRA_TOKEN": simulate.DefaultJiraToken, "KH_GITHUB_TOKEN": simulate.DefaultGitHubToken, "KH_PSEUDONYM_KEY": "kill-harness-key"} {
		t.Setenv(k, v)
	}

	// The uninterrupted run.
	ref := newFolder(t, srv, o, "reference", months)
	dur := map[string]time.Duration{}
	for _, r := range roles {
		t0 := time.Now()
		if err := command(ctx, r, ref.cfg, now); err != nil {
			t.Fatalf("reference %s: %v", r, err)
		}
		dur[r] = time.Since(t0)
	}
	t.Logf("uninterrupted: sync %v, import %v, analyze %v", dur["sync"].Round(time.Millisecond),
		dur["import"].Round(time.Millisecond), dur["analyze"].Round(time.Millisecond))
	volatile := volatileColumns(t, ref.cfg.WorkPath(), started)
	t.Logf("columns left out of the comparison (written with the wall clock): %s", strings.Join(volatile, ", "))
	want := fingerprints(t, ref.cfg, volatile)

	rng := rand.New(rand.NewPCG(seed, 0x4b494c4c))
	for _, phase := range []struct {
		name   string
		faults simulate.Faults
		kills  int
	}{{"clean", simulate.Faults{}, clean}, {"faults", simulate.AllFaults(), faulty}} {
		t.Run(phase.name, func(t *testing.T) {
			srv.SetFaults(phase.faults)
			defer srv.SetFaults(simulate.Faults{})
			f := newFolder(t, srv, o, phase.name, months)
			landed, early, lastOK := map[string]int{}, map[string]int{}, ""
			// A kill lands uniformly within the span of a whole run of its command: child start-up
			// (a few hundred ms) plus the command, publish included — at first the uninterrupted
			// run's (three times that under faults), then the last run of the command seen here.
			span := map[string]time.Duration{}
			for r, d := range dur {
				span[r] = d + 500*time.Millisecond
				if phase.name == "faults" {
					span[r] *= 3
				}
			}
			midPublish, total := 0, 0
			// Until phase.kills SIGKILLs have landed (at most three times as many attempts).
			for i := 0; total < phase.kills && i < 3*phase.kills; i++ {
				role := roles[i%len(roles)]
				delay := time.Duration(rng.Int64N(int64(span[role])))
				code, took := f.run(t, role, now, delay)
				killed := code == -int(syscall.SIGKILL)
				switch code {
				case -int(syscall.SIGKILL):
					landed[role]++
					total++
				case 0:
					early[role]++
				default:
					t.Fatalf("kill %d: %s ended with %d before the kill", i+1, role, code)
				}
				f.warehouseOpens(t)
				if killed && len(workspace.Leftovers(f.cfg)) > 0 {
					midPublish++ // the publish had begun: its staging file or temporary copy is there
				}
				// The next run succeeds.
				code, took = f.run(t, role, now, 0)
				if code != 0 {
					t.Fatalf("kill %d: %s after a SIGKILL at %v: exit %d", i+1, role, delay, code)
				}
				span[role] = took + 300*time.Millisecond // the next run of role resumes from here
				if testing.Verbose() {
					t.Logf("kill %d: %-7s SIGKILL after %-8v landed=%-5v; next run exit 0 in %v", i+1, role,
						delay.Round(time.Millisecond), killed, took.Round(time.Millisecond))
				}
				lastOK = role
				if left := workspace.Leftovers(f.cfg); len(left) > 0 {
					t.Errorf("kill %d: leftovers after the next run: %v", i+1, left)
				}
			}
			// Finish as the reference did (sync, import, analyze; a sync that just succeeded is not
			// repeated), then compare.
			for _, r := range roles {
				if r == "sync" && lastOK == "sync" {
					continue
				}
				if code, _ := f.run(t, r, now, 0); code != 0 {
					t.Fatalf("final %s: exit %d", r, code)
				}
			}
			got := fingerprints(t, f.cfg, volatile)
			diff := 0
			for k, w := range want {
				if got[k] != w {
					diff++
					t.Errorf("%s: %s, uninterrupted %s", k, got[k], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d tables compared, uninterrupted %d", len(got), len(want))
			}
			if total < phase.kills {
				t.Errorf("only %d of %d SIGKILLs landed", total, phase.kills)
			}
			t.Logf("%s: %d SIGKILLs landed (sync %d, import %d, analyze %d; %d of them during the publish, leaving its staging file; runs that finished before their kill: sync %d, import %d, analyze %d); every next run succeeded; %d of %d tables (working database and warehouse) differ from the uninterrupted run",
				phase.name, total, landed["sync"], landed["import"], landed["analyze"], midPublish, early["sync"], early["import"], early["analyze"], diff, len(want))
		})
	}
}

// folder is one harness run's folder: config, people files, state and warehouse.
type folder struct {
	dir, path string
	cfg       *config.Config
}

// newFolder writes a folder whose sources start months before the simulator's now (0: its whole
// history).
func newFolder(t *testing.T, srv *simulate.Server, o *org.Org, name string, months int) *folder {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*os.File) error{
		"teams.csv":      func(f *os.File) error { return o.WriteTeamsCSV(f, srv.Now()) },
		"cohorts.csv":    func(f *os.File) error { return o.WriteCohortsCSV(f, srv.Now()) },
		"identities.csv": func(f *os.File) error { return o.WriteIdentitiesCSV(f) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	var projects []string
	for _, p := range o.Projects {
		projects = append(projects, p.Key)
	}
	if months == 0 {
		months = o.Params.HistoryMonths
	}
	since := o.Now.AddDate(0, -months, 0).Format(time.DateOnly)
	y := fmt.Sprintf(`warehouse: ./published/impact.duckdb
state_dir: ./state
sources:
  pagerduty:
    base_url: %s
    token_env: KH_PD_TOKEN
    since: %s
  jira:
    base_url: %s
    deployment: cloud
    email_env: KH_JIRA_EMAIL
    token_env: KH_JIRA_TOKEN
    jql: "project in (%s)"
    since: %s
  github:
    base_url: %s
    token_env: KH_GITHUB_TOKEN
    orgs: [%s]
    production_environments: [production]
    since: %s
people:
  teams: teams.csv
  cohorts: cohorts.csv
  identities: identities.csv
  pseudonymize: true
  pseudonym_key_env: KH_PSEUDONYM_KEY
analysis:
  seed: 3
  bootstrap: 99
  permutations: 99
  sensitivity: false   # the harness tests crash safety; the sensitivity is a CPU-second a metric
`, srv.PagerDutyURL(), since, srv.JiraURL(), strings.Join(projects, ", "), since, srv.GitHubURL(), o.GitHubOwner, since)
	path := filepath.Join(dir, "trainimpact.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &folder{dir: dir, path: path, cfg: cfg}
}

// run runs role in a child process, SIGKILLed after delay when delay > 0; it returns the exit code
// (or minus the signal that ended the child) and how long the child ran.
func (f *folder) run(t *testing.T, role string, now time.Time, delay time.Duration) (int, time.Duration) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TI_KH_ROLE="+role, "TI_KH_CONFIG="+f.path, "TI_KH_NOW="+now.Format(time.RFC3339Nano))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if delay > 0 {
		timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
		defer timer.Stop()
	}
	cmd.Wait()
	took := time.Since(t0)
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return -int(ws.Signal()), took
	}
	if code := ws.ExitStatus(); code != 0 {
		t.Logf("%s: exit %d: %s", role, code, stderr.String())
		return code, took
	}
	return 0, took
}

// warehouseOpens checks that the published warehouse, when one exists, opens and reads whole.
func (f *folder) warehouseOpens(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(f.cfg.Warehouse); os.IsNotExist(err) {
		return
	}
	st, err := store.OpenReadOnly(context.Background(), f.cfg.Warehouse)
	if err != nil {
		t.Fatalf("the warehouse does not open after a kill: %v", err)
	}
	defer st.Close()
	for _, tb := range tables(t, st) {
		var n int
		if err := st.DB().QueryRow(`SELECT count(*) FROM "` + tb + `"`).Scan(&n); err != nil {
			t.Fatalf("the warehouse does not read whole after a kill: %s: %v", tb, err)
		}
	}
}

func tables(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name NOT IN ('runs', 'schema_migrations') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// volatileColumns lists, as table.column, the timestamp columns of the database at path holding a
// value written at or after started: the wall-clock stamps of the runs themselves (fetched_at,
// imported_at, …), which differ between any two runs.
func volatileColumns(t *testing.T, path string, started time.Time) []string {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().Query(`SELECT table_name, column_name FROM duckdb_columns()
		WHERE schema_name = 'main' AND data_type LIKE 'TIMESTAMP%' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, c string
		rows.Scan(&tb, &c)
		cols = append(cols, [2]string{tb, c})
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		var n int
		if err := st.DB().QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q WHERE %q >= ?`, c[0], c[1]), started.Add(-time.Second)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out = append(out, c[0]+"."+c[1])
		}
	}
	return out
}

// fingerprints returns, for the working database and the warehouse, "count/sum of row hashes" of
// every table (runs excepted), the volatile columns and source_file (the imported file's absolute
// path, which names the run's folder) left out, doubles rounded to 9 decimals (summation order).
func fingerprints(t *testing.T, cfg *config.Config, volatile []string) map[string]string {
	t.Helper()
	skip := map[string]bool{}
	for _, v := range volatile {
		skip[v] = true
	}
	out := map[string]string{}
	for _, db := range []struct{ name, path string }{{"work", cfg.WorkPath()}, {"warehouse", cfg.Warehouse}} {
		st, err := store.OpenReadOnly(context.Background(), db.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables(t, st) {
			rows, err := st.DB().Query(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index`, tb)
			if err != nil {
				t.Fatal(err)
			}
			var cols []string
			for rows.Next() {
				var c, typ string
				rows.Scan(&c, &typ)
				switch {
				case skip[tb+"."+c] || c == "source_file":
				case typ == "DOUBLE":
					cols = append(cols, fmt.Sprintf("round(%q, 9)", c))
				default:
					cols = append(cols, fmt.Sprintf("%q", c))
				}
			}
			rows.Close()
			var n int
			var sum string
			q := fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(%s)::HUGEINT), 0)::VARCHAR FROM %q`, strings.Join(cols, ", "), tb)
			if err := st.DB().QueryRow(q).Scan(&n, &sum); err != nil {
				t.Fatalf("%s %s: %v", db.name, tb, err)
			}
			out[db.name+"."+tb] = fmt.Sprintf("%d rows, hash %s", n, sum)
		}
		st.Close()
	}
	return out
}
