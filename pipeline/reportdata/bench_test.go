package reportdata

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/benchdata"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
)

var (
	benchEvents = flag.Int("events", 10_000_000, "metric events of BenchmarkReport10M")
	benchTeams  = flag.Int("teams", 5000, "teams (of eight people) of BenchmarkReport10M")
)

// BenchmarkReport10M measures `trainimpact report` on a warehouse of 10M metric events (issue 23:
// at most 2 s): benchdata's synthetic events of every catalog metric for 5,000 teams, analysed
// for 2025-Q4 as `analyze` does (Compute, its estimates, ROI and cost lines stored), then Render
// from the closed file exactly as the command does (a read-only, locked-down connection, every
// query of the report, the charts, and the HTML, Markdown, JSON and CSV written). The PDF is
// timed apart (pdf-s), when a browser is found: it is Chromium's printing, not the warehouse's
// work. The setup (events, analysis) is not timed. Run with -benchtime=1x; -args -events N
// -teams N change the size.
func BenchmarkReport10M(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "warehouse.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := queries.Default()
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	q := analyze.Quarter{Year: 2025, Q: 4}
	now := q.End().Add(72 * time.Hour)
	err = st.Write(ctx, func(w *store.Writer) error {
		if err := cat.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := benchdata.Events(ctx, w, cat, *benchEvents, *benchTeams); err != nil {
			return err
		}
		res, err := analyze.Compute(ctx, w, cat, cfg, q, q.End(), now)
		if err != nil {
			return err
		}
		return w.Insert(ctx, res.Rows())
	})
	if err != nil {
		st.Close()
		b.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	stamp := func() time.Time { return now }
	var report, printing time.Duration
	var rss int64 // peak resident memory while the report rendered, bytes (Linux)
	prints := 0
	b.ResetTimer()
	for i := range b.N {
		out := filepath.Join(dir, "report")
		reset := benchdata.ResetPeakRSS()
		t0 := time.Now()
		p, err := Render(ctx, cfg, Options{DB: path, Period: q.String(), Formats: []string{"html", "md", "json", "csv"}, Out: out, Now: stamp})
		if err != nil {
			b.Fatal(err)
		}
		report += time.Since(t0)
		if r := benchdata.PeakRSS(); reset && r > rss {
			rss = r
		}
		if i == 0 {
			for _, f := range p.Files() {
				if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
					b.Fatalf("report file %s: %v", f, err)
				}
			}
		}
		b.StopTimer()
		t1 := time.Now()
		_, err = Render(ctx, cfg, Options{DB: path, Period: q.String(), Formats: []string{"pdf"}, Out: out, Now: stamp})
		switch {
		case err == nil:
			printing += time.Since(t1)
			prints++
		case !errors.Is(err, pdf.ErrNoBrowser):
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(report.Seconds()/float64(b.N), "report-s")
	if rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "report-peak-rss-MB")
	}
	if prints > 0 {
		b.ReportMetric(printing.Seconds()/float64(prints), "pdf-s")
	}
}
