package pagerduty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/models"
)

// Source is the registered source name.
const Source = models.SourcePagerDuty

func init() { connectors.Register(Source, Driver{}) }

// Driver opens PagerDuty connectors.
type Driver struct{}

// NewConfig returns a Config holding the defaults.
func (Driver) NewConfig() connectors.Config {
	return &Config{BaseURL: DefaultBaseURL, TokenEnv: "PAGERDUTY_TOKEN", Concurrency: 4}
}

// Open returns a *Connector for a validated *Config.
func (Driver) Open(cfg connectors.Config, env connectors.Env) (connectors.Connector, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("pagerduty: config of type %T", cfg)
	}
	return New(c, env)
}

// Option adjusts a Connector (tests and benchmarks).
type Option func(*options)

type options struct {
	httpx func(*httpx.Options)
}

// WithHTTPX lets the caller adjust the options of the connector's httpx transport (backoff,
// sleep) before it is built.
func WithHTTPX(f func(*httpx.Options)) Option { return func(o *options) { o.httpx = f } }

// Connector collects PagerDuty. It implements connectors.Connector, Mapper, Pinger and Deriver and
// is safe for one Sync at a time.
type Connector struct {
	cfg       Config
	env       connectors.Env
	now       func() time.Time
	log       *slog.Logger
	transport *httpx.Transport
	client    *pd.Client
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Mapper    = (*Connector)(nil)
	_ connectors.Pinger    = (*Connector)(nil)
	_ connectors.Deriver   = (*Connector)(nil)
)

// New returns a connector for cfg. The token is read from env.Secrets[cfg.TokenEnv].
func New(cfg *Config, env connectors.Env, opts ...Option) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("pagerduty: invalid config: %w", errors.Join(fieldErrs(errs)...))
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	c := &Connector{cfg: *cfg, env: env, now: env.Now, log: env.Logger}
	c.cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	ho := httpx.Options{Source: Source, Base: env.Transport, Concurrency: cfg.Concurrency, Logger: c.log, MinRetryWait: env.MinRetryWait}
	if o.httpx != nil {
		o.httpx(&ho)
	}
	c.transport = httpx.New(ho)
	c.client = pd.NewClient(env.Secrets[cfg.TokenEnv], pd.WithAPIEndpoint(c.cfg.BaseURL))
	c.client.HTTPClient = c.transport.Client()
	return c, nil
}

func fieldErrs(fe []connectors.FieldError) []error {
	out := make([]error, len(fe))
	for i, e := range fe {
		out[i] = e
	}
	return out
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return Source }

// Transport returns the connector's httpx transport (request counts for tests and benchmarks).
func (c *Connector) Transport() *httpx.Transport { return c.transport }

// Ping implements connectors.Pinger with one cheap authenticated call (GET /abilities).
func (c *Connector) Ping(ctx context.Context) error {
	_, err := c.client.ListAbilitiesWithContext(httpx.WithEntity(ctx, "ping"))
	if err == nil {
		return nil
	}
	var ae pd.APIError
	if errors.As(err, &ae) {
		if ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden {
			return c.authError(ae.StatusCode)
		}
		return &StatusError{Path: "/abilities", Status: ae.StatusCode, Message: ae.Error()}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("pagerduty: ping: %w", err)
}

func (c *Connector) authError(status int) error {
	return &connectors.AuthError{Source: Source, Env: []string{c.cfg.TokenEnv}, Status: status}
}

// StatusError is an unexpected HTTP status from the API (after the transport's retries).
type StatusError struct {
	Path    string
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("pagerduty: GET %s: HTTP %d: %s", e.Path, e.Status, e.Message)
}

// ErrNotFound is wrapped by errors for 404 answers.
var ErrNotFound = errors.New("pagerduty: not found")

// Unwrap returns ErrNotFound for 404.
func (e *StatusError) Unwrap() error {
	if e.Status == http.StatusNotFound {
		return ErrNotFound
	}
	return nil
}

// get sends GET path?q through the go-pagerduty client (auth and Accept headers) and decodes the
// body into out.
func (c *Connector) get(ctx context.Context, entity, path string, q url.Values, out any) error {
	body, err := c.fetch(ctx, entity, path, q)
	if err != nil {
		return err
	}
	return decode(path, body, out)
}

// decode reads a 200 answer's body into out.
func decode(path string, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("pagerduty: GET %s: decode: %w", path, err)
	}
	return nil
}

// fetch sends GET path?q through the go-pagerduty client (auth and Accept headers) and returns the
// body of a 200 answer; other answers become errors (*StatusError, *connectors.AuthError).
func (c *Connector) fetch(ctx context.Context, entity, path string, q url.Values) ([]byte, error) {
	u := c.cfg.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(httpx.WithEntity(ctx, entity), http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("pagerduty: build request: %w", err)
	}
	resp, err := c.client.Do(req, true)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pagerduty: GET %s: %w", path, err)
	}
	body, err := httpx.ReadBody(resp)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("pagerduty: GET %s: read: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, c.authError(resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		var e pd.APIError
		msg := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &e) == nil && e.APIError.Valid {
			msg = e.APIError.ErrorObject.Message
			if len(e.APIError.ErrorObject.Errors) > 0 {
				msg += ": " + strings.Join(e.APIError.ErrorObject.Errors, "; ")
			}
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return nil, &StatusError{Path: path, Status: resp.StatusCode, Message: msg}
	}
	return body, nil
}
