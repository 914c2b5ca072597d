package refresh

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/github"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

func TestWriteSettings(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	read := func() (minCell, window float64, repos int) {
		t.Helper()
		err := st.Write(ctx, func(w *store.Writer) error {
			if err := queries.CreateViews(ctx, w); err != nil {
				return err
			}
			if err := w.QueryRow(ctx, "SELECT setting('analysis.min_cell', -1), setting('dora.failure_window_hours', -1), (SELECT count(*) FROM service_repos)").
				Scan(&minCell, &window, &repos); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return
	}

	cfg := config.Default()
	cfg.Analysis.MinCell = 7
	if err := WriteSettings(ctx, st, cfg, now); err != nil {
		t.Fatal(err)
	}
	if m, w, n := read(); m != 7 || w != DefaultFailureWindowHours || n != 0 {
		t.Errorf("no GitHub source: min_cell %v, window %v, %d map rows", m, w, n)
	}

	gh := github.Driver{}.NewConfig().(*github.Config)
	gh.FailureWindowHours = 6
	gh.ServiceMap = map[string][]string{"Payments": {"acme/pay", "acme/pay-ui", "acme/pay"}, "billing": {"acme/bill"}}
	cfg.Sources["github"] = gh
	cfg.Analysis.MinCell = 3
	if err := WriteSettings(ctx, st, cfg, now); err != nil { // replaces, never appends
		t.Fatal(err)
	}
	if m, w, n := read(); m != 3 || w != 6 || n != 3 {
		t.Errorf("with GitHub: min_cell %v, window %v, %d map rows (want 3, 6, 3)", m, w, n)
	}
}
