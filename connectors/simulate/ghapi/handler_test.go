package ghapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

const token = "test-token"

func setup(t *testing.T) (*org.Org, *github.Client, *httptest.Server) {
	t.Helper()
	o := org.Generate(org.Params{Seed: 3, People: 20, HistoryMonths: 6})
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h := New(o, apicommon.FixedClock(o.Now), apicommon.Config{BaseURL: srv.URL + "/github", GitHubToken: token})
	mux.Handle("/github/", http.StripPrefix("/github", h))
	c := github.NewClient(nil).WithAuthToken(token)
	c.BaseURL, _ = url.Parse(srv.URL + "/github/")
	return o, c, srv
}

func TestPullsPaginateSortAndState(t *testing.T) {
	o, c, _ := setup(t)
	ctx := context.Background()
	rp := o.Repos[0]
	for _, r := range o.Repos {
		if len(r.PullRequestsUpTo(o.Now)) > len(rp.PullRequestsUpTo(o.Now)) {
			rp = r
		}
	}
	opts := &github.PullRequestListOptions{State: "all", Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: 7}}
	var all []*github.PullRequest
	pages := 0
	for {
		prs, resp, err := c.PullRequests.List(ctx, rp.Owner, rp.Name, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, prs...)
		if resp.NextPage == 0 {
			if pages > 1 && resp.PrevPage != pages-1 {
				t.Errorf("last page: prev = %d, want %d", resp.PrevPage, pages-1)
			}
			break
		}
		if resp.LastPage == 0 {
			t.Errorf("page %d: no rel=last", pages)
		}
		opts.Page = resp.NextPage
	}
	want := rp.PullRequestsUpTo(o.Now)
	if len(all) != len(want) || pages != (len(want)+6)/7 {
		t.Fatalf("got %d PRs in %d pages, want %d", len(all), pages, len(want))
	}
	seen := map[int]bool{}
	for i, pr := range all {
		if seen[pr.GetNumber()] {
			t.Fatalf("PR #%d twice", pr.GetNumber())
		}
		seen[pr.GetNumber()] = true
		if i > 0 && pr.GetUpdatedAt().After(all[i-1].GetUpdatedAt().Time) {
			t.Fatalf("not sorted by updated desc at %d", i)
		}
		src := rp.PullRequests[pr.GetNumber()-1]
		st := src.StateAt(o.Now)
		if st.Merged != (pr.MergedAt != nil) {
			t.Errorf("#%d: merged %v but merged_at %v", pr.GetNumber(), st.Merged, pr.MergedAt)
		}
		if st.Merged && pr.GetMergeCommitSHA() != src.MergeCommitSHA {
			t.Errorf("#%d: merge_commit_sha %q", pr.GetNumber(), pr.GetMergeCommitSHA())
		}
		if pr.GetUser().GetLogin() != src.Author.GitHub.Login || pr.GetState() != st.State || pr.GetDraft() != st.Draft {
			t.Errorf("#%d: user/state/draft differ", pr.GetNumber())
		}
	}
	open, _, err := c.PullRequests.List(ctx, rp.Owner, rp.Name, &github.PullRequestListOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range open {
		if pr.GetState() != "open" {
			t.Fatalf("default state=open listed a %s PR", pr.GetState())
		}
	}
}

