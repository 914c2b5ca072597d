package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/connectors"
)

// testSource is a driver registered only in this test binary, to exercise source decoding.
type testSource struct {
	BaseURL  string          `yaml:"base_url"`
	TokenEnv string          `yaml:"token_env"`
	Repos    []string        `yaml:"repos"`
	Since    connectors.Date `yaml:"since"`
}

func (c *testSource) Validate() []connectors.FieldError {
	if c.BaseURL == "" {
		return []connectors.FieldError{{Key: "base_url", Message: "required"}}
	}
	return nil
}
func (c *testSource) SecretEnvs() map[string]string {
	return map[string]string{"token_env": c.TokenEnv}
}

type testDriver struct{}

func (testDriver) NewConfig() connectors.Config { return &testSource{TokenEnv: "TEST_TOKEN"} }
func (testDriver) Open(connectors.Config, connectors.Env) (connectors.Connector, error) {
	return nil, errors.New("not used")
}

func init() { connectors.Register("testsrc", testDriver{}) }

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultsAndPaths(t *testing.T) {
	cfg, err := Parse("/srv/ti/trainimpact.yaml", []byte("warehouse: out/impact.duckdb\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Warehouse != "/srv/ti/out/impact.duckdb" || cfg.StateDir != "/srv/ti/.trainimpact" {
		t.Errorf("paths not resolved against the config folder: %q %q", cfg.Warehouse, cfg.StateDir)
	}
	if cfg.Analysis.Unit != "team" || cfg.Analysis.WashoutDays != 30 || cfg.Analysis.Bootstrap != 999 || cfg.Analysis.MinCell != 5 ||
		cfg.Analysis.TreatmentStart != "completed" || cfg.Analysis.Anticipation != 0 {
		t.Errorf("defaults not applied: %+v", cfg.Analysis)
	}
}

func TestAllProblemsReportedWithLines(t *testing.T) {
	y := `warehouse: impact.duckdb
colour: blue
analysis:
  unit: department
  bootstrap: many
  washout_days: 30
  treatment_start: started
sources:
  testsrc:
    repos: [a/b]
    token_env: MISSING_TOKEN
    flavour: x
  nosuch: {}
`
	_, err := Parse("t.yaml", []byte(y), env(nil))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want Errors, got %v", err)
	}
	want := []struct {
		line int
		key  string
		msg  string
	}{
		{2, "colour", "unknown key"},
		{4, "analysis.unit", `"department" is not one of team, person`},
		{5, "analysis.bootstrap", ""},
		{7, "analysis.treatment_start", `"started" is not one of completed, enrolled`},
		{9, "sources.testsrc.base_url", "required"},
		{12, "sources.testsrc.flavour", "unknown key"},
		{13, "sources.nosuch", "unknown source"},
	}
	for _, w := range want {
		found := false
		for _, e := range es {
			if e.Key == w.key && e.Line == w.line && strings.Contains(e.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing problem %s at line %d (%q); got:\n%v", w.key, w.line, w.msg, err)
		}
	}
	if len(es) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(es), len(want), err)
	}
}

