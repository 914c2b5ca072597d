package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/render/svgcheck"
)

// TestPlanRolloutErrors: a bad rollout CSV is refused with exit 2 and a message naming the file,
// the line and the column; so are contradictory or missing rollout flags. No warehouse is read.
func TestPlanRolloutErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, body string
		want       []string
	}{
		{"month.csv", "cohort,start_month,teams\nwave 1,2027-03,4\nwave 2,2027-13,4\n", []string{"month.csv line 3", `"start_month"`, "2027-13"}},
		{"teams.csv", "# comment\ncohort,start_month,teams\nwave 1,2027-03,four\n", []string{"teams.csv line 3", `"teams"`, "four"}},
		{"column.csv", "cohort,start,teams\nwave 1,2027-03,4\n", []string{"column.csv line 1", `"start"`, "unknown column"}},
		{"dup.csv", "cohort,start_month,teams\na,2027-03,4\nb,2027-04,2\na,2027-05,1\n", []string{"dup.csv line 4", "already on line 2"}},
		{"fields.csv", "cohort,start_month,teams\na,2027-03\n", []string{"fields.csv line 2", "2 fields"}},
		{"empty.csv", "", []string{"empty.csv line 1", "empty file"}},
	}
	for _, c := range cases {
		p := write(c.name, c.body)
		code, out := runWithEnv(t, dir, nil, "--log-format", "text", "plan", "--rollout", p)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want %d\n%s", c.name, code, ExitUsage, out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: message lacks %q:\n%s", c.name, w, out)
			}
		}
	}
	good := write("good.csv", "cohort,start_month,teams\na,2027-03,4\n")
	for _, args := range [][]string{
		{"plan"},
		{"plan", "--rollout", good, "--teams", "3"},
		{"plan", "--teams", "3"},
		{"plan", "--teams", "3", "--start", "March"},
		{"plan", "--teams", "2", "--cohorts", "3", "--start", "2027-03"},
		{"plan", "--rollout", good, "--power", "1.2"},
		{"plan", "--rollout", good, "--quarters", "0"},
	} {
		if code, out := runWithEnv(t, dir, nil, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, ExitUsage, out)
		}
	}
}

