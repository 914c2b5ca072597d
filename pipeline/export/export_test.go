package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

var day = time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)

// warehouse writes a small warehouse covering the export's cases — several sources, events on both
// sides of a month boundary in UTC (one written with a non-UTC offset), NULL event times, lists,
// JSON, identical rows, an empty table — and returns it opened read-only.
func warehouse(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "impact.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ny := time.FixedZone("EST", -5*3600)
	rows := []models.Row{
		models.Person{PersonID: "people:person:1", Email: "a@example.com", UpdatedAt: day},
		models.Account{AccountID: "pagerduty:account:P1", Source: "pagerduty", NativeID: "P1", PersonID: "people:person:1", FirstSeenAt: day, LastSeenAt: day},
		models.Account{AccountID: "github:account:octo", Source: "github", NativeID: "octo", Login: "octo"},
		models.Incident{IncidentID: "pagerduty:incident:1", Source: "pagerduty", NativeID: "1", Status: "resolved",
			CreatedAt: time.Date(2025, 1, 31, 23, 30, 0, 0, ny), ResolvedAt: day.Add(30 * 24 * time.Hour)}, // 2025-02-01T04:30Z
		models.Incident{IncidentID: "pagerduty:incident:2", Source: "pagerduty", NativeID: "2", Status: "triggered", CreatedAt: day},
		models.IncidentEvent{EventID: "pagerduty:log_entry:1", IncidentID: "pagerduty:incident:1", Type: "assign",
			CreatedAt: day, AssigneeAccountIDs: []string{"pagerduty:account:P1", "pagerduty:account:P2"}, Summary: "it's 'quoted'"},
		models.Ticket{TicketID: "jira:issue:1", Source: "jira", NativeID: "1", Key: "OPS-1", ProjectKey: "OPS", CreatedAt: day,
			Labels: []string{"a", "b"}, CustomFields: []byte(`{"team": "x", "n": [1, 2]}`)},
		models.PullRequest{PRID: "github:pull_request:o/r#1", Source: "github", NativeID: "11", Repo: "o/r", Number: 1, State: "open", CreatedAt: day},
		models.PRReview{ReviewID: "github:review:1", PRID: "github:pull_request:o/r#1", State: "PENDING"}, // no submitted_at
		models.PRReview{ReviewID: "github:review:2", PRID: "github:pull_request:o/r#1", State: "APPROVED", SubmittedAt: day.AddDate(0, 2, 0)},
		models.Team{TeamID: "files:team:a", Name: "a", UpdatedAt: day},
	}
	events := []models.Row{
		models.MetricEvent{Metric: "m", EventID: "e1", TeamID: "files:team:a", OccurredAt: day, Value: 1.5},
		models.MetricEvent{Metric: "m", EventID: "e1", TeamID: "files:team:a", OccurredAt: day, Value: 1.5}, // the same row twice
		models.MetricEvent{Metric: "m", EventID: "e2", OccurredAt: day.AddDate(0, 1, 0), Censored: true},
		models.Estimate{AnalysisID: "a1", Period: "2025-Q1", Metric: "m", Method: "did", Aggregation: "simple", Scale: "log",
			Estimate: -0.2, Flags: []string{"small_sample"}, ComputedAt: day},
		models.ROI{AnalysisID: "a1", Period: "2025-Q1", Metric: "total", Monetised: true, Benefit: 10, ComputedAt: day},
	}
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		return w.Insert(ctx, events)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, path, 0o640); err != nil { // checkpoint and close
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}

func TestParquetRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := warehouse(t)
	dir := filepath.Join(t.TempDir(), "out")
	at := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	m, err := Parquet(ctx, st, Options{Dir: dir, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	// The manifest on disk is the one returned.
	var onDisk Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	migs, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if onDisk.SchemaVersion != migs[len(migs)-1].Version || onDisk.Format != FormatName || !onDisk.ExportedAt.Equal(at) ||
		onDisk.Warehouse != "impact.duckdb" || onDisk.PeoplePseudonymized || len(onDisk.Tables) != len(m.Tables) {
		t.Errorf("manifest: %+v", onDisk)
	}
	byName := map[string]Table{}
	for _, tb := range onDisk.Tables {
		byName[tb.Name] = tb
	}
	for name := range Excluded {
		if _, ok := byName[name]; ok {
			t.Errorf("%s exported", name)
		}
	}
	if len(onDisk.Excluded) != len(Excluded) {
		t.Errorf("excluded: %+v", onDisk.Excluded)
	}
	// Every other base table of the warehouse is there, found in the catalog, not a list.
	var want int
	st.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'`).Scan(&want)
	if len(onDisk.Tables)+len(onDisk.Excluded) != want {
		t.Errorf("%d tables + %d excluded, the warehouse has %d", len(onDisk.Tables), len(onDisk.Excluded), want)
	}
	partitionedBy := func(name string) string {
		var s []string
		for _, p := range byName[name].PartitionBy {
			s = append(s, p.Column+"<"+p.From)
		}
		return strings.Join(s, ",")
	}
	for name, wantParts := range map[string]string{
		"metric_events": "month<occurred_at", "incidents": "source<source,month<created_at", "accounts": "source<source",
		"pr_reviews": "month<submitted_at", "estimates": "", "roi": "",
		"pr_commits": "", // empty: one file carries the schema
	} {
		if got := partitionedBy(name); got != wantParts {
			t.Errorf("%s partitioned by %q, want %q", name, got, wantParts)
		}
	}
	// Months are UTC: 23:30 at -05:00 on 31 January is February in UTC. NULL goes to Hive's default.
	for _, p := range []string{
		"incidents/source=pagerduty/month=2025-02", "incidents/source=pagerduty/month=2025-01",
		"pr_reviews/month=" + NullPartition, "pr_reviews/month=2025-03", "metric_events/month=2025-01", "metric_events/month=2025-03", // 31 January + 1 month
		"accounts/source=github", "estimates/data_0.parquet", "pr_commits/data_0.parquet",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("layout: %v", err)
		}
	}
	if got := byName["metric_events"]; got.Rows != 3 || got.Files != 2 {
		t.Errorf("metric_events: %d rows in %d files, want 3 in 2", got.Rows, got.Files)
	}

	// Read every table back as a reader of the export would and compare it with the warehouse row
	// for row (a multiset difference both ways), and the types with the manifest's.
	for _, tb := range onDisk.Tables {
		cols := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			cols[i] = ident(c.Name)
		}
		list := strings.Join(cols, ", ")
		pq := fmt.Sprintf(`read_parquet('%s', hive_partitioning = true)`, literal(filepath.Join(dir, tb.Glob)))
		var n, missing, extra int64
		q := fmt.Sprintf(`SELECT (SELECT count(*) FROM %[3]s),
			(SELECT count(*) FROM (SELECT %[1]s FROM %[2]s EXCEPT ALL SELECT %[1]s FROM %[3]s)),
			(SELECT count(*) FROM (SELECT %[1]s FROM %[3]s EXCEPT ALL SELECT %[1]s FROM %[2]s))`, list, ident(tb.Name), pq)
		if err := st.DB().QueryRow(q).Scan(&n, &missing, &extra); err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		var rows int64
		st.DB().QueryRow(`SELECT count(*) FROM ` + ident(tb.Name)).Scan(&rows)
		if n != rows || n != tb.Rows || missing != 0 || extra != 0 {
			t.Errorf("%s: %d rows read back, warehouse %d, manifest %d; %d missing, %d extra", tb.Name, n, rows, tb.Rows, missing, extra)
		}
		r, err := st.DB().Query(fmt.Sprintf(`SELECT column_name, column_type FROM (DESCRIBE SELECT %s FROM %s)`, list, pq))
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for r.Next() {
			var name, typ string
			r.Scan(&name, &typ)
			if c := tb.Columns[i]; c.Name != name || c.Type != typ && !(c.Type == "JSON" && typ == "VARCHAR") {
				t.Errorf("%s: column %d read back as %s %s, manifest %s %s", tb.Name, i, name, typ, c.Name, c.Type)
			}
			i++
		}
		r.Close()
	}
	// The folder is readable by others, as the warehouse is (a temporary folder starts private).
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm()&0o055 != 0o055 {
		t.Errorf("export folder mode: %v %v", fi.Mode(), err)
	}
	// No temporary folder is left beside the export.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".out.export-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestParquetTarget(t *testing.T) {
	ctx := context.Background()
	st := warehouse(t)
	base := t.TempDir()

	// A folder with a file is refused and kept as it was.
	full := filepath.Join(base, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "keep.txt"), []byte("x"), 0o644)
	if _, err := Parquet(ctx, st, Options{Dir: full}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("non-empty folder: %v, want ErrNotEmpty", err)
	}
	if _, err := os.Stat(filepath.Join(full, "keep.txt")); err != nil {
		t.Fatal(err)
	}
	// With Force it is replaced as a whole.
	if _, err := Parquet(ctx, st, Options{Dir: full, Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(full, "keep.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("forced export kept the old file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(full, ManifestFile)); err != nil {
		t.Error(err)
	}
	// An empty folder is taken.
	empty := filepath.Join(base, "empty")
	os.MkdirAll(empty, 0o755)
	if _, err := Parquet(ctx, st, Options{Dir: empty}); err != nil {
		t.Fatal(err)
	}
	// A file is not a folder, even with Force.
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := Parquet(ctx, st, Options{Dir: file, Force: true}); !errors.Is(err, ErrNotFolder) {
		t.Fatalf("file: %v, want ErrNotFolder", err)
	}
	if ents, _ := os.ReadDir(base); len(ents) != 3 {
		t.Errorf("beside the targets: %d entries, want 3 (no temporary folder)", len(ents))
	}
}

// A failure half-way leaves no new folder and an existing one as it was.
func TestParquetFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	st := warehouse(t)
	base := t.TempDir()
	boom := errors.New("boom")
	written := 0
	fail := func(string) error {
		if written++; written == 3 {
			return boom
		}
		return nil
	}
	dir := filepath.Join(base, "new")
	if _, err := Parquet(ctx, st, Options{Dir: dir, afterTable: fail}); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the injected failure", err)
	}
	if ents, _ := os.ReadDir(base); len(ents) != 0 || written != 3 {
		t.Errorf("after a failed export %d entries beside the target (want 0); %d tables written", len(ents), written)
	}
	// An earlier export that a forced one fails to replace stays whole.
	old := filepath.Join(base, "old")
	if _, err := Parquet(ctx, st, Options{Dir: old}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(old, ManifestFile))
	written = 0
	at := func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := Parquet(ctx, st, Options{Dir: old, Force: true, Now: at, afterTable: fail}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(old, ManifestFile))
	if string(before) != string(after) || len(before) == 0 {
		t.Error("a failed forced export changed the previous export's manifest")
	}
	if ents, _ := os.ReadDir(base); len(ents) != 1 {
		t.Errorf("%d entries beside the target, want 1", len(ents))
	}
	// A cancelled export fails the same way.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Parquet(cctx, st, Options{Dir: filepath.Join(base, "cancelled")}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if ents, _ := os.ReadDir(base); len(ents) != 1 {
		t.Errorf("%d entries beside the target after a cancelled export, want 1", len(ents))
	}
}

// The fingerprint counts identical rows twice and changes with any value, so a lost or altered row
// is seen by the export's own read-back check.
func TestFingerprintSensitivity(t *testing.T) {
	st := warehouse(t)
	fp := func(from string) (int64, string) {
		var n int64
		var s string
		if err := st.DB().QueryRow(query("fingerprint", "COLUMNS", `"metric", "event_id", "value"`, "FROM", from)).Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		return n, s
	}
	n0, all := fp(`metric_events`)
	n1, distinct := fp(`(SELECT DISTINCT * FROM metric_events)`)
	_, changed := fp(`(SELECT * REPLACE (value + 1 AS value) FROM metric_events)`)
	_, shuffled := fp(`(SELECT * FROM metric_events ORDER BY random())`)
	if n0 != 3 || n1 != 2 || all == distinct || all == changed || all != shuffled {
		t.Errorf("counts %d/%d; fingerprints all %s distinct %s changed %s shuffled %s", n0, n1, all, distinct, changed, shuffled)
	}
}
