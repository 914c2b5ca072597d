-- After a people file was replaced: drop teams, cohorts and people that no file mentions any more.
DELETE FROM teams t WHERE NOT EXISTS (SELECT 1 FROM team_memberships m WHERE m.team_id = t.team_id);
DELETE FROM cohorts c WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.cohort_id = c.cohort_id);
DELETE FROM people p
WHERE NOT EXISTS (SELECT 1 FROM team_memberships m WHERE m.person_id = p.person_id)
  AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.person_id = p.person_id)
  AND NOT EXISTS (SELECT 1 FROM identity_overrides o WHERE o.person_id = p.person_id);
