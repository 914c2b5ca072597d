DELETE FROM identity_overrides WHERE source = ? AND account = ?
