-- Adds the flag stale_source to every estimate of the period that does not carry it yet.
UPDATE estimates
SET flags = list_append(coalesce(flags, []::VARCHAR[]), 'stale_source')
WHERE period = ? AND NOT list_contains(coalesce(flags, []::VARCHAR[]), 'stale_source')
