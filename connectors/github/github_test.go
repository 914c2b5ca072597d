package github

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/sink"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

var tiny = org.Params{Seed: 7, People: 20, HistoryMonths: 6}

// expectedLinks returns the deployment → PR pairs of the simulator's rule as of now.
func expectedLinks(o *org.Org, now time.Time) map[string]bool {
	out := map[string]bool{}
	for _, d := range o.DeploymentsUpTo(now) {
		if d.Environment != "production" {
			continue
		}
		for _, pr := range d.Ships {
			out[fmt.Sprintf("github:deployment:%d %s", d.ID, PullRequestID(pr.Repo.FullName(), pr.Number))] = true
		}
	}
	return out
}

func TestCountsEqualTruthWithEveryFault(t *testing.T) {
	p := org.Params{Seed: 11, Size: org.Small}
	if testing.Short() {
		p = tiny
	}
	s := startSim(t, p, simulate.AllFaults())
	st, sk := openSink(t)
	c := testConnector(t, testConfig(s), nil, simulate.DefaultGitHubToken)
	syncAndDerive(t, c, sk, connectors.SyncOptions{ConfigHash: "h"})

	faults := s.Requests().Faults
	for _, k := range []simulate.FaultKind{simulate.FaultTooManyRequests, simulate.FaultGitHubPrimary, simulate.FaultGitHubSecondary,
		simulate.FaultServerError, simulate.FaultBadGateway, simulate.FaultDrop, simulate.FaultSlow} {
		if faults[string(k)] == 0 {
			t.Errorf("fault %s never injected", k)
		}
	}
	tr := s.Truth().Counts
	checks := []struct {
		name string
		q    string
		want int
	}{
		{"pull requests", "SELECT count(*) FROM pull_requests", tr.PullRequests},
		{"merged", "SELECT count(*) FROM pull_requests WHERE state = 'merged' AND merged_at IS NOT NULL", tr.PullRequestsMerged},
		{"merged_at only when merged", "SELECT count(*) FROM pull_requests WHERE merged_at IS NOT NULL", tr.PullRequestsMerged},
		{"open", "SELECT count(*) FROM pull_requests WHERE state = 'open'", tr.PullRequestsOpen},
		{"drafts", "SELECT count(*) FROM pull_requests WHERE is_draft", tr.PullRequestsDraft},
		{"changes requested", "SELECT count(DISTINCT pr_id) FROM pr_reviews WHERE state = 'CHANGES_REQUESTED'", tr.PullRequestsChangesRequested},
		{"reviews", "SELECT count(*) FROM pr_reviews", tr.Reviews},
		{"commits", "SELECT count(*) FROM pr_commits", tr.Commits},
		{"commit counts", "SELECT coalesce(sum(commit_count), 0) FROM pull_requests", tr.Commits},
		{"reverts", "SELECT count(*) FROM pull_requests WHERE is_revert", tr.RevertPRs},
		{"reverts linked", "SELECT count(*) FROM pull_requests WHERE is_revert AND reverts_pr_id IS NOT NULL", tr.RevertsLinked},
		{"deployments", "SELECT count(*) FROM deployments", tr.DeploymentsByEnv["production"]},
		{"deployments linked", "SELECT count(DISTINCT deployment_id) FROM deployment_prs", tr.DeploymentsLinked},
		{"first commit set", "SELECT count(*) FROM pull_requests WHERE first_commit_at IS NOT NULL", tr.PullRequests},
	}
	for _, ch := range checks {
		if got := count(t, st, ch.q); got != ch.want || ch.want == 0 && ch.name != "drafts" {
			t.Errorf("%s: got %d, truth %d", ch.name, got, ch.want)
		}
	}

	// Every revert points at the PR it reverts, every link is the simulator's.
	o, now := s.Org(), s.Now()
	for _, pr := range o.PullRequestsUpTo(now) {
		if pr.Reverts == nil {
			continue
		}
		var got string
		if err := st.DB().QueryRow("SELECT coalesce(reverts_pr_id, '') FROM pull_requests WHERE pr_id = ?", PullRequestID(pr.Repo.FullName(), pr.Number)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := PullRequestID(pr.Reverts.Repo.FullName(), pr.Reverts.Number); got != want {
			t.Errorf("revert %s links %q, want %q", pr.Title, got, want)
		}
	}
	want := expectedLinks(o, now)
	rows, err := st.DB().Query("SELECT deployment_id || ' ' || pr_id FROM deployment_prs")
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for rows.Next() {
		var k string
		rows.Scan(&k)
		got++
		if !want[k] {
			t.Errorf("unexpected link %s", k)
		}
	}
	rows.Close()
	if got != len(want) {
		t.Errorf("%d links, want %d", got, len(want))
	}
	// Deployment status and finish time as of now.
	for _, d := range o.DeploymentsUpTo(now) {
		if d.Environment != "production" || d.ID%5 != 0 {
			continue
		}
		var status string
		var fin *time.Time
		if err := st.DB().QueryRow("SELECT status, finished_at FROM deployments WHERE native_id = ?", fmt.Sprint(d.ID)).Scan(&status, &fin); err != nil {
			t.Fatal(err)
		}
		ok := d.SucceededAt(now)
		if status != d.StateAt(now) || (fin == nil) != ok.IsZero() || (fin != nil && !fin.Equal(ok)) {
			t.Errorf("deployment %d: status %q finished %v; want %q %v", d.ID, status, fin, d.StateAt(now), ok)
		}
	}
	// Bots are accounts, flagged.
	if n := count(t, st, "SELECT count(*) FROM accounts WHERE source = 'github' AND login LIKE '%[bot]' AND NOT is_bot"); n != 0 {
		t.Errorf("%d [bot] accounts not flagged", n)
	}
	if n := count(t, st, "SELECT count(*) FROM accounts WHERE source = 'github' AND is_bot"); n == 0 {
		t.Error("no bot account")
	}
	if n := count(t, st, `SELECT count(*) FROM accounts WHERE source = 'github' AND email IS NULL
		AND account_id IN (SELECT author_account_id FROM pr_commits)`); n != 0 {
		t.Errorf("%d commit authors without a commit email", n)
	}
}

func TestNoChangeResyncAndAdvance(t *testing.T) {
	s := startSim(t, tiny, simulate.Faults{})
	st, sk := openSink(t)
	cfg := testConfig(s)
	c := testConnector(t, cfg, nil, simulate.DefaultGitHubToken)
	opts := connectors.SyncOptions{ConfigHash: "h"}
	syncAndDerive(t, c, sk, opts)
	fp1 := fingerprint(t, st)
	nRepos := len(s.Org().Repos)

	// Second sync, nothing changed: one request per repository and entity, nothing written.
	s.ResetRequests()
	c2 := testConnector(t, cfg, nil, simulate.DefaultGitHubToken)
	sk2 := sink.New(st, nil)
	syncAndDerive(t, c2, sk2, opts)
	req := s.Requests()
	if want := int64(nRepos*(1+len(cfg.ProductionEnvironments)) + len(cfg.Orgs)); req.Total != want {
		t.Errorf("no-change re-sync made %d requests, want %d: %v", req.Total, want, req.ByPath)
	}
	for path, n := range req.ByPath {
		if n > 1 {
			t.Errorf("%s requested %d times", path, n)
		}
	}
	for k, cn := range sk2.Totals() {
		if cn.New+cn.Updated+cn.Deleted != 0 {
			t.Errorf("%s: no-change sync wrote %+v", k, cn)
		}
	}
	if fp := fingerprint(t, st); fp != fp1 {
		t.Error("no-change sync changed the tables")
	}

	// Advance 30 days: only new or changed pull requests get their reviews and commits fetched.
	o, t0 := s.Org(), s.Now()
	t1 := s.Advance(30)
	changed := 0
	for _, pr := range o.PullRequestsUpTo(t1) {
		if !pr.VisibleAt(t0) || !pr.UpdatedAt(t0).Equal(pr.UpdatedAt(t1)) {
			changed++
		}
	}
	s.ResetRequests()
	c3 := testConnector(t, cfg, nil, simulate.DefaultGitHubToken)
	syncAndDerive(t, c3, sink.New(st, nil), opts)
	if got := c3.Transport().Stats(entityReview).Requests.Load(); got != int64(changed) || changed == 0 {
		t.Errorf("after advance(30): %d review requests, want %d (changed PRs)", got, changed)
	}
	if got := c3.Transport().Stats(entityCommit).Requests.Load(); got != int64(changed) {
		t.Errorf("after advance(30): %d commit requests, want %d", got, changed)
	}
	tr := s.Truth().Counts
	if n := count(t, st, "SELECT count(*) FROM pull_requests"); n != tr.PullRequests {
		t.Errorf("after advance: %d PRs, truth %d", n, tr.PullRequests)
	}
	if n := count(t, st, "SELECT count(*) FROM pr_reviews"); n != tr.Reviews {
		t.Errorf("after advance: %d reviews, truth %d", n, tr.Reviews)
	}
	// The incremental result equals a full sync from scratch at the same now.
	st2, sk3 := openSink(t)
	syncAndDerive(t, testConnector(t, cfg, nil, simulate.DefaultGitHubToken), sk3, opts)
	if fingerprint(t, st) != fingerprint(t, st2) {
		t.Error("incremental sync after advance differs from a fresh sync")
	}
	// A full re-sync refetches everything and writes no duplicate.
	syncAndDerive(t, testConnector(t, cfg, nil, simulate.DefaultGitHubToken), sink.New(st, nil), connectors.SyncOptions{ConfigHash: "h", Full: true})
	if fingerprint(t, st) != fingerprint(t, st2) {
		t.Error("full re-sync changed the tables")
	}
}

func TestKillAndResume(t *testing.T) {
	s := startSim(t, org.Params{Seed: 5, People: 10, HistoryMonths: 2}, simulate.Faults{})
	cfg := testConfig(s)
	opts := connectors.SyncOptions{ConfigHash: "h"}
	stRef, skRef := openSink(t)
	ref := testConnector(t, cfg, nil, simulate.DefaultGitHubToken)
	syncAndDerive(t, ref, skRef, opts)
	want := fingerprint(t, stRef)
	total := ref.Transport().TotalRequests()
	for seed := uint64(1); seed <= 10; seed++ {
		st, sk := openSink(t)
		ctx, cancel := context.WithCancel(context.Background())
		n := 1 + rand.New(rand.NewPCG(seed, 99)).Int64N(total-1)
		killer := &cancelAfter{base: http.DefaultTransport, n: n, cancel: cancel}
		err := testConnector(t, cfg, killer, simulate.DefaultGitHubToken).Sync(ctx, sk, opts)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("seed %d: killed sync returned %v", seed, err)
		}
		syncAndDerive(t, testConnector(t, cfg, nil, simulate.DefaultGitHubToken), sink.New(st, nil), opts)
		if got := fingerprint(t, st); got != want {
			t.Errorf("seed %d (killed after %d of %d requests): tables differ from an uninterrupted sync", seed, n, total)
		}
	}
}

