package html

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/reports/charts"
	"github.com/trainimpact/trainimpact/reports/report"
)

// TestRenderEscapesAndRefusesUnsafeSVG renders a report whose data hold markup and whose chart
// holds a script: the markup is escaped, the chart is left out with a note, nothing is fetched.
func TestRenderEscapesAndRefusesUnsafeSVG(t *testing.T) {
	r := &report.Report{Title: `<script>alert(1)</script>`, Period: "2026-Q3", GeneratedAt: time.Now(), Cutoff: time.Now(),
		Alpha: 0.05, Confidence: 95, MinCell: 5, Unit: "team", ROI: report.ROI{Cost: math.NaN()},
		Program: report.Program{Cohorts: []report.Cohort{{Month: time.Now(), Units: 1, Teams: []string{`<img src=x onerror=alert(1)>`}}}},
		Charts: report.Charts{Forest: &charts.Chart{Title: "F", Alt: "a", SVG: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>`)},
			Cohorts: &charts.Chart{Title: "C", Alt: "b", SVG: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><title>ok</title></svg>`)}}}
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, r); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	for _, bad := range []string{"<script", "<img", "alert(2)", "http://", "https://"} {
		if strings.Contains(h, bad) && !(bad == "http://" && strings.Count(h, "http://") == strings.Count(h, `xmlns="http://www.w3.org/2000/svg"`)) {
			t.Errorf("output holds %q", bad)
		}
	}
	if !strings.Contains(h, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(h, "This chart was left out") || !strings.Contains(h, "<title>ok</title>") {
		t.Errorf("escaping or chart handling wrong:\n%s", h)
	}
	if !strings.Contains(h, "Content-Security-Policy") {
		t.Errorf("no Content-Security-Policy")
	}
}
