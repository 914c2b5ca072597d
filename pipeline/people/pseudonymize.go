package people

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
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

// mapRow is one row of the temporary pseudonym_map table.
type mapRow struct{ kind, old, new string }

func (mapRow) Table() string            { return "pseudonym_map" }
func (r mapRow) Values() []driver.Value { return []driver.Value{r.kind, r.old, r.new} }

// Pseudonymize replaces personal values with keyed hashes (Pseudonym) inside w's transaction. It is
// meant for the copy being published; the working database keeps real values for matching.
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
//   - free text (the freeText columns: incident titles, log entry summaries, pull request titles,
//     branch names, changelog strings, custom fields, notes, errors): every name, email, login and
//     account id known from people and accounts is replaced, as a whole word and whatever its case,
//     by the same pseudonym its column gets (see scrubber; a first name alone is not known).
//
//   - raw_records: emptied. Raw payloads carry personal values in every shape the sources use.
//
// Values that already look like a pseudonym (64 hex digits) are left alone, so a second call
// changes nothing.
func Pseudonymize(ctx context.Context, w *store.Writer, key []byte) error {
	if len(key) == 0 {
		return ErrNoKey
	}
	fail := func(err error) error { return fmt.Errorf("people: pseudonymize: %w", err) }
	var maps []models.Row
	var ppl []models.Row
	personID := map[string]string{}
	text := newScrubber()
	rows, err := w.Query(ctx, query("read_people"))
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var p models.Person
		if err := rows.Scan(&p.PersonID, &p.Email, &p.Name, &p.Pseudonymized, &p.UpdatedAt); err != nil {
			rows.Close()
			return fail(err)
		}
		if !p.Pseudonymized {
			email := NormalizeEmail(p.Email)
			text.add(email, pseudo(key, email))
			text.add(p.Name, pseudo(key, strings.TrimSpace(p.Name)))
			id := "people:person:" + Pseudonym(key, email)[:16]
			personID[p.PersonID] = id
			maps = append(maps, mapRow{"person", p.PersonID, id})
			p.PersonID, p.Email, p.Name, p.Pseudonymized = id, pseudo(key, email), pseudo(key, strings.TrimSpace(p.Name)), true
		}
		ppl = append(ppl, p)
	}
	rows.Close()
	newPerson := func(id string) string {
		if n, ok := personID[id]; ok {
			return n
		}
		return id
	}

	var accts []models.Row
	rows, err = w.Query(ctx, query("read_accounts"))
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var a models.Account
		var first, last sql.NullTime
		if err := rows.Scan(&a.AccountID, &a.Source, &a.NativeID, &a.Login, &a.Email, &a.Name, &a.IsBot,
			&a.PersonID, &a.MatchRule, &first, &last); err != nil {
			rows.Close()
			return fail(err)
		}
		a.FirstSeenAt, a.LastSeenAt = first.Time, last.Time
		text.add(a.NativeID, pseudo(key, a.NativeID))
		text.add(a.Login, pseudo(key, strings.ToLower(strings.TrimSpace(a.Login))))
		text.add(a.Email, pseudo(key, NormalizeEmail(a.Email)))
		text.add(a.Name, pseudo(key, strings.TrimSpace(a.Name)))
		if native := pseudo(key, a.NativeID); native != a.NativeID {
			id := models.AccountID(a.Source, native)
			maps = append(maps, mapRow{"account", a.AccountID, id})
			if a.Source == models.SourceJira {
				maps = append(maps, mapRow{"native", a.NativeID, native})
			}
			a.AccountID, a.NativeID = id, native
		}
		a.Email = pseudo(key, NormalizeEmail(a.Email))
		a.Name = pseudo(key, strings.TrimSpace(a.Name))
		a.Login = pseudo(key, strings.ToLower(strings.TrimSpace(a.Login)))
		a.PersonID = newPerson(a.PersonID)
		accts = append(accts, a)
	}
	rows.Close()

	var ovs []models.Row
	rows, err = w.Query(ctx, query("read_overrides"))
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var o models.IdentityOverride
		if err := rows.Scan(&o.Source, &o.Account, &o.PersonID, &o.SourceFile, &o.Line); err != nil {
			rows.Close()
			return fail(err)
		}
		o.Account = pseudo(key, strings.ToLower(strings.TrimSpace(o.Account)))
		o.PersonID = newPerson(o.PersonID)
		ovs = append(ovs, o)
	}
	rows.Close()

	rows, err = w.Query(ctx, query("assignee_names"))
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fail(err)
		}
		if h := pseudo(key, strings.TrimSpace(name)); h != name {
			maps = append(maps, mapRow{"name", name, h})
			text.add(name, h)
		}
	}
	rows.Close()

	// Replace the three tables read whole, then rewrite references through the map.
	for _, stmt := range []string{"delete_all_people", "delete_all_accounts", "delete_all_overrides", "pseudonym_map_create"} {
		if _, err := w.Exec(ctx, query(stmt)); err != nil {
			return fail(err)
		}
	}
	if err := w.Insert(ctx, ppl); err != nil {
		return fail(err)
	}
	if err := w.Insert(ctx, accts); err != nil {
		return fail(err)
	}
	if err := w.Insert(ctx, ovs); err != nil {
		return fail(err)
	}
	if err := w.Insert(ctx, maps); err != nil {
		return fail(err)
	}
	if len(maps) > 0 {
		if _, err := w.Exec(ctx, query("pseudonymize_ids")); err != nil {
			return fail(err)
		}
	}
	if _, err := w.Exec(ctx, query("pseudonym_map_drop")); err != nil {
		return fail(err)
	}
	if err := scrubFreeText(ctx, w, text); err != nil {
		return fail(err)
	}
	if _, err := w.Exec(ctx, query("delete_raw_records")); err != nil {
		return fail(err)
	}
	return nil
}
