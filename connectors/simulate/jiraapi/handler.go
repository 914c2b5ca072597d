// Package jiraapi imitates the Jira REST API, Cloud and Data Center, serving the issues of an
// org.Org as of the simulator's clock. It is mounted under /jira; request paths arrive with the
// prefix stripped.
//
// What it serves, following Atlassian's REST reference:
//
//   - GET /rest/api/2/serverInfo (no authentication): deploymentType "Cloud" or "Server".
//   - GET /rest/api/{2,3}/myself: the searching user, with a non-UTC timeZone
//     (America/Los_Angeles by default) — JQL dates are interpreted in it.
//   - GET /rest/api/{2,3}/field, /status, /priority: the catalogs (priorities most urgent first).
//   - Cloud: POST (or GET) /rest/api/3/search/jql — enhanced search: body {jql, nextPageToken,
//     maxResults, fields, expand}, answer {issues, nextPageToken, isLast}, no total; with
//     expand=changelog each issue embeds at most 40 histories, the most recent first, with the
//     changelog's total. GET /rest/api/3/issue/{idOrKey}/changelog pages the whole changelog
//     (startAt, maxResults ≤ 100, total, isLast, values oldest first). The old
//     /rest/api/{2,3}/search answers 410 Gone, as Jira Cloud does since 2025 (CHANGE-2046).
//   - Data Center: GET (or POST) /rest/api/2/search with startAt, maxResults (≤ 1000), total,
//     expand=changelog embedding the whole changelog (oldest first); /rest/api/3 does not exist.
//   - GET /rest/api/{2,3}/issue/{idOrKey}: one issue (expand=changelog embeds up to 100 histories in
//     Cloud, all in Data Center).
//
// Authentication: Cloud wants basic auth email:API token, Data Center a bearer personal access
// token; anything else is 401 with Jira's error body. Times are rendered in the user's time zone
// ("2025-03-04T05:06:07.000-0800"), users as Cloud (accountId, emailAddress omitted when hidden)
// or Data Center (name, key) objects. JQL support is a small honest subset (see parseJQL);
// anything else is a 400 naming the problem.
package jiraapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// Options tune the imitation; the zero value is Jira's behaviour.
type Options struct {
	// SearchChangelogMax is the number of histories enhanced search embeds per issue in Cloud
	// mode (default 40, as Jira Cloud).
	SearchChangelogMax int
	// UserTimeZone is the time zone of the searching user (default America/Los_Angeles).
	UserTimeZone string
}

// New returns the API handler in the mode of cfg.JiraMode (default Cloud).
func New(o *org.Org, clock apicommon.Clock, cfg apicommon.Config) http.Handler {
	return NewWithOptions(o, clock, cfg, Options{})
}

// NewWithOptions is New with tuning options (tests of the changelog endpoint use a small
// SearchChangelogMax).
func NewWithOptions(o *org.Org, clock apicommon.Clock, cfg apicommon.Config, opts Options) http.Handler {
	if opts.SearchChangelogMax <= 0 {
		opts.SearchChangelogMax = 40
	}
	if opts.UserTimeZone == "" {
		opts.UserTimeZone = "America/Los_Angeles"
	}
	loc, err := time.LoadLocation(opts.UserTimeZone)
	if err != nil {
		loc = time.FixedZone("UTC-8", -8*3600)
	}
	if cfg.JiraMode == "" {
		cfg.JiraMode = apicommon.JiraCloud
	}
	h := &handler{o: o, clock: clock, cfg: cfg, opts: opts, loc: loc, cloud: cfg.JiraMode != apicommon.JiraDataCenter,
		byKey: map[string]*org.Issue{}, cache: map[string][]hit{}}
	for _, is := range o.Issues {
		h.byKey[is.Key] = is
		h.byKey[is.ID] = is
	}
	return h
}

type handler struct {
	o     *org.Org
	clock apicommon.Clock
	cfg   apicommon.Config
	opts  Options
	loc   *time.Location
	cloud bool
	byKey map[string]*org.Issue

	mu    sync.Mutex
	cache map[string][]hit // search results by (jql, now)
}

