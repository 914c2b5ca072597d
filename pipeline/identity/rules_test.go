package identity

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/pipeline/store/storetest"
)

func TestRules(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	dir := t.TempDir()
	teams := filepath.Join(dir, "teams.csv")
	ids := filepath.Join(dir, "identities.csv")
	os.WriteFile(teams, []byte("person_email,team,role,valid_from,valid_to\n"+
		"ada@acme.example,payments,lead,2024-01-01,\n"+
		"bob@acme.example,payments,member,2024-01-01,\n"+
		"cy@acme.example,payments,member,2024-01-01,\n"+
		"dee@acme.example,search,lead,2024-01-01,\n"), 0o644)
	os.WriteFile(ids, []byte("person_email,source,account\n"+
		"bob@acme.example,github,BobTheBuilder\n"+ // login, other case
		"cy@acme.example,pagerduty,PCY0001\n"+ // wins over the email pointing at ada
		"dee@acme.example,github,dependabot[bot]\n"), 0o644) // a bot never matches
	if _, err := people.ImportFiles(ctx, st, []people.File{{Kind: people.KindTeams, Path: teams}, {Kind: people.KindIdentities, Path: ids}}, people.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	gh := func(native, login, email, name string, bot bool) models.Account {
		return models.Account{AccountID: models.AccountID("github", native), Source: "github", NativeID: native, Login: login, Email: email, Name: name, IsBot: bot}
	}
	rows := []models.Row{
		gh("ada", "ada", " ADA@acme.example ", "Ada L", false),                      // commit_email (has commits)
		gh("ada2", "ada2", "ada@acme.example", "Ada L", false),                      // email (no commits)
		gh("bobthebuilder", "bobthebuilder", "", "Bob B", false),                    // override by login, any case
		gh("123+bobthebuilder@users.noreply.github.com", "", "", "Bob B", false),    // noreply follows the login
		gh("dee@acme.example", "", "", "", false),                                   // commit author without login: commit_email
		gh("dependabot[bot]", "dependabot[bot]", "", "dependabot", true),            // bot, even with an override
		gh("renovate[bot]", "renovate[bot]", "ada@acme.example", "renovate", false), // [bot] login: never matched
		models.Account{AccountID: "pagerduty:account:PCY0001", Source: "pagerduty", NativeID: "PCY0001", Email: "ada@acme.example", Name: "Cy"},
		models.Account{AccountID: "jira:account:abc", Source: "jira", NativeID: "abc", Name: "Ada L"},    // display name (when enabled)
		models.Account{AccountID: "jira:account:zzz", Source: "jira", NativeID: "zzz", Name: "Bob B"},    // display name of bob
		models.Account{AccountID: "jira:account:idle", Source: "jira", NativeID: "idle", Name: "Nobody"}, // unmatched, no activity
		models.Account{AccountID: "jira:account:busy", Source: "jira", NativeID: "busy", Name: "Busy"},   // unmatched, most active
		models.PRCommit{PRID: "github:pull_request:acme/x#1", SHA: "s1", AuthorAccountID: "github:account:ada", AuthoredAt: t0},
		models.PRCommit{PRID: "github:pull_request:acme/x#1", SHA: "s2", AuthorAccountID: "github:account:dee@acme.example", AuthoredAt: t0.Add(time.Hour)},
		models.TicketChange{ChangeID: "c1", TicketID: "jira:ticket:1", AuthorAccountID: "jira:account:busy", ChangedAt: t0, Field: "status"},
		models.TicketChange{ChangeID: "c2", TicketID: "jira:ticket:1", AuthorAccountID: "jira:account:busy", ChangedAt: t0.Add(48 * time.Hour), Field: "status"},
		models.TicketChange{ChangeID: "c3", TicketID: "jira:ticket:1", AuthorAccountID: "jira:account:zzz", ChangedAt: t0, Field: "status"},
	}
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, rows) }); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"github:account:ada":           {"ada@acme.example", RuleCommitEmail},
		"github:account:ada2":          {"ada@acme.example", RuleEmail},
		"github:account:bobthebuilder": {"bob@acme.example", RuleOverride},
		"github:account:123+bobthebuilder@users.noreply.github.com": {"bob@acme.example", RuleNoreply},
		"github:account:dee@acme.example":                           {"dee@acme.example", RuleCommitEmail},
		"github:account:dependabot[bot]":                            {"", ""},
		"github:account:renovate[bot]":                              {"", ""},
		"pagerduty:account:PCY0001":                                 {"cy@acme.example", RuleOverride},
		"jira:account:abc":                                          {"", ""},
		"jira:account:zzz":                                          {"", ""},
		"jira:account:idle":                                         {"", ""},
		"jira:account:busy":                                         {"", ""},
	}
	check := func(want map[string][2]string) {
		t.Helper()
		for id, w := range want {
			var email, rule string
			if err := st.DB().QueryRow(`SELECT coalesce(p.email, ''), coalesce(a.match_rule, '') FROM accounts a LEFT JOIN people p USING (person_id)
				WHERE a.account_id = ?`, id).Scan(&email, &rule); err != nil {
				t.Fatal(id, err)
			}
			if email != w[0] || rule != w[1] {
				t.Errorf("%s: matched %q by %q, want %q by %q", id, email, rule, w[0], w[1])
			}
		}
	}
	if _, err := Resolve(ctx, st, Options{}); err != nil {
		t.Fatal(err)
	}
	check(want)

	var first, last time.Time
	if err := st.DB().QueryRow(`SELECT first_seen_at, last_seen_at FROM accounts WHERE account_id = 'jira:account:busy'`).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(t0) || !last.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("busy seen %v .. %v, want %v .. %v", first, last, t0, t0.Add(48*time.Hour))
	}
	rep, err := BuildReport(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unmatched) != 2 || rep.Unmatched[0].Account != "busy" || rep.Unmatched[0].Events != 2 || rep.Unmatched[1].Account != "zzz" {
		t.Errorf("unmatched with activity = %+v, want busy (2 events) then zzz", rep.Unmatched)
	}
	if rep.Idle != 2 {
		t.Errorf("idle unmatched = %d, want 2 (abc, idle)", rep.Idle)
	}

	// With display names: "Ada L" is ada's (two matched accounts), "Bob B" bob's.
	if _, err := Resolve(ctx, st, Options{MatchDisplayName: true}); err != nil {
		t.Fatal(err)
	}
	want["jira:account:abc"] = [2]string{"ada@acme.example", RuleDisplayName}
	want["jira:account:zzz"] = [2]string{"bob@acme.example", RuleDisplayName}
	check(want)
}

func TestNoreplyLogin(t *testing.T) {
	for in, want := range map[string]string{
		"123+octo-cat@users.noreply.github.com": "octo-cat",
		"Octocat@users.noreply.github.com":      "octocat",
		"octocat@github.com":                    "",
		"1+a@users.noreply.github.com.evil":     "",
	} {
		if got := NoreplyLogin(in); got != want {
			t.Errorf("NoreplyLogin(%q) = %q, want %q", in, got, want)
		}
	}
}
