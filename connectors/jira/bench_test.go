package jira

import (
	"context"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// BenchmarkSync100k is one full sync of about 100,000 issues (a Large organisation at 1.82×
// volume) with 20 ms of latency per request, in each mode. It reports the requests made, the
// wall time and the lower bound requests × latency ÷ concurrency, measured in the same run.
//
//	go test -run '^$' -bench Sync100k -benchtime 1x -timeout 30m ./connectors/jira/
func BenchmarkSync100k(b *testing.B) {
	o := org.Generate(org.Params{Seed: 1, Size: org.Large, Scale: 1.82})
	const latency = 20 * time.Millisecond
	for _, mode := range modes {
		b.Run(string(mode), func(b *testing.B) {
			for range b.N {
				srv := startSim(b, o, mode, simulate.Faults{Latency: latency}, simulate.Handlers{})
				db := newDB(b)
				s := openSource(b, srv, mode, nil, nil)
				srv.ResetRequests()
				start := time.Now()
				if _, err := syncAndDerive(b, context.Background(), s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
					b.Fatal(err)
				}
				wall := time.Since(start)
				reqs := srv.Requests().ByAPI[simulate.APIJira]
				issues := db.count(b, `SELECT count(*) FROM tickets WHERE source = 'jira'`)
				if want := o.Truth(srv.Now()).Counts.Tickets; issues != want {
					b.Fatalf("synced %d tickets, truth %d", issues, want)
				}
				conc := s.Transport().Concurrency()
				b.ReportMetric(float64(issues), "issues")
				b.ReportMetric(float64(reqs), "requests")
				b.ReportMetric(wall.Seconds(), "wall_s")
				b.ReportMetric(float64(reqs)*latency.Seconds()/float64(conc), "lower_bound_s")
			}
		})
	}
}
