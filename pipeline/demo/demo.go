// Package demo runs the whole pipeline against a simulated organisation: it generates the
// organisation, serves it over the real PagerDuty, Jira and GitHub APIs on loopback (with mild
// faults), syncs it through the real connectors and client libraries, imports the people files,
// resolves identities, analyses the last full quarter and publishes a DuckDB file — all inside a
// fresh folder — and returns the headline findings beside the planted truth.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/trainimpact/trainimpact/connectors/all" // the demo syncs through the real connectors
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/identity"
	"github.com/trainimpact/trainimpact/pipeline/syncer"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// Marker is the file that identifies a folder as a demo folder, which the demo may overwrite.
const Marker = ".trainimpact-demo"

// ErrNotDemoFolder reports an output folder that holds something other than an earlier demo.
var ErrNotDemoFolder = errors.New("demo: output folder is not empty and not an earlier demo folder")

// Options configure a demo run.
type Options struct {
	// Out is the folder to write into (default ./trainimpact-demo).
	Out string
	// Size of the simulated organisation.
	Size org.Size
	// Seed of the organisation and of the analysis.
	Seed uint64
	// Effect is the planted relative effect for every metric (-0.2 = 20% better; 0 allowed).
	Effect float64
	// Faults switches on mild API faults (429s, 5xx, dropped connections, rate limits).
	Faults bool
	// Logger receives progress lines; nil discards.
	Logger *slog.Logger
	// Step, when set, is told when each stage starts.
	Step func(name string)
	// Progress receives sync progress.
	Progress func(source, entity string, fetched int)
}

// Result is what a demo produced.
type Result struct {
	Out, Warehouse, ConfigPath string
	Faults                     bool
	Now                        time.Time
	Period                     string
	Truth                      *org.Truth
	Org                        *org.Org
	Sync                       []syncer.SourceResult
	Identity                   identity.Result
	Analysis                   *analyze.Result
	Findings                   []Finding
	Requests                   int64
	Duration                   time.Duration
}

// PrepareFolder makes sure out is empty or an earlier demo folder, then clears it.
func PrepareFolder(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(out, 0o755)
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
			return fmt.Errorf("%w: %s (choose another --out)", ErrNotDemoFolder, out)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
				return fmt.Errorf("demo: clear %s: %w", out, err)
			}
		}
	}
	return nil
}

// secrets are the simulator's credentials, handed to the config loader in place of the
// environment; they exist only in this process.
func secrets() map[string]string {
	return map[string]string{
		"DEMO_PAGERDUTY_TOKEN": simulate.DefaultPagerDutyToken,
		"DEMO_JIRA_EMAIL":      simulate.DefaultJiraEmail,
		"DEMO_JIRA_TOKEN":      simulate.DefaultJiraToken,
		"DEMO_GITHUB_TOKEN":    simulate.DefaultGitHubToken,
	}
}

// configYAML is the demo's trainimpact.yaml, pointing at the simulator.
func configYAML(srv *simulate.Server, o *org.Org, seed uint64) string {
	var projects []string
	for _, p := range o.Projects {
		projects = append(projects, p.Key)
	}
	since := o.Now.AddDate(0, -o.Params.HistoryMonths, 0).Format(time.DateOnly)
	return fmt.Sprintf(`# Written by trainimpact demo: the sources point at a simulated organisation that existed only
# while the demo ran. Copy the analysis and roi blocks into your own trainimpact.yaml.
warehouse: ./impact.duckdb
state_dir: ./.trainimpact
sources:
  pagerduty:
    base_url: %s
    token_env: DEMO_PAGERDUTY_TOKEN
    since: %s
  jira:
    base_url: %s
    deployment: cloud
    email_env: DEMO_JIRA_EMAIL
    token_env: DEMO_JIRA_TOKEN
    jql: "project in (%s)"
    escalation_labels: [escalated]
    since: %s
  github:
    base_url: %s
    token_env: DEMO_GITHUB_TOKEN
    orgs: [%s]
    production_environments: [production]
    since: %s
people:
  teams: teams.csv
  cohorts: cohorts.csv
  identities: identities.csv
analysis:
  seed: %d
  bootstrap: 499
roi:
  currency: USD
  costs: {per_participant: 4200, fixed: 25000}
  values: {incident_resolve_hours: 150, incident_escalated: 400, ticket_reopened: 300, pr_lead_time_hours: 120}
report:
  out_dir: ./reports
`, srv.PagerDutyURL(), since, srv.JiraURL(), strings.Join(projects, ", "), since, srv.GitHubURL(), o.GitHubOwner, since, seed)
}

