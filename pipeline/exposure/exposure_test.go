package exposure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

func importOrg(t testing.TB, st *store.Store, o *org.Org) {
	t.Helper()
	dir := t.TempDir()
	var tb, cb bytes.Buffer
	if err := o.WriteTeamsCSV(&tb, o.Now); err != nil {
		t.Fatal(err)
	}
	if err := o.WriteCohortsCSV(&cb, o.Now); err != nil {
		t.Fatal(err)
	}
	tp, cp := filepath.Join(dir, "teams.csv"), filepath.Join(dir, "cohorts.csv")
	os.WriteFile(tp, tb.Bytes(), 0o644)
	os.WriteFile(cp, cb.Bytes(), 0o644)
	if _, err := people.ImportFiles(context.Background(), st, []people.File{{Kind: people.KindTeams, Path: tp}, {Kind: people.KindCohorts, Path: cp}},
		people.ImportOptions{Now: o.Now, Today: o.Now}); err != nil {
		t.Fatal(err)
	}
}

func byUnit(es []models.Exposure) map[string]models.Exposure {
	m := map[string]models.Exposure{}
	for _, e := range es {
		m[e.UnitID] = e
	}
	return m
}

func TestTeamExposureEqualsSimulatorTruth(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			o := org.Generate(org.Params{Seed: seed, Size: org.Small})
			tr := o.Truth(o.Now)
			st := storetest.Open(t)
			importOrg(t, st, o)
			got, err := Write(ctx, st, UnitTeam, DropoutsExclude, o.Now)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tr.Teams) {
				t.Fatalf("%d team units, truth has %d", len(got), len(tr.Teams))
			}
			units := byUnit(got)
			treated := 0
			for _, tt := range tr.Teams {
				e := units[people.TeamID(tt.ID)]
				if tt.TreatedNow {
					treated++
					if e.Status != StatusTreated || !e.TreatedAt.Equal(*tt.TreatedAt) || e.CohortID != people.CohortID(org.ProgramName, tt.Cohort) {
						t.Errorf("team %s: %s %v %s; truth treated %v by cohort %s", tt.ID, e.Status, e.TreatedAt, e.CohortID, tt.TreatedAt, tt.Cohort)
					}
				} else if e.Status == StatusTreated {
					t.Errorf("team %s treated at %v; truth: not treated by now", tt.ID, e.TreatedAt)
				}
			}
			if treated == 0 || treated == len(tr.Teams) {
				t.Fatalf("degenerate fixture: %d of %d teams treated", treated, len(tr.Teams))
			}
			if n := countStatus(got, StatusDropout); n == 0 {
				t.Error("the simulator always has a lead who drops out; no dropout team found")
			}
			// The table holds exactly what Write returned.
			var n int
			if err := st.DB().QueryRow("SELECT count(*) FROM exposure WHERE unit_type = 'team'").Scan(&n); err != nil || n != len(got) {
				t.Errorf("exposure table has %d rows (%v), want %d", n, err, len(got))
			}
		})
	}
}

func countStatus(es []models.Exposure, s string) int {
	n := 0
	for _, e := range es {
		if e.Status == s {
			n++
		}
	}
	return n
}

func TestPersonExposureEqualsSimulatorTruth(t *testing.T) {
	ctx := context.Background()
	o := org.Generate(org.Params{Seed: 4, Size: org.Small})
	tr := o.Truth(o.Now)
	st := storetest.Open(t)
	importOrg(t, st, o)
	got, err := Compute(ctx, st, UnitPerson, DropoutsExclude, o.Now)
	if err != nil {
		t.Fatal(err)
	}
	units := byUnit(got)
	var treated, dropouts int
	for _, p := range tr.People {
		e, ok := units[people.PersonID(p.Email)]
		if !ok {
			continue // not in teams.csv or cohorts.csv as of now
		}
		switch {
		case p.CompletedAt != nil && !p.CompletedAt.After(o.Now):
			treated++
			if e.Status != StatusTreated || !e.TreatedAt.Equal(*p.CompletedAt) {
				t.Errorf("%s: %s %v, truth completed %v", e.UnitID, e.Status, e.TreatedAt, p.CompletedAt)
			}
		case p.DroppedAt != nil:
			dropouts++
			// Dropouts are recognised once the cohort has finished for DropoutGrace.
			if e.Status != StatusDropout && e.Status != StatusNotYet {
				t.Errorf("%s: status %s, truth dropped out", e.UnitID, e.Status)
			}
		default:
			if e.Status == StatusTreated {
				t.Errorf("%s treated, truth not completed by now", e.UnitID)
			}
		}
	}
	if treated == 0 || dropouts == 0 {
		t.Fatalf("degenerate fixture: %d treated, %d dropouts", treated, dropouts)
	}
	if countStatus(got, StatusDropout) == 0 {
		t.Error("no person recognised as a dropout")
	}
}

// A hand-made organisation for the lead-change, future-completion and dropout rules.
const teamsCSV = `person_email,team,role,valid_from,valid_to
ada@acme.example,alpha,lead,2024-01-01,2025-06-30
bob@acme.example,alpha,lead,2025-07-01,
cy@acme.example,beta,lead,2024-01-01,2025-03-31
dee@acme.example,beta,lead,2025-04-01,
eve@acme.example,gamma,lead,2024-01-01,
fay@acme.example,delta,lead,2024-01-01,
gus@acme.example,delta,member,2024-01-01,
hal@acme.example,epsilon,member,2024-01-01,
`

