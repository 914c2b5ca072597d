package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// noSleep records waits instead of sleeping.
type noSleep struct{ waits []time.Duration }

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.waits = append(n.waits, d)
	return ctx.Err()
}

func serve(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(int(calls.Add(1)), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func get(t *testing.T, tr *Transport, url string) (*http.Response, string, error) {
	t.Helper()
	resp, err := tr.Client().Get(url)
	if err != nil {
		return nil, "", err
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

func TestRetriesThenSucceeds(t *testing.T) {
	cases := map[string]func(w http.ResponseWriter){
		"429 Retry-After": func(w http.ResponseWriter) { w.Header().Set("Retry-After", "2"); w.WriteHeader(429) },
		"500":             func(w http.ResponseWriter) { w.WriteHeader(500) },
		"502":             func(w http.ResponseWriter) { w.WriteHeader(502) },
		"403 secondary": func(w http.ResponseWriter) {
			w.WriteHeader(403)
			io.WriteString(w, `{"message":"You have exceeded a secondary rate limit."}`)
		},
		"403 primary reset": func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(3*time.Second).Unix(), 10))
			w.WriteHeader(403)
		},
		"dropped mid-body": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			io.WriteString(w, `{"partial":`)
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
		},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			srv, calls := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= 2 {
					fault(w)
					return
				}
				io.WriteString(w, "ok")
			})
			ns := &noSleep{}
			tr := New(Options{Sleep: ns.sleep})
			resp, body, err := get(t, tr, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || body != "ok" || calls.Load() != 3 {
				t.Fatalf("status %d body %q after %d calls", resp.StatusCode, body, calls.Load())
			}
			if len(ns.waits) != 2 {
				t.Fatalf("waited %d times, want 2", len(ns.waits))
			}
			if name == "429 Retry-After" && ns.waits[0] != 2*time.Second {
				t.Errorf("Retry-After 2 waited %s", ns.waits[0])
			}
			if name == "403 primary reset" && (ns.waits[0] < time.Second || ns.waits[0] > 5*time.Second) {
				t.Errorf("reset in 3 s waited %s", ns.waits[0])
			}
			if st := tr.Stats(""); st.Requests.Load() != 3 || st.Retries.Load() != 2 {
				t.Errorf("stats: %d requests, %d retries", st.Requests.Load(), st.Retries.Load())
			}
		})
	}
}

func TestNeverRetriesOther4xx(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 410, 422} {
		srv, calls := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			io.WriteString(w, `{"message":"no"}`)
		})
		ns := &noSleep{}
		resp, body, err := get(t, New(Options{Sleep: ns.sleep}), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != code || calls.Load() != 1 || !strings.Contains(body, "no") {
			t.Errorf("%d: got status %d after %d calls", code, resp.StatusCode, calls.Load())
		}
	}
}

