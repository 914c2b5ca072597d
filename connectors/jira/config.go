package jira

import (
	"net/url"
	"strings"

	"github.com/trainimpact/trainimpact/connectors"
)

// Deployment values of Config.Deployment.
const (
	DeploymentCloud      = "cloud"
	DeploymentDataCenter = "datacenter"
)

// Config is the `sources.jira` block of trainimpact.yaml.
type Config struct {
	// BaseURL is the Jira site, e.g. https://acme.atlassian.net (required).
	BaseURL string `yaml:"base_url"`
	// Deployment is cloud or datacenter; empty means detect from /rest/api/2/serverInfo.
	Deployment string `yaml:"deployment"`
	// EmailEnv names the variable holding the Cloud account email (basic auth user). Leave it
	// empty for Data Center, which authenticates with a bearer personal access token.
	EmailEnv string `yaml:"email_env"`
	// TokenEnv names the variable holding the Cloud API token or the Data Center PAT (required).
	TokenEnv string `yaml:"token_env"`
	// JQL selects the issues, e.g. `project in (OPS, PLAT)`; without ORDER BY (the connector
	// adds its own). Empty means every issue the user can see.
	JQL string `yaml:"jql"`
	// EscalationLabels are labels whose addition counts as an escalation.
	EscalationLabels []string `yaml:"escalation_labels"`
	// CustomFields are custom field names (as in /rest/api/2/field, e.g. "Story Points") or ids
	// (customfield_10016) copied into tickets.custom_fields under the configured name.
	CustomFields []string `yaml:"custom_fields"`
	// Since is the earliest update collected (a full sync starts here); zero means everything.
	Since connectors.Date `yaml:"since"`
	// Concurrency bounds requests in flight (default 4).
	Concurrency int `yaml:"concurrency"`
	// PageSize is the number of issues per search page (default 100; Cloud allows at most 100).
	PageSize int `yaml:"page_size"`
	// FeedbackProjects are the keys of Jira Service Management projects whose resolved requests'
	// customer satisfaction feedback (CSAT, 1-5) is collected through
	// /rest/servicedeskapi/request/{id}/feedback (see feedback.go); empty = none.
	FeedbackProjects []string `yaml:"feedback_projects"`
}

// Validate implements connectors.Config.
func (c *Config) Validate() []connectors.FieldError {
	var errs []connectors.FieldError
	add := func(k, m string) { errs = append(errs, connectors.FieldError{Key: k, Message: m}) }
	if c.BaseURL == "" {
		add("base_url", "is required (e.g. https://acme.atlassian.net)")
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("base_url", "must be an http(s) URL")
	}
	switch c.Deployment {
	case "", DeploymentCloud, DeploymentDataCenter:
	default:
		add("deployment", "must be cloud or datacenter (or empty to detect)")
	}
	if c.TokenEnv == "" {
		add("token_env", "is required: the environment variable holding the API token (Cloud) or personal access token (Data Center)")
	}
	if c.Deployment == DeploymentCloud && c.EmailEnv == "" {
		add("email_env", "is required for Jira Cloud (basic auth with email and API token)")
	}
	if c.Deployment == DeploymentDataCenter && c.EmailEnv != "" {
		add("email_env", "must be empty for Data Center, which uses a bearer personal access token")
	}
	if strings.Contains(strings.ToLower(c.JQL), "order by") {
		add("jql", "must not contain ORDER BY: the connector orders by updated itself")
	}
	for i, l := range c.EscalationLabels {
		if l == "" || strings.ContainsAny(l, " \t") {
			add("escalation_labels["+itoa(i)+"]", "must be a non-empty label without spaces")
		}
	}
	for i, f := range c.CustomFields {
		if strings.TrimSpace(f) == "" {
			add("custom_fields["+itoa(i)+"]", "must not be empty")
		}
	}
	for i, k := range c.FeedbackProjects {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t") {
			add("feedback_projects["+itoa(i)+"]", "must be a project key such as HELP")
		}
	}
	if c.Concurrency < 0 || c.Concurrency > 32 {
		add("concurrency", "must be between 1 and 32")
	}
	if c.PageSize < 0 || c.PageSize > 1000 || (c.Deployment == DeploymentCloud && c.PageSize > 100) {
		add("page_size", "must be between 1 and 100 (Cloud) or 1000 (Data Center)")
	}
	return errs
}

// SecretEnvs implements connectors.Config.
func (c *Config) SecretEnvs() map[string]string {
	m := map[string]string{"token_env": c.TokenEnv}
	if c.EmailEnv != "" {
		m["email_env"] = c.EmailEnv
	}
	return m
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}
