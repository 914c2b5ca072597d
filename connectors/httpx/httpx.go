// Package httpx is the one http.RoundTripper every connector's client library runs on. It retries
// what is worth retrying — 429, 5xx, dropped connections and bodies cut short, GitHub's
// secondary-limit 403s — with exponential backoff and full jitter, honours Retry-After and
// X-RateLimit-Reset (sleeping until the reset, up to a cap, with a log line), never retries any
// other 4xx, limits concurrent requests per source, times out each attempt, and stops at once when
// the request's context is cancelled.
//
// Responses are read completely inside RoundTrip, so a connection dropped mid-body is retried like
// any other transport error; callers receive an in-memory body. API pages are small enough for this.
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Transport is a retrying, rate-limit-aware round tripper. The zero value is not usable; use New.
type Transport struct {
	base        http.RoundTripper
	source      string
	maxRetries  int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	minWait     time.Duration // floor of a server-demanded wait (MinRetryWait)
	maxWait     time.Duration
	timeout     time.Duration
	sem         chan struct{}
	logger      *slog.Logger
	sleep       func(ctx context.Context, d time.Duration) error
	now         func() time.Time
	paceMu      sync.Mutex
	pausedUntil time.Time

	dateMu     sync.Mutex
	sourceDate time.Time // the latest Date header seen

	stats sync.Map // entity -> *EntityStats
}

// Options configures a Transport. Zero values take the documented defaults.
type Options struct {
	// Source names the API in log lines ("github").
	Source string
	// Base is the underlying transport; nil means a copy of http.DefaultTransport that keeps
	// Concurrency idle connections per host.
	Base http.RoundTripper
	// MaxRetries bounds retries of one request (default 8).
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff (defaults 250 ms and 30 s).
	MinBackoff, MaxBackoff time.Duration
	// MinRetryWait is the shortest wait before retrying a response that names its own wait
	// (Retry-After, a rate-limit reset): a shorter demand, "Retry-After: 0" included, waits
	// MinRetryWait plus a uniform jitter of up to half of it, so that clients told to come back
	// at once do not all come back together (default 1 s; negative means no floor).
	MinRetryWait time.Duration
	// MaxWait caps a single wait for Retry-After or a rate-limit reset (default 15 min); a longer
	// demanded wait fails the request with ErrRateLimited.
	MaxWait time.Duration
	// Timeout bounds each attempt, including reading the body (default 60 s).
	Timeout time.Duration
	// Concurrency bounds requests in flight through this transport (default 4).
	Concurrency int
	// Logger receives one line per wait; nil discards.
	Logger *slog.Logger
	// Sleep replaces time-based waiting (tests); nil sleeps for real, waking on cancellation.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now replaces the clock (tests); nil means time.Now.
	Now func() time.Time
}

// ErrRateLimited reports a wait demanded by the server that exceeds Options.MaxWait.
var ErrRateLimited = errors.New("httpx: rate limit wait exceeds the configured maximum")

