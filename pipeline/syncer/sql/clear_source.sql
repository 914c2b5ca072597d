-- Deletes a source's rows from the canonical table {{TABLE}} before rebuild maps them again: rows
-- whose first key column {{COLUMN}} (an id, or accounts' account_id, or a link's first id) starts
-- with '<source>:'. Parameter: the prefix '<source>:'.
DELETE FROM {{TABLE}}
WHERE starts_with({{COLUMN}}, ?)
