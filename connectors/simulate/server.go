// Package simulate serves a synthetic organisation (package org) over
// imitations of the PagerDuty, Jira and GitHub REST APIs on loopback, with a
// moving clock and switchable faults, for the demo, tests and benchmarks.
//
// # Mounting
//
// One listener on 127.0.0.1 (random port) serves all three APIs under path
// prefixes, so each client's base URL is a prefix of the server URL:
//
//	PagerDuty  URL()+"/pagerduty"  pagerduty.NewClient(tok, pagerduty.WithAPIEndpoint(s.PagerDutyURL()))
//	Jira       URL()+"/jira/"      jira.NewClient(httpClient, s.JiraURL())
//	GitHub     URL()+"/github/"    client.BaseURL, _ = url.Parse(s.GitHubURL())
//
// Each API is an http.Handler built by an apicommon.Constructor (pdapi.New,
// jiraapi.New, ghapi.New by default). The handler sees the request path with
// its prefix stripped ("/incidents", "/rest/api/2/search", "/repos/acme/x/pulls")
// and reads "now" from the server's clock on every request. Around every
// handler the server adds, in this order: request counting, the per-request
// latency (no response goes out before it has passed), the normal GitHub
// X-RateLimit-* headers (GitHub only), and the fault injection (see Faults).
//
// # Time
//
// The organisation holds the full timeline of every record; the server's
// clock starts at org.Now and Advance moves it forward, so records created
// in between appear and existing ones change (see package org).
//
// # Rehearsals
//
// With Options.Admin the server also answers loopback admin endpoints under /admin/ (advance the
// clock, take a source down with TakeDown, switch fault presets; see admin.go), which
// `trainimpact simulate` offers to operators.
package simulate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/ghapi"
	"github.com/trainimpact/trainimpact/connectors/simulate/jiraapi"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/connectors/simulate/pdapi"
)

// Fixed test credentials used when Options leaves them empty.
const (
	DefaultPagerDutyToken = "sim-pagerduty-token"
	DefaultJiraEmail      = "sync-bot@acme.example"
	DefaultJiraToken      = "sim-jira-api-token"
	DefaultJiraBearer     = "sim-jira-pat"
	DefaultGitHubToken    = "sim-github-token"
)

// API names used in request counters.
const (
	APIPagerDuty = "pagerduty"
	APIJira      = "jira"
	APIGitHub    = "github"
	APIOther     = "other"
)

// ErrClosed is returned by Advance after Close.
var ErrClosed = errors.New("simulate: server closed")

// Handlers choose the constructors of the three APIs; nil fields use the
// default packages (pdapi.New, jiraapi.New, ghapi.New).
type Handlers struct {
	PagerDuty apicommon.Constructor
	Jira      apicommon.Constructor
	GitHub    apicommon.Constructor
}

// Options configure Start. The zero value is valid: default credentials,
// Jira Cloud, no faults, the clock at org.Now.
type Options struct {
	PagerDutyToken string // default DefaultPagerDutyToken
	JiraEmail      string // Cloud basic-auth user, default DefaultJiraEmail
	JiraToken      string // Cloud basic-auth API token, default DefaultJiraToken
	JiraBearer     string // Data Center PAT, default DefaultJiraBearer
	GitHubToken    string // default DefaultGitHubToken
	JiraMode       apicommon.JiraMode

	// Now is the initial clock; default o.Now.
	Now time.Time
	// Faults start switched off unless set here; SetFaults changes them later.
	Faults Faults
	// GitHubRateLimit is the advertised hourly quota (X-RateLimit-Limit), default 5000.
	GitHubRateLimit int
	// Handlers override the API constructors (tests).
	Handlers Handlers
	// Addr is the listening address, default "127.0.0.1:0" (a free port); it must be a loopback
	// address (see admin.go).
	Addr string
	// Admin mounts the loopback admin endpoints under /admin/ (see admin.go).
	Admin bool
}

