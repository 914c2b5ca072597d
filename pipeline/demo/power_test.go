package demo

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// plantedOutcome counts, over one run's planted metrics, those whose DiD interval excludes zero and
// those whose interval holds the planted value.
type plantedOutcome struct {
	planted, excludeZero, holdPlanted, significant int
	missed                                         []string
}

func outcome(res *Result) plantedOutcome {
	var o plantedOutcome
	for _, f := range res.Findings {
		if f.DiD.QValue < 0.05 {
			o.significant++
		}
		if math.IsNaN(f.Planted) {
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
// planted −20% and with no effect, and checks what the README claims of it: with the effect, most
// planted metrics have an interval that excludes zero and the planted value lies inside nearly
// every interval; without it, no headline estimate is significant after the Benjamini–Hochberg
// correction. Long (about a minute of CPU per run): TRAINIMPACT_LONG=1.
func TestDefaultShapePower(t *testing.T) {
	if !longTests() {
		t.Skip("long test: six default demos; run with TRAINIMPACT_LONG=1")
	}
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
		if 2*o.excludeZero <= o.planted {
			t.Errorf("seed %d: %d of %d planted metrics exclude zero, want most", seed, o.excludeZero, o.planted)
		}
		if o.holdPlanted < o.planted-maxMissed {
			t.Errorf("seed %d: the planted value lies outside %d intervals (%v), want at most %d", seed, len(o.missed), o.missed, maxMissed)
		}

		res, err = Run(context.Background(), Options{Out: filepath.Join(t.TempDir(), "demo"), Seed: seed, Effect: 0})
		if err != nil {
			t.Fatal(err)
		}
		o = outcome(res)
		t.Logf("seed %d, no effect: %d of %d headline estimates significant (q < 0.05), %d of %d planted-metric intervals exclude zero",
			seed, o.significant, len(res.Findings), o.excludeZero, o.planted)
		if o.significant > 0 {
			t.Errorf("seed %d: %d headline estimates with q < 0.05 and no planted effect", seed, o.significant)
		}
	}
}

// maxMissed is how many planted values may lie outside their 95% intervals in one run: with eight
// metrics, one miss in a run is within what 95% intervals allow (the chance that all eight hold is
// about 0.66 for independent intervals).
const maxMissed = 1
