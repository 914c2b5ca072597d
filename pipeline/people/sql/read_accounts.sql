SELECT account_id, source, native_id, coalesce(login, ''), coalesce(email, ''), coalesce(name, ''), is_bot,
       coalesce(person_id, ''), coalesce(match_rule, ''), first_seen_at, last_seen_at
FROM accounts
ORDER BY account_id
