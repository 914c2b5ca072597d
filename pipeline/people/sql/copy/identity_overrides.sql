INSERT INTO identity_overrides BY NAME
SELECT * REPLACE (ti_login(account) AS account, ti_person(person_id) AS person_id)
FROM src.identity_overrides
