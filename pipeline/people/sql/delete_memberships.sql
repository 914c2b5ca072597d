DELETE FROM team_memberships WHERE source_file = ?
