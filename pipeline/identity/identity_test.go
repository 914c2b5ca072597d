package identity

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

// importOrg imports the simulator's people files as of its Now.
func importOrg(t testing.TB, st *store.Store, o *org.Org) {
	t.Helper()
	dir := t.TempDir()
	var files []people.File
	for _, f := range []struct {
		kind  string
		write func(*bytes.Buffer) error
	}{
		{people.KindTeams, func(b *bytes.Buffer) error { return o.WriteTeamsCSV(b, o.Now) }},
		{people.KindCohorts, func(b *bytes.Buffer) error { return o.WriteCohortsCSV(b, o.Now) }},
		{people.KindIdentities, func(b *bytes.Buffer) error { return o.WriteIdentitiesCSV(b) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, f.kind+".csv")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, people.File{Kind: f.kind, Path: p})
	}
	if _, err := people.ImportFiles(context.Background(), st, files, people.ImportOptions{Now: o.Now, Today: o.Now}); err != nil {
		t.Fatal(err)
	}
}

// orgAccounts builds the accounts the connectors write for the simulator's seen actors: PagerDuty
// users with their email, Jira users (email hidden where Jira hides it), GitHub logins carrying
// their commit email when they authored a visible commit (plus one pr_commits row each).
func orgAccounts(t testing.TB, o *org.Org, tr *org.Truth) []models.Row {
	t.Helper()
	committed := map[*org.Person]bool{}
	for _, pr := range o.PullRequestsUpTo(o.Now) {
		for _, c := range pr.CommitsAt(o.Now) {
			committed[c.Author] = true
		}
	}
	var rows []models.Row
	for _, at := range tr.Identity.Accounts {
		if !at.Seen {
			continue
		}
		switch at.Source {
		case models.SourcePagerDuty:
			p := o.PersonByPagerDutyID(at.ID)
			rows = append(rows, models.Account{AccountID: models.AccountID(at.Source, at.ID), Source: at.Source, NativeID: at.ID,
				Email: at.Email, Name: p.PagerDuty.Name, IsBot: p.Kind == org.KindBot})
		case models.SourceJira:
			p := o.PersonByJiraAccountID(at.ID)
			rows = append(rows, models.Account{AccountID: models.AccountID(at.Source, at.ID), Source: at.Source, NativeID: at.ID,
				Login: at.Login, Email: at.Email, Name: p.Jira.DisplayName, IsBot: p.Jira.AccountType == "app"})
		case models.SourceGitHub:
			p := o.PersonByGitHubLogin(at.Login)
			id := models.AccountID(at.Source, at.Login)
			a := models.Account{AccountID: id, Source: at.Source, NativeID: at.Login, Login: at.Login, Name: p.GitHub.Name, IsBot: p.GitHub.Type == "Bot"}
			if committed[p] {
				a.Email = p.GitHub.CommitEmail
				rows = append(rows, models.PRCommit{PRID: "github:pull_request:acme/x#1", SHA: at.Login, AuthorAccountID: id, AuthoredAt: o.Now.Add(-time.Hour)})
			}
			rows = append(rows, a)
		default:
			t.Fatalf("unknown source %q in truth", at.Source)
		}
	}
	return rows
}

// truthRule maps the simulator's rule names to the rule this package records for the same
// account: the simulator's "noreply" GitHub logins are linked by an identities.csv override.
var truthRule = map[org.MatchRule]string{org.RuleEmail: RuleEmail, org.RuleCommitEmail: RuleCommitEmail,
	org.RuleOverride: RuleOverride, org.RuleNoreply: RuleOverride, org.RuleNone: ""}

func TestResolveReproducesSimulatorTruth(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			o := org.Generate(org.Params{Seed: seed, Size: org.Small})
			tr := o.Truth(o.Now)
			st := storetest.Open(t)
			importOrg(t, st, o)
			if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, orgAccounts(t, o, tr)) }); err != nil {
				t.Fatal(err)
			}
			res, err := Resolve(ctx, st, Options{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := BuildReport(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rep.Sources {
				// The truth counts bots as unmatched; we count them apart.
				if c.Matched != tr.Identity.Matched[c.Source] || c.Unmatched+c.Bots != tr.Identity.Unmatched[c.Source] {
					t.Errorf("%s: matched %d, unmatched %d + bots %d; truth matched %d, unmatched %d",
						c.Source, c.Matched, c.Unmatched, c.Bots, tr.Identity.Matched[c.Source], tr.Identity.Unmatched[c.Source])
				}
			}
			if len(rep.Sources) != 3 {
				t.Errorf("%d sources in the report, want 3", len(rep.Sources))
			}
			// Account by account: the same person, by the corresponding rule.
			got := map[string][2]string{}
			rows, err := st.DB().Query(`SELECT a.account_id, coalesce(p.email, ''), coalesce(a.match_rule, '')
				FROM accounts a LEFT JOIN people p USING (person_id)`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, email, rule string
				if err := rows.Scan(&id, &email, &rule); err != nil {
					t.Fatal(err)
				}
				got[id] = [2]string{email, rule}
			}
			rows.Close()
			bad := 0
			for _, at := range tr.Identity.Accounts {
				if !at.Seen {
					continue
				}
				native := at.ID
				if at.Source == models.SourceGitHub {
					native = at.Login
				}
				g := got[models.AccountID(at.Source, native)]
				if g[0] != at.Person || g[1] != truthRule[at.Rule] {
					bad++
					if bad <= 5 {
						t.Errorf("%s %s (%s): got person %q rule %q; truth %q rule %q", at.Source, native, at.Kind, g[0], g[1], at.Person, at.Rule)
					}
				}
			}
			if res.Matched == 0 || res.Unmatched == 0 || res.Bots == 0 {
				t.Errorf("degenerate fixture: %+v", res)
			}
			// Idempotent: a second run changes nothing.
			again, err := Resolve(ctx, st, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if again.Changed != 0 || again.Matched != res.Matched {
				t.Errorf("second resolve changed %d accounts (%+v)", again.Changed, again)
			}
		})
	}
}
