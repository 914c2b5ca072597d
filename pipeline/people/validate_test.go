package people

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// brokenFiles maps each fixture in testdata/broken to the problems Import must list, in order.
var brokenFiles = map[string][]string{
	"teams_wrong_header.csv": {
		`line 1: missing column "role"; the header must be person_email,team,role,valid_from,valid_to`,
		`line 1, column 3: unknown column "rol"; the header must be person_email,team,role,valid_from,valid_to`,
	},
	"teams_missing_header.csv": {
		`line 1: missing header: the first line looks like data; add the header person_email,team,role,valid_from,valid_to as the first line`,
	},
	"teams_bad_date.csv": {
		`line 2, column 4 (valid_from): bad date "2024-13-01", expected YYYY-MM-DD`,
		`line 3, column 4 (valid_from): bad date "01/02/2024", expected YYYY-MM-DD`,
	},
	"teams_bad_email.csv": {
		`line 2, column 1 (person_email): bad email "ada.acme.example"`,
		`line 3, column 1 (person_email): bad email "bob@acme"`,
	},
	"teams_unknown_role.csv": {
		`line 2, column 3 (role): unknown role "manager" (lead or member)`,
	},
	"teams_duplicate.csv": {
		`line 4: duplicate row: same as line 2`,
	},
	"teams_overlap.csv": {
		`line 3, column 4 (valid_from): overlapping memberships of the same person in team "payments": this one starts 2024-06-01, the one on line 2 runs 2024-01-01 to 2024-12-31`,
	},
	"teams_two_leads.csv": {
		`line 3, column 4 (valid_from): two leads of team "payments" at the same time: this lead starts 2025-03-01 while the lead on line 2 runs 2024-01-01 to open`,
	},
	"teams_semicolon.csv": {
		`line 1: fields are separated by semicolons (;); only comma-separated files are accepted (export as CSV with a comma delimiter)`,
	},
	"teams_empty.csv": {
		`line 1: the file is empty; expected the header person_email,team,role,valid_from,valid_to and one row per line`,
	},
	"teams_binary.csv": {
		`line 1: not UTF-8 text (is this a spreadsheet or binary file? export it as UTF-8 CSV)`,
	},
	"teams_utf16.csv": {
		`line 1: the file is UTF-16; save it as UTF-8 CSV`,
	},
	"teams_bad_csv.csv": {
		`line 3: 4 fields, expected 5 (person_email,team,role,valid_from,valid_to)`,
		`line 4: a quoted field starting on this line is not closed, or text follows its closing quote`,
	},
	"teams_many.csv": {
		`line 3, column 4 (valid_from): two leads of team "payments" at the same time: this lead starts 2024-06-01 while the lead on line 2 runs 2024-01-01 to open`,
		`line 4, column 1 (person_email): bad email "not-an-email"`,
		`line 5, column 2 (team): missing team`,
		`line 6, column 3 (role): unknown role "owner" (lead or member)`,
		`line 6, column 4 (valid_from): bad date "2024-02-30", expected YYYY-MM-DD`,
		`line 7, column 5 (valid_to): valid_to 2024-04-01 is before valid_from 2024-05-01`,
	},
	"cohorts_completed_before_enrolled.csv": {
		`line 2, column 5 (completed_at): completed before enrolled: completed_at 2025-02-01 is before enrolled_at 2025-03-01`,
	},
	"identities_unknown_source.csv": {
		`line 2, column 2 (source): unknown source "gitlab" (github, jira or pagerduty)`,
		`line 3, column 3 (account): missing account`,
	},
	"identities_conflict.csv": {
		`line 3, column 3 (account): github account "ALovelace" is already assigned to another person on line 2`,
	},
}

func kindOf(file string) string {
	return strings.SplitN(filepath.Base(file), "_", 2)[0]
}

