package pagerduty

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/trainimpact/trainimpact/connectors"
)

// DefaultBaseURL is the PagerDuty REST API endpoint.
const DefaultBaseURL = "https://api.pagerduty.com"

// Config is the `sources.pagerduty` block of trainimpact.yaml.
type Config struct {
	// BaseURL is the REST API endpoint (default https://api.pagerduty.com); the simulator's is
	// <server>/pagerduty.
	BaseURL string `yaml:"base_url"`
	// TokenEnv names the environment variable holding the REST API token (default PAGERDUTY_TOKEN).
	TokenEnv string `yaml:"token_env"`
	// Teams limits incidents and log entries to these PagerDuty team ids (empty: all).
	Teams []string `yaml:"teams"`
	// Services limits incidents and log entries to these service ids (empty: all).
	Services []string `yaml:"services"`
	// Urgencies limits incidents to these urgencies, "high" and/or "low" (empty: both).
	Urgencies []string `yaml:"urgencies"`
	// Since is the first creation date of incidents collected (required).
	Since connectors.Date `yaml:"since"`
	// Concurrency bounds requests in flight (default 4).
	Concurrency int `yaml:"concurrency"`
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate implements connectors.Config.
func (c *Config) Validate() []connectors.FieldError {
	var errs []connectors.FieldError
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, connectors.FieldError{Key: "base_url", Message: "must be an http(s) URL"})
	}
	if !envName.MatchString(c.TokenEnv) {
		errs = append(errs, connectors.FieldError{Key: "token_env", Message: "must name an environment variable"})
	}
	for i, u := range c.Urgencies {
		if u != "high" && u != "low" {
			errs = append(errs, connectors.FieldError{Key: "urgencies[" + strconv.Itoa(i) + "]", Message: `must be "high" or "low"`})
		}
	}
	for i, s := range c.Teams {
		if s == "" || slices.Index(c.Teams, s) != i {
			errs = append(errs, connectors.FieldError{Key: "teams[" + strconv.Itoa(i) + "]", Message: "empty or repeated team id"})
		}
	}
	for i, s := range c.Services {
		if s == "" || slices.Index(c.Services, s) != i {
			errs = append(errs, connectors.FieldError{Key: "services[" + strconv.Itoa(i) + "]", Message: "empty or repeated service id"})
		}
	}
	if c.Since.IsZero() {
		errs = append(errs, connectors.FieldError{Key: "since", Message: "required (YYYY-MM-DD): the first incident creation date to collect"})
	}
	if c.Concurrency < 0 || c.Concurrency > 64 {
		errs = append(errs, connectors.FieldError{Key: "concurrency", Message: "must be between 1 and 64"})
	}
	return errs
}

// SecretEnvs implements connectors.Config.
func (c *Config) SecretEnvs() map[string]string { return map[string]string{"token_env": c.TokenEnv} }