// hit is one issue matching a search, with its state as of the search's now.
type hit struct {
	is *org.Issue
	st org.IssueState
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if sd, ok := strings.CutPrefix(path, "/rest/servicedeskapi/"); ok {
		h.serviceDesk(w, r, sd) // servicedesk.go
		return
	}
	rest, ok := strings.CutPrefix(path, "/rest/api/")
	if !ok {
		jiraError(w, http.StatusNotFound, "Not Found")
		return
	}
	ver, rest, _ := strings.Cut(rest, "/")
	if ver != "2" && (ver != "3" || !h.cloud) && ver != "latest" {
		jiraError(w, http.StatusNotFound, "Not Found")
		return
	}
	if rest == "serverInfo" && r.Method == http.MethodGet {
		h.serverInfo(w)
		return
	}
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
		jiraError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
		return
	}
	now := h.clock.Now()
	get := r.Method == http.MethodGet
	switch {
	case rest == "myself" && get:
		apicommon.WriteJSON(w, http.StatusOK, h.myself())
	case rest == "field" && get:
		apicommon.WriteJSON(w, http.StatusOK, h.fields())
	case rest == "status" && get:
		apicommon.WriteJSON(w, http.StatusOK, h.statuses())
	case rest == "priority" && get:
		apicommon.WriteJSON(w, http.StatusOK, h.priorities())
	case rest == "search" && (get || r.Method == http.MethodPost):
		if h.cloud {
			jiraError(w, http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
			return
		}
		h.searchDC(w, r, now)
	case rest == "search/jql" && h.cloud && (get || r.Method == http.MethodPost):
		h.searchCloud(w, r, now)
	case strings.HasPrefix(rest, "issue/") && get:
		id, sub, _ := strings.Cut(strings.TrimPrefix(rest, "issue/"), "/")
		is := h.byKey[id]
		if is == nil || !is.VisibleAt(now) {
			jiraError(w, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
			return
		}
		switch {
		case sub == "":
			st := is.StateAt(now)
			fields, _ := parseFieldList(r.URL.Query().Get("fields"))
			max := 0
			if hasExpand(r.URL.Query().Get("expand"), "changelog") {
				max = 100
				if !h.cloud {
					max = -1
				}
			}
			apicommon.WriteJSON(w, http.StatusOK, h.issue(is, &st, now, fields, max))
		case sub == "changelog" && h.cloud:
			h.changelog(w, r, is, now)
		default:
			jiraError(w, http.StatusNotFound, "Not Found")
		}
	default:
		jiraError(w, http.StatusNotFound, "Not Found")
	}
}

// authorized checks Cloud basic auth (email:API token) or the Data Center bearer token.
func (h *handler) authorized(r *http.Request) bool {
	if h.cloud {
		u, p := apicommon.BasicAuth(r)
		return apicommon.Equal(u, h.cfg.JiraEmail) && apicommon.Equal(p, h.cfg.JiraToken)
	}
	return apicommon.Equal(apicommon.BearerToken(r), h.cfg.JiraBearer)
}

// jiraError writes Jira's error body {"errorMessages": [...], "errors": {}}.
func jiraError(w http.ResponseWriter, status int, msg string) {
	apicommon.WriteJSON(w, status, map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{}})
}

func (h *handler) serverInfo(w http.ResponseWriter) {
	now := h.clock.Now()
	info := map[string]any{
		"baseUrl": h.cfg.BaseURL, "serverTitle": "Acme Jira", "serverTime": h.time(now),
		"buildDate": "2025-01-01T00:00:00.000+0000", "scmInfo": "8b3b3f6c1f2a",
	}
	if h.cloud {
		info["version"], info["versionNumbers"], info["buildNumber"], info["deploymentType"] = "1001.0.0-SNAPSHOT", []int{1001, 0, 0}, 100285, "Cloud"
	} else {
		info["version"], info["versionNumbers"], info["buildNumber"], info["deploymentType"] = "9.12.2", []int{9, 12, 2}, 9120002, "Server"
	}
	apicommon.WriteJSON(w, http.StatusOK, info)
}

// time renders t as Jira does, in the user's time zone: "2025-03-04T05:06:07.000-0800".
func (h *handler) time(t time.Time) string {
	return t.In(h.loc).Format("2006-01-02T15:04:05.000-0700")
}

