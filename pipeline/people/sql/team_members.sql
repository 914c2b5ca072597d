-- Every person with a team membership (from any teams file imported before).
SELECT DISTINCT person_id FROM team_memberships
