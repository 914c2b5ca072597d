package queries

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// DESIGN.md's table of the starting catalog.
	want := map[string]string{
		"incident_ack_minutes": "resolution quality", "incident_resolve_hours": "resolution quality",
		"incident_repeat_7d": "resolution quality", "ticket_resolve_hours": "resolution quality",
		"ticket_reopened": "rework", "pr_change_request_rounds": "rework", "pr_reverted": "rework",
		"incident_escalated": "escalations", "incident_reassigned": "escalations", "ticket_priority_raised": "escalations",
		"ticket_cycle_hours": "lead time", "pr_lead_time_hours": "lead time", "change_lead_time_hours": "lead time",
		"ticket_on_time": "lead time",
		// issue 22
		"deployment_frequency": "delivery (DORA)", "change_failure_rate": "delivery (DORA)",
		"failed_deployment_recovery_hours": "delivery (DORA)", "deployment_rework_rate": "delivery (DORA)",
		"attrition_rate": "people", "internal_moves": "people", "promotions_to_lead": "people",
		"engagement_score": "people", "stakeholder_satisfaction": "satisfaction", "assessment_score": "assessments",
		"jsm_satisfaction": "satisfaction",
	}
	if len(c.Metrics) != len(want) {
		t.Fatalf("%d metrics, want %d", len(c.Metrics), len(want))
	}
	for _, m := range c.Metrics {
		if want[m.Name] != m.Family {
			t.Errorf("%s: family %q, want %q", m.Name, m.Family, want[m.Name])
		}
		// Kirkpatrick/Phillips level: how people work (L3) for the three behaviours, what they
		// learned (L2) for assessments, outcomes (L4) otherwise.
		wantLevel := LevelImpact
		switch m.Name {
		case "incident_ack_minutes", "incident_reassigned", "pr_change_request_rounds":
			wantLevel = LevelBehaviour
		case "assessment_score":
			wantLevel = LevelLearning
		}
		if m.Level != wantLevel {
			t.Errorf("%s: level %q, want %q", m.Name, m.Level, wantLevel)
		}
		if m.Doc == "" || m.Events == "" {
			t.Errorf("%s: missing prose documentation or events line", m.Name)
		}
	}
	if m, _ := c.Metric("ticket_on_time"); m.Better != "higher" || m.Kind != KindProportion {
		t.Errorf("ticket_on_time: %+v", m)
	}
	if m, _ := c.Metric("incident_ack_minutes"); m.Kind != KindDuration || m.Unit != "minutes" || m.Title != "Time to acknowledge an incident" {
		t.Errorf("incident_ack_minutes header: %+v", m)
	}
	// Every duration states its censoring-aware outcome and horizon (issue 19); no other kind has one.
	for _, m := range c.Metrics {
		if (m.Kind == KindDuration) != (m.Outcome == OutcomeRestrictedMeanLog && m.Horizon > 0) || (m.Kind != KindDuration && m.Outcome != "") {
			t.Errorf("%s (%s): outcome %q, horizon %v", m.Name, m.Kind, m.Outcome, m.Horizon)
		}
	}
	if n := len(c.Examples); n < 5 || n > 12 {
		t.Errorf("%d examples, want 5-12", n)
	}
	if len(c.Views) == 0 || c.Views[0].Name != "team_at" {
		t.Errorf("views not ordered with team_at first: %+v", c.Views)
	}
	if _, err := c.Metric("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown metric: %v", err)
	}
	if _, err := c.Example("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown example: %v", err)
	}
}

