package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Assessments and surveys go through `trainimpact import` like the people files: a good file is
// imported and re-importing it changes nothing; a broken one exits 2 naming every bad line and
// changes nothing, not even the people files of the same run.
func TestImportAssessmentsAndSurveysCommand(t *testing.T) {
	dir := peopleProject(t)
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	assessments := write("assessments.csv", "person_email,instrument,taken_at,score,max_score\n"+
		"ada@acme.example,Knowledge quiz,2025-01-09,12,20\nada@acme.example,knowledge quiz,2025-03-20,17,20\nbob@acme.example,360,2025-04-01,3.5,5\n")
	surveys := write("surveys.csv", "team,kind,survey,taken_at,respondent,question,score,scale\n"+
		"payments,engagement,2025-Q2 pulse,2025-06-02,r-101,I would recommend my team,4,5\n"+
		"payments,engagement,2025-Q2 pulse,2025-06-02,r-102,I would recommend my team,2,5\n"+
		"payments,stakeholder_satisfaction,2025-Q2 partners,2025-06-05,p-7,Overall,9,10\n")
	badAssessments := write("bad_assessments.csv", "person_email,instrument,taken_at,score,max_score\n"+
		"ada@acme,quiz,2025-01-09,12,20\nbob@acme.example,quiz,2025-01-09,21,20\nbob@acme.example,quiz,2025-12-01,1,20\n"+
		"ada@acme.example,quiz,2025-01-10,\"1,5\",20\n")
	badSurveys := write("bad_surveys.csv", "team,kind,survey,taken_at,respondent,question,score,scale\n"+
		"payments,engagement,w1,2025-06-02,bob@acme.example,Q,4,5\npayments,mood,w1,2025-06-02,r1,Q,4,5\n"+
		"payments,engagement,w1,2025-06-02,r2,Q,4,0\npayments,engagement,w1,2025-06-02,r3,Q,4,5\npayments,engagement,w1,2025-06-03,r3,Q,5,5\n")

	if code, out, errOut := cli(t, dir, "import"); code != ExitOK {
		t.Fatalf("people import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := cli(t, dir, "import", "assessments", assessments, "--format", "csv")
	if code != ExitOK || !strings.Contains(out, "assessments,") || !strings.Contains(out, ",3,3,0,0,0") {
		t.Fatalf("assessments: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = cli(t, dir, "import", "surveys", surveys, "--format", "csv")
	if code != ExitOK || !strings.Contains(out, ",3,3,0,0,0") {
		t.Fatalf("surveys: exit %d\n%s\n%s", code, out, errOut)
	}
	counts := func() string {
		t.Helper()
		code, out, errOut := cli(t, dir, "sql", "--work", "--format", "csv",
			"select (select count(*) from assessments) || '/' || (select count(*) from survey_responses) || '/' || "+
				"(select count(*) from team_memberships) || '/' || (select count(*) from imports) AS n")
		if code != ExitOK {
			t.Fatalf("counts: exit %d\n%s", code, errOut)
		}
		return strings.TrimSpace(out)
	}
	before := counts()
	if !strings.HasSuffix(before, "3/3/2/5") {
		t.Fatalf("after the imports: %q, want 3 assessments, 3 answers, 2 memberships, 5 imports", before)
	}
	// The raw respondent ids are not stored.
	if code, out, _ := cli(t, dir, "sql", "--work", "select count(*) AS n from survey_responses where respondent_key in ('r-101', 'r-102', 'p-7')"); code != ExitOK || !strings.Contains(out, "0") {
		t.Errorf("raw respondent ids stored: %s", out)
	}
	// Re-import: unchanged.
	if code, out, _ := cli(t, dir, "import", "assessments", assessments, "--format", "csv"); code != ExitOK || !strings.Contains(out, ",3,0,0,0,3") {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}

	code, _, errOut = cli(t, dir, "import", "assessments", badAssessments)
	if code != ExitUsage {
		t.Fatalf("broken assessments: exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
	for _, want := range []string{`line 2, column 1 (person_email): bad email "ada@acme"`, "line 3, column 4 (score): score 21 is outside 0..20",
		"line 4, column 3 (taken_at): taken_at 2025-12-01 is in the future", `line 5, column 4 (score): score "1,5" is not a number (use a dot`, "nothing imported"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, _, errOut = cli(t, dir, "import", "surveys", badSurveys)
	if code != ExitUsage {
		t.Fatalf("broken surveys: exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
	for _, want := range []string{"line 2, column 5 (respondent): looks like an email", `line 3, column 2 (kind): unknown kind "mood"`,
		"line 4, column 8 (scale): scale must be more than 0", "line 6: same survey, respondent, team and question as line 5"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "bob@acme.example") {
		t.Errorf("an email given as respondent is echoed:\n%s", errOut)
	}
	if got := counts(); got != before {
		t.Errorf("a rejected file changed the database: %q, was %q", got, before)
	}

	// All or nothing across kinds: a broken surveys file named in the config stops the teams file too.
	write("teams.csv", "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\n"+
		"bob@acme.example,payments,member,2024-01-01,\ncy@acme.example,payments,member,2025-01-01,\n")
	write("trainimpact.yaml", "warehouse: impact.duckdb\nstate_dir: state\npeople:\n  teams: teams.csv\n  cohorts: cohorts.csv\n"+
		"  identities: identities.csv\n  assessments: assessments.csv\n  surveys: bad_surveys.csv\n")
	if code, _, errOut := cli(t, dir, "import"); code != ExitUsage || !strings.Contains(errOut, "bad_surveys.csv") {
		t.Fatalf("config with a broken surveys file: exit %d\n%s", code, errOut)
	}
	if got := counts(); got != before {
		t.Errorf("a rejected surveys file let the teams file through: %q, was %q", got, before)
	}
}

// analyze writes the paired pre/post assessment rows: one pair only, so counted and suppressed.
func TestAnalyzePairedAssessments(t *testing.T) {
	dir := peopleProject(t)
	p := filepath.Join(dir, "assessments.csv")
	if err := os.WriteFile(p, []byte("person_email,instrument,taken_at,score,max_score\n"+
		"ada@acme.example,quiz,2025-01-09,12,20\nada@acme.example,quiz,2025-03-20,17,20\nbob@acme.example,quiz,2025-03-20,17,20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := cli(t, dir, "import"); code != ExitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := cli(t, dir, "import", "assessments", p); code != ExitOK {
		t.Fatalf("import assessments: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := cli(t, dir, "analyze", "--period", "2025-Q2"); code != ExitOK {
		t.Fatalf("analyze: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := cli(t, dir, "sql", "--format", "csv", "select aggregation, n_treated_units, estimate is null AS empty, "+
		"list_contains(flags, 'suppressed') AS suppressed, period from estimates where method = 'paired_signed_rank'")
	if code != ExitOK || !strings.Contains(out, "instrument:quiz,1,true,true,2025-Q2") {
		t.Errorf("paired rows: exit %d\n%s\n%s", code, out, errOut)
	}
}
