package refresh

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

// ImportConfigured imports the configured people files (none configured: nothing, no error), and
// Derived then computes exposure for every team and creates the analyst views; a second Derived
// changes nothing.
func TestImportThenDerived(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	cfg := config.Default()
	if res, err := ImportConfigured(ctx, st, cfg, people.ImportOptions{}); err != nil || res != nil {
		t.Fatalf("no files configured: %v, %v", res, err)
	}
	o := org.Generate(org.Params{Seed: 2, Size: org.Small})
	dir := t.TempDir()
	write := func(name string, fn func(*os.File) error) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg.People.Teams = write("teams.csv", func(f *os.File) error { return o.WriteTeamsCSV(f, o.Now) })
	cfg.People.Cohorts = write("cohorts.csv", func(f *os.File) error { return o.WriteCohortsCSV(f, o.Now) })
	res, err := ImportConfigured(ctx, st, cfg, people.ImportOptions{Today: o.Now, Now: o.Now})
	if err != nil || len(res) != 2 {
		t.Fatalf("import: %v, %v", res, err)
	}
	sum, err := Derived(ctx, st, cfg, o.Now)
	if err != nil {
		t.Fatal(err)
	}
	teams := storetest.Count(t, st, "SELECT count(*) FROM teams")
	if teams == 0 || sum.Units != teams || storetest.Count(t, st, "SELECT count(*) FROM exposure") != teams {
		t.Errorf("%d units, %d teams, %d exposure rows", sum.Units, teams, storetest.Count(t, st, "SELECT count(*) FROM exposure"))
	}
	if storetest.Count(t, st, "SELECT count(*) FROM exposure WHERE status = 'treated'") == 0 {
		t.Error("no treated team in the small organisation")
	}
	if n := storetest.Count(t, st, "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND view_name IN ('v_incidents', 'v_tickets', 'v_pull_requests', 'v_metric_events')"); n != 4 {
		t.Errorf("analyst views: %d of 4", n)
	}
	fp := func() string {
		return storetest.Fingerprint(t, st, "SELECT * FROM exposure ORDER BY ALL", "SELECT * FROM accounts ORDER BY ALL")
	}
	before := fp()
	if _, err := Derived(ctx, st, cfg, o.Now); err != nil {
		t.Fatal(err)
	}
	if fp() != before {
		t.Error("a second Derived changed exposure or accounts")
	}
}