// seeded returns a store holding a valid import of every kind, for the unchanged-database checks.
func seeded(t *testing.T) *storeT {
	t.Helper()
	st := openTemp(t)
	dir := t.TempDir()
	files := []File{
		{KindTeams, writeFile(t, dir, "teams.csv", "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\nbob@acme.example,payments,member,2024-01-01,\n")},
		{KindCohorts, writeFile(t, dir, "cohorts.csv", "person_email,cohort,program,enrolled_at,completed_at\nada@acme.example,2025-h1,LET,2025-01-10,2025-03-01\n")},
		{KindIdentities, writeFile(t, dir, "identities.csv", "person_email,source,account\nada@acme.example,github,alovelace\n")},
	}
	if _, err := ImportFiles(context.Background(), st, files, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	return &storeT{st, fingerprint(t, st)}
}

type storeT struct {
	st     *store.Store
	before string
}

func TestBrokenFilesListEveryProblemAndChangeNothing(t *testing.T) {
	s := seeded(t)
	files, err := filepath.Glob("testdata/broken/*.csv")
	if err != nil || len(files) != len(brokenFiles) {
		t.Fatalf("%d fixtures on disk, %d expected (%v)", len(files), len(brokenFiles), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, ok := brokenFiles[filepath.Base(f)]
			if !ok {
				t.Fatalf("fixture %s has no expected messages", f)
			}
			for _, dry := range []bool{true, false} {
				_, err := Import(context.Background(), s.st, kindOf(f), f, ImportOptions{Now: testNow, DryRun: dry})
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("err = %v, want a *ValidationError", err)
				}
				var got []string
				for _, p := range ve.Problems {
					got = append(got, p.String())
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if fp := fingerprint(t, s.st); fp != s.before {
					t.Fatal("a rejected import changed the database")
				}
			}
		})
	}
}

func TestLargeFileProblemsNearTheEnd(t *testing.T) {
	s := seeded(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("person_email,team,role,valid_from,valid_to\n")
	line := 1
	for b.Len() < 10<<20 {
		line++
		fmt.Fprintf(&b, "person%07d@acme.example,team-%05d,member,2024-01-01,\n", line, line%5000)
	}
	last := line
	fmt.Fprintf(&b, "person%07d@acme.example,team-%05d,member,2024-01-01,\n", last, last%5000) // duplicate of the last line
	b.WriteString("late@acme.example,team-x,member,2024-02-31,\n")
	p := writeFile(t, dir, "big-teams.csv", b.String())
	if fi, _ := os.Stat(p); fi.Size() < 10<<20 {
		t.Fatalf("fixture is %d bytes, want >= 10 MiB", fi.Size())
	}
	start := time.Now()
	_, err := Import(context.Background(), s.st, KindTeams, p, ImportOptions{Now: testNow})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := []string{
		fmt.Sprintf("line %d: duplicate row: same as line %d", last+1, last),
		fmt.Sprintf(`line %d, column 4 (valid_from): bad date "2024-02-31", expected YYYY-MM-DD`, last+2),
	}
	if got := []string{ve.Problems[0].String(), ve.Problems[len(ve.Problems)-1].String()}; len(ve.Problems) != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %s, want %q", lines(ve.Problems), want)
	}
	t.Logf("validated %d MiB (%d rows) in %v", b.Len()>>20, last, time.Since(start))
	if fp := fingerprint(t, s.st); fp != s.before {
		t.Fatal("a rejected import changed the database")
	}
}

func TestTooManyProblemsAreCapped(t *testing.T) {
	st := openTemp(t)
	var b strings.Builder
	b.WriteString("person_email,team,role,valid_from,valid_to\n")
	for i := 0; i < MaxProblems+50; i++ {
		fmt.Fprintf(&b, "p%d@acme.example,t,boss,2024-01-01,\n", i)
	}
	p := writeFile(t, t.TempDir(), "teams.csv", b.String())
	_, err := Import(context.Background(), st, KindTeams, p, ImportOptions{Now: testNow})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != MaxProblems || ve.Omitted != 50 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(ve.Error(), "... and 50 more") || !strings.Contains(ve.Error(), fmt.Sprintf("%d problems", MaxProblems+50)) {
		t.Errorf("message does not count the omitted problems: %.200s", ve.Error())
	}
}

