package syncer_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/benchdata"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
)

var (
	benchPeople = flag.Int("people", 200, "employees (teams of eight) of the organisation BenchmarkRebuild syncs and rebuilds")
	benchProbe  = flag.Bool("memprobe", false, "BenchmarkRebuild logs what holds memory at the rebuild's largest resident size (DuckDB's duckdb_memory() by tag, Go's heap), sampled every 200 ms")
	benchLimit  = flag.Int64("memory-limit-mb", 0, "BenchmarkRebuild's RebuildOptions.MemoryLimit in MB (0: DuckDB's default)")
	benchDir    = flag.String("dir", "", "BenchmarkRebuild's demo folder: reused when it holds a finished demo of -people (no sync), written there otherwise (default: a temporary folder)")
)

// BenchmarkRebuild measures `trainimpact rebuild` (syncer.Rebuild: every raw record mapped again
// into the canonical tables, source by source) on the raw records of a simulated organisation of
// -people employees, synced by the demo's pipeline first (not timed). It reports the time, the
// raw records and the metric events of that organisation (the scaling study's x axis) and the
// peak resident memory while the rebuild ran. Run with -benchtime=1x.
func BenchmarkRebuild(b *testing.B) {
	ctx := context.Background()
	dir := *benchDir
	if dir == "" {
		dir = b.TempDir()
	}
	// A finished demo leaves its people count beside the config; a folder without it is synced again.
	done := filepath.Join(dir, fmt.Sprintf("bench-rebuild-%d-people", *benchPeople))
	if _, err := os.Stat(done); err != nil {
		if _, err := demo.Run(ctx, demo.Options{Out: dir, Params: &org.Params{People: *benchPeople}, Seed: 5, Effect: -0.2}); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "trainimpact.yaml"), nil)
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
		// The peak is the rebuild's: what the demo's sync left on Go's heap goes back to the OS first.
		debug.FreeOSMemory()
		reset := benchdata.ResetPeakRSS()
		stop := func() {}
		if *benchProbe {
			stop = probeMemory(b, st.DB())
		}
		t0 := time.Now()
		counts, err := syncer.Rebuild(ctx, st, cfg, syncer.RebuildOptions{MemoryLimit: *benchLimit << 20})
		stop()
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

// probeMemory samples, until the returned function is called, the process's resident size, DuckDB's
// memory by tag (duckdb_memory()) and Go's heap, and logs the sample of the largest resident size.
func probeMemory(b *testing.B, db *sql.DB) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var best int64
		var report string
		for {
			select {
			case <-done:
				b.Logf("at the largest resident size sampled, %.0f MB: %s", float64(best)/(1<<20), report)
				return
			case <-time.After(200 * time.Millisecond):
			}
			rss := currentRSS()
			if rss <= best {
				continue
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			var sb strings.Builder
			fmt.Fprintf(&sb, "Go heap in use %.0f MB, Go runtime total %.0f MB; DuckDB:", float64(ms.HeapInuse)/(1<<20), float64(ms.Sys)/(1<<20))
			rows, err := db.Query(`SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory() WHERE memory_usage_bytes + temporary_storage_bytes > 0 ORDER BY memory_usage_bytes DESC`)
			if err != nil {
				fmt.Fprintf(&sb, " %v", err)
			} else {
				for rows.Next() {
					var tag string
					var mem, tmp int64
					rows.Scan(&tag, &mem, &tmp)
					fmt.Fprintf(&sb, " %s %.0f MB (spilled %.0f MB);", tag, float64(mem)/(1<<20), float64(tmp)/(1<<20))
				}
				rows.Close()
			}
			best, report = rss, sb.String()
		}
	}()
	return func() { close(done); <-finished }
}

// currentRSS is the process's resident set size now (VmRSS), 0 when unknown.
func currentRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
