package planreport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/reports/render/svgcheck"
)

func month(y, m int) time.Time { return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }

// input is a plan with one metric of each scale, one not sized, one share beyond reach, and a
// team name with Markdown markup in it.
func input() Input {
	nan := math.NaN()
	ln125 := math.Log(1.25)
	return Input{GeneratedAt: month(2026, 12), Warehouse: "impact.duckdb", Cutoff: month(2026, 10), HistoryStart: month(2024, 10),
		HistoryEnd: month(2026, 10), Period: "month", WashoutDays: 30, Control: "not_yet_treated", TrainedCut: 3, Dropouts: 1,
		Eligible: 12, Alpha: 0.05, Power: 0.8, Placebos: 200, Seed: 42, Quarters: 4, Distinct: 90, Pool: 6,
		Cohorts: []Cohort{
			{Name: "1", Start: month(2027, 3), Teams: []Team{{"files:team:a", "alpha | *ops*"}, {"files:team:b", "beta"}}},
			{Name: "2", Start: month(2027, 5), Teams: []Team{{"files:team:c", "gamma"}}},
		},
		Metrics: []Metric{
			{Name: "incident_resolve_hours", Title: "Time to resolve an incident", Unit: "hours", Better: "lower", Scale: ScaleLog,
				MDE: ln125, Low: math.Log(1.2), High: math.Log(1.3), NullSD: 0.08, Placebos: 200, Teams: 15},
			{Name: "assessment_score", Title: "Assessment score", Unit: "hours", Better: "higher", Scale: ScaleLog,
				MDE: ln125, Low: ln125, High: ln125, NullSD: 0.1, Placebos: 199, Failed: 1, Teams: 15},
			{Name: "ticket_reopened", Title: "Ticket reopened", Unit: "share", Better: "lower", Scale: ScaleShare,
				MDE: 0.041, Low: 0.038, High: 0.045, NullSD: 0.012, Placebos: 200, Teams: 15},
			{Name: "pr_reverted", Title: "PR reverted", Unit: "share", Better: "lower", Scale: ScaleShare,
				MDE: 1.3, Low: 1.2, High: 1.4, NullSD: 0.3, Placebos: 200, Teams: 4},
			{Name: "deployment_frequency", Title: "Deployments per team-week", Unit: "count", Better: "higher", Scale: ScaleRate,
				MDE: 0.52, Low: 0.5, High: 0.55, NullSD: 0.2, Placebos: 200, Teams: 15},
			{Name: "jsm_satisfaction", Title: "Service desk satisfaction", Unit: "share", Better: "higher", Scale: ScaleShare,
				MDE: nan, Low: nan, High: nan, NullSD: nan, Note: "history too short: no events"},
		},
		Chart: &Grid{Metric: Metric{Name: "incident_resolve_hours", Title: "Time to resolve an incident", Unit: "hours", Better: "lower", Scale: ScaleLog},
			Points: []GridPoint{{1, 1, 0.9, 0.8, 1.0}, {1, 4, 0.5, 0.45, 0.55}, {3, 1, 0.6, 0.55, 0.65}, {3, 4, ln125, math.Log(1.2), math.Log(1.3)}, {3, 2, nan, nan, nan}}},
		Command: "trainimpact plan --teams 3 --cohorts 2 --every 2 --start 2027-03 --quarters 4 --seed 42"}
}

