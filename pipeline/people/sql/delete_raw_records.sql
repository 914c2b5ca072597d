-- The published copy of a pseudonymised warehouse keeps no raw payloads: they carry names, emails
-- and logins in every shape the sources use. The working database keeps them (for rebuild).
DELETE FROM raw_records
