INSERT INTO exposure BY NAME
SELECT * REPLACE (CASE WHEN unit_type = 'person' THEN ti_person(unit_id) ELSE unit_id END AS unit_id,
                  ti_person(lead_person_id) AS lead_person_id, ti_scrub(note) AS note)
FROM src.exposure
