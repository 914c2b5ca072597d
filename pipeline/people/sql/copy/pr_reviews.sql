INSERT INTO pr_reviews BY NAME
SELECT * REPLACE (ti_account(reviewer_account_id) AS reviewer_account_id)
FROM src.pr_reviews
