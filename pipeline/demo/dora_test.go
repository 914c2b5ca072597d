package demo

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// newPlanted are the metrics whose planted effects issue 22 added to the demo.
var newPlanted = []string{org.MetricDeploymentFrequency, org.MetricChangeFailureRate, org.MetricRecovery, org.MetricRework,
	org.MetricPRReverted, org.MetricAttrition, org.MetricJSMSatisfaction, org.MetricAssessment, org.MetricEngagement,
	org.MetricStakeholder}

// checkNewMetrics checks that the demo's findings carry the planted truth of every new metric (as
// the simulator's truth states it: +25% deployment frequency for a −20% effect) and that the
// outcome files the demo wrote were imported whole.
func checkNewMetrics(t *testing.T, res *Result, effect float64) {
	t.Helper()
	want := map[string]float64{org.MetricDeploymentFrequency: 1/(1+effect) - 1, org.MetricChangeFailureRate: effect,
		org.MetricRecovery: effect, org.MetricRework: effect, org.MetricPRReverted: effect, org.MetricAttrition: effect,
		org.MetricJSMSatisfaction: -effect, org.MetricAssessment: -effect, org.MetricEngagement: -effect, org.MetricStakeholder: -effect}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if w, ok := want[f.Metric]; ok {
			seen[f.Metric] = true
			if math.Abs(f.Planted-w) > 1e-9 {
				t.Errorf("%s: planted %v in the findings, want %v", f.Metric, f.Planted, w)
			}
		}
	}
	for _, m := range newPlanted {
		if !seen[m] {
			t.Errorf("no finding for %s", m)
		}
	}
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for file, query := range map[string]string{"assessments.csv": `SELECT count(*) FROM assessments`,
		"surveys.csv": `SELECT count(*) FROM survey_responses`} {
		f, err := os.Open(filepath.Join(res.Out, file))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := st.DB().QueryRowContext(ctx, query).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != len(rows)-1 || got == 0 {
			t.Errorf("%s: %d rows in the warehouse, %d in the file", file, got, len(rows)-1)
		}
	}
	var rated int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM metric_events WHERE metric = 'jsm_satisfaction'`).Scan(&rated); err != nil {
		t.Fatal(err)
	}
	if rated == 0 {
		t.Error("no jsm_satisfaction events: the request feedback was not synced")
	}
}

// checkDORALinkage checks that the warehouse's linkage rules (dora_deployments) find exactly the
// failures the simulator planted: the deployments failed by an incident are those that caused
// one (triggered before the simulator's now), and each recovered when its rollback finished.
func checkDORALinkage(t *testing.T, res *Result) {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx, `SELECT d.native_id, x.failed_by_incident, x.recovered_at
		FROM dora_deployments(CAST(? AS TIMESTAMPTZ)) AS x JOIN deployments AS d USING (deployment_id)`, res.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type got struct {
		failed    bool
		recovered *time.Time
	}
	wh := map[int64]got{}
	for rows.Next() {
		var id string
		var g got
		if err := rows.Scan(&id, &g.failed, &g.recovered); err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		wh[n] = g
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var planted, found int
	for _, d := range res.Org.Deployments {
		fin := d.SucceededAt(res.Now)
		if d.Environment != "production" || fin.IsZero() {
			continue
		}
		g, ok := wh[d.ID]
		if !ok {
			t.Errorf("deployment %d finished %v is not in dora_deployments", d.ID, fin)
			continue
		}
		caused := d.Failure != nil && !d.Failure.CreatedAt.After(res.Now)
		if caused {
			planted++
		}
		if g.failed {
			found++
		}
		if g.failed != caused {
			t.Errorf("deployment %d: failed by an incident %v in the warehouse, planted %v", d.ID, g.failed, caused)
			continue
		}
		if caused && d.Rollback != nil {
			if ok := d.Rollback.SucceededAt(res.Now); !ok.IsZero() && (g.recovered == nil || !g.recovered.Equal(ok)) {
				t.Errorf("deployment %d: recovered %v in the warehouse, its rollback finished %v", d.ID, g.recovered, ok)
			}
		}
	}
	t.Logf("%d planted failures, %d found by the linkage rules", planted, found)
	if planted == 0 {
		t.Error("no planted failure")
	}
}
