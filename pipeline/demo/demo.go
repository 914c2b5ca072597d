// Package demo runs the whole pipeline against a simulated organisation: it generates the
// organisation, serves it over the real PagerDuty, Jira and GitHub APIs on loopback (with mild
// faults), syncs it through the real connectors and client libraries, imports the people files,
// resolves identities, analyses the last full quarter and publishes a DuckDB file — all inside a
// fresh folder — and returns the headline findings beside the planted truth. StartSim, the same
// machinery without the pipeline, keeps a simulated organisation and its project folder ready for
// `trainimpact simulate` and for tests that drive the commands against it.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
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
	// Preset names the organisation's shape (see SizeParams; "" = DefaultSize).
	Preset string
	// Size, when not org.SizeCustom, is one of org's preset sizes, used instead of Preset.
	Size org.Size
	// Params, when set, shape the organisation instead of Preset and Size (studies, benchmarks).
	Params *org.Params
	// AnalysisPeriod is analysis.period in the demo's config ("" = month).
	AnalysisPeriod string
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
	// RequestsByAPI counts the API requests per source (pagerduty, jira, github).
	RequestsByAPI map[string]int64
	Duration      time.Duration
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

// configYAML is the demo's trainimpact.yaml, pointing at the simulator.
func configYAML(srv *simulate.Server, o *org.Org, seed uint64, period string) string {
	if period == "" {
		period = "month"
	}
	var projects []string
	for _, p := range o.Projects {
		projects = append(projects, p.Key)
	}
	since := o.Now.AddDate(0, -o.Params.HistoryMonths, 0).Format(time.DateOnly)
	// Every project is a service desk whose resolved requests may carry a customer rating (a
	// request each: about 26,000 of the demo's 42,000; with half the projects jsm_satisfaction had
	// some 15 comparison teams), and every live repository runs as one incident service
	// (org.Repo.Service).
	var serviceMap strings.Builder
	sm := o.ServiceMap()
	names := make([]string, 0, len(sm))
	for k := range sm {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&serviceMap, "      %q: [%s]\n", k, strings.Join(sm[k], ", "))
	}
	return fmt.Sprintf(`# Written by trainimpact demo or simulate: the sources point at a simulated organisation on
# loopback, which exists only while that command runs. The token variables (%s, %s,
# %s, %s) hold its fixed test credentials, which trainimpact simulate prints.
# Copy the analysis and roi blocks into your own trainimpact.yaml.
warehouse: ./impact.duckdb
state_dir: ./.trainimpact
sources:
  pagerduty:
    base_url: %s
    token_env: %s
    since: %s
  jira:
    base_url: %s
    deployment: cloud
    email_env: %s
    token_env: %s
    jql: "project in (%s)"
    escalation_labels: [escalated]
    feedback_projects: [%s]
    since: %s
  github:
    base_url: %s
    token_env: %s
    orgs: [%s]
    production_environments: [production]
    since: %s
    service_map:
%speople:
  teams: teams.csv
  cohorts: cohorts.csv
  identities: identities.csv
  assessments: assessments.csv
  surveys: surveys.csv
analysis:
  seed: %d
  period: %s
  bootstrap: 499
  permutations: 199
roi:
  currency: USD
  costs: {per_participant: 4200, participant_hours: 40, loaded_hourly_rate: 95, facilitation: 12000, design_development: 8000, evaluation: 3000, overhead: 2000}
  values: {incident_resolve_hours: 150, incident_escalated: 400, ticket_reopened: 300, pr_lead_time_hours: 120}
report:
  out_dir: ./reports
`, EnvPagerDutyToken, EnvJiraEmail, EnvJiraToken, EnvGitHubToken,
		srv.PagerDutyURL(), EnvPagerDutyToken, since, srv.JiraURL(), EnvJiraEmail, EnvJiraToken, strings.Join(projects, ", "),
		strings.Join(projects, ", "), since, srv.GitHubURL(), EnvGitHubToken, o.GitHubOwner, since, serviceMap.String(), seed, period)
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
	params, err := SizeParams(opts.Preset)
	if err != nil {
		return nil, err
	}
	if opts.Size != org.SizeCustom {
		params = org.Params{Size: opts.Size}
	}
	if opts.Params != nil {
		params = *opts.Params
	}
	step("generating the organisation and starting the simulated APIs")
	sim, err := StartSim(ctx, SimOptions{Out: opts.Out, Params: params, Seed: opts.Seed, Effect: opts.Effect, Faults: opts.Faults,
		AnalysisPeriod: opts.AnalysisPeriod})
	if err != nil {
		return nil, err
	}
	defer sim.Close()
	srv := sim.Server
	res := &Result{Out: opts.Out, Now: srv.Now(), Truth: sim.Truth, Org: sim.Org, Faults: opts.Faults, ConfigPath: sim.ConfigPath}
	cfg, err := config.Load(res.ConfigPath, sim.LookupEnv)
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

	rs := srv.Requests()
	res.Requests, res.RequestsByAPI = rs.Total, rs.ByAPI
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

// writeInputs writes the people and outcome files as of now and the ground truth.
func writeInputs(out string, o *org.Org, now time.Time, truth *org.Truth, outcomes org.OutcomeEffects) error {
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
	if err := write("assessments.csv", func(f *os.File) error { return o.WriteAssessmentsCSV(f, now, outcomes) }); err != nil {
		return err
	}
	if err := write("surveys.csv", func(f *os.File) error { return o.WriteSurveysCSV(f, now, outcomes) }); err != nil {
		return err
	}
	return write("truth.json", func(f *os.File) error { return truth.WriteJSON(f) })
}
