-- The values of one free-text column ({{TABLE}}.{{COLUMN}}, quoted identifiers from the scrubber's
-- fixed list) with the rowid that identifies their row.
SELECT rowid, CAST({{COLUMN}} AS VARCHAR)
FROM {{TABLE}}
WHERE {{COLUMN}} IS NOT NULL
