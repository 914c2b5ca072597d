package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/models"
)

// TestIntervalStaysPossible checks the demo's relative intervals: durations through exp − 1,
// shares and rates relative to the untrained level and cut where a share or rate would pass 0 or
// a share 100%.
func TestIntervalStaysPossible(t *testing.T) {
	cases := []struct {
		name string
		e    models.Estimate
		want string
		cut  bool
	}{
		{"duration", models.Estimate{Scale: "log", Estimate: math.Log(0.8), CILow: math.Log(0.7), CIHigh: math.Log(0.9)},
			"[-30.0%, -10.0%]", false},
		// Share untrained 0.05 (relative change −0.02/0.05): interval [−0.06, −0.01] → [−120%, −20%].
		{"share below 0", models.Estimate{Scale: "share", Estimate: -0.02, RelativeChange: -0.4, CILow: -0.06, CIHigh: -0.01},
			"[-100.0%, -20.0%]", true},
		// Share untrained 0.8: +0.3 would be 110% of the events; at most +25%.
		{"share above 1", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: 0.125, CILow: 0.04, CIHigh: 0.3},
			"[+5.0%, +25.0%]", true},
		// Rate untrained 2: no upper limit.
		{"rate", models.Estimate{Scale: "rate", Estimate: 1, RelativeChange: 0.5, CILow: -0.5, CIHigh: 3},
			"[-25.0%, +150.0%]", false},
		// A share without a relative change: no interval printed, never the share as a percent.
		{"no relative change", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: math.NaN(), CILow: 0.05, CIHigh: 0.15},
			"—", false},
		{"no interval", models.Estimate{Scale: "share", Estimate: 0.1, RelativeChange: 0.1, CILow: math.NaN(), CIHigh: math.NaN()},
			"—", false},
	}
	for _, c := range cases {
		got, cut := interval(c.e)
		if got != c.want || cut != c.cut {
			t.Errorf("%s: %s (cut %v), want %s (cut %v)", c.name, got, cut, c.want, c.cut)
		}
	}
}

// TestPointsForShares: a share without a relative change is printed in percentage points (the
// report's fallback too); other scales and missing intervals print nothing.
func TestPointsForShares(t *testing.T) {
	nan := math.NaN()
	est, ci, ok := points(models.Estimate{Scale: "share", Estimate: 0.036, RelativeChange: nan, CILow: 0.002, CIHigh: 0.069})
	if !ok || est != "+3.6 pp" || ci != "[+0.2 pp, +6.9 pp]" {
		t.Errorf("share: %q %q %v", est, ci, ok)
	}
	for _, e := range []models.Estimate{
		{Scale: "log", Estimate: 0.1, CILow: 0, CIHigh: 0.2},
		{Scale: "share", Estimate: 0.1, CILow: nan, CIHigh: nan},
		{Scale: "share", Estimate: nan, CILow: nan, CIHigh: nan},
	} {
		if _, _, ok := points(e); ok {
			t.Errorf("%+v printed in points", e)
		}
	}
}

// TestDemoCommandRendersReport runs `demo` on the small organisation as a user would: it exits 0,
// prints the report's path first, and the report is there — every format but the PDF always, the
// PDF where a browser is installed (else a note that says how to get one, and still exit 0).
func TestDemoCommandRendersReport(t *testing.T) {
	dir := t.TempDir()
	code, out := child(t, dir, "demo", "--size", "small", "--faults=false", "--out", "d")
	if code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	var first string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "{") || strings.HasPrefix(l, "•") || strings.TrimSpace(l) == "" {
			continue // log lines on stderr (JSON without a terminal), step lines
		}
		first = l
		break
	}
	html := filepath.Join(dir, "d", "reports", "report.html")
	if first != "Report: "+html && first != "Report: d/reports/report.html" {
		t.Fatalf("first line %q, want the report's path %s\n%s", first, html, out)
	}
	for _, f := range []string{"report.html", "report.md", "report.json", "estimates.csv"} {
		if fi, err := os.Stat(filepath.Join(dir, "d", "reports", f)); err != nil || fi.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "d", "reports", "report.pdf")); err != nil && !strings.Contains(out, "chromium") {
		t.Errorf("no PDF and no note on how to get one\n%s", out)
	}
}