func TestETagNotModifiedAndAuth(t *testing.T) {
	o, c, srv := setup(t)
	ctx := context.Background()
	rp := o.Repos[0]
	req, _ := c.NewRequest("GET", "repos/"+rp.FullName()+"/pulls?state=all", nil)
	resp, err := c.Do(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ = c.NewRequest("GET", "repos/"+rp.FullName()+"/pulls?state=all", nil)
	req.Header.Set("If-None-Match", etag)
	resp, _ = c.Do(ctx, req, nil)
	if resp == nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("want 304, got %v", resp)
	}
	// Another page has another ETag.
	req, _ = c.NewRequest("GET", "repos/"+rp.FullName()+"/pulls?state=all&sort=updated", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, _ = c.Do(ctx, req, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("different page answered %d", resp.StatusCode)
	}

	bad := github.NewClient(nil).WithAuthToken("wrong")
	bad.BaseURL, _ = url.Parse(srv.URL + "/github/")
	_, _, err = bad.Repositories.Get(ctx, rp.Owner, rp.Name)
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 401 || er.Message != "Bad credentials" {
		t.Fatalf("bad token: %v", err)
	}
	_, _, err = c.Repositories.Get(ctx, rp.Owner, "nope")
	if !errors.As(err, &er) || er.Response.StatusCode != 404 {
		t.Fatalf("unknown repo: %v", err)
	}
}

func TestReviewsCommitsDeploymentsAndRepos(t *testing.T) {
	o, c, _ := setup(t)
	ctx := context.Background()
	repos, _, err := c.Repositories.ListByOrg(ctx, o.GitHubOwner, &github.RepositoryListByOrgOptions{Type: "all", ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != len(o.Repos) {
		t.Fatalf("%d repos, want %d", len(repos), len(o.Repos))
	}
	var pr *org.PullRequest
	for _, p := range o.PullRequestsUpTo(o.Now) {
		if len(p.ReviewsAt(o.Now)) >= 2 && len(p.CommitsAt(o.Now)) >= 2 {
			pr = p
			break
		}
	}
	if pr == nil {
		t.Fatal("no PR with reviews and commits")
	}
	rv, _, err := c.PullRequests.ListReviews(ctx, pr.Repo.Owner, pr.Repo.Name, pr.Number, nil)
	if err != nil || len(rv) != len(pr.ReviewsAt(o.Now)) {
		t.Fatalf("reviews: %d, %v", len(rv), err)
	}
	for i, r := range rv {
		if r.GetID() != pr.Reviews[i].ID || r.GetState() != string(pr.Reviews[i].State) || r.GetUser().GetLogin() == "" {
			t.Errorf("review %d differs", i)
		}
	}
	cs, _, err := c.PullRequests.ListCommits(ctx, pr.Repo.Owner, pr.Repo.Name, pr.Number, nil)
	if err != nil || len(cs) != len(pr.CommitsAt(o.Now)) {
		t.Fatalf("commits: %d, %v", len(cs), err)
	}
	if cs[0].GetCommit().GetAuthor().GetEmail() != pr.Commits[0].AuthorEmail || !cs[0].GetCommit().GetAuthor().GetDate().Time.Equal(pr.Commits[0].AuthoredAt) {
		t.Errorf("first commit author differs")
	}
	rp := o.Repos[0]
	for _, r := range o.Repos {
		if !r.Archived {
			rp = r
			break
		}
	}
	ds, _, err := c.Repositories.ListDeployments(ctx, rp.Owner, rp.Name, &github.DeploymentsListOptions{Environment: "production", ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, d := range rp.DeploymentsUpTo(o.Now) {
		if d.Environment == "production" {
			want++
		}
	}
	if len(ds) != min(want, 100) || len(ds) == 0 {
		t.Fatalf("%d production deployments, want %d", len(ds), want)
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].GetCreatedAt().After(ds[i-1].GetCreatedAt().Time) || ds[i].GetEnvironment() != "production" {
			t.Fatal("deployments not newest first or wrong environment")
		}
	}
	st, _, err := c.Repositories.ListDeploymentStatuses(ctx, rp.Owner, rp.Name, ds[0].GetID(), nil)
	if err != nil || len(st) == 0 {
		t.Fatalf("statuses: %v", err)
	}
	d := o.Deployment(ds[0].GetID())
	if st[0].GetState() != d.StateAt(o.Now) || !ds[0].GetUpdatedAt().Time.Equal(d.UpdatedAt(o.Now)) {
		t.Errorf("latest status %q, want %q", st[0].GetState(), d.StateAt(o.Now))
	}
}
