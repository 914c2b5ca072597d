package store

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/reports/table"
)

var benchRows = flag.Int("rows", 1_000_000, "incident records of BenchmarkStoreVsCopy")

// BenchmarkStoreVsCopy writes the same incident records into fresh databases — through the store's
// Upsert in one Write (for 1M rows: the staged CSV file and INSERT … SELECT FROM read_csv), then the
// same rows again (every key conflicts), and with DuckDB's own COPY FROM a CSV file into the same
// keyed table — and reports the rates and the store/copy ratio, in wall and in CPU time, measured in
// the same run. The acceptance target is store/copy >= 0.5.
func BenchmarkStoreVsCopy(b *testing.B) {
	n := *benchRows
	ctx := context.Background()
	rows := incidents(n, "bench")
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "incidents.csv")
	writeCSV(b, csvPath, rows)
	var storeDur, copyDur, secondDur, storeCPU, copyCPU time.Duration
	for i := 0; i < b.N; i++ {
		s, err := Open(ctx, filepath.Join(dir, fmt.Sprintf("store%d.duckdb", i)))
		if err != nil {
			b.Fatal(err)
		}
		start, cpu := time.Now(), cpuTime()
		if err := s.Write(ctx, func(w *Writer) error { return w.Upsert(ctx, rows) }); err != nil {
			b.Fatal(err)
		}
		storeDur += time.Since(start)
		storeCPU += cpuTime() - cpu
		start = time.Now()
		if err := s.Write(ctx, func(w *Writer) error { return w.Upsert(ctx, rows) }); err != nil {
			b.Fatal(err)
		}
		secondDur += time.Since(start)
		s.Close()

		c, err := Open(ctx, filepath.Join(dir, fmt.Sprintf("copy%d.duckdb", i)))
		if err != nil {
			b.Fatal(err)
		}
		start, cpu = time.Now(), cpuTime()
		if _, err := c.DB().Exec(fmt.Sprintf(`COPY incidents FROM '%s' (HEADER, NULLSTR '')`, csvPath)); err != nil {
			b.Fatal(err)
		}
		copyDur += time.Since(start)
		copyCPU += cpuTime() - cpu
		var got int
		c.DB().QueryRow(`SELECT count(*) FROM incidents`).Scan(&got)
		c.Close()
		if got != n {
			b.Fatalf("COPY loaded %d rows", got)
		}
	}
	storeRate := float64(n*b.N) / storeDur.Seconds()
	copyRate := float64(n*b.N) / copyDur.Seconds()
	b.ReportMetric(storeRate, "store_rows/s")
	b.ReportMetric(float64(n*b.N)/secondDur.Seconds(), "store_rewrite_rows/s")
	b.ReportMetric(copyRate, "copy_rows/s")
	b.ReportMetric(storeRate/copyRate, "store/copy")
	// On a shared machine wall time depends on the neighbours; CPU time (all threads of this
	// process, Go's and DuckDB's) much less so.
	b.ReportMetric(copyCPU.Seconds()/storeCPU.Seconds(), "store/copy_cpu")
}

func writeCSV(b *testing.B, path string, rows []models.Row) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(models.Columns("incidents"))
	rec := make([]string, len(models.Columns("incidents")))
	for _, r := range rows {
		for i, v := range r.Values() {
			rec[i] = table.Text(v)
		}
		w.Write(rec)
	}
	w.Flush()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
