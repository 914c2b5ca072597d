package analyze

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/benchdata"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// benchPanels simulates one panel per catalog metric: units × periods, six cohorts (first whole
// post-washout periods 6, 10, 14, 18, 24, 30, one washout period each) and a third never trained.
func benchPanels(ms []queries.Metric, units, periods int) map[string]*metrics.Panel {
	out := map[string]*metrics.Panel{}
	cohorts := []int{0, 0, 0, 6, 10, 14, 18, 24, 30}
	for k, m := range ms {
		rng := rand.New(rand.NewPCG(uint64(k), 9))
		p := &metrics.Panel{Metric: m.Name, Cells: make([]metrics.Cell, 0, units*periods)}
		trend := make([]float64, periods+1)
		for t := 1; t <= periods; t++ {
			trend[t] = trend[t-1] + rng.NormFloat64()*0.1
		}
		for u := range units {
			g := cohorts[u%len(cohorts)]
			tp := 0
			if g > 0 {
				tp = g - 1
			}
			fe := rng.NormFloat64()
			p.Units = append(p.Units, fmt.Sprintf("u%05d", u))
			for t := 1; t <= periods; t++ {
				if g > 0 && t == tp {
					continue
				}
				y := fe + trend[t] + rng.NormFloat64()*0.3
				if g > 0 && t >= g {
					y -= 0.1
				}
				if m.Kind != queries.KindDuration {
					y = 0.2 + 0.05*y
				}
				p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: tp, N: 5, MeanLog: y, Mean: y})
			}
		}
		out[m.Name] = p
	}
	return out
}

// BenchmarkEstimate14Metrics is the statistics of one analysis at scale: 5,000 units × 36 periods
// for each catalog metric (14 when it was named, 25 now), 999 bootstrap draws, every aggregation and flag, metrics
// spread over the available cores as analyze does.
func BenchmarkEstimate14Metrics(b *testing.B) {
	cat, err := queries.Default()
	if err != nil {
		b.Fatal(err)
	}
	panels := benchPanels(cat.Metrics, 5000, 36)
	a := config.Default().Analysis
	a.Bootstrap = 999
	b.ResetTimer()
	for range b.N {
		pool := newMetricPool(cat.Metrics, nil, nil, a)
		for i, m := range cat.Metrics {
			pool.start(i, panels[m.Name])
		}
		outs := pool.wait()
		if h := outs[0].rows[outs[0].headline]; h.Estimate != h.Estimate {
			b.Fatalf("no estimate: %+v", h)
		}
	}
}

var benchEvents = flag.Int("events", 10_000_000, "metric events of BenchmarkAnalyze10M")

// benchTeams sets the teams (of eight people) of BenchmarkAnalyze10M (scripts/bench -size scaling).
var benchTeams = flag.Int("teams", 5000, "teams of BenchmarkAnalyze10M")

// benchPermutations sets analysis.permutations of BenchmarkAnalyze10M (-1: the default, 999; 0
// turns the permutation test off, as the target of issue 23 was set before it existed).
var benchMemoryLimit = flag.String("memory-limit", "", "analysis.memory_limit of BenchmarkAnalyze10M (e.g. 1GB; empty: none)")

var benchPermutations = flag.Int("permutations", -1, "analysis.permutations of BenchmarkAnalyze10M (-1: the config default)")

