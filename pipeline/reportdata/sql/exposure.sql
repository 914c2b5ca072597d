-- Treatment of every unit; teams carry their name (a team's name is shown, a person's never).
SELECT e.status,
       e.treated_at,
       coalesce(e.program, '')                                         AS program,
       CASE WHEN e.unit_type = 'team' THEN coalesce(t.name, '') ELSE '' END AS team
FROM exposure AS e
LEFT JOIN teams AS t ON e.unit_type = 'team' AND t.team_id = e.unit_id
WHERE e.unit_type = $1
