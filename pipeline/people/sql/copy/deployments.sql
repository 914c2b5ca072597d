INSERT INTO deployments BY NAME
SELECT * REPLACE (ti_account(creator_account_id) AS creator_account_id, ti_scrub(ref) AS ref)
FROM src.deployments
