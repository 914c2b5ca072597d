package simulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

var (
	orgOnce sync.Once
	testOrg *org.Org
)

func smallOrg() *org.Org {
	orgOnce.Do(func() { testOrg = org.Generate(org.Params{Seed: 9, Size: org.Small}) })
	return testOrg
}

// countHandler answers {"incidents": N, "path": "..."} with the incidents visible at the clock's now.
func countHandler(o *org.Org, c apicommon.Clock, cfg apicommon.Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apicommon.WriteJSON(w, http.StatusOK, map[string]any{"incidents": len(o.IncidentsUpTo(c.Now())), "path": r.URL.Path, "base": cfg.BaseURL,
			"pad": strings.Repeat("x", 200)})
	})
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Handlers = Handlers{PagerDuty: countHandler, Jira: countHandler, GitHub: countHandler}
	s, err := Start(context.Background(), smallOrg(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type reply struct {
	Incidents int    `json:"incidents"`
	Path      string `json:"path"`
	Base      string `json:"base"`
}

func get(t *testing.T, url string) (*http.Response, reply, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return nil, reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, reply{}, err
	}
	var r reply
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &r); err != nil {
			return resp, r, err
		}
	}
	return resp, r, nil
}

func TestMountingAndAdvance(t *testing.T) {
	s := start(t, Options{})
	o := s.Org()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s", s.URL())
	}
	_, r, err := get(t, s.PagerDutyURL()+"/incidents")
	if err != nil {
		t.Fatal(err)
	}
	if r.Path != "/incidents" || r.Base != s.PagerDutyURL() {
		t.Fatalf("pagerduty handler saw path %q base %q", r.Path, r.Base)
	}
	if want := o.Truth(o.Now).Counts.Incidents; r.Incidents != want {
		t.Fatalf("incidents at now %d, truth %d", r.Incidents, want)
	}
	before := r.Incidents
	now := s.Advance(30)
	if !now.Equal(o.Now.AddDate(0, 0, 30)) || !s.Now().Equal(now) {
		t.Fatalf("Advance(30) -> %v", now)
	}
	_, r, err = get(t, s.GitHubURL()+"repos/acme/x/pulls")
	if err != nil {
		t.Fatal(err)
	}
	if r.Path != "/repos/acme/x/pulls" {
		t.Fatalf("github handler saw %q", r.Path)
	}
	if want := o.Truth(now).Counts.Incidents; r.Incidents != want || r.Incidents <= before {
		t.Fatalf("after advance: %d incidents, truth %d, before %d", r.Incidents, want, before)
	}
	_, r, _ = get(t, s.JiraURL()+"rest/api/2/search")
	if r.Path != "/rest/api/2/search" {
		t.Fatalf("jira handler saw %q", r.Path)
	}
	st := s.Requests()
	if st.Total != 3 || st.ByAPI[APIPagerDuty] != 1 || st.ByAPI[APIJira] != 1 || st.ByAPI[APIGitHub] != 1 ||
		st.ByPath["GET /github/repos/acme/x/pulls"] != 1 {
		t.Fatalf("counters %+v", st)
	}
	s.ResetRequests()
	if s.Requests().Total != 0 {
		t.Fatal("ResetRequests")
	}
}

// TestGitHubRateHeaders checks the simulated quota against GitHub's rules: every request counts,
// except GET /rate_limit and a 304 answer to a conditional request.
func TestGitHubRateHeaders(t *testing.T) {
	s, err := Start(context.Background(), smallOrg(), Options{GitHubRateLimit: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	repo := s.GitHubURL() + "repos/" + s.Org().Repos[0].FullName()
	call := func(url, etag string) (*http.Response, string, int) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultGitHubToken)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		rem, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
		if err != nil || resp.Header.Get("X-RateLimit-Limit") != "100" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("%s: headers %v", url, resp.Header)
		}
		return resp, string(body), rem
	}
	last := -1
	for i := 0; i < 3; i++ {
		resp, _, rem := call(repo, "")
		if resp.StatusCode != http.StatusOK || (i > 0 && rem != last-1) {
			t.Fatalf("status %d, remaining %d after %d", resp.StatusCode, rem, last)
		}
		last = rem
	}
	for i := 0; i < 2; i++ {
		_, body, rem := call(s.GitHubURL()+"rate_limit", "")
		if rem != last || !strings.Contains(body, fmt.Sprintf(`"remaining":%d`, last)) {
			t.Fatalf("rate_limit counted: remaining %d, body %s; want %d", rem, body, last)
		}
	}
	resp, _, _ := call(repo, "")
	etag := resp.Header.Get("ETag")
	last--
	nm, _, rem := call(repo, etag)
	if etag == "" || nm.StatusCode != http.StatusNotModified || rem != last {
		t.Fatalf("304 counted: status %d, remaining %d, want %d", nm.StatusCode, rem, last)
	}
	if _, _, rem := call(repo, ""); rem != last-1 {
		t.Fatalf("after the 304: remaining %d, want %d", rem, last-1)
	}
	pd, err := http.Get(s.PagerDutyURL() + "/users")
	if err != nil {
		t.Fatal(err)
	}
	pd.Body.Close()
	if pd.Header.Get("X-RateLimit-Limit") != "" {
		t.Fatal("GitHub headers on a PagerDuty response")
	}
}

