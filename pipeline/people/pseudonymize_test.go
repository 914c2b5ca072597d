package people

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Reference values from OpenSSL 3:
//
//	printf 'ada@acme.example' | openssl dgst -sha256 -hmac 'test-key-0123456789'
//	printf 'alovelace' | openssl dgst -sha256 -hmac 'test-key-0123456789'
const (
	testKey       = "test-key-0123456789"
	adaEmailHMAC  = "a6a433ee87fb7c4479551c0ed822c9f13d33b6ae0bcf9c1dfe066bebb5775aec"
	alovelaceHMAC = "bdbd6c37af93de6af5b74e51f69b6ae3d82c93109a5bb3b4455a860c06f74937"
)

func TestPseudonymMatchesOpenSSL(t *testing.T) {
	if got := Pseudonym([]byte(testKey), "ada@acme.example"); got != adaEmailHMAC {
		t.Errorf("Pseudonym = %s, want %s", got, adaEmailHMAC)
	}
}

func TestPseudonymize(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	files := []File{
		{KindTeams, writeFile(t, dir, "teams.csv", "person_email,team,role,valid_from,valid_to\nAda@acme.example,payments,lead,2024-01-01,\n")},
		{KindCohorts, writeFile(t, dir, "cohorts.csv", "person_email,cohort,program,enrolled_at,completed_at\nada@acme.example,c1,LET,2025-01-01,2025-03-01\n")},
		{KindIdentities, writeFile(t, dir, "identities.csv", "person_email,source,account\nada@acme.example,github,ALovelace\n")},
	}
	if _, err := ImportFiles(ctx, st, files, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	ada := PersonID("ada@acme.example")
	t0 := testNow
	seed := []models.Row{
		models.Account{AccountID: "github:account:alovelace", Source: "github", NativeID: "alovelace", Login: "ALovelace",
			Email: " ADA@acme.example", Name: "Ada Lovelace", PersonID: ada, MatchRule: "override"},
		models.Account{AccountID: "github:account:ada@acme.example", Source: "github", NativeID: "ada@acme.example", PersonID: ada, MatchRule: "commit_email"},
		models.Account{AccountID: "jira:account:5b10ac8d82e05b22cc7d4ef5", Source: "jira", NativeID: "5b10ac8d82e05b22cc7d4ef5", Name: "Ada Lovelace", PersonID: ada, MatchRule: "display_name"},
		models.Account{AccountID: "pagerduty:account:PADA001", Source: "pagerduty", NativeID: "PADA001"},
		models.PRCommit{PRID: "github:pull_request:acme/x#1", SHA: "s1", AuthorAccountID: "github:account:ada@acme.example", AuthoredAt: t0},
		models.PullRequest{PRID: "github:pull_request:acme/x#1", Source: "github", NativeID: "1", Repo: "acme/x", Number: 1, State: "open",
			AuthorAccountID: "github:account:alovelace", CreatedAt: t0},
		models.IncidentEvent{EventID: "pagerduty:log_entry:R1", IncidentID: "pagerduty:incident:Q1", Type: "assign", CreatedAt: t0,
			AgentAccountID: "pagerduty:account:PADA001", AssigneeAccountIDs: []string{"pagerduty:account:PADA001", "pagerduty:account:PUNKNWN"}},
		models.TicketChange{ChangeID: "jira:change:1", TicketID: "jira:ticket:1", AuthorAccountID: "jira:account:5b10ac8d82e05b22cc7d4ef5", ChangedAt: t0,
			Field: "assignee", ToValue: "5b10ac8d82e05b22cc7d4ef5", ToString: "Ada Lovelace"},
		models.MetricEvent{Metric: "m", EventID: "e", PersonID: ada, OccurredAt: t0, Value: 1},
		models.Exposure{UnitType: "person", UnitID: ada, Status: "treated", TreatedAt: t0, LeadPersonID: ada},
		models.RawRecord{Source: "github", Entity: "user", NativeID: "alovelace", Payload: []byte(`{"login":"alovelace"}`), UpdatedAt: t0, FetchedAt: t0},
	}
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, seed) }); err != nil {
		t.Fatal(err)
	}
	key := []byte(testKey)
	st = pseudonymized(t, st, key)
	var email, pid string
	var flag bool
	if err := st.DB().QueryRow("SELECT email, person_id, pseudonymized FROM people").Scan(&email, &pid, &flag); err != nil {
		t.Fatal(err)
	}
	if email != adaEmailHMAC || !flag || pid != "people:person:"+adaEmailHMAC[:16] {
		t.Errorf("people: email %s id %s pseudonymized %v; want %s true", email, pid, flag, adaEmailHMAC)
	}
	var aEmail, login, name, person string
	if err := st.DB().QueryRow("SELECT email, login, name, person_id FROM accounts WHERE account_id = ?", "github:account:"+Pseudonym(key, "alovelace")).
		Scan(&aEmail, &login, &name, &person); err != nil {
		t.Fatal(err)
	}
	if aEmail != adaEmailHMAC || login != alovelaceHMAC || name != Pseudonym(key, "Ada Lovelace") || person != pid {
		t.Errorf("account: email %s login %s name %s person %s", aEmail, login, name, person)
	}
	var ov string
	if err := st.DB().QueryRow("SELECT account FROM identity_overrides").Scan(&ov); err != nil || ov != alovelaceHMAC {
		t.Errorf("override account %q (%v), want %s", ov, err, alovelaceHMAC)
	}
	// References follow: joins still work on the pseudonymised ids.
	for q, want := range map[string]int{
		"SELECT count(*) FROM pr_commits c JOIN accounts a ON a.account_id = c.author_account_id JOIN people p USING (person_id)":                                                                                1,
		"SELECT count(*) FROM pull_requests r JOIN accounts a ON a.account_id = r.author_account_id JOIN people p USING (person_id)":                                                                             1,
		"SELECT count(*) FROM team_memberships m JOIN people p USING (person_id) WHERE m.membership_id LIKE '%' || p.person_id || '%'":                                                                           1,
		"SELECT count(*) FROM enrollments e JOIN people p USING (person_id) WHERE e.enrollment_id LIKE '%' || p.person_id || '%'":                                                                                1,
		"SELECT count(*) FROM metric_events e JOIN people p USING (person_id)":                                                                                                                                   1,
		"SELECT count(*) FROM exposure e JOIN people p ON p.person_id = e.unit_id AND p.person_id = e.lead_person_id":                                                                                            1,
		"SELECT count(*) FROM incident_events e JOIN accounts a ON a.account_id = e.agent_account_id AND a.account_id = e.assignee_account_ids[1] WHERE e.assignee_account_ids[2] = 'pagerduty:account:PUNKNWN'": 1,
		"SELECT count(*) FROM ticket_changes c JOIN accounts a ON a.account_id = c.author_account_id AND a.native_id = c.to_value AND a.name = c.to_string":                                                      1,
	} {
		if got := count(t, st, q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	// No personal value is left anywhere (find itself does find what stays).
	if where := find(t, st, "PUNKNWN"); where != "incident_events.assignee_account_ids" {
		t.Errorf("find(PUNKNWN) = %q: the search over all text columns is broken", where)
	}
	if where := find(t, st, "payments"); where == "" {
		t.Error("find(payments) found nothing: the search over all text columns is broken")
	}
	for _, needle := range []string{"ada", "lovelace", "acme.example", "5b10ac8d82e05b22cc7d4ef5", "PADA001"} {
		if where := find(t, st, needle); where != "" {
			t.Errorf("%q still in %s", needle, where)
		}
	}
	// The raw payloads stay behind; the schema is the source's.
	if n := count(t, st, "SELECT count(*) FROM raw_records"); n != 0 {
		t.Errorf("raw_records: %d rows, want 0", n)
	}
	// A second pass changes nothing.
	before := fingerprint(t, st)
	if again := pseudonymized(t, st, key); fingerprint(t, again) != before {
		t.Error("pseudonymising twice changed the tables")
	}
	err := store.BuildFresh(ctx, filepath.Join(t.TempDir(), "nokey.duckdb"), st.Path(), store.FreshOptions{},
		func(ctx context.Context, f *store.Filler) error { return Pseudonymize(ctx, f, nil, nil) })
	if !errors.Is(err, ErrNoKey) {
		t.Errorf("nil key: err = %v, want ErrNoKey", err)
	}
}

// pseudonymized closes src and returns a fresh pseudonymised copy of it (closed when t ends).
func pseudonymized(t *testing.T, src *store.Store, key []byte) *store.Store {
	t.Helper()
	ctx := context.Background()
	if err := src.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	src.Close()
	dst := filepath.Join(t.TempDir(), "published.duckdb")
	var steps []string
	if err := store.BuildFresh(ctx, dst, src.Path(), store.FreshOptions{Step: func(s string) { steps = append(steps, s) }},
		func(ctx context.Context, f *store.Filler) error {
			return Pseudonymize(ctx, f, key, func(s string) { steps = append(steps, s) })
		}); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 5 || steps[0] != "created" || steps[len(steps)-1] != "checkpointed" {
		t.Errorf("steps %v", steps)
	}
	st, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// find returns "table.column" of the first text value containing needle (case-insensitive),
// source_file columns excepted (file paths).
func find(t *testing.T, st *store.Store, needle string) string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT table_name, column_name FROM duckdb_columns()
		WHERE schema_name = 'main' AND (data_type = 'VARCHAR' OR data_type = 'VARCHAR[]') AND column_name <> 'source_file'`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, c string
		rows.Scan(&tb, &c)
		cols = append(cols, [2]string{tb, c})
	}
	rows.Close()
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE CAST(%q AS VARCHAR) ILIKE '%%' || ? || '%%'`, c[0], c[1])
		if count(t, st, q, needle) > 0 {
			return c[0] + "." + c[1]
		}
	}
	return ""
}

func TestPseudonymKey(t *testing.T) {
	cfg := config.Default()
	if _, err := PseudonymKey(cfg); !errors.Is(err, ErrNoKey) {
		t.Errorf("err = %v, want ErrNoKey", err)
	}
	cfg.People.PseudonymKeyEnv = "TI_KEY"
	cfg.Secrets["TI_KEY"] = "s3cret"
	if k, err := PseudonymKey(cfg); err != nil || string(k) != "s3cret" {
		t.Errorf("key %q, %v", k, err)
	}
}
