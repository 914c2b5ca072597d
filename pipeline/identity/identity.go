package identity

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("identity: no embedded query %q", name))
	}
	return string(b)
}

// Match rules stored in accounts.match_rule.
const (
	RuleOverride    = "override"
	RuleEmail       = "email"
	RuleCommitEmail = "commit_email"
	RuleNoreply     = "noreply_email"
	RuleDisplayName = "display_name"
)

// Options controls Resolve.
type Options struct {
	// MatchDisplayName enables rule 4 (config people.match_display_name).
	MatchDisplayName bool
}

// Result counts the outcome of Resolve over all accounts.
type Result struct {
	Accounts  int            `json:"accounts"`
	Bots      int            `json:"bots"`
	Matched   int            `json:"matched"`
	Unmatched int            `json:"unmatched"` // humans without a match
	ByRule    map[string]int `json:"by_rule"`
	Changed   int            `json:"changed"` // accounts whose person, rule or activity times changed
}

// noreplyRE matches GitHub noreply commit emails; group 2 is the login.
var noreplyRE = regexp.MustCompile(`^(?:([0-9]+)\+)?([^@+]+)@users\.noreply\.github\.com$`)

// NoreplyLogin returns the GitHub login named by a noreply commit email, or "".
func NoreplyLogin(email string) string {
	m := noreplyRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(email)))
	if m == nil {
		return ""
	}
	return m[2]
}

type account struct {
	models.Account
	hasCommits bool
	events     int
	changed    bool
}

// isBot reports a bot by the connector's flag or a GitHub "[bot]" login.
func (a *account) isBot() bool {
	return a.IsBot || strings.HasSuffix(strings.ToLower(a.Login), "[bot]") || strings.HasSuffix(strings.ToLower(a.NativeID), "[bot]")
}

// Resolve matches every account to a person by the rules in the package documentation and writes
// person_id, match_rule, first_seen_at and last_seen_at of all accounts in one transaction.
func Resolve(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	var res Result
	err := st.Write(ctx, func(w *store.Writer) error {
		accts, err := load(ctx, w.Query)
		if err != nil {
			return err
		}
		byEmail := map[string]string{}
		names := map[string]map[string]bool{} // display name -> person ids
		addName := func(name, pid string) {
			name = strings.TrimSpace(name)
			if name == "" {
				return
			}
			if names[name] == nil {
				names[name] = map[string]bool{}
			}
			names[name][pid] = true
		}
		if err := scan(ctx, w.Query, query("people"), nil, func(r *sql.Rows) error {
			var pid, email, name string
			if err := r.Scan(&pid, &email, &name); err != nil {
				return err
			}
			byEmail[strings.ToLower(strings.TrimSpace(email))] = pid
			addName(name, pid)
			return nil
		}); err != nil {
			return err
		}
		over := map[string]string{} // source \x00 lower(account) -> person
		if err := scan(ctx, w.Query, query("overrides"), nil, func(r *sql.Rows) error {
			var src, acct, pid string
			if err := r.Scan(&src, &acct, &pid); err != nil {
				return err
			}
			over[src+"\x00"+acct] = pid
			return nil
		}); err != nil {
			return err
		}
		match(accts, byEmail, over, names, addName, opts)
		var rows []models.Row
		res = Result{ByRule: map[string]int{}}
		for _, a := range accts {
			res.Accounts++
			switch {
			case a.isBot():
				res.Bots++
			case a.PersonID != "":
				res.Matched++
				res.ByRule[a.MatchRule]++
			default:
				res.Unmatched++
			}
			if a.changed {
				res.Changed++
				rows = append(rows, a.Account)
			}
		}
		return w.Upsert(ctx, rows)
	})
	if err != nil {
		return Result{}, fmt.Errorf("identity: resolve: %w", err)
	}
	return res, nil
}

