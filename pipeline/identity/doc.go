// Package identity links every account seen in any source to a person (accounts.person_id and
// accounts.match_rule) and reports how accounts were matched (`trainimpact identities`).
//
// # Rules, in order (the first that matches wins; bots never match)
//
//  1. override: a row of identities.csv (identity_overrides) names the account: its native id or
//     its login, compared case-insensitively, within the same source. Overrides always win.
//  2. email: the account's email, trimmed and lower-cased, equals a person's work email. For a
//     GitHub account that authored commits the email came from its commits, so the rule is
//     recorded as commit_email (a GitHub commit author without a login is an account whose native
//     id is the commit email, matched the same way).
//  3. noreply_email: a GitHub commit email of the form "ID+login@users.noreply.github.com" (or
//     "login@users.noreply.github.com") belongs to the GitHub login it names: the account gets
//     the person of that login (matched by rule 1 or 2, or named by an override).
//  4. display_name (only with people.match_display_name): the account's display name, exactly
//     as written, equals the name of exactly one person — people.name, or the name of an account
//     already matched to that person by rules 1–3. Ambiguous names never match.
//
// Resolve is idempotent and rewrites person_id, match_rule, first_seen_at and last_seen_at of
// every account, so it runs after every sync, import and rebuild (a connector's upsert of an
// account resets these columns).
package identity
