package people

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Pseudonym returns the keyed hash that replaces a personal value: the lower-case hex HMAC-SHA256
// of value under key. The same key and value always give the same pseudonym, so joins on
// pseudonymised columns still work; without the key the value cannot be recovered or confirmed.
func Pseudonym(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// PseudonymKey returns the key named by people.pseudonym_key_env from the secrets the config loader
// read from the environment, or ErrNoKey.
func PseudonymKey(cfg *config.Config) ([]byte, error) {
	if err := cfg.CheckPseudonymKey(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoKey, err)
	}
	env := cfg.People.PseudonymKeyEnv
	if env == "" || cfg.Secrets[env] == "" {
		return nil, fmt.Errorf("%w: set people.pseudonym_key_env and that environment variable", ErrNoKey)
	}
	return []byte(cfg.Secrets[env]), nil
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// pseudo hashes a non-empty value that is not already a pseudonym.
func pseudo(key []byte, v string) string {
	if v == "" || hashRE.MatchString(v) {
		return v
	}
	return Pseudonym(key, v)
}

// Pseudonymize fills the fresh database of f (see store.BuildFresh) from its attached source,
// replacing personal values with keyed hashes (Pseudonym) as the rows are written: no clear value
// is ever written into the fresh file, so none can linger in its freed blocks. The source (the
// working database) keeps the real values for matching and rebuild. Every table of f is filled:
// the ones listed below through their statement in sql/copy/, the others copied as they are.
//
//   - people: email (normalised first, so it equals the hash of any matching account email) and
//     name; person_id becomes "people:person:" + the first 16 hex digits of the keyed hash of the
//     email (the unkeyed id could be reversed by guessing emails), everywhere it appears
//     (accounts, identity_overrides, team_memberships with their membership_id, enrollments with
//     their enrollment_id, exposure, metric_events); pseudonymized is set.
//
//   - accounts: native_id (GitHub logins and commit emails are personal) and with it account_id,
//     everywhere it appears (incidents, incident_events, tickets, ticket_changes, pull_requests,
//     pr_commits, pr_reviews, deployments); login (lower-cased), email (normalised) and name.
//
//   - identity_overrides.account (lower-cased, like logins); Jira changelog items of the assignee
//     and reporter fields: the accountIds in from_value/to_value and the display names in
//     from_string/to_string.
//
//   - free text (incident titles, log entry summaries, pull request titles, branch names,
//     changelog strings, custom fields, notes, errors): every name, email, login and account id
//     known from people and accounts is replaced, as a whole word and whatever its case, by the
//     same pseudonym its column gets (see scrubber; a first name alone is not known).
//
//   - raw_records: left empty. Raw payloads carry personal values in every shape the sources use.
//
// Values that already look like a pseudonym (64 hex digits) are left alone. step, when not nil, is
// told "copy:<table>" after each table.
func Pseudonymize(ctx context.Context, f *store.Filler, key []byte, step func(string)) error {
	if len(key) == 0 {
		return ErrNoKey
	}
	if step == nil {
		step = func(string) {}
	}
	fail := func(err error) error { return fmt.Errorf("people: pseudonymize: %w", err) }
	m, err := readMaps(ctx, f, key)
	if err != nil {
		return fail(err)
	}
	lookup := func(tbl map[string]string) func(string) string {
		return func(v string) string {
			if n, ok := tbl[v]; ok {
				return n
			}
			return v
		}
	}
	funcs := []struct {
		name string
		fn   func(string) string
	}{
		{"ti_person", lookup(m.person)},
		{"ti_account", lookup(m.account)},
		{"ti_jira_native", lookup(m.jiraNative)},
		{"ti_email", func(v string) string { return pseudo(key, NormalizeEmail(v)) }},
		{"ti_login", func(v string) string { return pseudo(key, strings.ToLower(strings.TrimSpace(v))) }},
		{"ti_name", func(v string) string { return pseudo(key, strings.TrimSpace(v)) }},
		{"ti_id", func(v string) string { return pseudo(key, v) }},
		{"ti_scrub", func(v string) string { s, _ := m.text.scrub(v); return s }},
	}
	for _, fn := range funcs {
		if err := f.RegisterText(fn.name, fn.fn); err != nil {
			return fail(err)
		}
	}
	for _, t := range f.Tables() {
		if err := ctx.Err(); err != nil {
			return err
		}
		stmt, ok := copyStatement(t)
		if !ok {
			stmt = fmt.Sprintf("INSERT INTO %s BY NAME SELECT * FROM %s.%s", quoteIdent(t), store.SourceAlias, quoteIdent(t))
		}
		if stmt != "" {
			if _, err := f.Exec(ctx, stmt); err != nil {
				return fail(fmt.Errorf("copy %s: %w", t, err))
			}
		}
		step("copy:" + t)
	}
	return nil
}

// maps are the replacements Pseudonymize applies, read from the source's people and accounts.
type maps struct {
	person, account, jiraNative map[string]string
	text                        *scrubber
}

func readMaps(ctx context.Context, f *store.Filler, key []byte) (*maps, error) {
	m := &maps{person: map[string]string{}, account: map[string]string{}, jiraNative: map[string]string{}, text: newScrubber()}
	rows, err := f.Query(ctx, query("read_people"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, email, name string
		var done bool
		if err := rows.Scan(&id, &email, &name, &done); err != nil {
			rows.Close()
			return nil, err
		}
		if done {
			continue
		}
		norm := NormalizeEmail(email)
		m.text.add(norm, pseudo(key, norm))
		m.text.add(name, pseudo(key, strings.TrimSpace(name)))
		m.person[id] = "people:person:" + Pseudonym(key, norm)[:16]
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = f.Query(ctx, query("read_accounts"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, source, native, login, email, name string
		if err := rows.Scan(&id, &source, &native, &login, &email, &name); err != nil {
			rows.Close()
			return nil, err
		}
		m.text.add(native, pseudo(key, native))
		m.text.add(login, pseudo(key, strings.ToLower(strings.TrimSpace(login))))
		m.text.add(email, pseudo(key, NormalizeEmail(email)))
		m.text.add(name, pseudo(key, strings.TrimSpace(name)))
		if h := pseudo(key, native); h != native {
			m.account[id] = models.AccountID(source, h)
			if source == models.SourceJira {
				m.jiraNative[native] = h
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = f.Query(ctx, query("assignee_names"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		if h := pseudo(key, strings.TrimSpace(name)); h != name {
			m.text.add(name, h)
		}
	}
	rows.Close()
	return m, rows.Err()
}

// copyStatement returns the statement of sql/copy/<table>.sql ("" when the file holds only
// comments: the table stays empty), or false when the table has none and is copied as it is.
func copyStatement(table string) (string, bool) {
	b, err := sqlFS.ReadFile("sql/copy/" + table + ".sql")
	if err != nil {
		return "", false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			return string(b), true
		}
	}
	return "", true
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