func (h *handler) myself() map[string]any {
	u := map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/myself", "displayName": "Sync Bot",
		"active": true, "timeZone": h.loc.String(), "locale": "en_US"}
	if h.cloud {
		u["accountId"], u["accountType"], u["emailAddress"] = "5b10ac8d82e05b22cc7d4ef5", "atlassian", h.cfg.JiraEmail
	} else {
		u["name"], u["key"], u["emailAddress"] = "sync-bot", "JIRAUSER99999", "sync-bot@acme.example"
	}
	return u
}

// user renders a person as a Jira user object (nil → JSON null).
func (h *handler) user(p *org.Person) any {
	if p == nil || p.Jira == nil {
		return nil
	}
	j := p.Jira
	u := map[string]any{"displayName": j.DisplayName, "active": true, "timeZone": j.TimeZone}
	if h.cloud {
		u["self"] = h.cfg.BaseURL + "/rest/api/2/user?accountId=" + url.QueryEscape(j.AccountID)
		u["accountId"], u["accountType"] = j.AccountID, j.AccountType
		if !j.EmailHidden && j.Email != "" {
			u["emailAddress"] = j.Email
		}
	} else {
		u["self"] = h.cfg.BaseURL + "/rest/api/2/user?username=" + url.QueryEscape(j.Username)
		u["name"], u["key"] = j.Username, j.Key
		if j.Email != "" {
			u["emailAddress"] = j.Email
		}
	}
	return u
}

// userID is how a changelog item names a user: accountId (Cloud) or user key (Data Center).
func (h *handler) userID(p *org.Person) any {
	if p == nil || p.Jira == nil {
		return nil
	}
	if h.cloud {
		return p.Jira.AccountID
	}
	return p.Jira.Key
}

// Custom fields the simulated instance has.
const (
	fieldStoryPoints = "customfield_10016"
	fieldSeverity    = "customfield_10042"
)

func (h *handler) fields() []map[string]any {
	sys := func(id, name, typ string) map[string]any {
		return map[string]any{"id": id, "key": id, "name": name, "custom": false, "orderable": true, "navigable": true,
			"searchable": true, "clauseNames": []string{id}, "schema": map[string]any{"type": typ, "system": id}}
	}
	out := []map[string]any{
		sys("summary", "Summary", "string"), sys("issuetype", "Issue Type", "issuetype"), sys("project", "Project", "project"),
		sys("status", "Status", "status"), sys("priority", "Priority", "priority"), sys("assignee", "Assignee", "user"),
		sys("reporter", "Reporter", "user"), sys("created", "Created", "datetime"), sys("updated", "Updated", "datetime"),
		sys("resolutiondate", "Resolved", "datetime"), sys("resolution", "Resolution", "resolution"),
		sys("duedate", "Due date", "date"), sys("labels", "Labels", "array"),
	}
	out = append(out,
		map[string]any{"id": fieldStoryPoints, "key": fieldStoryPoints, "name": "Story Points", "custom": true, "orderable": true,
			"navigable": true, "searchable": true, "clauseNames": []string{"cf[10016]", "Story Points"},
			"schema": map[string]any{"type": "number", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float", "customId": 10016}},
		map[string]any{"id": fieldSeverity, "key": fieldSeverity, "name": "Severity", "custom": true, "orderable": true,
			"navigable": true, "searchable": true, "clauseNames": []string{"cf[10042]", "Severity"},
			"schema": map[string]any{"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select", "customId": 10042}},
	)
	return out
}

func (h *handler) statusJSON(s *org.Status) map[string]any {
	c := s.Category
	return map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/status/" + s.ID, "id": s.ID, "name": s.Name, "description": "",
		"statusCategory": map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/statuscategory/" + strconv.Itoa(c.ID),
			"id": c.ID, "key": c.Key, "name": c.Name, "colorName": c.ColorName}}
}

func (h *handler) statuses() []map[string]any {
	out := make([]map[string]any, 0, len(h.o.Statuses))
	for _, s := range h.o.Statuses {
		out = append(out, h.statusJSON(s))
	}
	return out
}

func (h *handler) priorityJSON(p *org.JiraPriority) map[string]any {
	return map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/priority/" + p.ID, "id": p.ID, "name": p.Name}
}

// priorities lists the priorities most urgent first, as Jira does.
func (h *handler) priorities() []map[string]any {
	ps := slices.Clone(h.o.JiraPriorities)
	slices.SortFunc(ps, func(a, b *org.JiraPriority) int { return a.Rank - b.Rank })
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		m := h.priorityJSON(p)
		m["description"], m["statusColor"] = p.Name+" priority", "#cccccc"
		out = append(out, m)
	}
	return out
}

