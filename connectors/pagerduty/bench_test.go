package pagerduty_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
)

var (
	bigOnce sync.Once
	bigOrg  *org.Org
)

// benchOrg has about 100,000 incidents visible at its now (Medium, activity ×21.5).
func benchOrg() *org.Org {
	bigOnce.Do(func() { bigOrg = org.Generate(org.Params{Seed: 3, Size: org.Medium, Scale: 21.5}) })
	return bigOrg
}

// discardSink accepts every batch without storing it: the collection alone.
type discardSink struct{}

func (discardSink) Commit(_ context.Context, b connectors.Batch) (connectors.Counts, error) {
	return connectors.Counts{Fetched: len(b.Raw), New: len(b.Raw)}, nil
}
func (discardSink) Cursor(context.Context, connectors.CursorKey) (connectors.Cursor, bool, error) {
	return connectors.Cursor{}, false, nil
}
func (discardSink) LiveIDs(context.Context, string, string, string) ([]string, error) {
	return nil, nil
}
func (discardSink) Raw(context.Context, string, string, []string) ([]models.RawRecord, error) {
	return nil, nil
}

// benchSync syncs the 100k-incident organisation served with 20 ms latency per request and
// reports requests, wall time and the lower bound requests × latency ÷ concurrency.
func benchSync(b *testing.B, withDB bool) {
	const latency = 20 * time.Millisecond
	o := benchOrg()
	srv := startSim(b, o, simulate.Faults{Latency: latency})
	incidents := len(o.IncidentsUpTo(o.Now))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var s connectors.Sink = discardSink{}
		var d *db
		restore := func() {}
		if withDB {
			d = openDB(b)
			s = d.sink
			// As syncer.Sync does: DuckDB's writes leave a core to the collection.
			var err error
			if restore, err = d.st.ShareCores(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		c := connector(b, srv, config(srv), nil)
		b.StartTimer()
		t0 := time.Now()
		if err := c.Sync(context.Background(), s, connectors.SyncOptions{ConfigHash: "bench"}); err != nil {
			b.Fatal(err)
		}
		restore() // as syncer.Sync does: the derive step runs on every core
		if withDB {
			if err := d.sink.Derive(context.Background(), c); err != nil {
				b.Fatal(err)
			}
		}
		wall := time.Since(t0)
		req := c.Transport().TotalRequests()
		bound := time.Duration(req) * latency / time.Duration(c.Transport().Concurrency())
		b.ReportMetric(float64(incidents), "incidents")
		b.ReportMetric(float64(req), "requests")
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(bound.Seconds(), "bound_s")
		b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/bound")
		if withDB {
			b.StopTimer()
			if n := queryInt(b, d, `SELECT count(*) FROM incidents`); n != incidents {
				b.Fatalf("%d incidents stored, want %d", n, incidents)
			}
			b.StartTimer()
		}
	}
}

// BenchmarkSync100kFetch measures the collection (HTTP, decoding, mapping) with a sink that
// discards the batches.
func BenchmarkSync100kFetch(b *testing.B) { benchSync(b, false) }

// BenchmarkSync100kDuckDB measures the whole sync into DuckDB through the pipeline's sink, plus the
// derive step, as syncer.Sync runs them.
func BenchmarkSync100kDuckDB(b *testing.B) { benchSync(b, true) }
