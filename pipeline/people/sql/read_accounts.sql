-- The accounts of the source database being published (people.Pseudonymize builds its maps from them).
SELECT account_id, source, native_id, coalesce(login, ''), coalesce(email, ''), coalesce(name, '')
FROM src.accounts
ORDER BY account_id