// TestPlanCommandOnDemo runs `trainimpact plan` on the small demo's warehouse: --out writes
// plan.md, plan.json, mde.svg (valid, safe SVG) and order.csv; the order lists only teams not yet
// trained, by id; the same seed gives the same order and numbers byte for byte; no output holds a
// person's name, email, login or account id (the bytes of every file and of stdout, any case);
// a rollout larger than the untrained teams and an unknown metric exit 2.
func TestPlanCommandOnDemo(t *testing.T) {
	dir, res := smallDemo(t)
	st, err := store.OpenReadOnly(context.Background(), res.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	eligible := map[string]bool{}
	rows, err := st.DB().Query(`SELECT unit_id FROM exposure WHERE unit_type = 'team' AND status IN ('never', 'not_yet')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		eligible[id] = true
	}
	rows.Close()
	st.Close()
	if len(eligible) < 1 {
		t.Fatalf("the small demo has no untrained team")
	}
	n := len(eligible)
	cohorts := min(n, 2)
	args := []string{"plan", "--teams", strconv.Itoa(n), "--cohorts", strconv.Itoa(cohorts), "--start", "2026-03", "--quarters", "2",
		"--placebos", "40", "--seed", "3", "--metrics", "incident_resolve_hours,ticket_reopened"}
	outA, outB := filepath.Join(dir, "planA"), filepath.Join(dir, "planB")
	code, msgA := runWithEnv(t, dir, nil, append(args, "--out", outA)...)
	if code != ExitOK {
		t.Fatalf("plan: exit %d\n%s", code, msgA)
	}
	if code, msg := runWithEnv(t, dir, nil, append(args, "--out", outB)...); code != ExitOK {
		t.Fatalf("plan again: exit %d\n%s", code, msg)
	}
	code, stdout := runWithEnv(t, dir, nil, args...)
	if code != ExitOK || !strings.Contains(stdout, "Minimum detectable effects") || !strings.Contains(stdout, "seed 3") ||
		!strings.Contains(stdout, "incident_resolve_hours") {
		t.Fatalf("plan to stdout: exit %d\n%s", code, stdout)
	}
	files := map[string][]byte{}
	for _, name := range []string{"plan.md", "plan.json", "mde.svg", "order.csv"} {
		b, err := os.ReadFile(filepath.Join(outA, name))
		if err != nil {
			t.Fatalf("%s not written: %v", name, err)
		}
		files[name] = b
		if !strings.Contains(msgA, filepath.Join(outA, name)) {
			t.Errorf("the output does not name %s:\n%s", name, msgA)
		}
	}
	if err := svgcheck.Check(files["mde.svg"]); err != nil {
		t.Errorf("mde.svg: %v", err)
	}
	var j struct {
		Seed    uint64 `json:"seed"`
		Metrics []struct {
			Metric string   `json:"metric"`
			MDE    *float64 `json:"mde"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(files["plan.json"], &j); err != nil || j.Seed != 3 || len(j.Metrics) != 2 {
		t.Fatalf("plan.json: %v %+v", err, j)
	}
	recs, err := csv.NewReader(bytes.NewReader(files["order.csv"])).ReadAll()
	if err != nil || len(recs) != n+1 {
		t.Fatalf("order.csv: %v %v", err, recs)
	}
	for _, r := range recs[1:] {
		if !eligible[r[3]] {
			t.Errorf("order.csv lists %s, not an untrained team", r[3])
		}
	}
	for _, name := range []string{"plan.json", "order.csv", "mde.svg"} {
		b, _ := os.ReadFile(filepath.Join(outB, name))
		if name == "plan.json" { // generated_at differs
			a, c := string(files[name]), string(b)
			a, c = a[strings.Index(a, `"warehouse"`):], c[strings.Index(c, `"warehouse"`):]
			if a != c {
				t.Errorf("plan.json differs between two runs with seed 3")
			}
			continue
		}
		if !bytes.Equal(files[name], b) {
			t.Errorf("%s differs between two runs with seed 3", name)
		}
	}

	// No person identifier anywhere in what plan writes.
	var needles []string
	for _, p := range res.Org.People {
		needles = append(needles, p.Name, p.Email)
		if g := p.GitHub; g != nil {
			needles = append(needles, g.Login, g.Name, g.CommitEmail)
		}
		if jr := p.Jira; jr != nil {
			needles = append(needles, jr.DisplayName, jr.AccountID, jr.Email)
		}
		if d := p.PagerDuty; d != nil {
			needles = append(needles, d.ID, d.Name, d.Email)
		}
	}
	all := append([][]byte{[]byte(stdout), []byte(msgA)}, files["plan.md"], files["plan.json"], files["mde.svg"], files["order.csv"])
	searched := 0
	for _, n := range needles {
		if len(n) < 4 {
			continue
		}
		searched++
		for i, b := range all {
			if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(n))) {
				t.Errorf("output %d holds the person identifier %q", i, n)
			}
		}
	}
	if searched < 50 {
		t.Errorf("only %d person identifiers searched", searched)
	}

	if code, out := runWithEnv(t, dir, nil, "plan", "--teams", strconv.Itoa(n+1), "--start", "2026-03"); code != ExitUsage || !strings.Contains(out, "not yet trained") {
		t.Errorf("more teams than untrained: exit %d\n%s", code, out)
	}
	if code, out := runWithEnv(t, dir, nil, "plan", "--teams", "1", "--start", "2026-03", "--metrics", "nope"); code != ExitUsage || !strings.Contains(out, "nope") {
		t.Errorf("unknown metric: exit %d\n%s", code, out)
	}
}