// An unset token is not a problem of the file: commands that never call the source (analyze, sql)
// load the config; the ones that do ask CheckSourceSecrets, which names the key and its line.
func TestUnsetSecretReportedToCommandsThatNeedIt(t *testing.T) {
	y := "warehouse: w.duckdb\nsources:\n  testsrc:\n    base_url: http://x\n    token_env: MISSING_TOKEN\npeople:\n  pseudonymize: true\n  pseudonym_key_env: MISSING_KEY\n"
	cfg, err := Parse("t.yaml", []byte(y), env(nil))
	if err != nil {
		t.Fatalf("an unset variable made the config unloadable: %v", err)
	}
	err = cfg.CheckSourceSecrets()
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 5 || es[0].Key != "sources.testsrc.token_env" ||
		!strings.Contains(es[0].Message, "MISSING_TOKEN is not set") {
		t.Errorf("CheckSourceSecrets() = %v, want t.yaml:5: sources.testsrc.token_env: ... MISSING_TOKEN is not set", err)
	}
	if err := cfg.CheckSourceSecrets("othersrc"); err != nil {
		t.Errorf("a source not named was checked: %v", err)
	}
	if err := cfg.CheckPseudonymKey(); !errors.As(err, &es) || es[0].Line != 8 || !strings.Contains(es[0].Message, "MISSING_KEY") {
		t.Errorf("CheckPseudonymKey() = %v, want line 8 naming MISSING_KEY", err)
	}

	cfg, err = Parse("t.yaml", []byte(y), env(map[string]string{"MISSING_TOKEN": "t", "MISSING_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckSourceSecrets(); err != nil {
		t.Errorf("set token reported: %v", err)
	}
	if err := cfg.CheckPseudonymKey(); err != nil {
		t.Errorf("set key reported: %v", err)
	}
}

func TestSecretsResolvedOnce(t *testing.T) {
	y := "sources:\n  testsrc:\n    base_url: http://x\n    since: 2025-02-03\n"
	cfg, err := Parse("t.yaml", []byte(y), env(map[string]string{"TEST_TOKEN": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Env("testsrc")["TEST_TOKEN"]; got != "s3cret" {
		t.Fatalf("secret %q", got)
	}
	src := cfg.Sources["testsrc"].(*testSource)
	if src.Since.Format("2006-01-02") != "2025-02-03" {
		t.Errorf("since %v", src.Since)
	}
	if h := cfg.SourceHash("testsrc"); strings.Contains(h, "s3cret") || h == "" {
		t.Errorf("hash %q", h)
	}
}

func TestStarterFilesLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteStarter(dir, false); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteStarter(dir, false); !errors.Is(err, ErrExists) {
		t.Fatalf("second init without --force: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "trainimpact.yaml"), env(nil)); err != nil {
		t.Fatalf("the starter config does not load: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), env(nil)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("warehouse: [unclosed\n"), 0o644)
	if _, err := Load(filepath.Join(dir, "bad.yaml"), env(nil)); err == nil || !strings.Contains(err.Error(), "bad.yaml:") {
		t.Fatalf("syntax error without file and line: %v", err)
	}
}

// TestROICostKeys checks the cost lines' keys: each decoded, a negative one reported with its own
// key and line, and participants' hours without an hourly rate refused.
func TestROICostKeys(t *testing.T) {
	good := "roi:\n  costs:\n    per_participant: 4200\n    participant_hours: 40\n    loaded_hourly_rate: 95\n" +
		"    facilitation: 12000\n    design_development: 8000\n    evaluation: 3000\n    overhead: 2000\n    fixed: 500\n"
	cfg, err := Parse("t.yaml", []byte(good), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Costs{PerParticipant: 4200, ParticipantHours: 40, LoadedHourlyRate: 95, Facilitation: 12000,
		DesignDevelopment: 8000, Evaluation: 3000, Overhead: 2000, Fixed: 500}
	if cfg.ROI.Costs != want {
		t.Errorf("costs %+v, want %+v", cfg.ROI.Costs, want)
	}
	var es Errors
	_, err = Parse("t.yaml", []byte(strings.Replace(good, "evaluation: 3000", "evaluation: -3", 1)), env(nil))
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "roi.costs.evaluation" || es[0].Line != 8 {
		t.Errorf("negative line: %v", err)
	}
	_, err = Parse("t.yaml", []byte(strings.Replace(good, "    loaded_hourly_rate: 95\n", "", 1)), env(nil))
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "roi.costs.participant_hours" {
		t.Errorf("hours without a rate: %v", err)
	}
}

// TestReportPageSize checks report.page_size: A4 by default, Letter accepted, anything else an
// error naming the key and its line.
func TestReportPageSize(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("report:\n  page_size: Letter\n"), env(nil))
	if err != nil || cfg.Report.PageSize != "Letter" {
		t.Fatalf("Letter: %v %q", err, cfg.Report.PageSize)
	}
	cfg, err = Parse("t.yaml", []byte("warehouse: a.duckdb\n"), env(nil))
	if err != nil || cfg.Report.PageSize != "A4" {
		t.Fatalf("default: %v %q", err, cfg.Report.PageSize)
	}
	_, err = Parse("t.yaml", []byte("report:\n  out_dir: r\n  page_size: B5\n"), env(nil))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "report.page_size" || es[0].Line != 3 {
		t.Fatalf("B5: %v", err)
	}
}
