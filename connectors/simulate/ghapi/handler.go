// Package ghapi imitates the GitHub REST API (as go-github v60 calls it), mounted under /github, serving the
// records of an org.Org as of the simulator's clock.
//
// Endpoints (GitHub REST reference, API version 2022-11-28):
//
//	GET /user                                        the authenticated user (a sync bot)
//	GET /orgs/{org}/repos                            type, sort (created|updated|pushed|full_name), direction
//	GET /repos/{owner}/{repo}
//	GET /repos/{owner}/{repo}/pulls                  state (open|closed|all), sort (created|updated), direction, base
//	GET /repos/{owner}/{repo}/pulls/{number}
//	GET /repos/{owner}/{repo}/pulls/{number}/reviews oldest first
//	GET /repos/{owner}/{repo}/pulls/{number}/commits oldest first
//	GET /repos/{owner}/{repo}/deployments            sha, ref, task, environment; newest first
//	GET /repos/{owner}/{repo}/deployments/{id}
//	GET /repos/{owner}/{repo}/deployments/{id}/statuses newest first
//	GET /rate_limit
//
// As the real API: lists paginate with page and per_page (default 30, at most 100) and a Link header
// with rel="first", "prev", "next" and "last"; every 200 carries a weak ETag (a hash of the body) and a
// request whose If-None-Match matches it gets 304 Not Modified with no body; a missing or wrong token
// gets 401 {"message":"Bad credentials"}; an unknown repository 404 {"message":"Not Found"}. Pull
// requests show their state as of now: merged_at is null unless merged; merge_commit_sha is the merge
// commit once merged and a test-merge sha while open (as GitHub does), null for closed unmerged ones; a
// deployment's updated_at is the time of its latest status. The X-RateLimit-* headers are added by the
// simulate server around this handler.
package ghapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

const docsURL = "https://docs.github.com/rest"

type handler struct {
	o     *org.Org
	clock apicommon.Clock
	cfg   apicommon.Config
	mux   *http.ServeMux
}

// New returns the API handler. Request paths arrive with the mount prefix stripped.
func New(o *org.Org, clock apicommon.Clock, cfg apicommon.Config) http.Handler {
	h := &handler{o: o, clock: clock, cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /user", h.user)
	h.mux.HandleFunc("GET /rate_limit", h.rateLimit)
	h.mux.HandleFunc("GET /orgs/{org}/repos", h.orgRepos)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}", h.repo)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls", h.pulls)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}", h.pull)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/reviews", h.reviews)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/commits", h.commits)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/deployments", h.deployments)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/deployments/{id}", h.deployment)
	h.mux.HandleFunc("GET /repos/{owner}/{repo}/deployments/{id}/statuses", h.statuses)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !apicommon.Equal(apicommon.BearerToken(r), h.cfg.GitHubToken) {
		writeJSON(w, r, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": docsURL})
		return
	}
	w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	w.Header().Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.mux.ServeHTTP(w, r)
}

// writeJSON writes v; a 200 gets a weak ETag over the body and a matching If-None-Match a 304.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "ghapi: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	if status == http.StatusOK {
		sum := sha256.Sum256(b)
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		hd.Set("ETag", etag)
		hd.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		hd.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// etagMatch applies the weak comparison of RFC 9110 to an If-None-Match list.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, c := range strings.Split(header, ",") {
		if c = strings.TrimSpace(c); c == "*" || strip(c) == strip(etag) {
			return true
		}
	}
	return false
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": docsURL})
}

func unprocessable(w http.ResponseWriter, r *http.Request, msg string) {
	writeJSON(w, r, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
		"errors": []map[string]string{{"message": msg, "code": "invalid"}}, "documentation_url": docsURL})
}

// page cuts one page out of n items and sets the Link header; ok is false after a 422 was written.
func (h *handler) page(w http.ResponseWriter, r *http.Request, n int) (lo, hi int, ok bool) {
	q := r.URL.Query()
	per, pg := 30, 1
	if v := q.Get("per_page"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 {
			unprocessable(w, r, "per_page must be a positive integer")
			return 0, 0, false
		}
		per = min(x, 100)
	}
	if v := q.Get("page"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 {
			x = 1
		}
		pg = x
	}
	last := max((n+per-1)/per, 1)
	link := func(p int, rel string) string {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("page", strconv.Itoa(p))
		qq.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, h.cfg.BaseURL, r.URL.Path, qq.Encode(), rel)
	}
	var links []string
	if pg > 1 {
		links = append(links, link(min(pg-1, last), "prev"))
	}
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min((pg-1)*per, n)
	hi = min(lo+per, n)
	return lo, hi, true
}

