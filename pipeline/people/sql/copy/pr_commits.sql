INSERT INTO pr_commits BY NAME
SELECT * REPLACE (ti_account(author_account_id) AS author_account_id)
FROM src.pr_commits
