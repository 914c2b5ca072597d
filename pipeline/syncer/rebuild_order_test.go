package syncer_test

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

// jiraWithCustomFields syncs the Jira source of a small simulated organisation, configured with
// the custom fields Story Points and Severity: the Jira mapping reads their values from an issue
// only once it has learnt their ids from the raw `field` records, which sort before `issue`.
func jiraWithCustomFields(t *testing.T) (*store.Store, *config.Config) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	sim, err := demo.StartSim(ctx, demo.SimOptions{Out: dir, Params: org.Params{Size: org.Small}, Seed: 7, Effect: -0.2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	yaml, err := os.ReadFile(sim.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "    deployment: cloud\n"
	if !strings.Contains(string(yaml), anchor) {
		t.Fatalf("the demo's config has no %q to add custom fields after", anchor)
	}
	yaml = []byte(strings.Replace(string(yaml), anchor, anchor+"    custom_fields: [Story Points, Severity]\n", 1))
	if err := os.WriteFile(sim.ConfigPath, yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(sim.ConfigPath, sim.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.WorkPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := syncer.Sync(ctx, st, cfg, syncer.Options{Sources: []string{"jira"}, Now: sim.Server.Now, MinRetryWait: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	var withCustom int
	if err := st.DB().QueryRow(`SELECT count(*) FROM tickets WHERE json_extract(custom_fields, '$."Story Points"') <> 'null'`).Scan(&withCustom); err != nil {
		t.Fatal(err)
	}
	if withCustom == 0 {
		t.Fatal("no ticket has a Story Points value: the order would not show")
	}
	return st, cfg
}

// jiraTables fingerprints the canonical rows the Jira mapping writes and derives.
func jiraTables(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range []string{"tickets", "ticket_changes", "accounts"} {
		var n int64
		var h string
		q := `SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '') FROM (SELECT CAST(t AS VARCHAR) AS r FROM ` + tb + ` t)`
		if err := st.DB().QueryRow(q).Scan(&n, &h); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if n == 0 {
			t.Fatalf("%s is empty: nothing to compare", tb)
		}
		out[tb] = h
	}
	return out
}

// Rebuild maps a source's raw records in (entity, native id) order whatever order they are stored
// in: with the raw records rewritten in the reverse order (issues before the field catalog on
// disk) and chunks of 50, the custom fields still come out as the sync wrote them.
func TestRebuildReadsInKeyOrder(t *testing.T) {
	ctx := context.Background()
	st, cfg := jiraWithCustomFields(t)
	want := jiraTables(t, st)
	err := st.Write(ctx, func(w *store.Writer) error {
		for _, q := range []string{
			`CREATE TEMP TABLE reversed AS SELECT * FROM raw_records ORDER BY entity DESC, native_id DESC`,
			`DELETE FROM raw_records`,
			`INSERT INTO raw_records SELECT * FROM reversed ORDER BY entity DESC, native_id DESC`,
			`DROP TABLE reversed`,
		} {
			if _, err := w.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var first string
	if err := st.DB().QueryRow(`SELECT entity FROM raw_records LIMIT 1`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first == "changelog" || first == "field" {
		t.Fatalf("the stored order starts with %s: not reversed", first)
	}
	if _, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{Chunk: 50}); err != nil {
		t.Fatal(err)
	}
	got := jiraTables(t, st)
	for tb := range want {
		if got[tb] != want[tb] {
			t.Errorf("%s differs after a rebuild from raw records stored in reverse order", tb)
		}
	}
}

// A rebuild that fails part-way (a malformed issue, met after many chunks were written in the
// transaction) leaves the canonical tables as they were: the clearing and every chunk roll back.
func TestRebuildFailureLeavesTables(t *testing.T) {
	ctx := context.Background()
	st, cfg := jiraWithCustomFields(t)
	want := jiraTables(t, st)
	// The last issue in key order: every record before it is mapped and written (in chunks of 50)
	// before it fails.
	const last = `(SELECT max(native_id) FROM raw_records WHERE source = 'jira' AND entity = 'issue')`
	var before int
	if err := st.DB().QueryRow(`SELECT count(*) FROM raw_records WHERE source = 'jira' AND (entity, native_id) < ('issue', ` + last + `)`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if before < 500 {
		t.Fatalf("only %d raw records are read before the last issue: too few chunks before the failure", before)
	}
	if _, err := st.DB().Exec(`UPDATE raw_records SET payload = json_object('id', native_id)
		WHERE source = 'jira' AND entity = 'issue' AND native_id = ` + last); err != nil {
		t.Fatal(err)
	}
	_, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{Chunk: 50})
	if err == nil {
		t.Fatal("rebuild of a malformed issue succeeded")
	}
	got := jiraTables(t, st)
	for tb := range want {
		if got[tb] != want[tb] {
			t.Errorf("%s changed by a rebuild that failed", tb)
		}
	}
}

// Under a memory limit (RebuildOptions.MemoryLimit) the rebuild gives the same tables, and
// DuckDB's buffer manager has its limit back afterwards.
func TestRebuildUnderMemoryLimit(t *testing.T) {
	ctx := context.Background()
	st, cfg := jiraWithCustomFields(t)
	want := jiraTables(t, st)
	// The buffer manager's limit in bytes, from DuckDB's display ("18.8 GiB").
	setting := func() float64 {
		var limit string
		if err := st.DB().QueryRow(`SELECT memory_limit FROM pragma_database_size() LIMIT 1`).Scan(&limit); err != nil {
			t.Fatal(err)
		}
		num, unit, _ := strings.Cut(limit, " ")
		v, err := strconv.ParseFloat(num, 64)
		scale := map[string]float64{"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}[unit]
		if err != nil || scale == 0 {
			t.Fatalf("memory limit %q: not a size", limit)
		}
		return v * scale
	}
	def := setting()
	if _, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{MemoryLimit: 256 << 20, Chunk: 100}); err != nil {
		t.Fatal(err)
	}
	got := jiraTables(t, st)
	for tb := range want {
		if got[tb] != want[tb] {
			t.Errorf("%s differs after a rebuild under a memory limit", tb)
		}
	}
	// DuckDB shows the limit rounded to three digits, from which it is set back.
	if s := setting(); math.Abs(s-def) > 0.01*def {
		t.Errorf("the buffer manager's memory limit is %.0f bytes after the rebuild, want %.0f as before", s, def)
	}
}