// Server is a running simulator. Its methods are safe for concurrent use.
type Server struct {
	o     *org.Org
	ln    net.Listener
	srv   *http.Server
	url   string
	clock *clock
	faults
	ghLimit int

	pd, jira, gh http.Handler

	reqTotal atomic.Int64
	ghUsed   atomic.Int64
	mu       sync.Mutex
	byAPI    map[string]int64
	byPath   map[string]int64
	done     chan struct{}
	closeOne sync.Once

	admin   bool
	outages outages // sources taken down (see outage.go)
}

// Start listens on 127.0.0.1:0 and serves o until ctx is cancelled or Close
// is called.
func Start(ctx context.Context, o *org.Org, opts Options) (*Server, error) {
	if o == nil {
		return nil, errors.New("simulate: nil organisation")
	}
	addr, err := loopbackAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("simulate: listen: %w", err)
	}
	now := opts.Now
	if now.IsZero() {
		now = o.Now
	}
	s := &Server{o: o, ln: ln, url: "http://" + ln.Addr().String(), clock: newClock(now),
		ghLimit: opts.GitHubRateLimit, byAPI: map[string]int64{}, byPath: map[string]int64{}, done: make(chan struct{}),
		admin: opts.Admin}
	if s.ghLimit <= 0 {
		s.ghLimit = 5000
	}
	s.faults.init(o.Params.Seed)
	s.SetFaults(opts.Faults)
	cfg := apicommon.Config{
		PagerDutyToken: def(opts.PagerDutyToken, DefaultPagerDutyToken),
		JiraEmail:      def(opts.JiraEmail, DefaultJiraEmail),
		JiraToken:      def(opts.JiraToken, DefaultJiraToken),
		JiraBearer:     def(opts.JiraBearer, DefaultJiraBearer),
		GitHubToken:    def(opts.GitHubToken, DefaultGitHubToken),
		JiraMode:       apicommon.JiraMode(def(string(opts.JiraMode), string(apicommon.JiraCloud))),
	}
	h := opts.Handlers
	if h.PagerDuty == nil {
		h.PagerDuty = pdapi.New
	}
	if h.Jira == nil {
		h.Jira = jiraapi.New
	}
	if h.GitHub == nil {
		h.GitHub = ghapi.New
	}
	mk := func(c apicommon.Constructor, prefix string) http.Handler {
		cc := cfg
		cc.BaseURL = s.url + prefix
		return http.StripPrefix(prefix, c(o, s.clock, cc))
	}
	s.pd = mk(h.PagerDuty, "/pagerduty")
	s.jira = mk(h.Jira, "/jira")
	s.gh = mk(h.GitHub, "/github")
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

