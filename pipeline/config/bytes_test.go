package config

import (
	"errors"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "1GB": 1e9, "512 MB": 512e6, "2GiB": 2 << 30, "1.5gb": 1.5e9, "4096": 4096, "10b": 10} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"GB", "1 GBB", "-1GB", "1e400GB", "lots", "1.2.3MB"} {
		if got, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
}

// TestAnalysisMemoryLimit checks analysis.memory_limit: empty by default (no limit), a size read
// in bytes, anything else or too small an error naming the key and its line.
func TestAnalysisMemoryLimit(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("analysis:\n  memory_limit: 1GB\n"), env(nil))
	if err != nil || cfg.Analysis.MemoryLimitBytes() != 1e9 {
		t.Fatalf("1GB: %v %d", err, cfg.Analysis.MemoryLimitBytes())
	}
	if cfg, err := Parse("t.yaml", []byte("warehouse: a.duckdb\n"), env(nil)); err != nil || cfg.Analysis.MemoryLimitBytes() != 0 {
		t.Fatalf("default: %v", err)
	}
	for _, bad := range []string{"lots", "10MB"} {
		_, err = Parse("t.yaml", []byte("analysis:\n  seed: 2\n  memory_limit: "+bad+"\n"), env(nil))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "analysis.memory_limit" || es[0].Line != 3 {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
