-- Person units: everyone in a team or a cohort.
SELECT person_id FROM team_memberships
UNION
SELECT person_id FROM enrollments
ORDER BY person_id
