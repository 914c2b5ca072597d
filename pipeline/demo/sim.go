package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// DefaultSize is the organisation preset of demo and simulate when none is chosen.
const DefaultSize = "standard"

// sizes are the organisation presets, by --size name. "standard" is shaped for statistical power
// rather than volume: many small teams (the analysis unit), a modest number of events per person
// and two years of history, so the difference-in-differences has many treated and comparison teams
// and long post-treatment spans while the APIs serve little traffic.
var sizes = map[string]struct {
	params org.Params
	about  string
}{
	"small": {org.Params{Size: org.Small}, "60 people in 7 teams, 18 months (unit tests; too small to find anything)"},
	"standard": {org.Params{People: 800, HistoryMonths: 24, IncidentScale: 1.5, PRScale: 0.2, DeployIntervalHours: 240},
		"800 people in 100 teams of 8, 24 months; many incidents and tickets, few pull requests and deployments (the default)"},
	"medium": {org.Params{Size: org.Medium}, "300 people in 37 teams of 8, 18 months (the earlier default: more API requests, less power)"},
	"large":  {org.Params{Size: org.Large}, "2,000 people in 250 teams of 8, 18 months (the benchmarks' size; far slower)"},
}

// ErrUnknownSize reports a --size that is not a preset.
var ErrUnknownSize = errors.New("demo: unknown organisation size")

// SizeParams returns the organisation parameters of a preset ("" = DefaultSize).
func SizeParams(name string) (org.Params, error) {
	if name == "" {
		name = DefaultSize
	}
	s, ok := sizes[name]
	if !ok {
		return org.Params{}, fmt.Errorf("%w %q (want %s)", ErrUnknownSize, name, strings.Join(SizeNames(), ", "))
	}
	return s.params, nil
}

// SizeNames returns the preset names, sorted.
func SizeNames() []string {
	out := make([]string, 0, len(sizes))
	for k := range sizes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SizeHelp describes every preset, one per line, for --help.
func SizeHelp() string {
	var b strings.Builder
	for _, k := range SizeNames() {
		fmt.Fprintf(&b, "  %-9s %s\n", k, sizes[k].about)
	}
	return b.String()
}

// Token variables the written trainimpact.yaml names; Sim.Env holds their values.
const (
	EnvPagerDutyToken = "SIM_PAGERDUTY_TOKEN"
	EnvJiraEmail      = "SIM_JIRA_EMAIL"
	EnvJiraToken      = "SIM_JIRA_TOKEN"
	EnvGitHubToken    = "SIM_GITHUB_TOKEN"
)

// SimOptions configure StartSim.
type SimOptions struct {
	// Out is the folder the config and people files are written into; it must be empty, absent or
	// an earlier demo/simulate folder (see PrepareFolder).
	Out string
	// Params shape the organisation (see SizeParams); Seed and Effect below replace their Seed and
	// Effects, Now (when set) their Now.
	Params org.Params
	// Seed of the organisation and of the analysis (analysis.seed in the written config).
	Seed uint64
	// Effect is the planted relative effect on every metric (-0.2 = 20% better; 0 = none).
	Effect float64
	// Faults switches on mild API faults (simulate.MildFaults).
	Faults bool
	// Now is the simulator's initial clock; zero = org.DefaultNow (2026-01-01).
	Now time.Time
	// Addr is the listening address (default 127.0.0.1 on a free port; loopback only).
	Addr string
	// Admin mounts the simulator's /admin/ endpoints (simulate.AdminPrefix).
	Admin bool
	// AnalysisPeriod is analysis.period in the written config ("" = the default, month).
	AnalysisPeriod string
}

// Sim is a running simulated organisation with a ready project folder: trainimpact.yaml pointing at
// the simulator, teams.csv, cohorts.csv, identities.csv, assessments.csv and surveys.csv as of the
// simulator's start, and the ground truth (truth.json). `trainimpact demo` runs the pipeline on
// one; `trainimpact simulate` keeps one running for an operator to rehearse on.
type Sim struct {
	Server *simulate.Server
	Org    *org.Org
	Truth  *org.Truth // as of the start, with the outcome files' planted effects
	// Outcomes are the effects planted in assessments.csv and surveys.csv.
	Outcomes   org.OutcomeEffects
	Out        string
	ConfigPath string
	// Env maps the token variables the config names to their values (the simulator's fixed
	// credentials).
	Env map[string]string
}

// StartSim generates the organisation, serves it on loopback and writes the project folder.
func StartSim(ctx context.Context, opts SimOptions) (*Sim, error) {
	if opts.Out == "" {
		return nil, errors.New("demo: no output folder")
	}
	if err := PrepareFolder(opts.Out); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(opts.Out, Marker), []byte("written by trainimpact demo/simulate; they may clear this folder\n"), 0o644); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	p := opts.Params
	p.Seed = opts.Seed
	// --effect is "how much better": -0.2 makes durations, failures, reworks and leavers 20% fewer
	// and satisfaction, engagement and assessment scores 20% higher.
	eff := org.Uniform(opts.Effect)
	p.Effects = &eff
	outcomes := org.RelativeOutcomeEffects(0 - opts.Effect) // 0 − 0 is +0: no "-0.0%" planted
	if !opts.Now.IsZero() {
		p.Now = opts.Now
	}
	o := org.Generate(p)

	// The simulated GitHub advertises a quota a rehearsal cannot exhaust: against the default 5,000
	// requests an hour the connector would (rightly) pace itself for hours.
	sopts := simulate.Options{GitHubRateLimit: 1 << 30, Addr: opts.Addr, Admin: opts.Admin}
	if opts.Faults {
		sopts.Faults = simulate.MildFaults()
	}
	srv, err := simulate.Start(ctx, o, sopts)
	if err != nil {
		return nil, err
	}
	truth := srv.Truth()
	truth.Effects = append(truth.Effects, outcomes.Truths()...)
	sim := &Sim{Server: srv, Org: o, Truth: truth, Outcomes: outcomes, Out: opts.Out, ConfigPath: filepath.Join(opts.Out, "trainimpact.yaml"),
		Env: map[string]string{
			EnvPagerDutyToken: simulate.DefaultPagerDutyToken,
			EnvJiraEmail:      simulate.DefaultJiraEmail,
			EnvJiraToken:      simulate.DefaultJiraToken,
			EnvGitHubToken:    simulate.DefaultGitHubToken,
		}}
	if err := writeInputs(opts.Out, o, srv.Now(), sim.Truth, outcomes); err != nil {
		srv.Close()
		return nil, err
	}
	if err := os.WriteFile(sim.ConfigPath, []byte(configYAML(srv, o, opts.Seed, opts.AnalysisPeriod)), 0o644); err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return sim, nil
}

// LookupEnv looks up the simulator's token variables (for config.Load in place of the environment).
func (s *Sim) LookupEnv(k string) (string, bool) { v, ok := s.Env[k]; return v, ok }

// Exports returns the shell lines that set the token variables, sorted.
func (s *Sim) Exports() []string {
	out := make([]string, 0, len(s.Env))
	for k, v := range s.Env {
		out = append(out, fmt.Sprintf("export %s=%s", k, v))
	}
	sort.Strings(out)
	return out
}

// Close stops the simulator.
func (s *Sim) Close() error { return s.Server.Close() }
