package jira

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

var (
	smallOnce, tinyOnce sync.Once
	smallOrg, tinyOrg   *org.Org
)

// tiny is a 20-person organisation for the tests that sync many times.
func tiny() *org.Org {
	tinyOnce.Do(func() { tinyOrg = org.Generate(org.Params{Seed: 5, People: 20}) })
	return tinyOrg
}

// testOrg is one small organisation shared by the tests (immutable).
func testOrg() *org.Org {
	smallOnce.Do(func() { smallOrg = org.Generate(org.Params{Seed: 11, Size: org.Small}) })
	return smallOrg
}

func startSim(t testing.TB, o *org.Org, mode apicommon.JiraMode, f simulate.Faults, h simulate.Handlers) *simulate.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := simulate.Start(ctx, o, simulate.Options{JiraMode: mode, Faults: f, Handlers: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	return srv
}

type testDB struct {
	st *store.Store
}

func newDB(t testing.TB) *testDB {
	t.Helper()
	return &testDB{st: storetest.Open(t)}
}

func testConfig(srv *simulate.Server, mode apicommon.JiraMode) *Config {
	c := &Config{BaseURL: srv.JiraURL(), TokenEnv: "JIRA_TOKEN", EscalationLabels: []string{org.EscalationLabel},
		CustomFields: []string{"Story Points", "Severity"}, Concurrency: 4, PageSize: 100}
	if mode == apicommon.JiraCloud {
		c.EmailEnv = "JIRA_EMAIL"
	}
	return c
}

func testEnv(srv *simulate.Server, base http.RoundTripper) connectors.Env {
	return connectors.Env{Secrets: map[string]string{"JIRA_EMAIL": simulate.DefaultJiraEmail, "JIRA_TOKEN": simulate.DefaultJiraToken},
		Transport: base, Now: srv.Now}
}

func dcEnv(srv *simulate.Server, base http.RoundTripper) connectors.Env {
	e := testEnv(srv, base)
	e.Secrets["JIRA_TOKEN"] = simulate.DefaultJiraBearer
	return e
}

// fastRetries keeps retry waits tiny in tests.
var fastRetries = httpx.Options{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MinRetryWait: time.Millisecond}

func openSource(t testing.TB, srv *simulate.Server, mode apicommon.JiraMode, cfg *Config, base http.RoundTripper) *Source {
	t.Helper()
	if cfg == nil {
		cfg = testConfig(srv, mode)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	env := testEnv(srv, base)
	if mode == apicommon.JiraDataCenter {
		env = dcEnv(srv, base)
	}
	s, err := Open(cfg, env, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// syncAndDerive runs one sync into db with a fresh sink and derives; it returns the sink totals.
func syncAndDerive(t testing.TB, ctx context.Context, s *Source, db *testDB, opts connectors.SyncOptions) (connectors.Counts, error) {
	sk := sink.New(db.st, nil)
	if err := s.Sync(ctx, sk, opts); err != nil {
		return connectors.Counts{}, err
	}
	if err := sk.Derive(ctx, s); err != nil {
		t.Fatalf("derive: %v", err)
	}
	return sk.Totals()[Name+"/"+entityIssue], nil
}

func (db *testDB) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, db.st, q, args...)
}

// fingerprint is an ordered hash of every row of the Jira canonical tables.
func (db *testDB) fingerprint(t testing.TB) string {
	t.Helper()
	return storetest.Fingerprint(t, db.st,
		`SELECT * FROM tickets WHERE source = 'jira' ORDER BY ticket_id`,
		`SELECT * FROM ticket_changes WHERE change_id LIKE 'jira:%' ORDER BY change_id`,
		`SELECT * FROM accounts WHERE source = 'jira' ORDER BY account_id`)
}

// killer is a base transport that cancels the sync's context after a number of requests.
type killer struct {
	base   http.RoundTripper
	after  int64
	n      atomic.Int64
	cancel context.CancelFunc
}

func (k *killer) RoundTrip(r *http.Request) (*http.Response, error) {
	if k.n.Add(1) > k.after && k.cancel != nil {
		k.cancel()
	}
	return k.base.RoundTrip(r)
}

// counter counts requests by method and path.
type counter struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	return c.base.RoundTrip(r)
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := 0
	for _, v := range c.n {
		s += v
	}
	return s
}