func def(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// URL returns the server's base URL, "http://127.0.0.1:PORT" (no trailing slash).
func (s *Server) URL() string { return s.url }

// PagerDutyURL returns the PagerDuty API endpoint (for pagerduty.WithAPIEndpoint).
func (s *Server) PagerDutyURL() string { return s.url + "/pagerduty" }

// JiraURL returns the Jira base URL with a trailing slash (for jira.NewClient).
func (s *Server) JiraURL() string { return s.url + "/jira/" }

// GitHubURL returns the GitHub API base URL with a trailing slash (for client.BaseURL).
func (s *Server) GitHubURL() string { return s.url + "/github/" }

// Org returns the organisation being served.
func (s *Server) Org() *org.Org { return s.o }

// Now returns the simulated now.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Clock returns the server's clock (what the API handlers read).
func (s *Server) Clock() apicommon.Clock { return s.clock }

// Advance moves the clock forward by days (negative values are ignored):
// records created in between become visible and existing records show
// their later state. It returns the new now.
func (s *Server) Advance(days int) time.Time {
	if days > 0 {
		s.clock.add(time.Duration(days) * 24 * time.Hour)
	}
	return s.clock.Now()
}

// SetNow sets the clock (tests; it may move backwards).
func (s *Server) SetNow(t time.Time) { s.clock.set(t) }

// Truth returns the ground truth as of the server's now.
func (s *Server) Truth() *org.Truth { return s.o.Truth(s.Now()) }

// Close stops the server and closes open connections. It is idempotent.
func (s *Server) Close() error {
	var err error
	s.closeOne.Do(func() {
		close(s.done)
		err = s.srv.Close()
	})
	return err
}

// RequestStats are the request counters since Start (or the last ResetRequests).
type RequestStats struct {
	Total  int64            // every request, faulted or not
	ByAPI  map[string]int64 // pagerduty, jira, github, other
	ByPath map[string]int64 // "GET /github/repos/acme/x/pulls" (path without query)
	Faults map[string]int64 // injected faults by kind (FaultKind names)
}

// Paths returns the ByPath keys sorted.
func (r RequestStats) Paths() []string {
	out := make([]string, 0, len(r.ByPath))
	for k := range r.ByPath {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Requests returns a copy of the request counters.
func (s *Server) Requests() RequestStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := RequestStats{Total: s.reqTotal.Load(), ByAPI: map[string]int64{}, ByPath: map[string]int64{}, Faults: s.faults.counts()}
	for k, v := range s.byAPI {
		st.ByAPI[k] = v
	}
	for k, v := range s.byPath {
		st.ByPath[k] = v
	}
	return st
}

// ResetRequests zeroes the request and fault counters.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqTotal.Store(0)
	s.byAPI = map[string]int64{}
	s.byPath = map[string]int64{}
	s.faults.resetCounts()
}

func apiOf(path string) (api string, h bool) {
	switch {
	case path == "/pagerduty" || strings.HasPrefix(path, "/pagerduty/"):
		return APIPagerDuty, true
	case path == "/jira" || strings.HasPrefix(path, "/jira/"):
		return APIJira, true
	case path == "/github" || strings.HasPrefix(path, "/github/"):
		return APIGitHub, true
	}
	return APIOther, false
}

// serve is the root handler: counters, latency, GitHub headers, faults, API.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.admin && strings.HasPrefix(r.URL.Path, AdminPrefix) {
		s.serveAdmin(w, r) // neither counted nor faulted
		return
	}
	api, _ := apiOf(r.URL.Path)
	n := s.reqTotal.Add(1)
	s.mu.Lock()
	s.byAPI[api]++
	s.byPath[r.Method+" "+r.URL.Path]++
	s.mu.Unlock()

	// The Date header carries the simulated clock, as a real API's carries its own: clients that
	// end their windows at the source's now read it from there.
	w.Header().Set("Date", s.Now().UTC().Format(http.TimeFormat))
	if s.outages.serve(w, api) {
		return
	}
	f := s.faults.get()
	if f.Latency > 0 {
		lw := &latencyWriter{ResponseWriter: w, ctx: r.Context(), until: time.Now().Add(f.Latency)}
		defer lw.wait()
		w = lw
	}
	if api == APIGitHub {
		s.rateHeaders(w.Header())
		w = &rateWriter{ResponseWriter: w, s: s, free: r.URL.Path == "/github/rate_limit",
			before: w.Header().Get("X-RateLimit-Remaining")}
	}
	if s.faults.inject(w, r, api, n, f, s.serveAPI) {
		return
	}
	s.serveAPI(w, r, api)
}

// latencyWriter holds back a response until its request has been in the server for the
// configured latency: a remote API with that latency answers after that time, its own work
// included. (Sleeping first and working after would make every request slower than the latency
// by the simulator's rendering time, which a benchmark would wrongly charge to the client.)
type latencyWriter struct {
	http.ResponseWriter
	ctx    context.Context
	until  time.Time
	waited bool
}