// New returns a Transport.
func New(o Options) *Transport {
	t := &Transport{
		base: o.Base, source: o.Source, maxRetries: o.MaxRetries, minBackoff: o.MinBackoff,
		maxBackoff: o.MaxBackoff, minWait: o.MinRetryWait, maxWait: o.MaxWait, timeout: o.Timeout, logger: o.Logger,
		sleep: o.Sleep, now: o.Now,
	}
	if t.maxRetries == 0 {
		t.maxRetries = 8
	}
	if t.minBackoff == 0 {
		t.minBackoff = 250 * time.Millisecond
	}
	if t.maxBackoff == 0 {
		t.maxBackoff = 30 * time.Second
	}
	if t.minWait == 0 {
		t.minWait = time.Second
	}
	if t.maxWait == 0 {
		t.maxWait = 15 * time.Minute
	}
	if t.timeout == 0 {
		t.timeout = 60 * time.Second
	}
	n := o.Concurrency
	if n <= 0 {
		n = 4
	}
	t.sem = make(chan struct{}, n)
	if t.base == nil {
		// http.DefaultTransport keeps two idle connections per host: with more requests in flight,
		// every connection beyond two was closed after its request and a new one dialled (and, on
		// a real API, a new TLS handshake made) for the next.
		d := http.DefaultTransport.(*http.Transport).Clone()
		d.MaxIdleConnsPerHost = max(n, http.DefaultMaxIdleConnsPerHost)
		t.base = d
	}
	if t.logger == nil {
		t.logger = slog.New(slog.DiscardHandler)
	}
	if t.sleep == nil {
		t.sleep = sleepCtx
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

// Client returns an *http.Client using t (no client-level timeout: attempts are bounded by t).
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }

// Concurrency returns the number of requests allowed in flight.
func (t *Transport) Concurrency() int { return cap(t.sem) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

type entityKey struct{}

// WithEntity tags requests made with ctx as collecting entity, for per-entity request counts.
func WithEntity(ctx context.Context, entity string) context.Context {
	return context.WithValue(ctx, entityKey{}, entity)
}

// EntityStats counts requests and retries for one entity.
type EntityStats struct {
	Requests atomic.Int64 // attempts sent, retries included
	Retries  atomic.Int64
}

// Stats returns the counters for entity ("" for untagged requests).
func (t *Transport) Stats(entity string) *EntityStats {
	v, _ := t.stats.LoadOrStore(entity, &EntityStats{})
	return v.(*EntityStats)
}

// TotalRequests returns all attempts sent through t.
func (t *Transport) TotalRequests() int64 {
	var n int64
	t.stats.Range(func(_, v any) bool { n += v.(*EntityStats).Requests.Load(); return true })
	return n
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	entity, _ := ctx.Value(entityKey{}).(string)
	st := t.Stats(entity)
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() {
		<-t.sem
		// The release readies a request waiting for the slot in this goroutine's P's runnext
		// slot, and the caller goes on to decode the body it got: under load on few cores the
		// next request then waited until that decoding yielded (median 1.3 ms of a 20 ms request
		// on the PagerDuty benchmark). Yielding here lets it be sent first.
		runtime.Gosched()
	}()

	for attempt := 0; ; attempt++ {
		if err := t.waitPause(ctx); err != nil {
			return nil, err
		}
		r := req
		if attempt > 0 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		st.Requests.Add(1)
		resp, err := t.attempt(ctx, r)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		wait, retry, why := t.classify(resp, err, attempt)
		if !retry {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		if attempt >= t.maxRetries {
			if err != nil {
				return nil, fmt.Errorf("httpx: %s %s: giving up after %d attempts: %w", req.Method, req.URL.Path, attempt+1, err)
			}
			return resp, nil // the caller sees the last error status
		}
		if wait > t.maxWait {
			return nil, fmt.Errorf("%w: %s asks to wait %s (max %s)", ErrRateLimited, t.source, wait.Round(time.Second), t.maxWait)
		}
		st.Retries.Add(1)
		t.logger.LogAttrs(ctx, slog.LevelDebug, "retrying request", slog.String("source", t.source),
			slog.String("path", req.URL.Path), slog.String("reason", why), slog.Duration("wait", wait), slog.Int("attempt", attempt+1))
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends one request and reads the whole body within the per-attempt timeout.
func (t *Transport) attempt(ctx context.Context, req *http.Request) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	resp, err := t.base.RoundTrip(req.WithContext(actx))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength < 64<<20 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	body := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("httpx: read body: %w", err)
	}
	if resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength {
		return nil, fmt.Errorf("httpx: body cut short: %d of %d bytes: %w", len(body), resp.ContentLength, io.ErrUnexpectedEOF)
	}
	resp.Body = &Body{Reader: bytes.NewReader(body), b: body}
	resp.ContentLength = int64(len(body))
	t.notePrimaryLimit(resp)
	t.noteDate(resp)
	return resp, nil
}

// noteDate remembers the source's clock from the Date header of a response.
func (t *Transport) noteDate(resp *http.Response) {
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return
	}
	t.dateMu.Lock()
	if !d.Before(t.sourceDate) {
		t.sourceDate = d
	}
	t.dateMu.Unlock()
}

// SourceNow returns the source's own clock: the latest Date header a response carried (whole
// seconds). ok is false until a response has carried one. Connectors end their "until now" windows
// and cursors on it, right after a response, so that a client clock ahead of the source does not
// move a cursor past records the source has not yet written, and one behind does not leave out the
// newest. It is at or a little before the source's now — never after it, so a cursor saved at it
// can only make the next sync (which starts a whole overlap earlier) fetch a record twice, never
// miss one — and it does not depend on how long this machine took to get there: a sync killed and
// run again saves the same cursors as one run straight through.
func (t *Transport) SourceNow() (now time.Time, ok bool) {
	t.dateMu.Lock()
	defer t.dateMu.Unlock()
	if t.sourceDate.IsZero() {
		return time.Time{}, false
	}
	return t.sourceDate, true
}

// classify decides whether to retry and how long to wait first.
func (t *Transport) classify(resp *http.Response, err error, attempt int) (wait time.Duration, retry bool, why string) {
	if err != nil {
		return t.backoff(attempt), true, "transport error: " + err.Error()
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		if d, ok := t.serverWait(resp); ok {
			return t.floor(d), true, "429 too many requests"
		}
		return t.backoff(attempt), true, "429 too many requests"
	case resp.StatusCode >= 500:
		if d, ok := retryAfter(resp, t.now()); ok {
			return t.floor(d), true, resp.Status
		}
		return t.backoff(attempt), true, resp.Status
	case resp.StatusCode == http.StatusForbidden:
		// GitHub signals both its primary (X-RateLimit-Remaining: 0) and secondary (Retry-After)
		// limits with 403; any other 403 is a real refusal and is not retried.
		if d, ok := t.serverWait(resp); ok {
			return t.floor(d), true, "403 rate limited"
		}
		if isSecondaryLimit(resp) {
			return t.backoff(attempt) + t.minBackoff, true, "403 secondary rate limit"
		}
	}
	return 0, false, ""
}

// serverWait returns the wait a rate-limited response asks for: Retry-After, or the time until
// X-RateLimit-Reset when X-RateLimit-Remaining is 0.
func (t *Transport) serverWait(resp *http.Response) (time.Duration, bool) {
	if d, ok := retryAfter(resp, t.now()); ok {
		return d, true
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			d := time.Unix(reset, 0).Sub(t.now()) + time.Second
			if d < 0 {
				d = 0
			}
			return d, true
		}
	}
	return 0, false
}

func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second)), true
	}
	if when, err := http.ParseTime(v); err == nil {
		d := when.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func isSecondaryLimit(resp *http.Response) bool {
	b, _ := ReadBody(resp)
	resp.Body = &Body{Reader: bytes.NewReader(b), b: b}
	return bytes.Contains(bytes.ToLower(b), []byte("secondary rate limit"))
}

// Body is the body of a response the transport returns: read in full before RoundTrip returns (so
// the per-attempt timeout covers it and a cut-short body is retried), readable as usual.
type Body struct {
	*bytes.Reader
	b []byte
}

// Close implements io.Closer; there is nothing to release.
func (b *Body) Close() error { return nil }

// ReadBody returns the whole body of resp: without a copy when the transport read it (a *Body),
// otherwise by reading it to the end. It does not close the body.
func ReadBody(resp *http.Response) ([]byte, error) {
	if b, ok := resp.Body.(*Body); ok {
		return b.b, nil
	}
	return io.ReadAll(resp.Body)
}

// floor raises a server-demanded wait shorter than MinRetryWait to MinRetryWait plus a jitter
// uniform in [0, MinRetryWait/2].
func (t *Transport) floor(d time.Duration) time.Duration {
	if t.minWait <= 0 || d >= t.minWait {
		return d
	}
	return t.minWait + time.Duration(rand.Int64N(int64(t.minWait/2)+1))
}

// backoff is exponential with full jitter: uniform in [0, min(max, min·2^attempt)].
func (t *Transport) backoff(attempt int) time.Duration {
	d := t.minBackoff << min(attempt, 20)
	if d > t.maxBackoff || d <= 0 {
		d = t.maxBackoff
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// notePrimaryLimit pauses the whole transport until X-RateLimit-Reset when a successful response
// says no requests remain, so the next request does not hit the limit.
func (t *Transport) notePrimaryLimit(resp *http.Response) {
	if resp.StatusCode >= 300 || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		return
	}
	until := time.Unix(reset, 0)
	t.paceMu.Lock()
	if until.After(t.pausedUntil) {
		t.pausedUntil = until
	}
	t.paceMu.Unlock()
}

func (t *Transport) waitPause(ctx context.Context) error {
	t.paceMu.Lock()
	until := t.pausedUntil
	t.paceMu.Unlock()
	d := until.Sub(t.now())
	if d <= 0 {
		return nil
	}
	if d > t.maxWait {
		return fmt.Errorf("%w: %s rate limit resets in %s (max %s)", ErrRateLimited, t.source, d.Round(time.Second), t.maxWait)
	}
	t.logger.LogAttrs(ctx, slog.LevelInfo, "rate limit exhausted; waiting for reset", slog.String("source", t.source), slog.Duration("wait", d))
	return t.sleep(ctx, d)
}

// rewind returns a copy of req with a fresh body for a retry.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	if req.GetBody == nil {
		return nil, fmt.Errorf("httpx: cannot retry %s %s: request body cannot be replayed", req.Method, req.URL.Path)
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r.Body = b
	return r, nil
}