// fieldSet is the requested fields; nil means all (*all / *navigable).
type fieldSet map[string]bool

func parseFieldList(s string) (fieldSet, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, false
	}
	return fieldSetOf(strings.Split(s, ",")), true
}

func fieldSetOf(list []string) fieldSet {
	fs := fieldSet{}
	all := false
	for _, f := range list {
		f = strings.TrimSpace(f)
		switch {
		case f == "*all" || f == "*navigable":
			all = true
		case strings.HasPrefix(f, "-"), f == "":
		default:
			fs[f] = true
		}
	}
	if all {
		return nil
	}
	return fs
}

func hasExpand(expand, what string) bool {
	for _, e := range strings.Split(expand, ",") {
		if strings.TrimSpace(e) == what {
			return true
		}
	}
	return false
}

// customValues returns the simulated custom field values of an issue (deterministic by id).
func customValues(is *org.Issue) (storyPoints, severity any) {
	n, _ := strconv.Atoi(is.ID)
	if pts := []float64{0, 1, 2, 3, 5, 8}[n%6]; pts > 0 {
		storyPoints = pts
	}
	if is.Type != nil && is.Type.Name == "Bug" {
		v := n%3 + 1
		severity = map[string]any{"self": "", "value": fmt.Sprintf("Sev %d", v), "id": strconv.Itoa(10100 + v)}
	}
	return
}

// issue renders an issue as of now. fields nil = all; maxHist 0 = no changelog, < 0 = the
// whole changelog oldest first (Data Center), > 0 = at most that many, most recent first (Cloud).
func (h *handler) issue(is *org.Issue, st *org.IssueState, now time.Time, fields fieldSet, maxHist int) map[string]any {
	out := map[string]any{"expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
		"id": is.ID, "self": h.cfg.BaseURL + "/rest/api/2/issue/" + is.ID, "key": is.Key}
	want := func(f string) bool { return fields == nil || fields[f] }
	f := map[string]any{}
	if want("summary") {
		f["summary"] = is.Summary
	}
	if want("issuetype") && is.Type != nil {
		f["issuetype"] = map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/issuetype/" + is.Type.ID, "id": is.Type.ID,
			"name": is.Type.Name, "subtask": is.Type.Subtask}
	}
	if want("project") {
		p := is.Project
		f["project"] = map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/project/" + p.ID, "id": p.ID, "key": p.Key,
			"name": p.Name, "projectTypeKey": "software"}
	}
	if want("status") {
		f["status"] = h.statusJSON(st.Status)
	}
	if want("priority") && st.Priority != nil {
		f["priority"] = h.priorityJSON(st.Priority)
	}
	if want("assignee") {
		f["assignee"] = h.user(st.Assignee)
	}
	if want("reporter") {
		f["reporter"] = h.user(is.Reporter)
	}
	if want("created") {
		f["created"] = h.time(is.Created)
	}
	if want("updated") {
		f["updated"] = h.time(st.Updated)
	}
	if want("resolutiondate") {
		if st.ResolutionDate.IsZero() {
			f["resolutiondate"] = nil
		} else {
			f["resolutiondate"] = h.time(st.ResolutionDate)
		}
	}
	if want("resolution") {
		if st.Resolution == nil {
			f["resolution"] = nil
		} else {
			f["resolution"] = map[string]any{"self": h.cfg.BaseURL + "/rest/api/2/resolution/" + st.Resolution.ID,
				"id": st.Resolution.ID, "name": st.Resolution.Name}
		}
	}
	if want("duedate") {
		if is.DueDate.IsZero() {
			f["duedate"] = nil
		} else {
			f["duedate"] = apicommon.Date(is.DueDate)
		}
	}
	if want("labels") {
		l := st.Labels
		if l == nil {
			l = []string{}
		}
		f["labels"] = l
	}
	sp, sev := customValues(is)
	if want(fieldStoryPoints) {
		f[fieldStoryPoints] = sp
	}
	if want(fieldSeverity) {
		f[fieldSeverity] = sev
	}
	if len(f) > 0 || fields == nil {
		out["fields"] = f
	}
	if maxHist != 0 {
		hist := is.HistoryAt(now)
		var sel []any
		if maxHist < 0 {
			for i := range hist {
				sel = append(sel, h.history(&hist[i]))
			}
		} else {
			for i := len(hist) - 1; i >= 0 && len(sel) < maxHist; i-- {
				sel = append(sel, h.history(&hist[i]))
			}
		}
		if sel == nil {
			sel = []any{}
		}
		out["changelog"] = map[string]any{"startAt": 0, "maxResults": len(sel), "total": len(hist), "histories": sel}
	}
	return out
}

