package simulate

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
)

// FaultKind names an injected fault in RequestStats.Faults.
type FaultKind string

// Fault kinds.
const (
	FaultTooManyRequests FaultKind = "429"              // 429 with Retry-After
	FaultGitHubPrimary   FaultKind = "github_primary"   // 403, X-RateLimit-Remaining: 0, X-RateLimit-Reset
	FaultGitHubSecondary FaultKind = "github_secondary" // 403 with Retry-After and the secondary-limit body
	FaultServerError     FaultKind = "500"
	FaultBadGateway      FaultKind = "502"
	FaultDrop            FaultKind = "drop" // connection closed mid-body (Content-Length promised more)
	FaultSlow            FaultKind = "slow" // served after SlowDelay
)

// Faults switch fault injection on, one kind at a time. A period N > 0
// injects the fault into every Nth request (deterministically, with an
// offset derived from the organisation's seed); 0 switches it off. At most
// one failing fault is injected per request (checked in the order of the
// fields), so as long as the periods leave gaps a client that retries
// always eventually succeeds. GitHub faults only hit /github requests.
type Faults struct {
	TooManyRequests int // period of 429 + Retry-After
	GitHubPrimary   int // period of the primary rate limit (GitHub only)
	GitHubSecondary int // period of the secondary rate limit (GitHub only)
	ServerError     int // period of 500
	BadGateway      int // period of 502
	Drop            int // period of connections dropped mid-body
	Slow            int // period of slow responses (served normally after SlowDelay)

	// SlowDelay is the delay of a slow response, default 300 ms.
	SlowDelay time.Duration
	// Latency is the time every response takes at least (0 = none): it is held back until its
	// request has been in the server that long, the server's own work included, as a remote API
	// with that latency would answer. The benchmarks use 20 ms.
	Latency time.Duration
	// RetryAfter is the wait advertised by 429, the secondary limit
	// (Retry-After, whole seconds rounded up; a value below 1 s is sent as
	// "0" so tests need not sleep) and the primary limit (X-RateLimit-Reset
	// = wall clock + RetryAfter, rounded up to the next second). Default 1 s.
	RetryAfter time.Duration
}

// AllFaults returns every fault switched on with periods that leave most
// requests untouched (about one request in three is faulted), a 50 ms slow
// page and a Retry-After of 0 (tests do not sleep).
func AllFaults() Faults {
	return Faults{TooManyRequests: 13, GitHubPrimary: 29, GitHubSecondary: 17, ServerError: 19, BadGateway: 23,
		Drop: 31, Slow: 11, SlowDelay: 50 * time.Millisecond, RetryAfter: time.Millisecond}
}

// SetFaults replaces the fault settings (safe while serving).
func (s *Server) SetFaults(f Faults) {
	if f.SlowDelay <= 0 {
		f.SlowDelay = 300 * time.Millisecond
	}
	if f.RetryAfter <= 0 {
		f.RetryAfter = time.Second
	}
	s.faults.set(f)
}

// Faults returns the current fault settings.
func (s *Server) Faults() Faults { return s.faults.get() }

var faultOrder = []FaultKind{FaultTooManyRequests, FaultGitHubPrimary, FaultGitHubSecondary, FaultServerError, FaultBadGateway, FaultDrop, FaultSlow}

type faults struct {
	cur     atomic.Pointer[Faults]
	offsets map[FaultKind]uint64
	mu      sync.Mutex
	n       map[FaultKind]int64
}

func (f *faults) init(seed uint64) {
	f.offsets = map[FaultKind]uint64{}
	for i, k := range faultOrder {
		f.offsets[k] = splitmix(seed + uint64(i)*0x9e37)
	}
	f.n = map[FaultKind]int64{}
	f.cur.Store(&Faults{})
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (f *faults) set(v Faults) { f.cur.Store(&v) }
func (f *faults) get() Faults  { return *f.cur.Load() }

func (f *faults) counts() map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int64{}
	for k, v := range f.n {
		out[string(k)] = v
	}
	return out
}

func (f *faults) resetCounts() {
	f.mu.Lock()
	f.n = map[FaultKind]int64{}
	f.mu.Unlock()
}

