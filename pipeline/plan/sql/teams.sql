-- Every team of the exposure table with its status and name (a team's name is shown, as the
-- report shows it; people are never named). status: treated, not_yet, never or dropout.
SELECT e.unit_id, coalesce(t.name, '') AS name, e.status
FROM exposure AS e
LEFT JOIN teams AS t ON t.team_id = e.unit_id
WHERE e.unit_type = 'team'
ORDER BY e.unit_id
