package github

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/trainimpact/trainimpact/connectors"
)

// DefaultBaseURL is the public GitHub REST API.
const DefaultBaseURL = "https://api.github.com/"

// Config is the `sources.github` block of trainimpact.yaml.
type Config struct {
	// BaseURL is the REST API root ending in a slash; for GitHub Enterprise Server
	// "https://ghe.example.com/api/v3/". Default DefaultBaseURL.
	BaseURL string `yaml:"base_url"`
	// TokenEnv names the environment variable holding the token (default GITHUB_TOKEN).
	TokenEnv string `yaml:"token_env"`
	// Repos lists repositories as "owner/name".
	Repos []string `yaml:"repos"`
	// Orgs lists organisations whose repositories are all collected.
	Orgs []string `yaml:"orgs"`
	// IncludeArchived collects archived repositories of Orgs too (default false: skipped).
	IncludeArchived bool `yaml:"include_archived"`
	// ProductionEnvironments are the deployment environments collected (default ["production"]).
	ProductionEnvironments []string `yaml:"production_environments"`
	// BotPatterns are extra bot logins as case-insensitive path.Match globs ("ci-*"); logins ending
	// in "[bot]" and users of type Bot are always bots.
	BotPatterns []string `yaml:"bot_patterns"`
	// Since is the earliest update collected (zero: everything).
	Since connectors.Date `yaml:"since"`
	// Concurrency bounds requests in flight and repositories collected at once (default 4).
	Concurrency int `yaml:"concurrency"`
	// ServiceMap links incident services (PagerDuty service name or id, case-insensitive) to the
	// repositories (owner/name) whose deployments they watch, for the DORA metrics; a service it
	// does not name is linked by name (see queries/views/13_v_service_repos.sql). It does not
	// change what is collected, so it is left out of the source hash (json:"-").
	ServiceMap map[string][]string `yaml:"service_map" json:"-"`
	// FailureWindowHours is how long after a production deployment finished an incident of a
	// linked service counts as that deployment's failure (default 24). Not part of the source hash.
	FailureWindowHours float64 `yaml:"failure_window_hours" json:"-"`
}

// ServiceRepos returns the configured service map (service -> repositories).
func (c *Config) ServiceRepos() map[string][]string { return c.ServiceMap }

// FailureWindow returns failure_window_hours.
func (c *Config) FailureWindow() float64 { return c.FailureWindowHours }

func newConfig() *Config {
	return &Config{BaseURL: DefaultBaseURL, TokenEnv: "GITHUB_TOKEN", ProductionEnvironments: []string{"production"}, Concurrency: 4,
		FailureWindowHours: 24}
}

// Validate implements connectors.Config.
func (c *Config) Validate() []connectors.FieldError {
	var errs []connectors.FieldError
	bad := func(key, format string, a ...any) {
		errs = append(errs, connectors.FieldError{Key: key, Message: fmt.Sprintf(format, a...)})
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("base_url", "must be an http(s) URL, e.g. %s", DefaultBaseURL)
	} else if !strings.HasSuffix(c.BaseURL, "/") {
		bad("base_url", "must end with a slash (%q)", c.BaseURL+"/")
	}
	if c.TokenEnv == "" {
		bad("token_env", "must name the environment variable holding the token")
	}
	if len(c.Repos) == 0 && len(c.Orgs) == 0 {
		bad("repos", "list repositories (owner/name) or set orgs")
	}
	for i, r := range c.Repos {
		if o, n, ok := strings.Cut(r, "/"); !ok || o == "" || n == "" || strings.Contains(n, "/") {
			bad(fmt.Sprintf("repos[%d]", i), "%q is not owner/name", r)
		}
	}
	for i, o := range c.Orgs {
		if o == "" || strings.Contains(o, "/") {
			bad(fmt.Sprintf("orgs[%d]", i), "%q is not an organisation login", o)
		}
	}
	if len(c.ProductionEnvironments) == 0 {
		bad("production_environments", "list at least one environment")
	}
	for i, e := range c.ProductionEnvironments {
		if e == "" {
			bad(fmt.Sprintf("production_environments[%d]", i), "is empty")
		}
	}
	for i, p := range c.BotPatterns {
		if _, err := path.Match(p, ""); err != nil {
			bad(fmt.Sprintf("bot_patterns[%d]", i), "%q is not a valid pattern: %v", p, err)
		}
	}
	if c.Concurrency < 1 || c.Concurrency > 32 {
		bad("concurrency", "must be between 1 and 32")
	}
	errs = append(errs, c.validateServiceMap()...)
	return errs
}

// SecretEnvs implements connectors.Config.
func (c *Config) SecretEnvs() map[string]string { return map[string]string{"token_env": c.TokenEnv} }

// isBot reports whether a login is an automation account: a "[bot]" login, a user of type Bot, or a
// login matching one of the configured patterns.
func (c *Config) isBot(login, typ string) bool {
	l := strings.ToLower(login)
	if strings.HasSuffix(l, "[bot]") || typ == "Bot" {
		return true
	}
	for _, p := range c.BotPatterns {
		if ok, _ := path.Match(strings.ToLower(p), l); ok {
			return true
		}
	}
	return false
}
