package jsonout

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trainimpact/trainimpact/reports/report"
)

// TestDocumentWithEveryOptionalPartValidates renders a report whose rows carry every optional
// part (pre-trend test, intention to treat, ROI intervals, cost lines, a previous period, a
// suppressed metric) and validates it against docs/report.schema.json. The end-to-end test in
// pipeline/reportdata validates the demo's report, which has none of these yet.
func TestDocumentWithEveryOptionalPartValidates(t *testing.T) {
	nan := math.NaN()
	row := func(metric, pop string, rel, lo, hi, q float64) report.EstimateRow {
		return report.EstimateRow{Metric: metric, RelLowCol: nan, RelHighCol: nan, Effect: report.Effect{Method: "did", Aggregation: "simple",
			Scale: "log", Estimate: math.Log1p(rel), CILow: math.Log1p(lo), CIHigh: math.Log1p(hi), Relative: rel, QValue: q, PValue: q,
			MDE: 0.1, Population: pop, Flags: []string{"small_sample"}}}
	}
	pp := row("m1", "per_protocol", -0.2, -0.3, -0.1, 0.01)
	pp.Pretrend = &report.Pretrend{Stat: 1.2, DF1: 5, DF2: nan, P: 0.3, Note: "chi-squared"}
	prev := row("m1", "", -0.1, -0.25, 0.05, 0.3)
	sup := report.EstimateRow{Metric: "m2", RelLowCol: nan, RelHighCol: nan, Effect: report.Effect{Method: "did", Aggregation: "simple",
		Scale: "share", Estimate: nan, CILow: nan, CIHigh: nan, Relative: nan, PValue: nan, QValue: nan, MDE: nan, Flags: []string{"suppressed"}}}
	in := report.Input{Title: "T <b>", Period: "2026-Q3", AnalysisID: "a", GeneratedAt: time.Now(), Cutoff: time.Now(), Alpha: 0.05,
		MinCell: 5, Unit: "team", Control: "not_yet_treated", Currency: "EUR",
		Metrics: []report.MetricInfo{{Name: "m1", Title: "M1", Kind: "duration", Better: "lower", Unit: "hours", Family: "f"},
			{Name: "m2", Title: "M2", Kind: "proportion", Better: "lower", Unit: "share", Family: "g"}},
		Estimates:      []report.EstimateRow{pp, row("m1", "intention_to_treat", -0.1, -0.2, 0.01, 0.2), sup},
		PreviousPeriod: "2026-Q2", Previous: []report.EstimateRow{prev},
		ROI: []report.ROIRow{{Metric: "total", Monetised: true, Benefit: 3, BenefitLow: 1, BenefitHigh: 5, BenefitCILow: 1, BenefitCIHigh: 5,
			NetBenefit: 2, Cost: 1, ROIPct: 200, ROIPctLow: 0, ROICILow: 0, ROICIHigh: 400, BCR: 3, BCRLow: 1, BCRCILow: 1, BCRCIHigh: 5,
			ConservativeROIPct: 0, ConservativeBCR: 1, Currency: "EUR"}},
		CostLines: []report.CostLine{{Line: "x", Quantity: 1, UnitCost: 1, Amount: 1, Currency: "EUR"}},
		Data:      report.Data{Sources: []report.SourceData{{Source: "s", Records: 3, LastSync: time.Now()}}, Accounts: 2, AccountsMatched: 1, MatchRate: 0.5},
	}
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, report.Build(in)); err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile("../../../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("does not validate: %v\n%s", err, buf.String())
	}
	if bytes.Contains(buf.Bytes(), []byte("<b>")) {
		t.Errorf("markup not escaped in JSON")
	}
	for _, want := range []string{`"intention_to_treat": {`, `"pretrend": {`, `"previous": {`, `"roi_ci_low": 0`, `"verdict": "suppressed"`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("document lacks %s", want)
		}
	}
}
