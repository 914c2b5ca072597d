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
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
	Publish  Publish           `yaml:"publish"`

	// unset holds an Error for every *_env key whose variable is unset or empty, by key.
	unset map[string]Error
}

// People configures the people files and privacy.
type People struct {
	Teams      string `yaml:"teams"`      // teams.csv
	Cohorts    string `yaml:"cohorts"`    // cohorts.csv
	Identities string `yaml:"identities"` // identities.csv (optional)
	// Assessments names assessments.csv (optional): person_email, instrument, taken_at, score, max_score.
	Assessments string `yaml:"assessments"`
	// Surveys names surveys.csv (optional): team, kind, survey, taken_at, respondent, question, score, scale.
	Surveys string `yaml:"surveys"`
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
	Unit           string `yaml:"unit"`            // team | person
	Period         string `yaml:"period"`          // month | quarter | week
	PreDays        int    `yaml:"pre_days"`        // before/after window before treatment
	PostDays       int    `yaml:"post_days"`       // before/after window after treatment (after washout)
	WashoutDays    int    `yaml:"washout_days"`    // left out of both periods after completion
	TreatmentStart string `yaml:"treatment_start"` // completed | enrolled: when a unit's treatment starts
	Control        string `yaml:"control"`         // not_yet_treated | never_treated
	Anticipation   int    `yaml:"anticipation"`    // periods before the treatment start also left out of the base
	Bootstrap      int    `yaml:"bootstrap"`       // multiplier bootstrap draws
	// Permutations is the number of random reassignments of the training months in the Fisher
	// permutation test of each headline (when the distinct assignments are more than can be
	// enumerated); 0 turns the test off.
	Permutations int `yaml:"permutations"`
	// Sensitivity turns on the relative-magnitudes sensitivity of each headline to violations of
	// parallel trends (Rambachan & Roth 2023) and its breakdown value (default true). It is the
	// analysis' largest fixed cost (about a CPU-second per metric, whatever the data's size);
	// false leaves those rows and the report's breakdown sentence out.
	Sensitivity bool    `yaml:"sensitivity"`
	Alpha       float64 `yaml:"alpha"`    // 1 - confidence level
	MinCell     int     `yaml:"min_cell"` // smallest group of people shown in any breakdown
	Seed        uint64  `yaml:"seed"`     // random seed for bootstraps
	// Dropouts picks the headline population: exclude (per protocol: units whose lead dropped out
	// are left out) or intention_to_treat (they count as treated from their cohort's first
	// completion). Both populations are estimated; estimates.population tells them apart.
	Dropouts    string  `yaml:"dropouts"`
	MaxCensored float64 `yaml:"max_censored"` // resolved_mean_log rows: periods with a larger share of open items are left out
	// MemoryLimit is a soft ceiling on the analysis' memory, in bytes with a unit ("1GB", "512MB";
	// "" = none): DuckDB's buffer manager gets 40% of it (memory_limit, spilling to temporary
	// files beyond it) and the Go heap 45% (its soft limit, GOMEMLIMIT), the rest is headroom for
	// the process itself. Worth setting where a container's memory is capped; it may cost some speed.
	MemoryLimit string `yaml:"memory_limit"`
}

// MemoryLimitBytes returns analysis.memory_limit in bytes (0 when unset). Load has validated it.
func (a Analysis) MemoryLimitBytes() int64 {
	n, _ := ParseBytes(a.MemoryLimit)
	return n
}

// ROI configures the Phillips-style ROI.
type ROI struct {
	Currency string             `yaml:"currency"`
	Costs    Costs              `yaml:"costs"`
	Values   map[string]float64 `yaml:"values"` // money value of one unit of a metric, by metric name
}