// TestBuildScalesAndWords: a log-scale MDE of ln 1.25 reads as a 20.0% decrease or a 25.0%
// increase, the better direction first, with its Monte Carlo interval on the same scale; a share
// in percentage points; a share beyond 100 points is said to be undetectable and is not listed
// among what the rollout detects; the text states alpha, power, seed, the history and the notes.
func TestBuildScalesAndWords(t *testing.T) {
	r := Build(input())
	if r.Teams != 3 || r.FirstStart != "2027-03" || r.LastStart != "2027-05" {
		t.Fatalf("teams %d, %s to %s", r.Teams, r.FirstStart, r.LastStart)
	}
	want := []struct{ amount, interval string }{
		{"−20.0% (or +25.0%)", "−16.7% to −23.1%"},
		{"+25.0% (or −20.0%)", "+25.0% to +25.0%"},
		{"4.10 percentage points", "3.80 to 4.50 pp"},
		{"more than any share can change (100 percentage points): not detectable", "120 to 140 pp"},
		{"0.520 count per event", "0.500 to 0.550"},
		{"not sized", "–"},
	}
	for i, w := range want {
		if got := r.Rows[i].Amount(); got != w.amount {
			t.Errorf("%s: amount %q, want %q", r.Rows[i].Name, got, w.amount)
		}
		if got := r.Rows[i].Interval(); got != w.interval {
			t.Errorf("%s: interval %q, want %q", r.Rows[i].Name, got, w.interval)
		}
	}
	text := strings.Join(r.Text, "\n")
	for _, s := range []string{"3 teams in 2 cohorts", "from 2027-03 to 2027-05", "4 quarters", "alpha = 0.05", "80% or more",
		"- Time to resolve an incident: −20.0% (or +25.0%)", "- Ticket reopened: 4.10 percentage points", "200 simulated rollouts",
		"(2024-10 to 2026-09)", "cannot detect a change in PR reverted", "Not sized (too little history or too few teams with events): Service desk satisfaction",
		"seed 42"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "- PR reverted") {
		t.Errorf("an undetectable share is listed as detected:\n%s", text)
	}
	notes := strings.Join(r.Notes, "\n")
	for _, s := range []string{"3 teams were already trained before 2026-10", "1 team whose lead dropped out", "12 teams are not yet trained",
		"only 90 different rollouts exist", "steps of 1.1%"} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes lack %q:\n%s", s, notes)
		}
	}
	if r.ChartErr != nil || svgcheck.Check(r.ChartSVG) != nil {
		t.Fatalf("chart: %v / %v", r.ChartErr, svgcheck.Check(r.ChartSVG))
	}
	// The chart reads decreases in percent: ln 1.25 is a 20% decrease.
	if !strings.Contains(r.ChartAlt, "Smallest detectable decrease (%)") || !strings.Contains(r.ChartAlt, "4 quarters: 20%") ||
		!strings.Contains(r.ChartAlt, "not estimable: 3 teams, 2 quarters") {
		t.Errorf("chart alt: %s", r.ChartAlt)
	}
}

// TestWriters: the text and Markdown carry the table, the sponsor's text and the order; Markdown
// escapes a team name's markup; plan.json is valid with NaN as null; order.csv lists every team
// with its cohort and position.
func TestWriters(t *testing.T) {
	r := Build(input())
	var txt, md, js, order bytes.Buffer
	if err := Text(&txt, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"incident_resolve_hours", "log hours (relative change)", "−20.0% (or +25.0%)", "not sized: history too short",
		"cohort 1 (2027-03, 2 teams): alpha | *ops*, beta", "Reproduce: trainimpact plan", "seed 42", "200/0", "199/1"} {
		if !strings.Contains(txt.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, txt.String())
		}
	}
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"# Evaluation plan", "| Time to resolve an incident (`incident\\_resolve\\_hours`) |", "alpha \\| \\*ops\\*, beta",
		"![", "(mde.svg)", "- Ticket reopened: 4.10 percentage points"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown lacks %q:\n%s", s, md.String())
		}
	}
	if strings.Contains(md.String(), "alpha | *ops*") {
		t.Error("markdown does not escape a team name")
	}
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(js.Bytes(), &j); err != nil {
		t.Fatalf("plan.json: %v", err)
	}
	ms := j["metrics"].([]any)
	if len(ms) != 6 || ms[5].(map[string]any)["mde"] != nil || j["seed"].(float64) != 42 || j["format"] != "trainimpact-plan" {
		t.Errorf("plan.json: %s", js.String())
	}
	if d := ms[0].(map[string]any)["relative_decrease"].(float64); math.Abs(d-0.2) > 1e-12 {
		t.Errorf("relative_decrease %v", d)
	}
	if err := OrderCSV(&order, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&order).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || strings.Join(recs[0], ",") != "cohort,start_month,position,team_id,team" ||
		strings.Join(recs[3], ",") != "2,2027-05,3,files:team:c,gamma" {
		t.Errorf("order.csv: %v", recs)
	}
}
