package jira

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/jiraapi"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/sink"
)

var modes = []apicommon.JiraMode{apicommon.JiraCloud, apicommon.JiraDataCenter}

// checkTruth compares the canonical tables with the organisation's truth at now.
func checkTruth(t *testing.T, db *testDB, o *org.Org, now time.Time) {
	t.Helper()
	tr := o.Truth(now).Counts
	live := `FROM tickets WHERE source = 'jira' AND deleted_at IS NULL`
	eq := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %d, truth %d", what, got, want)
		}
	}
	eq("tickets", db.count(t, `SELECT count(*) `+live), tr.Tickets)
	eq("tickets reopened", db.count(t, `SELECT count(*) `+live+` AND reopen_count > 0`), tr.TicketsReopened)
	eq("tickets open (category)", db.count(t, `SELECT count(*) `+live+` AND status_category <> 'done'`), tr.TicketsOpen)
	eq("tickets open (resolved_at null)", db.count(t, `SELECT count(*) `+live+` AND resolved_at IS NULL`), tr.TicketsOpen)
	eq("tickets priority raised", db.count(t, `SELECT count(*) `+live+` AND priority_raised`), tr.TicketsPriorityRaised)
	eq("tickets escalation label", db.count(t, `SELECT count(*) `+live+` AND escalation_label_added`), tr.TicketsEscalationLabel)
	eq("tickets with due date", db.count(t, `SELECT count(*) `+live+` AND due_date IS NOT NULL`), tr.TicketsWithDueDate)
	for _, f := range []string{"status", "priority", "assignee", "labels"} {
		eq("changelog items "+f, db.count(t, `SELECT count(*) FROM ticket_changes c JOIN tickets t USING (ticket_id)
			WHERE t.deleted_at IS NULL AND c.field = ?`, f), tr.ChangelogItemsByField[f])
	}
	seen := 0
	hidden := 0
	for _, a := range o.Truth(now).Identity.Accounts {
		if a.Source == "jira" && a.Seen {
			seen++
		}
	}
	for _, p := range o.People {
		if p.Jira != nil && p.Jira.EmailHidden {
			hidden++
		}
	}
	eq("jira accounts", db.count(t, `SELECT count(*) FROM accounts WHERE source = 'jira'`), seen)
	if hidden > 0 && db.count(t, `SELECT count(*) FROM accounts WHERE source = 'jira' AND email IS NULL`) == 0 {
		t.Errorf("no account without email, though %d people hide theirs", hidden)
	}
}

func TestSyncEqualsTruthWithFaults(t *testing.T) {
	o := testOrg()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			srv := startSim(t, o, mode, simulate.AllFaults(), simulate.Handlers{})
			db := newDB(t)
			cfg := testConfig(srv, mode)
			cfg.Deployment = "" // detected from serverInfo
			s := openSource(t, srv, mode, cfg, nil)
			if _, err := syncAndDerive(t, context.Background(), s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
				t.Fatal(err)
			}
			if s.cloud != (mode == apicommon.JiraCloud) {
				t.Fatalf("deployment detected as cloud=%v in mode %s", s.cloud, mode)
			}
			checkTruth(t, db, o, srv.Now())
			rq := srv.Requests()
			faults := int64(0)
			for _, n := range rq.Faults {
				faults += n
			}
			if faults == 0 {
				t.Errorf("no fault was injected: %v", rq.Faults)
			}
			if mode == apicommon.JiraCloud {
				for p, n := range rq.ByPath {
					if strings.HasSuffix(p, "/rest/api/2/search") || strings.HasSuffix(p, "/rest/api/3/search") {
						t.Errorf("removed endpoint called: %s ×%d", p, n)
					}
				}
				if rq.ByPath["POST /jira/rest/api/3/search/jql"] == 0 {
					t.Errorf("enhanced search never called: %v", rq.Paths())
				}
			}
			// custom fields by configured name
			if n := db.count(t, `SELECT count(*) FROM tickets WHERE source = 'jira' AND json_extract(custom_fields, '$."Story Points"') IS NOT NULL
				AND json_type(json_extract(custom_fields, '$."Story Points"')) <> 'NULL'`); n == 0 {
				t.Errorf("no ticket carries Story Points")
			}
		})
	}
}

