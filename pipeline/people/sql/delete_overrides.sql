DELETE FROM identity_overrides WHERE source_file = ?
