package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand runs `trainimpact report` on the small demo: the formats asked for are
// written; without a browser the PDF is left out with the way to get one and exit 3; a period
// without estimates and an unknown format are usage errors.
func TestReportCommand(t *testing.T) {
	dir, res := smallDemo(t)
	out := filepath.Join(dir, "q")
	code, msg := runWithEnv(t, dir, nil, "report", "--format", "html,json,csv", "--out", out)
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, msg)
	}
	for _, f := range []string{"report.html", "report.json", "estimates.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "report.md")); err == nil {
		t.Errorf("report.md written although not asked for")
	}
	if !strings.Contains(msg, filepath.Join(out, "report.html")) {
		t.Errorf("the output does not name the files:\n%s", msg)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil || !strings.Contains(string(html), res.Period) {
		t.Errorf("report.html does not name the period %s", res.Period)
	}

	editConfig(t, dir, "report:\n", "report:\n  browser: "+filepath.Join(dir, "no-such-browser")+"\n")
	nob := filepath.Join(dir, "nobrowser")
	code, msg = runWithEnv(t, dir, nil, "report", "--format", "html,pdf", "--out", nob)
	if code != ExitPartial || !strings.Contains(msg, "apt-get install") {
		t.Errorf("report without a browser: exit %d (want %d) and the way to get one:\n%s", code, ExitPartial, msg)
	}
	if _, err := os.Stat(filepath.Join(nob, "report.html")); err != nil {
		t.Errorf("without a browser the HTML was not written")
	}
	if _, err := os.Stat(filepath.Join(nob, "report.pdf")); err == nil {
		t.Errorf("a PDF without a browser")
	}

	if code, msg = runWithEnv(t, dir, nil, "report", "--period", "1999-Q1", "--out", out); code != ExitUsage || !strings.Contains(msg, "analyze") {
		t.Errorf("a period without estimates: exit %d (want %d)\n%s", code, ExitUsage, msg)
	}
	if code, _ = runWithEnv(t, dir, nil, "report", "--format", "docx"); code != ExitUsage {
		t.Errorf("--format docx: exit %d, want %d", code, ExitUsage)
	}
}