func TestChangelogEndpointCompletesTruncatedSearch(t *testing.T) {
	o := testOrg()
	h := simulate.Handlers{Jira: func(o *org.Org, c apicommon.Clock, cfg apicommon.Config) http.Handler {
		return jiraapi.NewWithOptions(o, c, cfg, jiraapi.Options{SearchChangelogMax: 2})
	}}
	srv := startSim(t, o, apicommon.JiraCloud, simulate.AllFaults(), h)
	db := newDB(t)
	s := openSource(t, srv, apicommon.JiraCloud, nil, nil)
	if _, err := syncAndDerive(t, context.Background(), s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
		t.Fatal(err)
	}
	checkTruth(t, db, o, srv.Now())
	n := 0
	for p, c := range srv.Requests().ByPath {
		if strings.HasSuffix(p, "/changelog") {
			n += int(c)
		}
	}
	if n == 0 {
		t.Fatal("changelog endpoint never called although search embedded only 2 histories")
	}
	if db.count(t, `SELECT count(*) FROM raw_records WHERE source = 'jira' AND entity = 'changelog'`) == 0 {
		t.Fatal("no changelog raw records")
	}
}

func TestSecondSyncAndAdvance(t *testing.T) {
	o := tiny()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			srv := startSim(t, o, mode, simulate.Faults{}, simulate.Handlers{})
			db := newDB(t)
			cnt := &counter{base: http.DefaultTransport}
			s := openSource(t, srv, mode, nil, cnt)
			ctx := context.Background()
			opts := connectors.SyncOptions{ConfigHash: "h", Overlap: time.Hour}
			if _, err := syncAndDerive(t, ctx, s, db, opts); err != nil {
				t.Fatal(err)
			}
			fp := db.fingerprint(t)
			before := cnt.total()
			c, err := syncAndDerive(t, ctx, s, db, opts)
			if err != nil {
				t.Fatal(err)
			}
			reqs := cnt.total() - before
			if reqs > 6 {
				t.Errorf("second sync made %d requests, want at most 6: %v", reqs, cnt.n)
			}
			if c.New != 0 || c.Updated != 0 || c.Deleted != 0 {
				t.Errorf("second sync changed raw records: %+v", c)
			}
			if fp2 := db.fingerprint(t); fp2 != fp {
				t.Errorf("second sync changed the canonical tables")
			}

			// Advance 30 days: only issues updated since cursor − overlap are fetched, once each.
			cur, _, _ := sink.New(db.st, nil).Cursor(ctx, connectors.CursorKey{Source: Name, Entity: entityIssue})
			now := srv.Advance(30)
			since := cur.Since.Add(-time.Hour).Truncate(time.Minute)
			want := 0
			for _, is := range o.IssuesUpTo(now) {
				if is.VisibleAt(now) && !is.UpdatedAt(now).Before(since) {
					want++
				}
			}
			fetched := 0
			opts.Progress = func(_ string, n int) { fetched += n }
			c, err = syncAndDerive(t, ctx, s, db, opts)
			if err != nil {
				t.Fatal(err)
			}
			if fetched != want || c.Fetched != want {
				t.Errorf("after advance fetched %d (counts %d), want exactly the %d issues updated since %s", fetched, c.Fetched, want, since)
			}
			if c.New == 0 || c.Updated == 0 {
				t.Errorf("after advance expected new and updated issues: %+v", c)
			}
			// an incremental sync cannot see deletions; a full sync then matches the truth
			if _, err := syncAndDerive(t, ctx, s, db, connectors.SyncOptions{ConfigHash: "h", Full: true}); err != nil {
				t.Fatal(err)
			}
			checkTruth(t, db, o, now)
		})
	}
}

