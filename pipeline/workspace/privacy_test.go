package workspace_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// What a curious analyst would do: read the published warehouse as bytes — and every other file in
// its folder — and look for every email, name, login and account id of the simulated organisation,
// in any case (ASCII letters). With pseudonymisation on there are none, after a clean publish and after a SIGKILL at
// each step of a publish; the previous warehouse still opens whole after each kill, and the next
// writing command removes what the killed one left.
func TestPublishedBytesHoldNoIdentity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t0 := time.Now()
	defer func() { t.Logf("total %v", time.Since(t0)) }()
	res, err := demo.Run(ctx, demo.Options{Out: dir, Size: org.Small, Seed: 2, Effect: -0.2})
	if err != nil {
		t.Fatal(err)
	}
	// The demo published in the clear beside its inputs; publish to a folder of its own instead.
	os.Remove(res.Warehouse)
	t.Setenv("TI_PSEUDONYM_KEY", "k3y-for-tests")
	y, err := os.ReadFile(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	y = bytes.Replace(y, []byte("warehouse: ./impact.duckdb\n"), []byte("warehouse: ./published/impact.duckdb\n"), 1)
	y = bytes.Replace(y, []byte("  identities: identities.csv\n"),
		[]byte("  identities: identities.csv\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n"), 1)
	cfgPath := res.ConfigPath
	if err := os.WriteFile(cfgPath, y, 0o644); err != nil {
		t.Fatal(err)
	}
	// The simulator is gone: only the key is needed.
	cfg, err := config.Load(cfgPath, func(k string) (string, bool) { v, ok := os.LookupEnv(k); return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg.Warehouse, "published/impact.duckdb") || !cfg.People.Pseudonymize {
		t.Fatalf("config not edited: %s %v", cfg.Warehouse, cfg.People.Pseudonymize)
	}
	t.Logf("demo %v", time.Since(t0))
	session(t, cfg)
	t.Logf("first publish %v", time.Since(t0))

	needles := identities(res.Org)
	// The method finds what is there: the working database holds the clear values.
	if hits := scanFile(t, cfg.WorkPath(), needles); len(hits) < len(needles)/2 {
		t.Fatalf("the byte scan finds only %d of %d identifiers in the clear working database: it cannot be trusted", len(hits), len(needles))
	} else {
		t.Logf("control: the scan finds %d of %d identifiers in the working database's bytes", len(hits), len(needles))
	}
	folder := filepath.Dir(cfg.Warehouse)
	scanFolder(t, folder, needles, "after a publish")
	want := tableCounts(t, cfg.WorkPath())
	checkPublished(t, cfg, want)

	steps := []string{"locked", "opened", "publish:closed", "publish:created", "publish:copy:people", "publish:copy:accounts",
		"publish:copy:incident_events", "publish:copy:runs", "publish:filled", "publish:checkpointed", "publish:renamed"}
	if os.Getenv("TRAINIMPACT_KILLS") == "" {
		// The default run kills at two steps (while the fresh file is filled, and once it is complete
		// but not yet moved); TRAINIMPACT_KILLS=1 kills at each of the eleven.
		steps = []string{"publish:copy:accounts", "publish:checkpointed"}
	}
	for _, at := range steps {
		t0 := time.Now()
		if code := runChild(t, "publish", cfgPath, "TI_WS_KILL_AT="+at); code != -9 {
			t.Fatalf("kill at %s: the child ended with %d, not by SIGKILL", at, code)
		}
		scanFolder(t, folder, needles, "after a SIGKILL at "+at)
		checkPublished(t, cfg, want)
		left := workspace.Leftovers(cfg)
		session(t, cfg)
		if after := workspace.Leftovers(cfg); len(after) > 0 {
			t.Errorf("kill at %s left %v; still there after the next command: %v", at, left, after)
		}
		t.Logf("SIGKILL at %-28s left %d file(s); the next command removed them (%v)", at, len(left), time.Since(t0).Round(time.Millisecond))
	}
	scanFolder(t, folder, needles, "after the kills")
	scanFile(t, cfg.WorkPath(), needles) // still readable
}

// identities lists every email, name, login and account id of the organisation (3 characters or
// more), lower-cased.
func identities(o *org.Org) []string {
	seen := map[string]bool{}
	add := func(v string) {
		if v = strings.ToLower(strings.TrimSpace(v)); len(v) >= 3 {
			seen[v] = true
		}
	}
	for _, p := range o.People {
		add(p.Name)
		add(p.Email)
		if g := p.GitHub; g != nil {
			add(g.Login)
			add(g.Name)
			add(g.CommitEmail)
		}
		if j := p.Jira; j != nil {
			add(j.DisplayName)
			add(j.AccountID)
			add(j.Email)
		}
		if d := p.PagerDuty; d != nil {
			add(d.ID)
			add(d.Name)
			add(d.Email)
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// scanFile returns the needles found in path's bytes. Needles of 6 characters or more are matched
// in any case (ASCII); shorter ones (a few GitHub logins, such as "ekim") in lower and Title case
// only — the forms the sources and the pipeline write them in — because in any case a 4-letter
// string occurs by chance inside the random upper-case ids of the simulated PagerDuty log entries
// ("…BTZU33EKIMVSL…").
func scanFile(t *testing.T, path string, needles []string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b := asciiLower(raw)
	var hits []string
	for _, n := range needles {
		if len(n) >= 6 && bytes.Contains(b, []byte(n)) ||
			len(n) < 6 && (bytes.Contains(raw, []byte(n)) || bytes.Contains(raw, []byte(strings.ToUpper(n[:1])+n[1:]))) {
			hits = append(hits, n)
		}
	}
	return hits
}

// scanFolder fails for any needle found in any file under folder.
func scanFolder(t *testing.T, folder string, needles []string, when string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		if hits := scanFile(t, p, needles); len(hits) > 0 {
			b, _ := os.ReadFile(p)
			i := bytes.Index(asciiLower(b), []byte(hits[0]))
			t.Errorf("%s: %s holds %d identifiers, e.g. %q in %q", when, p, len(hits), hits[:min(3, len(hits))], b[max(0, i-60):min(len(b), i+60)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Errorf("%s: %s is empty", when, folder)
	}
}

// tableCounts returns the row count of every table of a database (runs excepted: each command adds
// one).
func tableCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name NOT IN ('runs', 'schema_migrations')`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		var c int
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

// checkPublished opens the warehouse and checks it is whole: every table with the working
// database's row count (raw_records empty), the analyst views and macros, the table comments.
func checkPublished(t *testing.T, cfg *config.Config, want map[string]int) {
	t.Helper()
	got := tableCounts(t, cfg.Warehouse)
	for tb, n := range want {
		if tb == "raw_records" {
			n = 0
		}
		if got[tb] != n {
			t.Errorf("published %s: %d rows, want %d", tb, got[tb], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("published tables %d, working database %d", len(got), len(want))
	}
	objects := func(path string) string {
		st, err := store.OpenReadOnly(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var s string
		if err := st.DB().QueryRow(`SELECT string_agg(name, ',' ORDER BY name) FROM (
			SELECT view_name || ':' || coalesce(comment, '') AS name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
			UNION ALL SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal AND schema_name = 'main'
			UNION ALL SELECT table_name || ':' || coalesce(comment, '') FROM duckdb_tables() WHERE schema_name = 'main'
			UNION ALL SELECT table_name || '.' || column_name || ':' || coalesce(comment, '') FROM duckdb_columns() WHERE schema_name = 'main')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	pub, work := objects(cfg.Warehouse), objects(cfg.WorkPath())
	if pub != work {
		t.Errorf("published schema differs from the working database's:\n%.500s\n%.500s", pub, work)
	}
	if !strings.Contains(pub, "v_incidents") {
		t.Errorf("no analyst views in the published file: %.300s", pub)
	}
}

// asciiLower lower-cases A-Z in place of a copy (bytes.ToLower would rewrite invalid UTF-8, which a
// database file is full of, and shift every offset).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