// mildFaults are the faults the demo switches on: roughly one request in ten misbehaves.
func mildFaults() simulate.Faults {
	return simulate.Faults{TooManyRequests: 41, ServerError: 53, BadGateway: 67, Drop: 97, GitHubSecondary: 71,
		RetryAfter: time.Millisecond}
}

// Run executes the demo.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	step := opts.Step
	if step == nil {
		step = func(string) {}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Out == "" {
		opts.Out = "trainimpact-demo"
	}
	if err := PrepareFolder(opts.Out); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(opts.Out, Marker), []byte("written by trainimpact demo; the demo may clear this folder\n"), 0o644); err != nil {
		return nil, err
	}

	step("generating the organisation")
	eff := org.Effects{IncidentResolve: opts.Effect, IncidentAck: opts.Effect, IncidentEscalated: opts.Effect,
		TicketReopened: opts.Effect, TicketResolve: opts.Effect, PRLeadTime: opts.Effect, ChangeLeadTime: opts.Effect}
	o := org.Generate(org.Params{Seed: opts.Seed, Size: opts.Size, Effects: &eff})

	step("starting the simulated APIs")
	// The simulated GitHub advertises a quota the demo cannot exhaust: against the default 5,000
	// requests an hour the connector would (rightly) pace itself for hours.
	sopts := simulate.Options{GitHubRateLimit: 1 << 30}
	if opts.Faults {
		sopts.Faults = mildFaults()
	}
	srv, err := simulate.Start(ctx, o, sopts)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	now := srv.Now()
	res := &Result{Out: opts.Out, Now: now, Truth: srv.Truth(), Org: o, Faults: opts.Faults}

	if err := writeInputs(opts.Out, o, now, res.Truth); err != nil {
		return nil, err
	}
	res.ConfigPath = filepath.Join(opts.Out, "trainimpact.yaml")
	if err := os.WriteFile(res.ConfigPath, []byte(configYAML(srv, o, opts.Seed)), 0o644); err != nil {
		return nil, err
	}
	env := secrets()
	cfg, err := config.Load(res.ConfigPath, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		return nil, err
	}
	res.Warehouse = cfg.Warehouse

	s, err := workspace.Begin(ctx, cfg, "demo", time.Now)
	if err != nil {
		return nil, err
	}
	err = pipeline(ctx, s, cfg, srv, res, opts, step, logger)
	if ferr := s.Finish(ctx, err, ""); err == nil {
		err = ferr
	}
	res.Requests = srv.Requests().Total
	res.Duration = time.Since(start)
	return res, err
}

// pipeline runs the writing stages inside the demo's workspace session.
func pipeline(ctx context.Context, s *workspace.Session, cfg *config.Config, srv *simulate.Server, res *Result,
	opts Options, step func(string), logger *slog.Logger) error {
	step("syncing PagerDuty, Jira and GitHub over HTTP")
	results, err := syncer.Sync(ctx, s.Store, cfg, syncer.Options{Logger: logger, Now: srv.Now, Progress: opts.Progress,
		MinRetryWait: time.Millisecond})
	res.Sync = results
	if err != nil {
		return err
	}
	return finish(ctx, s, cfg, srv, res, step)
}

// writeInputs writes the people files as of now and the ground truth.
func writeInputs(out string, o *org.Org, now time.Time, truth *org.Truth) error {
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return fmt.Errorf("demo: write %s: %w", name, err)
		}
		return f.Close()
	}
	if err := write("teams.csv", func(f *os.File) error { return o.WriteTeamsCSV(f, now) }); err != nil {
		return err
	}
	if err := write("cohorts.csv", func(f *os.File) error { return o.WriteCohortsCSV(f, now) }); err != nil {
		return err
	}
	if err := write("identities.csv", func(f *os.File) error { return o.WriteIdentitiesCSV(f) }); err != nil {
		return err
	}
	return write("truth.json", func(f *os.File) error { return truth.WriteJSON(f) })
}