func TestBOMCRLFAndSpaces(t *testing.T) {
	st := openTemp(t)
	res, err := Import(context.Background(), st, KindTeams, "testdata/good/teams_bom_crlf_spaces.csv", ImportOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Added != 2 {
		t.Errorf("result %+v, want 2 rows added", res)
	}
	var email, role, to string
	if err := st.DB().QueryRow(`SELECT p.email, m.role, strftime(m.valid_to, '%Y-%m-%d') FROM team_memberships m JOIN people p USING (person_id)
		WHERE m.valid_to IS NOT NULL`).Scan(&email, &role, &to); err != nil {
		t.Fatal(err)
	}
	if email != "bob@acme.example" || role != "member" || to != "2025-06-30" {
		t.Errorf("row read as %q %q %q", email, role, to)
	}
	if n := count(t, st, "SELECT count(*) FROM people WHERE person_id = ? AND email = 'ada@acme.example'", PersonID(" ADA@acme.example")); n != 1 {
		t.Error("email not trimmed and lower-cased, or person id not derived from the normalised email")
	}
}

func TestCohortStatusesAndFutureCompletion(t *testing.T) {
	st := openTemp(t)
	today := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	p := writeFile(t, t.TempDir(), "cohorts.csv", "person_email,cohort,program,enrolled_at,completed_at\n"+
		"a@acme.example,spring,LET,2025-03-01,2025-05-30\n"+ // completed
		"b@acme.example,spring,LET,2025-03-01,\n"+ // cohort completed > 21 days ago: dropout
		"c@acme.example,summer,LET,2025-07-01,2025-08-25\n"+ // completed
		"d@acme.example,summer,LET,2025-07-01,\n"+ // cohort completed 7 days ago: in progress
		"e@acme.example,autumn,LET,2025-08-20,2025-10-15\n") // future completion: in progress + warning
	res, err := Import(context.Background(), st, KindCohorts, p, ImportOptions{Now: today, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Line != 6 || !strings.Contains(res.Warnings[0].Message, "after today") {
		t.Errorf("warnings = %s", lines(res.Warnings))
	}
	want := map[string]string{"a": StatusCompleted, "b": StatusDropout, "c": StatusCompleted, "d": StatusInProgress, "e": StatusInProgress}
	for who, st0 := range want {
		var got string
		if err := st.DB().QueryRow("SELECT status FROM enrollments WHERE person_id = ?", PersonID(who+"@acme.example")).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != st0 {
			t.Errorf("%s: status %s, want %s", who, got, st0)
		}
	}
	var completed string
	if err := st.DB().QueryRow("SELECT strftime(completed_at, '%Y-%m-%d') FROM enrollments WHERE person_id = ?", PersonID("e@acme.example")).Scan(&completed); err != nil || completed != "2025-10-15" {
		t.Errorf("future completion not kept: %q %v", completed, err)
	}
}

func TestHandoverIsReadAsTheDayBefore(t *testing.T) {
	st := openTemp(t)
	p := writeFile(t, t.TempDir(), "teams.csv", "person_email,team,role,valid_from,valid_to\n"+
		"ada@acme.example,payments,lead,2024-01-01,2025-03-01\n"+
		"bob@acme.example,payments,member,2024-01-01,2025-03-01\n"+
		"bob@acme.example,payments,lead,2025-03-01,\n"+
		"ada@acme.example,payments,member,2025-03-01,\n")
	res, err := Import(context.Background(), st, KindTeams, p, ImportOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "2 membership(s)") {
		t.Errorf("warnings = %s", lines(res.Warnings))
	}
	if n := count(t, st, "SELECT count(*) FROM team_memberships WHERE valid_to = DATE '2025-02-28'"); n != 2 {
		t.Errorf("%d memberships end 2025-02-28, want 2", n)
	}
}

// A cohort row whose person is in no team is imported with a warning naming its line (it may be
// someone outside the measured teams, or a typo that would make a trained lead vanish), and
// ListUnteamed lists it for `identities --unmatched`. Before any teams file, nothing is said.
func TestCohortPersonWithoutTeamWarns(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	teams := writeFile(t, dir, "teams.csv", "person_email,team,role,valid_from,valid_to\nada@acme.example,payments,lead,2024-01-01,\n")
	cohorts := writeFile(t, dir, "cohorts.csv", "cohort,person_email,program,enrolled_at,completed_at\n"+
		"c1,ada@acme.example,LET,2025-01-01,2025-03-01\n"+
		"c1,adaa@acme.example,LET,2025-01-01,2025-03-01\n")
	res, err := Import(ctx, st, KindCohorts, cohorts, ImportOptions{Now: testNow})
	if err != nil || len(res.Warnings) != 0 {
		t.Fatalf("cohorts before any teams file: %v, warnings %s", err, lines(res.Warnings))
	}
	results, err := ImportFiles(ctx, st, []File{{KindTeams, teams}, {KindCohorts, cohorts}}, ImportOptions{Now: testNow, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	w := results[1].Warnings
	if len(w) != 1 || w[0].Line != 3 || w[0].Column != 2 || w[0].Message != UnteamedWarning {
		t.Fatalf("dry run with teams: warnings %s", lines(w))
	}
	if _, err := Import(ctx, st, KindTeams, teams, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	list, err := ListUnteamed(ctx, st.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Email != "adaa@acme.example" || list[0].Line != 3 || list[0].Cohort != "c1" {
		t.Fatalf("ListUnteamed: %+v", list)
	}
	// A warning never stops the import: the row is kept.
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM enrollments`).Scan(&n)
	if n != 2 {
		t.Errorf("%d enrollments, want 2", n)
	}
}
