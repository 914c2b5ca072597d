package jira

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/models"
)

// Name is the source name the driver is registered under.
const Name = models.SourceJira

func init() { connectors.Register(Name, Driver{}) }

// Driver opens Jira connectors.
type Driver struct{}

// NewConfig implements connectors.Driver: a Config with the defaults.
func (Driver) NewConfig() connectors.Config { return &Config{Concurrency: 4, PageSize: 100} }

// Open implements connectors.Driver.
func (Driver) Open(cfg connectors.Config, env connectors.Env) (connectors.Connector, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("jira: config is %T, want *jira.Config", cfg)
	}
	return Open(c, env, httpx.Options{})
}

// Source is the Jira connector. It is safe for one Sync at a time.
type Source struct {
	cfg    Config
	env    connectors.Env
	tr     *httpx.Transport
	client *gojira.Client
	now    func() time.Time
	log    *slog.Logger
	cloud  bool // resolved deployment (set by Sync before collecting)

	commitEvery int // issues per committed batch (tests lower it)

	mu       sync.Mutex
	fieldIDs map[string]string // custom field name (lower case) -> field id, from /field
}

var (
	_ connectors.Connector = (*Source)(nil)
	_ connectors.Mapper    = (*Source)(nil)
	_ connectors.Deriver   = (*Source)(nil)
	_ connectors.Pinger    = (*Source)(nil)
)

// Open returns a connector for cfg. opts tune the httpx transport (Source, Base, Concurrency and
// Logger are filled from cfg and env when zero); Driver.Open passes zero options.
func Open(cfg *Config, env connectors.Env, opts httpx.Options) (*Source, error) {
	c := *cfg
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.PageSize <= 0 {
		c.PageSize = 100
	}
	if c.Deployment == DeploymentCloud || c.Deployment == "" && c.EmailEnv != "" {
		c.PageSize = min(c.PageSize, 100)
	}
	s := &Source{cfg: c, env: env, now: env.Now, log: env.Logger, fieldIDs: map[string]string{}, commitEvery: defaultCommitEvery}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.Source == "" {
		opts.Source = Name
	}
	if opts.Base == nil {
		opts.Base = env.Transport
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = c.Concurrency
	}
	if opts.MinRetryWait == 0 {
		opts.MinRetryWait = env.MinRetryWait
	}
	if opts.Logger == nil {
		opts.Logger = s.log
	}
	s.tr = httpx.New(opts)
	token := env.Secrets[c.TokenEnv]
	var hc = s.tr.Client()
	if c.EmailEnv != "" {
		hc = (&gojira.BasicAuthTransport{Username: env.Secrets[c.EmailEnv], Password: token, Transport: s.tr}).Client()
	} else {
		hc = (&gojira.BearerAuthTransport{Token: token, Transport: s.tr}).Client()
	}
	cl, err := gojira.NewClient(hc, c.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("jira: client for %q: %w", c.BaseURL, err)
	}
	s.client = cl
	s.cloud = c.Deployment == DeploymentCloud
	return s, nil
}

// Name implements connectors.Connector.
func (s *Source) Name() string { return Name }

// Transport returns the httpx transport under the client (request counts for summaries and tests).
func (s *Source) Transport() *httpx.Transport { return s.tr }