func (f *faults) hit(k FaultKind, period int, n int64) bool {
	if period <= 0 {
		return false
	}
	p := uint64(period)
	return (uint64(n)+f.offsets[k]%p)%p == 0
}

func (f *faults) count(k FaultKind) {
	f.mu.Lock()
	f.n[k]++
	f.mu.Unlock()
}

// inject applies the fault chosen for request n, if any; it reports whether
// the response has been written (the caller must not serve it again).
func (f *faults) inject(w http.ResponseWriter, r *http.Request, api string, n int64, cfg Faults,
	next func(http.ResponseWriter, *http.Request, string)) bool {
	gh := api == APIGitHub
	switch {
	case f.hit(FaultTooManyRequests, cfg.TooManyRequests, n):
		f.count(FaultTooManyRequests)
		w.Header().Set("Retry-After", retryAfter(cfg.RetryAfter))
		writeError(w, api, http.StatusTooManyRequests)
		return true
	case gh && f.hit(FaultGitHubPrimary, cfg.GitHubPrimary, n):
		f.count(FaultGitHubPrimary)
		h := w.Header()
		lim := h.Get("X-RateLimit-Limit")
		if lim == "" {
			lim = "5000"
		}
		reset := time.Now().Add(cfg.RetryAfter)
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", lim)
		h.Set("X-RateLimit-Reset", strconv.FormatInt(int64(math.Ceil(float64(reset.UnixNano())/1e9)), 10))
		apicommon.WriteJSON(w, http.StatusForbidden, map[string]string{
			"message":           "API rate limit exceeded for user ID 1.",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
		})
		return true
	case gh && f.hit(FaultGitHubSecondary, cfg.GitHubSecondary, n):
		f.count(FaultGitHubSecondary)
		w.Header().Set("Retry-After", retryAfter(cfg.RetryAfter))
		apicommon.WriteJSON(w, http.StatusForbidden, map[string]string{
			"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
		})
		return true
	case f.hit(FaultServerError, cfg.ServerError, n):
		f.count(FaultServerError)
		writeError(w, api, http.StatusInternalServerError)
		return true
	case f.hit(FaultBadGateway, cfg.BadGateway, n):
		f.count(FaultBadGateway)
		body := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(body))
		return true
	case f.hit(FaultDrop, cfg.Drop, n):
		f.count(FaultDrop)
		return drop(w, r, api, next)
	case f.hit(FaultSlow, cfg.Slow, n):
		f.count(FaultSlow)
		if !sleepCtx(r.Context(), cfg.SlowDelay) {
			return true
		}
	}
	return false
}

func retryAfter(d time.Duration) string {
	if d < time.Second {
		return "0"
	}
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// writeError writes the API's own error body for a status.
func writeError(w http.ResponseWriter, api string, status int) {
	msg := http.StatusText(status)
	switch api {
	case APIPagerDuty:
		code := 2999
		if status == http.StatusTooManyRequests {
			code, msg = 2020, "Rate Limit Exceeded"
		}
		apicommon.WriteJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "code": code}})
	case APIJira:
		apicommon.WriteJSON(w, status, map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{}})
	default:
		apicommon.WriteJSON(w, status, map[string]any{"message": msg,
			"documentation_url": "https://docs.github.com/rest"})
	}
}

// bufferWriter captures a response.
type bufferWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.h }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferWriter) WriteHeader(s int) {
	if b.status == 0 {
		b.status = s
	}
}

// drop serves the request into a buffer, then writes the status line, the
// headers with the full Content-Length and half of the body on the raw
// connection, and closes it.
func drop(w http.ResponseWriter, r *http.Request, api string, next func(http.ResponseWriter, *http.Request, string)) bool {
	rec := &bufferWriter{h: w.Header().Clone()}
	next(rec, r, api)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	body := rec.buf.Bytes()
	if len(body) < 2 {
		body = []byte(`{"padding":"the body of a dropped response"}`)
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeError(w, api, http.StatusInternalServerError)
		return true
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return true
	}
	defer conn.Close()
	rec.h.Set("Content-Length", strconv.Itoa(len(body)))
	rec.h.Del("Transfer-Encoding")
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", rec.status, http.StatusText(rec.status))
	_ = rec.h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body[:len(body)/2])
	_ = bw.Flush()
	return true
}
