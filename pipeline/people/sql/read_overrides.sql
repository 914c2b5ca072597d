SELECT source, account, person_id, source_file, line FROM identity_overrides ORDER BY source, account
