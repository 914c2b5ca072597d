-- Every team, by id and by the name written in teams.csv.
SELECT team_id, name FROM teams ORDER BY name
