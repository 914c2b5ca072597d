-- Assessments follow the person's pseudonym; a person who is in no people file (so not in the
-- pseudonym map) gets a keyed hash all the same: the unkeyed id is a hash of the email, which an
-- email list would reverse.
INSERT INTO assessments BY NAME
SELECT * EXCLUDE (pid) REPLACE (replace(assessment_id, person_id, pid) AS assessment_id, pid AS person_id)
FROM (
    SELECT *,
           CASE WHEN ti_person(person_id) <> person_id THEN ti_person(person_id)
                ELSE 'people:person:' || left(ti_id(person_id), 16) END AS pid
    FROM src.assessments
)
