package people

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
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

// Pseudonymize replaces personal values with keyed hashes inside w's transaction: people.email
// (normalised first, so it equals the hash of any matching account email) and people.name, sets
// people.pseudonymized; accounts.email (normalised), accounts.name and accounts.login
// (lower-cased); identity_overrides.account (lower-cased, like logins). Values that already look
// like a pseudonym are left alone, so a second call changes nothing. It is meant for the copy being
// published (the working database keeps real values for matching).
//
// Ids are not rewritten: accounts.native_id and account_id still hold GitHub logins (and, for
// commit authors without a login, commit emails), Jira account ids and PagerDuty user ids, and
// raw_records still holds the API payloads; the publish step must drop raw payloads when
// pseudonymising.
func Pseudonymize(ctx context.Context, w *store.Writer, key []byte) error {
	if len(key) == 0 {
		return ErrNoKey
	}
	var out []models.Row
	rows, err := w.Query(ctx, query("read_people"))
	if err != nil {
		return fmt.Errorf("people: pseudonymize: %w", err)
	}
	for rows.Next() {
		var p models.Person
		if err := rows.Scan(&p.PersonID, &p.Email, &p.Name, &p.Pseudonymized, &p.UpdatedAt); err != nil {
			rows.Close()
			return fmt.Errorf("people: pseudonymize: %w", err)
		}
		if !p.Pseudonymized {
			p.Email, p.Name, p.Pseudonymized = pseudo(key, NormalizeEmail(p.Email)), pseudo(key, strings.TrimSpace(p.Name)), true
			out = append(out, p)
		}
	}
	rows.Close()
	rows, err = w.Query(ctx, query("read_accounts"))
	if err != nil {
		return fmt.Errorf("people: pseudonymize: %w", err)
	}
	for rows.Next() {
		var a models.Account
		var first, last sql.NullTime
		if err := rows.Scan(&a.AccountID, &a.Source, &a.NativeID, &a.Login, &a.Email, &a.Name, &a.IsBot,
			&a.PersonID, &a.MatchRule, &first, &last); err != nil {
			rows.Close()
			return fmt.Errorf("people: pseudonymize: %w", err)
		}
		a.FirstSeenAt, a.LastSeenAt = first.Time, last.Time
		n := a
		n.Email = pseudo(key, NormalizeEmail(a.Email))
		n.Name = pseudo(key, strings.TrimSpace(a.Name))
		n.Login = pseudo(key, strings.ToLower(strings.TrimSpace(a.Login)))
		if n != a {
			out = append(out, n)
		}
	}
	rows.Close()
	rows, err = w.Query(ctx, query("read_overrides"))
	if err != nil {
		return fmt.Errorf("people: pseudonymize: %w", err)
	}
	var dels []models.IdentityOverride
	var ovs []models.Row
	for rows.Next() {
		var o models.IdentityOverride
		if err := rows.Scan(&o.Source, &o.Account, &o.PersonID, &o.SourceFile, &o.Line); err != nil {
			rows.Close()
			return fmt.Errorf("people: pseudonymize: %w", err)
		}
		if h := pseudo(key, strings.ToLower(strings.TrimSpace(o.Account))); h != o.Account {
			dels = append(dels, o)
			o.Account = h
			ovs = append(ovs, o)
		}
	}
	rows.Close()
	for _, o := range dels {
		if _, err := w.Exec(ctx, query("delete_override"), o.Source, o.Account); err != nil {
			return fmt.Errorf("people: pseudonymize: %w", err)
		}
	}
	if err := w.Upsert(ctx, append(out, ovs...)); err != nil {
		return fmt.Errorf("people: pseudonymize: %w", err)
	}
	return nil
}
