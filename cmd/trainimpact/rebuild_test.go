package main

import (
	"strings"
	"testing"
)

// `rebuild --memory-limit` rebuilds every source of the small demo under the limit (exit 0, each
// source's raw record count reported); a size it cannot read is a usage error (exit 2) naming the
// flag, and nothing runs.
func TestRebuildMemoryLimit(t *testing.T) {
	dir, _ := smallDemo(t)
	if code, out := runWithEnv(t, dir, nil, "rebuild", "--memory-limit", "12XB"); code != ExitUsage || !strings.Contains(out, "--memory-limit") {
		t.Fatalf("bad size: exit %d\n%s", code, out)
	}
	code, out := runWithEnv(t, dir, nil, "rebuild", "--memory-limit", "512MB")
	if code != ExitOK {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	for _, src := range []string{"pagerduty", "jira", "github"} {
		if !strings.Contains(out, src) || !strings.Contains(out, "rebuilt from") {
			t.Errorf("no count for %s\n%s", src, out)
		}
	}
}
