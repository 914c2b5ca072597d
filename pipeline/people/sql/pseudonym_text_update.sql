-- Writes the scrubbed values of pseudonym_text back into {{TABLE}}.{{COLUMN}}; the assignment casts
-- to the column's own type (JSON for custom fields).
UPDATE {{TABLE}} SET {{COLUMN}} = s.v
FROM pseudonym_text AS s
WHERE {{TABLE}}.rowid = s.rid