func TestEachFault(t *testing.T) {
	type check func(t *testing.T, resp *http.Response, err error, elapsed time.Duration)
	status := func(code int, hdr ...string) check {
		return func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != code {
				t.Fatalf("status %d, want %d", resp.StatusCode, code)
			}
			for i := 0; i+1 < len(hdr); i += 2 {
				if got := resp.Header.Get(hdr[i]); hdr[i+1] == "*" && got == "" || hdr[i+1] != "*" && got != hdr[i+1] {
					t.Fatalf("%s = %q, want %q", hdr[i], got, hdr[i+1])
				}
			}
		}
	}
	cases := []struct {
		name string
		f    Faults
		kind FaultKind
		api  string
		c    check
	}{
		{"429", Faults{TooManyRequests: 1, RetryAfter: 2 * time.Second}, FaultTooManyRequests, "/jira/rest/api/2/myself", status(429, "Retry-After", "2")},
		{"429 fractional", Faults{TooManyRequests: 1, RetryAfter: time.Millisecond}, FaultTooManyRequests, "/pagerduty/users", status(429, "Retry-After", "0")},
		{"primary", Faults{GitHubPrimary: 1}, FaultGitHubPrimary, "/github/user", status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "*")},
		{"secondary", Faults{GitHubSecondary: 1}, FaultGitHubSecondary, "/github/user", status(403, "Retry-After", "1")},
		{"500", Faults{ServerError: 1}, FaultServerError, "/pagerduty/incidents", status(500)},
		{"502", Faults{BadGateway: 1}, FaultBadGateway, "/github/user", status(502)},
		{"drop", Faults{Drop: 1}, FaultDrop, "/jira/rest/api/2/myself", func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
			if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("dropped body: err %v", err)
			}
		}},
		{"slow", Faults{Slow: 1, SlowDelay: 120 * time.Millisecond}, FaultSlow, "/github/user", func(t *testing.T, resp *http.Response, err error, el time.Duration) {
			status(200)(t, resp, err, el)
			if el < 120*time.Millisecond {
				t.Fatalf("slow page took %v", el)
			}
		}},
		{"latency", Faults{Latency: 80 * time.Millisecond}, "", "/pagerduty/users", func(t *testing.T, resp *http.Response, err error, el time.Duration) {
			status(200)(t, resp, err, el)
			if el < 80*time.Millisecond {
				t.Fatalf("latency: took %v", el)
			}
		}},
	}
	s := start(t, Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFaults(tc.f)
			s.ResetRequests()
			t0 := time.Now()
			resp, _, err := get(t, s.URL()+tc.api)
			tc.c(t, resp, err, time.Since(t0))
			if tc.kind != "" && s.Requests().Faults[string(tc.kind)] != 1 {
				t.Fatalf("fault counters %v", s.Requests().Faults)
			}
		})
	}
	// GitHub faults never hit other APIs.
	s.SetFaults(Faults{GitHubPrimary: 1, GitHubSecondary: 1})
	if resp, _, err := get(t, s.PagerDutyURL()+"/users"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GitHub fault on PagerDuty: %v %v", resp, err)
	}
	// Off again.
	s.SetFaults(Faults{})
	if resp, _, err := get(t, s.GitHubURL()+"user"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("faults off: %v %v", resp, err)
	}
}

// TestAllFaultsRetry: a client that retries every failure always gets
// through, and every kind of fault is injected along the way.
func TestAllFaultsRetry(t *testing.T) {
	s := start(t, Options{Faults: AllFaults()})
	f := s.Faults()
	f.SlowDelay = time.Millisecond
	s.SetFaults(f)
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 150; i++ {
		for attempt := 0; ; attempt++ {
			if attempt > 10 {
				t.Fatalf("request %d failed %d times", i, attempt)
			}
			resp, err := client.Get(s.GitHubURL() + "repos/acme/x/pulls")
			if err != nil {
				continue
			}
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == 200 {
				break
			}
		}
	}
	fs := s.Requests().Faults
	for _, k := range faultOrder {
		if fs[string(k)] == 0 {
			t.Errorf("fault %s never injected: %v", k, fs)
		}
	}
}

func TestCloseOnContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, smallOrg(), Options{Handlers: Handlers{PagerDuty: countHandler, Jira: countHandler, GitHub: countHandler}})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := http.Get(s.URL() + "/healthz"); err != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("server still answering after context cancel")
}

// BenchmarkServerLoopback measures requests/s of a trivial route through the
// whole middleware (counters, GitHub headers, fault checks) with keep-alive
// clients on loopback.
func BenchmarkServerLoopback(b *testing.B) {
	s, err := Start(context.Background(), smallOrg(), Options{Handlers: Handlers{PagerDuty: countHandler, Jira: countHandler, GitHub: countHandler}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	url := s.GitHubURL() + "rate_limit"
	b.SetParallelism(4)
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "req/s")
}
