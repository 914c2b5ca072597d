package metrics

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

var benchEvents = flag.Int("events", 10_000_000, "metric events of BenchmarkDerive10M")

// benchTeams sets the teams of BenchmarkDerive10M (scripts/bench -size scaling).
var benchTeams = flag.Int("teams", 5000, "teams of BenchmarkDerive10M")

// BenchmarkDerive10M measures Derive writing 10M events of 14 metrics (each metric a SELECT from
// a prepared table, so that the metric queries themselves cost little) into an empty
// metric_events, and then replacing them, as every later analysis does: the replacement deletes
// the previous events first, inside the same transaction. Run with -benchtime=1x.
func BenchmarkDerive10M(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const metrics = 14
	cat := &queries.Catalog{}
	for k := range metrics {
		name := fmt.Sprintf("m%02d", k)
		cat.Metrics = append(cat.Metrics, queries.Metric{Name: name, File: "metrics/" + name + ".sql",
			SQL: fmt.Sprintf("SELECT event_id, NULL AS person_id, team_id, occurred_at, value, censored FROM bench_src WHERE k = %d", k)})
	}
	err = st.Write(ctx, func(w *store.Writer) error {
		_, err := w.Exec(ctx, fmt.Sprintf(`CREATE TABLE bench_src AS
			SELECT CAST(i %% %d AS INTEGER) AS k, 'e' || i AS event_id, 'T' || (hash(i) %% %d) AS team_id,
			       TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(CAST(hash(i * 7) %% (3 * 365 * 86400) AS BIGINT)) AS occurred_at,
			       (hash(i * 13) %% 1000) / 10.0 AS value, hash(i * 23) %% 50 = 0 AS censored
			FROM range(%d) AS r(i) ORDER BY k`, metrics, *benchTeams, *benchEvents))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var first, replace time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := st.Write(ctx, func(w *store.Writer) error {
			_, err := w.Exec(ctx, "DELETE FROM metric_events")
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if err := st.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for pass, d := range []*time.Duration{&first, &replace} {
			t0 := time.Now()
			err := st.Write(ctx, func(w *store.Writer) error {
				counts, err := Derive(ctx, w, cat, cutoff)
				var n int64
				for _, c := range counts {
					n += c
				}
				if err == nil && n != int64(*benchEvents) {
					err = fmt.Errorf("%d events derived, want %d", n, *benchEvents)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			*d += time.Since(t0)
			b.Logf("pass %d (%s): %v", pass+1, []string{"into an empty table", "replacing the events"}[pass], time.Since(t0))
		}
	}
	b.ReportMetric(first.Seconds()/float64(b.N), "first-s")
	b.ReportMetric(replace.Seconds()/float64(b.N), "replace-s")
}
