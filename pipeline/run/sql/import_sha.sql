-- The hash of the content last imported from a people file (kind, absolute path).
SELECT sha256 FROM imports WHERE kind = ? AND source_file = ?
