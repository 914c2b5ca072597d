package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/export"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// The export of a pseudonymised warehouse holds no person's name, email, login or account id: not
// in the files' bytes (Parquet statistics, folder names, the manifest) and not in any value they
// decode to. The same scan of the export of the clear warehouse finds them, so it can see them.
// Each export reads back to the warehouse's row counts.
func TestExportPseudonymised(t *testing.T) {
	dir, res := smallDemo(t)

	// The demo's own warehouse is clear: the scan must find people in its export.
	clear := filepath.Join(dir, "export-clear")
	if code, out := runWithEnv(t, dir, nil, "export", "--parquet", clear); code != ExitOK ||
		!strings.Contains(out, "metric_events") {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	needles := personalStrings(res)
	if inBytes, inValues := scanExport(t, clear, needles); inBytes == 0 || inValues == 0 {
		t.Fatalf("the clear export: %d personal strings in its bytes, %d in its values; the scan sees nothing", inBytes, inValues)
	}
	checkCounts(t, res.Warehouse, clear)

	// A second export into the same folder is refused (exit 2) and leaves it as it was.
	before, _ := os.ReadFile(filepath.Join(clear, export.ManifestFile))
	if code, out := runWithEnv(t, dir, nil, "export", "--parquet", clear); code != ExitUsage || !strings.Contains(out, "--force") {
		t.Errorf("export into a non-empty folder: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(filepath.Join(clear, export.ManifestFile)); string(after) != string(before) {
		t.Error("a refused export changed the folder")
	}

	editConfig(t, dir, "  identities: identities.csv\n",
		"  identities: identities.csv\n  pseudonymize: true\n  pseudonym_key_env: TI_PSEUDONYM_KEY\n")
	env := map[string]string{"TI_PSEUDONYM_KEY": "k3y-for-tests"}
	if code, out := runWithEnv(t, dir, env, "analyze", "--period", "2025-Q4"); code != ExitOK {
		t.Fatalf("analyze: exit %d\n%s", code, out)
	}
	pseudo := filepath.Join(dir, "export-pseudonymised")
	if code, out := runWithEnv(t, dir, nil, "export", "--parquet", pseudo); code != ExitOK {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	if inBytes, inValues := scanExport(t, pseudo, needles); inBytes != 0 || inValues != 0 {
		t.Errorf("the pseudonymised export: %d personal strings in its bytes, %d in its values", inBytes, inValues)
	}
	m := checkCounts(t, res.Warehouse, pseudo)
	if !m.PeoplePseudonymized {
		t.Error("the manifest does not say the people are pseudonymised")
	}
}

// personalStrings lists the simulated people's names, emails, logins and account ids (lower-cased,
// three characters or more).
func personalStrings(res *demo.Result) []string {
	var list []string
	add := func(ss ...string) {
		for _, s := range ss {
			if len(s) >= 3 {
				list = append(list, strings.ToLower(s))
			}
		}
	}
	for _, p := range res.Org.People {
		add(p.Name, p.Email)
		if g := p.GitHub; g != nil {
			add(g.Login, g.Name, g.CommitEmail)
		}
		if j := p.Jira; j != nil {
			add(j.DisplayName, j.AccountID, j.Email)
		}
		if d := p.PagerDuty; d != nil {
			add(d.ID, d.Name, d.Email)
		}
	}
	return list
}

// countWords counts the needles found in v as whole words (no letter or digit on either side).
func countWords(t *testing.T, where, v string, needles []string, found map[string]bool) {
	alnum := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80 }
	for _, n := range needles {
		for off := 0; ; {
			k := strings.Index(v[off:], n)
			if k < 0 {
				break
			}
			i := off + k
			if (i == 0 || !alnum(v[i-1])) && (i+len(n) == len(v) || !alnum(v[i+len(n)])) {
				if !found[n] {
					found[n] = true
					if len(found) <= 3 {
						t.Logf("%s holds %q", where, n)
					}
				}
				break
			}
			off = i + 1
		}
	}
}

// scanExport returns how many distinct personal strings the export's bytes (every file and path
// under it) and its decoded values (every row of every table, as text) hold.
func scanExport(t *testing.T, dir string, needles []string) (inBytes, inValues int) {
	t.Helper()
	byteHits := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		countWords(t, p, strings.ToLower(p), needles, byteHits)
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		countWords(t, p, strings.ToLower(string(b)), needles, byteHits)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, dir)
	valueHits := map[string]bool{}
	db := openScratch(t)
	for _, tb := range m.Tables {
		rows, err := db.DB().Query(fmt.Sprintf(`SELECT lower(CAST(t AS VARCHAR)) FROM read_parquet('%s', hive_partitioning = true) t`,
			strings.ReplaceAll(filepath.Join(dir, tb.Glob), "'", "''")))
		if err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			countWords(t, tb.Name, v, needles, valueHits)
		}
		rows.Close()
	}
	return len(byteHits), len(valueHits)
}

// openScratch opens a fresh working database to run read_parquet in.
func openScratch(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "scratch.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func readManifest(t *testing.T, dir string) *export.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, export.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m export.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// checkCounts compares every exported table, read back from the files, with the warehouse: row
// counts and the rows themselves; and checks that the analysis tables are there with rows.
func checkCounts(t *testing.T, warehouse, dir string) *export.Manifest {
	t.Helper()
	m := readManifest(t, dir)
	st, err := store.OpenReadOnly(context.Background(), warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	have := map[string]int64{}
	for _, tb := range m.Tables {
		cols := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			cols[i] = fmt.Sprintf("%q", c.Name)
		}
		list := strings.Join(cols, ", ")
		pq := fmt.Sprintf(`read_parquet('%s', hive_partitioning = true)`, strings.ReplaceAll(filepath.Join(dir, tb.Glob), "'", "''"))
		// Row counts, and the rows themselves as multisets (a difference both ways).
		var files, wh, missing, extra int64
		q := fmt.Sprintf(`SELECT (SELECT count(*) FROM %[2]s), (SELECT count(*) FROM %[3]q),
			(SELECT count(*) FROM (SELECT %[1]s FROM %[3]q EXCEPT ALL SELECT %[1]s FROM %[2]s)),
			(SELECT count(*) FROM (SELECT %[1]s FROM %[2]s EXCEPT ALL SELECT %[1]s FROM %[3]q))`, list, pq, tb.Name)
		if err := st.DB().QueryRow(q).Scan(&files, &wh, &missing, &extra); err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		if files != wh || files != tb.Rows || missing != 0 || extra != 0 {
			t.Errorf("%s: %d rows in the files, %d in the warehouse, %d in the manifest; %d missing, %d extra",
				tb.Name, files, wh, tb.Rows, missing, extra)
		}
		have[tb.Name] = files
	}
	for _, name := range []string{"incidents", "tickets", "pull_requests", "metric_events", "estimates", "roi", "people"} {
		if have[name] == 0 {
			t.Errorf("%s: not exported or empty", name)
		}
	}
	return m
}
