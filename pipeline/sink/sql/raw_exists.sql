-- Whether any raw record of a (source, entity) is stored: a first sync of an entity skips the
-- comparison with stored payloads. Parameters: source, entity.
SELECT EXISTS (SELECT 1 FROM raw_records WHERE source = ? AND entity = ?)
