-- Rows of one identities file, for the import diff.
SELECT source || '|' || lower(account), person_id
FROM identity_overrides
WHERE source_file = ?
