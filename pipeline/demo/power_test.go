package demo

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// plantedOutcome counts, over one run's planted metrics, those whose DiD interval excludes zero and
// those whose interval holds the planted value.
type plantedOutcome struct {
	planted, excludeZero, holdPlanted, significant int
	missed                                         []string
}

// operational are the eight metrics the demo planted effects on before issue 22 (durations and
// rates of incidents, tickets and pull requests); the README's power figures are about them.
var operational = map[string]bool{org.MetricIncidentResolve: true, org.MetricIncidentAck: true, org.MetricIncidentEscalated: true,
	org.MetricTicketReopened: true, org.MetricTicketResolve: true, org.MetricTicketCycle: true, org.MetricPRLeadTime: true,
	org.MetricChangeLeadTime: true}

// outcome counts over the operational metrics; significant counts every headline with q < 0.05.
func outcome(res *Result) plantedOutcome {
	var o plantedOutcome
	for _, f := range res.Findings {
		if f.DiD.QValue < 0.05 {
			o.significant++
		}
		if math.IsNaN(f.Planted) || !operational[f.Metric] {
			continue
		}
		o.planted++
		lo, hi := RelativeInterval(f.DiD)
		if lo > 0 || hi < 0 {
			o.excludeZero++
		}
		if lo <= f.Planted && f.Planted <= hi {
			o.holdPlanted++
		} else {
			o.missed = append(o.missed, f.Metric)
		}
	}
	return o
}

// TestDefaultShapePower runs the default demo organisation (DefaultSize) for three seeds with the
// planted −20% and two with no effect, and checks what the README claims of it: with the effect,
// most of the eight operational planted metrics over the three seeds (at least minExcluded in
// each) have an interval that excludes zero and the planted value lies inside all but at most one
// interval per run, and the planted value of the issue-22 metrics (DORA, people, satisfaction,
// assessments) lies inside at least two thirds of their intervals over the three seeds; without
// it, no headline estimate is significant after the Benjamini–Hochberg correction and at most
// three of the issue-22 metrics' intervals exclude zero. Long (about a
// minute of CPU per run): TRAINIMPACT_LONG=1.
func TestDefaultShapePower(t *testing.T) {
	if !longTests() {
		t.Skip("long test: five default demos; run with TRAINIMPACT_LONG=1")
	}
	var planted, excluded, newCovered, newPlanted int
	for _, seed := range []uint64{1, 2, 3} {
		res, err := Run(context.Background(), Options{Out: filepath.Join(t.TempDir(), "demo"), Seed: seed, Effect: -0.2})
		if err != nil {
			t.Fatal(err)
		}
		o := outcome(res)
		t.Logf("seed %d, effect -20%%: %d of %d planted metrics exclude zero, %d hold the planted value (missed %v); %d requests",
			seed, o.excludeZero, o.planted, o.holdPlanted, o.missed, res.Requests)
		if o.planted < 8 {
			t.Errorf("seed %d: %d planted metrics, want 8", seed, o.planted)
		}
		planted += o.planted
		excluded += o.excludeZero
		if o.excludeZero < minExcluded {
			t.Errorf("seed %d: %d of %d planted metrics exclude zero, want at least %d", seed, o.excludeZero, o.planted, minExcluded)
		}
		if o.holdPlanted < o.planted-maxMissed {
			t.Errorf("seed %d: the planted value lies outside %d intervals (%v), want at most %d", seed, len(o.missed), o.missed, maxMissed)
		}
		c, n := newMetricsTable(t, res, seed)
		newCovered += c
		newPlanted += n
	}
	if 2*excluded <= planted {
		t.Errorf("over three seeds %d of %d planted metrics exclude zero, want most", excluded, planted)
	}
	if 3*newCovered < 2*newPlanted {
		t.Errorf("over three seeds the planted value of the issue-22 metrics lies inside %d of %d intervals, want at least two thirds",
			newCovered, newPlanted)
	}
	for _, seed := range []uint64{1, 2} {
		res, err := Run(context.Background(), Options{Out: filepath.Join(t.TempDir(), "demo"), Seed: seed, Effect: 0})
		if err != nil {
			t.Fatal(err)
		}
		o := outcome(res)
		t.Logf("seed %d, no effect: %d of %d headline estimates significant (q < 0.05), %d of %d planted-metric intervals exclude zero",
			seed, o.significant, len(res.Findings), o.excludeZero, o.planted)
		if o.significant > 0 {
			t.Errorf("seed %d: %d headline estimates with q < 0.05 and no planted effect", seed, o.significant)
		}
		if o.excludeZero > 2 {
			t.Errorf("seed %d: %d of %d planted-metric intervals exclude zero with no effect (95%% intervals: about 0.4 expected)", seed, o.excludeZero, o.planted)
		}
		if c, n := newMetricsTable(t, res, seed); n-c > 3 {
			t.Errorf("seed %d: %d of %d intervals of the issue-22 metrics exclude zero with no effect", seed, n-c, n)
		}
	}
}

// newMetricsTable logs, for the metrics issue 22 planted effects on (newPlanted, dora_test.go),
// each DiD interval beside its planted value, and returns how many intervals hold it out of
// those estimated.
func newMetricsTable(t *testing.T, res *Result, seed uint64) (covered, estimated int) {
	t.Helper()
	want := map[string]bool{}
	for _, m := range newPlanted {
		want[m] = true
	}
	for _, f := range res.Findings {
		if !want[f.Metric] {
			continue
		}
		lo, hi := RelativeInterval(f.DiD)
		if math.IsNaN(lo) || math.IsNaN(hi) {
			t.Logf("seed %d %-33s no interval, planted %+.1f%%", seed, f.Metric, 100*f.Planted)
			continue
		}
		estimated++
		in := lo <= f.Planted && f.Planted <= hi
		if in {
			covered++
		}
		t.Logf("seed %d %-33s %+.1f%% [%+.1f%%, %+.1f%%] planted %+.1f%% covered %v", seed, f.Metric, 100*f.DiD.RelativeChange,
			100*lo, 100*hi, 100*f.Planted, in)
	}
	return covered, estimated
}

// minExcluded is the fewest planted metrics whose interval must exclude zero in any one run (the
// default organisation gave 5, 6 and 3 of 8 for seeds 1 to 3 when it was chosen).
const minExcluded = 3

// maxMissed is how many planted values may lie outside their 95% intervals in one run: with eight
// metrics, one miss in a run is within what 95% intervals allow (the chance that all eight hold is
// about 0.66 for independent intervals).
const maxMissed = 1
