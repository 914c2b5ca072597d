package github

import (
	"context"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// BenchmarkFullSync measures a first sync of the Small organisation at 20 ms latency per request
// (concurrency 4): requests per 1,000 pull requests, wall time, and the lower bound
// requests × latency ÷ concurrency measured in the same run.
func BenchmarkFullSync(b *testing.B) {
	const latency = 20 * time.Millisecond
	s := startSim(b, org.Params{Seed: 11, Size: org.Small}, simulate.Faults{Latency: latency})
	cfg := testConfig(s)
	prs := s.Truth().Counts.PullRequests
	var reqs int64
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		_, sk := openSink(b)
		c := testConnector(b, cfg, nil, simulate.DefaultGitHubToken)
		s.ResetRequests()
		start := time.Now()
		if err := c.Sync(context.Background(), sk, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		reqs += s.Requests().ByAPI[simulate.APIGitHub]
	}
	n := float64(b.N)
	lower := time.Duration(float64(reqs) / n * float64(latency) / float64(cfg.Concurrency))
	b.ReportMetric(float64(reqs)/n, "requests")
	b.ReportMetric(float64(reqs)/n*1000/float64(prs), "requests/1000PRs")
	b.ReportMetric(wall.Seconds()/n, "wall_s")
	b.ReportMetric(lower.Seconds(), "lowerbound_s")
	b.ReportMetric(wall.Seconds()/n/lower.Seconds(), "wall/lowerbound")
	b.ReportMetric(float64(prs), "PRs")
}
