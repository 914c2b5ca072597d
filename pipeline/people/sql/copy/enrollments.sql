INSERT INTO enrollments BY NAME
SELECT * REPLACE (replace(enrollment_id, person_id, ti_person(person_id)) AS enrollment_id, ti_person(person_id) AS person_id)
FROM src.enrollments