func TestPostBodyReplayed(t *testing.T) {
	var bodies []string
	srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, "ok")
	})
	tr := New(Options{Sleep: (&noSleep{}).sleep})
	resp, err := tr.Client().Post(srv.URL, "application/json", strings.NewReader(`{"jql":"x"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err, resp)
	}
	if len(bodies) != 2 || bodies[1] != `{"jql":"x"}` {
		t.Fatalf("bodies %q", bodies)
	}
}

func TestGivesUpAndHonoursMaxWait(t *testing.T) {
	srv, calls := serve(t, func(n int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	resp, _, err := get(t, New(Options{Sleep: (&noSleep{}).sleep, MaxRetries: 3}), srv.URL)
	if err != nil || resp.StatusCode != 500 || calls.Load() != 4 {
		t.Fatalf("err %v, %d calls", err, calls.Load())
	}
	srv2, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	})
	_, _, err = get(t, New(Options{Sleep: (&noSleep{}).sleep, MaxWait: time.Minute}), srv2.URL)
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("an hour's Retry-After with a 1 min cap: %v", err)
	}
}

func TestCancellationStopsAtOnce(t *testing.T) {
	srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	_, err := New(Options{}).Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancellation took %s", time.Since(start))
	}
}

func TestConcurrencyLimit(t *testing.T) {
	var inflight, peak atomic.Int64
	srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		cur := inflight.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inflight.Add(-1)
	})
	tr := New(Options{Concurrency: 3})
	done := make(chan struct{})
	for i := 0; i < 12; i++ {
		go func() { get(t, tr, srv.URL); done <- struct{}{} }()
	}
	for i := 0; i < 12; i++ {
		<-done
	}
	if peak.Load() != 3 {
		t.Fatalf("peak in flight %d, want 3", peak.Load())
	}
}

// TestKeepsAConnectionPerRequestInFlight runs 120 requests from 6 workers that pause between
// requests: with the default base transport they reuse at most 6 connections
// (http.DefaultTransport keeps 2 idle per host and dials again whenever more were idle), and
// ReadBody hands back the body the transport read.
func TestKeepsAConnectionPerRequestInFlight(t *testing.T) {
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		io.WriteString(w, "body of "+r.URL.Path)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	const width = 6
	tr := New(Options{Concurrency: width})
	errs := make(chan error, 120)
	for w := 0; w < width; w++ {
		go func() {
			for i := 0; i < 120/width; i++ {
				resp, err := tr.Client().Get(srv.URL + "/x" + strconv.Itoa(w))
				if err != nil {
					errs <- err
					continue
				}
				b, err := ReadBody(resp)
				if err == nil && string(b) != "body of /x"+strconv.Itoa(w) {
					err = errors.New("body " + string(b))
				}
				resp.Body.Close()
				errs <- err
				time.Sleep(time.Duration(w+1) * time.Millisecond) // work on the page: connections sit idle
			}
		}()
	}
	for i := 0; i < 120; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if d := dials.Load(); d > width {
		t.Errorf("%d connections opened for %d requests %d at a time, want at most %d", d, 120, width, width)
	}
}

// startCounter is a base transport that counts the requests it is asked to send.
type startCounter struct {
	base    http.RoundTripper
	started atomic.Int64
}

func (s *startCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	s.started.Add(1)
	return s.base.RoundTrip(r)
}

// TestReleaseSendsWaitingRequestFirst checks that a request waiting for a free slot is sent before
// the goroutine that freed the slot goes on with its response. On one P the scheduler runs a
// readied goroutine only when the running one blocks or yields, so without the yield on release the
// waiter would sit until the caller's work on the body was done. Each trial: request a holds the
// only slot, request b waits for it; when a's RoundTrip returns, b must already have been handed
// to the base transport. The runtime picks from its global queue first once every 61 schedules,
// which can run the yielding goroutine again before the waiter, so a few trials may miss; without
// the yield every trial misses.
func TestReleaseSendsWaitingRequestFirst(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	release := make(chan struct{})
	arrived := make(chan string, 1)
	srv, _ := serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			arrived <- "a"
			<-release
		}
		io.WriteString(w, "ok")
	})
	const trials = 40
	hits := 0
	for i := 0; i < trials; i++ {
		sc := &startCounter{base: http.DefaultTransport.(*http.Transport).Clone()}
		tr := New(Options{Concurrency: 1, Base: sc})
		req := func(path string) *http.Request {
			r, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		aDone := make(chan int64)
		go func() {
			resp, err := tr.RoundTrip(req("/a"))
			if err == nil {
				resp.Body.Close()
			}
			aDone <- sc.started.Load() // 2 when b was sent before a's caller went on
		}()
		<-arrived // a holds the slot
		bWaiting := make(chan struct{})
		bDone := make(chan error)
		go func() {
			close(bWaiting)
			resp, err := tr.RoundTrip(req("/b")) // blocks on the slot without blocking before it
			if err == nil {
				resp.Body.Close()
			}
			bDone <- err
		}()
		<-bWaiting
		release <- struct{}{}
		if <-aDone == 2 {
			hits++
		}
		if err := <-bDone; err != nil {
			t.Fatal(err)
		}
		sc.base.(*http.Transport).CloseIdleConnections()
	}
	if hits < trials*3/4 {
		t.Fatalf("the waiting request was sent before the freeing caller went on in %d of %d trials, want at least %d", hits, trials, trials*3/4)
	}
	t.Logf("waiting request sent first in %d of %d trials", hits, trials)
}

// TestRetryAfterZeroStillWaits: a server that says "come back at once" (Retry-After: 0, a
// Retry-After date already past, a rate-limit reset already past) is retried after
// MinRetryWait plus at most half of it again, never at once; a longer demand is kept as asked.
func TestRetryAfterZeroStillWaits(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	cases := map[string]func(w http.ResponseWriter){
		"429 Retry-After 0":    func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) },
		"503 Retry-After 0":    func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(503) },
		"429 Retry-After 0.01": func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0.01"); w.WriteHeader(429) },
		"429 past date": func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", past.UTC().Format(http.TimeFormat))
			w.WriteHeader(429)
		},
		"403 reset past": func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(past.Unix(), 10))
			w.WriteHeader(403)
		},
	}
	for name, fault := range cases {
		for _, min := range []time.Duration{0, 40 * time.Millisecond} { // 0: the default, 1 s
			srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= 20 {
					fault(w)
					return
				}
				io.WriteString(w, "ok")
			})
			ns := &noSleep{}
			tr := New(Options{Sleep: ns.sleep, MinRetryWait: min, MaxRetries: 30})
			if _, body, err := get(t, tr, srv.URL); err != nil || body != "ok" {
				t.Fatalf("%s: %q %v", name, body, err)
			}
			floor := min
			if floor == 0 {
				floor = time.Second
			}
			distinct := map[time.Duration]bool{}
			for _, w := range ns.waits {
				distinct[w] = true
				if w < floor || w > floor+floor/2 {
					t.Errorf("%s, floor %s: waited %s, want within [%s, %s]", name, floor, w, floor, floor+floor/2)
				}
			}
			if len(ns.waits) != 20 || len(distinct) < 10 {
				t.Errorf("%s: %d waits, %d distinct (no jitter?)", name, len(ns.waits), len(distinct))
			}
		}
	}
	// No floor when asked for none, and a long demand is never shortened.
	srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
			return
		}
		if n == 2 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, "ok")
	})
	ns := &noSleep{}
	if _, _, err := get(t, New(Options{Sleep: ns.sleep, MinRetryWait: -1}), srv.URL); err != nil {
		t.Fatal(err)
	}
	if len(ns.waits) != 2 || ns.waits[0] != 0 || ns.waits[1] != 7*time.Second {
		t.Errorf("waits %v, want [0s 7s]", ns.waits)
	}
}

// TestSourceNowFollowsTheDateHeader: SourceNow is unknown before a response, then the source's
// Date (not this machine's clock); an older Date never moves it back.
func TestSourceNowFollowsTheDateHeader(t *testing.T) {
	src := time.Date(2020, 2, 29, 23, 59, 58, 0, time.UTC)
	srv, _ := serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		d := src
		if n == 2 {
			d = src.Add(-time.Hour) // a response from a lagging replica
		}
		w.Header().Set("Date", d.Format(http.TimeFormat))
		io.WriteString(w, "ok")
	})
	tr := New(Options{})
	if _, ok := tr.SourceNow(); ok {
		t.Fatal("a source clock before any response")
	}
	for range 2 {
		if _, _, err := get(t, tr, srv.URL); err != nil {
			t.Fatal(err)
		}
		now, ok := tr.SourceNow()
		if !ok || !now.Equal(src) {
			t.Fatalf("source now %s (%v), want %s", now, ok, src)
		}
	}
}
