INSERT INTO accounts BY NAME
SELECT * REPLACE (ti_account(account_id) AS account_id, ti_id(native_id) AS native_id, ti_login(login) AS login,
                  ti_email(email) AS email, ti_name(name) AS name, ti_person(person_id) AS person_id)
FROM src.accounts
