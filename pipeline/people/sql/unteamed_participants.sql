-- Cohort participants who are in no team of the teams files: their training changes no team's
-- exposure (an email written differently in the two files, or someone outside the measured teams).
SELECT p.email, e.program, c.name AS cohort, e.source_file, e.line
FROM enrollments AS e
JOIN people AS p USING (person_id)
JOIN cohorts AS c USING (cohort_id)
WHERE NOT EXISTS (SELECT 1 FROM team_memberships AS m WHERE m.person_id = e.person_id)
  AND EXISTS (SELECT 1 FROM team_memberships)
ORDER BY e.source_file, e.line
