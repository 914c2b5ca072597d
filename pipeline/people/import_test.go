package people

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

func TestSimulatorFilesImportCleanly(t *testing.T) {
	ctx := context.Background()
	o := org.Generate(org.Params{Seed: 7, Size: org.Small})
	st := openTemp(t)
	teams, cohorts, ids := simFiles(t, o)
	opts := ImportOptions{Now: o.Now, Today: o.Now}
	res, err := ImportFiles(ctx, st, []File{{KindTeams, teams}, {KindCohorts, cohorts}, {KindIdentities, ids}}, opts)
	if err != nil {
		t.Fatalf("simulator files do not import cleanly: %v", err)
	}
	for _, r := range res {
		if r.Added != r.Rows || r.Changed+r.Removed+r.Unchanged != 0 {
			t.Errorf("%s: first import %+v, want every row added", r.Kind, r)
		}
		for _, w := range r.Warnings {
			t.Logf("%s warning: %s", r.Kind, w)
		}
	}
	// Every membership the simulator knows at Now is there, and every enrollment.
	nm := 0
	for _, m := range o.Memberships {
		if !m.ValidFrom.After(o.Now) {
			nm++
		}
	}
	if got := count(t, st, "SELECT count(*) FROM team_memberships"); got != nm {
		t.Errorf("memberships = %d, want %d", got, nm)
	}
	if got := count(t, st, "SELECT count(*) FROM teams"); got != len(o.Teams) {
		t.Errorf("teams = %d, want %d", got, len(o.Teams))
	}
	ne := 0
	for _, e := range o.Program.Enrollments {
		if !e.EnrolledAt.After(o.Now) {
			ne++
		}
	}
	if got := count(t, st, "SELECT count(*) FROM enrollments"); got != ne {
		t.Errorf("enrollments = %d, want %d", got, ne)
	}
	if got := count(t, st, "SELECT count(*) FROM identity_overrides"); got != len(o.IdentityOverrides) {
		t.Errorf("overrides = %d, want %d", got, len(o.IdentityOverrides))
	}
	// At no day does a team have two leads, nor a person two memberships in one team.
	if n := count(t, st, `SELECT count(*) FROM team_memberships a JOIN team_memberships b
		ON a.team_id = b.team_id AND a.membership_id < b.membership_id
		AND (a.role = 'lead' AND b.role = 'lead' OR a.person_id = b.person_id)
		AND a.valid_from <= coalesce(b.valid_to, DATE '9999-12-31') AND b.valid_from <= coalesce(a.valid_to, DATE '9999-12-31')`); n != 0 {
		t.Errorf("%d overlapping membership pairs after import", n)
	}

	// Re-import: nothing changes.
	before := fingerprint(t, st)
	res, err = ImportFiles(ctx, st, []File{{KindTeams, teams}, {KindCohorts, cohorts}, {KindIdentities, ids}}, ImportOptions{Now: o.Now.Add(3600e9), Today: o.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.SameFile || r.Unchanged != r.Rows || r.Added+r.Changed+r.Removed != 0 {
			t.Errorf("%s: re-import %+v, want all unchanged", r.Kind, r)
		}
	}
	if after := fingerprint(t, st); after != before {
		t.Error("re-importing the same files changed the tables")
	}
}

func TestNewerFileReplacesRows(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	v1 := "person_email,team,role,valid_from,valid_to\n" +
		"ada@acme.example,payments,lead,2024-01-01,\n" +
		"bob@acme.example,payments,member,2024-01-01,\n" +
		"cy@acme.example,search,lead,2024-01-01,\n"
	p := writeFile(t, dir, "teams.csv", v1)
	if _, err := Import(ctx, st, KindTeams, p, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	// The newer file ends bob's membership (history kept), moves him to search, drops cy and search's lead.
	v2 := "person_email,team,role,valid_from,valid_to\n" +
		"ada@acme.example,payments,lead,2024-01-01,\n" +
		"bob@acme.example,payments,member,2024-01-01,2025-06-30\n" +
		"bob@acme.example,search,member,2025-07-01,\n"
	writeFile(t, dir, "teams.csv", v2)
	dry, err := Import(ctx, st, KindTeams, p, ImportOptions{Now: testNow, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := ImportResult{Added: 1, Changed: 1, Removed: 1, Unchanged: 1}
	if dry.Added != want.Added || dry.Changed != want.Changed || dry.Removed != want.Removed || dry.Unchanged != want.Unchanged || !dry.DryRun {
		t.Errorf("dry run = %+v, want %+v", dry, want)
	}
	wantChanges := []Change{
		{Op: "change", Line: 3, Row: "bob@acme.example member of payments from 2024-01-01 to 2025-06-30", Was: "bob@acme.example member of payments from 2024-01-01 to open"},
		{Op: "add", Line: 4, Row: "bob@acme.example member of search from 2025-07-01 to open"},
		{Op: "remove", Line: 4, Row: "cy@acme.example lead of search from 2024-01-01 to open"},
	}
	if !reflect.DeepEqual(dry.Changes, wantChanges) {
		t.Errorf("dry run changes:\n%+v\nwant\n%+v", dry.Changes, wantChanges)
	}
	if n := count(t, st, "SELECT count(*) FROM team_memberships WHERE valid_to IS NOT NULL"); n != 0 {
		t.Fatal("dry run wrote")
	}
	res, err := Import(ctx, st, KindTeams, p, ImportOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Changed != 1 || res.Removed != 1 || res.Unchanged != 1 {
		t.Errorf("import = %+v", res)
	}
	if n := count(t, st, "SELECT count(*) FROM team_memberships WHERE person_id = ?", PersonID("bob@acme.example")); n != 2 {
		t.Errorf("bob has %d memberships, want 2 (history kept)", n)
	}
	if n := count(t, st, "SELECT count(*) FROM people WHERE email = 'cy@acme.example'"); n != 0 {
		t.Error("cy is no longer in any file but still in people")
	}
	if n := count(t, st, "SELECT count(*) FROM teams"); n != 2 {
		t.Errorf("teams = %d, want 2", n)
	}
}

func TestUnknownKind(t *testing.T) {
	st := openTemp(t)
	p := writeFile(t, t.TempDir(), "x.csv", "a,b\n")
	if _, err := Import(context.Background(), st, "salaries", p, ImportOptions{}); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("err = %v, want ErrUnknownKind", err)
	}
}
