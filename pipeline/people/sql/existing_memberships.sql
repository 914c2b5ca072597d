-- Rows of one teams file, for the import diff: id, content signature, description, line.
SELECT m.membership_id,
       concat_ws('|', m.person_id, m.team_id, m.role, strftime(m.valid_from, '%Y-%m-%d'), coalesce(strftime(m.valid_to, '%Y-%m-%d'), '')),
       concat_ws(' ', coalesce(p.email, m.person_id), m.role, 'of', coalesce(t.name, m.team_id),
                 'from', strftime(m.valid_from, '%Y-%m-%d'), 'to', coalesce(strftime(m.valid_to, '%Y-%m-%d'), 'open')),
       m.line
FROM team_memberships m
LEFT JOIN people p USING (person_id)
LEFT JOIN teams t USING (team_id)
WHERE m.source_file = ?
