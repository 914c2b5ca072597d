INSERT INTO team_memberships BY NAME
SELECT * REPLACE (replace(membership_id, person_id, ti_person(person_id)) AS membership_id, ti_person(person_id) AS person_id)
FROM src.team_memberships
