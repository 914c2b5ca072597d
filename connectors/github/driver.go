package github

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/models"
)

// Name is the source name the driver is registered under.
const Name = models.SourceGitHub

func init() { connectors.Register(Name, Driver{}) }

// Driver opens GitHub connectors.
type Driver struct{}

// NewConfig implements connectors.Driver.
func (Driver) NewConfig() connectors.Config { return newConfig() }

// Open implements connectors.Driver: cfg must be a *Config.
func (Driver) Open(cfg connectors.Config, env connectors.Env) (connectors.Connector, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("github: config is %T, want *github.Config", cfg)
	}
	return New(c, env)
}

// Connector collects pull requests, reviews, commits and deployments from GitHub. It implements
// connectors.Connector, Mapper, Pinger and Deriver.
type Connector struct {
	cfg    *Config
	env    connectors.Env
	log    *slog.Logger
	now    func() time.Time
	tr     *httpx.Transport
	pace   *pacer
	client *gh.Client
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Mapper    = (*Connector)(nil)
	_ connectors.Pinger    = (*Connector)(nil)
	_ connectors.Deriver   = (*Connector)(nil)
)

// New returns a connector for a validated config. The token is read from env.Secrets[cfg.TokenEnv].
func New(cfg *Config, env connectors.Env) (*Connector, error) {
	return newConnector(cfg, env, httpx.Options{}, nil)
}

// newConnector lets tests replace the httpx options and the pacer's sleep.
func newConnector(cfg *Config, env connectors.Env, hopts httpx.Options, sleep func(ctx context.Context, d time.Duration) error) (*Connector, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("github: base_url: %w", err)
	}
	c := &Connector{cfg: cfg, env: env, log: env.Logger, now: env.Now}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.pace = newPacer(env.Transport, sleep)
	hopts.Source = Name
	hopts.Base = c.pace
	if hopts.Concurrency == 0 {
		hopts.Concurrency = cfg.Concurrency
	}
	if hopts.MinRetryWait == 0 {
		hopts.MinRetryWait = env.MinRetryWait
	}
	if hopts.Logger == nil {
		hopts.Logger = c.log
	}
	c.tr = httpx.New(hopts)
	client := gh.NewClient(c.tr.Client())
	if tok := env.Secrets[cfg.TokenEnv]; tok != "" {
		client = client.WithAuthToken(tok)
	}
	client.BaseURL = base
	client.UserAgent = "trainimpact"
	c.client = client
	return c, nil
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return Name }

// Transport returns the connector's httpx transport (request counts per entity).
func (c *Connector) Transport() *httpx.Transport { return c.tr }