func TestRebuildFromRaw(t *testing.T) {
	s := startSim(t, tiny, simulate.Faults{})
	st, sk := openSink(t)
	c := testConnector(t, testConfig(s), nil, simulate.DefaultGitHubToken)
	syncAndDerive(t, c, sk, connectors.SyncOptions{ConfigHash: "h"})
	want := fingerprint(t, st)
	rebuild(t, c, st, sk)
	if got := fingerprint(t, st); got != want {
		t.Error("rebuild from raw_records differs from sync")
	}
}

func rebuild(t *testing.T, c *Connector, st *store.Store, sk *sink.Sink) {
	t.Helper()
	ctx := context.Background()
	for _, tb := range c.Products() {
		q := "DELETE FROM " + tb
		if tb == "accounts" {
			q += " WHERE source = 'github'"
		}
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.DB().Query(`SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
		FROM raw_records WHERE source = 'github' ORDER BY entity DESC, native_id`)
	if err != nil {
		t.Fatal(err)
	}
	raws, err := sink.ScanRaw(rows)
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Row
	if err := c.Map(ctx, raws, func(r models.Row) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := sk.Commit(ctx, connectors.Batch{Entity: "rebuild", Rows: out}); err != nil {
		t.Fatal(err)
	}
	if err := sk.Derive(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func TestBadTokenIsAuthError(t *testing.T) {
	s := startSim(t, tiny, simulate.Faults{})
	_, sk := openSink(t)
	c := testConnector(t, testConfig(s), nil, "wrong")
	for name, err := range map[string]error{"sync": c.Sync(context.Background(), sk, connectors.SyncOptions{}), "ping": c.Ping(context.Background())} {
		var ae *connectors.AuthError
		if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || len(ae.Env) != 1 || ae.Env[0] != tokenEnv {
			t.Errorf("%s: %v, want AuthError naming %s", name, err, tokenEnv)
		}
		if strings.Contains(fmt.Sprint(err), "wrong") {
			t.Errorf("%s: error shows the token", name)
		}
		if n := strings.Count(fmt.Sprint(err), "credentials rejected"); n != 1 {
			t.Errorf("%s: the rejection appears %d times: %v", name, n, err)
		}
	}
	if err := testConnector(t, testConfig(s), nil, simulate.DefaultGitHubToken).Ping(context.Background()); err != nil {
		t.Errorf("ping: %v", err)
	}
}

func TestArchivedSkippedUnlessAsked(t *testing.T) {
	s := startSim(t, tiny, simulate.Faults{})
	st, sk := openSink(t)
	cfg := testConfig(s)
	cfg.IncludeArchived = false
	syncAndDerive(t, testConnector(t, cfg, nil, simulate.DefaultGitHubToken), sk, connectors.SyncOptions{})
	want, archived := 0, 0
	for _, pr := range s.Org().PullRequestsUpTo(s.Now()) {
		if pr.Repo.Archived {
			archived++
		} else {
			want++
		}
	}
	if got := count(t, st, "SELECT count(*) FROM pull_requests"); got != want || archived == 0 {
		t.Errorf("%d PRs, want %d (archived repos hold %d)", got, want, archived)
	}
}
