package people

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// An outcome import through the package: rows, ids and the diff; a problem per bad line; the
// assessments follow the person when the warehouse is pseudonymised.
func TestImportOutcomes(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	teams := writeFile(t, dir, "teams.csv", "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\n")
	if _, err := ImportFiles(ctx, st, []File{{KindTeams, teams}}, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	a := writeFile(t, dir, "a.csv", "person_email,instrument,taken_at,score,max_score\nADA@acme.example, Knowledge  Quiz ,2025-01-09,12,20\n"+
		"zed@acme.example,360,2025-02-01,4,5\n")
	s := writeFile(t, dir, "s.csv", "team,kind,survey,taken_at,respondent,question,score,scale\npayments,Engagement,w1,2025-06-02,r1,Q1,4,5\n"+
		"ops,engagement,w1,2025-06-02,r1,Q1,4,5\n")
	res, err := ImportOutcomes(ctx, st, []File{{KindAssessments, a}, {KindSurveys, s}}, ImportOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Added != 2 || res[1].Added != 2 {
		t.Fatalf("results %+v", res)
	}
	// zed and team ops are in no people file: imported, with a warning naming the line.
	for i, r := range res {
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Message, "lines 3 ") {
			t.Errorf("file %d: warnings %v", i, r.Warnings)
		}
	}
	want := AssessmentID(PersonID("ada@acme.example"), "knowledge quiz", "2025-01-09")
	if n := count(t, st, "SELECT count(*) FROM assessments WHERE assessment_id = '"+want+"' AND score = 12 AND max_score = 20 AND line = 2"); n != 1 {
		t.Errorf("assessment %s not stored as written", want)
	}
	if n := count(t, st, "SELECT count(*) FROM survey_responses WHERE kind = 'engagement' AND respondent_key = '"+RespondentKey("r1")+"'"); n != 2 {
		t.Errorf("survey rows: %d", n)
	}
	res, err = ImportOutcomes(ctx, st, []File{{KindAssessments, a}}, ImportOptions{Now: testNow})
	if err != nil || !res[0].SameFile || res[0].Unchanged != 2 {
		t.Errorf("re-import: %+v %v", res, err)
	}

	bad := writeFile(t, dir, "bad.csv", "person_email,instrument,taken_at,score,max_score\nada@acme.example,,2025-01-09,-1,20\n")
	_, err = ImportOutcomes(ctx, st, []File{{KindAssessments, a}, {KindAssessments, bad}}, ImportOptions{Now: testNow})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 || ve.Problems[0].Line != 2 || ve.Problems[0].Field != "instrument" || ve.Problems[1].Field != "score" {
		t.Fatalf("bad file: %v", err)
	}

	st = pseudonymized(t, st, []byte(testKey))
	if n := count(t, st, "SELECT count(*) FROM assessments a JOIN people p USING (person_id) WHERE a.assessment_id LIKE '%' || p.person_id || '%'"); n != 1 {
		t.Errorf("pseudonymised assessments joined to people: %d, want 1", n)
	}
	if n := count(t, st, "SELECT count(*) FROM assessments WHERE person_id = '"+PersonID("ada@acme.example")+"'"); n != 0 {
		t.Errorf("the clear person id is left in assessments")
	}
	// zed is in no people file: keyed all the same (the clear id is a hash of the email).
	if n := count(t, st, "SELECT count(*) FROM assessments WHERE person_id = '"+PersonID("zed@acme.example")+"' OR assessment_id LIKE '%"+PersonID("zed@acme.example")+"%'"); n != 0 {
		t.Errorf("the clear id of a person in no people file is left in assessments")
	}
	if n := count(t, st, "SELECT count(*) FROM survey_responses WHERE respondent_key = '"+RespondentKey("r1")+"' OR response_id LIKE '%"+RespondentKey("r1")+"%'"); n != 0 {
		t.Errorf("unkeyed respondent keys are left in survey_responses")
	}
	if n := count(t, st, "SELECT count(DISTINCT respondent_key) FROM survey_responses"); n != 1 {
		t.Errorf("respondent keys after pseudonymisation: %d distinct, want 1 (r1 answered for two teams)", n)
	}
}
