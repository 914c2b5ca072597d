INSERT INTO runs BY NAME
SELECT * REPLACE (ti_scrub(error) AS error)
FROM src.runs
