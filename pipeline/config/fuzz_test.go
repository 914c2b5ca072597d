package config_test

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	_ "github.com/trainimpact/trainimpact/connectors/all" // the real source blocks
	"github.com/trainimpact/trainimpact/pipeline/config"
)

// fuzzSecret is the value of every environment variable the fuzzed configs name: it must never
// appear in an error message.
const fuzzSecret = "s3cr3t-V4LUE-never-shown"

// FuzzParse checks the config loader on any bytes (corpus: testdata/fuzz/FuzzParse): no panic;
// either config.Errors, each on a line of the file and never showing a secret, or a config whose
// paths are absolute.
func FuzzParse(f *testing.F) {
	f.Add(config.Template())
	if b, err := os.ReadFile("../people/testdata/good/trainimpact.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("warehouse: a.duckdb\nsources:\n  jira:\n    base_url: https://x.example\n    email_env: E\n    token_env: T\n    since: 2025-02-30\n"))
	f.Add([]byte("sources:\n  pagerduty: {token_env: T, since: x}\n  github: [1, 2]\nanalysis: {alpha: .nan, min_cell: -1}\n"))
	f.Add([]byte("people: {pseudonymize: true, pseudonym_key_env: K}\nroi: {values: {a: 1e400}}\n"))
	f.Add([]byte("&a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		env := func(string) (string, bool) { return fuzzSecret, true }
		cfg, err := config.Parse("/cfg/trainimpact.yaml", data, env)
		// YAML breaks lines at \n, \r\n and a lone \r.
		text := strings.ReplaceAll(string(data), "\r\n", "\n")
		lines := 1 + strings.Count(text, "\n") + strings.Count(text, "\r")
		if err != nil {
			if cfg != nil {
				t.Fatal("a config returned with an error")
			}
			var es config.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error is not config.Errors: %T %v", err, err)
			}
			for _, e := range es {
				if e.Line < 0 || e.Line > lines+1 || e.Message == "" {
					t.Fatalf("error out of the file (%d lines): %+v", lines, e)
				}
			}
			if strings.Contains(err.Error(), fuzzSecret) {
				t.Fatalf("a secret in the error: %v", err)
			}
			return
		}
		if !strings.HasPrefix(cfg.Warehouse, "/") || !strings.HasPrefix(cfg.StateDir, "/") {
			t.Fatalf("relative paths left: %q %q", cfg.Warehouse, cfg.StateDir)
		}
		a := cfg.Analysis
		if !(a.Alpha > 0 && a.Alpha < 0.5) || a.MinCell < 1 || !(a.MaxCensored >= 0 && a.MaxCensored <= 1) {
			t.Fatalf("invalid analysis accepted: %+v", a)
		}
		floats := []float64{cfg.ROI.Costs.PerParticipant, cfg.ROI.Costs.Fixed}
		for _, v := range cfg.ROI.Values {
			floats = append(floats, v)
		}
		for _, v := range floats {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite money accepted: %+v", cfg.ROI)
			}
		}
	})
}
