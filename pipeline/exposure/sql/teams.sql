SELECT team_id FROM teams ORDER BY team_id
