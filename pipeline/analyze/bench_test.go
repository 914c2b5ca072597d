package analyze

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			name := fmt.Sprintf("u%05d", u)
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
				p.Cells = append(p.Cells, metrics.Cell{Unit: name, Period: t, Group: g, TreatedPeriod: tp, N: 5, MeanLog: y, Mean: y})
			}
		}
		out[m.Name] = p
	}
	return out
}

// BenchmarkEstimate14Metrics is the statistics of one analysis at scale: 5,000 units × 36 periods
// for each of the 14 catalog metrics, 999 bootstrap draws, every aggregation and flag, metrics
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
		outs := estimateAll(cat.Metrics, panels, nil, nil, a)
		if h := outs[0].rows[outs[0].headline]; h.Estimate != h.Estimate {
			b.Fatalf("no estimate: %+v", h)
		}
	}
}

var benchEvents = flag.Int("events", 10_000_000, "metric events of BenchmarkAnalyze10M")

// dbAdapter lets *sql.DB serve as metrics.DB.
type dbAdapter struct{ db *sql.DB }

func (d dbAdapter) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.db.ExecContext(ctx, q, args...)
}
func (d dbAdapter) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.db.QueryContext(ctx, q, args...)
}

// BenchmarkAnalyze10M measures, on 10M metric events of 5,000 teams, one plain DuckDB scan of
// metric_events, the SQL side of an analysis (panels, before/after windows, pooled durations,
// volumes) and a whole Compute (SQL plus 14 DiDs with 999 bootstrap draws, before/after,
// Kaplan–Meier, tests, ROI), and reports the ratios to the scan — both an aggregate scan inside
// DuckDB and a scan reading every event through the driver into Go (rowscan). Run with
// -benchtime=1x; -args -events N changes the size.
func BenchmarkAnalyze10M(b *testing.B) {
	events := *benchEvents
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cat, err := queries.Default()
	if err != nil {
		b.Fatal(err)
	}
	var names, kinds []string
	for _, m := range cat.Metrics {
		names, kinds = append(names, m.Name), append(kinds, string(m.Kind))
	}
	setup, err := os.ReadFile("testdata/bench_events.sql")
	if err != nil {
		b.Fatal(err)
	}
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := cat.CreateViews(ctx, w); err != nil {
			return err
		}
		for _, stmt := range strings.Split(string(setup), ";\n\n") {
			stmt = strings.Replace(stmt, "range(10000000)", fmt.Sprintf("range(%d)", events), 1)
			q, args, err := queries.BindNamed("bench_events.sql", stmt, map[string]any{"names": names, "kinds": kinds})
			if err != nil {
				return err
			}
			if _, err := w.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	db := dbAdapter{st.DB()}
	cfg := config.Default()
	cfg.Analysis.Bootstrap = 999
	q := Quarter{Year: 2025, Q: 4}
	o := metrics.Options{Unit: "team", Period: "month", WashoutDays: 30, PreDays: 180, PostDays: 180, ExcludeDropouts: true, Cutoff: q.End()}
	var durations []string
	for _, m := range cat.Metrics {
		if m.Kind == queries.KindDuration {
			durations = append(durations, m.Name)
		}
	}
	var scan, rowScan, sqlSide, total time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		var n int64
		var s float64
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*), sum(value) FROM metric_events").Scan(&n, &s); err != nil || n != int64(events) {
			b.Fatalf("scan: %d %v", n, err)
		}
		tr := time.Now()
		rows, err := st.DB().QueryContext(ctx, "SELECT metric, event_id, team_id, occurred_at, value, censored FROM metric_events")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var m, id, team sql.NullString
			var at time.Time
			var v sql.NullFloat64
			var c bool
			if err := rows.Scan(&m, &id, &team, &at, &v, &c); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
		rowScan += time.Since(tr)
		t1 := time.Now()
		if _, err := metrics.Panels(ctx, db, o); err != nil {
			b.Fatal(err)
		}
		ta := time.Now()
		if _, err := metrics.Windows(ctx, db, o); err != nil {
			b.Fatal(err)
		}
		tb := time.Now()
		if _, err := metrics.Survival(ctx, db, o, durations); err != nil {
			b.Fatal(err)
		}
		tc := time.Now()
		if _, err := metrics.AnnualVolume(ctx, db, o); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		b.Logf("scan %v; panels %v, windows %v, durations %v, volume %v", t1.Sub(t0), ta.Sub(t1), tb.Sub(ta), tc.Sub(tb), t2.Sub(tc))
		res, err := Compute(ctx, db, cat, cfg, q, q.End(), q.End())
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Headline) != 14 {
			b.Fatalf("%d headline rows", len(res.Headline))
		}
		t3 := time.Now()
		scan += t1.Sub(t0)
		sqlSide += t2.Sub(t1)
		total += t3.Sub(t2)
	}
	nb := float64(b.N)
	b.ReportMetric(scan.Seconds()*1000/nb, "scan-ms")
	b.ReportMetric(sqlSide.Seconds()*1000/nb, "sql-ms")
	b.ReportMetric(total.Seconds()*1000/nb, "analysis-ms")
	b.ReportMetric(rowScan.Seconds()*1000/nb, "rowscan-ms")
	b.ReportMetric(total.Seconds()/rowScan.Seconds(), "analysis/rowscan")
	b.ReportMetric(sqlSide.Seconds()/scan.Seconds(), "sql/scan")
	b.ReportMetric(total.Seconds()/scan.Seconds(), "analysis/scan")
}
