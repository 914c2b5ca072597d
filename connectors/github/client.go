package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/trainimpact/trainimpact/connectors"
)

// pacer is a RoundTripper under httpx that spreads requests over the rest of the rate-limit window
// when GitHub reports few remaining (X-RateLimit-Remaining / X-RateLimit-Reset of the last
// response), so the primary limit is not hit in normal runs: with more than paceBelow requests left
// it adds nothing; below that each request waits (reset − now) ÷ remaining; with none left it
// waits for the reset. 304 responses carry the same headers but do not count against the limit.
type pacer struct {
	base  http.RoundTripper
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time

	mu        sync.Mutex
	remaining int // -1 = unknown
	limit     int
	reset     time.Time
	waited    time.Duration
}

// paceBelow is the share of the hourly limit below which requests are spread out.
const paceBelow = 0.10

func newPacer(base http.RoundTripper, sleep func(ctx context.Context, d time.Duration) error) *pacer {
	if base == nil {
		base = http.DefaultTransport
	}
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return &pacer{base: base, sleep: sleep, now: time.Now, remaining: -1}
}

// delay returns how long the next request should wait.
func (p *pacer) delay() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.remaining < 0 || p.limit <= 0 {
		return 0
	}
	left := p.reset.Sub(p.now())
	if left <= 0 {
		return 0
	}
	if p.remaining == 0 {
		return left + time.Second
	}
	if float64(p.remaining) >= paceBelow*float64(p.limit) {
		return 0
	}
	d := left / time.Duration(p.remaining)
	p.remaining-- // account for this request until the response tells
	return d
}

func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	if d := p.delay(); d > 0 {
		p.mu.Lock()
		p.waited += d
		p.mu.Unlock()
		if err := p.sleep(req.Context(), d); err != nil {
			return nil, err
		}
	}
	resp, err := p.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	p.observe(resp)
	return resp, nil
}

func (p *pacer) observe(resp *http.Response) {
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	lim, err2 := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	reset, err3 := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	if resp.StatusCode == http.StatusNotModified {
		return // does not count against the limit
	}
	p.mu.Lock()
	p.remaining, p.limit, p.reset = rem, lim, time.Unix(reset, 0)
	p.mu.Unlock()
}

// Waited returns the total time the pacer has delayed requests.
func (p *pacer) Waited() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waited
}

// page is one fetched list page.
type page struct {
	items       []json.RawMessage
	etag        string
	next        int
	notModified bool
}

// list fetches one page of a list endpoint (path relative to the base URL) into raw JSON objects.
// With etag set it sends If-None-Match; a 304 returns notModified. The go-github client supplies
// the base URL, authentication, Link parsing and error decoding.
func (c *Connector) list(ctx context.Context, path string, q url.Values, etag string) (page, error) {
	u := path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for attempt := 0; ; attempt++ {
		req, err := c.client.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return page{}, fmt.Errorf("github: request %s: %w", path, err)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		var items []json.RawMessage
		resp, err := c.client.Do(ctx, req, &items)
		if resp != nil && resp.StatusCode == http.StatusNotModified {
			return page{notModified: true, etag: etag}, nil
		}
		if err != nil {
			if wait, ok := c.limitWait(err); ok && attempt < 3 {
				if err := c.pace.sleep(ctx, wait); err != nil {
					return page{}, err
				}
				continue
			}
			return page{}, c.wrap(path, err)
		}
		return page{items: items, etag: resp.Header.Get("ETag"), next: resp.NextPage}, nil
	}
}

// limitWait recognises the rate-limit errors go-github raises itself (without a request) after a
// response said the limit is exhausted, and returns how long to wait.
func (c *Connector) limitWait(err error) (time.Duration, bool) {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return max(time.Until(rl.Rate.Reset.Time)+time.Second, time.Second), true
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter != nil {
			return max(*ab.RetryAfter, time.Second), true
		}
		return time.Minute, true
	}
	return 0, false
}

// wrap turns credential failures into *connectors.AuthError and prefixes the rest.
func (c *Connector) wrap(path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return &connectors.AuthError{Source: Name, Env: []string{c.cfg.TokenEnv}, Status: er.Response.StatusCode}
		}
	}
	return fmt.Errorf("github: GET %s: %w", path, err)
}

// Ping implements connectors.Pinger with GET /user.
func (c *Connector) Ping(ctx context.Context) error {
	req, err := c.client.NewRequest(http.MethodGet, "user", nil)
	if err != nil {
		return err
	}
	_, err = c.client.Do(ctx, req, nil)
	if err != nil {
		return c.wrap("user", err)
	}
	return nil
}