// BenchmarkAnalyze10M measures, on 10M metric events of 5,000 teams, a whole Compute (panels,
// before/after windows, pooled durations and volumes in DuckDB, then one DiD per catalog metric
// with 999 bootstrap draws, its permutation test (-permutations) and its sensitivity to
// parallel-trends violations, before/after, Kaplan–Meier, tests, ROI) and, in the same run, four ways of "one DuckDB
// scan of metric_events", reporting the analysis time as a multiple of each:
//
//   - scan-agg: SELECT count(*), sum(value) FROM metric_events — one column summed inside DuckDB,
//     the cheapest possible scan (a floor, not a fair comparison).
//   - scan-cols: one scan inside DuckDB that reads every column the analysis reads (metric,
//     person_id, team_id, occurred_at, value, censored) and aggregates them per metric (bench_scan.sql):
//     the same input as the analysis, with one trivial grouping instead of the analysis' work.
//   - scan-copy: the same columns copied, row for row, into a temporary table inside DuckDB
//     (bench_copy.sql): one scan that materialises every event, without the driver.
//   - scan-rows: every event read through the driver into Go (metric, event_id, person_id,
//     team_id, occurred_at, value, censored), which is what analysing in Go instead of DuckDB
//     would cost.
//
// It also times the SQL side alone (metrics.Panels, Windows, Survival, TreatedEvents). Everything
// runs inside one store transaction, as in Run. Run with -benchtime=1x; -args -events N changes
// the size.
func BenchmarkAnalyze10M(b *testing.B) {
	events := *benchEvents
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	memLimit, err := config.ParseBytes(*benchMemoryLimit)
	if err != nil {
		b.Fatal(err)
	}
	restore, err := LimitMemory(ctx, st, memLimit)
	if err != nil {
		b.Fatal(err)
	}
	defer restore()
	cat, err := queries.Default()
	if err != nil {
		b.Fatal(err)
	}
	scanCols, err := os.ReadFile("testdata/bench_scan.sql")
	if err != nil {
		b.Fatal(err)
	}
	scanCopy, err := os.ReadFile("testdata/bench_copy.sql")
	if err != nil {
		b.Fatal(err)
	}
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := cat.CreateViews(ctx, w); err != nil {
			return err
		}
		return benchdata.Events(ctx, w, cat, events, *benchTeams)
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.Analysis.Bootstrap = 999
	if *benchPermutations >= 0 {
		cfg.Analysis.Permutations = *benchPermutations
	}
	q := Quarter{Year: 2025, Q: 4}
	o := metrics.Options{Unit: "team", Period: "month", WashoutDays: 30, PreDays: 180, PostDays: 180, ExcludeDropouts: true, Cutoff: q.End()}
	var durations []string
	for _, m := range cat.Metrics {
		if m.Kind == queries.KindDuration {
			durations = append(durations, m.Name)
		}
	}
	var scanAgg, scanColsT, scanCopyT, scanRows, sqlSide, total time.Duration
	var computeRSS int64 // peak RSS while Compute ran, bytes (Linux)
	b.ResetTimer()
	for range b.N {
		err := st.Write(ctx, func(w *store.Writer) error {
			t0 := time.Now()
			var n int64
			var s float64
			if err := w.QueryRow(ctx, "SELECT count(*), sum(value) FROM metric_events").Scan(&n, &s); err != nil || n != int64(events) {
				return fmt.Errorf("scan: %d %v", n, err)
			}
			t1 := time.Now()
			rows, err := w.Query(ctx, string(scanCols))
			if err != nil {
				return err
			}
			var perMetric int64
			for rows.Next() {
				var m string
				var cnt, teams, cens int64
				var lastPerson sql.NullString
				var sum float64
				var first, last time.Time
				if err := rows.Scan(&m, &cnt, &lastPerson, &teams, &sum, &first, &last, &cens); err != nil {
					rows.Close() // an open result would hold the connection, and Write's close with it
					return err
				}
				perMetric += cnt
			}
			if err := rows.Close(); err != nil || perMetric != int64(events) {
				return fmt.Errorf("scan-cols: %d events, %v", perMetric, err)
			}
			t2c := time.Now()
			var copied int64
			if err := w.QueryRow(ctx, string(scanCopy)).Scan(&copied); err != nil || copied != int64(events) {
				return fmt.Errorf("scan-copy: %d events, %v", copied, err)
			}
			copyT := time.Since(t2c)
			if _, err := w.Exec(ctx, "DROP TABLE bench_copy"); err != nil {
				return err
			}
			t2 := time.Now()
			rows, err = w.Query(ctx, "SELECT metric, event_id, person_id, team_id, occurred_at, value, censored FROM metric_events")
			if err != nil {
				return err
			}
			for rows.Next() {
				var m, id, person, team sql.NullString
				var at time.Time
				var v sql.NullFloat64
				var c bool
				if err := rows.Scan(&m, &id, &person, &team, &at, &v, &c); err != nil {
					rows.Close()
					return err
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			t3 := time.Now()
			if _, err := metrics.Panels(ctx, w, o); err != nil {
				return err
			}
			ta := time.Now()
			if _, err := metrics.Windows(ctx, w, o); err != nil {
				return err
			}
			tb := time.Now()
			if _, err := metrics.Survival(ctx, w, o, durations); err != nil {
				return err
			}
			tc := time.Now()
			if _, err := metrics.TreatedEvents(ctx, w, o); err != nil {
				return err
			}
			rssReset := benchdata.ResetPeakRSS()
			t4 := time.Now()
			res, err := Compute(ctx, w, cat, cfg, q, q.End(), q.End())
			if err != nil {
				return err
			}
			if rss := benchdata.PeakRSS(); rssReset && rss > computeRSS {
				computeRSS = rss
			}
			if len(res.Headline) != len(cat.Metrics) {
				return fmt.Errorf("%d headline rows", len(res.Headline))
			}
			t5 := time.Now()
			b.Logf("scan-agg %v, scan-cols %v, scan-copy %v, scan-rows %v; panels %v, windows %v, durations %v, treated events %v; Compute %v",
				t1.Sub(t0), t2c.Sub(t1), copyT, t3.Sub(t2), ta.Sub(t3), tb.Sub(ta), tc.Sub(tb), t4.Sub(tc), t5.Sub(t4))
			scanAgg += t1.Sub(t0)
			scanColsT += t2c.Sub(t1)
			scanCopyT += copyT
			scanRows += t3.Sub(t2)
			sqlSide += t4.Sub(t3)
			total += t5.Sub(t4)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	nb := float64(b.N)
	if computeRSS > 0 {
		// The process's peak resident memory while Compute ran (the events' generation before it
		// excluded): DuckDB's buffers and Go's heap together.
		b.ReportMetric(float64(computeRSS)/(1<<20), "compute-peak-rss-MB")
	}
	b.ReportMetric(scanAgg.Seconds()*1000/nb, "scan-agg-ms")
	b.ReportMetric(scanColsT.Seconds()*1000/nb, "scan-cols-ms")
	b.ReportMetric(scanCopyT.Seconds()*1000/nb, "scan-copy-ms")
	b.ReportMetric(scanRows.Seconds()*1000/nb, "scan-rows-ms")
	b.ReportMetric(sqlSide.Seconds()*1000/nb, "sql-ms")
	b.ReportMetric(total.Seconds()*1000/nb, "analysis-ms")
	b.ReportMetric(total.Seconds()/scanAgg.Seconds(), "analysis/scan-agg")
	b.ReportMetric(total.Seconds()/scanColsT.Seconds(), "analysis/scan-cols")
	b.ReportMetric(total.Seconds()/scanCopyT.Seconds(), "analysis/scan-copy")
	b.ReportMetric(total.Seconds()/scanRows.Seconds(), "analysis/scan-rows")
}