// TestTimeZoneNearMidnight syncs just before midnight (user time and UTC), then again hours
// later: every issue updated in between must arrive. A JQL date written in UTC for the
// America/Los_Angeles user would start 8 hours late and miss them.
func TestTimeZoneNearMidnight(t *testing.T) {
	o := testOrg()
	la, _ := time.LoadLocation("America/Los_Angeles")
	for _, start := range []time.Time{
		time.Date(2025, 11, 3, 23, 50, 0, 0, la),       // just before midnight for the user
		time.Date(2025, 11, 5, 23, 50, 0, 0, time.UTC), // just before midnight UTC
	} {
		srv := startSim(t, o, apicommon.JiraCloud, simulate.Faults{}, simulate.Handlers{})
		srv.SetNow(start)
		db := newDB(t)
		cfg := testConfig(srv, apicommon.JiraCloud)
		cfg.Since = connectors.Date{Time: start.AddDate(0, 0, -20)} // keeps the test fast
		s := openSource(t, srv, apicommon.JiraCloud, cfg, nil)
		ctx := context.Background()
		opts := connectors.SyncOptions{ConfigHash: "h", Overlap: time.Hour}
		if _, err := syncAndDerive(t, ctx, s, db, opts); err != nil {
			t.Fatal(err)
		}
		later := start.Add(7 * time.Hour)
		srv.SetNow(later)
		if _, err := syncAndDerive(t, ctx, s, db, opts); err != nil {
			t.Fatal(err)
		}
		changed, stale := 0, 0
		for _, is := range o.IssuesUpTo(later) {
			if !is.VisibleAt(later) {
				continue
			}
			u := is.UpdatedAt(later)
			if u.After(start) {
				changed++
				var got time.Time
				if err := db.st.DB().QueryRow(`SELECT updated_at FROM tickets WHERE ticket_id = ?`, models.ID(Name, entityIssue, is.ID)).Scan(&got); err != nil || !got.Equal(u) {
					stale++
				}
			}
		}
		if changed == 0 {
			t.Fatalf("%s: no issue changed in the window; the test proves nothing", start)
		}
		if stale > 0 {
			t.Errorf("%s: %d of %d issues updated after the first sync were missed", start, stale, changed)
		}
	}
}

func TestBuildJQLUsesUserTimeZone(t *testing.T) {
	s := &Source{cfg: Config{JQL: "project in (PAY, OPS)"}}
	la, _ := time.LoadLocation("America/Los_Angeles")
	got := s.buildJQL(time.Date(2026, 1, 5, 7, 30, 59, 0, time.UTC), la)
	want := `(project in (PAY, OPS)) AND updated >= "2026/01/04 23:30" ORDER BY updated ASC, key ASC`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestKillAndResumeEqualsCleanSync(t *testing.T) {
	o := tiny()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			srv := startSim(t, o, mode, simulate.Faults{}, simulate.Handlers{})
			cfg := testConfig(srv, mode)
			cfg.Deployment = string(mode)
			cfg.PageSize = 25
			cfg.Since = connectors.Date{Time: srv.Now().AddDate(0, 0, -120)} // a few pages, to keep 20 syncs fast
			opts := connectors.SyncOptions{ConfigHash: "h", Overlap: time.Hour}
			clean := newDB(t)
			cnt := &counter{base: http.DefaultTransport}
			if _, err := syncAndDerive(t, context.Background(), openSource(t, srv, mode, cfg, cnt), clean, opts); err != nil {
				t.Fatal(err)
			}
			want := clean.fingerprint(t)
			total := cnt.total()
			for seed := uint64(1); seed <= 10; seed++ {
				r := rand.New(rand.NewPCG(seed, 7))
				db := newDB(t)
				killed := 0
				for attempt := 0; ; attempt++ {
					if attempt > 50 {
						t.Fatalf("seed %d: no completion after 50 attempts", seed)
					}
					ctx, cancel := context.WithCancel(context.Background())
					k := &killer{base: http.DefaultTransport, after: int64(1 + r.IntN(total-1))}
					if killed > 0 {
						k.after = 1 << 40 // one cancellation per seed, then completion
					}
					k.cancel = cancel
					src := openSource(t, srv, mode, cfg, k)
					src.commitEvery = cfg.PageSize // commit every page: many cursors to resume from
					_, err := syncAndDerive(t, ctx, src, db, opts)
					cancel()
					if err == nil {
						break
					}
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("seed %d: sync failed with %v, want context.Canceled", seed, err)
					}
					killed++
				}
				if killed == 0 {
					t.Errorf("seed %d: never killed", seed)
				}
				if got := db.fingerprint(t); got != want {
					t.Errorf("seed %d: after %d kills the tables differ from a clean sync", seed, killed)
				}
			}
		})
	}
}