type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func scan(ctx context.Context, q queryFunc, stmt string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// load reads every account with its activity (events, first and last seen).
func load(ctx context.Context, q queryFunc) ([]*account, error) {
	var accts []*account
	byID := map[string]*account{}
	err := scan(ctx, q, query("accounts"), nil, func(r *sql.Rows) error {
		a := &account{}
		var first, last sql.NullTime
		if err := r.Scan(&a.AccountID, &a.Source, &a.NativeID, &a.Login, &a.Email, &a.Name, &a.IsBot,
			&a.PersonID, &a.MatchRule, &first, &last, &a.hasCommits); err != nil {
			return err
		}
		a.FirstSeenAt, a.LastSeenAt = first.Time, last.Time
		accts = append(accts, a)
		byID[a.AccountID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := map[string][2]time.Time{}
	err = scan(ctx, q, query("activity"), nil, func(r *sql.Rows) error {
		var id string
		var n int
		var first, last time.Time
		if err := r.Scan(&id, &n, &first, &last); err != nil {
			return err
		}
		if a := byID[id]; a != nil {
			a.events = n
			seen[id] = [2]time.Time{first.UTC(), last.UTC()}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range accts {
		s := seen[a.AccountID]
		if !s[0].Equal(a.FirstSeenAt) || !s[1].Equal(a.LastSeenAt) {
			a.FirstSeenAt, a.LastSeenAt, a.changed = s[0], s[1], true
		}
	}
	return accts, nil
}

// match applies the rules to accts in place, marking changed accounts.
func match(accts []*account, byEmail, over map[string]string, names map[string]map[string]bool, addName func(string, string), opts Options) {
	type m struct{ pid, rule string }
	got := make([]m, len(accts))
	ghLogin := map[string]int{} // lower(login) -> index of the GitHub login account
	for i, a := range accts {
		if a.Source == models.SourceGitHub && a.Login != "" {
			ghLogin[strings.ToLower(a.Login)] = i
		}
	}
	// Rules 1 and 2.
	for i, a := range accts {
		if a.isBot() {
			continue
		}
		for _, k := range []string{a.NativeID, a.Login} {
			if k == "" {
				continue
			}
			if pid, ok := over[a.Source+"\x00"+strings.ToLower(strings.TrimSpace(k))]; ok {
				got[i] = m{pid, RuleOverride}
				break
			}
		}
		if got[i].pid != "" {
			continue
		}
		email := a.Email
		if email == "" && a.Source == models.SourceGitHub && a.Login == "" && strings.Contains(a.NativeID, "@") {
			email = a.NativeID // commit author without a login
		}
		if pid, ok := byEmail[strings.ToLower(strings.TrimSpace(email))]; ok && email != "" {
			rule := RuleEmail
			if a.Source == models.SourceGitHub && (a.hasCommits || a.Login == "") {
				rule = RuleCommitEmail
			}
			got[i] = m{pid, rule}
		}
	}
	// Rule 3: noreply commit emails follow their login.
	for i, a := range accts {
		if a.isBot() || got[i].pid != "" || a.Source != models.SourceGitHub {
			continue
		}
		login := NoreplyLogin(a.Email)
		if login == "" {
			login = NoreplyLogin(a.NativeID)
		}
		if login == "" || strings.EqualFold(login, a.Login) {
			continue
		}
		if j, ok := ghLogin[login]; ok && got[j].pid != "" {
			got[i] = m{got[j].pid, RuleNoreply}
		} else if pid, ok := over[models.SourceGitHub+"\x00"+login]; ok {
			got[i] = m{pid, RuleNoreply}
		}
	}
	// Rule 4: exact display name of exactly one person.
	if opts.MatchDisplayName {
		for i, a := range accts {
			if got[i].pid != "" {
				addName(a.Name, got[i].pid)
			}
		}
		for i, a := range accts {
			if a.isBot() || got[i].pid != "" {
				continue
			}
			if ps := names[strings.TrimSpace(a.Name)]; len(ps) == 1 {
				for pid := range ps {
					got[i] = m{pid, RuleDisplayName}
				}
			}
		}
	}
	for i, a := range accts {
		if a.PersonID != got[i].pid || a.MatchRule != got[i].rule {
			a.PersonID, a.MatchRule, a.changed = got[i].pid, got[i].rule, true
		}
	}
}
