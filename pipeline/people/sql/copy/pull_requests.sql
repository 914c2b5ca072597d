INSERT INTO pull_requests BY NAME
SELECT * REPLACE (ti_account(author_account_id) AS author_account_id, ti_scrub(title) AS title, ti_scrub(base_ref) AS base_ref)
FROM src.pull_requests