// Costs are the fully loaded program costs (Phillips): each becomes one line of the roi_costs
// table. "Enrolled" counts every enrollment that started before the analysis cut-off, dropouts
// and people still in the program included: their seats and time were paid for.
type Costs struct {
	// PerParticipant is the participant fee (tuition, materials, travel) per enrolled person.
	PerParticipant float64 `yaml:"per_participant"`
	// ParticipantHours is the time each enrolled person spends in the program, in hours, and
	// LoadedHourlyRate the loaded cost of one of their hours (salary, benefits, overhead).
	ParticipantHours float64 `yaml:"participant_hours"`
	LoadedHourlyRate float64 `yaml:"loaded_hourly_rate"`
	// Facilitation, DesignDevelopment, Evaluation and Overhead are program totals: facilitators
	// and coaches, designing and developing the program, evaluating it (this tool's share too),
	// and the administrative overhead allocated to it.
	Facilitation      float64 `yaml:"facilitation"`
	DesignDevelopment float64 `yaml:"design_development"`
	Evaluation        float64 `yaml:"evaluation"`
	Overhead          float64 `yaml:"overhead"`
	// Fixed is any other fixed program cost not in the lines above.
	Fixed float64 `yaml:"fixed"`
}

// Report configures rendering.
type Report struct {
	OutDir  string   `yaml:"out_dir"`
	Formats []string `yaml:"formats"`
	Title   string   `yaml:"title"`
	// PageSize is the PDF's paper: A4, Letter, Legal or A3.
	PageSize string `yaml:"page_size"`
	// Browser is the Chromium (or Chrome) executable that prints the PDF; "" looks for chromium,
	// chromium-browser, google-chrome and headless_shell on PATH.
	Browser string `yaml:"browser"`
}

// PageSizes are the accepted values of report.page_size.
var PageSizes = []string{"A4", "Letter", "Legal", "A3"}

// Publish configures the published warehouse file.
type Publish struct {
	// Mode is the published file's permission bits, in octal ("0640": the owner writes, the group
	// reads — several analysts open the file; "0600" keeps it to the owner; "0644" lets everyone
	// on the machine read it).
	Mode ModeText `yaml:"mode"`
}

// ModeText is an octal file mode as written in the file: quoted ("0640") or not (0640, which YAML
// would otherwise read as the octal number 416).
type ModeText string

// UnmarshalYAML keeps the value's text as written.
func (m *ModeText) UnmarshalYAML(b []byte) error {
	*m = ModeText(strings.Trim(strings.TrimSpace(string(b)), `"'`))
	return nil
}

// FileMode returns Mode as permission bits (0640 when Mode was never validated).
func (p Publish) FileMode() os.FileMode {
	m, err := parseMode(p.Mode)
	if err != nil {
		return 0o640
	}
	return m
}

// parseMode reads an octal mode of three or four digits that keeps read and write for the owner
// and sets no execute, setuid, setgid or sticky bit.
func parseMode(text ModeText) (os.FileMode, error) {
	s := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(string(text)), "0o"), "0")
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || len(s) != 3 {
		return 0, fmt.Errorf("%q is not an octal file mode such as 0640", string(text))
	}
	m := os.FileMode(v)
	if m&0o600 != 0o600 || m&0o111 != 0 {
		return 0, fmt.Errorf("%04o: the owner must read and write the file and no one may execute it (e.g. 0640, 0600, 0644)", m)
	}
	return m, nil
}

// Default returns the configuration used for every key the file leaves out.
func Default() *Config {
	return &Config{
		Warehouse: "impact.duckdb",
		StateDir:  ".trainimpact",
		Sources:   map[string]connectors.Config{},
		Secrets:   map[string]string{},
		Analysis: Analysis{Unit: "team", Period: "month", PreDays: 180, PostDays: 180, WashoutDays: 30, TreatmentStart: "completed",
			Control: "not_yet_treated", Bootstrap: 999, Permutations: 999, Sensitivity: true, Alpha: 0.05, MinCell: 5, Seed: 1, Dropouts: "exclude", MaxCensored: 0.2},
		ROI:     ROI{Currency: "USD", Values: map[string]float64{}},
		Report:  Report{OutDir: "reports", Formats: []string{"html", "pdf", "md", "json", "csv"}, Title: "Leadership program — impact report", PageSize: "A4"},
		Publish: Publish{Mode: "0640"},
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
