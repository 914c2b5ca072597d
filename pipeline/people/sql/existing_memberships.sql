-- Rows of one teams file, for the import diff.
SELECT membership_id,
       concat_ws('|', person_id, team_id, role, strftime(valid_from, '%Y-%m-%d'), coalesce(strftime(valid_to, '%Y-%m-%d'), ''))
FROM team_memberships
WHERE source_file = ?