const cohortsCSV = `person_email,cohort,program,enrolled_at,completed_at
ada@acme.example,c1,LET,2025-01-10,2025-03-15
dee@acme.example,c1,LET,2025-01-10,2025-03-14
eve@acme.example,c2,LET,2025-08-01,2025-10-20
fay@acme.example,c1,LET,2025-01-10,
gus@acme.example,c1,LET,2025-01-10,2025-03-20
`

func handMade(t *testing.T) (*store.Store, time.Time) {
	t.Helper()
	st := storetest.Open(t)
	dir := t.TempDir()
	tp, cp := filepath.Join(dir, "teams.csv"), filepath.Join(dir, "cohorts.csv")
	os.WriteFile(tp, []byte(teamsCSV), 0o644)
	os.WriteFile(cp, []byte(cohortsCSV), 0o644)
	today := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	if _, err := people.ImportFiles(context.Background(), st, []people.File{{Kind: people.KindTeams, Path: tp}, {Kind: people.KindCohorts, Path: cp}},
		people.ImportOptions{Now: today, Today: today}); err != nil {
		t.Fatal(err)
	}
	return st, today
}

func d(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func TestTeamRules(t *testing.T) {
	st, today := handMade(t)
	got, err := Compute(context.Background(), st, UnitTeam, DropoutsExclude, today)
	if err != nil {
		t.Fatal(err)
	}
	u := byUnit(got)
	check := func(team, status string, at time.Time, lead, note string) {
		t.Helper()
		e := u[people.TeamID(team)]
		if e.Status != status || !e.TreatedAt.Equal(at) || e.LeadPersonID != lead || !strings.Contains(e.Note, note) {
			t.Errorf("%s: %s %v lead %q note %q; want %s %v lead %q note containing %q", team, e.Status, e.TreatedAt, e.LeadPersonID, e.Note, status, at, lead, note)
		}
	}
	// alpha: ada completed while lead, then left for an untrained successor: stays treated, noted.
	check("alpha", StatusTreated, d("2025-03-15"), people.PersonID("ada@acme.example"), "trained lead left on 2025-07-01; successor untrained; the team stays treated")
	// beta: dee completed before becoming lead on 2025-04-01: treated from her first day as lead.
	check("beta", StatusTreated, d("2025-04-01"), people.PersonID("dee@acme.example"), "lead completed before taking office on 2025-04-01")
	// gamma: completion after today: not yet treated.
	check("gamma", StatusNotYet, time.Time{}, people.PersonID("eve@acme.example"), "lead's completion expected 2025-10-20")
	// delta: lead dropped out (cohort c1 finished in March); a trained member does not treat the team.
	check("delta", StatusDropout, time.Time{}, people.PersonID("fay@acme.example"), "lead dropped out of cohort c1")
	// epsilon: no lead at all.
	check("epsilon", StatusNever, time.Time{}, "", "no lead in teams.csv")

	// Intention to treat: delta counts as treated from c1's first completion (dee, 2025-03-14).
	got, err = Compute(context.Background(), st, UnitTeam, DropoutsIntentionToTreat, today)
	if err != nil {
		t.Fatal(err)
	}
	u = byUnit(got)
	check("delta", StatusTreated, d("2025-03-14"), people.PersonID("fay@acme.example"), "intention to treat")

	// Before ada's completion the team was not treated yet; the day after, it is.
	got, _ = Compute(context.Background(), st, UnitTeam, DropoutsExclude, d("2025-03-14"))
	if e := byUnit(got)[people.TeamID("alpha")]; e.Status == StatusTreated {
		t.Errorf("alpha treated before its lead completed: %+v", e)
	}
}

func TestPersonRulesAndWrite(t *testing.T) {
	st, today := handMade(t)
	got, err := Write(context.Background(), st, UnitPerson, DropoutsExclude, today)
	if err != nil {
		t.Fatal(err)
	}
	u := byUnit(got)
	want := map[string]string{"ada": StatusTreated, "bob": StatusNever, "eve": StatusNotYet, "fay": StatusDropout, "gus": StatusTreated}
	for who, s := range want {
		if e := u[people.PersonID(who+"@acme.example")]; e.Status != s {
			t.Errorf("%s: %s, want %s", who, e.Status, s)
		}
	}
	if len(got) != 8 {
		t.Errorf("%d person units, want 8", len(got))
	}
	// Writing the other unit replaces the table.
	if _, err := Write(context.Background(), st, UnitTeam, DropoutsExclude, today); err != nil {
		t.Fatal(err)
	}
	var n int
	st.DB().QueryRow("SELECT count(*) FROM exposure WHERE unit_type = 'person'").Scan(&n)
	if n != 0 {
		t.Errorf("%d person rows left after writing team exposure", n)
	}
	// Enrollment status is refreshed as of the later date: eve completed.
	if _, err := Write(context.Background(), st, UnitTeam, DropoutsExclude, d("2025-11-01")); err != nil {
		t.Fatal(err)
	}
	var status string
	st.DB().QueryRow("SELECT status FROM enrollments WHERE person_id = ?", people.PersonID("eve@acme.example")).Scan(&status)
	if status != people.StatusCompleted {
		t.Errorf("eve's enrollment status %q after her completion date, want completed", status)
	}
}

func TestBadOptions(t *testing.T) {
	st, today := handMade(t)
	if _, err := Compute(context.Background(), st, "department", DropoutsExclude, today); !errors.Is(err, ErrBadOption) {
		t.Errorf("unit: err = %v", err)
	}
	if _, err := Compute(context.Background(), st, UnitTeam, "ignore", today); !errors.Is(err, ErrBadOption) {
		t.Errorf("dropouts: err = %v", err)
	}
}
