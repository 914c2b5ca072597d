INSERT INTO metric_events BY NAME
SELECT * REPLACE (ti_person(person_id) AS person_id)
FROM src.metric_events
