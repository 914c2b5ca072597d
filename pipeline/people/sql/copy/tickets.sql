INSERT INTO tickets BY NAME
SELECT * REPLACE (ti_account(assignee_account_id) AS assignee_account_id, ti_account(reporter_account_id) AS reporter_account_id,
                  CAST(ti_scrub(CAST(custom_fields AS VARCHAR)) AS JSON) AS custom_fields)
FROM src.tickets