// history renders one changelog history.
func (h *handler) history(g *org.ChangeGroup) map[string]any {
	items := make([]map[string]any, 0, len(g.Items))
	for _, it := range g.Items {
		m := map[string]any{"field": it.Field, "fieldtype": it.FieldType, "from": nullStr(it.From), "fromString": nullStr(it.FromString),
			"to": nullStr(it.To), "toString": nullStr(it.ToString)}
		if h.cloud {
			m["fieldId"] = it.FieldID
		}
		if it.Field == "assignee" {
			m["from"], m["to"] = h.userID(it.FromPerson), h.userID(it.ToPerson)
		}
		items = append(items, m)
	}
	return map[string]any{"id": g.ID, "author": h.user(g.Author), "created": h.time(g.Created), "items": items}
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// search returns the issues matching jql as of now, sorted, cached per (jql, now).
func (h *handler) search(jql string, now time.Time) ([]hit, error) {
	key := jql + "\x00" + now.Format(time.RFC3339)
	h.mu.Lock()
	hits, ok := h.cache[key]
	h.mu.Unlock()
	if ok {
		return hits, nil
	}
	q, err := parseJQL(jql, h.loc)
	if err != nil {
		return nil, err
	}
	for _, is := range h.o.IssuesUpTo(now) {
		if !is.VisibleAt(now) {
			continue
		}
		st := is.StateAt(now)
		if q.where == nil || q.where.match(is, &st) {
			hits = append(hits, hit{is, st})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return q.less(a.is, b.is, &a.st, &b.st) })
	h.mu.Lock()
	if len(h.cache) >= 8 {
		clear(h.cache)
	}
	h.cache[key] = hits
	h.mu.Unlock()
	return hits, nil
}

// searchRequest is the body of POST search (both generations).
type searchRequest struct {
	JQL           string   `json:"jql"`
	NextPageToken string   `json:"nextPageToken"`
	StartAt       int      `json:"startAt"`
	MaxResults    *int     `json:"maxResults"`
	Fields        []string `json:"fields"`
	Expand        any      `json:"expand"` // string (enhanced search) or list (old search)
	FieldsByKeys  bool     `json:"fieldsByKeys"`
	Properties    []string `json:"properties"`
}

func (sr *searchRequest) expand() string {
	switch v := sr.Expand.(type) {
	case string:
		return v
	case []any:
		var parts []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ",")
	}
	return ""
}

// readSearch reads a search request from the query string (GET) or the JSON body (POST).
func readSearch(r *http.Request) (*searchRequest, error) {
	sr := &searchRequest{}
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(sr); err != nil {
			return nil, errors.New("Invalid request payload. Refer to the REST API documentation and try again.")
		}
		return sr, nil
	}
	q := r.URL.Query()
	sr.JQL, sr.NextPageToken, sr.Expand = q.Get("jql"), q.Get("nextPageToken"), q.Get("expand")
	if v := q.Get("startAt"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("The value '%s' is invalid for startAt.", v)
		}
		sr.StartAt = n
	}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("The value '%s' is invalid for maxResults.", v)
		}
		sr.MaxResults = &n
	}
	if v := q.Get("fields"); v != "" {
		sr.Fields = strings.Split(v, ",")
	}
	return sr, nil
}

func pageSize(req *int, def, max int) int {
	n := def
	if req != nil {
		n = *req
	}
	if n <= 0 {
		n = def
	}
	return min(n, max)
}

