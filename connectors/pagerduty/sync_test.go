package pagerduty_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/connectors/pagerduty"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

func checkTruth(t *testing.T, d *db, truth org.Counts) {
	t.Helper()
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty'`); n != truth.Incidents {
		t.Errorf("incidents: %d, truth %d", n, truth.Incidents)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty' AND escalation_count >= 1`); n != truth.IncidentsEscalated {
		t.Errorf("escalated incidents: %d, truth %d", n, truth.IncidentsEscalated)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty' AND reassignment_count >= 1`); n != truth.IncidentsReassigned {
		t.Errorf("reassigned incidents: %d, truth %d", n, truth.IncidentsReassigned)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty' AND resolved_at IS NOT NULL`); n != truth.IncidentsResolved {
		t.Errorf("resolved incidents: %d, truth %d", n, truth.IncidentsResolved)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty' AND acknowledged_at IS NOT NULL AND first_responder_account_id IS NOT NULL`); n != truth.LogEntriesByType["acknowledge_log_entry"]-truth.LogEntriesByType["assign_log_entry"] {
		t.Errorf("acknowledged incidents with a first responder: %d", n)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incident_events WHERE event_id LIKE 'pagerduty:%'`); n != truth.LogEntries {
		t.Errorf("log entries: %d, truth %d", n, truth.LogEntries)
	}
	for ty, want := range truth.LogEntriesByType {
		if n := queryInt(t, d, `SELECT count(*) FROM incident_events WHERE type = ? AND event_id LIKE 'pagerduty:%'`, ty[:len(ty)-len("_log_entry")]); n != want {
			t.Errorf("%s: %d, truth %d", ty, n, want)
		}
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incidents WHERE source = 'pagerduty' AND status <> 'resolved' AND resolved_at IS NOT NULL`); n != 0 {
		t.Errorf("%d open incidents with resolved_at", n)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM incident_events e LEFT JOIN incidents i USING (incident_id) WHERE i.incident_id IS NULL`); n != 0 {
		t.Errorf("%d events without their incident", n)
	}
	if n := queryInt(t, d, `SELECT count(*) FROM (SELECT DISTINCT unnest(assignee_account_ids) a FROM incident_events) x LEFT JOIN accounts ON account_id = a WHERE account_id IS NULL`); n != 0 {
		t.Errorf("%d assignees without an account", n)
	}
}

// TestSyncWithFaults: every fault on, counts equal the truth; a second sync changes nothing with
// a handful of requests; after 30 days only the new windows are fetched, without duplicates.
func TestSyncWithFaults(t *testing.T) {
	ctx := context.Background()
	o := testOrg()
	srv := startSim(t, o, simulate.AllFaults())
	d := openDB(t)
	c := connector(t, srv, config(srv), nil)
	if err := syncOnce(ctx, t, c, d, connectors.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	truth := srv.Truth().Counts
	checkTruth(t, d, truth)
	if n := queryInt(t, d, `SELECT count(*) FROM accounts WHERE source = 'pagerduty' AND email IS NOT NULL`); n == 0 {
		t.Error("no accounts with email")
	}
	first := c.Transport().TotalRequests()
	fp := fingerprint(t, d)

	// Second sync, nothing changed.
	srv.SetFaults(simulate.Faults{})
	c2 := connector(t, srv, config(srv), nil)
	before := d.sink.Totals()
	if err := syncOnce(ctx, t, c2, d, connectors.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := c2.Transport().TotalRequests(); n > 8 {
		t.Errorf("no-change sync made %d requests, want <= 8", n)
	}
	after := d.sink.Totals()
	for k, a := range after {
		b := before[k]
		if a.New != b.New || a.Updated != b.Updated || a.Deleted != b.Deleted {
			t.Errorf("%s changed: before %+v after %+v", k, b, a)
		}
	}
	if fingerprint(t, d) != fp {
		t.Error("no-change sync changed the canonical tables")
	}

	// Thirty days later.
	srv.Advance(30)
	c3 := connector(t, srv, config(srv), nil)
	if err := syncOnce(ctx, t, c3, d, connectors.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	checkTruth(t, d, srv.Truth().Counts)
	inc, le := c3.Transport().Stats(pagerduty.EntityIncident).Requests.Load(), c3.Transport().Stats(pagerduty.EntityLogEntry).Requests.Load()
	newEntries := srv.Truth().Counts.LogEntries - truth.LogEntries
	if le > int64(newEntries/100+4) || c3.Transport().TotalRequests() > first/4 {
		t.Errorf("after 30 days: %d incident and %d log entry requests (of %d total; first sync %d) for %d new entries",
			inc, le, c3.Transport().TotalRequests(), first, newEntries)
	}
	t.Logf("first sync %d requests; no-change sync %d; after 30 days %d (incident %d, log entry %d)",
		first, c2.Transport().TotalRequests(), c3.Transport().TotalRequests(), inc, le)
}

// TestKillAndResume cancels the sync after a random number of requests, ten times, then lets it
// finish: the tables equal those of one uninterrupted sync.
func TestKillAndResume(t *testing.T) {
	ctx := context.Background()
	o := testOrg()
	srv := startSim(t, o, simulate.Faults{})
	// Three months keep ten interrupted syncs fast (and exercise the since scope: entries of
	// incidents created before it are left out).
	cfg := config(srv)
	cfg.Since = connectors.Date{Time: o.Now.AddDate(0, -3, 0)}
	ref := openDB(t)
	rc := connector(t, srv, cfg, nil)
	if err := syncOnce(ctx, t, rc, ref, connectors.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, ref)
	wantInc := 0
	for _, in := range o.IncidentsUpTo(o.Now) {
		if !in.CreatedAt.Before(cfg.Since.Time) {
			wantInc++
		}
	}
	if n := queryInt(t, ref, `SELECT count(*) FROM incidents`); n != wantInc {
		t.Fatalf("%d incidents since %s, want %d", n, cfg.Since.Format("2006-01-02"), wantInc)
	}
	if n := queryInt(t, ref, `SELECT count(*) FROM incident_events e JOIN incidents i USING (incident_id) WHERE e.created_at < i.created_at`); n != 0 {
		t.Fatalf("%d events before their incident", n)
	}
	total := rc.Transport().TotalRequests()
	for seed := uint64(1); seed <= 10; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		d := openDB(t)
		kctx, cancel := context.WithCancel(ctx)
		ct := &counting{limit: 1 + r.Int64N(total-1), cancel: cancel}
		c := connector(t, srv, cfg, ct)
		err := syncOnce(kctx, t, c, d, connectors.SyncOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("seed %d: cancelled after %d requests: err %v", seed, ct.limit, err)
		}
		c2 := connector(t, srv, cfg, nil)
		if err := syncOnce(ctx, t, c2, d, connectors.SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := fingerprint(t, d); got != want {
			t.Errorf("seed %d (killed after %d of %d requests): tables differ from an uninterrupted sync", seed, ct.limit, total)
		}
	}
}

// TestAuth: a rejected token names the environment variable, in Sync and in Ping.
func TestAuth(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, testOrg(), simulate.Faults{})
	cfg := config(srv)
	c, err := pagerduty.New(cfg, connectors.Env{Secrets: map[string]string{tokenEnv: "wrong"}, Now: srv.Now})
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{"ping": c.Ping(ctx), "sync": c.Sync(ctx, openDB(t).sink, connectors.SyncOptions{})} {
		var ae *connectors.AuthError
		if !errors.As(err, &ae) || !errors.Is(err, connectors.ErrAuth) || len(ae.Env) != 1 || ae.Env[0] != tokenEnv || ae.Status != 401 {
			t.Errorf("%s: want AuthError naming %s, got %v", name, tokenEnv, err)
		}
		if n := strings.Count(err.Error(), "credentials rejected"); n != 1 {
			t.Errorf("%s: the rejection appears %d times: %v", name, n, err)
		}
	}
	good := connector(t, srv, cfg, nil)
	if err := good.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n := good.Transport().TotalRequests(); n != 1 {
		t.Fatalf("ping made %d requests", n)
	}
}

// TestWindowsFollowTheSourceClock: with this machine's clock 30 days behind or ahead of
// PagerDuty's, a sync gets every incident, and an incremental sync after ten more days of
// incidents gets every new one: windows and cursors end at the source's now (its Date header).
func TestWindowsFollowTheSourceClock(t *testing.T) {
	ctx := context.Background()
	for _, shift := range []time.Duration{-30 * 24 * time.Hour, 30 * 24 * time.Hour} {
		srv := startSim(t, testOrg(), simulate.Faults{})
		d := openDB(t)
		local := func() time.Time { return srv.Now().Add(shift) }
		open := func() *pagerduty.Connector {
			c, err := pagerduty.New(config(srv), connectors.Env{Secrets: map[string]string{tokenEnv: simulate.DefaultPagerDutyToken},
				Now: local}, pagerduty.WithHTTPX(func(o *httpx.Options) {
				o.MinBackoff, o.MaxBackoff, o.MinRetryWait = time.Millisecond, 5*time.Millisecond, time.Millisecond
			}))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if err := syncOnce(ctx, t, open(), d, connectors.SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("local clock %+dd, first sync", int(shift.Hours()/24)), func(t *testing.T) { checkTruth(t, d, srv.Truth().Counts) })
		before := srv.Truth().Counts.Incidents
		srv.Advance(10)
		if srv.Truth().Counts.Incidents == before {
			t.Fatal("no new incidents in ten days: the test proves nothing")
		}
		if err := syncOnce(ctx, t, open(), d, connectors.SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("local clock %+dd, ten days later", int(shift.Hours()/24)), func(t *testing.T) { checkTruth(t, d, srv.Truth().Counts) })
	}
}
