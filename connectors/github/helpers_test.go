package github

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

const tokenEnv = "SIM_GITHUB_TOKEN"

func startSim(t testing.TB, p org.Params, f simulate.Faults) *simulate.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	// A quota this large never reaches the pacing threshold: the simulator's counter wraps instead
	// of resetting, which would make pacing wait for real (the pacer has its own test).
	s, err := simulate.Start(ctx, org.Generate(p), simulate.Options{Faults: f, GitHubRateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testConfig(s *simulate.Server) *Config {
	c := newConfig()
	c.BaseURL = s.GitHubURL()
	c.TokenEnv = tokenEnv
	c.Orgs = []string{s.Org().GitHubOwner}
	c.IncludeArchived = true
	return c
}

// noSleep returns at once (or with the context's error): retry waits are not what tests measure.
func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func testConnector(t testing.TB, cfg *Config, base http.RoundTripper, token string) *Connector {
	t.Helper()
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	env := connectors.Env{Secrets: map[string]string{tokenEnv: token}, Transport: base}
	c, err := newConnector(cfg, env, httpx.Options{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Sleep: noSleep}, noSleep)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openSink(t testing.TB) (*store.Store, *sink.Sink) {
	t.Helper()
	st := storetest.Open(t)
	return st, sink.New(st, nil)
}

func syncAndDerive(t testing.TB, c *Connector, sk *sink.Sink, opts connectors.SyncOptions) {
	t.Helper()
	ctx := context.Background()
	if err := c.Sync(ctx, sk, opts); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if err := sk.Derive(ctx, c); err != nil {
		t.Fatalf("derive: %v", err)
	}
}

var fingerprintTables = []string{"pull_requests", "pr_commits", "pr_reviews", "deployments", "deployment_prs", "accounts"}

// fingerprint hashes every row of the GitHub canonical tables in a fixed order.
func fingerprint(t testing.TB, st *store.Store) string {
	t.Helper()
	var qs []string
	for _, tb := range fingerprintTables {
		q := "SELECT * FROM " + tb
		if tb == "accounts" {
			q += " WHERE source = 'github'"
		}
		qs = append(qs, q+" ORDER BY ALL")
	}
	return storetest.Fingerprint(t, st, qs...)
}

// count is the shared store test helper.
var count = storetest.Count

// cancelAfter cancels a context once n requests have been sent through it.
type cancelAfter struct {
	base   http.RoundTripper
	n      int64
	sent   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.sent.Add(1) == c.n {
		c.cancel()
	}
	return c.base.RoundTrip(r)
}
