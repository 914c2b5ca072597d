// Package config loads trainimpact.yaml: strictly (an unknown key, a wrong type or a missing required
// value are all errors), reporting every problem at once with its key and line, and filling sensible
// defaults for everything optional. Secrets are read from the environment here and nowhere else;
// they are never stored or logged. An unset variable named by a *_env key is reported, with its key
// and line, only to the commands that need it (CheckSourceSecrets, CheckPseudonymKey): analysing or
// querying the database needs no token.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
)

// DefaultPath is where commands look for the config when --config is not given.
const DefaultPath = "trainimpact.yaml"

// Config is a loaded configuration. Relative paths in it are resolved against the config file's folder.
type Config struct {
	// Path is the file the config was read from ("" for Default()).
	Path string `yaml:"-"`
	// Warehouse is the published database analysts open.
	Warehouse string `yaml:"warehouse"`
	// StateDir holds the working database, the lock and logs.
	StateDir string `yaml:"state_dir"`
	// Sources holds each configured source's decoded block, by source name.
	Sources map[string]connectors.Config `yaml:"-"`
	// Secrets maps environment variable names named by *_env keys to their values (set ones only).
	Secrets  map[string]string `yaml:"-"`
	People   People            `yaml:"people"`
	Analysis Analysis          `yaml:"analysis"`
	ROI      ROI               `yaml:"roi"`
	Report   Report            `yaml:"report"`

	// unset holds an Error for every *_env key whose variable is unset or empty, by key.
	unset map[string]Error
}

// People configures the people files and privacy.
type People struct {
	Teams      string `yaml:"teams"`      // teams.csv
	Cohorts    string `yaml:"cohorts"`    // cohorts.csv
	Identities string `yaml:"identities"` // identities.csv (optional)
	// Pseudonymize replaces names and emails with keyed hashes in the published tables.
	Pseudonymize bool `yaml:"pseudonymize"`
	// PseudonymKeyEnv names the environment variable holding the HMAC key.
	PseudonymKeyEnv string `yaml:"pseudonym_key_env"`
	// MatchDisplayName enables matching accounts to people by exact display name (off by default).
	MatchDisplayName bool `yaml:"match_display_name"`
}

// Analysis configures the estimators.
//
// Timing of the DiD (README, "Timing"): a unit's treatment starts at TreatmentStart — its lead's
// (or person's) completion of the program ("completed", the default) or enrollment ("enrolled",
// so that the months the program runs are not taken for untreated ones). The periods from the one
// containing that start up to the first whole period beginning WashoutDays after completion are
// the washout: left out of the panel (with "enrolled" they include the program's own duration).
// The base period of a cohort is the last period before its treatment start, moved a further
// Anticipation periods earlier (did's anticipation: periods in which the unit may already react,
// e.g. to the announcement). Washout and anticipation are separate: neither adds to the other in
// the configuration; the estimator receives their sum as the number of periods between the base
// period and the first treated one.
type Analysis struct {
	Unit           string  `yaml:"unit"`            // team | person
	Period         string  `yaml:"period"`          // month | quarter | week
	PreDays        int     `yaml:"pre_days"`        // before/after window before treatment
	PostDays       int     `yaml:"post_days"`       // before/after window after treatment (after washout)
	WashoutDays    int     `yaml:"washout_days"`    // left out of both periods after completion
	TreatmentStart string  `yaml:"treatment_start"` // completed | enrolled: when a unit's treatment starts
	Control        string  `yaml:"control"`         // not_yet_treated | never_treated
	Anticipation   int     `yaml:"anticipation"`    // periods before the treatment start also left out of the base
	Bootstrap      int     `yaml:"bootstrap"`       // multiplier bootstrap draws
	Alpha          float64 `yaml:"alpha"`           // 1 - confidence level
	MinCell        int     `yaml:"min_cell"`        // smallest group of people shown in any breakdown
	Seed           uint64  `yaml:"seed"`            // random seed for bootstraps
	// Dropouts picks the headline population: exclude (per protocol: units whose lead dropped out
	// are left out) or intention_to_treat (they count as treated from their cohort's first
	// completion). Both populations are estimated; estimates.population tells them apart.
	Dropouts    string  `yaml:"dropouts"`
	MaxCensored float64 `yaml:"max_censored"` // resolved_mean_log rows: periods with a larger share of open items are left out
}

