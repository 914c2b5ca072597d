package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A warehouse that is the working database, or lies inside state_dir, is a config error naming the
// key and its line; a neighbour whose name merely starts like state_dir is fine.
func TestDangerousWarehousePaths(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		yaml string
		want string // "" = loads
	}{
		{"state_dir: ./state\nwarehouse: ./state/work.duckdb\n", "trainimpact.yaml:2: warehouse: ./state/work.duckdb is the working database"},
		{"warehouse: .trainimpact/work.duckdb\n", "trainimpact.yaml:1: warehouse: .trainimpact/work.duckdb is the working database"},
		{"warehouse: ./.trainimpact/pub/impact.duckdb\n", "trainimpact.yaml:1: warehouse: ./.trainimpact/pub/impact.duckdb is inside state_dir"},
		{"warehouse: " + filepath.Join(dir, ".trainimpact") + "\n", "is inside state_dir"},
		{"state_dir: " + filepath.Join(dir, "s") + "\nwarehouse: s/x.duckdb\n", "trainimpact.yaml:2: warehouse: s/x.duckdb is inside state_dir"},
		{"warehouse: ./.trainimpact-published.duckdb\n", ""},
		{"warehouse: ../elsewhere/impact.duckdb\n", ""},
	} {
		path := filepath.Join(dir, "trainimpact.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, env(nil))
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.yaml, err)
			}
			continue
		}
		var es Errors
		if err == nil || !strings.Contains(err.Error(), c.want) || !asErrors(err, &es) {
			t.Errorf("%q: err = %v, want %q", c.yaml, err, c.want)
		}
	}
}

func asErrors(err error, es *Errors) bool {
	e, ok := err.(Errors)
	*es = e
	return ok
}

// publish.mode: octal, quoted or not; the owner must keep read and write and nothing may execute.
func TestPublishMode(t *testing.T) {
	if m := Default().Publish.FileMode(); m != 0o640 {
		t.Errorf("default mode %04o, want 0640", m)
	}
	for _, c := range []struct {
		yaml string
		mode os.FileMode
		bad  string
	}{
		{"publish:\n  mode: 0640\n", 0o640, ""},
		{"publish:\n  mode: \"0600\"\n", 0o600, ""},
		{"publish:\n  mode: 644\n", 0o644, ""},
		{"publish:\n  mode: 0o660\n", 0o660, ""},
		{"publish:\n  mode: 0755\n", 0, "trainimpact.yaml:2: publish.mode: 0755: the owner must read and write"},
		{"publish:\n  mode: 0440\n", 0, "publish.mode: 0440: the owner must read and write"},
		{"publish:\n  mode: rw-r-----\n", 0, `publish.mode: "rw-r-----" is not an octal file mode`},
		{"publish:\n  mode: 01640\n", 0, "publish.mode"},
	} {
		cfg, err := Parse("/x/trainimpact.yaml", []byte(c.yaml), env(nil))
		if c.bad != "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("%q: err = %v, want %q", c.yaml, err, c.bad)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.yaml, err)
			continue
		}
		if m := cfg.Publish.FileMode(); m != c.mode {
			t.Errorf("%q: mode %04o, want %04o", c.yaml, m, c.mode)
		}
	}
}
