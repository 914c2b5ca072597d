package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// With people.pseudonymize on, the published warehouse holds no person's name, email, login or
// account id anywhere — tables, free text (log entry summaries name who acknowledged), raw payloads —
// whichever writing command published it; the working database keeps them for matching and rebuild.
func TestPseudonymisedWarehouseHoldsNoPersonalValue(t *testing.T) {
	ctx := context.Background()
	dir, res := smallDemo(t)
	editConfig(t, dir, "  identities: identities.csv\n",
		"  identities: identities.csv\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n")
	// Without the key, writing commands refuse (naming the key and its line) and publish nothing.
	if code, out := runWithEnv(t, dir, nil, "analyze", "--period", "2025-Q4"); code != ExitUsage ||
		!strings.Contains(out, "people.pseudonym_key_env") || !strings.Contains(out, "TI_PSEUDONYM_KEY is not set") {
		t.Fatalf("analyze without the key: exit %d\n%s", code, out)
	}
	// analyze is offline: the simulator is gone, and no source token is set.
	env := map[string]string{"TI_PSEUDONYM_KEY": "k3y-for-tests"}
	if code, out := runWithEnv(t, dir, env, "analyze", "--period", "2025-Q4"); code != ExitOK {
		t.Fatalf("analyze: exit %d\n%s", code, out)
	}

	var needles []string
	for _, p := range res.Org.People {
		needles = append(needles, p.Name, p.Email)
		if g := p.GitHub; g != nil {
			needles = append(needles, g.Login, g.Name, g.CommitEmail)
		}
		if j := p.Jira; j != nil {
			needles = append(needles, j.DisplayName, j.AccountID, j.Email)
		}
		if d := p.PagerDuty; d != nil {
			needles = append(needles, d.ID, d.Name, d.Email)
		}
	}
	st, err := store.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var raw, estimates, pseudonymised int
	st.DB().QueryRow(`SELECT count(*) FROM raw_records`).Scan(&raw)
	st.DB().QueryRow(`SELECT count(*) FROM estimates`).Scan(&estimates)
	st.DB().QueryRow(`SELECT count(*) FROM people WHERE pseudonymized`).Scan(&pseudonymised)
	if raw != 0 || estimates == 0 || pseudonymised == 0 {
		t.Errorf("published: %d raw records (want 0), %d estimates, %d pseudonymised people", raw, estimates, pseudonymised)
	}
	// One scan per text column: every value containing any personal string (whole words, any case).
	rows, err := st.DB().Query(`SELECT table_name, column_name FROM duckdb_columns()
		WHERE schema_name = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON') AND column_name <> 'source_file'
		AND table_name IN (SELECT table_name FROM duckdb_tables())`)
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
	var list []string
	for _, n := range needles {
		if len(n) >= 3 {
			list = append(list, strings.ToLower(n))
		}
	}
	// A needle counts where it stands as a whole word: no letter or digit on either side.
	wordAt := func(v string, i, n int) bool {
		alnum := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80 }
		return (i == 0 || !alnum(v[i-1])) && (i+n == len(v) || !alnum(v[i+n]))
	}
	leaks := 0
	for _, c := range cols {
		r, err := st.DB().Query(fmt.Sprintf(`SELECT DISTINCT lower(CAST(%q AS VARCHAR)) FROM %q WHERE %q IS NOT NULL`, c[1], c[0], c[1]))
		if err != nil {
			t.Fatalf("%s.%s: %v", c[0], c[1], err)
		}
		for r.Next() {
			var v string
			r.Scan(&v)
			for _, n := range list {
				for off := 0; ; {
					k := strings.Index(v[off:], n)
					if k < 0 {
						break
					}
					if wordAt(v, off+k, len(n)) {
						if leaks++; leaks <= 10 {
							t.Errorf("%s.%s holds %q: %.120s", c[0], c[1], n, v)
						}
						break
					}
					off += k + 1
				}
			}
		}
		r.Close()
	}
	if leaks == 0 {
		t.Logf("%d personal strings searched in %d text columns: none found", len(list), len(cols))
	}

	// The working database keeps the real values and the raw payloads (rebuild needs them).
	work, err := store.OpenReadOnly(ctx, filepath.Join(dir, ".trainimpact", "work.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer work.Close()
	work.DB().QueryRow(`SELECT count(*) FROM raw_records`).Scan(&raw)
	if raw == 0 {
		t.Error("the working database lost its raw records")
	}
}

// A pseudonymised publish is built in state_dir and never leaves a copy beside the warehouse; when
// the last step (the move over the warehouse) fails, the command fails and leaves nothing there.
func TestFailedPseudonymisedPublishLeavesNoClearCopy(t *testing.T) {
	dir, res := smallDemo(t)
	editConfig(t, dir, "  identities: identities.csv\n",
		"  identities: identities.csv\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n")
	env := map[string]string{"TI_PSEUDONYM_KEY": "k3y-for-tests"}
	leftovers := func() []string {
		m, err := filepath.Glob(res.Warehouse + ".staging*")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if code, out := runWithEnv(t, dir, env, "analyze", "--period", "2025-Q4"); code != ExitOK || len(leftovers()) > 0 {
		t.Fatalf("analyze: exit %d, left %v\n%s", code, leftovers(), out)
	}
	// A folder where the warehouse should be: the final rename cannot replace it.
	if err := os.Remove(res.Warehouse); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(res.Warehouse, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, out := runWithEnv(t, dir, env, "analyze", "--period", "2025-Q4"); code != ExitFailed || len(leftovers()) > 0 {
		t.Fatalf("analyze with the warehouse path taken by a folder: exit %d (want %d), left %v\n%s", code, ExitFailed, leftovers(), out)
	}
}

// smallDemo returns a fresh copy of the small demo organisation's folder (seed 2) and its result,
// rebased onto the copy; analyze can then run there offline. The demo itself runs once per test
// process (six tests use it; each gets its own copy, so none sees another's changes).
func smallDemo(t *testing.T) (string, *demo.Result) {
	t.Helper()
	small.Do(func() {
		tmp, err := os.MkdirTemp("", "trainimpact-small-demo-")
		if err != nil {
			small.err = err
			return
		}
		small.root = tmp
		small.res, small.err = demo.Run(context.Background(), demo.Options{Out: filepath.Join(tmp, "demo"), Size: org.Small, Seed: 2, Effect: -0.2})
	})
	if small.err != nil {
		t.Fatalf("small demo: %v", small.err)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("cp", "-a", small.res.Out, dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the small demo: %v\n%s", err, out)
	}
	res := *small.res
	rebase := func(p string) string {
		rel, err := filepath.Rel(small.res.Out, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("demo path %s is outside its folder", p)
		}
		return filepath.Join(dir, rel)
	}
	res.Out, res.Warehouse, res.ConfigPath = dir, rebase(res.Warehouse), rebase(res.ConfigPath)
	// The tests here re-run analyze for privacy, exports, plans and reports, not for the
	// sensitivity to parallel-trends violations, the analysis' largest fixed cost (pipeline/analyze
	// and pipeline/reportdata test it).
	editConfig(t, dir, "  permutations: 199\n", "  permutations: 199\n  sensitivity: false\n")
	return dir, &res
}

// small is the small demo smallDemo copies, run once per test process (removed by TestMain).
var small struct {
	sync.Once
	root string
	res  *demo.Result
	err  error
}

// editConfig replaces the first old with new in the folder's trainimpact.yaml.
func editConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	path := filepath.Join(dir, "trainimpact.yaml")
	y, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(y), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