// searchDC serves GET/POST /rest/api/2/search with startAt paging (Data Center).
func (h *handler) searchDC(w http.ResponseWriter, r *http.Request, now time.Time) {
	sr, err := readSearch(r)
	if err != nil {
		jiraError(w, http.StatusBadRequest, err.Error())
		return
	}
	hits, err := h.search(sr.JQL, now)
	if err != nil {
		jiraError(w, http.StatusBadRequest, err.Error())
		return
	}
	max := pageSize(sr.MaxResults, 50, 1000)
	var fields fieldSet
	if len(sr.Fields) > 0 {
		fields = fieldSetOf(sr.Fields)
	}
	hist := 0
	if hasExpand(sr.expand(), "changelog") {
		hist = -1
	}
	issues := []any{}
	for i := sr.StartAt; i < len(hits) && i < sr.StartAt+max; i++ {
		issues = append(issues, h.issue(hits[i].is, &hits[i].st, now, fields, hist))
	}
	apicommon.WriteJSON(w, http.StatusOK, map[string]any{"expand": "schema,names", "startAt": sr.StartAt,
		"maxResults": max, "total": len(hits), "issues": issues})
}

// searchCloud serves the enhanced search (POST or GET /rest/api/3/search/jql).
func (h *handler) searchCloud(w http.ResponseWriter, r *http.Request, now time.Time) {
	sr, err := readSearch(r)
	if err != nil {
		jiraError(w, http.StatusBadRequest, err.Error())
		return
	}
	if strings.TrimSpace(sr.JQL) == "" {
		jiraError(w, http.StatusBadRequest, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
		return
	}
	offset := 0
	if sr.NextPageToken != "" {
		if offset, err = decodeToken(sr.NextPageToken, sr.JQL); err != nil {
			jiraError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	hits, err := h.search(sr.JQL, now)
	if err != nil {
		jiraError(w, http.StatusBadRequest, err.Error())
		return
	}
	max := pageSize(sr.MaxResults, 50, 100)
	fields := fieldSet{"id": true} // enhanced search returns only ids unless fields are asked for
	if len(sr.Fields) > 0 {
		fields = fieldSetOf(sr.Fields)
	}
	hist := 0
	if hasExpand(sr.expand(), "changelog") {
		hist = h.opts.SearchChangelogMax
	}
	issues := []any{}
	end := min(offset+max, len(hits))
	for i := offset; i < end; i++ {
		issues = append(issues, h.issue(hits[i].is, &hits[i].st, now, fields, hist))
	}
	resp := map[string]any{"issues": issues, "isLast": end >= len(hits)}
	if end < len(hits) {
		resp["nextPageToken"] = encodeToken(end, sr.JQL)
	}
	apicommon.WriteJSON(w, http.StatusOK, resp)
}

func jqlHash(jql string) string {
	s := sha256.Sum256([]byte(jql))
	return hex.EncodeToString(s[:6])
}

func encodeToken(offset int, jql string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + ":" + jqlHash(jql)))
}

func decodeToken(tok, jql string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, hash, ok := strings.Cut(string(b), ":")
	if !ok || hash != jqlHash(jql) {
		return 0, errors.New("token does not belong to this query")
	}
	return strconv.Atoi(n)
}

// changelog serves GET /rest/api/3/issue/{idOrKey}/changelog (Cloud): oldest first, paged.
func (h *handler) changelog(w http.ResponseWriter, r *http.Request, is *org.Issue, now time.Time) {
	q := r.URL.Query()
	start := 0
	if v := q.Get("startAt"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			jiraError(w, http.StatusBadRequest, "The value '"+v+"' is invalid for startAt.")
			return
		}
		start = n
	}
	var req *int
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			jiraError(w, http.StatusBadRequest, "The value '"+v+"' is invalid for maxResults.")
			return
		}
		req = &n
	}
	max := pageSize(req, 100, 100)
	hist := is.HistoryAt(now)
	values := []any{}
	end := min(start+max, len(hist))
	for i := start; i < end; i++ {
		values = append(values, h.history(&hist[i]))
	}
	self := fmt.Sprintf("%s/rest/api/3/issue/%s/changelog?maxResults=%d&startAt=%d", h.cfg.BaseURL, is.Key, max, start)
	resp := map[string]any{"self": self, "maxResults": max, "startAt": start, "total": len(hist), "isLast": end >= len(hist), "values": values}
	if end < len(hist) {
		resp["nextPage"] = fmt.Sprintf("%s/rest/api/3/issue/%s/changelog?maxResults=%d&startAt=%d", h.cfg.BaseURL, is.Key, max, end)
	}
	apicommon.WriteJSON(w, http.StatusOK, resp)
}
