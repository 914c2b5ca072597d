package main

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

func estimateFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	f := &Factory{IO: IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut},
		Now:       func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
		LookupEnv: func(string) (string, bool) { return "", false }}
	return f, &out, &errOut
}

// TestEstimateMPDTA runs `trainimpact estimate` end to end on R did's mpdta and checks the
// published results of
//
//	att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first.treat",
//	       data = mpdta, control_group = "nevertreated", bstrap = FALSE); aggte(..., type = ...)
//
// (values quoted in ../shared/reference/README.md) to 1e-6, the pre-trend Wald statistic, and that
// the multiplier-bootstrap standard errors land within 10% of the analytic ones.
func TestEstimateMPDTA(t *testing.T) {
	f, out, errOut := estimateFactory()
	code := Main([]string{"estimate", "--panel", "../../reports/stats/testdata/mpdta.csv", "--unit", "countyreal",
		"--time", "year", "--outcome", "lemp", "--group", "first.treat", "--control", "never", "--format", "json"}, f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Units     int `json:"units"`
		Estimates []struct {
			Aggregation string   `json:"aggregation"`
			Key         *int     `json:"key"`
			Estimate    float64  `json:"estimate"`
			SE          float64  `json:"std_error"`
			BootSE      *float64 `json:"bootstrap_std_error"`
		} `json:"estimates"`
		PreTrend struct {
			W  float64 `json:"w"`
			DF int     `json:"df"`
		} `json:"pretrend_test"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := map[string][2]float64{
		"simple":  {-0.0399512751551763, 0.0120340127701854},
		"group":   {-0.0310182822287484, 0.0124460593209979},
		"dynamic": {-0.0772398214573151, 0.0199649890618494},
	}
	found := 0
	for _, e := range res.Estimates {
		w, ok := want[e.Aggregation]
		if !ok {
			continue
		}
		found++
		if math.Abs(e.Estimate-w[0]) > 1e-6 || math.Abs(e.SE-w[1]) > 1e-6 {
			t.Errorf("%s: %.10f (SE %.10f), want %.10f (%.10f)", e.Aggregation, e.Estimate, e.SE, w[0], w[1])
		}
		if e.BootSE == nil || math.Abs(*e.BootSE-e.SE) > 0.1*e.SE {
			t.Errorf("%s: bootstrap SE %v vs analytic %v", e.Aggregation, e.BootSE, e.SE)
		}
	}
	if found != 3 || res.Units != 500 {
		t.Errorf("found %d aggregations, %d units", found, res.Units)
	}
	if math.Abs(res.PreTrend.W-7.79123662720035) > 1e-6 || res.PreTrend.DF != 5 {
		t.Errorf("pre-trend W %v on %d df, want 7.79123662720035 on 5", res.PreTrend.W, res.PreTrend.DF)
	}
}

func TestEstimateUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"estimate", "--unit", "u", "--time", "t", "--outcome", "y", "--group", "g"},                                          // no panel
		{"estimate", "--panel", "x.csv", "--sql", "select 1", "--unit", "u", "--time", "t", "--outcome", "y", "--group", "g"}, // both
		{"estimate", "--panel", "../../reports/stats/testdata/mpdta.csv", "--unit", "nope", "--time", "year", "--outcome", "lemp", "--group", "first.treat"},
		{"estimate", "--panel", "../../reports/stats/testdata/mpdta.csv", "--unit", "countyreal", "--time", "year", "--outcome", "lemp", "--group", "first.treat", "--control", "sometimes"},
		{"analyze", "--period", "2026-Q7"},
	} {
		f, _, errOut := estimateFactory()
		if code := Main(args, f); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, errOut)
		}
	}
}