const goodMetric = `-- metric: m1
-- title: T
-- kind: duration   -- duration | proportion | count
-- better: lower
-- unit: hours
-- family: f
-- source: s
-- level: L4
-- Some prose.
SELECT 1
`

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name  string
		files fstest.MapFS
		want  error
	}{
		{"bad metric file name", fstest.MapFS{"metrics/Bad-Name.sql": {Data: []byte(goodMetric)}}, ErrBadName},
		{"not sql", fstest.MapFS{"metrics/m1.txt": {Data: []byte(goodMetric)}}, ErrBadName},
		{"view without number", fstest.MapFS{"views/v.sql": {Data: []byte("CREATE OR REPLACE VIEW v AS SELECT 1")}}, ErrBadName},
		{"view creating another name", fstest.MapFS{"views/01_v.sql": {Data: []byte("CREATE OR REPLACE VIEW w AS SELECT 1")}}, ErrBadHeader},
		{"duplicate view", fstest.MapFS{"views/01_v.sql": {Data: []byte("CREATE OR REPLACE VIEW v AS SELECT 1")},
			"views/02_v.sql": {Data: []byte("CREATE OR REPLACE VIEW v AS SELECT 1")}}, ErrDuplicate},
		{"name mismatch", fstest.MapFS{"metrics/m2.sql": {Data: []byte(goodMetric)}}, ErrBadHeader},
		{"unknown key", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- colour: red\n" + goodMetric)}}, ErrBadHeader},
		{"repeated key", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- title: again\n" + goodMetric)}}, ErrBadHeader},
		{"bad kind", fstest.MapFS{"metrics/m1.sql": {Data: []byte(strings.Replace(goodMetric, "kind: duration", "kind: speed", 1))}}, ErrBadHeader},
		{"unit does not fit kind", fstest.MapFS{"metrics/m1.sql": {Data: []byte(strings.Replace(goodMetric, "unit: hours", "unit: share", 1))}}, ErrBadHeader},
		{"bad level", fstest.MapFS{"metrics/m1.sql": {Data: []byte(strings.Replace(goodMetric, "level: L4", "level: L5", 1))}}, ErrBadHeader},
		{"missing level", fstest.MapFS{"metrics/m1.sql": {Data: []byte(strings.Replace(goodMetric, "-- level: L4\n", "", 1))}}, ErrBadHeader},
		{"missing key", fstest.MapFS{"metrics/m1.sql": {Data: []byte(strings.Replace(goodMetric, "-- family: f\n", "", 1))}}, ErrBadHeader},
		{"undeclared $param", fstest.MapFS{"examples/e.sql": {Data: []byte("-- name: e\n-- description: d\nSELECT $x")}}, ErrBadHeader},
		{"bad param spec", fstest.MapFS{"examples/e.sql": {Data: []byte("-- name: e\n-- description: d\n-- param: x (colour): c\nSELECT $x")}}, ErrBadHeader},
		{"bad param default", fstest.MapFS{"examples/e.sql": {Data: []byte("-- name: e\n-- description: d\n-- param: x (int) = ten: c\nSELECT $x")}}, ErrBadHeader},
		{"folder inside", fstest.MapFS{"examples/sub/e.sql": {Data: []byte("x")}}, ErrBadName},
		{"unknown outcome", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- outcome: median\n" + goodMetric)}}, ErrBadHeader},
		{"restricted outcome without horizon", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- outcome: restricted_mean_log\n" + goodMetric)}}, ErrBadHeader},
		{"horizon not positive", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- outcome: restricted_mean_log\n-- horizon: -3\n" + goodMetric)}}, ErrBadHeader},
		{"horizon without restricted outcome", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- horizon: 24\n" + goodMetric)}}, ErrBadHeader},
		{"outcome on a share", fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- outcome: resolved_mean_log\n" + strings.NewReplacer("kind: duration", "kind: proportion", "unit: hours", "unit: share").Replace(goodMetric))}}, ErrBadHeader},
	}
	for _, c := range cases {
		_, err := Load(c.files)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// Duplicate metric names cannot come from one folder (file names are unique), so check the
	// typed error through two loads' worth of content is impossible; the examples path covers it.
	var he *HeaderError
	_, err := Load(fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- colour: red\n" + goodMetric)}})
	if !errors.As(err, &he) || he.Line != 1 || he.Key != "colour" {
		t.Errorf("header error location: %#v", err)
	}
	if c, err := Load(fstest.MapFS{"metrics/m1.sql": {Data: []byte(goodMetric)}}); err != nil || c.Metrics[0].Kind != KindDuration || c.Metrics[0].Doc != "Some prose." {
		t.Errorf("good metric: %v %+v", err, c)
	}
	if c, err := Load(fstest.MapFS{"metrics/m1.sql": {Data: []byte(goodMetric)}}); err != nil || c.Metrics[0].Outcome != OutcomeResolvedMeanLog {
		t.Errorf("duration without outcome: %v, want the default %s", err, OutcomeResolvedMeanLog)
	}
	c, err := Load(fstest.MapFS{"metrics/m1.sql": {Data: []byte("-- outcome: restricted_mean_log\n-- horizon: 72.5   -- hours\n" + goodMetric)}})
	if err != nil || c.Metrics[0].Outcome != OutcomeRestrictedMeanLog || c.Metrics[0].Horizon != 72.5 {
		t.Errorf("restricted outcome: %v %+v", err, c)
	}
}

func TestExampleBind(t *testing.T) {
	c, err := Load(fstest.MapFS{"examples/e.sql": {Data: []byte(`-- name: e
-- description: d
-- param: metric (string): a metric
-- param: since (date) = 2025-01-01: from
-- param: n (int) = 5: how many
SELECT '$notaparam', "$ident" -- $comment ?
FROM t /* ? $x */ WHERE metric = $metric AND d >= $since AND m2 = $metric LIMIT $n`)}})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Examples[0]
	q, args, err := e.Bind(map[string]string{"metric": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(q, "?") != 4+2 { // 4 bound + 2 inside comments left alone
		t.Errorf("rewritten SQL: %s", q)
	}
	if !strings.Contains(q, "'$notaparam'") || !strings.Contains(q, `"$ident"`) {
		t.Errorf("literals changed: %s", q)
	}
	wantSince := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(args) != 4 || args[0] != "x" || !args[1].(time.Time).Equal(wantSince) || args[2] != "x" || args[3] != int64(5) {
		t.Errorf("args %#v", args)
	}
	if _, _, err := e.Bind(map[string]string{}); !errors.Is(err, ErrBadParam) {
		t.Errorf("missing required: %v", err)
	}
	if _, _, err := e.Bind(map[string]string{"metric": "x", "zzz": "1"}); !errors.Is(err, ErrBadParam) {
		t.Errorf("unknown param: %v", err)
	}
	if _, _, err := e.Bind(map[string]string{"metric": "x", "n": "many"}); !errors.Is(err, ErrBadParam) {
		t.Errorf("bad int: %v", err)
	}
	// Positional ? placeholders bind in declaration order.
	c, err = Load(fstest.MapFS{"examples/p.sql": {Data: []byte("-- name: p\n-- description: d\n-- param: a (int): a\n-- param: b (float): b\nSELECT ?, ?")}})
	if err != nil {
		t.Fatal(err)
	}
	_, args, err = c.Examples[0].Bind(map[string]string{"a": "1", "b": "2.5"})
	if err != nil || args[0] != int64(1) || args[1] != 2.5 {
		t.Errorf("positional: %v %#v", err, args)
	}
}
