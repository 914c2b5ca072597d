package main

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
)

// TestWriteROI checks the printed ROI: every figure with its interval on its own scale, the
// conservative figures, the cost lines, the reading of the interval and the intangibles.
func TestWriteROI(t *testing.T) {
	nan := math.NaN()
	res := &analyze.Result{Enrolled: 21, ROI: []models.ROI{
		{Metric: "incident_resolve_hours", Monetised: true, Benefit: 150000},
		{Metric: "incident_ack_minutes", Monetised: false, Benefit: nan},
		{Metric: "total", Monetised: true, Currency: "USD", Benefit: 150000, BenefitCILow: -20000, BenefitCIHigh: 310000,
			Cost: 50000, NetBenefit: 100000, NetBenefitCILow: -70000, NetBenefitCIHigh: 260000, ROIPct: 200, ROIPctCILow: -140,
			ROIPctCIHigh: 520, BCR: 3, BCRCILow: -0.4, BCRCIHigh: 6.2, ConservativeROIPct: -140, ConservativeBCR: -0.4},
	}, ROICosts: []models.ROICost{{Line: "participant_fee", Amount: 21000}, {Line: "overhead", Amount: 29000}, {Line: "other_fixed"}}}
	var b bytes.Buffer
	writeROI(&b, res)
	out := b.String()
	for _, want := range []string{
		"benefit       150,000 [-20,000, 310,000]",
		"cost          50,000 (21 enrolled; participant_fee 21,000, overhead 29,000)",
		"net benefit   100,000 [-70,000, 260,000]",
		"ROI           +200.0% [-140.0%, +520.0%]; conservative -140.0%",
		"benefit/cost  3.00 [-0.40, 6.20]; conservative -0.40",
		"cannot tell whether the program paid for itself",
		"Intangibles (no money value configured, not converted): incident_ack_minutes",
		"monetised: incident_resolve_hours;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "other_fixed") {
		t.Errorf("a zero cost line is printed:\n%s", out)
	}
	if thousands(-1234567.4) != "-1,234,567" || thousands(999) != "999" || thousands(0.2) != "0" {
		t.Errorf("thousands: %s %s %s", thousands(-1234567.4), thousands(999), thousands(0.2))
	}
}
