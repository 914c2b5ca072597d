-- Ids already present in people, teams and cohorts (new ones are inserted, existing ones kept as they are).
SELECT person_id FROM people
UNION ALL SELECT team_id FROM teams
UNION ALL SELECT cohort_id FROM cohorts
