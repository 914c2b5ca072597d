SELECT a.account_id, a.source, a.native_id, coalesce(a.login, ''), coalesce(a.email, ''), coalesce(a.name, ''), a.is_bot,
       coalesce(a.person_id, ''), coalesce(a.match_rule, ''), a.first_seen_at, a.last_seen_at,
       EXISTS (SELECT 1 FROM pr_commits c WHERE c.author_account_id = a.account_id) AS has_commits
FROM accounts a
ORDER BY a.account_id
