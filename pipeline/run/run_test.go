package run

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/trainimpact/trainimpact/connectors/all"
	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// project serves a small organisation (PagerDuty only, to stay fast) and loads a config for it.
func project(t *testing.T) (*config.Config, *simulate.Server, string) {
	t.Helper()
	o := org.Generate(org.Params{Seed: 11, Size: org.Small, HistoryMonths: 7})
	srv, err := simulate.Start(context.Background(), o, simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	y := fmt.Sprintf("warehouse: impact.duckdb\nstate_dir: state\nsources:\n  pagerduty: {base_url: %q, token_env: PD, since: %s}\n"+
		"people: {teams: teams.csv, cohorts: cohorts.csv}\nanalysis: {bootstrap: 49}\n", srv.PagerDutyURL(), o.Start.Format(time.DateOnly))
	if err := os.WriteFile(filepath.Join(dir, "trainimpact.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]func(f *os.File) error{
		"teams.csv":   func(f *os.File) error { return o.WriteTeamsCSV(f, srv.Now()) },
		"cohorts.csv": func(f *os.File) error { return o.WriteCohortsCSV(f, srv.Now()) },
	})
	cfg, err := config.Load(filepath.Join(dir, "trainimpact.yaml"), func(k string) (string, bool) {
		return simulate.DefaultPagerDutyToken, k == "PD"
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, srv, dir
}

// writeFiles writes each named file into dir with its function.
func writeFiles(t *testing.T, dir string, files map[string]func(f *os.File) error) {
	t.Helper()
	for name, fn := range files {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func hashOf(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// The report stage gets the analysed period, the run id and the working database before the
// publish; a report error fails the run and publishes nothing. A people file is imported again
// only when its content changed.
func TestReportHookAndPeopleByHash(t *testing.T) {
	ctx := context.Background()
	cfg, srv, dir := project(t)
	var got []ReportInput
	var stages []string
	opts := Options{Now: srv.Now, Step: func(s string) { stages = append(stages, s) },
		Report: func(ctx context.Context, in ReportInput) ([]string, error) {
			var n int
			if err := in.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM estimates WHERE period = ?`, in.Period).Scan(&n); err != nil || n == 0 {
				return nil, fmt.Errorf("no estimates of %s to render (%v)", in.Period, err)
			}
			got = append(got, in)
			return []string{"report.html"}, nil
		}}
	res, err := Run(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Period != res.Period || got[0].RunID != res.RunID || len(res.ReportFiles) != 1 || !res.Published {
		t.Fatalf("report stage: %d calls, input %+v, result %+v", len(got), got, res)
	}
	if strings.Join(stages, ",") != "people,sync,refresh,freshness,analyze,report" {
		t.Errorf("stages %v", stages)
	}
	if c := res.Stages[0].Counts; c["teams"] == "unchanged" || c["cohorts"] == "unchanged" {
		t.Errorf("first run: people counts %v", c)
	}
	published := hashOf(t, cfg.Warehouse)

	// The teams file changes (a line appended), cohorts does not; the report now fails.
	teams := filepath.Join(dir, "teams.csv")
	f, err := os.OpenFile(teams, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "new.joiner@acme.example,"+firstTeam(t, teams)+",member,2025-12-01,")
	f.Close()
	boom := errors.New("renderer crashed")
	opts.Report = func(context.Context, ReportInput) ([]string, error) { return nil, boom }
	res, err = Run(ctx, cfg, opts)
	if !errors.Is(err, boom) || res.Status != StatusFailed || res.Published {
		t.Fatalf("failing report: err %v, status %s, published %v", err, res.Status, res.Published)
	}
	if hashOf(t, cfg.Warehouse) != published {
		t.Error("a run whose report failed replaced the warehouse")
	}
	people := res.Stages[0].Counts
	if tc, ok := people["teams"].(map[string]int); !ok || tc["added"] != 1 || people["cohorts"] != "unchanged" {
		t.Errorf("second run: people counts %v, want teams re-imported with 1 added and cohorts unchanged", people)
	}
	st, err := store.OpenReadOnly(ctx, cfg.WorkPath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var status, msg string
	if err := st.DB().QueryRow(`SELECT status, error FROM runs WHERE run_id = ?`, res.RunID).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || !strings.Contains(msg, "renderer crashed") {
		t.Errorf("ledger: %s %q", status, msg)
	}
}

func firstTeam(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	return strings.Split(lines[1], ",")[1]
}

// Errors before the lock leave no trace; a held lock is workspace.ErrBusy.
func TestRunRefusesEarly(t *testing.T) {
	ctx := context.Background()
	cfg, srv, _ := project(t)
	if _, err := Run(ctx, cfg, Options{Now: srv.Now, Period: "2026-Q5"}); err == nil {
		t.Error("a bad period passed")
	}
	empty := *cfg
	empty.Sources = nil
	if _, err := Run(ctx, &empty, Options{Now: srv.Now}); !errors.Is(err, ErrNoSources) {
		t.Errorf("no sources: %v", err)
	}
	s, err := workspace.Begin(ctx, cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(ctx, cfg, Options{Now: srv.Now})
	s.Finish(ctx, errors.New("test over"), "failed")
	if !errors.Is(err, workspace.ErrBusy) {
		t.Errorf("held lock: %v", err)
	}
	if _, err := os.Stat(cfg.Warehouse); !os.IsNotExist(err) {
		t.Errorf("something was published: %v", err)
	}
}

// The run imports the assessments and surveys files like the people files: when their content
// changed since the last import, after validating them first, so that a broken outcome file
// stops the run with the file's line and changes nothing, not even a changed teams file.
func TestRunImportsOutcomeFiles(t *testing.T) {
	ctx := context.Background()
	cfg, srv, dir := project(t)
	writeFiles(t, dir, map[string]func(f *os.File) error{
		"assessments.csv": func(f *os.File) error {
			return srv.Org().WriteAssessmentsCSV(f, srv.Now(), org.DefaultOutcomeEffects())
		},
		"surveys.csv": func(f *os.File) error { return srv.Org().WriteSurveysCSV(f, srv.Now(), org.DefaultOutcomeEffects()) },
	})
	cfg.People.Assessments, cfg.People.Surveys = filepath.Join(dir, "assessments.csv"), filepath.Join(dir, "surveys.csv")
	opts := Options{Now: srv.Now}
	res, err := Run(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Stages[0].Counts
	for _, k := range []string{"assessments", "surveys"} {
		if n, ok := c[k].(map[string]int); !ok || n["added"] == 0 {
			t.Errorf("first run: %s counts %v", k, c[k])
		}
	}
	count := func() (n int) {
		st, err := store.OpenReadOnly(ctx, cfg.WorkPath())
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		st.DB().QueryRow(`SELECT (SELECT count(*) FROM assessments) + (SELECT count(*) FROM survey_responses) + (SELECT count(*) FROM team_memberships)`).Scan(&n)
		return n
	}
	before := count()

	// Unchanged files are not imported again.
	if res, err = Run(ctx, cfg, opts); err != nil {
		t.Fatal(err)
	}
	if c := res.Stages[0].Counts; c["assessments"] != "unchanged" || c["surveys"] != "unchanged" {
		t.Errorf("second run: %v", c)
	}

	// A broken surveys file and a changed teams file: the run stops on the survey's line, nothing changes.
	f, err := os.OpenFile(cfg.People.Surveys, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "not,a,valid,survey,line")
	f.Close()
	teams := filepath.Join(dir, "teams.csv")
	if f, err = os.OpenFile(teams, os.O_APPEND|os.O_WRONLY, 0); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "new.joiner@acme.example,"+firstTeam(t, teams)+",member,2025-12-01,")
	f.Close()
	_, err = Run(ctx, cfg, opts)
	var ve *people.ValidationError
	if !errors.As(err, &ve) || ve.Kind != people.KindSurveys || len(ve.Problems) == 0 || ve.Problems[0].Line == 0 {
		t.Fatalf("broken surveys file: %v, want a validation error naming its line", err)
	}
	if n := count(); n != before {
		t.Errorf("a run stopped by a broken outcome file changed the tables: %d rows, %d before", n, before)
	}
}