func TestRebuildFromRawEqualsSync(t *testing.T) {
	o := tiny()
	srv := startSim(t, o, apicommon.JiraCloud, simulate.Faults{}, simulate.Handlers{})
	db := newDB(t)
	s := openSource(t, srv, apicommon.JiraCloud, nil, nil)
	ctx := context.Background()
	if _, err := syncAndDerive(t, ctx, s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
		t.Fatal(err)
	}
	want := db.fingerprint(t)
	for _, q := range []string{`DELETE FROM tickets WHERE source = 'jira'`, `DELETE FROM ticket_changes WHERE change_id LIKE 'jira:%'`,
		`DELETE FROM accounts WHERE source = 'jira'`} {
		if _, err := db.st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.st.DB().Query(`SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
		FROM raw_records WHERE source = 'jira' ORDER BY entity DESC, native_id`)
	if err != nil {
		t.Fatal(err)
	}
	raws, err := sink.ScanRaw(rows)
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	// a fresh connector, which has never seen /field: Map learns the custom fields from the raws
	fresh := openSource(t, srv, apicommon.JiraCloud, nil, nil)
	var out []models.Row
	if err := fresh.Map(ctx, raws, func(r models.Row) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	sk := sink.New(db.st, nil)
	if _, err := sk.Commit(ctx, connectors.Batch{Entity: "rebuild", Rows: out}); err != nil {
		t.Fatal(err)
	}
	if err := sk.Derive(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if got := db.fingerprint(t); got != want {
		t.Fatal("rebuild from raw records differs from the sync")
	}
}

func TestFullSyncMarksDeleted(t *testing.T) {
	o := testOrg()
	srv := startSim(t, o, apicommon.JiraDataCenter, simulate.Faults{}, simulate.Handlers{})
	db := newDB(t)
	s := openSource(t, srv, apicommon.JiraDataCenter, nil, nil)
	ctx := context.Background()
	if _, err := syncAndDerive(t, ctx, s, db, connectors.SyncOptions{ConfigHash: "h"}); err != nil {
		t.Fatal(err)
	}
	t0 := srv.Now()
	t1 := srv.Advance(90)
	gone := 0
	for _, is := range o.IssuesUpTo(t0) {
		if is.VisibleAt(t0) && !is.VisibleAt(t1) {
			gone++
		}
	}
	if gone == 0 {
		t.Fatal("no issue deleted in 90 days; the test proves nothing")
	}
	c, err := syncAndDerive(t, ctx, s, db, connectors.SyncOptions{ConfigHash: "h", Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Deleted != gone {
		t.Errorf("full sync marked %d deleted, want %d", c.Deleted, gone)
	}
	if n := db.count(t, `SELECT count(*) FROM tickets WHERE source = 'jira' AND deleted_at IS NOT NULL`); n != gone {
		t.Errorf("%d tickets carry deleted_at, want %d", n, gone)
	}
	checkTruth(t, db, o, t1)
}

func TestAuthFailureNamesVariables(t *testing.T) {
	o := testOrg()
	for _, mode := range modes {
		srv := startSim(t, o, mode, simulate.Faults{}, simulate.Handlers{})
		cfg := testConfig(srv, mode)
		env := testEnv(srv, nil)
		env.Secrets["JIRA_TOKEN"] = "wrong"
		s, err := Open(cfg, env, fastRetries)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Sync(context.Background(), sink.New(newDB(t).st, nil), connectors.SyncOptions{})
		var ae *connectors.AuthError
		if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || !strings.Contains(strings.Join(ae.Env, ","), "JIRA_TOKEN") {
			t.Fatalf("%s: got %v, want an AuthError naming JIRA_TOKEN", mode, err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Fatal("the error shows the token")
		}
		if n := strings.Count(err.Error(), "credentials rejected"); n != 1 {
			t.Fatalf("%s: the rejection appears %d times: %v", mode, n, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{BaseURL: "https://acme.atlassian.net", Deployment: "cloud", EmailEnv: "E", TokenEnv: "T"}
	if errs := good.Validate(); len(errs) != 0 {
		t.Fatalf("valid config rejected: %v", errs)
	}
	bad := Config{BaseURL: "acme", Deployment: "server", JQL: "project = X ORDER BY key", EscalationLabels: []string{"a b"}, PageSize: 5000}
	keys := map[string]bool{}
	for _, e := range bad.Validate() {
		keys[e.Key] = true
	}
	for _, k := range []string{"base_url", "deployment", "token_env", "jql", "escalation_labels[0]", "page_size"} {
		if !keys[k] {
			t.Errorf("no error for %s (got %v)", k, keys)
		}
	}
	dc := Config{BaseURL: "https://jira.acme.example", Deployment: "datacenter", EmailEnv: "E", TokenEnv: "T"}
	if len(dc.Validate()) != 1 {
		t.Errorf("datacenter with email_env accepted")
	}
	if got := (&Config{TokenEnv: "T", EmailEnv: "E"}).SecretEnvs(); got["token_env"] != "T" || got["email_env"] != "E" {
		t.Errorf("SecretEnvs %v", got)
	}
}
