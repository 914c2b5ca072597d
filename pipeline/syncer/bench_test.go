package syncer_test

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/benchdata"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

var benchPeople = flag.Int("people", 200, "employees (teams of eight) of the organisation BenchmarkRebuild syncs and rebuilds")

// BenchmarkRebuild measures `trainimpact rebuild` (syncer.Rebuild: every raw record mapped again
// into the canonical tables, source by source) on the raw records of a simulated organisation of
// -people employees, synced by the demo's pipeline first (not timed). It reports the time, the
// raw records and the metric events of that organisation (the scaling study's x axis) and the
// peak resident memory while the rebuild ran. Run with -benchtime=1x.
func BenchmarkRebuild(b *testing.B) {
	ctx := context.Background()
	res, err := demo.Run(ctx, demo.Options{Out: b.TempDir(), Params: &org.Params{People: *benchPeople}, Seed: 5, Effect: -0.2})
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(res.ConfigPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.WorkPath())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var raw, events int64
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM raw_records), (SELECT count(*) FROM metric_events)`).Scan(&raw, &events); err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	var rss int64
	b.ResetTimer()
	for range b.N {
		reset := benchdata.ResetPeakRSS()
		t0 := time.Now()
		counts, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{})
		if err != nil {
			b.Fatal(err)
		}
		took += time.Since(t0)
		if r := benchdata.PeakRSS(); reset && r > rss {
			rss = r
		}
		var n int64
		for _, c := range counts {
			n += int64(c)
		}
		if n != raw {
			b.Fatalf("rebuilt %d raw records, the warehouse holds %d", n, raw)
		}
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "rebuild-s")
	b.ReportMetric(float64(raw), "raw-records")
	b.ReportMetric(float64(events), "metric-events")
	if rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "rebuild-peak-rss-MB")
	}
}