// ---------------------------------------------------------------- JSON shapes

func (h *handler) api(format string, a ...any) string {
	return h.cfg.BaseURL + fmt.Sprintf(format, a...)
}

const webURL = "https://github.com"

func nodeID(prefix string, id int64) string {
	return prefix + "_kwDO" + strings.ToUpper(strconv.FormatInt(id, 36))
}

func (h *handler) userJSON(p *org.Person) any {
	if p == nil || p.GitHub == nil {
		return nil
	}
	g := p.GitHub
	return map[string]any{
		"login": g.Login, "id": g.ID, "node_id": nodeID("U", g.ID),
		"avatar_url":  fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", g.ID),
		"gravatar_id": "", "url": h.api("/users/%s", g.Login), "html_url": webURL + "/" + g.Login,
		"type": g.Type, "site_admin": false,
	}
}

func (h *handler) ownerJSON(login string) map[string]any {
	return map[string]any{"login": login, "id": 1000 + int64(len(login)), "node_id": "O_kgDOAA", "url": h.api("/users/%s", login),
		"html_url": webURL + "/" + login, "type": "Organization", "site_admin": false, "gravatar_id": "",
		"avatar_url": "https://avatars.githubusercontent.com/u/1000?v=4"}
}

func (h *handler) repoJSON(rp *org.Repo, now time.Time) map[string]any {
	vis := "public"
	if rp.Private {
		vis = "private"
	}
	pushed := rp.CreatedAt
	if prs := rp.PullRequestsUpTo(now); len(prs) > 0 {
		pushed = prs[len(prs)-1].Created
	}
	return map[string]any{
		"id": rp.ID, "node_id": nodeID("R", rp.ID), "name": rp.Name, "full_name": rp.FullName(), "private": rp.Private,
		"owner": h.ownerJSON(rp.Owner), "html_url": webURL + "/" + rp.FullName(), "description": nil, "fork": false,
		"url": h.api("/repos/%s", rp.FullName()), "archived": rp.Archived, "disabled": false, "visibility": vis,
		"default_branch": rp.DefaultBranch, "created_at": apicommon.Time(rp.CreatedAt),
		"updated_at": apicommon.Time(pushed), "pushed_at": apicommon.Time(pushed),
		"deployments_url": h.api("/repos/%s/deployments", rp.FullName()),
		"pulls_url":       h.api("/repos/%s/pulls{/number}", rp.FullName()),
	}
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return apicommon.Time(t)
}

// testMergeSHA is the sha GitHub reports as merge_commit_sha of an open pull request (its test merge).
func testMergeSHA(pr *org.PullRequest, head string) string {
	s := sha256.Sum256([]byte(fmt.Sprint(pr.ID, head)))
	return hex.EncodeToString(s[:20])
}

func (h *handler) pullJSON(pr *org.PullRequest, now time.Time) map[string]any {
	s := pr.StateAt(now)
	rp := pr.Repo
	full := rp.FullName()
	var mergeSHA any
	switch {
	case s.Merged:
		mergeSHA = s.MergeCommitSHA
	case s.State == "open":
		mergeSHA = testMergeSHA(pr, s.HeadSHA)
	}
	self := h.api("/repos/%s/pulls/%d", full, pr.Number)
	repo := h.repoJSON(rp, now)
	owner := h.ownerJSON(rp.Owner)
	return map[string]any{
		"url": self, "id": pr.ID, "node_id": nodeID("PR", pr.ID), "html_url": fmt.Sprintf("%s/%s/pull/%d", webURL, full, pr.Number),
		"diff_url":  fmt.Sprintf("%s/%s/pull/%d.diff", webURL, full, pr.Number),
		"patch_url": fmt.Sprintf("%s/%s/pull/%d.patch", webURL, full, pr.Number),
		"issue_url": h.api("/repos/%s/issues/%d", full, pr.Number), "number": pr.Number, "state": s.State, "locked": false,
		"title": pr.Title, "user": h.userJSON(pr.Author), "body": pr.Body, "labels": []any{}, "milestone": nil,
		"active_lock_reason": nil, "created_at": apicommon.Time(pr.Created), "updated_at": apicommon.Time(s.UpdatedAt),
		"closed_at": timeOrNil(s.ClosedAt), "merged_at": timeOrNil(s.MergedAt), "merge_commit_sha": mergeSHA,
		"assignee": nil, "assignees": []any{}, "requested_reviewers": []any{}, "requested_teams": []any{},
		"commits_url": self + "/commits", "review_comments_url": self + "/comments",
		"statuses_url":       h.api("/repos/%s/statuses/%s", full, s.HeadSHA),
		"head":               map[string]any{"label": rp.Owner + ":" + pr.HeadRef, "ref": pr.HeadRef, "sha": s.HeadSHA, "user": owner, "repo": repo},
		"base":               map[string]any{"label": rp.Owner + ":" + pr.BaseRef, "ref": pr.BaseRef, "sha": pr.BaseSHA, "user": owner, "repo": repo},
		"author_association": "MEMBER", "auto_merge": nil, "draft": s.Draft,
	}
}

