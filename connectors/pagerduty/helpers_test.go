package pagerduty_test

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/connectors/pagerduty"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

const tokenEnv = "PD_TEST_TOKEN"

var (
	orgOnce  sync.Once
	smallOrg *org.Org
)

func testOrg() *org.Org {
	orgOnce.Do(func() { smallOrg = org.Generate(org.Params{Seed: 7, Size: org.Small}) })
	return smallOrg
}

func startSim(t testing.TB, o *org.Org, f simulate.Faults) *simulate.Server {
	t.Helper()
	srv, err := simulate.Start(context.Background(), o, simulate.Options{Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

type db struct {
	st   *store.Store
	sink *sink.Sink
}

func openDB(t testing.TB) *db {
	t.Helper()
	st := storetest.Open(t)
	return &db{st: st, sink: sink.New(st, nil)}
}

func config(srv *simulate.Server) *pagerduty.Config {
	return &pagerduty.Config{BaseURL: srv.PagerDutyURL(), TokenEnv: tokenEnv, Concurrency: 4,
		Since: connectors.Date{Time: srv.Org().Start.AddDate(0, -1, 0)}}
}

func connector(t testing.TB, srv *simulate.Server, cfg *pagerduty.Config, base http.RoundTripper) *pagerduty.Connector {
	t.Helper()
	c, err := pagerduty.New(cfg, connectors.Env{Secrets: map[string]string{tokenEnv: simulate.DefaultPagerDutyToken},
		Transport: base, Now: srv.Now}, pagerduty.WithHTTPX(func(o *httpx.Options) {
		o.MinBackoff, o.MaxBackoff, o.MinRetryWait = time.Millisecond, 5*time.Millisecond, time.Millisecond
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncOnce runs one sync and the derive step.
func syncOnce(ctx context.Context, t testing.TB, c *pagerduty.Connector, d *db, opts connectors.SyncOptions) error {
	if opts.ConfigHash == "" {
		opts.ConfigHash = "h1"
	}
	if err := c.Sync(ctx, d.sink, opts); err != nil {
		return err
	}
	return d.sink.Derive(ctx, c)
}

func queryInt(t testing.TB, d *db, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, d.st, q, args...)
}

// fingerprint hashes every PagerDuty row of the canonical tables in a fixed order.
func fingerprint(t testing.TB, d *db) string {
	t.Helper()
	return storetest.Fingerprint(t, d.st,
		`SELECT * FROM incidents WHERE source = 'pagerduty' ORDER BY incident_id`,
		`SELECT * FROM incident_events WHERE event_id LIKE 'pagerduty:%' ORDER BY event_id`,
		`SELECT * FROM accounts WHERE source = 'pagerduty' ORDER BY account_id`)
}

// counting wraps a transport, counts requests and cancels after limit of them (0 = never).
type counting struct {
	base   http.RoundTripper
	n      atomic.Int64
	limit  int64
	cancel context.CancelFunc
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	if n := c.n.Add(1); c.limit > 0 && n >= c.limit {
		c.cancel()
	}
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

var _ = sql.ErrNoRows
