-- Pseudonymised copy of people (see people.Pseudonymize for the functions ti_*).
INSERT INTO people BY NAME
SELECT * REPLACE (ti_person(person_id) AS person_id, ti_email(email) AS email, ti_name(name) AS name, true AS pseudonymized)
FROM src.people
