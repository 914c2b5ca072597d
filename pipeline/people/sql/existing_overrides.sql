-- Rows of one identities file, for the import diff: id, content signature, description, line.
SELECT o.source || '|' || lower(o.account), o.person_id,
       concat_ws(' ', o.source, 'account', o.account, 'is', coalesce(p.email, o.person_id)),
       o.line
FROM identity_overrides o
LEFT JOIN people p USING (person_id)
WHERE o.source_file = ?