// ROI configures the Phillips-style ROI.
type ROI struct {
	Currency string             `yaml:"currency"`
	Costs    Costs              `yaml:"costs"`
	Values   map[string]float64 `yaml:"values"` // money value of one unit of a metric, by metric name
}

// Costs are the fully loaded program costs.
type Costs struct {
	PerParticipant float64 `yaml:"per_participant"`
	Fixed          float64 `yaml:"fixed"`
}

// Report configures rendering.
type Report struct {
	OutDir  string   `yaml:"out_dir"`
	Formats []string `yaml:"formats"`
	Title   string   `yaml:"title"`
}

// Default returns the configuration used for every key the file leaves out.
func Default() *Config {
	return &Config{
		Warehouse: "impact.duckdb",
		StateDir:  ".trainimpact",
		Sources:   map[string]connectors.Config{},
		Secrets:   map[string]string{},
		Analysis: Analysis{Unit: "team", Period: "month", PreDays: 180, PostDays: 180, WashoutDays: 30, TreatmentStart: "completed",
			Control: "not_yet_treated", Bootstrap: 999, Alpha: 0.05, MinCell: 5, Seed: 1, Dropouts: "exclude", MaxCensored: 0.2},
		ROI:    ROI{Currency: "USD", Values: map[string]float64{}},
		Report: Report{OutDir: "reports", Formats: []string{"html", "md", "json", "csv"}, Title: "Leadership program — impact report"},
	}
}

// WorkPath returns the working database path inside StateDir.
func (c *Config) WorkPath() string { return filepath.Join(c.StateDir, "work.duckdb") }

// SourceNames returns the configured sources, sorted.
func (c *Config) SourceNames() []string {
	out := make([]string, 0, len(c.Sources))
	for n := range c.Sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// SourceHash identifies a source's configuration (not its secrets): a change forces a full sync.
func (c *Config) SourceHash(name string) string {
	b, _ := json.Marshal(c.Sources[name])
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// SourceSince returns the configured start of collection of a source, when its config has one.
func (c *Config) SourceSince(name string) time.Time {
	type sincer interface{ SinceDate() time.Time }
	if s, ok := c.Sources[name].(sincer); ok {
		return s.SinceDate()
	}
	return time.Time{}
}

// Env returns the secrets a source's config names, for connectors.Env.
func (c *Config) Env(name string) map[string]string {
	out := map[string]string{}
	if cfg, ok := c.Sources[name]; ok {
		for _, v := range cfg.SecretEnvs() {
			if s, ok := c.Secrets[v]; ok {
				out[v] = s
			}
		}
	}
	return out
}

// CheckSourceSecrets returns, as Errors, every environment variable named by a *_env key of the
// named sources (every configured source when none is named) that is unset or empty; nil when all
// are set. Commands that call a source's API check before they start.
func (c *Config) CheckSourceSecrets(names ...string) error {
	if len(names) == 0 {
		names = c.SourceNames()
	}
	var es Errors
	for _, name := range names {
		for _, key := range c.unsetKeys("sources." + name + ".") {
			es = append(es, c.unset[key])
		}
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// CheckPseudonymKey returns an Errors when people.pseudonymize is on and the variable named by
// people.pseudonym_key_env is unset or empty; nil otherwise.
func (c *Config) CheckPseudonymKey() error {
	if !c.People.Pseudonymize {
		return nil
	}
	if e, ok := c.unset["people.pseudonym_key_env"]; ok {
		return Errors{e}
	}
	return nil
}

func (c *Config) unsetKeys(prefix string) []string {
	var keys []string
	for k := range c.unset {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Error is one problem in a config file.
type Error struct {
	File    string
	Line    int // 0 when the key is absent from the file
	Key     string
	Message string
}

func (e Error) String() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Message)
	}
	return fmt.Sprintf("%s: %s", loc, e.Message)
}

// Errors is every problem found in a config file; Load returns it as its error.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.String()
	}
	if len(es) == 1 {
		return "config: " + lines[0]
	}
	return fmt.Sprintf("config: %d problems:\n  %s", len(es), strings.Join(lines, "\n  "))
}
