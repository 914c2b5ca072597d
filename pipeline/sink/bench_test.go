package sink

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// BenchmarkCommitGrowing commits 40 batches of 5,000 raw payloads (~1 KB each) with their
// canonical rows into a growing table and reports records/s, and the time of the last batch over
// the first: a ratio near 1 means a commit's cost does not grow with the table.
func BenchmarkCommitGrowing(b *testing.B) {
	ctx := context.Background()
	pad := strings.Repeat("x", 900)
	for i := 0; i < b.N; i++ {
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		s := New(st, nil)
		now := time.Now()
		var first, last time.Duration
		start := time.Now()
		const batches, size = 40, 5000
		for k := 0; k < batches; k++ {
			bt := connectors.Batch{Entity: "incident"}
			for j := 0; j < size; j++ {
				id := fmt.Sprintf("Q%08d", k*size+j)
				bt.Raw = append(bt.Raw, models.RawRecord{Source: "pagerduty", Entity: "incident", NativeID: id,
					Payload: []byte(`{"id":"` + id + `","pad":"` + pad + `"}`), FetchedAt: now})
				bt.Rows = append(bt.Rows, models.Incident{IncidentID: "pagerduty:incident:" + id, Source: "pagerduty", NativeID: id,
					Status: "resolved", CreatedAt: now})
			}
			t0 := time.Now()
			if _, err := s.Commit(ctx, bt); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			if k == 0 {
				first = d
			}
			last = d
		}
		b.ReportMetric(float64(batches*size)/time.Since(start).Seconds(), "records/s")
		b.ReportMetric(last.Seconds()/first.Seconds(), "last/first")
		st.Close()
	}
}
