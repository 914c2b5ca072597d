INSERT INTO incidents BY NAME
SELECT * REPLACE (ti_account(first_responder_account_id) AS first_responder_account_id,
                  ti_account(resolver_account_id) AS resolver_account_id,
                  ti_account(assignee_account_id) AS assignee_account_id, ti_scrub(title) AS title)
FROM src.incidents