// ---------------------------------------------------------------- handlers

func (h *handler) user(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, map[string]any{"login": "trainimpact-sync", "id": 1, "node_id": "U_kgDOAA", "type": "User",
		"site_admin": false, "url": h.api("/users/trainimpact-sync"), "html_url": webURL + "/trainimpact-sync"})
}

func (h *handler) rateLimit(w http.ResponseWriter, r *http.Request) {
	lim, _ := strconv.Atoi(w.Header().Get("X-RateLimit-Limit"))
	rem, _ := strconv.Atoi(w.Header().Get("X-RateLimit-Remaining"))
	reset, _ := strconv.ParseInt(w.Header().Get("X-RateLimit-Reset"), 10, 64)
	if lim == 0 {
		lim, rem, reset = 5000, 5000, time.Now().Add(time.Hour).Unix()
	}
	core := map[string]any{"limit": lim, "remaining": rem, "reset": reset, "used": lim - rem, "resource": "core"}
	writeJSON(w, r, http.StatusOK, map[string]any{"resources": map[string]any{"core": core}, "rate": core})
}

func (h *handler) orgRepos(w http.ResponseWriter, r *http.Request) {
	login := r.PathValue("org")
	now := h.clock.Now()
	var repos []*org.Repo
	for _, rp := range h.o.Repos {
		if strings.EqualFold(rp.Owner, login) && !rp.CreatedAt.After(now) {
			repos = append(repos, rp)
		}
	}
	if len(repos) == 0 && !strings.EqualFold(h.o.GitHubOwner, login) {
		notFound(w, r)
		return
	}
	q := r.URL.Query()
	switch q.Get("type") {
	case "", "all", "private", "member", "sources":
	case "public", "forks":
		repos = nil // every simulated repository is a private source repository
	default:
		unprocessable(w, r, "type is not valid")
		return
	}
	srt, dir := q.Get("sort"), q.Get("direction")
	if srt == "" {
		srt = "created"
	}
	asc := srt == "full_name"
	if dir != "" {
		asc = dir == "asc"
	}
	key := func(rp *org.Repo) string {
		if srt == "full_name" {
			return rp.FullName()
		}
		return apicommon.Time(rp.CreatedAt) + fmt.Sprintf("%020d", rp.ID)
	}
	sort.SliceStable(repos, func(a, b int) bool {
		if asc {
			return key(repos[a]) < key(repos[b])
		}
		return key(repos[a]) > key(repos[b])
	})
	lo, hi, ok := h.page(w, r, len(repos))
	if !ok {
		return
	}
	out := make([]any, 0, hi-lo)
	for _, rp := range repos[lo:hi] {
		out = append(out, h.repoJSON(rp, now))
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (h *handler) findRepo(w http.ResponseWriter, r *http.Request) *org.Repo {
	rp := h.o.Repo(r.PathValue("owner") + "/" + r.PathValue("repo"))
	if rp == nil || rp.CreatedAt.After(h.clock.Now()) {
		notFound(w, r)
		return nil
	}
	return rp
}

func (h *handler) repo(w http.ResponseWriter, r *http.Request) {
	if rp := h.findRepo(w, r); rp != nil {
		writeJSON(w, r, http.StatusOK, h.repoJSON(rp, h.clock.Now()))
	}
}

func (h *handler) findPull(w http.ResponseWriter, r *http.Request) *org.PullRequest {
	rp := h.findRepo(w, r)
	if rp == nil {
		return nil
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 || n > len(rp.PullRequests) || !rp.PullRequests[n-1].VisibleAt(h.clock.Now()) {
		notFound(w, r)
		return nil
	}
	return rp.PullRequests[n-1]
}

func (h *handler) pulls(w http.ResponseWriter, r *http.Request) {
	rp := h.findRepo(w, r)
	if rp == nil {
		return
	}
	now := h.clock.Now()
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		unprocessable(w, r, "state is not valid")
		return
	}
	srt := q.Get("sort")
	if srt == "" {
		srt = "created"
	}
	if srt != "created" && srt != "updated" && srt != "popularity" && srt != "long-running" {
		unprocessable(w, r, "sort is not valid")
		return
	}
	asc := srt != "created" // GitHub: desc by default for created, asc otherwise
	if d := q.Get("direction"); d != "" {
		asc = d == "asc"
	}
	type item struct {
		pr  *org.PullRequest
		st  org.PRState
		key time.Time
	}
	var items []item
	for _, pr := range rp.PullRequestsUpTo(now) {
		s := pr.StateAt(now)
		if (state == "open" && s.State != "open") || (state == "closed" && s.State != "closed") {
			continue
		}
		if b := q.Get("base"); b != "" && pr.BaseRef != b {
			continue
		}
		k := pr.Created
		if srt == "updated" {
			k = s.UpdatedAt
		}
		items = append(items, item{pr, s, k})
	}
	sort.SliceStable(items, func(a, b int) bool {
		x, y := items[a], items[b]
		if !x.key.Equal(y.key) {
			return x.key.Before(y.key) == asc
		}
		return (x.pr.Number < y.pr.Number) == asc
	})
	lo, hi, ok := h.page(w, r, len(items))
	if !ok {
		return
	}
	out := make([]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, h.pullJSON(it.pr, now))
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (h *handler) pull(w http.ResponseWriter, r *http.Request) {
	pr := h.findPull(w, r)
	if pr == nil {
		return
	}
	now := h.clock.Now()
	m := h.pullJSON(pr, now)
	s := pr.StateAt(now)
	m["merged"] = s.Merged
	m["merged_by"] = h.userJSON(s.MergedBy)
	m["mergeable"] = nil
	m["comments"] = 0
	m["review_comments"] = 0
	m["commits"] = s.NumCommits
	m["additions"], m["deletions"], m["changed_files"] = 10*s.NumCommits, 3*s.NumCommits, s.NumCommits
	writeJSON(w, r, http.StatusOK, m)
}

func (h *handler) reviews(w http.ResponseWriter, r *http.Request) {
	pr := h.findPull(w, r)
	if pr == nil {
		return
	}
	rv := pr.ReviewsAt(h.clock.Now())
	lo, hi, ok := h.page(w, r, len(rv))
	if !ok {
		return
	}
	full := pr.Repo.FullName()
	prURL := h.api("/repos/%s/pulls/%d", full, pr.Number)
	out := make([]any, 0, hi-lo)
	for _, x := range rv[lo:hi] {
		html := fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, full, pr.Number, x.ID)
		out = append(out, map[string]any{
			"id": x.ID, "node_id": nodeID("PRR", x.ID), "user": h.userJSON(x.User), "body": x.Body, "state": string(x.State),
			"html_url": html, "pull_request_url": prURL, "author_association": "MEMBER",
			"_links":       map[string]any{"html": map[string]string{"href": html}, "pull_request": map[string]string{"href": prURL}},
			"submitted_at": apicommon.Time(x.SubmittedAt), "commit_id": x.CommitID,
		})
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (h *handler) commits(w http.ResponseWriter, r *http.Request) {
	pr := h.findPull(w, r)
	if pr == nil {
		return
	}
	cs := pr.CommitsAt(h.clock.Now())
	if len(cs) > 250 { // GitHub lists at most 250 commits of a pull request
		cs = cs[:250]
	}
	lo, hi, ok := h.page(w, r, len(cs))
	if !ok {
		return
	}
	full := pr.Repo.FullName()
	out := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		c := cs[i]
		parent := pr.BaseSHA
		if i > 0 {
			parent = cs[i-1].SHA
		}
		sig := func(at time.Time) map[string]any {
			return map[string]any{"name": c.AuthorName, "email": c.AuthorEmail, "date": apicommon.Time(at)}
		}
		out = append(out, map[string]any{
			"sha": c.SHA, "node_id": "C_kwDO" + c.SHA[:12],
			"commit": map[string]any{"author": sig(c.AuthoredAt), "committer": sig(c.CommittedAt), "message": c.Message,
				"tree":          map[string]string{"sha": c.SHA[20:] + c.SHA[:20], "url": h.api("/repos/%s/git/trees/%s", full, c.SHA)},
				"url":           h.api("/repos/%s/git/commits/%s", full, c.SHA),
				"comment_count": 0, "verification": map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil}},
			"url":          h.api("/repos/%s/commits/%s", full, c.SHA),
			"html_url":     fmt.Sprintf("%s/%s/commit/%s", webURL, full, c.SHA),
			"comments_url": h.api("/repos/%s/commits/%s/comments", full, c.SHA),
			"author":       h.userJSON(c.Author), "committer": h.userJSON(c.Author),
			"parents": []any{map[string]string{"sha": parent, "url": h.api("/repos/%s/commits/%s", full, parent),
				"html_url": fmt.Sprintf("%s/%s/commit/%s", webURL, full, parent)}},
		})
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (h *handler) deploymentJSON(d *org.Deployment, now time.Time) map[string]any {
	full := d.Repo.FullName()
	self := h.api("/repos/%s/deployments/%d", full, d.ID)
	return map[string]any{
		"url": self, "id": d.ID, "node_id": nodeID("DE", d.ID), "sha": d.SHA, "ref": d.Ref, "task": d.Task,
		"payload": map[string]any{}, "original_environment": d.Environment, "environment": d.Environment,
		"description": d.Description, "creator": h.userJSON(d.Creator), "created_at": apicommon.Time(d.CreatedAt),
		"updated_at": apicommon.Time(d.UpdatedAt(now)), "statuses_url": self + "/statuses",
		"repository_url": h.api("/repos/%s", full), "transient_environment": false,
		"production_environment": d.Environment == "production",
	}
}

func (h *handler) deployments(w http.ResponseWriter, r *http.Request) {
	rp := h.findRepo(w, r)
	if rp == nil {
		return
	}
	now := h.clock.Now()
	q := r.URL.Query()
	all := rp.DeploymentsUpTo(now)
	var ds []*org.Deployment
	for i := len(all) - 1; i >= 0; i-- { // newest first
		d := all[i]
		if (q.Get("sha") != "" && d.SHA != q.Get("sha")) || (q.Get("ref") != "" && d.Ref != q.Get("ref")) ||
			(q.Get("task") != "" && d.Task != q.Get("task")) || (q.Get("environment") != "" && d.Environment != q.Get("environment")) {
			continue
		}
		ds = append(ds, d)
	}
	lo, hi, ok := h.page(w, r, len(ds))
	if !ok {
		return
	}
	out := make([]any, 0, hi-lo)
	for _, d := range ds[lo:hi] {
		out = append(out, h.deploymentJSON(d, now))
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (h *handler) findDeployment(w http.ResponseWriter, r *http.Request) *org.Deployment {
	rp := h.findRepo(w, r)
	if rp == nil {
		return nil
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d := h.o.Deployment(id)
	if err != nil || d == nil || d.Repo != rp || !d.VisibleAt(h.clock.Now()) {
		notFound(w, r)
		return nil
	}
	return d
}

func (h *handler) deployment(w http.ResponseWriter, r *http.Request) {
	if d := h.findDeployment(w, r); d != nil {
		writeJSON(w, r, http.StatusOK, h.deploymentJSON(d, h.clock.Now()))
	}
}

func (h *handler) statuses(w http.ResponseWriter, r *http.Request) {
	d := h.findDeployment(w, r)
	if d == nil {
		return
	}
	st := d.StatusesAt(h.clock.Now())
	lo, hi, ok := h.page(w, r, len(st))
	if !ok {
		return
	}
	full := d.Repo.FullName()
	dURL := h.api("/repos/%s/deployments/%d", full, d.ID)
	out := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s := st[len(st)-1-i] // newest first
		out = append(out, map[string]any{
			"url": fmt.Sprintf("%s/statuses/%d", dURL, s.ID), "id": s.ID, "node_id": nodeID("DES", s.ID), "state": s.State,
			"creator": h.userJSON(s.Creator), "description": s.Description, "environment": s.Environment,
			"target_url": s.LogURL, "log_url": s.LogURL, "environment_url": "", "created_at": apicommon.Time(s.CreatedAt),
			"updated_at": apicommon.Time(s.CreatedAt), "deployment_url": dURL, "repository_url": h.api("/repos/%s", full),
		})
	}
	writeJSON(w, r, http.StatusOK, out)
}