// wait sleeps until the response may go out (once).
func (l *latencyWriter) wait() {
	if !l.waited {
		l.waited = true
		if d := time.Until(l.until); d > 0 {
			sleepCtx(l.ctx, d)
		}
	}
}

func (l *latencyWriter) WriteHeader(code int) {
	l.wait()
	l.ResponseWriter.WriteHeader(code)
}

func (l *latencyWriter) Write(b []byte) (int, error) {
	l.wait()
	return l.ResponseWriter.Write(b)
}

// Flush implements http.Flusher when the underlying writer does.
func (l *latencyWriter) Flush() {
	l.wait()
	flush(l.ResponseWriter)
}

// Hijack implements http.Hijacker for the connection faults.
func (l *latencyWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	l.wait()
	return hijack(l.ResponseWriter)
}

// flush flushes w when it can; the response writers wrapping the handler's use it.
func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// hijack takes over w's connection when it can; the response writers wrapping the handler's
// use it, so that the connection faults reach the server's writer.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("simulate: connection cannot be hijacked")
	}
	return hj.Hijack()
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, api string) {
	switch api {
	case APIPagerDuty:
		s.pd.ServeHTTP(w, r)
	case APIJira:
		s.jira.ServeHTTP(w, r)
	case APIGitHub:
		s.gh.ServeHTTP(w, r)
	default:
		if r.URL.Path == "/" || r.URL.Path == "/healthz" {
			apicommon.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "now": apicommon.Time(s.Now())})
			return
		}
		http.NotFound(w, r)
	}
}

// rateHeaders sets the normal GitHub rate-limit headers as they stand before the request is
// counted (rateWriter counts it when the status is known): the quota resets at the top of each
// wall-clock hour; the simulated quota never runs out by itself (it wraps), only the
// GitHubPrimary fault answers with Remaining 0.
func (s *Server) rateHeaders(h http.Header) {
	reset := time.Now().Truncate(time.Hour).Add(time.Hour).Unix()
	h.Set("X-RateLimit-Limit", fmt.Sprint(s.ghLimit))
	s.setUsed(h, s.ghUsed.Load())
	h.Set("X-RateLimit-Reset", fmt.Sprint(reset))
	h.Set("X-RateLimit-Resource", "core")
}

// setUsed sets X-RateLimit-Remaining and -Used for used requests so far (wrapping at the limit).
func (s *Server) setUsed(h http.Header, used int64) {
	lim := int64(s.ghLimit)
	u := int64(0)
	if used > 0 {
		u = (used-1)%lim + 1
	}
	h.Set("X-RateLimit-Remaining", fmt.Sprint(lim-u))
	h.Set("X-RateLimit-Used", fmt.Sprint(u))
}

// rateWriter counts a GitHub request against the simulated quota when its status is written,
// as GitHub does: a 304 answer to a conditional request and GET /rate_limit do not count
// ("Use conditional requests if appropriate" and "Checking the status of your rate limit" in
// GitHub's REST documentation on rate limits). A fault that already emptied the quota
// (changed Remaining) keeps its headers.
type rateWriter struct {
	http.ResponseWriter
	s       *Server
	free    bool   // GET /rate_limit
	before  string // X-RateLimit-Remaining set by rateHeaders
	written bool
}

func (w *rateWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		h := w.Header()
		if code != http.StatusNotModified && !w.free && h.Get("X-RateLimit-Remaining") == w.before {
			w.s.setUsed(h, w.s.ghUsed.Add(1))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rateWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher when the underlying writer does.
func (w *rateWriter) Flush() { flush(w.ResponseWriter) }

// Hijack implements http.Hijacker for the connection faults.
func (w *rateWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return hijack(w.ResponseWriter) }

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// clock is the server's moving now.
type clock struct {
	mu  sync.RWMutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t.UTC().Truncate(time.Second)} }

// Now returns the simulated now.
func (c *clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC().Truncate(time.Second)
	c.mu.Unlock()
}
